"""Dates, day names and times as Indonesians write them (table-driven)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract.dates import (
    check_activity_date,
    check_complaint_date,
    check_day_name,
    parse_date_groups,
    parse_date_text,
    parse_day_name,
)
from pipeline.extract.times import check_order, parse_time_groups, parse_time_text
from pipeline.reasons import ReasonCode

DATES = [  # (written, ISO or None)
    ("12 Mei 2021", "2021-05-12"), ("12 mei 2021", "2021-05-12"), ("12 MEI 2021", "2021-05-12"),
    ("Rabu, 12 Mei 2021", "2021-05-12"), ("Rabu 12-05-2021", "2021-05-12"), ("12-05-2021", "2021-05-12"),
    ("12/5/21", "2021-05-12"), ("12/05/2021", "2021-05-12"), ("12.05.2021", "2021-05-12"),
    ("12 - 05 - 2021", "2021-05-12"), ("12Mei2021", "2021-05-12"), ("2021-05-12", "2021-05-12"),
    ("1 Januari 2026", "2026-01-01"), ("1 Jan 2026", "2026-01-01"), ("17 Agustus 2026", "2026-08-17"),
    ("17 Agt 2026", "2026-08-17"), ("17 Agu 2026", "2026-08-17"), ("17 Ags 2026", "2026-08-17"),
    ("3 Okt 2026", "2026-10-03"), ("3 Oktober 2026", "2026-10-03"), ("9 Nop 2026", "2026-11-09"),
    ("9 Nopember 2026", "2026-11-09"), ("25 Des 2026", "2026-12-25"), ("28 Peb 2026", "2026-02-28"),
    ("5 Sept 2026", "2026-09-05"), ("l2/O5/2O21", "2021-05-12"), ("12 Agustsu 2026", "2026-08-12"),
    ("Jum'at, 13 November 2026", "2026-11-13"), ("Ahad 15 November 2026", "2026-11-15"),
    ("31 Februari 2021", None), ("30/2/2024", None), ("12 13 2021", None), ("12 Mai 2021", None),
    ("Mei 2021", None), ("", None), ("besok", None), ("12/5", None), ("32/01/2026", None),
]


@pytest.mark.parametrize("written, expected", DATES)
def test_written_dates(written, expected):
    parsed = parse_date_text(written)
    assert parsed.value == expected
    if expected is None:
        assert parsed.problems and parsed.problems[0][0] is ReasonCode.FIELD_INVALID


def test_lookalike_digits_lower_the_confidence():
    assert parse_date_text("l2/O5/2O21").confidence < parse_date_text("12/05/2021").confidence == 1.0


@pytest.mark.parametrize("written, ok", [
    ("Rabu, 12 Mei 2021", True), ("Senin, 12 Mei 2021", False), ("Selasa 12-05-2026", True),
    ("Kamis, 12 Mei 2026", False),
])
def test_a_written_day_name_must_match(written, ok):
    parsed = parse_date_text(written)
    assert parsed.value is not None
    assert parsed.ok == ok
    if not ok:
        code, params = parsed.problems[0]
        assert code is ReasonCode.DATE_DAY_MISMATCH and params["actual"]


@pytest.mark.parametrize("groups, expected", [
    (("12", "05", "2026"), "2026-05-12"), (("01", "01", "2027"), "2027-01-01"),
    (("29", "02", "2028"), "2028-02-29"), (("7", "11", "2026"), "2026-11-07"),
    (("12", "05", "26"), "2026-05-12"), (("31", "04", "2026"), None), (("29", "02", "2026"), None),
    (("12", "13", "2026"), None), (("12", "", "2026"), None), (("1a", "05", "2026"), None),
    (("12", "05"), None), (("00", "05", "2026"), None),
])
def test_comb_dates(groups, expected):
    assert parse_date_groups(groups).value == expected


@pytest.mark.parametrize("written, expected", [
    ("Senin", "Senin"), ("SELASA", "Selasa"), ("rabu,", "Rabu"), ("Jum'at", "Jumat"), ("jumaat", "Jumat"),
    ("Ahad", "Minggu"), ("Kamls", None), ("Besok", None), ("", None),
])
def test_day_names(written, expected):
    parsed = parse_day_name(written)
    assert parsed.value == expected
    if written == "Kamls":
        assert parsed.candidates == ("Kamis",)


def test_day_name_against_date():
    assert check_day_name("Selasa", "2026-05-12").ok
    assert not check_day_name("Senin", "2026-05-12").ok


@pytest.mark.parametrize("iso, ahead_ok, past_ok", [
    ("2026-11-30", True, True), ("2026-12-24", True, False), ("2026-11-01", False, True),
    ("2028-01-10", False, False), ("2024-06-01", False, False),
])
def test_date_windows(iso, ahead_ok, past_ok):
    received = date(2026, 11, 30)
    assert (not check_activity_date(iso, received)) == ahead_ok
    assert (not check_complaint_date(iso, received)) == past_ok


TIMES = [
    ("09.00", "09:00"), ("9.00", "09:00"), ("09:00", "09:00"), ("pukul 9.30 WITA", "09:30"),
    ("Pukul 09.30 Wita", "09:30"), ("jam 14", "14:00"), ("14:00", "14:00"), ("14.00 WITA", "14:00"),
    ("930", "09:30"), ("1430", "14:30"), ("pkl. 8.15", "08:15"), ("24.00", "00:00"), ("O9.3O", "09:30"),
    ("25.00", None), ("12.60", None), ("9.3", None), ("siang", None), ("", None), ("1:2:3", None),
]


@pytest.mark.parametrize("written, expected", TIMES)
def test_times(written, expected):
    assert parse_time_text(written).value == expected


@pytest.mark.parametrize("groups, expected", [
    (("09", "00"), "09:00"), (("9", "30"), "09:30"), (("23", "59"), "23:59"), (("24", "01"), None),
    (("12", "60"), None), (("12",), None), (("12", "5"), None),
])
def test_comb_times(groups, expected):
    assert parse_time_groups(groups).value == expected


def test_an_activity_ends_after_it_starts():
    assert not check_order("09:00", "11:30")
    assert check_order("14:00", "13:00")[0][0] is ReasonCode.TIME_ORDER
    assert check_order("14:00", "14:00")


def test_the_clock_can_be_fixed_for_a_batch_made_for_another_day(monkeypatch):
    from datetime import datetime

    from pipeline.record import WITA, now_wita

    monkeypatch.delenv("KOPI_NOW", raising=False)
    assert abs((now_wita() - datetime.now(WITA)).total_seconds()) < 5
    monkeypatch.setenv("KOPI_NOW", "2026-11-23T01:00:00+00:00")
    fixed = now_wita()
    assert fixed == datetime(2026, 11, 23, 9, 0, tzinfo=WITA) and fixed.utcoffset().total_seconds() == 8 * 3600
