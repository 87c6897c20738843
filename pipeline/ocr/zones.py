"""Zonal OCR: cut each field out of the straightened page, clean it, and stack the crops of one
kind into a single composite image, so that a page costs one tesseract call per kind of field
rather than one per field (each call costs ~75 ms before it reads anything). Words come back with
positions and are mapped to their field by the band of the composite they fall in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from pipeline.forms.template import FormField
from pipeline.geometry import Box
from pipeline.ocr.clean import Page, ink_share, remove_lines
from pipeline.ocr.shifts import Shift
from pipeline.ocr.walls import cell_offsets
from pipeline.ocr.tesseract import Word

MARGIN = 24  # white border around the composite, px
LINE_GAP = 28  # white space between two fields' bands, px
TEXT_INSET_MM = 0.9  # inside a box's printed edge; covers the straightening error
CELL_INSET_MM = 0.6
EMPTY_TEXT_INK = 0.004  # share of dark pixels under which a box counts as empty
EMPTY_CELL_INK = 0.012
# Comb cells hold digits; read with the full character set (one call per page), a digit can come
# back as its look-alike letter. Anything else stays as read and fails validation. A "g" is not
# taken for a 9: a hand's 8 with an open lower loop reads so too (over the stored readings of
# earlier runs, comb values accepted with a "g" were wrong 2 times in 11, both 8s; and a
# handwritten RT 8 on the pair set of seed 2049), so it is no vote for 9 when the digit network
# reads one: the two readers disagree and a reviewer decides.
DIGIT_LOOKALIKES = str.maketrans("OoQDIl|iZzSsBGbq", "0000111122558669")


@dataclass(frozen=True)
class Zone:
    field: str
    y0: int
    y1: int
    groups: tuple[tuple[int, int], ...] = ()  # x ranges of comb groups in the composite
    filled: tuple[int, ...] = ()  # comb fields: how many cells of each group hold ink


@dataclass(frozen=True)
class Composite:
    image: np.ndarray
    zones: tuple[Zone, ...]
    cells: dict[str, list[list[np.ndarray]]] = field(default_factory=dict)  # comb fields: inked cells per group

    @property
    def empty(self) -> bool:
        return not self.zones


@dataclass(frozen=True)
class FieldText:
    field: str
    text: str
    groups: tuple[str, ...]  # comb fields: the characters read in each group of cells
    conf: float  # 0..1; the weakest word's confidence
    words: int
    filled: tuple[int, ...] = ()  # comb fields: inked cells per group (what `groups` should hold)
    confs: tuple[float, ...] = ()  # every word's confidence, 0..1, in reading order
    second: tuple[str, ...] = ()  # comb fields: the digit reader's reading of each group (ocr/digits.py)
    second_conf: float = 0.0  # its least sure cell, 0..1

    @property
    def comb_consistent(self) -> bool:
        """Every group has exactly one character per inked cell."""
        return bool(self.filled) and tuple(len(g) for g in self.groups) == self.filled


Piece = tuple[str, np.ndarray, tuple[tuple[int, int], ...], tuple[int, ...]]
Shifts = dict[Box, Shift] | None


def _shift(shifts: Shifts, f: FormField) -> Shift:
    return (shifts or {}).get(f.box, (0, 0)) if f.box is not None else (0, 0)


def stack(pieces: list[Piece]) -> Composite:
    if not pieces:
        return Composite(np.full((8, 8), 255, np.uint8), ())
    width = max(p[1].shape[1] for p in pieces) + 2 * MARGIN
    height = sum(p[1].shape[0] for p in pieces) + LINE_GAP * (len(pieces) - 1) + 2 * MARGIN
    canvas = np.full((height, width), 255, np.uint8)
    zones, y = [], MARGIN
    for name, crop, groups, filled in pieces:
        h, w = crop.shape
        canvas[y:y + h, MARGIN:MARGIN + w] = crop
        shifted = tuple((a + MARGIN, b + MARGIN) for a, b in groups)
        zones.append(Zone(name, y - LINE_GAP // 2, y + h + LINE_GAP // 2, shifted, filled))
        y += h + LINE_GAP
    return Composite(canvas, tuple(zones))


def text_crop(page: Page, f: FormField) -> np.ndarray:
    assert f.box is not None
    return remove_lines(page.handwriting(f.box.inset(TEXT_INSET_MM)), page.px_per_mm, sides_only=True)


def text_pieces(page: Page, fields: list[FormField],
                plain: Page | None = None) -> tuple[list[Piece], set[str]]:
    """The non-empty free-text fields' crops, and the names of the empty ones (judged on
    `plain` when given, see `build_composite`)."""
    pieces, empty = [], set()
    for f in fields:
        crop = text_crop(page, f)
        if ink_share(crop if plain is None else text_crop(plain, f)) < EMPTY_TEXT_INK:
            empty.add(f.name)
            continue
        pieces.append((f.name, crop, (), ()))
    return pieces, empty


def comb_cells(page: Page, f: FormField, shift: Shift = (0, 0)) -> list[np.ndarray]:
    """Each cell's cleaned pixels, the comb's print found `shift` from its place: the whole comb
    is cleaned first, so its long edges are removed."""
    assert f.box is not None
    raw = page.handwriting(f.box, shift)
    offsets = cell_offsets(page, f, shift)
    if any(offsets):  # the comb is stretched: each cell is taken from where its walls are
        raw = raw.copy()
        top, left = (s.start for s in page.slice(f.box))
        for cell, offset in zip(f.cells, offsets, strict=True):
            rows, cols = page.slice(cell)
            raw[rows.start - top:rows.stop - top, cols.start - left:cols.stop - left] = \
                page.handwriting(cell, (shift[0] + offset, shift[1]))
    strip = remove_lines(raw, page.px_per_mm)
    x0, y0 = page.px(f.box.x), page.px(f.box.y)
    inset = page.px(CELL_INSET_MM)
    cells = []
    for cell in f.cells:
        top, left = page.px(cell.y) - y0 + inset, page.px(cell.x) - x0 + inset
        bottom, right = page.px(cell.bottom) - y0 - inset, page.px(cell.right) - x0 - inset
        cells.append(strip[max(0, top):bottom, max(0, left):right])
    return cells


def filled_cells(cells: list[np.ndarray], f: FormField,
                 judged: list[np.ndarray] | None = None) -> list[list[np.ndarray]]:
    """The inked cells of each group of a comb, in writing order; whether a cell is inked is
    judged on `judged` (the same cells of another version of the page) when given."""
    judged = cells if judged is None else judged
    return [[cells[i] for i in group if ink_share(judged[i]) >= EMPTY_CELL_INK] for group in f.cell_groups]


def comb_pieces(page: Page, fields: list[FormField], shifts: Shifts,
                plain: Page | None = None) -> tuple[list[Piece], set[str], dict[str, list[list[np.ndarray]]]]:
    """One line per comb field: its written cells side by side, a wide gap between groups; the
    empty fields; and each written field's inked cells (the digit reader reads the same ones)."""
    pieces, empty, inked = [], set(), {}
    for f in fields:
        cells = comb_cells(page, f, _shift(shifts, f))
        filled = filled_cells(cells, f, None if plain is None else comb_cells(plain, f, _shift(shifts, f)))
        if not any(filled):
            empty.add(f.name)
            continue
        inked[f.name] = filled
        cell_h = max(c.shape[0] for c in cells)
        cell_w = max(c.shape[1] for c in cells)
        spacing, gap = max(2, cell_w // 4), cell_w * 2
        row, ranges, x = [], [], 0
        for group in filled:
            start = x
            for c in group:
                pad = np.full((cell_h, c.shape[1] + spacing), 255, np.uint8)
                pad[: c.shape[0], : c.shape[1]] = c
                row.append(pad)
                x += pad.shape[1]
            ranges.append((start, max(start + 1, x)))
            row.append(np.full((cell_h, gap), 255, np.uint8))
            x += gap
        pieces.append((f.name, np.hstack(row), tuple(ranges), tuple(len(g) for g in filled)))
    return pieces, empty, inked


def build_composite(page: Page, fields: list[FormField], shifts: Shifts = None,
                    plain: Page | None = None) -> tuple[Composite, set[str]]:
    """All written fields of a page in one image: comb lines, then text boxes; and the names of
    the fields left empty. `shifts`: where each comb's print was found (ocr/shifts.py); a comb
    not in it is read where the template puts it. `plain`: the same page before its grey ink
    was darkened (clean.darken_grey_ink), when it was: it decides which boxes and comb cells are
    empty, since darkening would turn an empty box's faint halo into ink."""
    combs, empty_combs, inked = comb_pieces(page, [f for f in fields if f.comb is not None], shifts, plain)
    texts, empty_texts = text_pieces(page, [f for f in fields if f.comb is None], plain)
    stacked = stack(combs + texts)
    return Composite(stacked.image, stacked.zones, inked), empty_combs | empty_texts


def _group_of(word: Word, ranges: tuple[tuple[int, int], ...]) -> int:
    """The comb group a word overlaps most."""
    overlaps = [min(b, word.left + word.width) - max(a, word.left) for a, b in ranges]
    return int(np.argmax(overlaps))


# A stamp's rim or a signature's tail reaching into a text box comes back as a short, unsure
# "word" much smaller than the writing around it ("bentrok. Pan"); measured on the bench, these
# were the typed fields' most common trailing error. Dropped only when everything else in the box
# reads cleanly, so a doubtful word of handwriting is never silently lost.
SPECK_CONF = 35.0
SPECK_HEIGHT = 0.7  # of the field's median word height
CLEAN_CONF = 80.0


def _without_specks(words: list[Word]) -> list[Word]:
    if len(words) < 3:
        return words
    median = float(np.median([w.height for w in words]))
    specks = [w for w in words if w.conf < SPECK_CONF and w.height < SPECK_HEIGHT * median]
    rest = [w for w in words if w not in specks]
    if not specks or not rest or min(w.conf for w in rest) < CLEAN_CONF:
        return words
    return rest


def assign_words(words: list[Word], composite: Composite) -> dict[str, FieldText]:
    """Each word to the field whose band holds its centre; fields in reading order."""
    by_field: dict[str, list[Word]] = defaultdict(list)
    for word in words:
        for zone in composite.zones:
            if zone.y0 <= word.center_y < zone.y1:
                by_field[zone.field].append(word)
                break
    out = {}
    for zone in composite.zones:
        found = sorted(by_field.get(zone.field, []), key=lambda w: (w.line, w.left))
        if not zone.groups:
            found = _without_specks(found)
        groups: tuple[str, ...] = ()
        if zone.groups:
            parts: list[list[str]] = [[] for _ in zone.groups]
            for w in found:
                parts[_group_of(w, zone.groups)].append(w.text.translate(DIGIT_LOOKALIKES))
            groups = tuple("".join(p) for p in parts)
        text = " ".join(w.text for w in found)
        conf = min((w.conf for w in found), default=0.0) / 100.0
        out[zone.field] = FieldText(zone.field, text, groups, conf, len(found), zone.filled,
                                    tuple(w.conf / 100.0 for w in found))
    return out
