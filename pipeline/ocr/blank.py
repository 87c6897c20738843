"""What the printer put on the page: the blank form rendered at the reading resolution.

Anything dark on a photo where the blank form is dark is print, not a villager's ink. Masking it
out (slightly widened, to absorb the straightening error) removes box edges, comb dividers,
dotted rules and printed captions from every crop before ink is measured or text is read.
"""

from __future__ import annotations

import hashlib

import cv2
import numpy as np

from pipeline.forms.render import render_forms
from pipeline.forms.template import Template
from pipeline.ocr.poppler import rasterize_page
from pipeline.record import Identity

PRINT_LEVEL = 215
WIDEN_MM = 0.45


_CACHE: dict[tuple[str, str, float], np.ndarray] = {}


def form_digest(template: Template) -> str:
    """What a cache of things drawn from a form is keyed by: its whole content, so a changed
    layout under the same id and version is never served an old drawing."""
    return hashlib.sha256(template.model_dump_json().encode()).hexdigest()


def _cached(kind: str, template: Template, px_per_mm: float, make) -> np.ndarray:
    key = (kind, form_digest(template), px_per_mm)
    image = _CACHE.get(key)  # one lookup: the other page's thread may clear the cache meanwhile
    if image is None:
        if len(_CACHE) > 16:
            _CACHE.clear()
        image = make()
        image.setflags(write=False)
        _CACHE[key] = image
    return image


def blank_gray(template: Template, px_per_mm: float) -> np.ndarray:
    """The blank form as printed (serial 1), grayscale, page-sized; read-only, cached."""
    def make() -> np.ndarray:
        identity = Identity(form_id=template.id, version=template.version, serial=1)
        pdf = render_forms(template, [identity])
        gray = cv2.cvtColor(rasterize_page(pdf, 1, dpi=int(round(px_per_mm * 25.4))), cv2.COLOR_RGB2GRAY)
        size = (int(round(template.page.width * px_per_mm)), int(round(template.page.height * px_per_mm)))
        if (gray.shape[1], gray.shape[0]) != size:
            gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        return gray
    return _cached("gray", template, px_per_mm, make)


def printed_mask(template: Template, px_per_mm: float) -> np.ndarray:
    """Boolean page-sized mask, True where the blank form has print (widened); read-only, cached."""
    def make() -> np.ndarray:
        printed = (blank_gray(template, px_per_mm) < PRINT_LEVEL).astype(np.uint8)
        radius = max(1, int(round(WIDEN_MM * px_per_mm)))
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        return cv2.dilate(printed, kernel).astype(bool)
    return _cached("printed", template, px_per_mm, make)
