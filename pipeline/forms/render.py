"""Draw printable A4 forms from a template (reportlab). Pure: returns PDF bytes.

Design choices that matter for reading the photo back:
- ArUco markers (DICT_4X4_50) in the corners: each corner has its own id, so a page is found,
  straightened and turned upright from any 2 of them, and the ids alone tell the form type.
- A QR code with form id, version, serial (and village), plus the serial in large digits as a
  fallback the OCR can read when the QR is damaged.
- Writing boxes, comb cells and checkboxes in mid-grey thin lines: clear to a writer, and thin
  enough for the reader to remove them before OCR.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache

import cv2
import numpy as np
import segno
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline import fonts
from pipeline.forms.identity import encode_identity, format_serial
from pipeline.forms.template import FieldType, FormField, Template
from pipeline.gazetteer import Village
from pipeline.geometry import Box
from pipeline.record import Identity

ARUCO_DICT = cv2.aruco.DICT_4X4_50
BOX_GREY = 0.45  # writing boxes: visible, yet light enough to remove before OCR
LABEL_GREY = 0.15
HEADER = (
    "PEMERINTAH KABUPATEN BARITO KUALA",
    "SEKRETARIAT DAERAH - BAGIAN PROTOKOL DAN KOMUNIKASI PIMPINAN",
    "KIM PRODUK KOPI - Kelompok Informasi Masyarakat",
)


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    for name, font in (
        ("Sans", fonts.SANS),
        ("Sans-Bold", fonts.SANS_BOLD),
        ("Mono-Bold", fonts.MONO_BOLD),
    ):
        pdfmetrics.registerFont(TTFont(name, str(font.require())))


@lru_cache(maxsize=64)
def aruco_bits(marker_id: int) -> np.ndarray:
    """The marker as a 6x6 grid of 1 = black (4x4 data bits plus a one-cell black border)."""
    dictionary = cv2.aruco.getPredefinedDictionary(ARUCO_DICT)
    image = cv2.aruco.generateImageMarker(dictionary, marker_id, 6)
    return (image < 128).astype(np.uint8)


class _Page:
    """Millimetre drawing on a reportlab canvas whose origin is the page's top-left corner."""

    def __init__(self, canvas: Canvas, height_mm: float) -> None:
        self.c = canvas
        self.h = height_mm

    def rect(self, box: Box, *, stroke: float | None = BOX_GREY, fill: float | None = None,
             width: float = 0.5) -> None:
        c = self.c
        if stroke is not None:
            c.setStrokeGray(stroke)
            c.setLineWidth(width)
        if fill is not None:
            c.setFillGray(fill)
        c.rect(box.x * mm, (self.h - box.bottom) * mm, box.w * mm, box.h * mm,
               stroke=int(stroke is not None), fill=int(fill is not None))
        c.setFillGray(0)

    def text(self, x: float, y: float, text: str, *, font: str = "Sans", size: float = 8,
             grey: float = LABEL_GREY, align: str = "left") -> None:
        c = self.c
        c.setFont(font, size)
        c.setFillGray(grey)
        draw = {"left": c.drawString, "center": c.drawCentredString, "right": c.drawRightString}
        draw[align](x * mm, (self.h - y) * mm, text)
        c.setFillGray(0)

    def line(self, x1: float, y1: float, x2: float, y2: float, *, grey: float = 0,
             width: float = 0.5, dash: tuple[float, float] | None = None) -> None:
        c = self.c
        c.setStrokeGray(grey)
        c.setLineWidth(width)
        c.setDash(*dash) if dash else c.setDash()
        c.line(x1 * mm, (self.h - y1) * mm, x2 * mm, (self.h - y2) * mm)
        c.setDash()

    def grid(self, bits: np.ndarray, box: Box) -> None:
        """Black cells of a bit grid (marker or QR) filling `box`; adjacent cells merge in rows."""
        rows, cols = bits.shape
        cw, ch = box.w / cols, box.h / rows
        c = self.c
        c.setFillGray(0)
        for r in range(rows):
            col = 0
            while col < cols:
                if not bits[r, col]:
                    col += 1
                    continue
                start = col
                while col < cols and bits[r, col]:
                    col += 1
                x, y = box.x + start * cw, box.y + r * ch
                # A hair of overlap stops white seams between cells in some PDF viewers.
                c.rect(x * mm, (self.h - y - ch) * mm, (col - start) * cw * mm + 0.05, ch * mm + 0.05,
                       stroke=0, fill=1)


def qr_bits(payload: str) -> np.ndarray:
    """QR modules with a 2-module quiet zone (the form keeps the surrounding area white too)."""
    code = segno.make(payload, error="m", micro=False)
    matrix = np.array([list(row) for row in code.matrix], dtype=np.uint8)
    return np.pad(matrix, 2)


def _draw_header(p: _Page, t: Template, identity: Identity, village: Village | None) -> None:
    p.text(105, 14, HEADER[0], font="Sans-Bold", size=11, grey=0, align="center")
    p.text(105, 18.5, HEADER[1], size=7.5, grey=0, align="center")
    p.text(105, 22.5, HEADER[2], size=7.5, grey=0, align="center")
    p.line(10, 25, t.page.width - 10, 25, width=1.2)
    p.text(14, 32, t.title, font="Sans-Bold", size=14, grey=0)
    p.text(14, 36.5, f"{t.subtitle}  ({t.id} versi {t.version})", size=7, grey=0.25)
    p.text(14, 45.6, "NO. SERI", font="Sans-Bold", size=7, grey=0)
    p.rect(t.serial, stroke=0.6, width=0.6)
    serial_mid = t.serial.y + t.serial.h / 2
    p.text(t.serial.x + t.serial.w / 2, serial_mid + 2.1, format_serial(identity.serial),
           font="Mono-Bold", size=16, grey=0, align="center")
    v = t.village
    if village is not None:
        p.text(v.x, v.y + 3.2, "Khusus untuk:", size=6.5, grey=0.3)
        p.text(v.x, v.y + 7.6, village.label, font="Sans-Bold", size=9.5, grey=0)
    p.grid(qr_bits(encode_identity(identity)), t.qr)
    if t.instructions:
        p.text(14, 53, t.instructions, size=6.8, grey=0.2)


def _draw_marks(p: _Page, t: Template) -> None:
    for mark_id, box in zip(t.marks.ids, t.mark_boxes().values()):
        p.grid(aruco_bits(mark_id), box)


def _draw_section(p: _Page, title: str, y: float, width: float) -> None:
    p.rect(Box(x=14, y=y, w=width - 28, h=5), stroke=None, fill=0.88)
    p.text(16, y + 3.7, title, font="Sans-Bold", size=8.5, grey=0)


def _field_label(p: _Page, f: FormField) -> None:
    box = f.outline
    label = f.label + (" *" if f.required else "")
    p.text(box.x, box.y - 1.3, label, size=7.5)
    if f.hint:
        width = p.c.stringWidth(label + "  ", "Sans", 7.5) / mm
        p.text(box.x + width, box.y - 1.3, f.hint, size=6.5, grey=0.4)


def _draw_written(p: _Page, f: FormField) -> None:
    assert f.box is not None
    _field_label(p, f)
    if f.comb is None:
        p.rect(f.box)
    else:
        for cell in f.cells:
            p.rect(cell)
        groups = f.cell_groups
        for left, right in zip(groups, groups[1:]):
            gap_mid = (f.cells[left[-1]].right + f.cells[right[0]].x) / 2
            p.text(gap_mid, f.box.y + f.box.h * 0.68, f.comb.separator, size=11, grey=0.35,
                   align="center")
    if f.type is FieldType.MULTILINE and f.lines and f.lines > 1:
        pitch = f.box.h / f.lines
        for i in range(1, f.lines):
            y = f.box.y + i * pitch
            p.line(f.box.x + 2, y, f.box.right - 2, y, grey=0.7, width=0.3, dash=(1, 2))


def _draw_choice(p: _Page, f: FormField) -> None:
    if f.type is not FieldType.FLAG:
        p.text(f.outline.x, f.outline.y - 1.8, f.label + (" *" if f.required else ""), size=7.5)
    for option in f.options or []:
        p.rect(option.box, stroke=0.1, width=0.8)
        p.text(option.box.right + 1.8, option.box.y + option.box.h / 2 + 1.1, option.label, size=8)


def _draw_signature(p: _Page, f: FormField) -> None:
    assert f.box is not None
    p.rect(f.box, stroke=0.35, width=0.6)
    mid = f.box.x + f.box.w / 2
    p.text(mid, f.box.bottom + 3.3, f.label + (" *" if f.required else ""), font="Sans-Bold",
           size=7.5, grey=0, align="center")
    hint = "tanda tangan, nama jelas & cap" if f.stamp else "tanda tangan & nama jelas"
    p.text(mid, f.box.bottom + 6.4, f"({hint})", size=6.3, grey=0.35, align="center")


def _draw_page(p: _Page, t: Template, identity: Identity, village: Village | None) -> None:
    _draw_marks(p, t)
    _draw_header(p, t, identity, village)
    for section in t.sections:
        _draw_section(p, section.title, section.y, t.page.width)
    for f in t.fields:
        if f.type.is_choice:
            _draw_choice(p, f)
        elif f.type is FieldType.SIGNATURE:
            _draw_signature(p, f)
        else:
            _draw_written(p, f)
    if t.footer:
        p.text(t.page.width / 2, t.page.height - 14.5, t.footer, size=6, grey=0.3, align="center")


def render_forms(template: Template, identities: Sequence[Identity],
                 village: Village | None = None) -> bytes:
    """One A4 page per identity, in order, as a PDF."""
    if not identities:
        raise ValueError("nothing to render: no serial numbers given")
    _register_fonts()
    buffer = io.BytesIO()
    size = (template.page.width * mm, template.page.height * mm)
    canvas = Canvas(buffer, pagesize=size, pageCompression=1, invariant=1)
    canvas.setTitle(f"{template.title} ({template.id} v{template.version})")
    canvas.setAuthor("Pemerintah Kabupaten Barito Kuala - KIM PRODUK KOPI")
    for identity in identities:
        if identity.form_id != template.id or identity.version != template.version:
            raise ValueError(f"identity {identity.form_id} v{identity.version} is not {template.key}")
        _draw_page(_Page(canvas, template.page.height), template, identity, village)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
