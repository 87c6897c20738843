"""Is a second form with the same serial the same paper photographed again, or different content
under a reused serial (a photocopied blank form, a misprint)? Compared on every value both
readings have, sure or not: two readings of one sheet agree on nearly all of them (allowing a
slip where either reading was in doubt), two different sheets on almost none. Where a hurried
hand was read two ways in two photos, the handwriting itself still matches: two sheets whose ink
agrees (ocr/inkprint.py) are one sheet whatever their readings say."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.ocr.inkprint import ink_agreement
from pipeline.record import FormRecord

TEXT_TYPES = {"text", "multiline", "desa", "kecamatan"}
MIN_COMPARED = 3  # fewer shared values than this: cannot tell, treat as different
SAME_SHARE = 0.8  # share of shared values that must agree
PLACE_TYPES = {"desa", "kecamatan"}
TEXT_SIMILAR = 85  # rapidfuzz ratio at which two readings of a text count as the same text
# Ink agreement at which two sheets are one: the same sheet photographed twice measured
# 0.733-0.999, different sheets at most 0.56 (ocr/inkprint.py); between them, with room on both
# sides. At least INK_MIN_BOXES boxes with ink in both: on fewer, a median says little.
INK_SAME = 0.68
INK_MIN_BOXES = 4


@dataclass(frozen=True)
class Sameness:
    same: bool
    compared: int
    agreed: int
    differing: tuple[str, ...]  # field names that disagree
    ink: float | None = None  # the two sheets' ink agreement, when both carry an ink print


def _agree(kind: str, a: str, b: str, doubtful: bool) -> bool:
    if kind in TEXT_TYPES:
        return fuzz.ratio(" ".join(a.casefold().split()), " ".join(b.casefold().split())) >= TEXT_SIMILAR
    if doubtful:  # one misread digit in a doubtful reading is still the same number
        return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    return a == b


def compare_content(new: FormRecord, old: FormRecord) -> Sameness:
    old_fields = {fv.name: fv for fv in old.fields}
    # Sheets printed for one village carry its name whatever was written: it says nothing about
    # whether two of them are the same paper.
    printed = any(r.identity is not None and r.identity.village_code for r in (new, old))
    compared, agreed, differing = 0, 0, []
    for fv in new.fields:
        other = old_fields.get(fv.name)
        if other is None or not fv.value or not other.value or (printed and fv.type in PLACE_TYPES):
            continue
        compared += 1
        if _agree(fv.type, fv.value, other.value, fv.needs_review or other.needs_review):
            agreed += 1
        else:
            differing.append(fv.name)
    old_choices = {cv.name: cv for cv in old.choices}
    for cv in new.choices:
        other = old_choices.get(cv.name)
        if other is None or not (cv.selected or other.selected):
            continue
        compared += 1
        if set(cv.selected) == set(other.selected):
            agreed += 1
        else:
            differing.append(cv.name)
    # (the printed village name is ink on both such sheets as well)
    places = {fv.name for fv in new.fields if fv.type in PLACE_TYPES} if printed else set()
    ink, boxes = ink_agreement({k: v for k, v in new.ink.items() if k not in places}, old.ink)
    same = ((compared >= MIN_COMPARED and agreed >= SAME_SHARE * compared)
            or (ink is not None and boxes >= INK_MIN_BOXES and ink >= INK_SAME))
    return Sameness(same, compared, agreed, tuple(differing), ink)
