"""Times of day as written: `09.00`, `9:30`, `pukul 9.30 WITA`, `jam 14`, comb boxes `14 00`."""

from __future__ import annotations

import re

from pipeline.extract.values import DIGIT_LOOKALIKES, Parsed, ascii_fold, invalid, problem
from pipeline.reasons import ReasonCode

EXPECTED = "jam.menit, mis. 09.30"
_WORDS = re.compile(r"\b(pukul|pkl|jam|wita|wib|wit|s\.?d\.?|sampai|selesai)\b\.?", re.IGNORECASE)


def _time(hour: int, minute: int, read: str) -> Parsed:
    if hour == 24 and minute == 0:
        hour = 0
    if hour > 23 or minute > 59:
        return invalid(read, "jam 00-23 dan menit 00-59")
    return Parsed(f"{hour:02d}:{minute:02d}")


def parse_time_text(text: str) -> Parsed:
    read = str(text)
    body = _WORDS.sub(" ", ascii_fold(read)).strip()
    parts = [p.translate(DIGIT_LOOKALIKES) for p in re.split(r"[.:,\s]+", body) if p]
    if not parts or not all(p.isdigit() for p in parts) or len(parts) > 2:
        return invalid(read, EXPECTED)
    if len(parts) == 1:
        digits = parts[0]
        if len(digits) <= 2:
            return _time(int(digits), 0, read)
        if len(digits) in (3, 4):  # '930', '1430'
            return _time(int(digits[:-2]), int(digits[-2:]), read)
        return invalid(read, EXPECTED)
    if len(parts[1]) != 2:
        return invalid(read, EXPECTED)
    return _time(int(parts[0]), int(parts[1]), read)


def parse_time_groups(groups: tuple[str, ...]) -> Parsed:
    """Comb groups (HH, MM) -> HH:MM."""
    read = ".".join(groups)
    if len(groups) != 2 or not all(g.isdigit() for g in groups) or len(groups[1]) != 2:
        return invalid(read, EXPECTED)
    return _time(int(groups[0]), int(groups[1]), read)


def check_order(start: str, end: str) -> tuple:
    """An activity ends after it starts (both 'HH:MM')."""
    if end <= start:
        return (problem(ReasonCode.TIME_ORDER, start=start.replace(":", "."), end=end.replace(":", ".")),)
    return ()
