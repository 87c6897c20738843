"""ocr/inkprint.py and its use in extract/sameness.py: two photos of one sheet show the same
strokes, two sheets written apart do not, whatever the readings of either say."""

from __future__ import annotations

import random

import cv2
import numpy as np

from pipeline.extract.sameness import INK_SAME, compare_content
from pipeline.forms.registry import default_templates
from pipeline.geometry import Box
from pipeline.ocr.clean import Page
from pipeline.ocr.inkprint import FREE_TEXT, ink_agreement, ink_print
from pipeline.record import FieldValue, FormRecord, Identity, SourceRef

PX = 8.0
TEMPLATE = default_templates().get("KIM-02")
WORDS = ("Siti", "Aminah", "Jembatan", "Handil", "Bakti", "rusak", "sejak", "banjir", "Gg.", "Mawar", "RT", "03")


def _sheet(seed: int, shift_px: int = 0, blur: float = 0.0, noise: float = 0.0) -> Page:
    """A blank A4 page with words scribbled into every free-text box (in a hand chosen by `seed`),
    photographed `shift_px` off, blurred and grainy as a second photo would be."""
    rng = random.Random(seed)
    h, w = round(297 * PX), round(210 * PX)
    flat = np.full((h, w), 255, np.uint8)
    for f in TEMPLATE.fields:
        if f.type not in FREE_TEXT or f.box is None:
            continue
        x, y = round(f.box.x * PX) + rng.randint(4, 30), round((f.box.y + f.box.h * 0.7) * PX)
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
        cv2.putText(flat, line, (x, y), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, rng.uniform(1.2, 1.6), 30, 2, cv2.LINE_AA)
    flat = np.roll(flat, (shift_px, shift_px), axis=(0, 1))
    if blur:
        flat = cv2.GaussianBlur(flat, (0, 0), blur)
    if noise:
        grain = np.random.default_rng(seed).normal(0, noise, flat.shape)
        flat = np.clip(flat + grain, 0, 255).astype(np.uint8)
    return Page(rgb=cv2.cvtColor(flat, cv2.COLOR_GRAY2RGB), flat=flat, px_per_mm=PX)


def _record(ink: dict[str, str], **values: str) -> FormRecord:
    source = SourceRef(sha256="a" * 64, filename="a.jpg", media_type="image/jpeg", page=1, pages=1)
    box = Box(x=10, y=10, w=50, h=8)
    fields = tuple(FieldValue(name=k, type="text", value=v, confidence=0.5, needs_review=True, box=box)
                   for k, v in values.items())
    return FormRecord(source=source, identity=Identity(form_id="KIM-02", version=1, serial=5), fields=fields, ink=ink)


def test_two_photos_of_one_sheet_agree_and_two_sheets_do_not():
    first = ink_print(_sheet(1), TEMPLATE.fields)
    again = ink_print(_sheet(1, shift_px=5, blur=1.5, noise=6), TEMPLATE.fields)
    other = ink_print(_sheet(2), TEMPLATE.fields)
    same, boxes = ink_agreement(first, again)
    assert boxes >= 4 and same is not None and same >= INK_SAME
    different, boxes = ink_agreement(first, other)
    assert boxes >= 4 and different is not None and different < INK_SAME
    assert not any(f.type.is_written and f.type not in FREE_TEXT and f.name in first for f in TEMPLATE.fields)


def test_blank_boxes_say_nothing():
    blank = Page(rgb=np.full((2376, 1680, 3), 255, np.uint8), flat=np.full((2376, 1680), 255, np.uint8), px_per_mm=PX)
    assert ink_agreement(ink_print(blank, TEMPLATE.fields), ink_print(_sheet(1), TEMPLATE.fields)) == (None, 0)


def test_a_sheet_read_two_ways_is_one_sheet_by_its_ink():
    first = _record(ink_print(_sheet(3), TEMPLATE.fields), nama="Rahmadi Rahim", lokasi="Jembatan Handil Baru",
                    uraian="Pipa bocor di bawah jembatan")
    again = _record(ink_print(_sheet(3, shift_px=4, blur=1.2), TEMPLATE.fields), nama="Rahmat Hakim",
                    lokasi="Jalan Handil Bara", uraian="Pipa bocar di jalan")
    verdict = compare_content(again, first)
    assert verdict.agreed == 0 and verdict.same and verdict.ink is not None and verdict.ink >= INK_SAME
    other = _record(ink_print(_sheet(4), TEMPLATE.fields), nama="Rahmat Hakim", lokasi="Pasar Marabahan",
                    uraian="Sampah menumpuk")
    assert not compare_content(other, first).same
    # without ink prints (records saved before they were kept) only the readings decide
    assert not compare_content(again.model_copy(update={"ink": {}}), first).same


def test_a_dash_in_every_box_is_nothing_to_compare():
    """People write "-" for "none": two different sheets so filled must not pass for one."""
    def dashes(x_mm: float) -> Page:
        flat = np.full((round(297 * PX), round(210 * PX)), 255, np.uint8)
        for f in TEMPLATE.fields:
            if f.type in FREE_TEXT and f.box is not None:
                y, x = round((f.box.y + f.box.h / 2) * PX), round((f.box.x + x_mm) * PX)
                cv2.line(flat, (x, y), (x + round(3 * PX), y), 20, 4)
        return Page(rgb=cv2.cvtColor(flat, cv2.COLOR_GRAY2RGB), flat=flat, px_per_mm=PX)

    assert ink_agreement(ink_print(dashes(5), TEMPLATE.fields), ink_print(dashes(6), TEMPLATE.fields)) == (None, 0)
