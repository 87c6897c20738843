"""Service levels of SP4N-LAPOR!, counted in working days (weekends and Indonesian public holidays
excluded, holidays from the maintained `holidays` package):
- a form is verified and dispatched to its unit within 3 working days of arriving;
- the unit states its follow-up within 5 working days of receiving it;
- a complaint with a follow-up may be closed 10 working days later if the complainant does not reply.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from pipeline.record import WITA

DISPATCH_DAYS = 3
FOLLOW_UP_DAYS = 5
CLOSE_AFTER_DAYS = 10


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year, language="id")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def holiday_name(day: date) -> str | None:
    return _holidays(day.year).get(day)


def add_working_days(start: date, days: int) -> date:
    """The working day that is `days` working days after `start` (start itself not counted)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count


def local_day(moment: datetime) -> date:
    return moment.astimezone(WITA).date()


def dispatch_due(received: datetime) -> date:
    return add_working_days(local_day(received), DISPATCH_DAYS)


def follow_up_due(routed: datetime) -> date:
    return add_working_days(local_day(routed), FOLLOW_UP_DAYS)


def closable_from(follow_up: datetime) -> date:
    return add_working_days(local_day(follow_up), CLOSE_AFTER_DAYS)


def is_overdue(due: date, now: datetime) -> bool:
    return local_day(now) > due


def item_due(kind: str, state: str, routed: datetime, started: datetime | None) -> tuple[date | None, str]:
    """The next service-level date of a queue item and what is due then. Only the unit that must
    act has deadlines; copies and information have none."""
    if kind != "primary":
        return None, ""
    if state in ("routed", "acknowledged"):
        return follow_up_due(routed), "tindak lanjut"
    if state == "in_progress" and started is not None:
        return closable_from(started), "dapat ditutup"
    return None, ""


def record_due(status: str, received: datetime) -> tuple[date | None, str]:
    """A form waiting for review is due for dispatch within 3 working days of arriving."""
    if status in ("received", "needs_review"):
        return dispatch_due(received), "disalurkan"
    return None, ""
