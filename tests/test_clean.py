"""Removing printed rules from a crop must not cut the writing in it."""

from __future__ import annotations

import numpy as np

from pipeline.ocr.clean import remove_lines

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
