"""What the capture gate found on a readable page, as record reasons and notes.

A part of the form outside the photo is a reason (those fields cannot be read, so the form waits
for a reviewer, who will usually return it with the message asking for a new photo). Blur,
darkness, glare and low resolution are notes: the page was read anyway, and each field's own
confidence decides whether it needs a reviewer; the note says why it was hard.
"""

from __future__ import annotations

from pipeline.forms.template import Template
from pipeline.ocr.quality import PageQuality
from pipeline.reasons import ReasonCode
from pipeline.record import FormRecord, Reason

NOTE_CODES = {"blurry": ReasonCode.CAPTURE_BLURRY, "dark": ReasonCode.CAPTURE_DARK,
              "glare": ReasonCode.CAPTURE_GLARE, "low_res": ReasonCode.CAPTURE_LOW_RES}


def check_capture(record: FormRecord, template: Template, quality: PageQuality | None) -> FormRecord:
    if quality is None:
        return record
    notes, reasons = [], []
    for problem in quality.problems:
        if problem == "cut_off":
            labels = ", ".join(template.field(name).label for name in quality.cut_fields[:4])
            more = f" dan {len(quality.cut_fields) - 4} lainnya" if len(quality.cut_fields) > 4 else ""
            reasons.append(Reason.of(ReasonCode.CAPTURE_CUT_OFF, detail=f"tidak terlihat: {labels}{more}"))
        elif problem == "low_res":
            notes.append(Reason.of(ReasonCode.CAPTURE_LOW_RES, detail=f"{quality.px_per_mm:.1f} piksel per mm"))
        else:
            notes.append(Reason.of(NOTE_CODES[problem], detail=""))
    if not notes and not reasons:
        return record
    return _unseen(record.model_copy(update={"reasons": record.reasons + tuple(reasons),
                                             "notes": record.notes + tuple(notes)}), template, quality.cut_fields)


def _unseen(record: FormRecord, template: Template, cut: tuple[str, ...]) -> FormRecord:
    """A field outside the photo was not read as empty: it was not read at all. Each one waits for
    the reviewer with its own reason instead of passing as a sure blank."""
    if not cut:
        return record

    def flag(item):  # noqa: ANN001, ANN202 - FieldValue or ChoiceValue
        if item.name not in cut:
            return item
        reason = Reason.of(ReasonCode.CAPTURE_CUT_OFF, field=item.name,
                           detail=f"tidak terlihat: {template.field(item.name).label}")
        return item.model_copy(update={"needs_review": True, "confidence": 0.0, "reasons": item.reasons + (reason,)})

    return record.model_copy(update={"fields": tuple(flag(f) for f in record.fields),
                                     "choices": tuple(flag(c) for c in record.choices)})
