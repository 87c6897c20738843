"""Where a comb's cell walls really are, wall by wall.

One shift per comb (ocr/shifts.py) puts a comb back where its print is, but a sheet that does not
lie flat stretches or squeezes a long comb along its length: on curled photos a 16-cell NIK comb
drifted 1.5 mm from one end to the other, so the last digits were cut in half at the template's
cell edges ("2256" read "22"). So each wall is looked for near its place: the column, within
REACH_MM, that stays dark down the whole comb (its WALL_PERCENTILE-th darkness; a digit's stroke
covers at most two thirds of the cell's height, a wall all of it). The walls' offsets are fitted
with one straight line along the comb (a curl bends the paper smoothly; a wall mistaken for a
stroke falls off the line), and each cell is cut where the line puts it.
"""

from __future__ import annotations

import numpy as np

from pipeline.forms.template import FormField
from pipeline.ocr.clean import Page
from pipeline.ocr.shifts import Shift

REACH_MM = 2.0  # a wall is looked for this far either side of its place
BAND_INSET_MM = 1.0  # the rows compared: the cells' height without the top and bottom edges
WALL_PERCENTILE = 20
MIN_WALL_DARKNESS = 40.0  # 0..255 below the paper; fainter columns are no wall
MIN_FOUND_SHARE = 0.6  # of the walls, found on the line, for the line to be trusted
FIT_TOLERANCE_PX = 2.0
MIN_OFFSET_PX = 2  # a fitted drift under this everywhere is noise: the cells stay in place


def _walls(f: FormField) -> list[float]:
    """The comb's wall positions (mm from the page's left edge), left to right."""
    return sorted({round(c.x, 3) for c in f.cells} | {round(c.right, 3) for c in f.cells})


def cell_offsets(page: Page, f: FormField, shift: Shift = (0, 0)) -> list[int]:
    """Each cell's horizontal offset (px) from where `shift` puts the comb; all 0 when the walls
    do not clearly say otherwise."""
    assert f.box is not None
    cells = f.cells
    none = [0] * len(cells)
    dx, dy = shift
    reach = page.px(REACH_MM)
    h, w = page.flat.shape
    y0, y1 = page.px(f.box.y + BAND_INSET_MM) + dy, page.px(f.box.bottom - BAND_INSET_MM) + dy
    x0, x1 = page.px(f.box.x) + dx - reach, page.px(f.box.right) + dx + reach + 1
    if y0 < 0 or x0 < 0 or y1 > h or x1 > w or y1 - y0 < 4:
        return none
    dark = 255.0 - page.flat[y0:y1, x0:x1].astype(np.float32)
    score = np.percentile(dark, WALL_PERCENTILE, axis=0)
    found_x, found_d = [], []
    walls = _walls(f)
    for wall in walls:
        at = page.px(wall) + dx - x0
        window = score[max(0, at - reach):at + reach + 1]
        if window.size == 0:
            continue
        k = int(np.argmax(window))
        if window[k] < MIN_WALL_DARKNESS:
            continue
        found_x.append(wall)
        found_d.append(max(0, at - reach) + k - at)
    if len(found_x) < max(3, MIN_FOUND_SHARE * len(walls)):
        return none
    xs, ds = np.array(found_x), np.array(found_d, dtype=np.float64)
    keep = np.ones(len(xs), bool)
    for _ in range(3):
        slope, intercept = np.polyfit(xs[keep], ds[keep], 1)
        near = np.abs(slope * xs + intercept - ds) <= FIT_TOLERANCE_PX
        if near.sum() < max(3, MIN_FOUND_SHARE * len(walls)):
            return none
        if (near == keep).all():
            break
        keep = near
    offsets = [int(round(slope * (c.x + c.w / 2) + intercept)) for c in cells]
    if max(abs(o) for o in offsets) < MIN_OFFSET_PX:
        return none
    return offsets
