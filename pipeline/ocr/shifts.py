"""Where each checkbox and comb of a form lies on the straightened page, to the pixel.

Straightening maps the page through one plane (its marks, or its outline); a sheet that does not
lie flat, or a photo whose marks were found half a millimetre off, leaves boxes up to 2 mm from
where the template puts them. Measured at the template's place, a checkbox edge reads as a tick
and a comb's edge as a stroke in every cell (a 0.75 mm drop turned a typed RT "023" into "977"
for the digit reader). So, as SDAPS does for its checkboxes, each box's printed outline is looked
for near its place: normalised cross-correlation with the blank form, within SEARCH_MM.

What is written inside a box pulls its own match (a tick, a row of digits), so a box moves by
what it and its neighbours agree on: their score maps weighted by distance (NEIGHBOUR_MM), and
only when that agreement is clear (MIN_PEAK, MIN_GAIN over not moving) and not at the edge of
the search (the print may lie further). On a page too blurred for the print to show, boxes stay
where the template puts them.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.ndimage import map_coordinates

from pipeline.forms.template import Template
from pipeline.geometry import Box
from pipeline.ocr.blank import blank_gray
from pipeline.ocr.clean import Page

SEARCH_MM = 2.5  # 1.5 left 7 of seed 2041's 1525 checkboxes read wrong, their print just beyond it
AROUND_MM = 1.0  # paper around a box's printed outline included in its match
NEIGHBOUR_MM = 10.0  # boxes this far apart weigh e^-1/2 in each other's position
MIN_PEAK, MIN_GAIN = 0.3, 0.05

Shift = tuple[int, int]  # pixels (dx, dy) from where the template puts a box


# Checkboxes are matched at the reading resolution; combs, 4 to 20 times their area, every
# COMB_STEP pixels (a cell cut a pixel off still sits 0.5 mm inside its walls): all combs then
# cost ~3 ms a page. Text boxes are left where the template puts them: their crops keep 0.9 mm
# clear of the edges, and a long box's outline matched as well 2.5 mm along as in place (a crop
# moved so cut the first letter of two typed places on the standard set, "Vajelis" for Majelis).
COMB_STEP = 2


def boxes_of(template: Template) -> list[tuple[Box, int]]:
    """Every box whose print locates what is read in it (checkboxes, combs), with the step its
    match is computed at."""
    options = [(o.box, 1) for f in template.fields if f.type.is_choice for o in f.options or []]
    combs = [(f.box, COMB_STEP) for f in template.fields if f.comb is not None and f.box is not None]
    return options + combs


def _scores(page: Page, blank: np.ndarray, box: Box, step: int = 1) -> np.ndarray | None:
    """How well the blank form's outline matches the page at each shift (px) within SEARCH_MM,
    compared every `step` pixels (on both images shrunk by it) and spread back to every pixel."""
    reach = page.px(SEARCH_MM)
    wide = -(-reach // step) * step  # the reach in whole steps, so shrunk shifts fall on pixels
    rows, cols = page.slice(box.grow(AROUND_MM))
    rows = slice(rows.start, rows.start + (rows.stop - rows.start) // step * step)
    cols = slice(cols.start, cols.start + (cols.stop - cols.start) // step * step)
    y0, y1, x0, x1 = rows.start - wide, rows.stop + wide, cols.start - wide, cols.stop + wide
    if y0 < 0 or x0 < 0 or y1 > page.flat.shape[0] or x1 > page.flat.shape[1] or rows.stop <= rows.start:
        return None
    outline = (255 - blank[rows, cols]).astype(np.float32)
    seen = (255 - page.flat[y0:y1, x0:x1]).astype(np.float32)
    if step > 1:
        outline = cv2.resize(outline, (outline.shape[1] // step, outline.shape[0] // step), interpolation=cv2.INTER_AREA)
        seen = cv2.resize(seen, (seen.shape[1] // step, seen.shape[0] // step), interpolation=cv2.INTER_AREA)
    scores = np.nan_to_num(cv2.matchTemplate(seen, outline, cv2.TM_CCOEFF_NORMED), nan=0.0)
    if step > 1:  # shrunk score j is the shift j * step - wide; a cubic through them for each pixel
        at = (np.arange(-reach, reach + 1) + wide) / step
        yy, xx = np.meshgrid(at, at, indexing="ij")
        scores = map_coordinates(scores, [yy, xx], order=3).astype(np.float32)
    return scores


def print_shifts(page: Page, template: Template) -> dict[Box, Shift]:
    """Where each box's print sits relative to its place (`boxes_of`), agreed with its
    neighbours; (0, 0) where the agreement is not clear or the page has no print mask."""
    stepped = boxes_of(template)
    boxes = [box for box, _ in stepped]
    if page.printed is None or not boxes:
        return {box: (0, 0) for box in boxes}
    blank = blank_gray(template, page.px_per_mm)
    scores = [_scores(page, blank, box, step) for box, step in stepped]
    centres = np.array([[b.x + b.w / 2, b.y + b.h / 2] for b in boxes])
    out: dict[Box, Shift] = {}
    for box, centre in zip(boxes, centres, strict=True):
        out[box] = (0, 0)
        weights = np.exp(-((centres - centre) ** 2).sum(axis=1) / (2 * NEIGHBOUR_MM ** 2))
        used = [(w, s) for w, s in zip(weights, scores, strict=True) if s is not None and w >= 0.01]
        if not used:
            continue
        agreed = sum(w * s for w, s in used) / sum(w for w, _ in used)
        reach = (agreed.shape[0] - 1) // 2
        _, peak, _, (bx, by) = cv2.minMaxLoc(agreed)
        at_edge = bx in (0, 2 * reach) or by in (0, 2 * reach)  # the print may lie further: not found
        if peak >= MIN_PEAK and peak - agreed[reach, reach] >= MIN_GAIN and not at_edge:
            out[box] = (bx - reach, by - reach)
    return out
