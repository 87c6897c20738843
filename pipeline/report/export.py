"""The export contract: one row per form. `nested_row` is the JSON Lines shape; `flat_row` the
CSV/XLSX shape (one column per field, `<field>__confidence`, `<field>__review`, ...).
The schema is documented in the README; other tools read it, so change it only by adding."""

from __future__ import annotations

from typing import Any

from pipeline.forms.registry import TemplateSet
from pipeline.forms.template import Template
from pipeline.reasons import LABELS
from pipeline.record import STATUS_LABELS, FormRecord, Reason
from pipeline.report.privacy import Audience, is_confidential, is_hidden, shown_value

SCHEMA_VERSION = 1


def nested_row(record: FormRecord, templates: TemplateSet, audience: Audience,
               record_id: int | None = None, tracking: str | None = None,
               lapor_id: str | None = None, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    identity = record.identity
    template = templates.get(identity.form_id, identity.version) if identity else None
    row: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "record_id": record_id,
        "tracking_number": tracking,
        "lapor_id": lapor_id,
        "source_file": record.source.filename,
        "source_sha256": record.source.sha256,
        "page": record.source.page,
        "pages": record.source.pages,
        "sheet": record.source.sheet,
        "received_at": record.received_at.isoformat(),
        "form_id": identity.form_id if identity else None,
        "version": identity.version if identity else None,
        "serial": identity.serial_text if identity else None,
        "village_code": identity.village_code if identity else None,
        "status": record.status.value,
        "status_label": STATUS_LABELS[record.status],
        "confidential": bool(template and is_confidential(record, template)),
        "fields": {}, "choices": {}, "signatures": {}, "routes": [], "reasons": [], "notes": [],
        "history": history or [],
    }
    for fv in record.fields:
        value = shown_value(record, template, fv.name, fv.value, audience) if template else fv.value
        raw = fv.raw if audience is Audience.REVIEWER else None
        row["fields"][fv.name] = {"value": value, "confidence": fv.confidence,
                                  "needs_review": fv.needs_review, "code": fv.code, "raw": raw,
                                  "confirmed_by": fv.confirmed_by}
    for cv in record.choices:
        row["choices"][cv.name] = {"selected": list(cv.selected), "confidence": cv.confidence,
                                   "needs_review": cv.needs_review, "confirmed_by": cv.confirmed_by}
    for sc in record.signatures:
        row["signatures"][sc.role] = {"signed": sc.signed, "stamped": sc.stamped,
                                      "required": sc.required, "confidence": sc.confidence,
                                      "confirmed_by": sc.confirmed_by}
    row["routes"] = [{"target": r.target, "kind": r.kind.value, "rule": r.rule} for r in record.routes]
    row["reasons"] = [{"code": r.code.value, "field": r.field, "message": _message(r, record, template, audience)}
                      for r in record.all_reasons()]
    row["notes"] = [{"code": r.code.value, "message": r.message} for r in record.notes]
    return row


def _message(reason: Reason, record: FormRecord, template: Template | None, audience: Audience) -> str:
    """The reason as this audience may read it: a reason about a field it may not read in full
    quotes what was read there ("pembaca pertama membaca 6304..."), so it gets the short label."""
    if template is None or reason.field is None or audience is Audience.REVIEWER:
        return reason.message
    try:
        hidden = is_hidden(record, template, reason.field, audience)
        label = template.field(reason.field).label
    except KeyError:  # a reason about something that is not a field of the form
        return reason.message
    return f'Isian "{label}": {LABELS.get(reason.code, reason.code.value)}' if hidden else reason.message


def flat_row(nested: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in nested.items() if not isinstance(v, (dict, list))}
    for name, fv in nested["fields"].items():
        flat[name] = fv["value"]
        flat[f"{name}__confidence"] = fv["confidence"]
        flat[f"{name}__review"] = fv["needs_review"]
    for name, cv in nested["choices"].items():
        flat[name] = "|".join(cv["selected"])
        flat[f"{name}__review"] = cv["needs_review"]
    for role, sc in nested["signatures"].items():
        flat[f"ttd_{role}"] = sc["signed"]
        if sc["stamped"] is not None:
            flat[f"cap_{role}"] = sc["stamped"]
    flat["routes"] = "|".join(f"{r['target']}:{r['kind']}" for r in nested["routes"])
    flat["reason_codes"] = "|".join(r["code"] for r in nested["reasons"])
    flat["reasons"] = " | ".join(r["message"] for r in nested["reasons"])
    flat["notes"] = " | ".join(r["message"] for r in nested["notes"])
    flat["confirmed_fields"] = "|".join(
        [n for n, v in nested["fields"].items() if v.get("confirmed_by")]
        + [n for n, v in nested["choices"].items() if v.get("confirmed_by")]
        + [f"ttd_{r}" for r, v in nested["signatures"].items() if v.get("confirmed_by")])
    flat["history"] = " | ".join(f"{h['at'][:16].replace('T', ' ')} {h['actor']}: {h.get('label') or h['action']}"
                                 + (f" ({h['note']})" if h.get("note") else "") for h in nested["history"])
    return flat
