"""Printable documents: the village feedback sheet and the SKPD print-out parse as PDFs, say what
they must in Indonesian (read back with pdftotext), and come out identical for the same input."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime

import cv2
import numpy as np
import pytest

from pipeline.ocr.poppler import page_count, rasterize_page
from pipeline.record import WITA
from pipeline.report.documents import (
    FeedbackLine,
    FeedbackSheet,
    PrintItem,
    date_in_words,
    render_feedback_sheet,
    render_unit_printout,
)

GENERATED = datetime(2026, 11, 30, 10, 15, tzinfo=WITA)
RETURN_REASON = "Tanda tangan Kepala Desa dan cap desa belum ada. Mohon dilengkapi lalu kirim ulang."


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF, with runs of whitespace folded (table cells wrap lines)."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True, timeout=60).stdout.decode("utf-8")
    return " ".join(out.split())


def pdf_text_page(pdf: bytes, page: int) -> str:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-", "-"], input=pdf,
                         capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
    return " ".join(out.split())


def feedback_lines() -> tuple[FeedbackLine, ...]:
    return (
        FeedbackLine("KOPI-2026-000123", "Pengaduan", "Jalan dan jembatan", date(2026, 11, 3),
                     "Dinas PUPR; tembusan Bupati", "Diteruskan ke SKPD"),
        FeedbackLine("KOPI-2026-000131", "Pengaduan", "Air bersih", date(2026, 11, 9),
                     "-", "Dikembalikan ke desa", RETURN_REASON),
        FeedbackLine("KOPI-2026-000140", "Kegiatan", "Peresmian jembatan titian RT 04",
                     date(2026, 11, 12), "Bagian Prokopim Setda (agenda pimpinan)",
                     "Selesai ditangani", "Bupati dijadwalkan hadir 5 Desember 2026."),
        FeedbackLine("KOPI-2026-000152", "Pengaduan", "Listrik/penerangan", date(2026, 11, 20),
                     "Dinas Perhubungan; tembusan Bupati", "Diteruskan ke SKPD"),
    )


def feedback_sheet(lines=None, kind="desa") -> FeedbackSheet:
    return FeedbackSheet(desa="Anjir Muara Kota", kecamatan="Anjir Muara", kind=kind,
                         period_from=date(2026, 11, 1), period_to=date(2026, 11, 30),
                         generated=GENERATED, lines=feedback_lines() if lines is None else lines)


def synthetic_page_jpeg() -> bytes:
    """A grey 'form page' with a header bar and ruled lines, portrait like an A4 page."""
    page = np.full((990, 700, 3), 245, np.uint8)
    cv2.rectangle(page, (40, 40), (660, 110), (60, 60, 60), -1)
    for y in range(160, 940, 45):
        cv2.line(page, (60, y), (640, y), (120, 120, 120), 2)
    ok, encoded = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return encoded.tobytes()


def print_items() -> list[PrintItem]:
    received = datetime(2026, 11, 23, 9, 12, tzinfo=WITA)
    values = (
        ("Tanggal pengaduan", "20 November 2026"),
        ("Nama pelapor", "(dirahasiakan)"),
        ("NIK", "630401******0001"),
        ("Kategori", "Jalan dan jembatan"),
        ("Lokasi kejadian", "Jl. Trans Kalimantan km 12, RT 04, Desa Anjir Muara Kota"),
        ("Uraian pengaduan", "Jembatan kayu penghubung RT 03 dan RT 04 rusak berat; dua papan "
                             "lantai patah sehingga anak sekolah harus memutar sejauh 2 km. " * 3),
        ("Harapan", "Perbaikan jembatan sebelum musim hujan."),
    )
    history = (
        (received, "Sistem", "Formulir diterima dari KIM Desa Anjir Muara Kota"),
        (datetime(2026, 11, 24, 8, 30, tzinfo=WITA), "Pemeriksa Prokopim", "Diperiksa dan disetujui"),
        (datetime(2026, 11, 24, 8, 31, tzinfo=WITA), "Sistem", "Diteruskan ke Dinas PUPR"),
    )
    late = PrintItem("KOPI-2026-000123", "Pengaduan", "011020", received, "Belum diterima SKPD",
                     date(2026, 11, 27), True, synthetic_page_jpeg(), values,
                     ("Dinas PUPR (tindak lanjut)", "Bupati (tembusan)"), history)
    on_time = PrintItem("KOPI-2026-000140", "Kegiatan", "010007",
                        datetime(2026, 11, 28, 14, 0, tzinfo=WITA), "Diterima SKPD",
                        date(2026, 12, 5), False, None,
                        (("Nama kegiatan", "Peresmian jembatan titian RT 04"),), (), ())
    return [late, on_time]


def save_pages(pdf: bytes, name: str) -> None:
    """PNGs under /tmp to look at by eye; the assertions cannot judge a layout."""
    for page in range(1, page_count(pdf) + 1):
        image = rasterize_page(pdf, page, 100)
        cv2.imwrite(f"/tmp/kopi-{name}-{page}.png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))


def test_date_in_words():
    assert date_in_words(date(2026, 11, 1)) == "1 November 2026"
    assert date_in_words(date(2027, 5, 12)) == "12 Mei 2027"


def test_feedback_sheet_says_what_the_village_needs():
    pdf = render_feedback_sheet(feedback_sheet())
    assert pdf.startswith(b"%PDF") and page_count(pdf) >= 1
    text = pdf_text(pdf)
    for expected in ("PEMERINTAH KABUPATEN BARITO KUALA",
                     "KIM PRODUK KOPI - Umpan Balik untuk Desa Anjir Muara Kota, Kecamatan Anjir Muara",
                     "1 November 2026 s.d. 30 November 2026", "Bagian Prokopim Setda",
                     "No. registrasi", "Keterangan", "Dicetak 30-11-2026 10.15 WITA",
                     "Halaman 1 dari"):
        assert expected in text, expected
    for line in feedback_lines():
        assert line.tracking in text
    assert "Perlu diperbaiki" in text and "cap desa belum ada" in text
    assert "penerangan" in text.split()  # 'Listrik/penerangan' wraps at the slash, not mid-word
    save_pages(pdf, "feedback")


def test_feedback_sheet_counts_per_status():
    text = pdf_text(render_feedback_sheet(feedback_sheet()))
    counts = text[text.index("Jumlah formulir menurut keadaan"):]
    assert "Diteruskan ke SKPD 2" in counts
    assert "Dikembalikan ke desa 1" in counts
    assert "Jumlah 4" in counts


def test_kelurahan_is_named_as_such():
    text = pdf_text(render_feedback_sheet(feedback_sheet(kind="kelurahan")))
    assert "Umpan Balik untuk Kelurahan Anjir Muara Kota" in text
    with pytest.raises(ValueError):
        render_feedback_sheet(feedback_sheet(kind="kota"))


def test_empty_feedback_sheet_renders_a_friendly_sentence():
    pdf = render_feedback_sheet(feedback_sheet(lines=()))
    assert page_count(pdf) == 1
    text = pdf_text(pdf)
    assert "belum ada formulir dari Desa Anjir Muara Kota" in text
    assert "nomor registrasinya" in text and "Bagian Prokopim Setda" in text
    assert "Keterangan" not in text  # no table
    save_pages(pdf, "feedback-empty")


def test_long_feedback_sheet_repeats_the_table_header():
    lines = feedback_lines() * 15
    pdf = render_feedback_sheet(feedback_sheet(lines=lines))
    pages = page_count(pdf)
    assert pages >= 2
    text = pdf_text(pdf)
    assert text.count("Diteruskan ke Keadaan") >= pages  # header row on every page
    assert f"Halaman {pages} dari {pages}" in text


def test_documents_are_deterministic():
    assert render_feedback_sheet(feedback_sheet()) == render_feedback_sheet(feedback_sheet())
    items = print_items()
    assert render_unit_printout("Dinas PUPR", items, GENERATED) == \
        render_unit_printout("Dinas PUPR", items, GENERATED)


def test_naive_times_are_refused():
    sheet = FeedbackSheet("Anjir Muara Kota", "Anjir Muara", "desa", date(2026, 11, 1),
                          date(2026, 11, 30), datetime(2026, 11, 30, 10, 15), ())
    with pytest.raises(ValueError):
        render_feedback_sheet(sheet)


def test_unit_printout_has_a_summary_then_a_page_per_item():
    items = print_items()
    pdf = render_unit_printout("Dinas Pekerjaan Umum dan Penataan Ruang", items, GENERATED)
    assert page_count(pdf) >= len(items) + 1
    text = pdf_text(pdf)
    for expected in ("KIM PRODUK KOPI - Daftar Formulir untuk Dinas Pekerjaan Umum dan Penataan Ruang",
                     "Jumlah formulir 2", "Melewati batas waktu 1", "TERLAMBAT",
                     "Dicetak 30-11-2026 10.15 WITA", "Gambar tidak tersedia",
                     "Dinas PUPR (tindak lanjut)", "Bupati (tembusan)", "Waktu", "Oleh", "Kejadian",
                     "23-11-2026 09.12 WITA", "Diteruskan ke Dinas PUPR", "630401******0001",
                     "anak sekolah harus memutar"):
        assert expected in text, expected
    for item in items:
        assert item.tracking in text
    save_pages(pdf, "unit")


def test_each_item_starts_on_its_own_page():
    items = print_items()
    pdf = render_unit_printout("Dinas PUPR", items, GENERATED)
    pages = [pdf_text_page(pdf, n) for n in range(1, page_count(pdf) + 1)]
    starts = [next(i for i, p in enumerate(pages) if p.startswith(item.tracking))
              for item in items]
    assert starts == sorted(set(starts)) and starts[0] >= 1


def test_overdue_only_where_overdue():
    on_time = print_items()[1]
    text = pdf_text(render_unit_printout("Dinas PUPR", [on_time], GENERATED))
    assert "TERLAMBAT" not in text and "Melewati batas waktu 0" in text


def test_empty_queue_and_very_long_values_still_render():
    empty = render_unit_printout("Dinas Sosial", [], GENERATED)
    assert page_count(empty) == 1
    assert "Tidak ada formulir dalam antrean unit ini." in pdf_text(empty)
    item = print_items()[0]
    # Twelve long values push the table below the thumbnail; the last is taller than a page.
    long_values = tuple((f"Isian {n}", "kata " * 120) for n in range(11))
    long_values += (("Uraian pengaduan", "jembatan rusak " * 1500),)
    long_item = PrintItem(**{**item.__dict__, "values": long_values})
    pdf = render_unit_printout("Dinas PUPR", [long_item], GENERATED)
    pages = [pdf_text_page(pdf, n) for n in range(1, page_count(pdf) + 1)]
    assert len(pages) >= 4 and "Isian 10" in " ".join(pages)
    assert sum("jembatan rusak" in page for page in pages) >= 2  # the long value continues
    assert all(page.count("Isian Nilai") <= 1 for page in pages)  # header once per page
    assert "(lanjutan)" in " ".join(pages)
    save_pages(pdf, "unit-long")


def test_a_very_long_note_continues_on_the_next_page():
    note = "Lengkapi tanda tangan dan cap. " * 120
    lines = (FeedbackLine("KOPI-2026-000200", "Pengaduan", "Air bersih", date(2026, 11, 9),
                          "-", "Dikembalikan ke desa", note),)
    pdf = render_feedback_sheet(feedback_sheet(lines=lines))
    pages = [pdf_text_page(pdf, n) for n in range(1, page_count(pdf) + 1)]
    assert len(pages) >= 2 and all("Lengkapi tanda tangan" in page for page in pages)
    save_pages(pdf, "feedback-long-note")


def test_unreadable_thumbnail_falls_back_to_the_grey_box():
    item = print_items()[0]
    broken = PrintItem(**{**item.__dict__, "thumbnail": b"not a jpeg"})
    assert "Gambar tidak tersedia" in pdf_text(render_unit_printout("Dinas PUPR", [broken], GENERATED))


def test_times_are_printed_in_wita_whatever_zone_they_come_in():
    sheet = FeedbackSheet("Anjir Muara Kota", "Anjir Muara", "desa", date(2026, 11, 1),
                          date(2026, 11, 30), datetime(2026, 11, 30, 2, 15, tzinfo=UTC), ())
    assert "Dicetak 30-11-2026 10.15 WITA" in pdf_text(render_feedback_sheet(sheet))
