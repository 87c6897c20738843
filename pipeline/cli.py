"""`kopi`: the command line for Prokopimda operators. A thin shell over the flows and the store;
messages are in Indonesian, as staff read them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from pipeline.errors import ConfigError, KopiError
from pipeline.forms.registry import default_templates
from pipeline.forms.layout import template_layout
from pipeline.gazetteer import Village, default_gazetteer
from pipeline.record import Identity, now_wita
from pipeline.settings import load_settings

app = typer.Typer(help="KIM PRODUK KOPI: formulir desa ke antrean SKPD.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
forms_app = typer.Typer(help="Formulir: cetak dan tata letak.", no_args_is_help=True)
samples_app = typer.Typer(help="Contoh pindaian/foto formulir untuk uji dan demo.", no_args_is_help=True)
app.add_typer(forms_app, name="forms")
app.add_typer(samples_app, name="samples")

console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]Gagal:[/] {message}")
    return typer.Exit(code)


def _template(form_id: str):  # noqa: ANN202
    try:
        return default_templates().get(form_id.upper())
    except KeyError:
        known = ", ".join(default_templates().form_ids)
        raise fail(f"formulir {form_id} tidak dikenal (yang ada: {known})") from None


def _village(desa: str | None, kecamatan: str | None, kode: str | None) -> Village | None:
    gazetteer = default_gazetteer()
    try:
        if kode:
            return gazetteer.by_code(kode)
        if desa or kecamatan:
            if not (desa and kecamatan):
                raise fail("untuk formulir khusus desa, isi --desa dan --kecamatan")
            return gazetteer.find(kecamatan, desa)
    except (KeyError, ValueError):
        raise fail(f"desa {kode or desa} (kecamatan {kecamatan or '?'}) tidak ada di daftar "
                   "wilayah Barito Kuala") from None
    return None


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

    template = _template(form_id)
    village = _village(desa, kecamatan, kode_desa)
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
    layout = template_layout(_template(form_id))
    if as_json:
        typer.echo(json.dumps(layout, indent=2, ensure_ascii=False))
        return
    console.print(f"{layout['form_id']} versi {layout['version']}: {layout['title']}")
    for f in layout["fields"]:
        console.print(f"  {f['name']:<22} {f['type']:<14} {f['box']}")


@samples_app.command("generate")
def samples_generate(
    out: Path = typer.Option(..., "--out", "-o", help="folder keluaran"),
    count: int = typer.Option(20, min=1, max=20000, help="jumlah halaman formulir"),
    seed: int = typer.Option(1, help="benih acak; benih sama = hasil sama"),
    handwriting: float = typer.Option(0.35, min=0, max=1, help="porsi isian tulisan tangan"),
    bad_files: bool = typer.Option(False, "--bad-files", help="tambah 1 foto bukan formulir dan 1 berkas rusak"),
    today: str | None = typer.Option(None, help="tanggal acuan isian (YYYY-MM-DD; bawaan hari ini WITA)"),
    first_serial: int | None = typer.Option(None, help="nomor seri pertama (bawaan dari benih)"),
    pdf_share: float = typer.Option(0.6, min=0, max=1, help="porsi halaman pindaian yang digabung dalam PDF"),
    phone_long_side: int = typer.Option(2000, min=800, max=4000, help="sisi panjang foto HP (piksel)"),
    captures: str = typer.Option("scan=0.3,phone=0.4,chat=0.3", help="porsi gaya pengambilan gambar"),
) -> None:
    """Buat contoh pindaian, foto HP dan foto terusan aplikasi chat, masing-masing dengan kunci jawaban (JSON)."""
    from pipeline.route.config import default_routing
    from pipeline.samples.writer import SampleContext, write_sample_set

    ref = date.fromisoformat(today) if today else now_wita().date()
    try:
        shares = {k.strip(): float(v) for k, v in (part.split("=") for part in captures.split(","))}
    except ValueError:
        raise fail("--captures ditulis seperti scan=0.3,phone=0.4,chat=0.3") from None
    if not set(shares) <= {"scan", "phone", "chat"} or sum(shares.values()) <= 0:
        raise fail("--captures hanya mengenal scan, phone dan chat")
    ctx = SampleContext(default_templates(), default_gazetteer(), default_routing(), seed, ref,
                        phone_long_side=phone_long_side)
    first = first_serial if first_serial is not None else 1 + (seed * 1000) % 900_000
    with console.status("membuat contoh...") as status:
        files = write_sample_set(out, ctx, count, first_serial=first, handwriting_share=handwriting,
                                 bad_files=bad_files, pdf_share=pdf_share, captures=shares,
                                 progress=lambda p: status.update(f"membuat contoh... {p.name}"))
    console.print(f"{len(files)} berkas ({count} halaman formulir) di {out}")


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        err.print(f"[bold red]Konfigurasi tidak valid:[/]\n{exc}")
        raise SystemExit(2) from None
    except KopiError as exc:
        err.print(f"[bold red]Gagal:[/] {exc}")
        raise SystemExit(1) from None
