from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from PIL import Image

from pipeline.geometry import Box
from pipeline.ocr.poppler import page_count, rasterize_page
from pipeline.record import WITA, ChoiceValue, FieldValue, FormRecord, Identity, SourceRef, Status
from pipeline.report.agenda import (
    agenda_events,
    events_for_leader,
    render_weekly_agenda,
    to_ics,
)
from pipeline.report.weekly import Week

BOX = Box(x=1, y=1, w=1, h=1)
PHONE = "+6281234567890"
WEEK = Week.parse("2026-W49")  # Senin 30 November - Minggu 6 Desember 2026
GENERATED = datetime(2026, 11, 27, 15, 30, tzinfo=WITA)
STAMP = datetime(2026, 11, 27, 7, 30, tzinfo=WITA)


def _choice(name: str, selected: tuple[str, ...]) -> ChoiceValue:
    return ChoiceValue(name=name, type="multi_choice", selected=selected, fills={}, confidence=1, box=BOX)


def activity(serial: int, day: str, start: str | None, end: str | None, leaders: tuple[str, ...],
             title: str = "Panen Raya", status: Status = Status.ROUTED,
             roles: tuple[str, ...] = ("memberi_sambutan",)) -> FormRecord:
    values = {"nama_kegiatan": title, "penyelenggara": "Kelompok Tani Maju Jaya",
              "penanggung_jawab": "Siti Rahmah", "no_hp": PHONE, "tanggal": day, "waktu_mulai": start,
              "waktu_selesai": end, "tempat": "Balai Desa", "desa": "Kolam Kiri", "kecamatan": "Wanaraya"}
    codes = {"desa": "63.04.16.2001"}
    return FormRecord(
        source=SourceRef(sha256=f"{serial:064d}", filename="a.jpg", media_type="image/jpeg", page=1, pages=1),
        status=status,
        identity=Identity(form_id="KIM-01", version=1, serial=serial),
        fields=tuple(FieldValue(name=k, type="text", value=v, confidence=1, box=BOX, code=codes.get(k))
                     for k, v in values.items()),
        choices=(_choice("pimpinan", leaders), _choice("peran", roles)))


def rows(*records: FormRecord) -> list[tuple[int, str, FormRecord]]:
    return [(i + 1, f"KOPI-2026-{i + 1:06d}", r) for i, r in enumerate(records)]


@pytest.fixture()
def kim01(templates):
    return templates.get("KIM-01")


def test_events_are_sorted_and_carry_what_the_agenda_shows(kim01):
    events = agenda_events(rows(
        activity(1, "2026-12-02", "14:00", "16:00", ("sekda",), "Musrenbang Desa"),
        activity(2, "2026-12-01", "08:30", "10:00", ("bupati", "lainnya"), "Peresmian Jembatan",
                 roles=("meresmikan", "memberi_sambutan")),
        activity(3, "2026-12-01", None, None, ("bupati",), "Tanpa Jam"),
    ), kim01)
    assert [e.title for e in events] == ["Peresmian Jembatan", "Musrenbang Desa"]  # no start: skipped
    first = events[0]
    assert first.start == datetime(2026, 12, 1, 8, 30, tzinfo=WITA)
    assert first.start.utcoffset() == timedelta(hours=8)
    assert (first.record_id, first.tracking) == (2, "KOPI-2026-000002")
    assert first.leaders == ("bupati",) and first.leader_labels == ("Bupati",)
    assert first.roles == ("Memberi sambutan", "Meresmikan")  # in the form's order
    assert first.place == "Balai Desa, Desa Kolam Kiri, Kec. Wanaraya"
    assert (first.organiser, first.contact) == ("Kelompok Tani Maju Jaya", "Siti Rahmah")
    assert first.status == "routed" and not first.end_assumed and first.conflicts == ()


def test_place_names_a_kelurahan_and_skips_what_was_not_read(kim01):
    record = activity(1, "2026-12-01", "09:00", "10:00", ("bupati",))
    fields = tuple(f.model_copy(update={"value": "Marabahan Kota", "code": "63.04.15.1001"}) if f.name == "desa"
                   else f.model_copy(update={"value": "Marabahan"}) if f.name == "kecamatan"
                   else f.model_copy(update={"value": None}) if f.name == "tempat" else f
                   for f in record.fields)
    [event] = agenda_events([(None, None, record.model_copy(update={"fields": fields}))], kim01)
    assert event.place == "Kel. Marabahan Kota, Kec. Marabahan"
    assert event.record_id is None and event.tracking is None


def test_no_end_time_assumes_two_hours(kim01):
    [event] = agenda_events(rows(activity(1, "2026-12-01", "09:00", None, ("bupati",))), kim01)
    assert event.end_assumed and event.end - event.start == timedelta(hours=2)


def test_same_leader_overlapping_both_flagged(kim01):
    events = agenda_events(rows(
        activity(1, "2026-12-01", "09:00", "11:00", ("bupati", "sekda"), "Panen Raya"),
        activity(2, "2026-12-01", "10:30", None, ("bupati",), "Peresmian Jembatan"),
        activity(3, "2026-12-01", "13:00", "14:00", ("bupati",), "Siang"),
    ), kim01)
    assert [e.conflicts for e in events] == [(1,), (0,), ()]


def test_different_leaders_touching_times_and_lainnya_never_clash(kim01):
    events = agenda_events(rows(
        activity(1, "2026-12-01", "09:00", "11:00", ("bupati", "lainnya")),
        activity(2, "2026-12-01", "09:00", "11:00", ("wakil_bupati", "lainnya")),
        activity(3, "2026-12-01", "11:00", "12:00", ("bupati",)),
        activity(4, "2026-12-02", "09:00", "11:00", ("bupati",)),
        activity(5, "2026-12-01", "09:00", "11:00", ("lainnya",)),  # nobody from the leadership
    ), kim01)
    assert len(events) == 4
    assert all(e.conflicts == () for e in events)


def test_forms_that_will_not_take_place_never_clash(kim01):
    events = agenda_events(rows(
        activity(1, "2026-12-01", "09:00", "11:00", ("bupati",), status=Status.NEEDS_REVIEW),
        activity(2, "2026-12-01", "09:00", "11:00", ("bupati",), status=Status.DUPLICATE),
        activity(3, "2026-12-01", "10:00", "11:00", ("bupati",), status=Status.RETURNED),
    ), kim01)
    assert len(events) == 3 and all(e.conflicts == () for e in events)


def test_events_for_leader_renumbers_clashes(kim01):
    events = agenda_events(rows(
        activity(1, "2026-12-01", "08:00", "09:00", ("wakil_bupati",), "Pagi"),
        activity(2, "2026-12-01", "09:00", "11:00", ("bupati", "sekda"), "A"),
        activity(3, "2026-12-01", "10:00", "12:00", ("sekda",), "B"),
        activity(4, "2026-12-01", "10:30", "12:00", ("bupati",), "C"),
    ), kim01)
    assert [e.conflicts for e in events] == [(), (2, 3), (1,), (1,)]
    bupati = events_for_leader(events, "bupati")
    assert [e.title for e in bupati] == ["A", "C"]
    assert [e.conflicts for e in bupati] == [(1,), (0,)]  # the Sekda's clash is not the Bupati's
    assert events_for_leader(events, "staf_ahli") == []


def test_ics_parses_back_with_makassar_times(kim01):
    events = agenda_events(rows(
        activity(1, "2026-12-01", "09:00", "11:00", ("bupati",), "Panen Raya"),
        activity(2, "2026-12-01", "10:00", None, ("bupati",), "Peresmian Jembatan",
                 status=Status.NEEDS_REVIEW),
        activity(3, "2026-12-04", "10:00", None, ("bupati",), "Dikembalikan", status=Status.RETURNED),
    ), kim01)
    data = to_ics(events, "Agenda Bupati", stamp=STAMP)
    assert PHONE.encode() not in data and b"0812" not in data and b"812345" not in data
    assert data == to_ics(events, "Agenda Bupati", stamp=STAMP)
    calendar = Calendar.from_ical(data)
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 3
    assert [str(t["TZID"]) for t in calendar.walk("VTIMEZONE")] == ["Asia/Makassar"]
    first, second, returned = vevents
    assert str(returned["STATUS"]) == "CANCELLED"
    assert first.decoded("DTSTAMP") == STAMP  # in UTC, as RFC 5545 wants
    assert len({str(e["UID"]) for e in vevents}) == 3
    assert first["DTSTART"].params["TZID"] == "Asia/Makassar"
    assert first.decoded("DTSTART").astimezone(WITA) == datetime(2026, 12, 1, 9, tzinfo=WITA)
    assert first.decoded("DTSTART").utcoffset() == timedelta(hours=8)
    assert first.decoded("DTEND") - first.decoded("DTSTART") == timedelta(hours=2)
    assert str(first["SUMMARY"]) == "Panen Raya" and str(first["UID"]) == "kopi-KOPI-2026-000001@baritokualakab.go.id"
    assert str(first["LOCATION"]) == "Balai Desa, Desa Kolam Kiri, Kec. Wanaraya"
    assert (str(first["STATUS"]), str(second["STATUS"])) == ("CONFIRMED", "TENTATIVE")
    assert first["CATEGORIES"].cats == ["Bupati"]
    description = str(first["DESCRIPTION"])
    assert "Bupati" in description and "Memberi sambutan" in description
    assert "Diteruskan ke SKPD" in description and "BENTROK dengan: Peresmian Jembatan, pukul 10.00-12.00 WITA (perkiraan) [Bupati]" in description
    assert "Perlu diperiksa" in str(second["DESCRIPTION"])


def _pdf_text(pdf: bytes) -> str:
    """The PDF's words in reading order, whitespace collapsed (cells wrap their text)."""
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60)
    return " ".join(done.stdout.decode("utf-8").split())


def _week_records() -> list[FormRecord]:
    return [
        activity(1, "2026-11-30", "09:00", "11:00", ("bupati", "sekda"), "Panen Raya Padi Unggul"),
        activity(2, "2026-11-30", "10:00", None, ("bupati",), "Peresmian Jembatan Desa",
                 status=Status.NEEDS_REVIEW),
        activity(3, "2026-12-03", "08:00", "12:00", ("wakil_bupati",), "Maulid Nabi Muhammad SAW",
                 roles=("membuka_acara", "memberi_sambutan")),
        activity(4, "2026-12-10", "08:00", "12:00", ("bupati",), "Minggu Depan"),
    ]


def test_weekly_pdf_lists_days_titles_and_clashes(kim01, tmp_path):
    events = agenda_events(rows(*_week_records()), kim01)
    pdf = render_weekly_agenda(events, WEEK, GENERATED)
    assert pdf.startswith(b"%PDF") and pdf == render_weekly_agenda(events, WEEK, GENERATED)
    text = _pdf_text(pdf)
    assert "Agenda Pimpinan Daerah - Permintaan Kehadiran" in text
    assert "Minggu 2026-W49" in text
    for day in ("Senin, 30 November 2026", "Selasa, 1 Desember 2026", "Kamis, 3 Desember 2026",
                "Minggu, 6 Desember 2026", "Tidak ada permintaan"):
        assert day in text
    for title in ("Panen Raya Padi Unggul", "Peresmian Jembatan Desa", "Maulid Nabi Muhammad SAW"):
        assert title in text
    assert "Minggu Depan" not in text  # next week
    assert "BENTROK" in text and "09.00-11.00 WITA" in text and "(perkiraan)" in text
    assert "Perlu diperiksa" in text and "KOPI-2026-000002" in text
    assert PHONE not in text and "0812" not in text
    Image.fromarray(rasterize_page(pdf, 1, dpi=110)).save("/tmp/kopi-agenda-page1.png")


def test_weekly_pdf_without_clash_or_events(kim01):
    events = agenda_events(rows(activity(1, "2026-12-01", "09:00", "11:00", ("bupati",))), kim01)
    text = _pdf_text(render_weekly_agenda(events, WEEK, GENERATED))
    assert "BENTROK dengan" not in text and "Panen Raya" in text
    empty = _pdf_text(render_weekly_agenda([], WEEK, GENERATED))
    assert empty.count("Tidak ada permintaan") == 7


def test_long_week_paginates_with_header_rows(kim01):
    records = [activity(i, "2026-12-02", f"{7 + i % 5:02d}:00", None, ("bupati",) if i % 2 else ("sekda",),
                        f"Kegiatan nomor {i} dengan nama yang cukup panjang untuk dua baris")
               for i in range(1, 41)]
    pdf = render_weekly_agenda(agenda_events(rows(*records), kim01), WEEK, GENERATED)
    pages = page_count(pdf)
    assert pages >= 3
    text = _pdf_text(pdf)
    # The day's name and the column heads repeat on every page the day runs onto.
    assert text.count("Rabu, 2 Desember 2026") == text.count("No. registrasi") >= pages - 1
    assert "Kegiatan nomor 40" in text and f"Halaman {pages}" in text
    assert re.search(r"Bentrok dengan: .* dan \d+ lainnya", text)  # a busy row lists a few, counts the rest
