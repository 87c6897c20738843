"""Local registration (ocr/register.py): a sheet with a lifted edge has its print moved back to
where the template puts the boxes; a flat sheet is left exactly as it was."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import REFERENCE_DAY, blank_scan
from pipeline.ocr.marks import detect_marks, locate_page, straighten
from pipeline.ocr.read import PX_PER_MM
from pipeline.ocr.register import MIN_SHIFT_MM, Anchor, coherent, find_anchors, register
from pipeline.samples.capture import curl_page, simulate_phone
from pipeline.samples.generate import SAMPLE_DPI, PageSpec, make_page, page_rng


def _straightened(templates, gazetteer, curled: bool, index: int = 4):
    spec = PageSpec(index=index, form_id="KIM-01", serial=88_100 + index, capture="phone", fill_style="typed",
                    preprinted=False)
    page, _, _ = make_page(templates, gazetteer, spec, 13, REFERENCE_DAY)
    if curled:
        page, _ = curl_page(page, np.random.default_rng(index + 40), SAMPLE_DPI / 25.4)
    photo = simulate_phone(page, page_rng(13, index, 1), long_side=2000)
    location = locate_page(photo.image, templates, detect_marks(photo.image))
    return straighten(photo.image, location, PX_PER_MM), location.template


def _shifts(rgb, template) -> np.ndarray:
    anchors = find_anchors(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), template, PX_PER_MM)
    return np.array([np.hypot(a.dx_mm, a.dy_mm) for a in anchors])


@pytest.fixture(scope="module")
def curled(templates, gazetteer):
    return _straightened(templates, gazetteer, curled=True)


def test_a_flat_sheet_is_left_alone(templates, gazetteer):
    rgb, template = _straightened(templates, gazetteer, curled=False)
    assert _shifts(rgb, template).max() < MIN_SHIFT_MM
    moved, most = register(rgb, template, PX_PER_MM)
    assert moved is rgb and most == 0.0


def test_a_box_far_from_its_neighbours_shift_is_not_used_but_a_smooth_curl_is():
    around = [Anchor(x, y, 0.1, 0.0, 0.6) for x, y in ((45, 130), (70, 135), (50, 165), (70, 165))]
    stray = Anchor(58, 150, 0.2, -4.5, 0.5)
    assert coherent([*around, stray]) == around
    bent = [Anchor(x, y, 0.0, 0.8 + 0.03 * y, 0.6) for x, y in ((30, 60), (30, 85), (30, 110), (60, 90))]
    assert coherent(bent) == bent
    alone = Anchor(190, 20, 0.0, -4.5, 0.6)  # nothing within NEIGHBOUR_MM: no ground to drop it
    assert coherent([*around, alone]) == [*around, alone]


def test_a_curled_sheet_has_its_boxes_moved_back(curled):
    rgb, template = curled
    before = _shifts(rgb, template)
    assert np.median(before) > MIN_SHIFT_MM  # the boxes are off: one homography cannot fix a curl
    moved, most = register(rgb, template, PX_PER_MM)
    assert most >= before.max() - 0.01
    after = _shifts(moved, template)
    assert np.median(after) < 0.3 and np.median(after) < np.median(before) / 3


@pytest.mark.parametrize("dpi", [66, 78])
def test_a_coarse_scans_look_alike_rows_do_not_pass_for_a_curl(templates, dpi):
    # At 78 dpi a box matches the print of the next row, 4.5 mm away, barely better than at its
    # own place; at 66 dpi the desa and kecamatan boxes match the row above, 4.5 mm off, clearly
    # better, while every box around them sits at its place. A flat page must not be warped.
    image = blank_scan(templates, "KIM-01", dpi=dpi)
    location = locate_page(image, templates, detect_marks(image))
    rgb, template = straighten(image, location, PX_PER_MM), location.template
    moved, most = register(rgb, template, PX_PER_MM)
    assert moved is rgb and most == 0.0
