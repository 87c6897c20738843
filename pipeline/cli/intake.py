"""`kopi run`, `kopi export`, `kopi report`: the intake and what staff open afterwards."""

from __future__ import annotations

from pathlib import Path

import typer

from pipeline.cli.common import app, console, err, fail, group
from pipeline.record import now_wita
from pipeline.settings import load_settings

report_app = group("report", "Laporan untuk pimpinan.")


SUMMARY_ROWS = (
    ("files", "Berkas diterima"), ("files_new", "  baru diproses"),
    ("files_known", "  sudah pernah diproses (dilewati)"), ("pages", "Formulir"),
    ("routed", "Diteruskan ke SKPD"), ("needs_review", "Perlu diperiksa petugas"),
    ("duplicates", "Duplikat"), ("failed_pages", "Gagal dibaca"),
)


def _print_summary(summary: dict) -> None:
    from rich.table import Table

    from pipeline.reasons import LABELS, ReasonCode
    from flows import runtime

    table = Table(title="Ringkasan", show_header=False)
    for key, label in SUMMARY_ROWS:
        table.add_row(label, str(summary[key]))
    console.print(table)
    units = runtime.reading_context().routing.units
    if summary["routed_to"]:
        routed = Table("SKPD tujuan", "Formulir", title="Diteruskan ke")
        for code, n in summary["routed_to"].items():
            routed.add_row(units[code].name if code in units else code, str(n))
        console.print(routed)
    if summary["reasons"]:
        reasons = Table("Alasan", "Jumlah", title="Perlu diperiksa / gagal, karena")
        for code, n in summary["reasons"].items():
            reasons.add_row(LABELS[ReasonCode(code)], str(n))
        console.print(reasons)


@app.command("run")
def run(inbox: Path = typer.Argument(..., help="folder berisi foto/PDF formulir")) -> None:
    """Proses semua foto dan PDF di folder: baca, periksa, teruskan ke antrean SKPD."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if not inbox.is_dir():
        raise fail(f"folder {inbox} tidak ditemukan")
    from flows import progress
    from flows.intake import inbox_files, run_intake

    total = len(inbox_files(inbox.resolve()))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("memproses berkas", total=total)

        def advance(name: str, status: str) -> None:
            bar.update(task, advance=1, description=f"memproses berkas ({name})")

        with progress.listening(advance):
            summary = run_intake(str(inbox))
    _print_summary(summary)
    home = load_settings().home
    console.print(f"Data tersimpan di {home} - lanjutkan dengan: kopi export, kopi report weekly")


@app.command("export")
def export(
    fmt: str = typer.Option("xlsx", "--format", "-f", help="jsonl, csv atau xlsx"),
    out: Path | None = typer.Option(None, "--out", "-o", help="berkas keluaran"),
    status: str | None = typer.Option(None, help="routed, needs_review, returned, duplicate, failed"),
    skpd: str | None = typer.Option(None, help="kode SKPD tujuan, mis. PUPR"),
    full_identity: bool = typer.Option(False, "--identitas-lengkap",
                                       help="NIK, HP dan identitas rahasia ditampilkan utuh (hanya petugas pemeriksa)"),
) -> None:
    """Ekspor rekaman formulir (satu baris per formulir). NIK dan nomor HP disamarkan."""
    from flows.reports import FORMATS, write_export
    from pipeline.record import Status
    from pipeline.report.privacy import Audience

    if fmt not in FORMATS:
        raise fail(f"format {fmt} tidak dikenal; pilih {', '.join(FORMATS)}")
    if status and status not in {s.value for s in Status}:
        raise fail(f"status {status} tidak dikenal; pilih {', '.join(s.value for s in Status)}")
    stamp = now_wita().strftime("%Y%m%d-%H%M")
    target = out or load_settings().output_dir / "ekspor" / f"formulir-{stamp}.{fmt}"
    audience = Audience.REVIEWER if full_identity else Audience.PUBLIC
    count = write_export(fmt, target, status, skpd.upper() if skpd else None, audience)
    if full_identity:
        err.print("[yellow]Perhatian:[/] berkas ini memuat data pribadi utuh (UU 27/2022); "
                  "jangan dibagikan di luar petugas pemeriksa.")
    console.print(f"{count} formulir -> {target}")


@report_app.command("weekly")
def report_weekly(
    week: str | None = typer.Option(None, help="minggu ISO, mis. 2026-W48 (bawaan: minggu ini, WITA)"),
    out: Path | None = typer.Option(None, "--out", "-o", help="folder keluaran"),
) -> None:
    """Laporan mingguan penyaluran formulir: per SKPD, per kecamatan, alasan, antrean."""
    from flows.reports import write_weekly_report
    from pipeline.report.weekly import Week

    try:
        chosen = Week.parse(week) if week else Week.containing(now_wita())
    except ValueError:
        raise fail(f"minggu {week} tidak valid; tulis seperti 2026-W48") from None
    files = write_weekly_report(chosen, out or load_settings().output_dir / "laporan")
    console.print(f"Laporan minggu {chosen.label} ({chosen.describe()}):")
    console.print(f"  {files.html}")
    for path in files.csvs:
        console.print(f"  {path}")
