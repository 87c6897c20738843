"""Put a `Fill` on a rasterised blank form: text in boxes and comb cells, ticks, signatures and
round stamps, in typed or handwriting-like fonts. Inks are laid down multiplicatively, as ink
on paper is: a stamp over a signature darkens both.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline import fonts
from pipeline.forms.template import FieldType, FormField, Template
from pipeline.geometry import Box
from pipeline.samples.content import Fill

BLACK_INK = (22, 22, 30)
BLUE_PENS = ((20, 35, 120), (25, 45, 140), (30, 30, 90))
STAMP_INKS = ((95, 45, 150), (60, 70, 165), (110, 60, 170), (45, 75, 175))
# Signature roles whose stamps read "PEMERINTAH DESA ..." or "KECAMATAN ...".
STAMP_TITLES = {"kepala_desa": "KEPALA DESA", "camat": "CAMAT"}


@lru_cache(maxsize=32)
def _font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size_px)


class Ink:
    """Coverage masks (0..1) per ink colour, composited onto the page at the end."""

    def __init__(self, shape: tuple[int, int], scale: float) -> None:
        self.shape, self.scale = shape, scale  # scale: pixels per millimetre
        self.layers: list[tuple[np.ndarray, tuple[int, int, int]]] = []

    def layer(self, color: tuple[int, int, int]) -> np.ndarray:
        mask = np.zeros(self.shape, dtype=np.float32)
        self.layers.append((mask, color))
        return mask

    def px(self, mm: float) -> int:
        return int(round(mm * self.scale))

    def apply(self, page: np.ndarray) -> np.ndarray:
        out = page.astype(np.float32)
        for mask, color in self.layers:
            m = np.clip(mask, 0, 1)[..., None]
            out *= 1 - m + m * (np.array(color, dtype=np.float32) / 255.0)
        return np.clip(out, 0, 255).astype(np.uint8)


def _stamp_text(mask: np.ndarray, text: str, font: ImageFont.FreeTypeFont, x: int, y: int,
                angle: float = 0.0, strength: float = 1.0) -> None:
    """Blend `text` into `mask` from its left edge at `x`, with the middle of a capital letter at
    height `y` and rotated by `angle`. Words sit on the baseline as type does: placed by their own
    box instead, "guru" (no capitals, a descender) would float above "Rumah" beside it."""
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    cap = -font.getbbox("H", anchor="ls")[1]
    w, h = right - left + 4, bottom - top + 4
    tile = Image.new("L", (w, h), 0)
    ImageDraw.Draw(tile).text((2 - left, 2 - top), text, font=font, fill=255, anchor="ls")
    if angle:
        tile = tile.rotate(angle, resample=Image.BICUBIC, expand=True)
    arr = np.asarray(tile, dtype=np.float32) / 255.0 * strength
    # The baseline lies 2 - top rows down the unrotated tile; rotation grows the tile about its centre.
    baseline = y + cap // 2
    y0 = baseline - (2 - top) - (arr.shape[0] - h) // 2
    x0 = x - (arr.shape[1] - w) // 2
    _blend(mask, arr, x0, y0)


def _blend(mask: np.ndarray, tile: np.ndarray, x0: int, y0: int) -> None:
    h, w = tile.shape
    ys, xs = max(y0, 0), max(x0, 0)
    ye, xe = min(y0 + h, mask.shape[0]), min(x0 + w, mask.shape[1])
    if ye <= ys or xe <= xs:
        return
    region = tile[ys - y0: ye - y0, xs - x0: xe - x0]
    np.maximum(mask[ys:ye, xs:xe], region, out=mask[ys:ye, xs:xe])


class Writer:
    """One person's hand (or one typewriter) for a whole form."""

    def __init__(self, ink: Ink, rng: np.random.Generator, style: str) -> None:
        self.ink, self.rng, self.style = ink, rng, style
        handwriting = style == "handwriting"
        pool = fonts.HANDWRITING_FILLS if handwriting else fonts.TYPED_FILLS
        self.font_file = pool[int(rng.integers(len(pool)))]
        color = BLUE_PENS[int(rng.integers(3))] if handwriting and rng.random() < 0.6 else BLACK_INK
        self.mask = ink.layer(color)
        self.cap_mm = float(rng.uniform(3.6, 4.3) if handwriting else rng.uniform(3.0, 3.4))
        self.jitter = 0.35 if handwriting else 0.0

    def font(self, cap_mm: float) -> ImageFont.FreeTypeFont:
        return _font(str(self.font_file.require()), max(8, self.ink.px(cap_mm / 0.72)))

    def _word_angle(self) -> float:
        return float(self.rng.normal(0, 1.2)) if self.jitter else 0.0

    def line(self, text: str, box: Box, baseline_mm: float) -> None:
        """Write `text` from the box's left edge, shrinking the font until it fits the width."""
        cap = self.cap_mm
        while True:
            font = self.font(cap)
            if font.getlength(text) <= self.ink.px(box.w - 3) or cap < 1.8:
                break
            cap *= 0.92
        x = self.ink.px(box.x + 1.5 + self.rng.uniform(0, 0.8))
        space = font.getlength(" ")
        for word in text.split(" "):
            dy = self.rng.normal(0, self.jitter) if self.jitter else 0.0
            y = self.ink.px(baseline_mm - cap * 0.45 + dy)
            _stamp_text(self.mask, word, font, x, y, self._word_angle())
            x += int(font.getlength(word) + space * (1 + (self.rng.uniform(-0.1, 0.3) if self.jitter else 0)))

    def comb(self, chars: str, cells: list[Box]) -> None:
        font = self.font(min(self.cap_mm * 1.05, 4.6))
        for ch, cell in zip(chars, cells):
            if ch == " ":
                continue
            dx = self.rng.normal(0, self.jitter * 0.8) if self.jitter else 0.0
            dy = self.rng.normal(0, self.jitter) if self.jitter else 0.0
            width_mm = font.getlength(ch) / self.ink.scale
            x = self.ink.px(cell.x + (cell.w - width_mm) / 2 + dx)
            y = self.ink.px(cell.y + cell.h / 2 + dy)
            _stamp_text(self.mask, ch, font, x, y, self._word_angle())

    def paragraph(self, text: str, box: Box, lines: int) -> None:
        pitch = box.h / lines
        cap = min(self.cap_mm, pitch * 0.42)
        font = self.font(cap)
        rows = wrap(text, lambda s: font.getlength(s), self.ink.px(box.w - 4))
        saved, self.cap_mm = self.cap_mm, cap
        for i, row in enumerate(rows[:lines]):
            self.line(row, box, box.y + pitch * (i + 1) - pitch * 0.22)
        self.cap_mm = saved


def wrap(text: str, measure, width: float) -> list[str]:  # noqa: ANN001 (measure: str -> float)
    rows, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if measure(candidate) <= width or not current:
            current = candidate
        else:
            rows.append(current)
            current = word
    if current:
        rows.append(current)
    return rows


def _polyline(mask: np.ndarray, points: np.ndarray, width_px: int, strength: float = 0.95) -> None:
    img = Image.fromarray((mask * 255).astype(np.uint8))
    ImageDraw.Draw(img).line([tuple(p) for p in points.astype(int)], fill=int(255 * strength),
                             width=max(1, width_px), joint="curve")
    mask[:] = np.asarray(img, dtype=np.float32) / 255.0


def draw_tick(mask: np.ndarray, box: Box, ink: Ink, rng: np.random.Generator) -> None:
    kind = rng.choice(["check", "check", "cross", "fill"])
    x0, y0, s = box.x, box.y, box.w
    j = lambda: rng.normal(0, 0.06)  # noqa: E731
    if kind == "check":
        shape = [(0.15 + j(), 0.5 + j()), (0.42 + j(), 0.85 + j()), (1.0 + j(), -0.05 + j())]
        strokes = [shape]
    elif kind == "cross":
        strokes = [[(0.1 + j(), 0.1 + j()), (0.9 + j(), 0.9 + j())],
                   [(0.9 + j(), 0.1 + j()), (0.1 + j(), 0.9 + j())]]
    else:  # a blob scribbled inside the box
        strokes = [[(0.2 + 0.6 * (k % 2) + j(), 0.15 + k * 0.12) for k in range(7)]]
    for stroke in strokes:
        pts = np.array([(ink.px(x0 + u * s), ink.px(y0 + v * s)) for u, v in stroke], dtype=float)
        _polyline(mask, pts, ink.px(rng.uniform(0.35, 0.55)))


def draw_signature(mask: np.ndarray, box: Box, ink: Ink, rng: np.random.Generator) -> None:
    """A few looping strokes across the middle of the box, like a quick signature."""
    width = rng.uniform(0.45, 0.8) * box.w
    height = rng.uniform(0.25, 0.5) * box.h
    x0 = box.x + rng.uniform(0.1, 0.9) * (box.w - width)
    yc = box.y + box.h * rng.uniform(0.4, 0.6)
    for stroke in range(int(rng.integers(1, 4))):
        t = np.linspace(0, 1, 220)
        loops = rng.uniform(3, 7)
        x = x0 + width * t + rng.uniform(1, 3) * np.cos(2 * np.pi * loops * t + rng.uniform(0, 6))
        y = yc + height / 2 * np.sin(2 * np.pi * loops * t * rng.uniform(0.5, 1.1) + rng.uniform(0, 6))
        y += rng.normal(0, 0.4) * stroke * 3
        pts = np.stack([x, y], axis=1) * ink.scale
        _polyline(mask, pts, ink.px(rng.uniform(0.35, 0.6)))
    flourish = np.array([[x0 - 1, yc + height * 0.6], [x0 + width * 1.05, yc + height * 0.3]])
    _polyline(mask, flourish * ink.scale, ink.px(0.4))


def draw_stamp(ink: Ink, box: Box, rng: np.random.Generator, title: str, lines: tuple[str, str]) -> None:
    """A round rubber stamp overlapping the left half of the signature box."""
    mask = ink.layer(STAMP_INKS[int(rng.integers(len(STAMP_INKS)))])
    radius = rng.uniform(13, 16.5)
    cx = box.x + box.w * rng.uniform(0.22, 0.45)
    cy = box.y + box.h * rng.uniform(0.35, 0.65)
    c, r = (ink.px(cx), ink.px(cy)), ink.px(radius)
    img = Image.new("L", mask.shape[::-1], 0)
    d = ImageDraw.Draw(img)
    d.ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], outline=255, width=ink.px(0.7))
    r2 = ink.px(radius - 3.2)
    d.ellipse([c[0] - r2, c[1] - r2, c[0] + r2, c[1] + r2], outline=255, width=ink.px(0.4))
    layer = np.asarray(img, dtype=np.float32) / 255.0
    font = _font(str(fonts.SANS_BOLD.require()), ink.px(2.2))
    _arc_text(layer, lines[0], c, ink.px(radius - 1.7), font, top=True, spin=rng.uniform(-20, 20))
    _arc_text(layer, lines[1], c, ink.px(radius - 1.7), font, top=False, spin=rng.uniform(-20, 20))
    centre = _font(str(fonts.SANS_BOLD.require()), ink.px(2.6))
    _stamp_text(layer, title, centre, c[0] - int(centre.getlength(title) / 2), c[1])
    texture = rng.uniform(0.45, 0.95, size=layer.shape).astype(np.float32)
    texture = np.asarray(Image.fromarray((texture * 255).astype(np.uint8)).resize(
        layer.shape[::-1]), dtype=np.float32) / 255.0
    # Rubber stamps leave a mid-tone, uneven impression, lighter than a pen stroke.
    np.maximum(mask, layer * texture * rng.uniform(0.55, 0.8), out=mask)


def _arc_text(layer: np.ndarray, text: str, centre: tuple[int, int], radius: int,
              font: ImageFont.FreeTypeFont, top: bool, spin: float) -> None:
    span = min(150.0, 7.5 * len(text))
    for i, ch in enumerate(text):
        offset = -span / 2 + span * (i + 0.5) / len(text)
        angle = (-90 + offset if top else 90 - offset) + spin
        rad = math.radians(angle)
        x = int(centre[0] + radius * math.cos(rad))
        y = int(centre[1] + radius * math.sin(rad))
        rotate = -(angle + 90) if top else -(angle - 90)
        w = int(font.getlength(ch))
        _stamp_text(layer, ch, font, x - w // 2, y, rotate)


def draw_fill(page: np.ndarray, template: Template, fill: Fill, rng: np.random.Generator,
              style: str, dpi: float) -> np.ndarray:
    """The page with `fill` written on it by one hand in `style` ("typed" or "handwriting")."""
    ink = Ink(page.shape[:2], dpi / 25.4)
    writer = Writer(ink, rng, style)
    pen = ink.layer(BLUE_PENS[0] if rng.random() < 0.5 else BLACK_INK)
    for f in template.fields:
        if f.type.is_written:
            _write_field(writer, f, fill.written.get(f.name, ""))
        elif f.type.is_choice:
            for option in f.options or []:
                if option.value in fill.choices.get(f.name, []):
                    draw_tick(pen, option.box, ink, rng)
        else:
            _sign_field(ink, f, fill, rng)
    return ink.apply(page)


def _write_field(writer: Writer, f: FormField, text: str) -> None:
    if not text or f.box is None:
        return
    if f.comb is not None:
        writer.comb(text, f.cells)
    elif f.type is FieldType.MULTILINE:
        writer.paragraph(text, f.box, f.lines or 1)
    else:
        writer.line(text, f.box, f.box.y + f.box.h * 0.72)


def _sign_field(ink: Ink, f: FormField, fill: Fill, rng: np.random.Generator) -> None:
    state = fill.signatures.get(f.role or "", {})
    assert f.box is not None
    if state.get("stamped"):
        v = fill.village
        if f.role == "camat":
            lines = ("PEMERINTAH KAB. BARITO KUALA", f"KECAMATAN {v.kecamatan.upper()}")
        else:
            lines = (f"PEMERINTAH {v.kind.upper()} {v.name.upper()}", f"KEC. {v.kecamatan.upper()}")
        draw_stamp(ink, f.box, rng, STAMP_TITLES.get(f.role or "", "CAP"), lines)
    if state.get("signed"):
        color = BLUE_PENS[int(rng.integers(3))] if rng.random() < 0.5 else BLACK_INK
        draw_signature(ink.layer(color), f.box, ink, rng)
