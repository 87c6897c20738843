"""Property tests: no normaliser raises on any text, and the canonical forms read back."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.dates import MONTH_NAMES, parse_date_text, parse_day_name
from pipeline.extract.names import clean_name
from pipeline.extract.nik import parse_nik
from pipeline.extract.numbers import parse_count, spell
from pipeline.extract.phones import MOBILE_PREFIXES, national, parse_phone
from pipeline.extract.times import parse_time_text
from pipeline.extract.values import Parsed
from pipeline.extract.villages import match_kecamatan, match_village
from pipeline.gazetteer import default_gazetteer

GAZ = default_gazetteer()
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
OCRISH = st.text(alphabet="0123456789OolISZBg .,-/:'|", max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, OCRISH))
def test_no_normaliser_raises(text):
    for result in (parse_date_text(text), parse_day_name(text), parse_time_text(text),
                   parse_nik(text, GAZ, "63.04.05", "Alalak"), parse_phone(text), parse_count(text, 1, 9999),
                   clean_name(text)):
        assert isinstance(result, Parsed)
        assert (result.value is None) or isinstance(result.value, str)
        assert result.value is not None or result.problems  # no value always comes with a reason
    match_village(text, GAZ, None)
    match_village(text, GAZ, "Alalak")
    match_kecamatan(text, GAZ)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 3))
def test_dates_read_back_in_every_written_style(day, style):
    written = [f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}",
               f"{day.day:02d}-{day.month:02d}-{day.year}",
               f"{day.day}/{day.month}/{day.year % 100:02d}",
               f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"][style]
    assert parse_date_text(written).value == day.isoformat()


@given(st.sampled_from(MOBILE_PREFIXES), st.text(alphabet="0123456789", min_size=6, max_size=9))
def test_phones_round_trip(prefix, rest):
    e164 = f"+62{prefix}{rest}"
    assert parse_phone(e164).value == e164
    assert parse_phone(national(e164)).value == e164
    assert parse_phone("0" + e164[3:]).value == e164


@given(st.sampled_from(sorted(GAZ.kecamatan)), st.dates(min_value=date(1940, 1, 1), max_value=date(2008, 12, 31)),
       st.booleans(), st.integers(1, 9999))
def test_valid_niks_are_accepted(kecamatan_code, born, female, serial):
    day = born.day + (40 if female else 0)
    nik = f"{kecamatan_code.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    parsed = parse_nik(nik, GAZ, kecamatan_code, GAZ.kecamatan[kecamatan_code])
    assert parsed.ok and parsed.value == nik


@given(st.integers(1, 9999))
def test_counts_read_back_from_words_and_separators(n):
    assert parse_count(spell(n)).value == str(n)
    assert parse_count(f"{n:,}".replace(",", ".")).value == str(n)


@given(st.sampled_from(list(GAZ.villages)))
def test_every_official_name_resolves_to_itself(village):
    assert match_village(village.name, GAZ, village.kecamatan).code == village.code
    assert match_village(f"Ds. {village.name.upper()}", GAZ, village.kecamatan).code == village.code
