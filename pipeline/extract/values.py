"""Normalise what OCR read into the value a field means, or say why it cannot.

Each normaliser is a pure function from read text to a `Parsed`: the canonical value (or None),
and problems as (reason code, parameters) for the Indonesian message. Nothing is silently fixed:
a value that does not fit is returned as None with a reason, and the raw text stays on the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipeline.reasons import ReasonCode

MOBILE_PREFIX = re.compile(r"^8[1-9]")  # after +62: Indonesian mobile numbers start 08x


@dataclass(frozen=True)
class Parsed:
    value: str | None
    problems: tuple[tuple[ReasonCode, dict[str, object]], ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def invalid(read: str, expected: str) -> Parsed:
    return Parsed(None, ((ReasonCode.FIELD_INVALID, {"read": read, "expected": expected}),))


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", text)


def clean_text(text: str) -> str:
    """Collapse spaces, drop stray marks OCR leaves at the ends, keep every letter as read."""
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,-/:'")


def parse_date(groups: tuple[str, ...]) -> Parsed:
    """Comb groups (DD, MM, YYYY) -> ISO date."""
    read = "-".join(groups)
    if len(groups) != 3 or not all(g.isdigit() for g in groups):
        return invalid(read, "tanggal tgl-bln-tahun, mis. 12-05-2026")
    day, month, year = (int(g) for g in groups)
    if len(groups[2]) == 2:
        year += 2000
    try:
        return Parsed(date(year, month, day).isoformat())
    except ValueError:
        return invalid(read, "tanggal yang ada di kalender")


def parse_time(groups: tuple[str, ...]) -> Parsed:
    """Comb groups (HH, MM) -> HH:MM (24 hours, WITA)."""
    read = ".".join(groups)
    if len(groups) != 2 or not all(g.isdigit() for g in groups):
        return invalid(read, "jam.menit, mis. 09.30")
    hour, minute = int(groups[0]), int(groups[1])
    if hour > 23 or minute > 59:
        return invalid(read, "jam 00-23 dan menit 00-59")
    return Parsed(f"{hour:02d}:{minute:02d}")


def parse_nik(text: str) -> Parsed:
    nik = digits_only(text)
    if len(nik) != 16:
        return invalid(nik, f"16 angka (terbaca {len(nik)} angka)")
    return Parsed(nik)


def parse_phone(text: str) -> Parsed:
    """Indonesian mobile number -> E.164 (+62...)."""
    number = digits_only(text)
    if number.startswith("62"):
        number = number[2:]
    elif number.startswith("0"):
        number = number[1:]
    if not MOBILE_PREFIX.match(number) or not 9 <= len(number) <= 12:
        return invalid(digits_only(text), "nomor HP Indonesia, mis. 0812-3456-7890")
    return Parsed("+62" + number)


def parse_number(text: str, minimum: float | None = None, maximum: float | None = None) -> Parsed:
    number = digits_only(text)
    if not number:
        return invalid(text, "angka")
    value = int(number)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = int(minimum) if minimum is not None else 0
        high = int(maximum) if maximum is not None else "..."
        return invalid(number, f"angka {low}-{high}")
    return Parsed(str(value))
