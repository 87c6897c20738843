"""Cleaning the straightened page for the readers: removing printed rules from a crop must not
cut the writing in it; a coarse sheet's grey ink is kept ink."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import blank_scan
from pipeline.ocr.clean import PAPER_LEVEL, darken_grey_ink, remove_lines
from pipeline.ocr.read import read_page

PX_PER_MM = 8.0


def _one_line_box() -> np.ndarray:
    crop = np.full((50, 400), 255, np.uint8)
    crop[:, 2:4] = 40  # the box's left edge, left in by the straightening error
    crop[:, 395:397] = 40  # and its right edge
    crop[1:50, 200:204] = 60  # a "p" whose stem and descender nearly span the box
    crop[30:32, 100:250] = 90  # a baseline of blurred serifs, 19 mm long
    return crop


def test_a_text_box_keeps_tall_strokes_in_its_middle_and_loses_its_side_edges():
    out = remove_lines(_one_line_box(), PX_PER_MM, sides_only=True)
    assert (out[1:50, 200:204] < 255).all()  # the stem survives
    assert (out[:, 2:4] == 255).all() and (out[:, 395:397] == 255).all()


def test_a_short_horizontal_run_is_writing_and_a_long_one_is_a_rule():
    crop = _one_line_box()
    assert (remove_lines(crop, PX_PER_MM, sides_only=True)[30:32, 100:250] < 255).all()
    crop[10:12, 20:380] = 40  # a rule across the whole box
    assert (remove_lines(crop, PX_PER_MM, sides_only=True)[10:12, 20:380] == 255).all()


def test_without_sides_only_every_long_vertical_run_is_a_rule():
    # Comb strips: the cell dividers stand in the middle of the strip.
    out = remove_lines(_one_line_box(), PX_PER_MM)
    assert (out[1:50, 200:204] == 255).all()


def test_grey_ink_is_darkened_past_the_paper_cut_and_paper_stays_white():
    # A typed stroke narrower than a photo pixel comes out grey on the straightened page.
    crop = np.full((20, 40), 255, np.uint8)
    crop[8:12, 5:35] = 120  # the stroke's core
    crop[7, 5:35] = crop[12, 5:35] = 205  # its blurred edges, a little lighter than the paper cut
    darker = darken_grey_ink(crop)
    assert (darker[7] < PAPER_LEVEL)[5:35].all() and (darker[12] < PAPER_LEVEL)[5:35].all()
    assert (darker[8:12, 5:35] < 120).all()
    assert (darker[:5] == 255).all()  # paper
    levels = darken_grey_ink(np.arange(256, dtype=np.uint8)[None]).ravel()
    assert (np.diff(levels.astype(int)) >= 0).all()  # order kept


@pytest.mark.parametrize("scale", [0.6, 1.0])
def test_only_a_coarse_sheet_has_its_grey_ink_darkened_for_the_text_readers(templates, scale):
    sheet = blank_scan(templates, "KIM-02", 300001)
    photo = cv2.resize(sheet, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)  # 100 dpi: 3.9 px per mm
    reading = read_page(photo, templates)
    assert reading.quality is not None and reading.quality.coarse == (scale < 1) and reading.smear is None
    expected = darken_grey_ink(reading.page.flat) if scale < 1 else reading.page.flat
    assert reading.text_page is not None and np.array_equal(reading.text_page.flat, expected)


def test_a_blank_box_with_a_faint_halo_stays_empty_when_the_page_is_darkened(templates):
    from pipeline.ocr.clean import Page
    from pipeline.ocr.zones import build_composite

    t = templates.get("KIM-01")
    f = t.field("keterangan")
    flat = np.full((int(t.page.height * PX_PER_MM), int(t.page.width * PX_PER_MM)), 255, np.uint8)
    rows, cols = Page(flat, flat, PX_PER_MM).slice(f.box.inset(2.0))
    flat[rows, cols][::4, ::2] = 205  # a chat photo's faint JPEG halo: lighter than the paper cut
    page = Page(np.dstack([flat] * 3), flat, PX_PER_MM)
    darkened = Page(page.rgb, darken_grey_ink(flat), PX_PER_MM)
    assert f.name in build_composite(page, [f])[1]
    assert f.name not in build_composite(darkened, [f])[1]  # the halo would be read as writing
    assert f.name in build_composite(darkened, [f], plain=page)[1]
