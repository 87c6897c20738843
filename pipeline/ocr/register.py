"""Local registration: undo what one homography cannot, a sheet that does not lie flat.

The corner marks fix a plane. A sheet with a lifted or curled edge is not on one: near that edge
its print lands millimetres from where the template puts the boxes, and the crops cut letters in
half while the print mask (blank.py) misses the box edges. So, after straightening, each printed
box outline of the form is looked for near where it should be: the shift that best aligns the
photo with the blank form around it (normalised cross-correlation at half the reading
resolution, within SEARCH_MM). When the boxes sit where the template says, nothing changes; when
some are clearly off, a smooth displacement field through the boxes' shifts moves the print back
to where the template expects it, before any reader sees the page.

On eight generated phone photos of curled sheets (capture.curl_page) the boxes sat 0.8-2.0 mm
off at the median (3.3 mm at most), and 0.02-0.3 mm after; flat photos of the same pages had
every box within 0.56 mm and were left alone. On the curled set (`python -m bench.intake
--pages 100 --seed 2041 --curl 1 --name curl-s2041`, 70 photos with one edge lifted 2-6 mm):
fields exactly right 59 -> 71 %, accepted 48 -> 60 %, accepted wrong 5 -> 2, checkboxes 52.5 ->
91.7 %. On the five benchmark sets no page with its four marks was moved; photos with a mark cut
off (1.3-2.7 mm on the standard set and seed 2029) and sheets found by their outline were.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.forms.template import Template
from pipeline.ocr.blank import blank_gray

SCALE = 0.5  # matching resolution relative to the reading resolution
SEARCH_MM = 5.0  # how far from its place a box is looked for
MARGIN_MM = 2.0  # paper around a box outline included in its window
MIN_PEAK = 0.4  # a weaker best match is a hidden box (glare, a stamp over most of it): not used
# A best match far from the box's place and barely better than a match at its place (a
# neighbouring row of look-alike boxes) says nothing about where the box is: not used. On a
# clean form scanned at 78 dpi two checkbox rows matched 4.5 mm off, 0.013 and 0.025 better
# than at their place, and the page was warped ~2 mm as if curled.
MIN_LEAD = 0.05
FAR_MM = 2.5  # curls moved boxes 0.8-3.3 mm
NEAR_MM = 1.0
# A curl bends the sheet smoothly, so boxes near each other move nearly alike: on the curled
# training set (seed 4083, 70 lifted sheets) no box found off its place was more than 2.05 mm
# from the median shift of the boxes within NEIGHBOUR_MM of it. A box JUMP_MM or more from
# that median matched something else: on a clean KIM-01 at 66 dpi the desa and kecamatan boxes
# matched the row above, 4.5 mm off, while every box around them sat at its place.
NEIGHBOUR_MM = 30.0
JUMP_MM = 3.0
PRINT_LEVEL = 200  # darker than this on the blank form is print
MIN_SHIFT_MM = 0.8  # boxes this far off (at least MIN_OFF of them) mean the sheet is not flat
MIN_OFF = 2
GLANCE_EVERY, GLANCE_SHIFT_MM = 3, 0.5
GRID_MM = 6.0  # the displacement field is computed on this grid and interpolated between


@dataclass(frozen=True)
class Anchor:
    x_mm: float  # the box centre on the template
    y_mm: float
    dx_mm: float  # where its print was found, relative to the template
    dy_mm: float
    peak: float


def _subpixel(r: np.ndarray, y: int, x: int) -> tuple[float, float]:
    """The peak of a parabola through the best score and its neighbours, per axis."""
    def offset(a: float, b: float, c: float) -> float:
        d = a - 2 * b + c
        return 0.0 if d >= 0 else float(np.clip(0.5 * (a - c) / d, -0.5, 0.5))
    dx = offset(r[y, x - 1], r[y, x], r[y, x + 1]) if 0 < x < r.shape[1] - 1 else 0.0
    dy = offset(r[y - 1, x], r[y, x], r[y + 1, x]) if 0 < y < r.shape[0] - 1 else 0.0
    return dx, dy


def find_anchors(gray: np.ndarray, template: Template, px_per_mm: float, every: int = 1) -> list[Anchor]:
    """Each box outline's shift between the straightened photo (`gray`, at `px_per_mm`) and the
    blank form (of every `every`-th field); boxes whose best match is weak or at the edge of the
    search are left out."""
    ppm = px_per_mm * SCALE
    blank = cv2.resize(blank_gray(template, px_per_mm), None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_AREA)
    photo = cv2.resize(gray, (blank.shape[1], blank.shape[0]), interpolation=cv2.INTER_AREA)
    reach = int(round(SEARCH_MM * ppm))
    anchors = []
    for f in template.fields[::every]:
        window = f.outline.grow(MARGIN_MM)
        x0, y0 = int(round(window.x * ppm)), int(round(window.y * ppm))
        x1, y1 = int(round(window.right * ppm)), int(round(window.bottom * ppm))
        if x0 - reach < 0 or y0 - reach < 0 or x1 + reach > photo.shape[1] or y1 + reach > photo.shape[0]:
            continue
        templ = blank[y0:y1, x0:x1]
        if templ.std() < 5:
            continue
        search = photo[y0 - reach:y1 + reach, x0 - reach:x1 + reach]
        # Only the print is compared: what is written in a box is not on the blank form, and
        # compared too it pulled the best match of a filled text box below 0.5.
        print_only = cv2.dilate((templ < PRINT_LEVEL).astype(np.uint8), np.ones((3, 3), np.uint8))
        scores = cv2.matchTemplate(search, templ, cv2.TM_CCOEFF_NORMED, mask=print_only.astype(np.float32))
        scores = np.nan_to_num(scores, nan=-1.0, posinf=-1.0, neginf=-1.0)
        _, peak, _, (bx, by) = cv2.minMaxLoc(scores)
        if peak < MIN_PEAK or bx in (0, scores.shape[1] - 1) or by in (0, scores.shape[0] - 1):
            continue
        if np.hypot(bx - reach, by - reach) >= FAR_MM * ppm and peak - _near_place(scores, reach, ppm) < MIN_LEAD:
            continue
        sx, sy = _subpixel(scores, by, bx)
        anchors.append(Anchor(f.outline.x + f.outline.w / 2, f.outline.y + f.outline.h / 2,
                              (bx + sx - reach) / ppm, (by + sy - reach) / ppm, float(peak)))
    return anchors


def coherent(anchors: list[Anchor]) -> list[Anchor]:
    """The anchors whose shift is within JUMP_MM of the median shift of the anchors around them
    (within NEIGHBOUR_MM); one with no neighbour is kept."""
    kept = []
    for a in anchors:
        near = [b for b in anchors if b is not a and np.hypot(a.x_mm - b.x_mm, a.y_mm - b.y_mm) <= NEIGHBOUR_MM]
        if near:
            dx, dy = np.median([b.dx_mm for b in near]), np.median([b.dy_mm for b in near])
            if np.hypot(a.dx_mm - dx, a.dy_mm - dy) >= JUMP_MM:
                continue
        kept.append(a)
    return kept


def _near_place(scores: np.ndarray, reach: int, ppm: float) -> float:
    """The best score within NEAR_MM of the box's place on the template (no shift)."""
    r = int(round(NEAR_MM * ppm))
    return float(scores[reach - r:reach + r + 1, reach - r:reach + r + 1].max())


def _field(anchors: list[Anchor], size_mm: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """dx, dy (mm) on a GRID_MM grid over the page: thin-plate spline through the anchors'
    shifts, smoothed so one badly matched box cannot fold the page."""
    from scipy.interpolate import RBFInterpolator

    w, h = size_mm
    points = np.array([[a.x_mm, a.y_mm] for a in anchors])
    shifts = np.array([[a.dx_mm, a.dy_mm] for a in anchors])
    gx, gy = np.meshgrid(np.linspace(0, w, int(w / GRID_MM) + 2), np.linspace(0, h, int(h / GRID_MM) + 2))
    spline = RBFInterpolator(points, shifts, kernel="thin_plate_spline", smoothing=1.0, degree=1)
    grid = spline(np.column_stack([gx.ravel(), gy.ravel()])).reshape(*gx.shape, 2)
    return grid[..., 0].astype(np.float32), grid[..., 1].astype(np.float32)


def register(rgb: np.ndarray, template: Template, px_per_mm: float) -> tuple[np.ndarray, float]:
    """`rgb` (a straightened page) with its print moved back to the template's places when the
    sheet was not flat, and the largest shift found (mm; 0.0 when the page was left alone)."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    # A look at every third box first: the part of a sheet a curl lifts holds several boxes, and
    # a flat sheet (most of them) then costs a third of the matching.
    glance = find_anchors(gray, template, px_per_mm, every=GLANCE_EVERY)
    if all(np.hypot(a.dx_mm, a.dy_mm) < GLANCE_SHIFT_MM for a in glance):
        return rgb, 0.0
    anchors = coherent(find_anchors(gray, template, px_per_mm))
    off = [a for a in anchors if np.hypot(a.dx_mm, a.dy_mm) >= MIN_SHIFT_MM]
    if len(off) < MIN_OFF or len(anchors) < 6:
        return rgb, 0.0
    dx, dy = _field(anchors, (template.page.width, template.page.height))
    h, w = gray.shape
    dx = cv2.resize(dx, (w, h), interpolation=cv2.INTER_LINEAR) * px_per_mm
    dy = cv2.resize(dy, (w, h), interpolation=cv2.INTER_LINEAR) * px_per_mm
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    moved = cv2.remap(rgb, x + dx, y + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return moved, float(max(np.hypot(a.dx_mm, a.dy_mm) for a in off))
