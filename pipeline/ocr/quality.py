"""Capture quality: is this photo good enough to read, and if not, what should the KIM member do
differently? Measured cheaply, before any OCR.

Two moments:
- `assess_image` looks at the whole photo. It only speaks when the form could not be found: a
  dark, blurred or tiny photo then gets a reason that says so ("Foto buram, mohon difoto ulang")
  instead of "no marks found".
- `assess_page` looks at a located form: how many photo pixels cover each millimetre of paper,
  how much of the form is outside the frame, how sharp the printed edges are, and whether a
  glare spot washed the print out. The form is read anyway (the gate never throws away a page
  the reader can manage); what the gate finds becomes a note beside the reasons, and a part
  of the form outside the photo becomes a reason, because what is not in the photo cannot be
  read.

Sharpness is the steepness of strong edges relative to their contrast: a sharp step edge rises
in about one pixel, a blurred one over several. Measured on a known scale (the straightened page,
or the photo scaled to a fixed size), it is an edge width in millimetres that does not depend on
what is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.forms.template import Template

ASSESS_LONG_SIDE = 1200  # px: the whole photo is judged at this size
# Thresholds, chosen on the generated defect set (bench/intake.py reports the gate's effect):
DARK_PAPER = 70  # paper (the 90th percentile of luminance) darker than this: too dark
MIN_PX_PER_MM = 2.6  # fewer photo pixels per mm of paper: typed capitals are < 8 px tall (normal photos: >= 2.66)
# Readable, but coarse: its grey ink is darkened for the text readers (ocr/clean.py), and a second
# reader's agreeing counts only where the first was fairly sure (extract/build.py). Two forms in
# one chat-forwarded photo get 2.2-3.0 px per mm each. Of the 1116 normal single photos of the
# five benchmark sets and the curled set, 20 (chat-forwarded, framed in landscape) had 2.66-3.0.
COARSE_PX_PER_MM = 3.0
# Under MIN_PX_PER_MM the sender is asked for a better photo, but a sheet down to this still gets a
# second reading (extract/build.py, with the coarse floor): two forms in one chat-forwarded photo
# get 2.25-2.6 px per mm each, and there the two readers agreeing let 36 more values through on
# six training seeds of pairs (4091-4101), none wrong. 2.2 rounds the least measured down; the
# gate's photos far too small (380-520 px long, some 1.5 px per mm) are well below it, and
# nothing was measured there.
SECOND_READING_PX_PER_MM = 2.2
# A text box that looks empty is a sure blank on a sheet down to this: on the six training seeds
# of pairs (sheets of 2.3-2.6 px per mm) none of 977 written values, typed or handwritten, looked
# empty. A tick is smaller: one was lost there (of 220 choice groups), so an unticked box still
# waits for review under MIN_PX_PER_MM (extract/capture.py).
SURE_BLANK_PX_PER_MM = 2.2
BLURRY_EDGE_MM = 0.34  # printed edges wider than this on the straightened page (normal photos: <= 0.31)
BLURRY_EDGE_PX = 2.0  # whole-photo edges wider than this at ASSESS_LONG_SIDE (normal: <= 1.5)
GLARE_NEAR_MM = 0.5  # print counts as washed out only if no ink is this close to it
# Printed tiles washed out by a reflection. Measured under the mask alone, normal scans reached
# 0.004 and glare began at 0.008, so the bar was 0.006. With GLARE_NEAR_MM, 276 normal marked
# photos and scans of three training sets (4049, 4083 curled, 4103 hard) measure 0.0 and their
# 6 glare photos 0.018-0.053; the bar is halved (chosen after a faint spot on a bench chat photo,
# seed 2033, measured 0.0051 and went unnoticed at 0.006).
GLARE_SHARE = 0.003
CLIPPED = 245  # this bright in every channel is clipped white
MARK_MARGIN_MM = 1.5  # around a mark or the QR, left out of an unmarked form's glare test
CUT_OFF_MM = 3.0  # a field box reaching this far outside the photo is cut off
BLANK_INK_SHARE = 0.0015  # an empty page has less ink than this (dust, show-through)
# ... and hardly anything even faintly darker than its paper (FAINT_LEVEL, 16 % below it): a
# photo blurred so much that no stroke stays dark is not an empty page but one to take again.
# On the three hard sets' 124 blank backs at most 0.00002 of the page was that dark; on the
# blurred photos of seed 2035, at least 0.0087 (one of them had been called blank).
BLANK_FAINT_SHARE = 0.002
FAINT_LEVEL = 215


@dataclass(frozen=True)
class ImageQuality:
    paper_level: float  # luminance of the brightest tenth, 0..255
    edge_px: float  # typical edge width at ASSESS_LONG_SIDE
    long_side: int

    @property
    def problem(self) -> str | None:
        if self.paper_level < DARK_PAPER:
            return "dark"
        if self.long_side < 800:
            return "low_res"
        if self.edge_px > BLURRY_EDGE_PX:
            return "blurry"
        return None


@dataclass(frozen=True)
class PageQuality:
    px_per_mm: float  # photo pixels per millimetre of paper (the lower of the two axes)
    edge_mm: float  # typical width of a printed edge on the straightened page
    glare_share: float  # share of the printed tiles whose print vanished into clipped white
    cut_fields: tuple[str, ...]  # fields whose box reaches outside the photo
    paper_level: float = 255.0  # luminance of the brightest tenth of the page, before flattening
    glare_fields: tuple[str, ...] = ()  # fields touching a washed-out tile

    @property
    def coarse(self) -> bool:
        """Readable, but its grey ink is darkened for the text readers, and a second reader's
        agreeing counts only where the first was fairly sure (see COARSE_PX_PER_MM)."""
        return self.px_per_mm < COARSE_PX_PER_MM

    @property
    def allows_second_reading(self) -> bool:
        """Whether a second reader agreeing may let a value through (pages.process_page): not on
        a blurred, dark, glared or cut-off photo, nor one far too small."""
        return (set(self.problems) <= {"low_res"}) and self.px_per_mm >= SECOND_READING_PX_PER_MM

    @property
    def far_too_small(self) -> bool:
        """Under SECOND_READING_PX_PER_MM, where no reading was ever measured: nothing read there
        is accepted without a reviewer (extract/capture.py)."""
        return self.px_per_mm < SECOND_READING_PX_PER_MM

    @property
    def empty_text_is_blank(self) -> bool:
        """Whether a text box that looks empty is a sure blank (extract/capture.py): yes unless the
        photo is blurred or too small, but still yes on a sheet whose only fault is being
        somewhat small (SURE_BLANK_PX_PER_MM). A tick box is judged by `problems` alone."""
        if not {"blurry", "low_res"} & set(self.problems):
            return True
        return set(self.problems) == {"low_res"} and self.px_per_mm >= SURE_BLANK_PX_PER_MM

    @property
    def problems(self) -> tuple[str, ...]:
        found = []
        if self.paper_level < DARK_PAPER:
            found.append("dark")
        if self.px_per_mm < MIN_PX_PER_MM:
            found.append("low_res")
        if self.edge_mm > BLURRY_EDGE_MM:
            found.append("blurry")
        if self.glare_share > GLARE_SHARE:
            found.append("glare")
        if self.cut_fields:
            found.append("cut_off")
        return tuple(found)


def edge_width(gray: np.ndarray, top_share: float = 0.01) -> float:
    """Typical width, in pixels, of the strongest edges: local contrast over gradient."""
    if gray.size == 0:
        return 0.0
    # OpenCV throughout: numpy conversions of a whole page cost more than the filters.
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3, scale=0.25)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3, scale=0.25)
    magnitude = cv2.magnitude(gx, gy)
    kernel = np.ones((7, 7), np.uint8)
    contrast = cv2.subtract(cv2.dilate(gray, kernel), cv2.erode(gray, kernel))
    level = float(np.quantile(magnitude[::3, ::3], 1 - top_share))  # a sample sets the bar: 10x cheaper
    strong = (magnitude >= max(8.0, level)) & (contrast > 40)
    if np.count_nonzero(strong) < 50:
        return 0.0  # nothing with edges: let the other checks speak
    return float(np.median(contrast[strong] / np.maximum(magnitude[strong], 1e-3)))


def assess_image(rgb: np.ndarray) -> ImageQuality:
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
    long_side = max(gray.shape)
    scale = ASSESS_LONG_SIDE / long_side
    small = cv2.resize(gray, None, fx=scale, fy=scale,
                       interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    return ImageQuality(float(np.percentile(small, 90)), edge_width(small), long_side)


def is_blank(rgb: np.ndarray) -> bool:
    """An empty sheet (the back of a duplex scan): almost nothing darker than its own paper."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
    scale = ASSESS_LONG_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    flat = cv2.divide(small, np.maximum(background, 1), scale=255)
    return (float(np.count_nonzero(flat < 170)) / flat.size < BLANK_INK_SHARE
            and float(np.count_nonzero(flat < FAINT_LEVEL)) / flat.size < BLANK_FAINT_SHARE)


def photo_px_per_mm(homography: np.ndarray, template: Template) -> float:
    """Photo pixels per millimetre of paper, the lower of the two axes (the page's mean edge
    lengths; a tilted phone makes one side longer than the other)."""
    w, h = template.page.width, template.page.height
    corners = np.array([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]], dtype=np.float64)
    p = cv2.perspectiveTransform(corners, homography).reshape(-1, 2)
    widths = (np.linalg.norm(p[1] - p[0]) + np.linalg.norm(p[2] - p[3])) / 2 / w
    heights = (np.linalg.norm(p[3] - p[0]) + np.linalg.norm(p[2] - p[1])) / 2 / h
    return float(min(widths, heights))


def _cut_fields(homography: np.ndarray, template: Template, frame: tuple[int, int]) -> tuple[str, ...]:
    """Fields (their box, or a choice's option boxes) falling partly outside the photo, with a
    tolerance of CUT_OFF_MM inside the printed edge."""
    fh, fw = frame
    cut = []
    for f in template.fields:
        b = f.outline.inset(CUT_OFF_MM) if min(f.outline.w, f.outline.h) > 2 * CUT_OFF_MM else f.outline
        pts = np.array([[[b.x, b.y]], [[b.right, b.y]], [[b.right, b.bottom]], [[b.x, b.bottom]]], dtype=np.float64)
        q = cv2.perspectiveTransform(pts, homography).reshape(-1, 2)
        if (q[:, 0] < 0).any() or (q[:, 1] < 0).any() or (q[:, 0] > fw).any() or (q[:, 1] > fh).any():
            cut.append(f.name)
    return tuple(cut)


def _glare(page_rgb: np.ndarray, printed: np.ndarray | None, in_frame: np.ndarray, px_per_mm: float,
           template: Template, marked: bool = True) -> tuple[float, tuple[str, ...]]:
    """Share of the printed parts of the page where the print has vanished into clipped white (a
    lamp's reflection takes the print under it along, while white paper alone, a flatbed scan,
    leaves the print dark), judged in ~5 mm tiles inside the photo's frame; and the fields that
    touch such a tile."""
    if printed is None:
        return 0.0, ()
    # Half resolution is plenty for 5 mm tiles, and four times cheaper.
    half = (page_rgb.shape[1] // 2, page_rgb.shape[0] // 2)
    small = cv2.resize(page_rgb, half, interpolation=cv2.INTER_NEAREST)
    printed = cv2.resize(printed.view(np.uint8), half, interpolation=cv2.INTER_NEAREST)
    in_frame = cv2.resize(in_frame.view(np.uint8), half, interpolation=cv2.INTER_NEAREST)
    px_per_mm /= 2
    radius = max(1, int(round(0.45 * px_per_mm)))  # undo blank.py's widening: the print itself
    thin = cv2.erode(printed, np.ones((2 * radius + 1, 2 * radius + 1), np.uint8))
    r, g, b = cv2.split(small)
    brightest = cv2.min(cv2.min(r, g), b)
    if not marked and np.median(brightest[in_frame.view(bool)]) >= CLIPPED:
        # A form found by its outline has its print mask placed only to a millimetre or so
        # (bench/geometry.md: 1.17 mm at the median, far worse at times), and on paper clipped
        # white, as a flatbed leaves it, print missing under the mask is then the mask
        # misplaced, not a reflection (which a flatbed does not make).
        return 0.0, ()
    # Washed out: clipped white all around, not just under the mask. A thin rule the template
    # places a few tenths of a mm from where a low-resolution scan shows it (a form at 72 or
    # 100 dpi) has white under the mask, but its ink close by.
    near = max(1, int(round(GLARE_NEAR_MM * px_per_mm)))
    washed = cv2.erode((brightest >= CLIPPED).view(np.uint8), np.ones((2 * near + 1, 2 * near + 1), np.uint8))
    clipped = cv2.bitwise_and(washed, thin)
    tile = max(4, int(round(5 * px_per_mm)))
    h, w = thin.shape
    th, tw = h // tile, w // tile
    if th == 0 or tw == 0:
        return 0.0, ()

    def tiles(a: np.ndarray) -> np.ndarray:
        return a[: th * tile, : tw * tile].reshape(th, tile, tw, tile).sum(axis=(1, 3))

    prints, lost = tiles(thin), tiles(clipped)
    inside = tiles(in_frame.astype(np.uint8)) >= tile * tile * 0.95
    printed_tiles = inside & (prints >= tile)
    glare = printed_tiles & (lost >= 0.8 * prints)
    mm = tile / px_per_mm
    touched = []
    for f in template.fields:
        o = f.outline
        rows = glare[max(0, int(o.y // mm)):math.ceil(o.bottom / mm), max(0, int(o.x // mm)):math.ceil(o.right / mm)]
        if rows.any():
            touched.append(f.name)
    return float(glare.sum()) / max(1.0, float(printed_tiles.sum())), tuple(touched)


def _in_frame(homography: np.ndarray, frame: tuple[int, int], shape: tuple[int, int], px_per_mm: float) -> np.ndarray:
    """Which pixels of the straightened page came from inside the photo."""
    out_to_image = homography @ np.diag([1 / px_per_mm, 1 / px_per_mm, 1.0])
    ones = np.full(frame, 255, np.uint8)
    return cv2.warpPerspective(ones, out_to_image, (shape[1], shape[0]),
                               flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0) > 0


def without_marks(printed: np.ndarray, template: Template, px_per_mm: float) -> np.ndarray:
    """`printed` with the corner marks and the QR code left out: a form found by its outline
    (an older version, a photocopy) has none, and blank paper where the mask expects them is
    no sign of glare. On a training set of forms without marks (seed 4105) 7 of its 17 scans
    were noted as glared; with the marks and QR left out 4 still were, for the mask placed a
    little off (`_glare`)."""
    out = printed.copy()
    for box in (*template.mark_boxes().values(), template.qr):
        grown = box.grow(MARK_MARGIN_MM)
        out[max(0, int(grown.y * px_per_mm)):int(np.ceil(grown.bottom * px_per_mm)),
            max(0, int(grown.x * px_per_mm)):int(np.ceil(grown.right * px_per_mm))] = False
    return out


def assess_page(homography: np.ndarray, template: Template, frame: tuple[int, int], page_rgb: np.ndarray,
                page_flat: np.ndarray, printed: np.ndarray | None, px_per_mm: float,
                marked: bool = True) -> PageQuality:
    """`homography` maps template mm to photo px; `frame` is the photo's (height, width);
    `marked`: the form was found by its marks (not by its outline and title)."""
    if printed is not None and not marked:
        printed = without_marks(printed, template, px_per_mm)
    gray = page_flat
    if printed is not None:  # judge sharpness on the form's own print: known, crisp edges
        gray = cv2.max(page_flat, cv2.bitwise_not(printed.view(np.uint8) * np.uint8(255)))
    in_frame = _in_frame(homography, frame, page_flat.shape, px_per_mm)
    raw = cv2.cvtColor(page_rgb[::4, ::4], cv2.COLOR_RGB2GRAY)
    inside = in_frame[::4, ::4]
    paper = float(np.percentile(raw[inside], 90)) if inside.any() else 0.0
    glare_share, glare_fields = _glare(page_rgb, printed, in_frame, px_per_mm, template, marked)
    return PageQuality(
        px_per_mm=photo_px_per_mm(homography, template),
        edge_mm=edge_width(gray) / px_per_mm,
        glare_share=glare_share,
        cut_fields=_cut_fields(homography, template, frame),
        paper_level=paper,
        glare_fields=glare_fields,
    )
