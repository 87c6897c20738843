"""`kopi agenda` and `kopi feedback`: what Prokopimda and the villages get on paper."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import typer

from pipeline.cli.common import app, console, fail, village_or_fail
from pipeline.record import now_wita
from pipeline.settings import load_settings


@app.command("agenda")
def agenda(
    week: str | None = typer.Option(None, help="minggu ISO, mis. 2026-W49 (bawaan: minggu ini)"),
    minggu_depan: bool = typer.Option(False, "--minggu-depan", help="minggu berikutnya"),
    pimpinan: str | None = typer.Option(None, help="hanya satu pimpinan: bupati, wakil_bupati, sekda, asisten, staf_ahli"),
    out: Path | None = typer.Option(None, "--out", "-o", help="folder keluaran"),
) -> None:
    """Agenda permintaan kehadiran pimpinan: kalender (.ics) dan cetakan mingguan (PDF), bentrok ditandai."""
    from flows.reports import write_agenda
    from pipeline.report.weekly import Week

    try:
        chosen = Week.parse(week) if week else Week.containing(now_wita() + timedelta(days=7 * minggu_depan))
    except ValueError:
        raise fail(f"minggu {week} tidak valid; tulis seperti 2026-W49") from None
    ics, pdf = write_agenda(chosen, out or load_settings().output_dir / "agenda", pimpinan)
    console.print(f"Agenda {chosen.label} ({chosen.describe()}):\n  {ics}\n  {pdf}")


@app.command("feedback")
def feedback(
    desa: str | None = typer.Option(None, help="nama desa/kelurahan"),
    kecamatan: str | None = typer.Option(None, help="kecamatan desa itu"),
    kode_desa: str | None = typer.Option(None, help="atau kode Kemendagri desa, mis. 63.04.04.2002"),
    dari: str | None = typer.Option(None, help="awal periode YYYY-MM-DD (bawaan: 30 hari lalu)"),
    sampai: str | None = typer.Option(None, help="akhir periode YYYY-MM-DD (bawaan: hari ini)"),
    semua: bool = typer.Option(False, "--semua", help="satu lembar untuk setiap desa yang mengirim formulir"),
    out: Path | None = typer.Option(None, "--out", "-o", help="berkas PDF (atau folder dengan --semua)"),
) -> None:
    """Lembar umpan balik untuk papan pengumuman desa: formulir yang diterima, ke mana, keadaannya."""
    from flows.reports import villages_with_forms, write_feedback
    from pipeline.gazetteer import default_gazetteer

    today = now_wita().date()
    try:
        last = date.fromisoformat(sampai) if sampai else today
        first = date.fromisoformat(dari) if dari else date.fromordinal(last.toordinal() - 30)
    except ValueError:
        raise fail("tanggal ditulis YYYY-MM-DD, mis. 2026-11-01") from None
    folder = load_settings().output_dir / "umpan-balik"
    if semua:
        villages = [default_gazetteer().by_code(code) for code in villages_with_forms(first, last)]
        folder = out or folder
    else:
        village = village_or_fail(desa, kecamatan, kode_desa)
        if village is None:
            raise fail("sebutkan desanya: --desa dan --kecamatan, atau --kode-desa (atau --semua)")
        villages = [village]
    for village in villages:
        target = (folder / f"umpan-balik-{village.code}-{last:%Y%m%d}.pdf") if (semua or out is None) else out
        count = write_feedback(village, first, last, target)
        console.print(f"{count} formulir dari {village.label} -> {target}")
    if not villages:
        console.print("Tidak ada formulir dari desa mana pun pada periode ini.")
