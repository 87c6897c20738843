"""Signature boxes: is there a signature, and is there a stamp?

A stamp is a circle of 9-20 mm radius whose rim is inked most of the way round and clear just
outside (a scribble is inked on both sides). On a colour image the circle is looked for in
stamp-coloured ink only: bluer than the paper and lighter than a pen's core, measured in Lab
against the page's own paper colour so a warm or cool photo does not matter. A grey scan or
photocopy has no colour to go by, so there the shape alone decides, on all ink.
The signature is the pen ink left in the box once the form's print and the stamp are taken out;
it counts when it spans at least 5 mm (SDAPS uses the same rule to ignore dirt).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.forms.template import FormField
from pipeline.geometry import Box
from pipeline.ocr.clean import Page

STAMP_SEARCH_MM = 8.0  # stamps overhang the signature box
STAMP_RADIUS_MM = (9.0, 20.0)
RING_SCORE = 0.45  # a clear rim
RING_SCORE_WITH_COLOUR = 0.33  # a fainter rim, enough when there is plenty of stamp ink
STAMP_INK_MM2 = 25.0
SIGNATURE_INSET_MM = 1.2
PEN_LEVEL = 130
STAMP_LEVEL = 205  # stamps are often faint: any ink darker than paper counts for the shape
MIN_STROKE_AREA_MM2 = 0.4
MIN_SPAN_MM = 5.0
MIN_INK_SHARE = 0.003


@dataclass(frozen=True)
class SignatureReading:
    field: str
    signed: bool
    ink: float
    span_mm: float
    stamped: bool
    stamp_score: float
    stamp_circle: tuple[float, float, float] | None  # centre x, y and radius, in mm on the page
    confidence: float  # of `signed`
    stamp_confidence: float


def is_color_page(page: Page) -> bool:
    """False for grey scans and photocopies (R = G = B everywhere)."""
    small = page.rgb[::4, ::4].astype(np.int16)
    spread = small.max(axis=2) - small.min(axis=2)
    return float(np.percentile(spread, 99.9)) > 12


def _lab(rgb: np.ndarray, paper: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Lightness (0-100) and yellow-blue (b*) of `rgb`, and of the paper (median of `paper` pixels)."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    light, blue = lab[..., 0] * (100 / 255), lab[..., 2] - 128
    if paper.any():
        return light, blue, float(np.median(light[paper])), float(np.median(blue[paper]))
    return light, blue, float(np.median(light)), float(np.median(blue))


def pen_and_stamp_ink(page: Page, box: Box, color: bool) -> tuple[np.ndarray, np.ndarray]:
    """Two masks over `box`: dark pen strokes, and stamp-coloured ink (colour pages only; on a
    grey page every mark counts as possible stamp ink, since shape must decide)."""
    gray = page.handwriting(box)
    written = gray < STAMP_LEVEL
    if not color:
        return gray < PEN_LEVEL, written
    light, blue, paper_l, paper_b = _lab(page.color(box), gray >= 250)
    core = light < paper_l - 50  # a pen's core, black or blue, is darker than any stamp
    bluish = (blue - paper_b < -7) & (light > paper_l - 60)
    px = max(1, page.px(0.4))
    halo = cv2.dilate(core.astype(np.uint8), np.ones((2 * px + 1, 2 * px + 1), np.uint8)).astype(bool)
    pen = (gray < PEN_LEVEL) & ~(bluish & (light > paper_l - 40))
    return pen, written & bluish & ~halo


_ANGLES = np.linspace(0, 2 * np.pi, 90, endpoint=False)


def _rim_hits(mask: np.ndarray, cx: float, cy: float, r: float, band: float) -> np.ndarray:
    """Per direction from (cx, cy): 1 if ink lies within `band` px of radius `r`, 0 if the band
    is clear paper, -1 if it is mostly printed form (covered by the blank-form mask: unknown)."""
    radii = r + np.linspace(-band, band, 4)[:, None]
    xs = np.rint(cx + radii * np.cos(_ANGLES)).astype(int)
    ys = np.rint(cy + radii * np.sin(_ANGLES)).astype(int)
    inside = (xs >= 0) & (xs < mask.shape[1]) & (ys >= 0) & (ys < mask.shape[0])
    values = np.full(inside.shape, -1, np.int8)
    values[inside] = mask[ys[inside], xs[inside]]
    hit = (values == 1).any(axis=0)
    unknown = (values == -1).mean(axis=0) > 0.5
    return np.where(hit, 1, np.where(unknown, -1, 0))


def _ring_score(mask: np.ndarray, cx: float, cy: float, r: float, px_per_mm: float) -> float:
    """Share of directions in which the ink looks like a stamp's rim: inked at radius r and
    clear just outside it. A dense scribble is inked on both sides, so it scores low. Directions
    hidden by the form's own print do not count either way."""
    rim = _rim_hits(mask, cx, cy, r, 0.5 * px_per_mm)
    outside = _rim_hits(mask, cx, cy, r + 2.0 * px_per_mm, 0.6 * px_per_mm)
    known = (rim != -1) & (outside != -1)
    if known.sum() < len(_ANGLES) // 2:
        return 0.0
    return float(((rim == 1) & (outside == 0) & known).sum() / known.sum())


def _refine(mask: np.ndarray, circle: tuple[float, float, float],
            px_per_mm: float) -> tuple[float, tuple[float, float, float]]:
    """Hough centres and radii are coarse; search a small neighbourhood for the best rim."""
    cx0, cy0, r0 = circle
    step = 0.5 * px_per_mm
    best = (-1.0, circle)
    for dx in np.arange(-3, 4) * step:
        for dy in np.arange(-3, 4) * step:
            for dr in np.arange(-4, 5) * step * 0.6:
                c = (cx0 + dx, cy0 + dy, r0 + dr)
                score = _ring_score(mask, *c, px_per_mm)
                if score > best[0]:
                    best = (score, c)
    return best


def find_stamp(mask: np.ndarray, px_per_mm: float) -> tuple[float, tuple[float, float, float] | None]:
    """Best ring score among circle candidates, and that circle (px). `mask`: 1 ink, 0 paper,
    -1 printed form."""
    if np.count_nonzero(mask == 1) < 50:
        return 0.0, None
    blurred = cv2.GaussianBlur((mask == 1).astype(np.uint8) * 255, (0, 0), px_per_mm * 0.4)
    r_min, r_max = (int(r * px_per_mm) for r in STAMP_RADIUS_MM)
    circles = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT, dp=2, minDist=r_min, param1=80,
                               param2=20, minRadius=r_min, maxRadius=r_max)
    best, best_circle = 0.0, None
    for candidate in (circles[0][:4] if circles is not None else []):
        score, circle = _refine(mask, tuple(float(v) for v in candidate), px_per_mm)
        if score > best:
            best, best_circle = score, circle
    return best, best_circle


def _without_stamp(ink: np.ndarray, origin: tuple[int, int], circle: tuple[float, float, float],
                   px_per_mm: float) -> np.ndarray:
    """`ink` with a found stamp's rim, lettering band and centre title taken out."""
    cx, cy, r = circle
    yy, xx = np.mgrid[0:ink.shape[0], 0:ink.shape[1]]
    dx, dy = xx + origin[0] - cx, yy + origin[1] - cy
    dist = np.hypot(dx, dy)
    rim_and_text = (dist > r - 4.5 * px_per_mm) & (dist < r + 1.0 * px_per_mm)
    title = (np.abs(dy) < 2.2 * px_per_mm) & (np.abs(dx) < 9 * px_per_mm)
    return ink & ~(rim_and_text | title)


def _strokes(ink: np.ndarray, px_per_mm: float) -> tuple[np.ndarray, float]:
    """Ink without specks, and the span (mm) of what remains."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= MIN_STROKE_AREA_MM2 * px_per_mm**2
    strokes = keep[labels]
    if not strokes.any():
        return strokes, 0.0
    ys, xs = np.nonzero(strokes)
    span = max(xs.max() - xs.min(), ys.max() - ys.min()) / px_per_mm
    return strokes, float(span)


def read_signature(page: Page, f: FormField, color: bool) -> SignatureReading:
    assert f.box is not None
    search = f.box.grow(STAMP_SEARCH_MM)
    sl = page.slice(search)
    _, stamp_ink = pen_and_stamp_ink(page, search, color)
    # Close the speckle of a worn stamp so its rim reads as one line.
    stamp_ink = cv2.dilate(stamp_ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    mask = stamp_ink.astype(np.int8)
    if page.printed is not None:
        mask[page.printed[sl]] = -1
    score, circle = find_stamp(mask, page.px_per_mm)
    area_mm2 = float(stamp_ink.sum()) / page.px_per_mm**2
    stamped = score >= RING_SCORE or (
        color and score >= RING_SCORE_WITH_COLOUR and area_mm2 >= STAMP_INK_MM2)
    stamp_confidence = min(1.0, abs(score - RING_SCORE) / 0.15)
    inner = f.box.inset(SIGNATURE_INSET_MM)
    inner_sl = page.slice(inner)
    pen, _ = pen_and_stamp_ink(page, inner, color)
    if stamped and circle is not None and not color:  # colour already told stamp from pen
        origin = (inner_sl[1].start - sl[1].start, inner_sl[0].start - sl[0].start)
        pen = _without_stamp(pen, origin, circle, page.px_per_mm)
    strokes, span = _strokes(pen, page.px_per_mm)
    share = float(strokes.mean()) if strokes.size else 0.0
    signed = share >= MIN_INK_SHARE and span >= MIN_SPAN_MM
    margin = min(abs(share - MIN_INK_SHARE) / MIN_INK_SHARE, abs(span - MIN_SPAN_MM) / MIN_SPAN_MM)
    circle_mm = None
    if circle is not None and stamped:
        mm = page.px_per_mm
        circle_mm = ((circle[0] + sl[1].start) / mm, (circle[1] + sl[0].start) / mm, circle[2] / mm)
    return SignatureReading(f.name, signed, round(share, 4), round(span, 1), stamped,
                            round(score, 3), circle_mm, round(float(min(1.0, margin)), 3),
                            round(stamp_confidence, 3))
