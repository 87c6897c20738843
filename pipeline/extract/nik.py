"""NIK, the 16-digit national identity number: 2 digits province, 2 kabupaten, 2 kecamatan,
6 birth date (DDMMYY, day + 40 for women), 4 serial. Checked against the gazetteer; a NIK with
unreadable digits gets reviewable suggestions, never a silent fix."""

from __future__ import annotations

from datetime import date
from itertools import product

from pipeline.extract.values import Parsed, digits_from_ocr, invalid, problem
from pipeline.gazetteer import Gazetteer
from pipeline.reasons import ReasonCode
from pipeline.record import now_wita

BATOLA = "6304"
MAX_SUGGESTIONS = 8


def birth_date(nik: str) -> date | None:
    """The birth date a NIK encodes, or None when that part is not a date."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    for century in (2000, 1900):
        try:
            born = date(century + year, month, day)
        except ValueError:
            return None
        if born <= now_wita().date():  # a birth date is never after today, in Barito Kuala's time
            return born
    return None


def region_problems(nik: str, gazetteer: Gazetteer, kecamatan_code: str | None,
                    kecamatan_name: str | None) -> list:
    problems = []
    region = nik[:6]
    codes = gazetteer.nik_regions
    if not nik.startswith(BATOLA) or region not in codes:
        problems.append(problem(ReasonCode.NIK_REGION, read=nik, region=region))
    elif kecamatan_code and region != kecamatan_code.replace(".", ""):
        problems.append(problem(ReasonCode.NIK_KECAMATAN, read=nik, nik_kecamatan=codes[region],
                                kecamatan=kecamatan_name or kecamatan_code))
    if birth_date(nik) is None:
        problems.append(problem(ReasonCode.NIK_BIRTH_DATE, read=nik, part=nik[6:12]))
    return problems


def _plausible(nik: str, gazetteer: Gazetteer) -> bool:
    return nik[:6] in gazetteer.nik_regions and birth_date(nik) is not None


def suggestions(pattern: str, gazetteer: Gazetteer, region: str | None = None) -> tuple[str, ...]:
    """Fill '?' positions with digits that give a plausible Barito Kuala NIK (at most 2 unknown),
    in `region` (6 digits) when the kecamatan is known."""
    holes = [i for i, c in enumerate(pattern) if c == "?"]
    if not holes or len(holes) > 2:
        return ()
    found = []
    for digits in product("0123456789", repeat=len(holes)):
        candidate = list(pattern)
        for i, d in zip(holes, digits):
            candidate[i] = d
        text = "".join(candidate)
        if _plausible(text, gazetteer) and (region is None or text.startswith(region)):
            found.append(text)
    return tuple(found) if len(found) <= MAX_SUGGESTIONS else ()


def near_misses(nik: str, gazetteer: Gazetteer, region: str | None = None) -> tuple[str, ...]:
    """Plausible NIKs one digit away from what was read: one digit missing (15 read) or one
    misread (16 read). Offered to the reviewer only when few enough to be useful."""
    patterns = []
    if len(nik) == 15:
        patterns = [nik[:i] + "?" + nik[i:] for i in range(16)]
    elif len(nik) == 16:
        patterns = [nik[:i] + "?" + nik[i + 1:] for i in range(16)]
    found: list[str] = []
    for pattern in patterns:
        for candidate in suggestions(pattern, gazetteer, region):
            if candidate != nik and candidate not in found:
                found.append(candidate)
    return tuple(found) if len(found) <= MAX_SUGGESTIONS else ()


def parse_nik(text: str, gazetteer: Gazetteer, kecamatan_code: str | None = None,
              kecamatan_name: str | None = None) -> Parsed:
    """16 digits, a Barito Kuala region code (matching the kecamatan when it is given) and a
    valid birth date. A NIK that fails gets the plausible one-digit corrections as suggestions."""
    nik = digits_from_ocr(text)
    region = kecamatan_code.replace(".", "") if kecamatan_code else None
    if len(nik) != 16:
        return invalid(nik or str(text), f"16 angka, terbaca {len(nik)} angka",
                       near_misses(nik, gazetteer, region))
    problems = tuple(region_problems(nik, gazetteer, kecamatan_code, kecamatan_name))
    if problems:
        return Parsed(nik, problems, candidates=near_misses(nik, gazetteer, region))
    return Parsed(nik)
