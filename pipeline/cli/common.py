"""Shared pieces of the command line: the app, the consoles, errors in Indonesian."""

from __future__ import annotations

import typer
from rich.console import Console

from pipeline.forms.registry import default_templates
from pipeline.gazetteer import Village, default_gazetteer

app = typer.Typer(help="KIM PRODUK KOPI: formulir desa ke antrean SKPD.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]Gagal:[/] {message}")
    return typer.Exit(code)


def group(name: str, help_text: str) -> typer.Typer:
    sub = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


def template_or_fail(form_id: str):  # noqa: ANN202
    try:
        return default_templates().get(form_id.upper())
    except KeyError:
        known = ", ".join(default_templates().form_ids)
        raise fail(f"formulir {form_id} tidak dikenal (yang ada: {known})") from None


def village_or_fail(desa: str | None, kecamatan: str | None, kode: str | None) -> Village | None:
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
