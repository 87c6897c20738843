"""Reading records back for exports, reports and the command line."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from pipeline.record import WITA, FormRecord
from pipeline.route.lifecycle import action_label
from pipeline.store.models import Document, Event, QueueItem, Record, RouteRow


def record_query(status: str | None = None, target: str | None = None,
                 since: datetime | None = None, until: datetime | None = None) -> Select:
    query = select(Record).order_by(Record.id)
    if status:
        query = query.where(Record.status == status)
    if target:
        query = query.where(Record.id.in_(select(RouteRow.record_id).where(RouteRow.target == target)))
    if since:
        query = query.where(Record.received_at >= since)
    if until:
        query = query.where(Record.received_at < until)
    return query


def iter_records(session: Session, query: Select, batch: int = 200) -> Iterator[tuple[int, FormRecord]]:
    """(id, record) pairs, fetched in batches so a large export keeps memory flat."""
    for row in session.scalars(query.execution_options(yield_per=batch)):
        yield row.id, FormRecord.model_validate(row.data)


def iter_rows(session: Session, query: Select, batch: int = 200) -> Iterator[tuple[Record, FormRecord]]:
    """(row, record) pairs, for callers that need the registration number and LAPOR! id too."""
    for row in session.scalars(query.execution_options(yield_per=batch)):
        yield row, FormRecord.model_validate(row.data)


def failed_documents(session: Session, since: datetime | None = None,
                     until: datetime | None = None) -> list[Document]:
    query = select(Document).where(Document.status == "failed")
    if since:
        query = query.where(Document.received_at >= since)
    if until:
        query = query.where(Document.received_at < until)
    return list(session.scalars(query.order_by(Document.id)))


def queue_rows(session: Session, since: datetime | None = None,
               until: datetime | None = None) -> list[tuple[QueueItem, Record]]:
    query = select(QueueItem, Record).join(Record, Record.id == QueueItem.record_id)
    if since:
        query = query.where(QueueItem.created_at >= since)
    if until:
        query = query.where(QueueItem.created_at < until)
    return [(item, record) for item, record in session.execute(query.order_by(QueueItem.id))]


def queue_items(session: Session, target: str | None, limit: int | None,
                state: str | None = None, states: Collection[str] = ()) -> list[tuple[QueueItem, Record]]:
    """Queue items with their records, newest first; `limit` None for all of them."""
    query = select(QueueItem, Record).join(Record, Record.id == QueueItem.record_id)
    if target:
        query = query.where(QueueItem.target == target)
    if state:
        query = query.where(QueueItem.state == state)
    if states:
        query = query.where(QueueItem.state.in_(list(states)))
    query = query.order_by(QueueItem.created_at.desc(), QueueItem.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [(item, record) for item, record in session.execute(query)]


def history(session: Session, record_id: int) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.record_id == record_id).order_by(Event.id)))


def histories(session: Session, record_ids: Collection[int]) -> dict[int, list[dict[str, Any]]]:
    """Each record's history as export rows (who did what, when, to which unit's item), for many
    records in two queries: an export of thousands of forms would otherwise ask twice per form."""
    ids = list(record_ids)
    targets = dict(session.execute(select(QueueItem.id, QueueItem.target).where(QueueItem.record_id.in_(ids))).all())
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for e in session.scalars(select(Event).where(Event.record_id.in_(ids)).order_by(Event.record_id, Event.id)):
        out[e.record_id].append({
            "at": e.at.astimezone(WITA).isoformat(), "actor": e.actor, "action": e.action,
            "label": action_label(e.action, e.queue_item_id is not None), "from": e.from_state, "to": e.to_state,
            "unit": targets.get(e.queue_item_id), "note": e.note})
    return out


def iter_rows_with_history(session: Session, query: Select, batch: int = 200,
                           ) -> Iterator[tuple[Record, FormRecord, list[dict[str, Any]]]]:
    """`iter_rows` with each record's history, fetched a batch at a time."""
    chunk: list[tuple[Record, FormRecord]] = []

    def flush() -> Iterator[tuple[Record, FormRecord, list[dict[str, Any]]]]:
        found = histories(session, [row.id for row, _ in chunk])
        for row, record in chunk:
            yield row, record, found[row.id]

    for pair in iter_rows(session, query, batch):
        chunk.append(pair)
        if len(chunk) >= batch:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()
