"""Checkboxes (ocr/omr.py): each box is measured where its print is, so a box edge left inside
the measured square by a sheet that did not lie flat is not read as a tick."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REFERENCE_DAY
from pipeline.forms.render import render_forms
from pipeline.ocr import omr, shifts
from pipeline.ocr.marks import locate_page, straighten
from pipeline.ocr.blank import printed_mask
from pipeline.ocr.clean import prepare_page
from pipeline.ocr.poppler import rasterize_page
from pipeline.ocr.read import PX_PER_MM, read_page
from pipeline.record import Identity
from pipeline.samples.capture import curl_page, simulate_phone
from pipeline.samples.content import make_fill
from pipeline.samples.draw import draw_fill
from pipeline.samples.generate import SAMPLE_DPI, page_rng


def _filled(templates, gazetteer):
    template = templates.get("KIM-02")
    rng = page_rng(37, 3)
    fill = make_fill(rng, template, 73_003, gazetteer, REFERENCE_DAY, preprinted=False)
    pdf = render_forms(template, [Identity(form_id=template.id, version=template.version, serial=73_003)], None)
    return draw_fill(rasterize_page(pdf, 1, SAMPLE_DPI), template, fill, rng, "typed", SAMPLE_DPI), fill


def _ticked(reading) -> dict[str, list[str]]:
    return {name: sorted(c.ticked) for name, c in reading.choices.items()}


def test_a_curled_sheet_has_its_boxes_read_where_they_are(templates, gazetteer, monkeypatch):
    page, fill = _filled(templates, gazetteer)
    curled, params = curl_page(page, np.random.default_rng(0), SAMPLE_DPI / 25.4)
    assert params["curl_edge"] == "left"
    photo = simulate_phone(curled, page_rng(37, 3, 0)).image
    want = {name: sorted(fill.choices.get(name, [])) for name in ("rahasia", "kategori")}
    assert _ticked(read_page(photo, templates)) == want
    monkeypatch.setattr(shifts, "MIN_PEAK", float("inf"))  # every box where the template puts it
    assert _ticked(read_page(photo, templates)) != want


def test_a_flat_page_keeps_its_boxes_in_place(templates, gazetteer):
    page, fill = _filled(templates, gazetteer)
    template = templates.get("KIM-02")
    straight = prepare_page(straighten(page, locate_page(page, templates), PX_PER_MM), PX_PER_MM,
                            printed_mask(template, PX_PER_MM))
    found = shifts.print_shifts(straight, template)
    boxes = [o.box for f in template.fields if f.type.is_choice for o in f.options]
    combs = [f.box for f in template.fields if f.comb is not None]
    assert set(found) == set(boxes) | set(combs)
    assert all(abs(dx) <= 1 and abs(dy) <= 1 for dx, dy in (found[b] for b in boxes))
    # combs are matched at half resolution (shifts.COMB_STEP)
    assert all(abs(dx) <= 2 and abs(dy) <= 2 for dx, dy in (found[b] for b in combs))
    assert {n: sorted(c.ticked) for n, c in omr.read_choices(straight, template).items()} == \
        {n: sorted(fill.choices.get(n, [])) for n in ("rahasia", "kategori")}


@pytest.mark.parametrize("shift", [(5, -3), (-9, 0)])
def test_a_box_is_measured_at_its_shift(templates, gazetteer, shift):
    """A box whose print sits `shift` pixels off reads the same as one in place, read at the
    shift (the mask of the form's print moves with it), and its shift is found."""
    page, _ = _filled(templates, gazetteer)
    template = templates.get("KIM-02")
    straight = straighten(page, locate_page(page, templates), PX_PER_MM)
    dx, dy = shift
    moved = np.roll(straight, (dy, dx), axis=(0, 1))
    printed = printed_mask(template, PX_PER_MM)
    box = template.field("kategori").options[0].box
    here = omr.option_fill(prepare_page(straight, PX_PER_MM, printed), box)
    there = omr.option_fill(prepare_page(moved, PX_PER_MM, printed), box, shift)
    assert there == pytest.approx(here, abs=0.005)
    # read in place, the moved box's edge counts as ink
    assert omr.option_fill(prepare_page(moved, PX_PER_MM, printed), box) > here + 0.03
    found = shifts.print_shifts(prepare_page(moved, PX_PER_MM, printed), template)[box]
    assert abs(found[0] - dx) <= 1 and abs(found[1] - dy) <= 1
