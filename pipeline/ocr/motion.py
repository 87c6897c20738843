"""Find a shaky hand's smear on a straightened page, and undo it for the text readers.

A phone moved during the exposure smears every stroke along one line: a 1 mm smear doubles each
edge of a typed letter, and tesseract reads the page as noise (on the hard benchmark set of seed 2031, typed
fields on photos smeared 7 camera pixels were accepted 28 % of the time, against 96 % on photos
without). Deconvolution undoes such a smear well, but only with the right kernel, and a wrong one
adds edges of its own.

The kernel is not guessed from the page's look: the form's own print is known exactly (the blank
form, rendered as for printing), so the blur that turns the blank form's captions and rules into
what the photo shows can be fitted directly. Only print away from every box is used (nobody
writes there); the photo's offset from the form is found first, for each part of the page on
its own (coarsely by matching its print, then finely), then the fit, summed over the parts, is between
846 likely kernels (a line of each length and angle, and plain defocus), so a page without a
smear is left alone. Only the text readers see the
sharpened page: ticks, signatures and the capture gate measure the photo as taken.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from pipeline.forms.template import Template
from pipeline.ocr.blank import blank_gray, form_digest
from pipeline.ocr.deblur import line_kernel, wiener

RADIUS_PX = 8  # kernels up to 17 px (2 mm at 8 px/mm): a smear longer than that is a retake
LENGTHS_PX = tuple(range(3, 17))
ANGLES_DEG = tuple(range(0, 180, 6))
SOFTNESS_PX = (0.6, 1.0)  # the lens and the chat app's rescaling soften every kernel a little
DEFOCUS_PX = (0.6, 0.9, 1.2, 1.6, 2.0, 2.5)
# The straightened photo can sit a pixel or two off the blank form (bench/geometry.md: 0.2 mm at
# the median); every kernel tried is centred, so a plain offset would be explained best by a
# line along it. So the offset is found first (the best of defocus kernels shifted by up to
# 3 px), and the kernels are compared on the photo moved back by it.
SHIFTS_PX = tuple(x / 2 for x in range(-6, 7))
SAMPLES = 12_000  # pixels near print the fit uses; more changed no estimate on the bench pages
# ... and found for each part of the page on its own: a sheet not lying flat sits off the form
# by different amounts in different parts, and one offset for the whole page let that spread
# look like a line blur. On seed 2041's 70 curled photos, one offset: 18 pages sharpened, 14 of
# them with no smear or the wrong one; 3 x 4 parts: 8, 1; 4 x 6 parts (52 x 50 mm on A4): 8, 1,
# with smears found closer to the truth. On seed 2031's 162 flat phone photos the decisions did
# not change (23 of 31 smeared pages sharpened, no other).
# A curled sheet's bend still moved print further than the fine search reaches and hid real
# smears. So each part is first placed coarsely (its blurred print matched within
# COARSE_REACH_PX), and a part whose fine offset still ends at the edge of the search (moved or
# stretched more than it covers) is left out. On 16 photos smeared by 4-7 camera pixels among
# the curled photos of two training seeds (4083, 4087): smears found 4 -> 7, none on the 123
# others. On flat pages nothing moves that far: on three flat training seeds (4049, 4057, 4063)
# and seed 2031 every decision and kernel stayed (one angle 6 -> 12 degrees). Smaller parts
# (26 x 25 mm) found 9 of the 16 curled smears but fitted flat smears a pixel shorter, and a
# flat phone photo of seed 2031 had 2 of its values accepted that way instead of 7.
TILES = (4, 6)  # columns, rows
MIN_TILE_SAMPLES = 300  # a part with fewer samples (little print away from the boxes) is not used
COARSE_REACH_PX = 10
COARSE_SIGMA_PX = 1.5  # both prints are blurred alike before matching, so a smear moves no peak
COARSE_STEP = 2  # placed at half resolution: the fine search that follows reaches 3 px
BOX_MARGIN_MM = 3.0  # writing, ticks and stamps can spill this far past a box
# A smear worth undoing: long enough to double a letter's edges, and explaining the print
# clearly better than any defocus. Measured on seed 2031's typed phone photos (79): none without
# a smear or only defocused came above a 1.05 fit ratio; smears of 4-7 camera pixels came out
# 5-11 px long at 1.12-2.65.
MIN_LENGTH_PX = 6
MIN_FIT_RATIO = 1.15
# A best line as long as the longest tried is pinned at the edge of the search: the blur is
# longer than any kernel here, or no line at all. On curled photos of two training seeds (4083,
# 4087) three pages blurred only by defocus were fitted by the longest line at 1.15-1.17 and read
# as noise once "sharpened"; on seed 2031 and two training seeds, no page with a real smear was
# fitted by it (the longest real smear found: 15 px).
MAX_LENGTH_PX = LENGTHS_PX[-1] - 1
NOISE_TO_SIGNAL = 0.01
# A coarse sheet (quality.COARSE_PX_PER_MM: two forms in one chat-forwarded photo, 2.2-3 px per
# mm each) is enlarged about three times onto the page grid, so finer than a third of the grid's
# Nyquist there is nothing of the paper, only the enlargement's ramps and the JPEG's blocks, and
# 0.01 sharpens those too. There the restoration fades out past the photo's own Nyquist
# (deblur.wiener `cutoff`) and is held back four times harder. On the four shaken training sets
# (seeds 4201-4207 of `python -m bench.shaken`), typed values accepted on smeared coarse sheets
# 80/97/149/174 (500) -> 100/121/163/204 (588), none newly wrong (the one wrong value of 4205,
# a paragraph's "jamalirannya", was accepted before too); the fade alone at 0.01 let 93 through on
# 4201, 2 wrong; 0.04 alone, as tried before (below), 568 with 1 wrong. Other sheets unchanged.
# Bench, chat-forwarded typed values accepted on the sets of two forms per photo: 91.1 -> 94.4 %
# (2043), 92.2 -> 92.7 % (2045), 90.1 -> 93.4 % (2049), 83.6 -> 86.2 % (2047, where Rabiah is now
# read right), no new accepted error; on hard set 2029 one value newly misread and held. The
# second reader keeps its own restoration (CHECK_NOISE_TO_SIGNAL, no fade): it must see otherwise.
COARSE_NOISE_TO_SIGNAL = 0.04
# Tried before and not kept: a gentler 0.04 on coarse sheets only (quality.COARSE_PX_PER_MM: two forms
# in one chat-forwarded photo, enlarged three times onto the page grid). On four training sets
# of such photos, all smeared (seeds 4201-4207 of `python -m bench.shaken`), typed values
# accepted on smeared coarse sheets went 500 -> 568, 1 wrong either way (on 4201 0.01 let 80
# through, 0.02 86, 0.04 99, 0.08 91, 0.16 40). But the two readers then read nearly one image
# (the check's own restoration is 0.05), and on bench set 2047 both read "Rablah" for Rabiah:
# chat-forwarded typed values accepted 83.6 -> 87.1 %, 1 of 101 wrong. With the check reading the
# coarse photo as taken, 523 went through on training, 1 wrong (another value); reading the
# 0.01 restoration, 540, 1 wrong ("Dasa" for Desa); a gentler check (0.2) agreed on fewer than
# before (73 of 125 on 4201). A name has no word list to catch an i read as l, nor "Dasa" a
# doubt, so none was kept. Nor the gentler restoration for combs and place names only (checked
# by the digit network and the gazetteer): 555 through, 2 wrong, for the digit readers then
# agreed more, the page passed as legibly written (build.writing_agreement, the bar
# build.SECOND_READING_AGREEMENT) and a name was let through on the two readers' agreement
# ("Rehmani" for Rahmani). Both misreads got past that agreement rule, not the confidence model.
# The second reader (ocr/read.py `second_reading`) is shown a restoration of its own, held back
# five times harder: fewer ringing edges, softer letters, so its slips differ from the first
# reader's. Read from the photo as taken, as before, it agreed on 201 of 269 held typed values
# on smeared pages of the twelve training seeds; from this page on 246, none wrong (0.03: 249,
# one wrong; 0.1: 231). On the hard sets 161 -> 208, no new error.
CHECK_NOISE_TO_SIGNAL = 0.05


@dataclass(frozen=True)
class Smear:
    length_px: int
    angle_deg: int
    fit_ratio: float  # residual of the best defocus (centred or shifted) over the best kernel

    @property
    def worth_undoing(self) -> bool:
        return MIN_LENGTH_PX <= self.length_px <= MAX_LENGTH_PX and self.fit_ratio >= MIN_FIT_RATIO


def _padded(kernel: np.ndarray) -> np.ndarray:
    size = 2 * RADIUS_PX + 1
    out = np.zeros((size, size), dtype=np.float32)
    h = min(kernel.shape[0] // 2, RADIUS_PX)
    c = kernel.shape[0] // 2
    out[RADIUS_PX - h:RADIUS_PX + h + 1, RADIUS_PX - h:RADIUS_PX + h + 1] = kernel[c - h:c + h + 1, c - h:c + h + 1]
    return out / out.sum()


def _gaussian(sigma: float, dy: float = 0.0, dx: float = 0.0) -> np.ndarray:
    """A defocus kernel, its centre moved by (dy, dx) pixels."""
    axis = np.arange(-RADIUS_PX, RADIUS_PX + 1, dtype=np.float32)
    column = np.exp(-((axis - dy) ** 2) / (2 * sigma * sigma))
    row = np.exp(-((axis - dx) ** 2) / (2 * sigma * sigma))
    kernel = np.outer(column, row)
    return kernel / kernel.sum()


@cache
def _offsets() -> tuple[tuple[tuple[float, float], ...], np.ndarray]:
    """Defocus kernels moved by each likely offset, flattened one per row, with the offset."""
    shifts, rows = [], []
    for sigma in DEFOCUS_PX[:4]:
        for dy in SHIFTS_PX:
            for dx in SHIFTS_PX:
                shifts.append((dy, dx))
                rows.append(_gaussian(sigma, dy, dx).ravel())
    kernels = np.stack(rows).astype(np.float32)
    kernels.setflags(write=False)
    return tuple(shifts), kernels


@cache
def _candidates() -> tuple[tuple[tuple[int, int], ...], np.ndarray, int]:
    """Every kernel tried, centred, flattened one per row, with (length, angle), length 1 for
    defocus; and how many of the first rows are defocus."""
    names, rows = [], []
    for sigma in DEFOCUS_PX:
        names.append((1, 0))
        rows.append(_gaussian(sigma).ravel())
    defocus = len(rows)
    for length in LENGTHS_PX:
        for angle in ANGLES_DEG:
            line = _padded(line_kernel(length, angle))
            for sigma in SOFTNESS_PX:
                soft = cv2.filter2D(line, -1, _gaussian(sigma), borderType=cv2.BORDER_CONSTANT)
                names.append((length, angle))
                rows.append((soft / soft.sum()).ravel())
    kernels = np.stack(rows).astype(np.float32)
    kernels.setflags(write=False)
    return tuple(names), kernels, defocus


@dataclass(frozen=True)
class _Tile:
    """One part of the page's samples, fitted with an offset of its own."""

    ys: np.ndarray
    xs: np.ndarray
    box: tuple[int, int, int, int]  # rows and columns the samples span: y0, y1, x0, x1
    patches: np.ndarray  # samples x kernel cells, centred per cell within the tile


@dataclass(frozen=True)
class _Reference:
    """What the fit needs from the blank form, the same for every photo of it: the sampled
    pixels, the print around each, and how much each kernel's blurred print varies, per tile;
    and the form as the coarse placing sees it."""

    shape: tuple[int, ...]  # the page it was drawn at
    tiles: tuple[_Tile, ...]
    energy: np.ndarray  # tiles x kernels: sum of squares of each kernel's centred blurred print
    offset_energy: np.ndarray  # the same for the shifted defocus kernels (`_offsets`)
    coarse: np.ndarray  # the blank form's gray as `_coarse` sees a photo


_REFERENCES: dict[tuple[str, float], _Reference | None] = {}
_LOCK = threading.Lock()  # pages are read two at a time in one process (flows/intake.py)


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


def _build_reference(template: Template, px_per_mm: float) -> _Reference | None:
    gray = blank_gray(template, px_per_mm)
    ink = 1 - gray.astype(np.float32) / 255
    ys, xs = np.nonzero(_usable(ink, template, px_per_mm))
    if len(ys) < SAMPLES // 4:
        return None
    pick = np.random.default_rng(0).choice(len(ys), size=min(SAMPLES, len(ys)), replace=False)
    ys, xs = ys[pick], xs[pick]
    side = 2 * RADIUS_PX + 1
    # Row i: the print around sample i, flipped so that row @ kernel is the print convolved
    # with the kernel there, as a blur is.
    windows = np.lib.stride_tricks.sliding_window_view(ink, (side, side))
    patches = windows[ys - RADIUS_PX, xs - RADIUS_PX][:, ::-1, ::-1].reshape(len(ys), side * side)
    kernels, shifted = _candidates()[1], _offsets()[1]
    cols, rows = TILES
    tile_of = (xs * cols // ink.shape[1]) * rows + ys * rows // ink.shape[0]
    tiles, energy, offset_energy = [], [], []
    for t in range(cols * rows):
        mine = np.nonzero(tile_of == t)[0]
        if len(mine) < MIN_TILE_SAMPLES:
            continue
        own = patches[mine] - patches[mine].mean(axis=0)
        cov = own.T @ own
        box = (int(ys[mine].min()), int(ys[mine].max()) + 1, int(xs[mine].min()), int(xs[mine].max()) + 1)
        tiles.append(_Tile(ys[mine], xs[mine], box, own))
        energy.append(np.einsum("ij,ij->i", kernels @ cov, kernels))
        offset_energy.append(np.einsum("ij,ij->i", shifted @ cov, shifted))
    if not tiles:
        return None
    return _Reference(ink.shape, tuple(tiles), np.maximum(np.stack(energy), 1e-12),
                      np.maximum(np.stack(offset_energy), 1e-12), _coarse(gray))


def _projections(flat: np.ndarray, tiles: list[_Tile], offsets: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Each tile's photo samples (moved by its offset, centred: the photo's print is greyer than
    the PDF's, so gain and level are free) projected on its print patches, and their energy."""
    along, total = [], []
    for tile, (dy, dx) in zip(tiles, offsets, strict=True):
        seen = _sample(flat, tile.ys + dy, tile.xs + dx)
        seen -= seen.mean()
        along.append(tile.patches.T @ seen)
        total.append(float(seen @ seen))
    return np.stack(along), np.array(total)


def _residuals(along: np.ndarray, total: np.ndarray, kernels: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Tiles x kernels: each kernel's least-squares fit to each tile, the residual left after the
    best multiple of the kernel's blurred print."""
    return total[:, None] - (along @ kernels.T) ** 2 / energy


def _sample(flat: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """Ink (0 paper .. 1 black) of `flat` at fractional positions, bilinear."""
    grid = cv2.remap(flat, xs.astype(np.float32).reshape(1, -1), ys.astype(np.float32).reshape(1, -1),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return 1 - grid.ravel().astype(np.float32) / 255


def _reference(template: Template, px_per_mm: float) -> _Reference | None:
    key = (form_digest(template), px_per_mm)
    with _LOCK:
        if key not in _REFERENCES:
            if len(_REFERENCES) > 4:
                _REFERENCES.clear()
            _REFERENCES[key] = _build_reference(template, px_per_mm)
        return _REFERENCES[key]


def _coarse(gray: np.ndarray) -> np.ndarray:
    """`gray` averaged over COARSE_STEP x COARSE_STEP blocks and blurred by COARSE_SIGMA_PX
    (in full-resolution pixels), as float."""
    h, w = gray.shape
    small = cv2.resize(gray, (w // COARSE_STEP, h // COARSE_STEP), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small.astype(np.float32), (0, 0), COARSE_SIGMA_PX / COARSE_STEP)


def _coarse_offset(photo: np.ndarray, blank: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int]:
    """Where the part `box` (full-resolution rows and columns) of the blank form's print lies in
    the photo, both as `_coarse` gives them, within COARSE_REACH_PX, in full-resolution pixels.
    The part's ends are rounded down: at most one half-resolution row or column is left out."""
    y0, y1, x0, x1 = (v // COARSE_STEP for v in box)
    reach = COARSE_REACH_PX // COARSE_STEP
    h, w = photo.shape
    a0, a1 = max(0, y0 - reach), min(h, y1 + reach)
    b0, b1 = max(0, x0 - reach), min(w, x1 + reach)
    score = cv2.matchTemplate(photo[a0:a1, b0:b1], blank[y0:y1, x0:x1], cv2.TM_CCOEFF_NORMED)
    _, _, _, (mx, my) = cv2.minMaxLoc(score)
    return (a0 + my - y0) * COARSE_STEP, (b0 + mx - x0) * COARSE_STEP


def find_smear(flat: np.ndarray, template: Template, px_per_mm: float) -> Smear | None:
    """The line blur that best turns the blank form's print into `flat` (the straightened page,
    lighting flattened), or None when there is too little print to tell, or too little of it
    found near where the form puts it."""
    reference = _reference(template, px_per_mm)
    if reference is None or flat.shape != reference.shape:
        return None
    shifts, shifted = _offsets()
    names, kernels, defocus = _candidates()
    photo = _coarse(flat)
    tiles = list(reference.tiles)
    coarse = [_coarse_offset(photo, reference.coarse, tile.box) for tile in tiles]
    along, total = _projections(flat, tiles, coarse)
    fine = _residuals(along, total, shifted, reference.offset_energy).argmin(axis=1)
    # A part still off at the edge of the fine search has moved or stretched more than it covers.
    keep = [i for i, k in enumerate(fine) if max(abs(shifts[k][0]), abs(shifts[k][1])) < SHIFTS_PX[-1]]
    # ... and a few parts left are too little print to tell (as for a form, `_build_reference`):
    # one part whose coarse match locked onto the wrong print would decide the page. On 209
    # curled photos at least 5800 samples were left.
    if sum(len(tiles[i].ys) for i in keep) < SAMPLES // 4:
        return None
    offsets = [(coarse[i][0] + shifts[fine[i]][0], coarse[i][1] + shifts[fine[i]][1]) for i in keep]
    along, total = _projections(flat, [tiles[i] for i in keep], offsets)
    residual = _residuals(along, total, kernels, reference.energy[keep]).sum(axis=0)
    best = int(np.argmin(residual))
    length, angle = names[best]
    return Smear(length, angle, float(residual[:defocus].min()) / max(float(residual[best]), 1e-12))


def photo_nyquist(photo_px_per_mm: float, page_px_per_mm: float) -> float:
    """The finest detail (cycles per page-grid pixel) a photo with `photo_px_per_mm` holds once
    enlarged onto the page grid."""
    return 0.5 * min(1.0, photo_px_per_mm / page_px_per_mm)


def undo_smear(flat: np.ndarray, smear: Smear, regions: list[tuple[slice, slice]],
               noise_to_signal: float = NOISE_TO_SIGNAL, cutoff: float | None = None) -> np.ndarray:
    """`flat` with the smear undone inside `regions` (the written fields: only the text readers
    use this page), each deconvolved with a kernel's width of its surroundings so its edges see
    what the smear brought in. The boxes are about a third of the page. `cutoff`: see
    deblur.wiener and COARSE_NOISE_TO_SIGNAL."""
    kernel = line_kernel(smear.length_px, smear.angle_deg)
    pad = kernel.shape[0]
    h, w = flat.shape
    out = flat.copy()
    for rows, cols in regions:
        y0, y1, x0, x1 = max(0, rows.start - pad), min(h, rows.stop + pad), max(0, cols.start - pad), min(w, cols.stop + pad)
        sharp = wiener(flat[y0:y1, x0:x1], kernel, noise_to_signal, cutoff)
        out[rows, cols] = sharp[rows.start - y0:rows.stop - y0, cols.start - x0:cols.stop - x0]
    return out
