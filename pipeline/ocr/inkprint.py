"""What was written in a sheet's free-text boxes, kept as a small picture per box: enough to tell
whether two photos show the same paper when their readings differ (a hurried hand read two ways
in two photos), too coarse to be worth reading (2 px per mm; comb boxes are left out, since NIK
and phone numbers are personal data).

Two photos of one sheet, each straightened onto the template grid, show the same strokes in the
same places; two sheets written apart, even with the same words, do not. Measured on the repeated
serials of hard bench sets 2031 and 2033 and on 1,501 pairs of different sheets of one form
drawn from them (median over a sheet's boxes, those with at least MIN_INK_MM2 of ink on both,
of the best normalised correlation within +-SEARCH_MM): the same sheet photographed twice
0.733-0.999 (24 pairs; the lowest a defocused chat photo of a handwritten sheet), different
sheets 0.27-0.56 (21 sheets reusing a serial, 1,501 drawn pairs); every pair had at least 6
such boxes. At 1 px per mm the two overlapped more (0.817-1.0 against up to 0.746).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping

import cv2
import numpy as np

from pipeline.forms.template import FieldType, FormField
from pipeline.ocr.clean import Page

INK_PX_PER_MM = 2
SEARCH_MM = 2  # two photos of one sheet are straightened within ~0.5 mm of each other
# A box with less ink than this (mm² of full strokes) holds nothing worth comparing: a dash for
# "none", a dot, a speck. Two sheets with a dash in every box are not one sheet. Written words
# measured 6-60 mm² on the hard sets ("Senin" in the day box ~9-11).
MIN_INK_MM2 = 5
MIN_INK = MIN_INK_MM2 * INK_PX_PER_MM**2 * 255
FREE_TEXT = frozenset({FieldType.TEXT, FieldType.MULTILINE, FieldType.DESA, FieldType.KECAMATAN})


def ink_print(page: Page, fields: Iterable[FormField]) -> dict[str, str]:
    """Each free-text box's handwriting (the form's own print removed), shrunk to INK_PX_PER_MM,
    as a base64 PNG of ink darkness: 0.5-1.2 KB a written box."""
    out = {}
    for f in fields:
        if f.type not in FREE_TEXT or f.box is None:
            continue
        ink = 255 - page.handwriting(f.box).astype(np.float32)
        size = (max(1, round(f.box.w * INK_PX_PER_MM)), max(1, round(f.box.h * INK_PX_PER_MM)))
        small = cv2.resize(ink, size, interpolation=cv2.INTER_AREA)
        ok, png = cv2.imencode(".png", np.clip(small, 0, 255).astype(np.uint8))
        if ok:
            out[f.name] = base64.b64encode(png.tobytes()).decode("ascii")
    return out


def _decode(text: str) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(base64.b64decode(text), np.uint8), cv2.IMREAD_GRAYSCALE).astype(np.float32)


def box_agreement(a: np.ndarray, b: np.ndarray) -> float | None:
    """The best normalised correlation of two boxes' ink, `b` moved up to SEARCH_MM over `a`;
    None when either holds too little ink to say."""
    if a.shape != b.shape or a.sum() < MIN_INK or b.sum() < MIN_INK:
        return None
    s = SEARCH_MM * INK_PX_PER_MM
    inner = b[s:-s, s:-s]
    if inner.size == 0 or inner.std() < 1e-3 or a.std() < 1e-3:
        return None
    return float(cv2.matchTemplate(a, inner, cv2.TM_CCOEFF_NORMED).max())


def ink_agreement(a: Mapping[str, str], b: Mapping[str, str]) -> tuple[float | None, int]:
    """The median box agreement of two sheets' ink prints over the boxes both have ink in, and
    how many boxes that was."""
    scores = [s for name in a.keys() & b.keys()
              if (s := box_agreement(_decode(a[name]), _decode(b[name]))) is not None]
    return (float(np.median(scores)) if scores else None), len(scores)
