"""The reviewers' work on the store: the exception queue, and settling a form by correcting it
and approving, returning it to its village, or marking it a duplicate. Every change goes through
`workflow` (so it is checked and becomes an event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload

from pipeline.errors import KopiError
from pipeline.extract.typed import normalise_typed
from pipeline.forms.template import FieldType, Template
from pipeline.pages import Context
from pipeline.reasons import ReasonCode, message_for
from pipeline.record import FormRecord, Status, now_wita
from pipeline.route.lifecycle import RecordAction
from pipeline.route.router import plan_routes
from pipeline.route.service import dispatch_due, is_overdue
from pipeline.store.models import Page, ReasonRow, Record, RouteRow
from pipeline.store.records import review_reason_rows
from pipeline.store.workflow import add_event, apply_record_action, get_record

WAITING = (Status.NEEDS_REVIEW.value, Status.FAILED.value)
SIGNATURE_CODES = {ReasonCode.SIGNATURE_MISSING, ReasonCode.SIGNATURE_UNCERTAIN, ReasonCode.STAMP_MISSING}


class CorrectionError(KopiError):
    """Some typed values are not acceptable; `problems` maps field name to an Indonesian sentence."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems.values()))


@dataclass(frozen=True)
class Filters:
    reason: str | None = None
    form_id: str | None = None
    kecamatan: str | None = None
    desa: str | None = None
    older_than_days: int | None = None


@dataclass(frozen=True)
class QueueEntry:
    record_id: int
    tracking: str | None
    form_id: str | None
    serial: int | None
    desa: str | None
    kecamatan: str | None
    filename: str
    received_at: datetime
    status: str
    reasons: tuple[str, ...]
    due: date | None
    overdue: bool


def _query(filters: Filters, now: datetime):  # noqa: ANN202 - a Select
    query = select(Record).where(Record.status.in_(WAITING))
    if filters.reason:
        query = query.where(Record.id.in_(select(ReasonRow.record_id).where(ReasonRow.code == filters.reason)))
    if filters.form_id:
        query = query.where(Record.form_id == filters.form_id)
    if filters.kecamatan:
        query = query.where(Record.kecamatan == filters.kecamatan)
    if filters.desa:
        query = query.where(Record.desa == filters.desa)
    if filters.older_than_days:
        query = query.where(Record.received_at <= now - timedelta(days=filters.older_than_days))
    return query.order_by(Record.received_at, Record.id)


def exception_queue(session: Session, filters: Filters, now: datetime | None = None,
                    limit: int = 200) -> list[QueueEntry]:
    """Forms waiting for a reviewer, oldest first (SP4N-LAPOR!: dispatch within 3 working days)."""
    now = now or now_wita()
    entries = []
    # Each entry shows its reasons and file name: loaded with the page of forms, not per form.
    query = _query(filters, now).limit(limit).options(
        selectinload(Record.reasons), joinedload(Record.page).joinedload(Page.document))
    for row in session.scalars(query):
        due = dispatch_due(row.received_at)
        codes = tuple(dict.fromkeys(r.code for r in row.reasons if r.kind == "review"))
        entries.append(QueueEntry(row.id, row.tracking_number, row.form_id, row.serial, row.desa, row.kecamatan,
                                  row.page.document.filename, row.received_at, row.status, codes, due,
                                  is_overdue(due, now)))
    return entries


def exception_counts(session: Session) -> dict[str, dict[str, int]]:
    """How many waiting forms per reason, form and kecamatan (for the queue's filters)."""
    waiting = select(Record.id).where(Record.status.in_(WAITING))
    by_reason = session.execute(select(ReasonRow.code, func.count(func.distinct(ReasonRow.record_id)))
                                .where(ReasonRow.record_id.in_(waiting), ReasonRow.kind == "review")
                                .group_by(ReasonRow.code)).all()
    by_form = session.execute(select(Record.form_id, func.count()).where(Record.status.in_(WAITING))
                              .group_by(Record.form_id)).all()
    by_kecamatan = session.execute(select(Record.kecamatan, func.count()).where(Record.status.in_(WAITING))
                                   .group_by(Record.kecamatan)).all()
    return {"reason": dict(by_reason), "form": {k or "": v for k, v in by_form},
            "kecamatan": {k or "": v for k, v in by_kecamatan}}


def next_exception(session: Session, filters: Filters, after: int | None = None) -> int | None:
    """The oldest waiting form; with `after` (a form skipped or just settled), the next one after
    it in the queue's order, wrapping round to the oldest, so skipping walks the whole queue
    instead of bouncing between the two oldest forms."""
    query = _query(filters, now_wita())
    if after is not None:
        current = session.get(Record, after)
        query = query.where(Record.id != after)
        if current is not None:
            later = query.where(tuple_(Record.received_at, Record.id) > tuple_(current.received_at, current.id))
            row = session.scalars(later.limit(1)).first()
            if row is not None:
                return row.id
    row = session.scalars(query.limit(1)).first()
    return row.id if row else None


def _correct_fields(form: FormRecord, template: Template, typed: dict[str, str], ctx: Context,
                    actor: str) -> tuple[list, dict[str, str]]:
    problems: dict[str, str] = {}
    kecamatan = next((fv.value for fv in form.fields if fv.type == "kecamatan" and fv.code), None)
    kec_field = next((f for f in template.fields if f.type is FieldType.KECAMATAN), None)
    if kec_field is not None and kec_field.name in typed:
        kecamatan = normalise_typed(kec_field, typed[kec_field.name], ctx.gazetteer).value or kecamatan
    fields = []
    for fv in form.fields:
        if fv.name not in typed:
            fields.append(fv)
            continue
        f = template.field(fv.name)
        parsed = normalise_typed(f, typed[fv.name], ctx.gazetteer, kecamatan)
        if parsed.problems:
            code, params = parsed.problems[0]
            problems[fv.name] = message_for(code, label=f.label, **params)
            continue
        fields.append(fv.model_copy(update={"value": parsed.value, "code": parsed.code, "confidence": 1.0,
                                            "needs_review": False, "reasons": (), "candidates": (),
                                            "confirmed_by": actor}))
    return fields, problems


def _correct_choices(form: FormRecord, template: Template, ticked: dict[str, list[str]], actor: str) -> list:
    choices = []
    for cv in form.choices:
        if cv.name not in ticked:
            choices.append(cv)
            continue
        options = {o.value for o in template.field(cv.name).options or []}
        selected = tuple(v for v in ticked[cv.name] if v in options)
        choices.append(cv.model_copy(update={"selected": selected, "needs_review": False, "reasons": (),
                                             "confidence": 1.0, "inferred": None, "inferred_confidence": None,
                                             "confirmed_by": actor}))
    return choices


def _correct_signatures(form: FormRecord, marks: dict[str, dict[str, bool]], actor: str) -> list:
    out = []
    for sc in form.signatures:
        if sc.role not in marks:
            out.append(sc)
            continue
        m = marks[sc.role]
        out.append(sc.model_copy(update={"signed": m.get("signed", False),
                                         "stamped": m.get("stamped", False) if sc.stamp_expected else None,
                                         "confidence": 1.0, "confirmed_by": actor}))
    return out


def _unsettled(form: FormRecord) -> list[str]:
    """What still stands in the way of routing after a reviewer's corrections."""
    problems = []
    for sc in form.signatures:
        if sc.required and not sc.signed:
            problems.append(f"Tanda tangan {sc.label} belum ada: kembalikan ke desa, atau centang bila ada.")
        elif sc.required and sc.stamp_expected and not sc.stamped:
            problems.append(f"Cap {sc.label} belum ada: kembalikan ke desa, atau centang bila ada.")
    return problems


def settle(session: Session, key: str | int, ctx: Context, actor: str, typed: dict[str, str],
           ticked: dict[str, list[str]], marks: dict[str, dict[str, bool]]) -> Record:
    """Apply a reviewer's corrections and approve: the form is routed by its corrected values.
    Nothing is saved when a value is not acceptable or the form still cannot be routed."""
    row = get_record(session, key)
    form = FormRecord.model_validate(row.data)
    if form.identity is None:
        raise CorrectionError({"_": "Formulir belum dikenali (kode QR tidak terbaca): tolak atau kembalikan."})
    template = ctx.templates.get(form.identity.form_id, form.identity.version)
    fields, problems = _correct_fields(form, template, typed, ctx, actor)
    if problems:
        raise CorrectionError(problems)
    form = form.model_copy(update={"fields": tuple(fields), "choices": tuple(_correct_choices(form, template, ticked, actor)),
                                   "signatures": tuple(_correct_signatures(form, marks, actor))})
    blocking = _unsettled(form)
    routes, undecided = plan_routes(form.model_copy(update={"reasons": ()}), ctx.routing)
    if undecided:
        blocking.append("SKPD tujuan belum dapat ditentukan: pilih kategori yang sesuai.")
    if blocking:
        raise CorrectionError({f"_{i}": text for i, text in enumerate(blocking)})
    kept = tuple(r for r in form.reasons if r.code not in SIGNATURE_CODES and r.code is not ReasonCode.ROUTE_UNDECIDED)
    form = form.model_copy(update={"routes": tuple(routes), "reasons": kept})
    _store_form(session, row, form, actor, sorted(typed) + sorted(ticked) + sorted(marks))
    return apply_record_action(session, row.id, RecordAction.APPROVE, actor, "diperiksa dan disetujui")


def _store_form(session: Session, row: Record, form: FormRecord, actor: str, touched: list[str]) -> None:
    """The corrected record replaces the stored one; which fields were touched is the event (not
    their values: the history is shown to units that must not see personal data)."""
    row.data = {**form.model_dump(mode="json"), "status": row.status}
    values = {fv.name: fv for fv in form.fields}
    choices = {cv.name: cv for cv in form.choices}
    for stored in row.field_values:
        if stored.name in values:
            fv = values[stored.name]
            stored.value, stored.code, stored.confidence, stored.needs_review = fv.value, fv.code, fv.confidence, False
        elif stored.name in choices:
            cv = choices[stored.name]
            stored.value, stored.confidence, stored.needs_review = ",".join(cv.selected), cv.confidence, False
    signatures = {sc.role: sc for sc in form.signatures}
    for stored in row.signatures:
        sc = signatures[stored.role]
        stored.signed, stored.stamped, stored.confidence = sc.signed, sc.stamped, sc.confidence
    for old in list(row.routes):
        row.routes.remove(old)
        session.delete(old)
    for old in [r for r in row.reasons if r.kind == "review"]:
        row.reasons.remove(old)
        session.delete(old)
    session.flush()  # the old rows must be gone before the same (record, unit, kind) is added again
    # A settled form is reopened or returned later: its filters must count today's reasons.
    row.reasons.extend(review_reason_rows(form))
    for route in form.routes:
        row.routes.append(RouteRow(target=route.target, kind=route.kind.value, rule=route.rule, why=route.why))
    row.desa = next((fv.value for fv in form.fields if fv.type == "desa" and fv.code), row.desa)
    row.kecamatan = next((fv.value for fv in form.fields if fv.type == "kecamatan" and fv.code), row.kecamatan)
    add_event(session, row, "corrected", actor, row.status, row.status,
              "diperiksa: " + ", ".join(touched) if touched else "diperiksa tanpa koreksi")
    session.flush()


def return_to_village(session: Session, key: str | int, actor: str, reason: str) -> Record:
    return apply_record_action(session, key, RecordAction.RETURN, actor, reason)


def mark_duplicate(session: Session, key: str | int, actor: str, note: str | None = None) -> Record:
    return apply_record_action(session, key, RecordAction.MARK_DUPLICATE, actor, note or "duplikat")
