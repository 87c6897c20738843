"""What the capture gate found on a readable page, as record reasons and notes.

A part of the form outside the photo is a reason (those fields cannot be read, so the form waits
for a reviewer, who will usually return it with the message asking for a new photo). Blur,
darkness, glare and low resolution are notes: the page was read anyway, and each field's own
confidence decides whether it needs a reviewer; the note says why it was hard. Two things a
field's confidence cannot know are flagged on the field itself: on a photo flagged for glare,
a field under a washed-out spot may have lost its writing with the print (a name read as its
first two letters), and on a blurred or low-resolution photo faint writing can fall below the
ink measure, so a box that looks empty is not a sure blank (a text box on a sheet only somewhat
small is: PageQuality.empty_text_is_blank; a tick box there is not). On a sheet far too small
(PageQuality.far_too_small) nothing read passes as sure.
"""

from __future__ import annotations

import math
from collections.abc import Callable

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
            shared = f"; foto berisi {record.source.sheets} formulir sekaligus" if record.source.sheets > 1 else ""
            notes.append(Reason.of(ReasonCode.CAPTURE_LOW_RES, detail=_per_mm(quality.px_per_mm) + shared))
        else:
            notes.append(Reason.of(NOTE_CODES[problem], detail=""))
    if not notes and not reasons:
        return record
    record = record.model_copy(update={"reasons": record.reasons + tuple(reasons),
                                       "notes": record.notes + tuple(notes)})
    record = _flag(record, set(quality.cut_fields), lambda name: Reason.of(
        ReasonCode.CAPTURE_CUT_OFF, field=name, detail=f"tidak terlihat: {template.field(name).label}"))
    if "glare" in quality.problems:
        record = _flag(record, set(quality.glare_fields), lambda name: Reason.of(
            ReasonCode.CAPTURE_GLARE, field=name, detail=f" ({template.field(name).label})"))
    hard = [p for p in quality.problems if p in ("blurry", "low_res")]
    if hard:
        blank_fields = set() if quality.empty_text_is_blank else {
            f.name for f in record.fields if f.value is None and not f.needs_review}
        blank_choices = {c.name for c in record.choices if not c.selected and not c.needs_review}
        code = NOTE_CODES[hard[0]]
        resolution = f"{_per_mm(quality.px_per_mm)}; " if hard[0] == "low_res" else ": "
        record = _flag(record, blank_fields | blank_choices, lambda name: Reason.of(
            code, field=name, detail=f"{resolution}{template.field(name).label} tampak kosong, mungkin ada "
            + ("centang yang tidak terlihat" if name in blank_choices else "tulisan yang tidak terbaca")))
    if quality.far_too_small:
        # Photos of some 1 px per mm (a thumbnail sent on): once their marks and serial could be
        # read, an RT "16" was read "216" by both digit readers and accepted (hard training set
        # of seed 4103). Nothing was ever measured there, so nothing read there passes as sure.
        read = {f.name for f in record.fields if f.value is not None and not f.needs_review} | {
            c.name for c in record.choices if c.selected and not c.needs_review}
        record = _flag(record, read, lambda name: Reason.of(
            ReasonCode.CAPTURE_LOW_RES, field=name,
            detail=f"{_per_mm(quality.px_per_mm)}; {template.field(name).label} tidak dapat dipastikan"))
    return record


def _per_mm(value: float) -> str:
    """Rounded down, so a photo short of a bar never reads as meeting it (2.58 is "2,5", not the
    2,6 the gate asks for); with the Indonesian decimal comma."""
    return f"{math.floor(value * 10) / 10:.1f}".replace(".", ",") + " piksel per mm"


def _flag(record: FormRecord, names: set[str], reason: Callable[[str], Reason]) -> FormRecord:
    """The named fields and choices wait for the reviewer, each with its own reason, instead of
    passing as sure."""
    if not names:
        return record

    def flag(item):  # noqa: ANN001, ANN202 - FieldValue or ChoiceValue
        if item.name not in names:
            return item
        return item.model_copy(update={"needs_review": True, "confidence": 0.0,
                                       "reasons": item.reasons + (reason(item.name),)})

    return record.model_copy(update={"fields": tuple(flag(f) for f in record.fields),
                                     "choices": tuple(flag(c) for c in record.choices)})
