"""Two forms photographed together: one is read from marks of one sheet only, and the record
says the photo holds more than one form, so the other is not silently lost."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.forms.render import render_forms
from pipeline.ocr.marks import MarkHit, count_sheets
from pipeline.ocr.poppler import rasterize_page
from pipeline.pages import Context, process_page
from pipeline.reasons import ReasonCode
from pipeline.record import Identity, SourceRef


def _sheet(templates, form_id: str, serial: int) -> np.ndarray:
    t = templates.get(form_id)
    return rasterize_page(render_forms(t, [Identity(form_id=form_id, version=t.version, serial=serial)]), 1, 100)


def _side_by_side(*sheets: np.ndarray) -> np.ndarray:
    h = max(s.shape[0] for s in sheets)
    canvas = np.full((h + 80, sum(s.shape[1] for s in sheets) + 40 * (len(sheets) + 1), 3), 90, np.uint8)
    x = 40
    for s in sheets:
        canvas[40:40 + s.shape[0], x:x + s.shape[1]] = s
        x += s.shape[1] + 40
    return canvas


@pytest.mark.parametrize("pair", [("KIM-02", "KIM-02"), ("KIM-01", "KIM-02")])
def test_a_photo_of_two_forms_reads_one_whole_sheet_and_says_so(templates, gazetteer, routing, pair):
    photo = _side_by_side(_sheet(templates, pair[0], 300001), _sheet(templates, pair[1], 300002))
    source = SourceRef(sha256="0" * 64, filename="dua.jpg", media_type="image/jpeg", page=1, pages=1)
    record = process_page(photo, source, Context(templates, gazetteer, routing)).record
    codes = [r.code for r in record.all_reasons()]
    assert ReasonCode.SEVERAL_FORMS in codes and record.status.value == "needs_review"
    # The sheet read is one sheet: its QR agrees with the marks it was straightened on.
    assert record.identity is not None and record.identity.serial in (300001, 300002)
    assert ReasonCode.IDENTITY_MISMATCH not in codes


def test_one_form_is_one_sheet_and_a_stray_mark_counts_for_nothing(templates):
    corners = np.zeros((4, 2))
    kim02 = templates.get("KIM-02").marks.ids
    kim01 = templates.get("KIM-01").marks.ids
    one = [MarkHit(i, corners) for i in kim02]
    assert count_sheets(one, templates) == 1
    assert count_sheets(one + [MarkHit(kim01[0], corners)], templates) == 1
    assert count_sheets(one + [MarkHit(i, corners) for i in kim02[:2]], templates) == 2
