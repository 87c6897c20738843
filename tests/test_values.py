"""Normalisers: read text in, canonical value or a reason out."""

from __future__ import annotations

import pytest

from pipeline.extract import values as v
from pipeline.reasons import ReasonCode


@pytest.mark.parametrize("groups, expected", [
    (("12", "05", "2026"), "2026-05-12"),
    (("01", "01", "2027"), "2027-01-01"),
    (("29", "02", "2028"), "2028-02-29"),
    (("7", "11", "2026"), "2026-11-07"),
    (("12", "05", "26"), "2026-05-12"),
    (("31", "04", "2026"), None),  # no 31 April
    (("29", "02", "2026"), None),
    (("12", "13", "2026"), None),
    (("12", "", "2026"), None),
    (("1a", "05", "2026"), None),
    (("12", "05"), None),
])
def test_dates(groups, expected):
    parsed = v.parse_date(groups)
    assert parsed.value == expected
    assert parsed.ok == (expected is not None)
    if expected is None:
        assert parsed.problems[0][0] is ReasonCode.FIELD_INVALID


@pytest.mark.parametrize("groups, expected", [
    (("09", "00"), "09:00"), (("9", "30"), "09:30"), (("14", "00"), "14:00"), (("23", "59"), "23:59"),
    (("24", "00"), None), (("12", "60"), None), (("12",), None), (("1O", "00"), None),
])
def test_times(groups, expected):
    assert v.parse_time(groups).value == expected


@pytest.mark.parametrize("text, expected", [
    ("6304011203900001", "6304011203900001"),
    ("6304 0112 0390 0001", "6304011203900001"),
    ("630401120390001", None),
    ("63040112039000011", None),
    ("", None),
])
def test_nik_length(text, expected):
    parsed = v.parse_nik(text)
    assert parsed.value == expected
    if expected is None:
        assert "16 angka" in parsed.problems[0][1]["expected"]


@pytest.mark.parametrize("text, expected", [
    ("081234567890", "+6281234567890"),
    ("0812-3456-7890", "+6281234567890"),
    ("+62 812 3456 7890", "+6281234567890"),
    ("6281234567890", "+6281234567890"),
    ("08523456789", "+628523456789"),
    ("0211234567", None),  # a Jakarta landline, not a mobile
    ("0812", None),
    ("08123456789012345", None),
])
def test_phones(text, expected):
    assert v.parse_phone(text).value == expected


@pytest.mark.parametrize("text, low, high, expected", [
    ("005", 1, 999, "5"), ("150", 1, 9999, "150"), ("0", 1, 999, None), ("12000", 1, 9999, None),
    ("", None, None, None),
])
def test_numbers(text, low, high, expected):
    assert v.parse_number(text, low, high).value == expected


def test_clean_text_keeps_letters_and_drops_edge_marks():
    assert v.clean_text("  Jl.  Trans   Kalimantan ,") == "Jl. Trans Kalimantan"
    assert v.clean_text("-") == ""
