"""Writing intake results and reading them back. One document is saved in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.extract.sameness import compare_content
from pipeline.extract.schedule import conflicts
from pipeline.forms.registry import TemplateSet
from pipeline.forms.template import Template
from pipeline.reasons import ReasonCode
from pipeline.report.display import source_label
from pipeline.record import FormRecord, Reason, Status
from pipeline.store.db import Store
from pipeline.store.workflow import record_intake
from pipeline.store.models import (
    Document,
    FieldValueRow,
    Page,
    ReasonRow,
    Record,
    RouteRow,
    SerialClaim,
    SignatureRow,
)


@dataclass(frozen=True)
class PageOutcome:
    record: FormRecord
    image_sha256: str | None
    seconds: float = 0.0  # time spent reading the page


@dataclass(frozen=True)
class FileOutcome:
    sha256: str
    filename: str
    media_type: str | None
    size_bytes: int
    pages: tuple[PageOutcome, ...]
    error: Reason | None = None  # the whole file failed (unreadable, unsupported)


def known_document(session: Session, sha256: str) -> Document | None:
    return session.scalar(select(Document).where(Document.sha256 == sha256))


def saved_records(session: Session, sha256: str) -> dict[tuple[int, int], FormRecord]:
    """A saved file's records by (page, sheet) as the store settled them: a serial seen before
    makes a form a duplicate or a conflict for review, which reading alone could not know."""
    document = known_document(session, sha256)
    if document is None:
        return {}
    return {(p.page_no, p.sheet_no): FormRecord.model_validate(p.record.data)
            for p in document.page_rows if p.record is not None}


def _place(record: FormRecord, kind: str) -> str | None:
    for fv in record.fields:
        if fv.type == kind and fv.code:
            return fv.value
    return None


def _record_row(record: FormRecord) -> Record:
    identity = record.identity
    village = next((fv.code for fv in record.fields if fv.type == "desa" and fv.code), None)
    row = Record(
        status=record.status.value, received_at=record.received_at,
        form_id=identity.form_id if identity else None,
        version=identity.version if identity else None,
        serial=identity.serial if identity else None,
        village_code=village or (identity.village_code if identity else None),
        kecamatan=_place(record, "kecamatan"), desa=_place(record, "desa"),
        data=record.model_dump(mode="json"),
    )
    for fv in record.fields:
        row.field_values.append(FieldValueRow(
            name=fv.name, kind="written", type=fv.type, value=fv.value, raw=fv.raw, code=fv.code,
            confidence=fv.confidence, needs_review=fv.needs_review, box=fv.box.as_list()))
    for cv in record.choices:
        row.field_values.append(FieldValueRow(
            name=cv.name, kind="choice", type=cv.type, value=",".join(cv.selected), raw=None,
            code=None, confidence=cv.confidence, needs_review=cv.needs_review, box=cv.box.as_list()))
    for sc in record.signatures:
        row.signatures.append(SignatureRow(
            role=sc.role, required=sc.required, signed=sc.signed, stamp_expected=sc.stamp_expected,
            stamped=sc.stamped, confidence=sc.confidence))
    row.reasons.extend(review_reason_rows(record))
    for note in record.notes:
        row.reasons.append(ReasonRow(code=note.code.value, field=note.field, message=note.message,
                                     kind="note"))
    for route in record.routes:
        row.routes.append(RouteRow(target=route.target, kind=route.kind.value, rule=route.rule,
                                   why=route.why))
    return row


def review_reason_rows(record: FormRecord) -> list[ReasonRow]:
    """Why the form waits for review, one row per reason (the review queue's filters count these)."""
    return [ReasonRow(code=r.code.value, field=r.field, message=r.message, kind="review")
            for r in record.all_reasons()]


def _as_duplicate(record: FormRecord, original: Record) -> FormRecord:
    """The same serial again: the same sheet photographed twice is a duplicate of the first record;
    different content under the same serial waits for a reviewer as a conflict."""
    assert record.identity is not None
    first = FormRecord.model_validate(original.data)
    sameness = compare_content(record, first)
    where = source_label(first.source)
    if original.tracking_number:
        where = f"{original.tracking_number}, {where}"
    if not sameness.same:
        labels = ", ".join(sameness.differing[:4]) or "isian yang terbaca"
        reason = Reason.of(ReasonCode.SERIAL_CONFLICT, form_id=record.identity.form_id,
                           serial=record.identity.serial_text, original=where, fields=labels)
        return record.model_copy(update={"status": Status.NEEDS_REVIEW, "routes": (),
                                         "reasons": record.reasons + (reason,)})
    reason = Reason.of(ReasonCode.DUPLICATE_SERIAL, form_id=record.identity.form_id,
                       serial=record.identity.serial_text,
                       original=source_label(first.source))
    return record.model_copy(update={"status": Status.DUPLICATE, "reasons": record.reasons + (reason,)})


def _claim_owner(session: Session, record: FormRecord) -> Record | None:
    if record.identity is None or record.status is Status.FAILED or not record.identity.serial_trusted:
        return None
    claim = session.scalar(select(SerialClaim).where(
        SerialClaim.form_id == record.identity.form_id, SerialClaim.serial == record.identity.serial))
    return session.get(Record, claim.record_id) if claim else None


def _same_day_activities(session: Session, record: FormRecord, template: Template) -> list[FormRecord]:
    agenda = template.agenda
    day = next((f.value for f in record.fields if agenda and f.name == agenda.date), None)
    if agenda is None or day is None:
        return []
    query = select(Record).where(
        Record.form_id == template.id,
        Record.status.in_([Status.ROUTED.value, Status.NEEDS_REVIEW.value]),
        Record.id.in_(select(FieldValueRow.record_id).where(FieldValueRow.name == agenda.date,
                                                            FieldValueRow.value == day)))
    return [FormRecord.model_validate(r.data) for r in session.scalars(query)]


def _with_schedule_notes(session: Session, record: FormRecord, templates: TemplateSet | None) -> FormRecord:
    """Note activities that ask for a leader already asked for at the same time."""
    if templates is None or record.identity is None or record.status not in (Status.ROUTED, Status.NEEDS_REVIEW):
        return record
    try:
        template = templates.get(record.identity.form_id, record.identity.version)
    except KeyError:
        return record
    if template.agenda is None:
        return record
    notes = conflicts(record, template, _same_day_activities(session, record, template))
    return record.model_copy(update={"notes": record.notes + notes}) if notes else record


def _add_document(session: Session, outcome: FileOutcome, run_id: int | None,
                  templates: TemplateSet | None) -> Document:
    doc = Document(sha256=outcome.sha256, filename=outcome.filename, media_type=outcome.media_type,
                   size_bytes=outcome.size_bytes, pages=len(outcome.pages), run_id=run_id,
                   status="failed" if outcome.error else "processed",
                   error_code=outcome.error.code.value if outcome.error else None,
                   error_message=outcome.error.message if outcome.error else None)
    session.add(doc)
    for page in outcome.pages:
        record = page.record
        original = _claim_owner(session, record)
        if original is not None:
            record = _as_duplicate(record, original)
        record = _with_schedule_notes(session, record, templates)
        row = _record_row(record)
        row.duplicate_of = original.id if original is not None and record.status is Status.DUPLICATE else None
        doc.page_rows.append(Page(page_no=record.source.page, sheet_no=record.source.sheet, image_sha256=page.image_sha256, record=row))
        session.flush()
        if (record.identity is not None and record.identity.serial_trusted and original is None
                and record.status is not Status.FAILED):
            session.add(SerialClaim(form_id=record.identity.form_id, serial=record.identity.serial,
                                    record_id=row.id))
        record_intake(session, row, record.routes)
        session.flush()
    return doc


def save_file_outcome(store: Store, outcome: FileOutcome, run_id: int | None = None,
                      templates: TemplateSet | None = None) -> str:
    """Save one file's results atomically. Returns "saved", or "known" when the same bytes were
    saved before (possibly by an intake running at the same time)."""
    for _attempt in range(3):
        try:
            with store.session() as session:
                if known_document(session, outcome.sha256) is not None:
                    return "known"
                _add_document(session, outcome, run_id, templates)
            return "saved"
        except IntegrityError:
            # Another intake saved the same file or claimed the same serial between our read
            # and our write; the next attempt sees its rows and comes out as known/duplicate.
            continue
    raise RuntimeError(f"could not save {outcome.filename} after 3 attempts")
