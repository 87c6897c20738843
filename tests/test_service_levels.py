"""Working days: weekends and Indonesian public holidays (from the `holidays` package) excluded."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.record import WITA
from pipeline.route.service import (
    add_working_days,
    closable_from,
    dispatch_due,
    follow_up_due,
    holiday_name,
    is_overdue,
    is_working_day,
    item_due,
    working_days_between,
)


def wita(*args: int) -> datetime:
    return datetime(*args, tzinfo=WITA)


def test_christmas_and_a_weekend_are_skipped():
    # Wed 23 Dec 2026 + 3 working days: Thu 24, (Fri 25 Christmas, Sat, Sun), Mon 28, Tue 29.
    assert holiday_name(date(2026, 12, 25))
    assert add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 29)
    assert dispatch_due(wita(2026, 12, 23, 16, 0)) == date(2026, 12, 29)


def test_nyepi_and_lebaran_are_skipped():
    # Wed 18 Mar 2026: Thu 19 Nyepi, Fri 20 working, Sat 21 + Sun 22 Idul Fitri/weekend, Mon 23, Tue 24.
    assert not is_working_day(date(2026, 3, 19))
    assert add_working_days(date(2026, 3, 18), 3) == date(2026, 3, 24)


def test_follow_up_and_closing_periods():
    assert follow_up_due(wita(2026, 11, 30, 9)) == date(2026, 12, 7)  # Mon + 5 working days
    assert closable_from(wita(2026, 12, 1, 9)) == date(2026, 12, 15)  # Tue + 10 working days
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 29)) == 3


def test_a_late_evening_in_wita_is_already_the_next_day_in_utc_terms():
    # 23:30 WITA on Friday is 15:30 UTC Friday; the deadline counts from Friday, WITA.
    assert dispatch_due(datetime.fromisoformat("2026-11-27T15:30:00+00:00")) == date(2026, 12, 2)


@pytest.mark.parametrize("kind, state, expected", [
    ("primary", "routed", (date(2026, 12, 7), "tindak lanjut")),
    ("primary", "acknowledged", (date(2026, 12, 7), "tindak lanjut")),
    ("primary", "in_progress", (date(2026, 12, 15), "dapat ditutup")),
    ("primary", "resolved", (None, "")),
    ("copy", "routed", (None, "")),
])
def test_item_deadlines(kind, state, expected):
    assert item_due(kind, state, wita(2026, 11, 30, 9), wita(2026, 12, 1, 9)) == expected


def test_overdue_is_the_day_after_the_deadline():
    due = date(2026, 12, 7)
    assert not is_overdue(due, wita(2026, 12, 7, 23, 59))
    assert is_overdue(due, wita(2026, 12, 8, 0, 1))
