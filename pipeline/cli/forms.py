"""`kopi forms`: print forms and show their geometry."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from pipeline.cli.common import console, fail, group, template_or_fail, village_or_fail
from pipeline.forms.layout import template_layout
from pipeline.forms.registry import default_templates
from pipeline.record import Identity
from pipeline.settings import load_settings

forms_app = group("forms", "Formulir: cetak dan tata letak.")


@forms_app.command("list")
def forms_list() -> None:
    """Daftar formulir yang dikenal."""
    for t in default_templates().templates:
        console.print(f"{t.id}  versi {t.version}  {t.title}  ({len(t.fields)} isian)")


@forms_app.command("render")
def forms_render(
    form_id: str = typer.Argument(..., help="KIM-01 atau KIM-02"),
    out: Path = typer.Option(..., "--out", "-o", help="berkas PDF keluaran"),
    serial: int | None = typer.Option(None, help="nomor seri pertama (bawaan: nomor bebas berikutnya)"),
    count: int = typer.Option(1, min=1, max=5000, help="jumlah lembar, nomor seri berurutan"),
    desa: str | None = typer.Option(None, help="cetak khusus untuk desa ini"),
    kecamatan: str | None = typer.Option(None, help="kecamatan dari --desa"),
    kode_desa: str | None = typer.Option(None, help="kode Kemendagri desa, mis. 63.04.04.2002"),
) -> None:
    """Cetak formulir A4 (PDF) siap diisi, dengan kode QR dan tanda registrasi."""
    from pipeline.forms.render import render_forms
    from pipeline.store.db import open_store
    from pipeline.store.issuance import IssuanceConflict, issue_serials

    template = template_or_fail(form_id)
    village = village_or_fail(desa, kecamatan, kode_desa)
    store = open_store(load_settings())
    try:
        with store.session() as session:
            issued = issue_serials(session, template.id, template.version, count,
                                   village.code if village else None, first=serial)
            identities = [
                Identity(form_id=template.id, version=template.version, serial=s,
                         village_code=village.code if village else None)
                for s in issued.serials
            ]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(render_forms(template, identities, village))
    except IssuanceConflict as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()
    where = f" untuk {village.label}" if village else ""
    console.print(f"{count} lembar {template.id}, nomor seri {issued.first:06d}-{issued.last:06d}"
                  f"{where} -> {out}")


@forms_app.command("layout")
def forms_layout(
    form_id: str = typer.Argument(..., help="KIM-01 atau KIM-02"),
    as_json: bool = typer.Option(False, "--json", help="keluaran JSON (mm dari kiri atas halaman)"),
) -> None:
    """Tata letak formulir: tanda registrasi, QR, setiap kotak isian dan pilihan, dalam mm."""
    layout = template_layout(template_or_fail(form_id))
    if as_json:
        typer.echo(json.dumps(layout, indent=2, ensure_ascii=False))
        return
    console.print(f"{layout['form_id']} versi {layout['version']}: {layout['title']}")
    for f in layout["fields"]:
        console.print(f"  {f['name']:<22} {f['type']:<14} {f['box']}")
