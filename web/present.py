"""What the pages show of a stored form: plain view models built from the record, the template
and the audience, so that the templates stay free of rules about personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pipeline.forms.template import FieldType, Template
from pipeline.reasons import LABELS, ReasonCode
from pipeline.record import STATUS_LABELS, FormRecord, Reason, Status
from pipeline.report.display import display_value
from pipeline.report.privacy import Audience, is_confidential, is_hidden, shown_value
from pipeline.route.lifecycle import ITEM_LABELS, ItemState, action_label
from pipeline.store.models import Event

PX_PER_MM = 8.0


@dataclass
class FieldView:
    name: str
    label: str
    kind: str  # text | textarea | choice | signature
    value: str  # what the input starts with
    shown: str  # what a reader sees
    confidence: int | None
    doubtful: bool
    reasons: list[str]
    candidates: list[str] = field(default_factory=list)
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # value, label, ticked
    multiple: bool = False
    confirmed_by: str | None = None
    signed: bool = False
    stamped: bool | None = None
    stamp_expected: bool = False
    box: tuple[float, float, float, float] | None = None  # x, y, w, h in page pixels
    crop: str = ""  # the template field whose crop shows it


def _box(template: Template, name: str) -> tuple[float, float, float, float] | None:
    try:
        b = template.field(name).outline
    except (KeyError, ValueError):
        return None
    return (b.x * PX_PER_MM, b.y * PX_PER_MM, b.w * PX_PER_MM, b.h * PX_PER_MM)


def _percent(value: float | None) -> int | None:
    return None if value is None else int(round(value * 100))


def field_views(form: FormRecord, template: Template, audience: Audience) -> list[FieldView]:
    """Every field of the form in the template's order, with what the reviewer needs to judge it."""
    values = {fv.name: fv for fv in form.fields}
    choices = {cv.name: cv for cv in form.choices}
    signatures = {sc.name: sc for sc in form.signatures}
    views = []
    for f in template.fields:
        if f.name in values:
            fv = values[f.name]
            shown = shown_value(form, template, f.name, fv.value, audience)
            start = display_value(f, fv.value) if fv.value else (fv.raw.strip() if fv.needs_review else "")
            hidden = is_hidden(form, template, f.name, audience)  # a reason can quote the digits read
            reasons = [LABELS.get(r.code, r.code.value) if hidden else _field_reason(r) for r in fv.reasons]
            views.append(FieldView(
                f.name, f.label, "textarea" if (f.lines or 1) > 1 else "text",
                start if audience is Audience.REVIEWER else "", display_value(f, shown),
                _percent(fv.confidence), fv.needs_review, reasons,
                [] if hidden else [c for c in fv.candidates if c], confirmed_by=fv.confirmed_by,
                box=_box(template, f.name), crop=f.name))
        elif f.name in choices:
            cv = choices[f.name]
            ticked = set(cv.selected)
            reasons = [_field_reason(r) for r in cv.reasons]
            if cv.inferred and cv.inferred not in ticked:
                label = next((o.label for o in f.options or [] if o.value == cv.inferred), cv.inferred)
                reasons.append(f"Dari isi tulisan, yang paling cocok: {label}.")
            views.append(FieldView(
                f.name, f.label, "choice", "", display_value(f, list(cv.selected)), _percent(cv.confidence),
                cv.needs_review, reasons, list(cv.candidates),
                [(o.value, o.label, o.value in ticked) for o in f.options or []],
                multiple=f.type is not FieldType.SINGLE_CHOICE, confirmed_by=cv.confirmed_by,
                box=_box(template, f.name), crop=f.name))
        elif f.name in signatures:
            sc = signatures[f.name]
            reasons = [r.message for r in form.reasons if r.field == f.name]
            views.append(FieldView(
                sc.role, sc.label, "signature", "", "", _percent(sc.confidence), bool(reasons), reasons,
                confirmed_by=sc.confirmed_by, signed=sc.signed, stamped=sc.stamped,
                stamp_expected=sc.stamp_expected, box=_box(template, f.name), crop=f.name))
    return views


# Beside the field, the crop, the read value and its confidence are already in view, and the
# photo's own problem (with the advice for the village) is said once at the top of the page.
FIELD_HINTS = {
    ReasonCode.FIELD_LOW_CONFIDENCE: "Kurang jelas terbaca: cocokkan dengan gambar.",
    ReasonCode.FIELD_PAGE_UNCLEAR: "Tulisan di halaman ini kurang jelas: cocokkan dengan gambar.",
    ReasonCode.CAPTURE_GLARE: "Tertutup pantulan cahaya: cocokkan dengan gambar.",
    ReasonCode.CAPTURE_BLURRY: "Tampak kosong, tetapi fotonya buram: lihat gambar apakah ada isian.",
    ReasonCode.CAPTURE_LOW_RES: "Tampak kosong, tetapi resolusi fotonya kecil: lihat gambar apakah ada isian.",
    ReasonCode.CAPTURE_CUT_OFF: "Di luar foto: tidak terbaca.",
}


def _field_reason(r: Reason) -> str:
    return FIELD_HINTS.get(r.code, r.message)


def reason_lines(form: FormRecord, shown: set[str]) -> list[tuple[str, str]]:
    """(short label, sentence) for every reason the form waits on that is not shown beside a field."""
    out = []
    for r in form.all_reasons():
        if r.field not in shown:
            out.append((LABELS.get(r.code, r.code.value), r.message))
    for r in form.notes:
        out.append((LABELS.get(r.code, r.code.value), r.message))
    return out


def status_label(status: str) -> str:
    try:
        return STATUS_LABELS[Status(status)]
    except ValueError:
        return status


def item_label(state: str) -> str:
    try:
        return ITEM_LABELS[ItemState(state)]
    except ValueError:
        return state


def reason_label(code: str) -> str:
    try:
        return LABELS[ReasonCode(code)]
    except ValueError:
        return code


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    action: str
    note: str | None


def history_lines(events: list[Event], item_targets: dict[int, str], units: dict[str, str]) -> list[HistoryLine]:
    out = []
    for e in events:
        label = action_label(e.action, e.queue_item_id is not None)
        target = item_targets.get(e.queue_item_id) if e.queue_item_id is not None else None
        if target:
            label = f"{label} ({units.get(target, target)})"
        out.append(HistoryLine(e.at, e.actor, label, e.note))
    return out


def is_confidential_form(form: FormRecord, template: Template | None) -> bool:
    return bool(template and is_confidential(form, template))
