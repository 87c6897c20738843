"""Signature boxes: is there a signature, and is there a stamp?

A stamp is a circle of 9-20 mm radius whose rim is inked most of the way round and clear just
outside (a scribble is inked on both sides). On a colour image the circle is looked for in
stamp-coloured ink only: bluer than the paper and lighter than a pen's core, measured in Lab
against the page's own paper colour so a warm or cool photo does not matter. A grey scan or
photocopy has no colour to go by, so there the shape decides, on all ink, and a rim as dark as a
pen's core is taken for a pen's outline.
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
RING_SCORE = 0.5  # measured: stamps 0.55-1.0 with a few faint ones lower, scribbles under 0.47
SIGNATURE_INSET_MM = 1.2
# Pen ink on the flattened page (paper 255, print masked out): a pen's core is darker than 130.
PEN_LEVEL = 130
# A light-blue ballpoint in a chat-forwarded photo comes out at 140-170 (130 missed 3 of 492
# signatures on two training seeds, 180 none). A rubber stamp's mid-tone ink reaches that too,
# and what a found stamp's outline does not cover then reads as a signature (with 180 in
# stamp boxes, 3 of 24 stamp-only readings, colour and grey, said signed): the fainter level
# is used only in boxes that expect no stamp. A missed signature goes to a reviewer; a stamp
# taken for one could let an unsigned form through.
FAINT_PEN_LEVEL = 180
# Stamp-coloured: b* this far below the paper's. A chat app halves colour resolution, which washes
# a thin rim's blue out, so a box where no stamp is found at 7 is looked at again at 5: on three
# training sets (386 stamp boxes) chat photos' stamps found went 115 -> 140 of 157, with no false
# stamp in 158 boxes without one (highest 0.431). At 4 a hard set had a false stamp; 6 finds fewer.
BLUE_BAR = 7.0
WASHED_BLUE_BAR = 5.0
# The share of a found rim's ink lying beside a pen's dark core, above which a grey page's "stamp"
# is a signature's loops (`rim_core_share`). On the grey scans of training seeds 4091-4101 (pairs)
# and 4301-4303 (hard; python -m bench.stamps), 79 stamps measured 0.04-0.47 (a signature crosses
# most of them); the three signatures the finder took for a rim there 1.0 (one of them with a rim
# level of 162, which the level alone let through), seed 2053's 0.99.
RIM_CORE_MAX = 0.7
STAMP_LEVEL = 205  # stamps are often faint: any ink darker than paper counts for the shape
MIN_STROKE_AREA_MM2 = 0.4
MIN_SPAN_MM = 5.0
MIN_INK_SHARE = 0.0012  # empty boxes measure 0.000 once print is masked


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


@dataclass(frozen=True)
class InkMasks:
    """Over one box: pen strokes, ink that may be a stamp, and stamp-coloured ink that is not a
    pen's core (on a grey page nothing has colour, so `stamp_coloured` is empty)."""

    pen: np.ndarray
    stamp: np.ndarray
    stamp_coloured: np.ndarray


def ink_masks(page: Page, box: Box, color: bool, pen_level: float = PEN_LEVEL,
              blue_bar: float = BLUE_BAR) -> InkMasks:
    gray = page.handwriting(box)
    dark = gray < pen_level
    if not color:
        return InkMasks(dark, gray < STAMP_LEVEL, np.zeros_like(dark))
    light, blue, paper_l, paper_b = _lab(page.color(box), gray >= 250)
    core = light < paper_l - 50  # a pen's core, black or blue, is darker than any stamp
    bluish = (blue - paper_b < -blue_bar) & (light > paper_l - 60)
    px = max(1, page.px(0.4))
    halo = cv2.dilate(core.astype(np.uint8), np.ones((2 * px + 1, 2 * px + 1), np.uint8)).astype(bool)
    faint_stamp = bluish & (light > paper_l - 25)
    return InkMasks(dark & ~faint_stamp, (gray < STAMP_LEVEL) & bluish & ~halo, bluish & ~core)


N_ANGLES = 90


def _polar_maps(centres: list[tuple[float, float]], max_r: int) -> tuple[np.ndarray, np.ndarray]:
    """Sampling maps of a linear polar unwrap (cv2.warpPolar's: one row per angle, one column per
    px of radius) around every centre, stacked: all centres cost one resampling."""
    rho = np.arange(max_r, dtype=np.float32)
    angle = np.arange(N_ANGLES, dtype=np.float32) * np.float32(2 * np.pi / N_ANGLES)
    cos, sin = np.cos(angle)[:, None] * rho, np.sin(angle)[:, None] * rho
    xs = np.concatenate([cx + cos for cx, _ in centres]).astype(np.float32)
    ys = np.concatenate([cy + sin for _, cy in centres]).astype(np.float32)
    return xs, ys


def _radial_scores(ink: np.ndarray, unknown: np.ndarray, centres: list[tuple[float, float]],
                   px_per_mm: float) -> np.ndarray:
    """Rim score for every radius (in px) around each centre (one row per centre): the share of
    directions in which there is ink at that radius and clear paper 2 mm further out. A stamp's
    rim scores high at its radius; a dense scribble is inked on both sides and scores low
    everywhere. Directions where the band is mostly the form's own print count neither way."""
    max_r = int(round((STAMP_RADIUS_MM[1] + 3.0) * px_per_mm))
    xs, ys = _polar_maps(centres, max_r)
    polar = cv2.remap(ink, xs, ys, cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    # Beyond the searched area nothing is known: those directions count neither way.
    hidden = cv2.remap(unknown, xs, ys, cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=1)

    def width(half_mm: float) -> int:
        return 2 * max(1, int(round(half_mm * px_per_mm))) + 1

    def any_ink(half_mm: float) -> np.ndarray:  # ink anywhere in the band, along the radius
        return cv2.dilate(polar, np.ones((1, width(half_mm)), np.uint8),
                          borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0

    def mostly_hidden(half_mm: float) -> np.ndarray:  # more than half the band unknown (odd widths: never exactly half)
        return cv2.blur(hidden * np.uint8(255), (width(half_mm), 1), borderType=cv2.BORDER_CONSTANT) > 127

    rim, rim_hidden = any_ink(0.5), mostly_hidden(0.5)
    out, out_hidden = any_ink(0.6), mostly_hidden(0.6)
    shift = int(round(2.0 * px_per_mm))
    out, out_hidden = np.roll(out, -shift, axis=1), np.roll(out_hidden, -shift, axis=1)
    known = ~rim_hidden & ~out_hidden
    shape = (len(centres), N_ANGLES, max_r)
    good = (rim & ~out & known).view(np.uint8).reshape(shape).sum(axis=1, dtype=np.int32)
    counted = known.view(np.uint8).reshape(shape).sum(axis=1, dtype=np.int32)
    scores = np.where(counted >= N_ANGLES // 2, good / np.maximum(counted, 1), 0.0)
    low = int(STAMP_RADIUS_MM[0] * px_per_mm)
    scores[:, :low] = 0.0
    scores[:, max_r - shift:] = 0.0
    return scores


def _best_around(ink: np.ndarray, unknown: np.ndarray, centre: tuple[float, float], reach_mm: float,
                 step_mm: float, px_per_mm: float) -> tuple[float, tuple[float, float, float]]:
    offsets = np.arange(-reach_mm, reach_mm + 1e-9, step_mm) * px_per_mm
    # Nearest first: where a rim runs past the searched area several centres score alike (the
    # unseen directions count neither way), and the one nearest the proposal is the likeliest.
    shifts = sorted(((dx, dy) for dx in offsets for dy in offsets), key=lambda d: (d[0] ** 2 + d[1] ** 2, d))
    centres = [(centre[0] + dx, centre[1] + dy) for dx, dy in shifts]
    scores = _radial_scores(ink, unknown, centres, px_per_mm)
    best = (0.0, (centre[0], centre[1], 0.0))
    for c, row in zip(centres, scores, strict=True):  # the first best, in the order searched
        r = int(np.argmax(row))
        if row[r] > best[0]:
            best = (float(row[r]), (c[0], c[1], float(r)))
    return best


def find_stamp(mask: np.ndarray, px_per_mm: float) -> tuple[float, tuple[float, float, float] | None]:
    """Best rim score and its circle (px) for a mask of 1 ink, 0 paper, -1 printed form.
    Centres proposed by a Hough transform and by the ink's centroid are searched on a coarse
    grid, then the best finely."""
    ink = (mask == 1).astype(np.uint8)
    if np.count_nonzero(ink) < 50:
        return 0.0, None
    unknown = (mask == -1).astype(np.uint8)
    blurred = cv2.GaussianBlur(ink * 255, (0, 0), px_per_mm * 0.4)
    r_min, r_max = (int(r * px_per_mm) for r in STAMP_RADIUS_MM)
    circles = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT, dp=2, minDist=r_min, param1=80,
                               param2=20, minRadius=r_min, maxRadius=r_max)
    ys, xs = np.nonzero(ink)
    proposals = [(float(xs.mean()), float(ys.mean()))]
    proposals += [(float(c[0]), float(c[1])) for c in (circles[0][:2] if circles is not None else [])]
    best: tuple[float, tuple[float, float, float] | None] = (0.0, None)
    for centre in proposals:
        found = _best_around(ink, unknown, centre, 3.0, 1.5, px_per_mm)
        if found[0] > best[0]:
            best = found
    if best[1] is None:
        return best
    return _best_around(ink, unknown, best[1][:2], 0.75, 0.375, px_per_mm)


def stamp_area(shape: tuple[int, int], origin: tuple[int, int], circle: tuple[float, float, float],
               px_per_mm: float) -> np.ndarray:
    """Where a found stamp's rim, lettering band and centre title lie, over an array of `shape`
    whose top-left pixel is `origin` (x, y) in the circle's coordinates."""
    cx, cy, r = circle
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]]
    dx, dy = xx + origin[0] - cx, yy + origin[1] - cy
    dist = np.hypot(dx, dy)
    rim_and_text = (dist > r - 4.5 * px_per_mm) & (dist < r + 1.0 * px_per_mm)
    title = (np.abs(dy) < 2.2 * px_per_mm) & (np.abs(dx) < 9 * px_per_mm)
    return rim_and_text | title


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


def _look_for_stamp(page: Page, search: Box, color: bool, blue_bar: float) -> tuple[np.ndarray, float, tuple | None]:
    """(mask of 1 stamp-like ink, 0 paper, -1 print; best rim score; its circle in px)."""
    masks = ink_masks(page, search, color, blue_bar=blue_bar)
    # Close the speckle of a worn stamp so its rim reads as one line.
    candidate = cv2.dilate(masks.stamp.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    mask = candidate.astype(np.int8)
    if page.printed is not None:
        mask[page.printed[page.slice(search)]] = -1
    score, circle = find_stamp(mask, page.px_per_mm)
    return mask, score, circle


def detect_stamp(page: Page, f: FormField, color: bool) -> tuple[bool, float, float, tuple | None, float]:
    """(stamped, rim score, confidence, circle in px of the search area, blue bar it was found
    at) for one signature box."""
    assert f.box is not None
    search = f.box.grow(STAMP_SEARCH_MM)
    blue_bar = BLUE_BAR
    mask, score, circle = _look_for_stamp(page, search, color, blue_bar)
    if color and score < RING_SCORE:
        washed = _look_for_stamp(page, search, color, WASHED_BLUE_BAR)
        if washed[1] > score:
            (mask, score, circle), blue_bar = washed, WASHED_BLUE_BAR
    stamped = score >= RING_SCORE
    if stamped and not color and circle is not None:
        # On a grey page the shape alone decides, and the outline of a loopy signature can pass
        # for a rim (0.66 on a grey scan of seed 2045, which routed a form without its stamp);
        # stamp ink is lighter than a pen's core: on the grey scans of four sets the rims the
        # finder took for stamps had a median level of 151-195 when they were stamps, 76 not.
        # A blurred scan's pen strokes have light edges, though, and a rim that grazes many of
        # them can measure lighter (149 on a grey scan of seed 2053, routed without the camat's
        # stamp): there nearly all the rim's ink lies beside a pen's dark core (RIM_CORE_MAX).
        gray, ink = page.handwriting(search), mask == 1
        if rim_level(gray, ink, circle, page.px_per_mm) < PEN_LEVEL or \
                rim_core_share(gray, ink, circle, page.px_per_mm) > RIM_CORE_MAX:
            stamped = False
    confidence = min(1.0, abs(score - RING_SCORE) / 0.15)
    return stamped, score, confidence, circle if stamped else None, blue_bar


def rim_level(gray: np.ndarray, ink: np.ndarray, circle: tuple[float, float, float], px_per_mm: float) -> float:
    """Median grey level of the ink within 0.5 mm of a circle (px); 255 when there is none."""
    cx, cy, r = circle
    yy, xx = np.mgrid[0:gray.shape[0], 0:gray.shape[1]]
    on_rim = (np.abs(np.hypot(xx - cx, yy - cy) - r) < 0.5 * px_per_mm) & ink
    return float(np.median(gray[on_rim])) if on_rim.any() else 255.0


def rim_core_share(gray: np.ndarray, ink: np.ndarray, circle: tuple[float, float, float], px_per_mm: float) -> float:
    """Share of the ink within 0.5 mm of a circle (px) that lies within 0.4 mm of a pen's dark
    core (darker than PEN_LEVEL); 0 when there is none. A rim found in a signature's loops runs
    along pen strokes; a stamp's rim is crossed by them only here and there."""
    cx, cy, r = circle
    yy, xx = np.mgrid[0:gray.shape[0], 0:gray.shape[1]]
    on_rim = (np.abs(np.hypot(xx - cx, yy - cy) - r) < 0.5 * px_per_mm) & ink
    if not on_rim.any():
        return 0.0
    reach = 2 * max(1, int(round(0.4 * px_per_mm))) + 1
    near_core = cv2.dilate((gray < PEN_LEVEL).astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach)))
    return float(near_core[on_rim].mean())


def read_signature(page: Page, f: FormField, color: bool) -> SignatureReading:
    """Signed or not; and, where the form expects a stamp, stamped or not. A stamp is looked
    for only where one is expected, so a signature is never mistaken for one elsewhere."""
    assert f.box is not None
    stamped, score, stamp_confidence, circle, blue_bar = (detect_stamp(page, f, color) if f.stamp
                                                           else (False, 0.0, 1.0, None, BLUE_BAR))
    inner = f.box.inset(SIGNATURE_INSET_MM)
    # The stamp's own ink is taken out as the colour it was found in.
    masks = ink_masks(page, inner, color, PEN_LEVEL if f.stamp else FAINT_PEN_LEVEL, blue_bar)
    pen = masks.pen
    if circle is not None:
        search_sl, inner_sl = page.slice(f.box.grow(STAMP_SEARCH_MM)), page.slice(inner)
        origin = (inner_sl[1].start - search_sl[1].start, inner_sl[0].start - search_sl[0].start)
        area = stamp_area(pen.shape, origin, circle, page.px_per_mm)
        # On colour, only stamp-coloured ink inside the stamp is removed: a pen crossing it stays.
        pen = pen & ~(area & masks.stamp_coloured) if color else pen & ~area
    strokes, span = _strokes(pen, page.px_per_mm)
    share = float(strokes.mean()) if strokes.size else 0.0
    signed = share >= MIN_INK_SHARE and span >= MIN_SPAN_MM
    margin = min(abs(share - MIN_INK_SHARE) / MIN_INK_SHARE, abs(span - MIN_SPAN_MM) / MIN_SPAN_MM)
    circle_mm = None
    if circle is not None:
        sl = page.slice(f.box.grow(STAMP_SEARCH_MM))
        mm = page.px_per_mm
        circle_mm = ((circle[0] + sl[1].start) / mm, (circle[1] + sl[0].start) / mm, circle[2] / mm)
    return SignatureReading(f.name, signed, round(share, 4), round(span, 1), stamped,
                            round(score, 3), circle_mm, round(float(min(1.0, margin)), 3),
                            round(stamp_confidence, 3))
