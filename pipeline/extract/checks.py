"""Record-level checks: what one field says about another. Driven by each field's `validation`
in the template (day name of a date, a time after another, a date window, a NIK's kecamatan),
plus the village printed on the form."""

from __future__ import annotations

from datetime import date

from pipeline.extract.dates import check_activity_date, check_complaint_date, check_day_name, parse_day_name
from pipeline.extract.nik import parse_nik
from pipeline.extract.times import check_order
from pipeline.extract.values import Problem
from pipeline.forms.template import FieldType, FormField, Template
from pipeline.gazetteer import Gazetteer
from pipeline.reasons import ReasonCode
from pipeline.record import WITA, FieldValue, FormRecord, Reason


def _flag(fv: FieldValue, f: FormField, problems: tuple[Problem, ...] | list[Problem],
          candidates: tuple[str, ...] = ()) -> FieldValue:
    if not problems:
        return fv
    reasons = tuple(Reason.of(code, field=f.name, label=f.label, **params) for code, params in problems)
    return fv.model_copy(update={"needs_review": True, "reasons": fv.reasons + reasons,
                                 "candidates": candidates or fv.candidates})


def _preprinted(fv: FieldValue, f: FormField, printed_name: str, printed_code: str) -> FieldValue:
    """The printed village wins when nothing usable was written; a different written village is
    flagged, never overwritten."""
    if fv.code is None:
        return fv.model_copy(update={"value": printed_name, "code": printed_code, "confidence": 1.0,
                                     "needs_review": False, "reasons": (), "candidates": ()})
    if fv.code != printed_code:
        return _flag(fv, f, [(ReasonCode.PREPRINT_MISMATCH, {"read": fv.value, "printed": printed_name})])
    return fv


def check_preprinted_village(record: FormRecord, template: Template, gazetteer: Gazetteer) -> FormRecord:
    """A form printed for one village: its desa and kecamatan are known from the QR code."""
    if record.identity is None or record.identity.village_code is None:
        return record
    try:
        village = gazetteer.by_code(record.identity.village_code)
    except (KeyError, ValueError):
        return record.with_reasons(Reason.of(ReasonCode.IDENTITY_MISMATCH,
                                             detail=f"kode desa {record.identity.village_code} tidak dikenal"))
    fields = []
    for fv in record.fields:
        f = template.field(fv.name)
        if f.type is FieldType.DESA:
            fv = _preprinted(fv, f, village.name, village.code)
        elif f.type is FieldType.KECAMATAN:
            fv = _preprinted(fv, f, village.kecamatan, village.kecamatan_code)
        fields.append(fv)
    return record.model_copy(update={"fields": tuple(fields)})


def _check_field(fv: FieldValue, f: FormField, values: dict[str, FieldValue], received: date,
                 gazetteer: Gazetteer) -> FieldValue:
    rule = f.validation
    if rule is None or fv.value is None:
        return fv
    if rule.window is not None:
        check = check_activity_date if rule.window == "ahead" else check_complaint_date
        fv = _flag(fv, f, check(fv.value, received))
    if rule.day_of is not None:
        day = parse_day_name(fv.value)
        if not day.ok:
            return _flag(fv, f, day.problems, day.candidates)
        fv = fv.model_copy(update={"value": day.value})
        other = values.get(rule.day_of)
        if other is not None and other.value is not None:
            fv = _flag(fv, f, check_day_name(day.value, other.value).problems)
    if rule.after is not None:
        start = values.get(rule.after)
        if start is not None and start.value is not None:
            fv = _flag(fv, f, check_order(start.value, fv.value))
    if rule.kecamatan_field is not None and f.type is FieldType.NIK:
        kecamatan = values.get(rule.kecamatan_field)
        if kecamatan is not None and kecamatan.code is not None:
            parsed = parse_nik(fv.value, gazetteer, kecamatan.code, kecamatan.value)
            mismatch = [p for p in parsed.problems if p[0] is ReasonCode.NIK_KECAMATAN]
            fv = _flag(fv, f, mismatch, parsed.candidates)
    return fv


def check_fields(record: FormRecord, template: Template, gazetteer: Gazetteer) -> FormRecord:
    """Cross-field checks, on the values after the pre-printed village was applied."""
    values = {fv.name: fv for fv in record.fields}
    received = record.received_at.astimezone(WITA).date()
    fields = tuple(_check_field(fv, template.field(fv.name), values, received, gazetteer)
                   for fv in record.fields)
    return record.model_copy(update={"fields": fields})
