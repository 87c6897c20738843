"""Two activities asking for the same leader at overlapping times: a note for Prokopimda, who
builds the leaders' agenda. Pure: the store hands in the other activities of the same day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pipeline.forms.template import Template
from pipeline.reasons import ReasonCode
from pipeline.record import FormRecord, Reason

ASSUMED_LENGTH = timedelta(hours=2)  # when the end time is not written
NOT_A_LEADER = "lainnya"


@dataclass(frozen=True)
class Slot:
    title: str
    place: str
    day: date
    start: datetime
    end: datetime
    leaders: frozenset[str]


def _value(record: FormRecord, name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return record.field(name).value
    except KeyError:
        return None


def slot_of(record: FormRecord, template: Template) -> Slot | None:
    """The time and leaders an activity form asks for, when they were read."""
    agenda = template.agenda
    if agenda is None:
        return None
    day, start = _value(record, agenda.date), _value(record, agenda.start)
    try:
        leaders = frozenset(record.choice(agenda.leaders).selected) - {NOT_A_LEADER}
    except KeyError:
        return None
    if day is None or start is None or not leaders:
        return None
    begin = datetime.combine(date.fromisoformat(day), time.fromisoformat(start))
    end_text = _value(record, agenda.end)
    end = datetime.combine(begin.date(), time.fromisoformat(end_text)) if end_text else begin + ASSUMED_LENGTH
    if end <= begin:
        end = begin + ASSUMED_LENGTH
    return Slot(_value(record, agenda.title) or "(tanpa nama)", _value(record, agenda.place) or "?",
                begin.date(), begin, end, leaders)


def conflicts(record: FormRecord, template: Template, others: list[FormRecord]) -> tuple[Reason, ...]:
    """One note per other activity that wants one of the same leaders at an overlapping time."""
    mine = slot_of(record, template)
    if mine is None:
        return ()
    labels = {o.value: o.label for o in template.field(template.agenda.leaders).options or []}
    notes = []
    for other in others:
        theirs = slot_of(other, template)
        if theirs is None or theirs.day != mine.day:
            continue
        shared = sorted(mine.leaders & theirs.leaders)
        if shared and mine.start < theirs.end and theirs.start < mine.end:
            notes.append(Reason.of(
                ReasonCode.SCHEDULE_CONFLICT, leader=", ".join(labels.get(s, s) for s in shared),
                other=theirs.title, place=theirs.place,
                when=f"{theirs.day:%d-%m-%Y} pukul {theirs.start:%H.%M}-{theirs.end:%H.%M} WITA"))
    return tuple(notes)
