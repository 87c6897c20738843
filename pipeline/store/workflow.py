"""Changing the state of records and queue items: always through the transition tables in
`pipeline.route.lifecycle`, always leaving an event, never creating a second queue item for the
same record and unit."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipeline.errors import KopiError
from pipeline.record import FormRecord, Route, RouteKind, Status, now_wita
from pipeline.report.display import source_label
from pipeline.route.lifecycle import (
    IllegalTransition,
    ItemAction,
    OPEN_ITEM_STATES,
    ItemState,
    RecordAction,
    next_item_state,
    next_record_state,
)
from pipeline.store.models import Event, QueueItem, Record, TrackingCounter

SYSTEM = "kopi (otomatis)"


class NotFound(KopiError):
    """No record or queue item with that number."""


def next_tracking_number(session: Session, year: int) -> str:
    """KOPI-<year>-<6 digits>, counted per year. Two intakes asking at once: the database
    serialises the counter's update; a clash on the first number of a year raises IntegrityError,
    which the caller's retry handles."""
    bumped = session.execute(update(TrackingCounter).where(TrackingCounter.year == year)
                             .values(last=TrackingCounter.last + 1).returning(TrackingCounter.last)).scalar()
    if bumped is None:
        session.add(TrackingCounter(year=year, last=1))
        session.flush()
        bumped = 1
    return f"KOPI-{year}-{bumped:06d}"


def add_event(session: Session, record: Record, action: str, actor: str, before: str | None,
              after: str | None, note: str | None = None, item: QueueItem | None = None) -> Event:
    event = Event(record_id=record.id, queue_item_id=item.id if item else None, at=now_wita(), actor=actor,
                  action=action, from_state=before, to_state=after, note=note)
    session.add(event)
    return event


def create_queue_items(session: Session, record: Record, routes: list[Route] | tuple[Route, ...],
                       actor: str) -> list[QueueItem]:
    """One item per unit the record goes to; items that already exist are left as they are, except
    one the unit refused earlier or that was withdrawn: routing the form to that unit again puts
    it back in its queue."""
    existing = {i.target: i for i in session.scalars(select(QueueItem).where(QueueItem.record_id == record.id))}
    created = []
    for route in routes:
        if route.target in existing:
            item = existing[route.target]
            if item.state in (ItemState.REJECTED.value, ItemState.WITHDRAWN.value):
                # a fresh start: its service-level clock runs from now
                previous = item.state
                item.state, item.created_at, item.updated_at = ItemState.ROUTED.value, now_wita(), now_wita()
                item.acknowledged_at = None
                add_event(session, record, "queued", actor, previous, ItemState.ROUTED.value,
                          f"diteruskan lagi — {route.kind.value}: {route.why}", item)
                created.append(item)
            continue
        item = QueueItem(record_id=record.id, target=route.target, kind=route.kind.value,
                         state=ItemState.ROUTED.value, created_at=now_wita(), updated_at=now_wita())
        existing[route.target] = item
        session.add(item)
        session.flush()
        add_event(session, record, "queued", actor, None, ItemState.ROUTED.value,
                  f"{route.kind.value}: {route.why}", item)
        created.append(item)
    return created


class ChangedMeanwhile(IllegalTransition):
    """Someone else changed the form or item between reading it and saving the change."""


def _set_status(session: Session, record: Record, before: Status, status: Status) -> None:
    """Compare-and-set: the change applies only if the status is still `before` in the database,
    so two reviewers acting on one form at once cannot both succeed."""
    session.flush()
    changed = session.execute(update(Record).where(Record.id == record.id, Record.status == before.value)
                              .values(status=status.value, updated_at=now_wita())
                              .execution_options(synchronize_session=False)).rowcount
    if changed != 1:  # the caller's transaction rolls back on the exception
        raise ChangedMeanwhile(f"formulir {record.tracking_number or record.id} tidak dapat diubah: sudah "
                               "diubah petugas lain; muat ulang halaman")
    record.status = status.value
    record.updated_at = now_wita()
    record.data = {**record.data, "status": status.value}


def _routes_of(record: Record) -> list[Route]:
    return [Route.model_validate(r) for r in record.data.get("routes", [])]


def get_record(session: Session, key: str | int) -> Record:
    """A record by its id or its registration number (KOPI-2026-000123)."""
    text = str(key).strip().upper()
    row = (session.scalar(select(Record).where(Record.tracking_number == text)) if text.startswith("KOPI-")
           else session.get(Record, int(text)) if text.isdigit() else None)
    if row is None:
        raise NotFound(f"formulir {key} tidak ditemukan")
    return row


def apply_record_action(session: Session, key: str | int, action: RecordAction, actor: str,
                        note: str | None = None) -> Record:
    record = get_record(session, key)
    before = Status(record.status)
    after = next_record_state(before, action)
    _set_status(session, record, before, after)
    add_event(session, record, action.value, actor, before.value, after.value, note)
    if after is Status.ROUTED:
        create_queue_items(session, record, _routes_of(record), actor)
    elif before is Status.ROUTED and after is not Status.RESOLVED:
        _withdraw_items(session, record, actor)
    return record


def _withdraw_items(session: Session, record: Record, actor: str) -> None:
    """A form returned to the village or back in review is no longer any unit's work: its open
    items leave the queues (and come back, with a fresh clock, if it is routed again)."""
    open_states = [s.value for s in OPEN_ITEM_STATES]
    for item in session.scalars(select(QueueItem).where(QueueItem.record_id == record.id,
                                                        QueueItem.state.in_(open_states))):
        before = item.state
        item.state, item.updated_at = ItemState.WITHDRAWN.value, now_wita()
        add_event(session, record, "withdrawn", actor, before, ItemState.WITHDRAWN.value, None, item)


def apply_item_action(session: Session, item_id: int, action: ItemAction, actor: str,
                      note: str | None = None) -> QueueItem:
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound(f"antrean nomor {item_id} tidak ditemukan")
    before = ItemState(item.state)
    after = next_item_state(before, action)
    now = now_wita()
    session.flush()
    changed = session.execute(update(QueueItem).where(QueueItem.id == item.id, QueueItem.state == before.value)
                              .values(state=after.value).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise ChangedMeanwhile(f"antrean {item_id} sudah diubah petugas lain; muat ulang halaman")
    item.state, item.updated_at = after.value, now
    item.note = note or item.note
    stamp = {ItemState.ACKNOWLEDGED: "acknowledged_at", ItemState.IN_PROGRESS: "started_at",
             ItemState.RESOLVED: "resolved_at"}.get(after)
    if stamp:
        setattr(item, stamp, now)
    record = session.get(Record, item.record_id)
    add_event(session, record, action.value, actor, before.value, after.value, note, item)
    _follow_record(session, record, item, after, actor)
    return item


def _follow_record(session: Session, record: Record, item: QueueItem, after: ItemState, actor: str) -> None:
    """A record is resolved once every unit that must act has resolved its item; a unit refusing
    an item sends the record back to review to be routed again."""
    if Status(record.status) is not Status.ROUTED:
        return
    if after is ItemState.REJECTED and item.kind == RouteKind.PRIMARY.value:
        apply_record_action(session, record.id, RecordAction.REOPEN, actor,
                            # the unit's reason stays on its own item: other units see record events
                            f"ditolak oleh {item.target}; alasannya di riwayat antreannya")
    elif after is ItemState.RESOLVED:
        primaries = session.scalars(select(QueueItem).where(QueueItem.record_id == record.id,
                                                            QueueItem.kind == RouteKind.PRIMARY.value)).all()
        # A unit that refused the form ("not ours") has nothing left to resolve.
        acting = [p for p in primaries if p.state not in (ItemState.REJECTED.value, ItemState.WITHDRAWN.value)]
        if acting and all(p.state == ItemState.RESOLVED.value for p in acting):
            apply_record_action(session, record.id, RecordAction.RESOLVE, actor, "semua SKPD tujuan selesai")


def record_intake(session: Session, record: Record, routes: tuple[Route, ...]) -> None:
    """The intake's part of the history: received, then routed (with its queue items) or held
    for review. Accepted forms get their registration number."""
    status = Status(record.status)
    if status in (Status.ROUTED, Status.NEEDS_REVIEW):
        record.tracking_number = next_tracking_number(session, record.received_at.year)
    add_event(session, record, "received", SYSTEM, None, Status.RECEIVED.value,
              source_label(FormRecord.model_validate(record.data).source))
    if status in (Status.ROUTED, Status.NEEDS_REVIEW):
        action = RecordAction.ROUTE if status is Status.ROUTED else RecordAction.HOLD
        add_event(session, record, action.value, SYSTEM, Status.RECEIVED.value, status.value)
    else:
        add_event(session, record, status.value, SYSTEM, Status.RECEIVED.value, status.value)
    if status is Status.ROUTED:
        create_queue_items(session, record, routes, SYSTEM)

