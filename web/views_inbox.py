"""The SKPD inbox: the forms routed to one unit, and acknowledging, starting and resolving them.
SKPD staff see only their own unit; reviewers may look at any unit's inbox but not act for it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.errors import KopiError
from pipeline.record import FormRecord, now_wita
from pipeline.report.privacy import Audience
from pipeline.report.weekly import KIND_NAMES
from pipeline.route.lifecycle import ITEM_TRANSITIONS, OPEN_ITEM_STATES, ItemAction, ItemState
from pipeline.route.service import is_overdue, item_due
from pipeline.store.models import QueueItem, Record
from pipeline.store.queries import history, queue_items
from pipeline.store.workflow import apply_item_action
from web.deps import context, current_user, db, posted_form, text
from web.present import field_views, history_lines, item_label, status_label
from web.security import CurrentUser, csrf_token

router = APIRouter()
OPEN_STATES = tuple(s.value for s in OPEN_ITEM_STATES)
ACTIONS = {  # path word -> action, button label, whether a note is required
    "terima": (ItemAction.ACKNOWLEDGE, "Terima", False),
    "mulai": (ItemAction.START, "Mulai tindak lanjut", False),
    "selesai": (ItemAction.RESOLVE, "Selesai", True),
    "tolak": (ItemAction.REJECT, "Bukan wewenang kami", True),
}


def _render(request: Request, name: str, data: dict, status_code: int = 200) -> HTMLResponse:
    from web.app import TEMPLATES

    return TEMPLATES.TemplateResponse(request, name, {"csrf": csrf_token(request), **data}, status_code=status_code)


def _unit_for(user: CurrentUser, asked: str | None, units: dict) -> str | None:  # noqa: ANN001
    if user.unit_code:
        if asked and asked != user.unit_code:
            raise HTTPException(403, "Anda hanya dapat membuka antrean SKPD Anda sendiri.")
        return user.unit_code
    if asked and asked not in units:
        raise HTTPException(404, "SKPD tidak dikenal.")
    return asked or None


@router.get("/antrean", response_class=HTMLResponse)
def inbox(request: Request, skpd: str | None = None, semua: str | None = None,
          user: CurrentUser = Depends(current_user), session: Session = Depends(db),
          ctx=Depends(context)) -> HTMLResponse:  # noqa: ANN001
    units = ctx.routing.units
    unit = _unit_for(user, skpd, units)
    if unit is None and not user.reviews:
        raise HTTPException(403, "Akun Anda belum terhubung dengan SKPD.")
    now = now_wita()
    rows = []
    for item, record in queue_items(session, unit, limit=500):
        if not semua and item.state not in OPEN_STATES:
            continue
        due, what = item_due(item.kind, item.state, item.created_at, item.started_at)
        rows.append({"item": item, "record": record, "unit": units[item.target].short if item.target in units else item.target,
                     "kind": KIND_NAMES.get(item.kind, item.kind), "state": item_label(item.state),
                     "due": due, "due_what": what, "overdue": bool(due and is_overdue(due, now))})
    return _render(request, "inbox.html", {
        "user": user, "rows": rows, "unit": units.get(unit) if unit else None, "semua": bool(semua),
        "units": sorted(units.values(), key=lambda u: u.short) if user.reviews else []})


def _item(session: Session, item_id: int, user: CurrentUser) -> tuple[QueueItem, Record]:
    item = session.get(QueueItem, item_id)
    if item is None:
        raise HTTPException(404, "Antrean tidak ditemukan.")
    if not user.reviews and item.target != user.unit_code:
        raise HTTPException(403, "Formulir ini tidak ditujukan ke SKPD Anda.")
    return item, session.get(Record, item.record_id)


def _audience(item: QueueItem, user: CurrentUser) -> Audience:
    if user.reviews:
        return Audience.REVIEWER
    return Audience.OWNER if item.kind == "primary" else Audience.PUBLIC


@router.get("/antrean/{item_id}", response_class=HTMLResponse)
def inbox_item(request: Request, item_id: int, user: CurrentUser = Depends(current_user),
               session: Session = Depends(db), ctx=Depends(context)) -> HTMLResponse:  # noqa: ANN001
    item, record = _item(session, item_id, user)
    form = FormRecord.model_validate(record.data)
    template = ctx.templates.get(form.identity.form_id, form.identity.version) if form.identity else None
    views = [v for v in field_views(form, template, _audience(item, user)) if v.kind != "signature"] if template else []
    targets = dict(session.execute(select(QueueItem.id, QueueItem.target).where(QueueItem.record_id == record.id)).all())
    units = {code: unit.short for code, unit in ctx.routing.units.items()}
    if user.reviews:
        events = history(session, record.id)
    else:  # a unit sees the intake, the review decision and its own item's steps, not other units' notes
        events = [e for e in history(session, record.id) if e.queue_item_id in (None, item.id)]
    allowed = [(word, label, needs_note) for word, (action, label, needs_note) in ACTIONS.items()
               if (ItemState(item.state), action) in ITEM_TRANSITIONS] if item.target == user.unit_code else []
    due, what = item_due(item.kind, item.state, item.created_at, item.started_at)
    return _render(request, "inbox_item.html", {
        "user": user, "item": item, "record": record, "form": form, "template": template, "fields": views,
        "unit": ctx.routing.units.get(item.target), "kind": KIND_NAMES.get(item.kind, item.kind),
        "state": item_label(item.state), "record_status": status_label(record.status),
        "history": history_lines(events, targets, units), "actions": allowed, "due": due, "due_what": what,
        "overdue": bool(due and is_overdue(due, now_wita())), "done": request.query_params.get("ok")})


@router.post("/antrean/{item_id}/{word}")
async def act(request: Request, item_id: int, word: str, user: CurrentUser = Depends(current_user),
              session: Session = Depends(db)) -> RedirectResponse:
    form_data = await posted_form(request)
    if word not in ACTIONS:
        raise HTTPException(404, "Tindakan tidak dikenal.")
    item, _ = _item(session, item_id, user)
    if item.target != user.unit_code:
        raise HTTPException(403, "Hanya petugas SKPD tujuan yang dapat memproses antrean ini.")
    action, _, needs_note = ACTIONS[word]
    note = text(form_data, "catatan", 2000) or None
    if needs_note and not note:
        raise HTTPException(400, "Tuliskan catatan tindak lanjut (akan dibaca desa pada lembar umpan balik).")
    try:
        apply_item_action(session, item.id, action, user.username, note)
    except KopiError as exc:
        session.rollback()
        raise HTTPException(409, f"Tidak dapat dilakukan: {exc}") from exc
    session.commit()
    return RedirectResponse(f"/antrean/{item_id}?ok={word}", status_code=303)
