"""On a grey page a stamp is told from a signature's loops by its rim's ink (ocr/ink.py)."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.ocr.ink import PEN_LEVEL, RIM_CORE_MAX, rim_core_share, rim_level

PX_PER_MM = 8.0
CIRCLE = (200.0, 200.0, 120.0)  # a 15 mm rim, as the stamp finder reports it (px)


def _page(rim_grey: int, rim_width: int, blur: float, crossing: bool) -> np.ndarray:
    gray = np.full((400, 400), 255, np.uint8)
    cv2.circle(gray, (200, 200), 120, rim_grey, rim_width)
    if crossing:  # a signature across the stamp, as a kepala desa signs
        cv2.line(gray, (60, 200), (340, 215), 60, 3)
    return cv2.GaussianBlur(gray, (0, 0), blur)


def test_a_stamps_rim_crossed_by_a_signature_is_mostly_away_from_pen_ink():
    gray = _page(rim_grey=180, rim_width=4, blur=1.0, crossing=True)
    assert rim_core_share(gray, gray < 205, CIRCLE, PX_PER_MM) < 0.1 < RIM_CORE_MAX


def test_a_blurred_pen_loop_reads_light_at_its_edges_but_lies_along_a_dark_core():
    # A grey scan of seed 2053: the camat's dense loops passed for a rim (score 0.588) and the
    # blur's light stroke edges put the rim's median level at 149, over PEN_LEVEL.
    gray = _page(rim_grey=40, rim_width=2, blur=1.6, crossing=False)
    ink = gray < 205
    assert rim_level(gray, ink, CIRCLE, PX_PER_MM) >= PEN_LEVEL  # the older check lets it through
    assert rim_core_share(gray, ink, CIRCLE, PX_PER_MM) > RIM_CORE_MAX


def test_no_ink_on_the_rim_is_no_pen_either():
    gray = np.full((400, 400), 255, np.uint8)
    assert rim_core_share(gray, gray < 205, CIRCLE, PX_PER_MM) == 0.0
