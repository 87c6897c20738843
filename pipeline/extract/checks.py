"""Record-level checks that need more than one field."""

from __future__ import annotations

from pipeline.forms.template import FieldType, Template
from pipeline.gazetteer import Gazetteer
from pipeline.reasons import ReasonCode
from pipeline.record import FieldValue, FormRecord, Reason


def _preprinted(fv: FieldValue, label: str, printed_name: str, printed_code: str,
                written_code: str | None) -> FieldValue:
    """The printed village wins when nothing usable was written; a different written village is
    flagged, never overwritten."""
    if written_code is None:
        return fv.model_copy(update={"value": printed_name, "code": printed_code, "confidence": 1.0,
                                     "needs_review": False, "reasons": (), "candidates": ()})
    if written_code != printed_code:
        reason = Reason.of(ReasonCode.FIELD_INVALID, field=fv.name, label=label, read=fv.value,
                           expected=f"{printed_name} (tercetak di formulir)")
        return fv.model_copy(update={"needs_review": True, "reasons": fv.reasons + (reason,)})
    return fv


def check_preprinted_village(record: FormRecord, template: Template, gazetteer: Gazetteer) -> FormRecord:
    """A form printed for one village: its desa and kecamatan are known from the QR code."""
    if record.identity is None or record.identity.village_code is None:
        return record
    try:
        village = gazetteer.by_code(record.identity.village_code)
    except KeyError:
        return record.with_reasons(Reason.of(ReasonCode.IDENTITY_MISMATCH,
                                             detail=f"kode desa {record.identity.village_code} tidak dikenal"))
    fields = []
    for fv in record.fields:
        f = template.field(fv.name)
        if f.type is FieldType.DESA:
            fv = _preprinted(fv, f.label, village.name, village.code, fv.code)
        elif f.type is FieldType.KECAMATAN:
            fv = _preprinted(fv, f.label, village.kecamatan, village.kecamatan_code, fv.code)
        fields.append(fv)
    return record.model_copy(update={"fields": tuple(fields)})
