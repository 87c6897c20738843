"""`kopi routes`: the routing configuration staff edit (SKPD directory and rules)."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer
from rich.table import Table

from pipeline.cli.common import console, err, fail, group
from pipeline.errors import ConfigError
from pipeline.forms.registry import default_templates
from pipeline.route.config import builtin_routing_dir, load_routing
from pipeline.settings import load_settings

routes_app = group("routes", "Aturan penyaluran dan daftar SKPD.")


def _active_dir(directory: Path | None) -> Path:
    return directory or load_settings().routing_dir or builtin_routing_dir()


@routes_app.command("init")
def routes_init() -> None:
    """Salin aturan bawaan ke KOPI_HOME/config/routing agar bisa diubah petugas."""
    target = load_settings().home / "config" / "routing"
    if (target / "rules.yaml").exists():
        raise fail(f"aturan sudah ada di {target}; ubah berkas di sana lalu jalankan: kopi routes check")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("skpd.yaml", "rules.yaml"):
        shutil.copyfile(builtin_routing_dir() / name, target / name)
    console.print(f"Aturan disalin ke {target}.\nUbah skpd.yaml (daftar SKPD) dan rules.yaml (kategori -> SKPD), "
                  "lalu periksa dengan: kopi routes check. Perubahan berlaku untuk formulir berikutnya.")


@routes_app.command("check")
def routes_check(directory: Path | None = typer.Option(None, "--dir", help="folder aturan (bawaan: yang berlaku)")) -> None:
    """Periksa daftar SKPD dan aturan penyaluran; tunjukkan ringkasannya."""
    folder = _active_dir(directory)
    try:
        config = load_routing(default_templates(), folder)
    except ConfigError as exc:
        err.print(f"[bold red]Aturan tidak valid[/] ({folder}):\n{exc}")
        raise typer.Exit(2) from None
    console.print(f"Aturan di {folder}: valid. {len(config.units)} SKPD/unit.")
    for form_id, rules in config.forms.items():
        table = Table("Pilihan", "Tindak lanjut", "Informasi", title=f"{form_id}")
        options = list(rules.primary_by_choice or rules.informed_by_choice) or ["(semua)"]
        for option in options:
            targets = rules.primary + rules.primary_by_choice.get(option, [])
            informed = rules.informed_by_choice.get(option, [])
            table.add_row(option, ", ".join(targets) or "[yellow](diputuskan petugas)[/]", ", ".join(informed))
        console.print(table)
        extra = [f"tembusan: {', '.join(rules.copy_to)}"] if rules.copy_to else []
        extra += ["camat kecamatan formulir diberi tahu"] if rules.inform_camat_of else []
        if extra:
            console.print("  " + "; ".join(extra))


@routes_app.command("explain")
def routes_explain(record: str = typer.Argument(..., help="nomor registrasi (KOPI-2026-000123) atau nomor rekaman")) -> None:
    """Tunjukkan aturan mana yang berlaku untuk satu formulir, dan mengapa."""
    from flows import runtime
    from pipeline.record import FormRecord
    from pipeline.route.router import evaluate
    from pipeline.store.workflow import NotFound, get_record

    with runtime.store().session() as session:
        try:
            row = get_record(session, record)
        except NotFound as exc:
            raise fail(str(exc)) from None
        form = FormRecord.model_validate(row.data)
        tracking = row.tracking_number
    outcomes = evaluate(form, runtime.reading_context().routing)
    table = Table("Aturan", "Berlaku", "Tujuan", "Alasan", title=f"{tracking or record}: {form.identity.form_id if form.identity else '?'}")
    for o in outcomes:
        table.add_row(o.rule, "ya" if o.matched else "tidak",
                      ", ".join(f"{r.target} ({r.kind.value})" for r in o.routes), o.why)
    console.print(table if outcomes else "Formulir ini belum dikenali, tidak ada aturan yang dapat diterapkan.")
