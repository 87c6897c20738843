"""NIK and phone numbers (table-driven)."""

from __future__ import annotations

import pytest

from pipeline.extract.nik import birth_date, near_misses, parse_nik
from pipeline.extract.phones import national, parse_phone
from pipeline.reasons import ReasonCode

ALALAK = "63.04.05"
VALID = "6304054703900001"  # Alalak; a woman born 7 March 1990 (47 = 7 + 40)

NIKS = [  # (read, kecamatan code or None, expected value, expected reason codes)
    (VALID, None, VALID, []),
    (VALID, ALALAK, VALID, []),
    ("6304 0547 0390 0001", None, VALID, []),
    ("6304-0547-0390-0001", None, VALID, []),
    ("63O4O547O39OOOO1", None, VALID, []),  # O for 0
    ("630405470390000l", None, VALID, []),  # l for 1
    ("6304051503900001", None, "6304051503900001", []),  # a man born 15 March 1990
    ("6304017112050003", None, "6304017112050003", []),  # a woman born 31 Dec 2005
    ("6304172902000004", None, "6304172902000004", []),  # 29 Feb 2000
    ("6304102902010004", None, "6304102902010004", [ReasonCode.NIK_BIRTH_DATE]),  # 2001 not leap
    ("6304053203900001", None, "6304053203900001", [ReasonCode.NIK_BIRTH_DATE]),  # day 32
    ("6304057203900001", None, "6304057203900001", [ReasonCode.NIK_BIRTH_DATE]),  # day 72
    ("6304050013900001", None, "6304050013900001", [ReasonCode.NIK_BIRTH_DATE]),  # day 00
    ("6304051513900001", None, "6304051513900001", [ReasonCode.NIK_BIRTH_DATE]),  # month 13
    ("6304051500900001", None, "6304051500900001", [ReasonCode.NIK_BIRTH_DATE]),  # month 00
    ("6371011503900001", None, "6371011503900001", [ReasonCode.NIK_REGION]),  # Banjarmasin
    ("3174011503900001", None, "3174011503900001", [ReasonCode.NIK_REGION]),  # Jakarta
    ("6304991503900001", None, "6304991503900001", [ReasonCode.NIK_REGION]),  # no kecamatan 99
    ("6304181503900001", None, "6304181503900001", [ReasonCode.NIK_REGION]),  # no kecamatan 18
    ("6304011503900001", ALALAK, "6304011503900001", [ReasonCode.NIK_KECAMATAN]),  # Tabunganen
    ("6304151503900001", ALALAK, "6304151503900001", [ReasonCode.NIK_KECAMATAN]),
    ("630405150390001", None, None, [ReasonCode.FIELD_INVALID]),  # 15 digits
    ("63040515039000011", None, None, [ReasonCode.FIELD_INVALID]),  # 17 digits
    ("", None, None, [ReasonCode.FIELD_INVALID]),
    ("NIK tidak ada", None, None, [ReasonCode.FIELD_INVALID]),
    ("6304", None, None, [ReasonCode.FIELD_INVALID]),
    ("1234567890123456", None, "1234567890123456", [ReasonCode.NIK_REGION, ReasonCode.NIK_BIRTH_DATE]),
    ("0000000000000000", None, "0000000000000000", [ReasonCode.NIK_REGION, ReasonCode.NIK_BIRTH_DATE]),
    ("6304054703900001 ", ALALAK, VALID, []),
    ("NIK: 6304054703900001", None, VALID, []),
]


@pytest.mark.parametrize("read, kecamatan, value, codes", NIKS)
def test_niks(gazetteer, read, kecamatan, value, codes):
    parsed = parse_nik(read, gazetteer, kecamatan, "Alalak" if kecamatan else None)
    assert parsed.value == value
    assert [code for code, _ in parsed.problems] == codes


def test_birth_dates_add_forty_for_women():
    assert str(birth_date("6304054703900001")) == "1990-03-07"
    assert str(birth_date("6304050703900001")) == "1990-03-07"
    assert birth_date("6304058003900001") is None


def test_one_missing_digit_gets_suggestions_never_a_silent_fix(gazetteer):
    parsed = parse_nik(VALID[:5] + VALID[6:], gazetteer, ALALAK)  # a digit of the region code lost
    assert parsed.value is None
    assert VALID in parsed.candidates
    assert all(len(c) == 16 and c.startswith("630405") for c in parsed.candidates)


def test_a_misread_region_digit_is_corrected_only_as_a_suggestion(gazetteer):
    read = "6304" + "0" + "6" + VALID[6:]  # 630406 read, Alalak (630405) written
    parsed = parse_nik(read, gazetteer, ALALAK, "Alalak")
    assert parsed.value == read and parsed.problems
    assert parsed.candidates == (VALID,)


def test_near_misses_are_withheld_when_too_many(gazetteer):
    assert near_misses("630405150390001", gazetteer) == () or len(near_misses("630405150390001", gazetteer)) <= 8


PHONES = [
    ("081234567890", "+6281234567890"), ("0812-3456-7890", "+6281234567890"),
    ("0812 3456 7890", "+6281234567890"), ("(0812) 3456-7890", "+6281234567890"),
    ("+62 812 3456 7890", "+6281234567890"), ("+62-812-3456-7890", "+6281234567890"),
    ("6281234567890", "+6281234567890"), ("62 812 3456 7890", "+6281234567890"),
    ("08123456789", "+628123456789"), ("0852 4803 1122", "+6285248031122"),
    ("0813-4922-1010", "+6281349221010"), ("0877 1234 5678", "+6287712345678"),
    ("0896-5432-1098", "+6289654321098"), ("0838 1111 2222", "+6283811112222"),
    ("0881 2345 6789", "+6288123456789"), ("0819-0000-1234", "+6281900001234"),
    ("O812-3456-789O", "+6281234567890"), ("08l2 3456 7890", "+6281234567890"),
    ("0821 5678 901", "+628215678901"), ("085651234567", "+6285651234567"),
    ("0511 3304567", None),  # Banjarmasin landline
    ("021 5551234", None), ("0812", None), ("0812345", None), ("08123456789012345", None),
    ("0800 1234 5678", None), ("0899", None), ("", None), ("nomor hp", None), ("+1 202 555 0100", None),
    ("0912 3456 7890", None),
]


@pytest.mark.parametrize("written, expected", PHONES)
def test_phones(written, expected):
    parsed = parse_phone(written)
    assert parsed.value == expected
    if expected is None:
        assert parsed.problems[0][0] is ReasonCode.FIELD_INVALID


def test_national_format_round_trip():
    assert national("+6281234567890") == "0812-3456-7890"
    assert parse_phone(national("+6281234567890")).value == "+6281234567890"
