"""The overview: what arrived today and this week, where it went, and what has waited longest."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.record import WITA, Status, now_wita
from pipeline.route.lifecycle import ItemState
from pipeline.route.service import dispatch_due, is_overdue, item_due
from pipeline.store.models import QueueItem, Record
from pipeline.store.review import WAITING
from web.deps import context, db, reviewer
from web.present import item_label, status_label
from web.security import CurrentUser, csrf_token

router = APIRouter()
STATUS_ORDER = [s.value for s in (Status.NEEDS_REVIEW, Status.FAILED, Status.ROUTED, Status.RESOLVED,
                                  Status.RETURNED, Status.REJECTED, Status.DUPLICATE)]
ITEM_ORDER = [s.value for s in ItemState]
ITEM_SHORT = {"routed": "Belum diterima", "acknowledged": "Diterima", "in_progress": "Ditangani",
              "resolved": "Selesai", "rejected": "Ditolak", "withdrawn": "Ditarik"}


def _by_status(session: Session, since: datetime) -> dict[str, int]:
    rows = session.execute(select(Record.status, func.count()).where(Record.received_at >= since)
                           .group_by(Record.status)).all()
    return dict(rows)


@router.get("/ringkasan", response_class=HTMLResponse)
def overview(request: Request, user: CurrentUser = Depends(reviewer), session: Session = Depends(db),
             ctx=Depends(context)) -> HTMLResponse:  # noqa: ANN001
    from web.app import TEMPLATES

    now = now_wita()
    today = datetime.combine(now.date(), time(0), WITA)
    week = today - timedelta(days=now.weekday())
    counts = {"today": _by_status(session, today), "week": _by_status(session, week)}

    units = ctx.routing.units
    per_unit: dict[str, dict[str, int]] = {}
    overdue_per_unit: dict[str, int] = {}
    open_items = session.execute(select(QueueItem, Record).join(Record, Record.id == QueueItem.record_id)
                                 .where(QueueItem.created_at >= week)).all()
    for item, _ in open_items:
        per_unit.setdefault(item.target, {}).setdefault(item.state, 0)
        per_unit[item.target][item.state] += 1
    oldest_items = []
    for item, record in session.execute(
            select(QueueItem, Record).join(Record, Record.id == QueueItem.record_id)
            .where(QueueItem.state.in_((ItemState.ROUTED.value, ItemState.ACKNOWLEDGED.value,
                                        ItemState.IN_PROGRESS.value)), QueueItem.kind == "primary")
            .order_by(QueueItem.created_at, QueueItem.id)).all():
        due, _ = item_due(item.kind, item.state, item.created_at, item.started_at)
        late = bool(due and is_overdue(due, now))
        if late:
            overdue_per_unit[item.target] = overdue_per_unit.get(item.target, 0) + 1
        if len(oldest_items) < 10:
            oldest_items.append({"item": item, "record": record, "due": due, "overdue": late,
                                 "unit": units[item.target].short if item.target in units else item.target,
                                 "state": item_label(item.state)})

    per_kecamatan: dict[str, dict[str, int]] = {}
    for kecamatan, status, n in session.execute(
            select(Record.kecamatan, Record.status, func.count()).where(Record.received_at >= week)
            .group_by(Record.kecamatan, Record.status)).all():
        per_kecamatan.setdefault(kecamatan or "(belum diketahui)", {})[status] = n

    oldest_waiting = []
    for row in session.scalars(select(Record).where(Record.status.in_(WAITING))
                               .order_by(Record.received_at, Record.id).limit(10)):
        due = dispatch_due(row.received_at)
        oldest_waiting.append({"row": row, "due": due, "overdue": is_overdue(due, now),
                               "status": status_label(row.status)})

    return TEMPLATES.TemplateResponse(request, "overview.html", {
        "csrf": csrf_token(request), "user": user, "now": now, "counts": counts,
        "status_order": STATUS_ORDER, "status_label": status_label, "item_order": ITEM_ORDER,
        "item_label": lambda s: ITEM_SHORT.get(s, item_label(s)), "per_unit": sorted(per_unit.items(), key=lambda kv: -sum(kv[1].values())),
        "overdue_per_unit": overdue_per_unit, "unit_name": lambda c: units[c].short if c in units else c,
        "per_kecamatan": sorted(per_kecamatan.items()), "oldest_waiting": oldest_waiting,
        "oldest_items": oldest_items, "week_start": week})
