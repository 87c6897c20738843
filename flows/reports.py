"""Outputs staff open: the export (JSON Lines, CSV, XLSX) and the weekly routing report.

The functions are plain so the CLI calls them directly; `weekly_report` is also a Prefect flow so
a Prefect server can run it on a schedule (Monday morning, WITA)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
from prefect import flow
from sqlalchemy import select

from flows import runtime
from pipeline.forms.registry import default_templates
from pipeline.gazetteer import Village
from pipeline.forms.template import Template
from pipeline.ocr.read import PX_PER_MM
from pipeline.record import STATUS_LABELS, WITA, FormRecord, Status, now_wita
from pipeline.report.display import value_rows
from pipeline.report.documents import FeedbackLine, FeedbackSheet, PrintItem, render_feedback_sheet, render_unit_printout
from pipeline.route.lifecycle import ITEM_LABELS, ItemState, action_label
from pipeline.route.service import is_overdue, item_due, local_day
from pipeline.report.export import flat_row, nested_row
from pipeline.report.lapor import COLUMNS, lapor_row
from pipeline.report.privacy import Audience, redact_page
from pipeline.report.agenda import agenda_events, events_for_leader, render_weekly_agenda, to_ics
from pipeline.report.weekly import KIND_NAMES, Week, WeeklyTables, render_html, weekly_tables
from pipeline.store.models import FieldValueRow, Record
from pipeline.store.queries import history, iter_records, iter_rows_with_history, queue_items, queue_rows, record_query

FORMATS = ("jsonl", "csv", "xlsx")


def write_export(fmt: str, out: Path, status: str | None = None, target: str | None = None,
                 audience: Audience = Audience.PUBLIC) -> int:
    """Write every record matching the filters to `out`; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt} tidak dikenal (pilih {', '.join(FORMATS)})")
    templates = default_templates()
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with runtime.store().session() as session:
        rows = (nested_row(record, templates, audience, row.id, row.tracking_number, row.lapor_id, past)
                for row, record, past in iter_rows_with_history(session, record_query(status, target)))
        if fmt == "jsonl":
            with out.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
            return count
        frame = pd.DataFrame([flat_row(row) for row in rows])
    count = len(frame)
    if fmt == "csv":
        frame.to_csv(out, index=False)
    else:
        with pd.ExcelWriter(out) as writer:
            if frame.empty:
                frame.to_excel(writer, sheet_name="formulir", index=False)
            for form_id, part in (frame.groupby(frame["form_id"].fillna("gagal")) if not frame.empty else []):
                part.dropna(axis=1, how="all").to_excel(writer, sheet_name=str(form_id), index=False)
    return count


def write_lapor_export(out: Path, audience: Audience = Audience.PUBLIC, only_new: bool = True) -> int:
    """Routed and resolved complaints for SP4N-LAPOR! (XLSX or CSV by the file's suffix)."""
    ctx = runtime.reading_context()
    rows = []
    with runtime.store().session() as session:
        for status in ("routed", "resolved"):
            for record_id, record in iter_records(session, record_query(status)):
                row = session.get(Record, record_id)
                template = ctx.templates.get(record.identity.form_id, record.identity.version)
                if template.classify is None or (only_new and row.lapor_id):
                    continue
                rows.append(lapor_row(record, template, ctx.routing.units, audience,
                                      row.tracking_number, row.lapor_id))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".csv":
        frame.to_csv(out, index=False)
    else:
        frame.to_excel(out, index=False, sheet_name="SP4N-LAPOR")
    return len(frame)


def agenda_records(week: Week) -> list[tuple[int, str | None, FormRecord]]:
    """Activity forms whose date falls in `week`, with their id and registration number."""
    ctx = runtime.reading_context()
    found = []
    with runtime.store().session() as session:
        for template in ctx.templates.templates:
            if template.agenda is None:
                continue
            first, last = week.start.date().isoformat(), (week.end - timedelta(days=1)).date().isoformat()
            query = select(Record).where(Record.form_id == template.id, Record.id.in_(
                select(FieldValueRow.record_id).where(FieldValueRow.name == template.agenda.date,
                                                      FieldValueRow.value >= first,
                                                      FieldValueRow.value <= last)))
            found += [(r.id, r.tracking_number, FormRecord.model_validate(r.data)) for r in session.scalars(query)]
    return found


def write_agenda(week: Week, out_dir: Path, leader: str | None = None,
                 now: datetime | None = None) -> tuple[Path, Path]:
    """The leaders' agenda of a week as iCalendar and as a printable PDF."""
    ctx = runtime.reading_context()
    records = agenda_records(week)
    events = []
    for template in ctx.templates.templates:
        if template.agenda is not None:
            events += agenda_events([r for r in records if r[2].identity.form_id == template.id], template)
    events = sorted(events, key=lambda e: e.start)
    if leader:
        events = events_for_leader(events, leader)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"agenda-pimpinan-{week.label}" + (f"-{leader}" if leader else "")
    ics, pdf = out_dir / f"{stem}.ics", out_dir / f"{stem}.pdf"
    now = now or now_wita()
    ics.write_bytes(to_ics(events, f"Agenda pimpinan {week.label}", stamp=now))
    pdf.write_bytes(render_weekly_agenda(events, week, now))
    return ics, pdf


def _about(record: FormRecord, template) -> str:  # noqa: ANN001 - Template
    """What a form is about, without naming anybody: the complaint's category or the activity."""
    if template.agenda is not None:
        return next((f.value for f in record.fields if f.name == template.agenda.title and f.value), "-")
    if template.classify is not None:
        choice = record.choice(template.classify.choice)
        labels = {o.value: o.label for o in template.field(template.classify.choice).options or []}
        value = choice.inferred or (choice.selected[0] if len(choice.selected) == 1 else None)
        return labels.get(value or "", "(kategori belum ditentukan)")
    return "-"


def _destination(record: FormRecord, units: dict) -> str:
    primary = [units[r.target].short if r.target in units else r.target
               for r in record.routes if r.kind.value == "primary"]
    copies = [units[r.target].short if r.target in units else r.target
              for r in record.routes if r.kind.value == "copy"]
    text = ", ".join(primary) or "-"
    return text + (f"; tembusan {', '.join(copies)}" if copies else "")


def _feedback_line(session, row: Record, record: FormRecord, template, units) -> FeedbackLine:  # noqa: ANN001
    status = Status(row.status)
    events = history(session, row.id)
    note = ""
    if status is Status.RETURNED:
        note = next((e.note for e in reversed(events) if e.action == "return" and e.note), "")
    elif status is Status.RESOLVED:
        # the unit's own closing note, not the record-level event that follows it
        note = next((e.note for e in reversed(events)
                     if e.action == "resolve" and e.queue_item_id is not None and e.note), "")
    label = STATUS_LABELS[status]
    if status is Status.ROUTED and any(e.action == "start" for e in events):
        label = "Sedang ditindaklanjuti SKPD"
    return FeedbackLine(tracking=row.tracking_number or "-", form_label=template.short_title,
                        about=_about(record, template), received=local_day(row.received_at),
                        destination=_destination(record, units) if status is not Status.RETURNED else "-",
                        status=label, note=note)


def write_feedback(village: Village, first: date, last: date, out: Path, now: datetime | None = None) -> int:
    """The village's feedback sheet for forms received from `first` to `last` (WITA days)."""
    ctx = runtime.reading_context()
    since = datetime.combine(first, datetime.min.time(), WITA)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), WITA)
    lines = []
    with runtime.store().session() as session:
        query = select(Record).where(Record.village_code == village.code, Record.received_at >= since,
                                     Record.received_at < until, Record.tracking_number.is_not(None))
        for row in session.scalars(query.order_by(Record.received_at)):
            record = FormRecord.model_validate(row.data)
            template = ctx.templates.get(record.identity.form_id, record.identity.version)
            lines.append(_feedback_line(session, row, record, template, ctx.routing.units))
    sheet = FeedbackSheet(desa=village.name, kecamatan=village.kecamatan, kind=village.kind, period_from=first,
                          period_to=last, generated=now or now_wita(), lines=tuple(lines))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render_feedback_sheet(sheet))
    return len(lines)


def villages_with_forms(first: date, last: date) -> list[str]:
    """Village codes with at least one registered form received in the period."""
    since = datetime.combine(first, datetime.min.time(), WITA)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), WITA)
    with runtime.store().session() as session:
        query = select(Record.village_code).where(Record.received_at >= since, Record.received_at < until,
                                                  Record.tracking_number.is_not(None),
                                                  Record.village_code.is_not(None)).distinct()
        return sorted(session.scalars(query))


def _thumbnail(blob: str | None, record: FormRecord, template: Template, audience: Audience) -> bytes | None:
    """The straightened page, small enough for a print-out (~100 dpi across 70 mm), with what
    the print-out's readers may not see blacked out."""
    if blob is None or not runtime.blobs().exists(blob):
        return None
    image = cv2.imdecode(np.frombuffer(runtime.blobs().get(blob), np.uint8), cv2.IMREAD_COLOR)
    image = redact_page(image, record, template, audience, PX_PER_MM)
    scale = 560 / image.shape[1]
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes()


def write_unit_printout(target: str, out: Path, state: str | None = None, now: datetime | None = None) -> int:
    """A unit's queue for print: one page per form with its picture and values (NIK/HP masked,
    confidential complainants withheld), its routes and history."""
    ctx = runtime.reading_context()
    now = now or now_wita()
    items = []
    with runtime.store().session() as session:
        for item, row in queue_items(session, target, 10_000, state):
            record = FormRecord.model_validate(row.data)
            template = ctx.templates.get(record.identity.form_id, record.identity.version)
            nested = nested_row(record, ctx.templates, Audience.PUBLIC, row.id)
            due, what = item_due(item.kind, item.state, item.created_at, item.started_at)
            items.append(PrintItem(
                tracking=row.tracking_number or "-", form_label=template.short_title,
                serial=nested["serial"] or "-", received=row.received_at,
                state=ITEM_LABELS[ItemState(item.state)], due=due,
                overdue=bool(due and what == "tindak lanjut" and is_overdue(due, now)),
                thumbnail=_thumbnail(row.page.image_sha256 if row.page else None, record, template,
                                     Audience.PUBLIC),
                values=tuple(value_rows(template, nested)),
                routes=tuple(f"{ctx.routing.units[r.target].name if r.target in ctx.routing.units else r.target}"
                             f" ({KIND_NAMES.get(r.kind.value, r.kind.value).lower()})" for r in record.routes),
                history=tuple((e.at, e.actor, action_label(e.action, e.queue_item_id is not None) + (f": {e.note}" if e.note else ""))
                              for e in history(session, row.id))))
    unit = ctx.routing.units.get(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render_unit_printout(unit.name if unit else target, items, now))
    return len(items)


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    csvs: tuple[Path, ...]


def _week_rows(week: Week) -> tuple[pd.DataFrame, pd.DataFrame]:
    with runtime.store().session() as session:
        records = [{"status": r.status.value,
                    "kecamatan": next((f.value for f in r.fields if f.type == "kecamatan" and f.code), None),
                    "received_at": r.received_at,
                    "reasons": sorted({x.code.value for x in r.all_reasons()})}
                   for _, r in iter_records(session, record_query(since=week.start, until=week.end))]
        queue = [{"target": q.target, "kind": q.kind, "state": q.state}
                 for q, _ in queue_rows(session, since=week.start, until=week.end)]
    return (pd.DataFrame(records, columns=["status", "kecamatan", "received_at", "reasons"]),
            pd.DataFrame(queue, columns=["target", "kind", "state"]))


def write_weekly_report(week: Week, out_dir: Path, now: datetime | None = None) -> ReportFiles:
    now = now or now_wita()
    records, queue = _week_rows(week)
    units = {code: unit.name for code, unit in runtime.reading_context().routing.units.items()}
    tables: WeeklyTables = weekly_tables(records, queue, units, now)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"laporan-mingguan-{week.label}"
    page = out_dir / f"{stem}.html"
    page.write_text(render_html(tables, week, now), encoding="utf-8")
    csvs = []
    for name, frame in (("ringkasan", tables.summary), ("skpd", tables.by_unit),
                        ("kecamatan", tables.by_place), ("alasan", tables.reasons),
                        ("menunggu", tables.waiting)):
        path = out_dir / f"{stem}-{name}.csv"
        frame.to_csv(path, index=False)
        csvs.append(path)
    return ReportFiles(page, tuple(csvs))


@flow(name="kopi-laporan-mingguan")
def weekly_report(week: str | None = None) -> str:
    """The routing report of `week` ('2026-W48'; default: the week now, WITA)."""
    chosen = Week.parse(week) if week else Week.containing(now_wita())
    files = write_weekly_report(chosen, runtime.load_settings().output_dir / "laporan")
    return str(files.html)
