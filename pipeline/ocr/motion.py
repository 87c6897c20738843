"""Find a shaky hand's smear on a straightened page, and undo it for the text readers.

A phone moved during the exposure smears every stroke along one line: a 1 mm smear doubles each
edge of a typed letter, and tesseract reads the page as noise (on the hard benchmark sets, typed
fields on photos smeared 7 camera pixels were accepted 28 % of the time, against 96 % on photos
without). Deconvolution undoes such a smear well, but only with the right kernel, and a wrong one
adds edges of its own.

The kernel is not guessed from the page's look: the form's own print is known exactly (the blank
form, rendered as for printing), so the blur that turns the blank form's captions and rules into
what the photo shows can be fitted directly. Only print away from every box is used (nobody
writes there), and the fit is between a few likely kernels (a line of each length and angle, and
plain defocus), so a page without a smear is left alone. Only the text readers see the
sharpened page: ticks, signatures and the capture gate measure the photo as taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from pipeline.forms.template import Template
from pipeline.ocr.blank import blank_gray
from pipeline.ocr.deblur import line_kernel, wiener

RADIUS_PX = 8  # kernels up to 17 px (2 mm at 8 px/mm): a smear longer than that is a retake
LENGTHS_PX = tuple(range(3, 17))
ANGLES_DEG = tuple(range(0, 180, 6))
SOFTNESS_PX = (0.6, 1.0)  # the lens and the chat app's rescaling soften every kernel a little
DEFOCUS_PX = (0.6, 0.9, 1.2, 1.6, 2.0, 2.5)
SAMPLES = 12_000  # pixels near print the fit uses; more changed no estimate on the bench pages
BOX_MARGIN_MM = 3.0  # writing, ticks and stamps can spill this far past a box
# A smear worth undoing: long enough to double a letter's edges, and explaining the print
# clearly better than any defocus. Measured on the hard benchmark's phone photos: no photo
# without a smear came above a 1.11 fit ratio, smears of 5-7 camera pixels came out 6-12 px
# long at 1.2-1.8.
MIN_LENGTH_PX = 6
MIN_FIT_RATIO = 1.15
NOISE_TO_SIGNAL = 0.01


@dataclass(frozen=True)
class Smear:
    length_px: int
    angle_deg: int
    fit_ratio: float  # residual of the best defocus over the best line: > 1 means a line fits better

    @property
    def worth_undoing(self) -> bool:
        return self.length_px >= MIN_LENGTH_PX and self.fit_ratio >= MIN_FIT_RATIO


def _padded(kernel: np.ndarray) -> np.ndarray:
    size = 2 * RADIUS_PX + 1
    out = np.zeros((size, size), dtype=np.float32)
    h = min(kernel.shape[0] // 2, RADIUS_PX)
    c = kernel.shape[0] // 2
    out[RADIUS_PX - h:RADIUS_PX + h + 1, RADIUS_PX - h:RADIUS_PX + h + 1] = kernel[c - h:c + h + 1, c - h:c + h + 1]
    return out / out.sum()


def _gaussian(sigma: float) -> np.ndarray:
    column = cv2.getGaussianKernel(2 * RADIUS_PX + 1, sigma).astype(np.float32)
    return column @ column.T


@cache
def _candidates() -> tuple[tuple[tuple[int, int], ...], np.ndarray]:
    """Every kernel tried, flattened one per row, with (length, angle); length 1 is defocus."""
    names, rows = [], []
    for sigma in DEFOCUS_PX:
        names.append((1, 0))
        rows.append(_gaussian(sigma).ravel())
    for length in LENGTHS_PX:
        for angle in ANGLES_DEG:
            line = _padded(line_kernel(length, angle))
            for sigma in SOFTNESS_PX:
                soft = cv2.filter2D(line, -1, _gaussian(sigma), borderType=cv2.BORDER_CONSTANT)
                names.append((length, angle))
                rows.append((soft / soft.sum()).ravel())
    return tuple(names), np.stack(rows).astype(np.float32)


@dataclass(frozen=True)
class _Reference:
    """What the fit needs from the blank form, the same for every photo of it: the sampled
    pixels, the print around each (centred), and each kernel blurring that print."""

    ys: np.ndarray
    xs: np.ndarray
    blurred: np.ndarray  # kernels x samples: each kernel's blurred print, centred
    energy: np.ndarray  # per kernel: the blurred print's variation (sum of squares)


_REFERENCES: dict[int, tuple[np.ndarray, _Reference | None]] = {}


def _usable(ink: np.ndarray, template: Template, px_per_mm: float) -> np.ndarray:
    """Where the print can be compared with a photo: near print, away from every box (where
    writing, ticks and stamps go) and from the page edge."""
    usable = np.ones(ink.shape, dtype=bool)
    margin = BOX_MARGIN_MM * px_per_mm
    for box in template.boxes().values():
        y0, x0 = max(0, int(box.y * px_per_mm - margin)), max(0, int(box.x * px_per_mm - margin))
        usable[y0:int(box.bottom * px_per_mm + margin), x0:int(box.right * px_per_mm + margin)] = False
    side = 2 * RADIUS_PX + 1
    usable &= cv2.dilate((ink > 0.2).astype(np.uint8), np.ones((side, side), np.uint8)).astype(bool)
    r = RADIUS_PX + 1
    usable[:r], usable[-r:], usable[:, :r], usable[:, -r:] = False, False, False, False
    return usable


def _reference(template: Template, px_per_mm: float) -> _Reference | None:
    gray = blank_gray(template, px_per_mm)  # cached by content: the same array for the same form
    hit = _REFERENCES.get(id(gray))
    if hit is not None and hit[0] is gray:
        return hit[1]
    ink = 1 - gray.astype(np.float32) / 255
    ys, xs = np.nonzero(_usable(ink, template, px_per_mm))
    reference = None
    if len(ys) >= SAMPLES // 4:
        pick = np.random.default_rng(0).choice(len(ys), size=min(SAMPLES, len(ys)), replace=False)
        ys, xs = ys[pick], xs[pick]
        side = 2 * RADIUS_PX + 1
        # Row i: the print around sample i, flipped so that row @ kernel is the blurred print there.
        windows = np.lib.stride_tricks.sliding_window_view(ink, (side, side))
        patches = windows[ys - RADIUS_PX, xs - RADIUS_PX][:, ::-1, ::-1].reshape(len(ys), side * side)
        blurred = _candidates()[1] @ patches.T
        blurred -= blurred.mean(axis=1, keepdims=True)
        reference = _Reference(ys, xs, blurred, np.einsum("ij,ij->i", blurred, blurred))
    if len(_REFERENCES) > 16:
        _REFERENCES.clear()
    _REFERENCES[id(gray)] = (gray, reference)
    return reference


def find_smear(flat: np.ndarray, template: Template, px_per_mm: float) -> Smear | None:
    """The line blur that best turns the blank form's print into `flat` (the straightened page,
    lighting flattened), or None when there is too little print to tell."""
    if flat.shape != blank_gray(template, px_per_mm).shape:
        return None
    reference = _reference(template, px_per_mm)
    if reference is None:
        return None
    seen = 1 - flat[reference.ys, reference.xs].astype(np.float32) / 255
    seen -= seen.mean()
    # Each kernel's least-squares fit with a free gain and offset (the photo's print is greyer
    # than the PDF's): the residual left after the best multiple of the kernel's blurred print.
    along = reference.blurred @ seen
    residual = float(seen @ seen) - along ** 2 / np.maximum(reference.energy, 1e-12)
    best = int(np.argmin(residual))
    defocus = float(residual[:len(DEFOCUS_PX)].min())
    length, angle = _candidates()[0][best]
    return Smear(length, angle, defocus / max(float(residual[best]), 1e-12))


def undo_smear(flat: np.ndarray, smear: Smear, regions: list[tuple[slice, slice]]) -> np.ndarray:
    """`flat` with the smear undone inside `regions` (the written fields: only the text readers
    use this page), each deconvolved with a kernel's width of its surroundings so its edges see
    what the smear brought in. A tenth of the cost and memory of the whole page."""
    kernel = line_kernel(smear.length_px, smear.angle_deg)
    pad = kernel.shape[0]
    h, w = flat.shape
    out = flat.copy()
    for rows, cols in regions:
        y0, y1, x0, x1 = max(0, rows.start - pad), min(h, rows.stop + pad), max(0, cols.start - pad), min(w, cols.stop + pad)
        sharp = wiener(flat[y0:y1, x0:x1], kernel, NOISE_TO_SIGNAL)
        out[rows, cols] = sharp[rows.start - y0:rows.stop - y0, cols.start - x0:cols.stop - x0]
    return out
