"""The reviewers' exception queue and item page: correct, approve, return, mark duplicate, reject."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.errors import KopiError
from pipeline.record import FormRecord, Status, now_wita
from pipeline.report.display import source_label
from pipeline.report.privacy import Audience
from pipeline.report.weekly import KIND_NAMES
from pipeline.route.lifecycle import RECORD_TRANSITIONS, RecordAction
from pipeline.route.returns import return_note, return_reasons
from pipeline.route.service import dispatch_due, is_overdue
from pipeline.store.models import QueueItem, Record
from pipeline.store.queries import history
from pipeline.store.review import (
    WAITING,
    CorrectionError,
    Filters,
    exception_counts,
    exception_queue,
    mark_duplicate,
    next_exception,
    return_to_village,
    settle,
)
from pipeline.store.workflow import apply_record_action
from web.deps import context, db, posted_form, reviewer, text
from web.present import (
    FieldView,
    field_views,
    history_lines,
    is_confidential_form,
    reason_label,
    reason_lines,
    status_label,
)
from web.security import CurrentUser, csrf_token

router = APIRouter()
FILTER_KEYS = ("alasan", "formulir", "kecamatan", "desa", "umur")


def _filters(params: dict[str, str]) -> Filters:
    age = params.get("umur") or ""
    return Filters(reason=params.get("alasan") or None, form_id=params.get("formulir") or None,
                   kecamatan=params.get("kecamatan") or None, desa=params.get("desa") or None,
                   older_than_days=int(age) if age.isdigit() else None)


def _saved_filters(request: Request) -> dict[str, str]:
    return {k: v for k, v in (request.session.get("saring") or {}).items() if k in FILTER_KEYS and v}


def _render(request: Request, name: str, data: dict, status_code: int = 200) -> HTMLResponse:
    from web.app import TEMPLATES

    return TEMPLATES.TemplateResponse(request, name, {"csrf": csrf_token(request), **data}, status_code=status_code)


@router.get("/pemeriksaan", response_class=HTMLResponse)
def queue_page(request: Request, user: CurrentUser = Depends(reviewer), session: Session = Depends(db),
               ctx=Depends(context)) -> HTMLResponse:  # noqa: ANN001
    params = {k: request.query_params.get(k, "").strip()[:64] for k in FILTER_KEYS}
    request.session["saring"] = {k: v for k, v in params.items() if v}
    entries = exception_queue(session, _filters(params))
    counts = exception_counts(session)
    return _render(request, "queue.html", {
        "user": user, "entries": entries, "counts": counts, "params": params, "reason_label": reason_label,
        "status_label": status_label, "forms": ctx.templates.form_ids,
        "kecamatan": sorted(ctx.gazetteer.kecamatan.values()),
        "total": sum(counts["form"].values())})


@router.get("/pemeriksaan/berikut")
def next_item(request: Request, setelah: int | None = None, user: CurrentUser = Depends(reviewer),
              session: Session = Depends(db)) -> RedirectResponse:
    saved = _saved_filters(request)
    found = next_exception(session, _filters(saved), after=setelah)
    if found is None:
        return RedirectResponse("/pemeriksaan?" + urlencode({**saved, "habis": "1"}) if saved
                                else "/pemeriksaan?habis=1", status_code=303)
    return RedirectResponse(f"/formulir/{found}", status_code=303)


Submitted = tuple[dict[str, str], dict[str, list[str]], dict[str, dict[str, bool]]]


def _keep_submitted(views: list[FieldView], submitted: Submitted) -> None:
    """A refused correction shows the page again as the reviewer left it: typed text, ticks and
    signature marks, not the stored reading they had already corrected."""
    typed, ticked, marks = submitted
    for v in views:
        if v.kind in ("text", "textarea") and v.name in typed:
            v.value = typed[v.name]
        elif v.kind == "choice" and v.name in ticked:
            v.options = [(value, label, value in ticked[v.name]) for value, label, _ in v.options]
        elif v.kind == "signature" and v.name in marks:
            v.signed = marks[v.name]["signed"]
            v.stamped = marks[v.name]["stamped"] if v.stamp_expected else v.stamped


def _item_data(session: Session, row: Record, ctx, submitted: Submitted | None = None) -> dict:  # noqa: ANN001
    form = FormRecord.model_validate(row.data)
    template = ctx.templates.get(form.identity.form_id, form.identity.version) if form.identity else None
    views = field_views(form, template, Audience.REVIEWER) if template else []
    if submitted:
        _keep_submitted(views, submitted)
    items = session.scalars(select(QueueItem).where(QueueItem.record_id == row.id)).all()
    units = {code: unit.short for code, unit in ctx.routing.units.items()}
    status = Status(row.status)
    due = dispatch_due(row.received_at) if row.status in WAITING else None
    return {
        "row": row, "form": form, "template": template, "fields": views,
        "doubtful": [v for v in views if v.doubtful], "sure": [v for v in views if not v.doubtful],
        "reasons": reason_lines(form, {v.crop for v in views if v.doubtful}), "history": history_lines(history(session, row.id),
                                                                 {i.id: i.target for i in items}, units),
        "status_label": status_label(row.status), "waiting": row.status in WAITING,
        "can": {a.value for (s, a) in RECORD_TRANSITIONS if s is status},
        "routes": [(units.get(r.target, r.target), KIND_NAMES.get(r.kind.value, r.kind.value), r.why)
                   for r in form.routes],
        "items": [(units.get(i.target, i.target), i) for i in items], "due": due,
        "overdue": bool(due and is_overdue(due, now_wita())),
        "confidential": is_confidential_form(form, template), "return_reasons": return_reasons(),
        "page_size": (template.page.width * 8, template.page.height * 8) if template else None,
        "filename": row.page.document.filename if row.page else "",
        "source": source_label(form.source),
    }


def _record(session: Session, record_id: int) -> Record:
    row = session.get(Record, record_id)
    if row is None:
        raise HTTPException(404, "Formulir tidak ditemukan.")
    return row


@router.get("/formulir/{record_id}", response_class=HTMLResponse)
def item_page(request: Request, record_id: int, user: CurrentUser = Depends(reviewer),
              session: Session = Depends(db), ctx=Depends(context)) -> HTMLResponse:  # noqa: ANN001
    row = _record(session, record_id)
    return _render(request, "item.html", {"user": user, "problems": {}, "done": request.query_params.get("ok"),
                                          **_item_data(session, row, ctx)})


def _submitted(form_data, views) -> Submitted:  # noqa: ANN001
    """What the reviewer changed or confirmed: doubtful fields always, others only when changed."""
    typed, ticked, marks = {}, {}, {}
    for v in views:
        if v.kind in ("text", "textarea"):
            text = str(form_data.get(f"f_{v.name}", v.value))
            if v.doubtful or " ".join(text.split()) != " ".join(v.value.split()):
                typed[v.name] = text
        elif v.kind == "choice":
            chosen = [str(x) for x in form_data.getlist(f"c_{v.name}")]
            before = [o for o, _, on in v.options if on]
            if v.doubtful or sorted(chosen) != sorted(before):
                ticked[v.name] = chosen
        elif v.kind == "signature":
            signed = form_data.get(f"s_{v.name}_ttd") == "1"
            stamped = form_data.get(f"s_{v.name}_cap") == "1"
            if v.doubtful or signed != v.signed or (v.stamp_expected and stamped != bool(v.stamped)):
                marks[v.name] = {"signed": signed, "stamped": stamped}
    return typed, ticked, marks


@router.post("/formulir/{record_id}/setujui", response_class=HTMLResponse)
async def approve(request: Request, record_id: int, user: CurrentUser = Depends(reviewer),
                  session: Session = Depends(db), ctx=Depends(context)):  # noqa: ANN001, ANN201
    form_data = await posted_form(request)
    row = _record(session, record_id)
    data = _item_data(session, row, ctx)
    typed, ticked, marks = _submitted(form_data, data["fields"])
    try:
        settle(session, row.id, ctx, user.username, typed, ticked, marks)
    except CorrectionError as exc:
        session.rollback()
        return _render(request, "item.html", {"user": user, "problems": exc.problems, "done": None,
                                              **_item_data(session, _record(session, record_id), ctx,
                                                           (typed, ticked, marks))},
                       status_code=422)
    except KopiError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    return RedirectResponse(f"/pemeriksaan/berikut?setelah={record_id}", status_code=303)


@router.post("/formulir/{record_id}/kembalikan")
async def send_back(request: Request, record_id: int, user: CurrentUser = Depends(reviewer),
                    session: Session = Depends(db)) -> RedirectResponse:
    form_data = await posted_form(request)
    code, extra = text(form_data, "alasan", 64), text(form_data, "keterangan")
    try:
        note = return_note(code, extra)
    except KeyError:
        raise HTTPException(400, "Pilih alasan pengembalian dari daftar.") from None
    if not note:
        raise HTTPException(400, "Alasan \"lainnya\" memerlukan keterangan.")
    _act(session, lambda: return_to_village(session, record_id, user.username, note))
    return RedirectResponse(f"/pemeriksaan/berikut?setelah={record_id}", status_code=303)


@router.post("/formulir/{record_id}/duplikat")
async def duplicate(request: Request, record_id: int, user: CurrentUser = Depends(reviewer),
                    session: Session = Depends(db)) -> RedirectResponse:
    form_data = await posted_form(request)
    original = text(form_data, "asli", 64)
    note = f"duplikat dari {original}" if original else "duplikat"
    _act(session, lambda: mark_duplicate(session, record_id, user.username, note))
    return RedirectResponse(f"/pemeriksaan/berikut?setelah={record_id}", status_code=303)


@router.post("/formulir/{record_id}/tolak")
async def reject(request: Request, record_id: int, user: CurrentUser = Depends(reviewer),
                 session: Session = Depends(db)) -> RedirectResponse:
    form_data = await posted_form(request)
    note = text(form_data, "keterangan")
    if not note:
        raise HTTPException(400, "Tuliskan alasan penolakan.")
    _act(session, lambda: apply_record_action(session, record_id, RecordAction.REJECT, user.username, note))
    return RedirectResponse(f"/pemeriksaan/berikut?setelah={record_id}", status_code=303)


@router.post("/formulir/{record_id}/buka")
async def reopen(request: Request, record_id: int, user: CurrentUser = Depends(reviewer),
                 session: Session = Depends(db)) -> RedirectResponse:
    form_data = await posted_form(request)
    note = text(form_data, "keterangan") or "dibuka kembali"
    _act(session, lambda: apply_record_action(session, record_id, RecordAction.REOPEN, user.username, note))
    return RedirectResponse(f"/formulir/{record_id}", status_code=303)


def _act(session: Session, action) -> None:  # noqa: ANN001
    try:
        action()
    except KopiError as exc:
        session.rollback()
        raise HTTPException(409, f"Tidak dapat dilakukan: {exc}") from exc
    session.commit()
