"""`kopi samples`: generated photos and scans with their ground truth."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from pipeline.cli.common import console, fail, group
from pipeline.forms.registry import default_templates
from pipeline.gazetteer import default_gazetteer
from pipeline.record import now_wita

samples_app = group("samples", "Contoh pindaian/foto formulir untuk uji dan demo.")


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
    pair_share: float = typer.Option(0.0, min=0, max=1, help="porsi foto HP/chat yang memuat dua formulir sekaligus"),
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
                                 bad_files=bad_files, pdf_share=pdf_share, captures=shares, pair_share=pair_share,
                                 progress=lambda p: status.update(f"membuat contoh... {p.name}"))
    console.print(f"{len(files)} berkas ({count} halaman formulir) di {out}")
