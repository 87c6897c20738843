"""Dates and day names as Indonesians write them: `12 Mei 2021`, `Senin, 12-05-2021`, `12/5/21`,
`12 Agt 2021`, comb boxes `12 05 2021`; OCR look-alikes in the digits (O/0, l/1, S/5) mapped back."""

from __future__ import annotations

import re
from datetime import date, timedelta

from rapidfuzz import fuzz, process

from pipeline.extract.values import DIGIT_LOOKALIKES, Parsed, ascii_fold, invalid, problem
from pipeline.reasons import ReasonCode

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8,
    "agu": 8, "agt": 8, "ags": 8, "agust": 8, "agus": 8, "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10, "oct": 10, "nopember": 11, "november": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12,
}
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DAY_SPELLINGS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "jumaat": 4,
    "sabtu": 5, "minggu": 6, "ahad": 6,
}
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember")
EXPECTED = "tanggal seperti 12 Mei 2026, 12-05-2026 atau 12/5/26"


def format_date(d: date) -> str:
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def parse_day_name(text: str) -> Parsed:
    """'senin', 'SENIN,', 'Jum'at', 'Kamls' (OCR) -> 'Senin'..'Minggu'; unsure readings -> review."""
    word = re.sub(r"[^a-z']", "", ascii_fold(text).lower())
    if word in DAY_SPELLINGS:
        return Parsed(DAY_NAMES[DAY_SPELLINGS[word]])
    best = process.extractOne(word, list(DAY_SPELLINGS), scorer=fuzz.ratio) if word else None
    if best and best[1] >= 80:
        name = DAY_NAMES[DAY_SPELLINGS[best[0]]]
        return Parsed(None, ((ReasonCode.FIELD_INVALID, {"read": text, "expected": f"nama hari (mungkin {name})"}),),
                      candidates=(name,))
    return invalid(str(text), "nama hari, Senin sampai Minggu")


def _year(text: str) -> int | None:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        return 2000 + int(text)
    return None


def _number_token(token: str) -> tuple[str, bool] | None:
    """A token that is digits, possibly with OCR look-alike letters: (digits, was mapped)."""
    if not any(c.isdigit() for c in token):
        return None
    mapped = token.translate(DIGIT_LOOKALIKES)
    return (mapped, mapped != token) if mapped.isdigit() else None


def _split_glued(token: str) -> list[str]:
    """'12Mei2021' -> ['12', 'Mei', '2021']; a digit run with look-alike letters ('2O21') stays whole."""
    if _number_token(token) is not None:
        return [token]
    return re.findall(r"[A-Za-z']+|\d+", token)


def _month_token(token: str) -> tuple[int, bool] | None:
    """(month, was a guess) for a month name; typos accepted only in long names ('Agustsu'),
    never between short ones that differ by a letter (Juni/Juli)."""
    word = token.lower().strip(".'")
    if word in MONTHS:
        return MONTHS[word], False
    if len(word) >= 5:
        best = process.extractOne(word, [m for m in MONTHS if len(m) >= 5], scorer=fuzz.ratio)
        if best and best[1] >= 80:
            return MONTHS[best[0]], True
    return None


def _build(day: int, month: int, year: int | None, weekday: int | None, read: str,
           confidence: float) -> Parsed:
    if year is None:
        return invalid(read, "tahun ditulis lengkap, mis. 2026")
    try:
        value = date(year, month, day)
    except ValueError:
        return invalid(read, "tanggal yang ada di kalender")
    problems = []
    if weekday is not None and weekday != value.weekday():
        problems.append(problem(ReasonCode.DATE_DAY_MISMATCH, read=read, day=DAY_NAMES[weekday],
                                date=format_date(value), actual=DAY_NAMES[value.weekday()]))
    return Parsed(value.isoformat(), tuple(problems), confidence)


def parse_date_text(text: str) -> Parsed:
    """A date written in any common Indonesian way -> ISO 'YYYY-MM-DD'."""
    read = str(text)
    folded = ascii_fold(read).strip()
    tokens = [t for t in re.split(r"[\s,./\-]+", folded) if t]
    weekday = None
    if tokens and tokens[0].lower().strip(".") in DAY_SPELLINGS:
        weekday = DAY_SPELLINGS[tokens.pop(0).lower().strip(".")]
    tokens = [part for t in tokens for part in _split_glued(t)]
    if len(tokens) != 3:
        return invalid(read, EXPECTED)
    day_t, month_t, year_t = tokens
    if len(day_t) == 4 and _number_token(day_t):  # ISO order: 2026-05-12
        day_t, year_t = year_t, day_t
    day, year = _number_token(day_t), _number_token(year_t)
    if day is None or year is None:
        return invalid(read, EXPECTED)
    mapped = day[1] or year[1]
    month_number = _number_token(month_t)
    if month_number is not None:
        month, mapped = int(month_number[0]), mapped or month_number[1]
    else:
        found = _month_token(month_t)
        if found is None:
            return invalid(read, EXPECTED)
        month, guessed = found
        mapped = mapped or guessed
    if not 1 <= month <= 12 or not 1 <= int(day[0]) <= 31:
        return invalid(read, "tanggal yang ada di kalender")
    return _build(int(day[0]), month, _year(year[0]), weekday, read, 0.9 if mapped else 1.0)


def parse_date_groups(groups: tuple[str, ...]) -> Parsed:
    """Comb groups (DD, MM, YYYY) -> ISO date."""
    read = "-".join(groups)
    if len(groups) != 3 or not all(g.isdigit() for g in groups):
        return invalid(read, "tanggal tgl-bln-tahun, mis. 12-05-2026")
    return _build(int(groups[0]), int(groups[1]), _year(groups[2]), None, read, 1.0) \
        if 1 <= int(groups[1]) <= 12 else invalid(read, "tanggal yang ada di kalender")


def check_day_name(day_name: str, iso: str) -> Parsed:
    """The day written beside a date must be that date's day."""
    value = date.fromisoformat(iso)
    actual = DAY_NAMES[value.weekday()]
    if day_name == actual:
        return Parsed(day_name)
    return Parsed(day_name, (problem(ReasonCode.DATE_DAY_MISMATCH, read=day_name, day=day_name,
                                     date=format_date(value), actual=actual),))


def check_activity_date(iso: str, received: date) -> tuple:
    """An activity should lie ahead of the day the form arrived, and within a year."""
    value = date.fromisoformat(iso)
    if value < received:
        return (problem(ReasonCode.DATE_OUT_OF_RANGE, date=format_date(value),
                        expected=f"tanggal kegiatan sesudah formulir diterima ({format_date(received)})"),)
    if value > received + timedelta(days=366):
        return (problem(ReasonCode.DATE_OUT_OF_RANGE, date=format_date(value),
                        expected="tanggal dalam setahun ke depan; mohon periksa tahunnya"),)
    return ()


def check_complaint_date(iso: str, received: date) -> tuple:
    """A complaint is dated on or before the day it arrived, and not years before."""
    value = date.fromisoformat(iso)
    if value > received + timedelta(days=1):
        return (problem(ReasonCode.DATE_OUT_OF_RANGE, date=format_date(value),
                        expected=f"tanggal pengaduan sebelum formulir diterima ({format_date(received)})"),)
    if value < received - timedelta(days=366):
        return (problem(ReasonCode.DATE_OUT_OF_RANGE, date=format_date(value),
                        expected="tanggal dalam setahun terakhir; mohon periksa tahunnya"),)
    return ()
