"""Which serial numbers were printed, and for which village: a form's serial is unique per form
id, and a form printed for one village is known to come from it even before OCR."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.errors import KopiError
from pipeline.forms.identity import SERIAL_MAX
from pipeline.store.models import FormIssuance


class IssuanceConflict(KopiError):
    """The requested serials were already printed for another village."""


@dataclass(frozen=True)
class IssuedRange:
    form_id: str
    first: int
    last: int
    village_code: str | None

    @property
    def serials(self) -> range:
        return range(self.first, self.last + 1)


def next_free_serial(session: Session, form_id: str) -> int:
    last = session.scalar(select(func.max(FormIssuance.serial_to)).where(FormIssuance.form_id == form_id))
    return (last or 0) + 1


def issue_serials(session: Session, form_id: str, version: int, count: int,
                  village_code: str | None, first: int | None = None) -> IssuedRange:
    """Record `count` serials for `form_id` starting at `first` (default: the next free one).

    Reprinting serials already issued to the same village is allowed and recorded once; serials
    issued to a different village (or to none) are refused, so one serial never means two places.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    start = first if first is not None else next_free_serial(session, form_id)
    last = start + count - 1
    if last > SERIAL_MAX:
        raise IssuanceConflict(f"nomor seri melebihi {SERIAL_MAX}")
    clashes = session.scalars(
        select(FormIssuance).where(
            FormIssuance.form_id == form_id,
            FormIssuance.serial_from <= last,
            FormIssuance.serial_to >= start,
        )
    ).all()
    for clash in clashes:
        if clash.village_code != village_code:
            owner = clash.village_code or "formulir umum"
            raise IssuanceConflict(
                f"nomor seri {clash.serial_from:06d}-{clash.serial_to:06d} {form_id} sudah "
                f"dicetak untuk {owner}"
            )
    covered = any(c.serial_from <= start and c.serial_to >= last for c in clashes)
    if not covered:
        session.add(FormIssuance(form_id=form_id, version=version, serial_from=start,
                                 serial_to=last, village_code=village_code))
    return IssuedRange(form_id, start, last, village_code)


def issued_village(session: Session, form_id: str, serial: int) -> str | None:
    """The village a serial was printed for, or None (general form, or never issued)."""
    return session.scalar(
        select(FormIssuance.village_code).where(
            FormIssuance.form_id == form_id,
            FormIssuance.serial_from <= serial,
            FormIssuance.serial_to >= serial,
        ).limit(1)
    )
