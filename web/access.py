"""Who may see what: reviewers everything; a unit only the forms queued to it, with NIK and phone
in full only when it is the unit that must act, and never a confidential complainant."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.report.privacy import Audience
from pipeline.store.models import QueueItem, Record
from web.security import CurrentUser


def unit_item(session: Session, row: Record, user: CurrentUser) -> QueueItem | None:
    if user.unit_code is None:
        return None
    return session.scalar(select(QueueItem).where(QueueItem.record_id == row.id, QueueItem.target == user.unit_code))


def check_record_access(session: Session, row: Record, user: CurrentUser) -> None:
    if user.reviews:
        return
    if unit_item(session, row, user) is None:
        raise HTTPException(403, "Formulir ini tidak ditujukan ke SKPD Anda.")


def audience_for(session: Session, row: Record, user: CurrentUser) -> Audience:
    """Reviewers see everything. The unit that must act sees NIK and phone in full (but still not a
    confidential complainant: that is handled by the caller's privacy rules); others see them masked."""
    if user.reviews:
        return Audience.REVIEWER
    item = unit_item(session, row, user)
    return Audience.OWNER if item is not None and item.kind == "primary" else Audience.PUBLIC
