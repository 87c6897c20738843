"""Printable PDF documents for people who work on paper: the feedback sheet a KIM member pins on
the village notice board, and the print-out of an SKPD's queue.

Villages get their feedback on paper (slow internet, notice boards), and many SKPD offices handle
complaints from a printed file, so these documents are built for an office printer: A4, black and
white safe (colour only repeats what text already says), nothing under 8 pt, DejaVu fonts from
Debian packages. The functions are pure - plain data in, PDF bytes out - and deterministic for the
same input (reportlab `invariant=1`; times arrive as arguments, the clock is never read), so a
re-printed sheet is byte-identical and tests can compare output.

Privacy: the feedback sheet carries no personal data by construction (its input has none). The
unit print-out shows whatever values the caller passes, which the caller has already masked or
withheld for the SKPD audience (`pipeline.report.privacy`); this module adds none.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache, partial
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pipeline import fonts
from pipeline.record import WITA
from pipeline.report.weekly import MONTHS

SANS, SANS_BOLD = "KopiDoc-Sans", "KopiDoc-Sans-Bold"
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 12 * mm, 14 * mm, 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN_X
AUTHOR = "Pemerintah Kabupaten Barito Kuala - KIM PRODUK KOPI"
GOVERNMENT = "PEMERINTAH KABUPATEN BARITO KUALA"
OFFICE = "Sekretariat Daerah - Bagian Protokol dan Komunikasi Pimpinan"

# Light enough that black text stays crisp on a black-and-white laser print.
HEADER_FILL = colors.HexColor("#D9D9D9")
RETURNED_FILL = colors.HexColor("#FCE4C4")
GRID = colors.HexColor("#808080")
LATE_RED = "#C00000"  # only ever beside the word TERLAMBAT, which carries the meaning in grey too
PLACEHOLDER_FILL = colors.HexColor("#E6E6E6")

# Millimetres, summing to the 186 mm text width; the tracking number, "Pengaduan" and a bold
# "Dikembalikan" each fit on one line at 8 pt, so no word is ever broken mid-way.
FEEDBACK_COLUMNS = (("No.", 8), ("No. registrasi", 29.5), ("Jenis", 19), ("Perihal", 27),
                    ("Diterima", 19), ("Diteruskan ke", 27), ("Keadaan", 25), ("Keterangan", 31.5))
THUMB_WIDTH, THUMB_MAX_HEIGHT = 70 * mm, 125 * mm
THUMB_COLUMN = 74 * mm
CELL_PADDING = 3  # points, left and right
# Longest row a table keeps whole: with the repeated header it still fits on a fresh page.
ROW_MAX_HEIGHT = 100 * mm
# A values table taller than this cannot stand beside the thumbnail on one page, so it goes below.
SIDE_BY_SIDE_MAX_HEIGHT = 190 * mm


@dataclass(frozen=True)
class FeedbackLine:
    """One form on the village sheet. Nothing in it names a person."""

    tracking: str            # "KOPI-2026-000123"
    form_label: str          # "Pengaduan" / "Kegiatan"
    about: str               # complaint category label or activity title (never a person's name)
    received: date
    destination: str         # e.g. "Dinas PUPR; tembusan Bupati"
    status: str              # Indonesian label; "Dikembalikan ..." rows are highlighted
    note: str = ""           # returned: the reason and what to fix; resolved: the SKPD's note


@dataclass(frozen=True)
class FeedbackSheet:
    desa: str                # "Anjir Muara Kota"
    kecamatan: str
    kind: str                # "desa" or "kelurahan"
    period_from: date
    period_to: date
    generated: datetime      # timezone-aware; printed in WITA
    lines: tuple[FeedbackLine, ...]


@dataclass(frozen=True)
class PrintItem:
    """One queued form on an SKPD print-out; `values` are already masked for the SKPD."""

    tracking: str
    form_label: str
    serial: str              # "011020"
    received: datetime       # timezone-aware
    state: str               # Indonesian queue state label
    due: date | None         # service-level deadline for this unit's next step
    overdue: bool
    thumbnail: bytes | None  # JPEG of the straightened form page
    values: tuple[tuple[str, str], ...]              # (label, value)
    routes: tuple[str, ...]                          # "Dinas PUPR (tindak lanjut)", ...
    history: tuple[tuple[datetime, str, str], ...]   # (when, who, what happened)


# --- fonts, styles, formatting -----------------------------------------------------------------

@lru_cache(maxsize=1)
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(SANS, str(fonts.SANS.require())))
    pdfmetrics.registerFont(TTFont(SANS_BOLD, str(fonts.SANS_BOLD.require())))
    # No italic face is installed with the form fonts; <i> falls back to upright rather than failing.
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS,
                                  boldItalic=SANS_BOLD)


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    body = ParagraphStyle("body", fontName=SANS, fontSize=9.5, leading=13, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName=SANS, fontSize=8, leading=10)
    return {
        "body": body,
        "cell": cell,
        "cell_bold": ParagraphStyle("cell_bold", parent=cell, fontName=SANS_BOLD),
        "cell_number": ParagraphStyle("cell_number", parent=cell, alignment=TA_RIGHT),
        "cell_number_bold": ParagraphStyle("cell_number_bold", parent=cell, fontName=SANS_BOLD,
                                           alignment=TA_RIGHT),
        "government": ParagraphStyle("government", parent=body, fontName=SANS_BOLD, fontSize=12,
                                     leading=15, alignment=TA_CENTER, spaceAfter=0),
        "office": ParagraphStyle("office", parent=body, fontSize=8.5, leading=11,
                                 alignment=TA_CENTER, spaceAfter=0),
        "title": ParagraphStyle("title", parent=body, fontName=SANS_BOLD, fontSize=13, leading=17,
                                spaceBefore=6, spaceAfter=2),
        "heading": ParagraphStyle("heading", parent=body, fontName=SANS_BOLD, fontSize=10.5,
                                  leading=14, spaceBefore=8, spaceAfter=3),
        "item_title": ParagraphStyle("item_title", parent=body, fontName=SANS_BOLD, fontSize=13,
                                     leading=17, spaceAfter=4),
        "placeholder": ParagraphStyle("placeholder", parent=cell, fontSize=9, alignment=TA_CENTER,
                                      textColor=colors.HexColor("#404040")),
    }


def _esc(text: str) -> str:
    """Caller text as Paragraph markup: reportlab parses <, > and & as tags and entities."""
    return escape(text).replace("\n", "<br/>")


def _cell(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(_esc(text) if text else "-", _styles()[style])


def _wita(moment: datetime) -> datetime:
    # A naive time would be read in the machine's own zone: a different print on every server.
    if moment.tzinfo is None:
        raise ValueError(f"time without a time zone: {moment.isoformat()}")
    return moment.astimezone(WITA)


def date_in_words(day: date) -> str:
    """date(2026, 11, 1) -> '1 November 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _short_date(day: date) -> str:
    return f"{day:%d-%m-%Y}"


def _moment(moment: datetime) -> str:
    """'30-11-2026 10.15 WITA': the Indonesian way of writing a time, with a dot."""
    return f"{_wita(moment):%d-%m-%Y %H.%M} WITA"


# --- page furniture -----------------------------------------------------------------------------

class _FooterCanvas(Canvas):
    """Holds pages back until the document ends, so each footer can say 'Halaman 2 dari 5'."""

    def __init__(self, *args, footer: tuple[str, str] = ("", ""), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        left, middle = self._footer
        y = 10 * mm
        self.setStrokeColor(GRID)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, y + 4 * mm, A4[0] - MARGIN_X, y + 4 * mm)
        self.setFillColor(colors.black)
        self.setFont(SANS, 8)
        right = f"Halaman {number} dari {total}"
        side = max(self.stringWidth(left, SANS, 8), self.stringWidth(right, SANS, 8)) + 4 * mm
        self.drawString(MARGIN_X, y, left)
        self.drawCentredString(A4[0] / 2, y, _fit(middle, CONTENT_WIDTH - 2 * side))
        self.drawRightString(A4[0] - MARGIN_X, y, right)


def _fit(text: str, width: float, font: str = SANS, size: float = 8) -> str:
    """`text` shortened with an ellipsis until it is at most `width` points wide."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _build(story: list[Flowable], title: str, footer: tuple[str, str]) -> bytes:
    _register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=title, author=AUTHOR, creator="kopi", lang="id-ID",
        invariant=1, pageCompression=1,
    )
    # No frame padding: tables sized to CONTENT_WIDTH line up exactly with the text above them.
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_WIDTH, A4[1] - MARGIN_TOP - MARGIN_BOTTOM,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="a4", frames=[frame])])
    doc.build(story, canvasmaker=partial(_FooterCanvas, footer=footer))
    return buffer.getvalue()


def _letterhead(title: str) -> list[Flowable]:
    s = _styles()
    return [
        Paragraph(GOVERNMENT, s["government"]),
        Paragraph(OFFICE, s["office"]),
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=1.2, color=colors.black, spaceAfter=2 * mm),
        Paragraph(_esc(title), s["title"]),
    ]


def _grid_style(header_rows: int = 1) -> list[tuple]:
    """Thin grid, grey bold header that repeats on every page, cells padded for 8 pt text."""
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
    return style


def _cut(cell: object, width: float) -> tuple[object, object | None]:
    """The part of a cell that fits in ROW_MAX_HEIGHT, and the rest (None when it all fits)."""
    if not isinstance(cell, Paragraph):
        return cell, None
    if cell.wrap(width, ROW_MAX_HEIGHT)[1] <= ROW_MAX_HEIGHT:
        return cell, None
    parts = cell.split(width, ROW_MAX_HEIGHT)
    return (parts[0], parts[1]) if len(parts) == 2 else (cell, None)


def _split_tall_row(row: list, widths: Sequence[float]) -> list[list]:
    """A row too tall for a page as several rows, each with its share of the long text.
    reportlab cannot move a row taller than the frame, and its own splitInRow also cuts rows
    that would fit on the next page, so long texts are cut here, in the data."""
    inner = [w - 2 * CELL_PADDING for w in widths]
    rows = []
    while True:
        cuts = [_cut(cell, w) for cell, w in zip(row, inner)]
        rows.append([head for head, _ in cuts])
        if all(rest is None for _, rest in cuts):
            return rows
        row = [rest if rest is not None else "" for _, rest in cuts]
        if cuts[0][1] is None and widths[0] >= 20 * mm:
            row[0] = _cell("(lanjutan)")


def _table(rows: list[list], widths_mm: Sequence[float], extra: Sequence[tuple] = (),
           header_rows: int = 1, highlighted: Sequence[int] = ()) -> Table:
    """A grid table; `highlighted` are indices into `rows` to shade (header rows count)."""
    widths = [w * mm for w in widths_mm]
    body: list[list] = []
    shaded: list[int] = []
    for index, row in enumerate(rows):
        pieces = [row] if index < header_rows else _split_tall_row(row, widths)
        if index in highlighted:
            shaded += range(len(body), len(body) + len(pieces))
        body += pieces
    shading = [("BACKGROUND", (0, r), (-1, r), RETURNED_FILL) for r in shaded]
    table = Table(body, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle([*_grid_style(header_rows), *extra, *shading]))
    return table


def _header_row(labels: Sequence[str]) -> list[Paragraph]:
    return [_cell(label, "cell_bold") for label in labels]


# --- the village feedback sheet -----------------------------------------------------------------

def _is_returned(line: FeedbackLine) -> bool:
    return line.status.strip().lower().startswith("dikembalikan")


def _place(sheet: FeedbackSheet) -> str:
    if sheet.kind not in ("desa", "kelurahan"):
        raise ValueError(f"kind must be 'desa' or 'kelurahan', not {sheet.kind!r}")
    return f"{sheet.kind.capitalize()} {sheet.desa}"


def _period(sheet: FeedbackSheet) -> str:
    if sheet.period_from == sheet.period_to:
        return date_in_words(sheet.period_from)
    return f"{date_in_words(sheet.period_from)} s.d. {date_in_words(sheet.period_to)}"


def _how_to_ask(where: str) -> str:
    return ("Untuk menanyakan sebuah formulir, sebutkan <b>nomor registrasinya</b> "
            f"({where}, misalnya KOPI-2026-000123) kepada anggota KIM di desa/kelurahan Anda "
            "atau kepada Bagian Prokopim Setda Kabupaten Barito Kuala.")


def _explanation(place: str) -> list[Paragraph]:
    body = _styles()["body"]
    return [
        Paragraph(f"Tabel di bawah ini memuat formulir dari {_esc(place)} yang diterima KIM PRODUK "
                  "KOPI pada periode ini: jenis formulir, perihalnya, ke mana formulir itu "
                  "diteruskan, dan keadaannya sekarang.", body),
        Paragraph("Baris yang <b>diberi latar warna</b> adalah formulir yang <b>dikembalikan ke "
                  "desa</b>: kolom Keterangan, yang diawali <b>Perlu diperbaiki</b>, menjelaskan apa "
                  "yang harus dilengkapi. Setelah diperbaiki, formulir dapat dikirim kembali "
                  "melalui KIM.", body),
        Paragraph(_how_to_ask("kolom No. registrasi"), body),
    ]


def _breakable(text: str) -> str:
    """'Listrik/penerangan' -> 'Listrik / penerangan': reportlab breaks lines only at spaces, and
    a category label is too long for its narrow column without one. Digits keep their slashes."""
    return re.sub(r"(?<=[^\W\d])/(?=[^\W\d])", " / ", text)


def _feedback_note(line: FeedbackLine) -> Paragraph:
    if _is_returned(line):
        fix = line.note or "Tanyakan kepada KIM apa yang perlu diperbaiki."
        return Paragraph(f"<b>Perlu diperbaiki:</b> {_esc(fix)}", _styles()["cell"])
    return _cell(line.note)


def _feedback_row(number: int, line: FeedbackLine) -> list:
    returned = _is_returned(line)
    return [
        _cell(str(number)), _cell(line.tracking), _cell(line.form_label),
        _cell(_breakable(line.about)), _cell(_short_date(line.received)),
        _cell(_breakable(line.destination)),
        _cell(line.status, "cell_bold" if returned else "cell"), _feedback_note(line),
    ]


def _feedback_table(lines: Sequence[FeedbackLine]) -> Table:
    rows = [_header_row([label for label, _ in FEEDBACK_COLUMNS])]
    rows += [_feedback_row(n, line) for n, line in enumerate(lines, start=1)]
    returned = [row for row, line in enumerate(lines, start=1) if _is_returned(line)]
    return _table(rows, [w for _, w in FEEDBACK_COLUMNS], highlighted=returned)


def _status_counts(lines: Sequence[FeedbackLine]) -> Table:
    # Statuses are labels chosen by the caller; first appearance keeps the order stable.
    counts = Counter(line.status for line in lines)
    rows = [_header_row(["Keadaan", "Jumlah formulir"])]
    rows += [[_cell(status), _cell(str(n), "cell_number")] for status, n in counts.items()]
    rows.append([_cell("Jumlah", "cell_bold"), _cell(str(len(lines)), "cell_number_bold")])
    table = _table(rows, [60, 30])
    table.hAlign = "LEFT"
    return table


def _empty_period(place: str) -> list[Flowable]:
    body = _styles()["body"]
    return [
        Spacer(1, 4 * mm),
        Paragraph(f"Pada periode ini belum ada formulir dari {_esc(place)} yang diterima KIM "
                  "PRODUK KOPI. Terima kasih; formulir yang nanti dikirim melalui KIM akan "
                  "tercantum di lembar umpan balik berikutnya.", body),
        Paragraph(_how_to_ask("tertera pada lembar umpan balik"), body),
    ]


def _feedback_story(sheet: FeedbackSheet) -> list[Flowable]:
    s, place = _styles(), _place(sheet)
    story = _letterhead(f"KIM PRODUK KOPI - Umpan Balik untuk {place}, Kecamatan {sheet.kecamatan}")
    story.append(Paragraph(f"Periode: <b>{_period(sheet)}</b>", s["body"]))
    if not sheet.lines:
        return story + _empty_period(place)
    story += _explanation(place)
    story += [Spacer(1, 2 * mm), _feedback_table(sheet.lines)]
    story += [Paragraph("Jumlah formulir menurut keadaan", s["heading"]),
              _status_counts(sheet.lines)]
    return story


def render_feedback_sheet(sheet: FeedbackSheet) -> bytes:
    """The village notice-board sheet for one desa/kelurahan and period, as PDF bytes."""
    place = _place(sheet)
    footer = (f"Dicetak {_moment(sheet.generated)}", f"KIM PRODUK KOPI - {place}")
    return _build(_feedback_story(sheet), f"Umpan Balik KIM PRODUK KOPI - {place}", footer)


# --- the SKPD print-out -------------------------------------------------------------------------

def _late_mark(overdue: bool) -> str:
    return f' <font color="{LATE_RED}"><b>TERLAMBAT</b></font>' if overdue else ""


def _due_text(item: PrintItem) -> str:
    due = _short_date(item.due) if item.due else "-"
    return due + _late_mark(item.overdue)


def _summary_block(unit_name: str, items: Sequence[PrintItem], generated: datetime) -> Table:
    late = sum(item.overdue for item in items)
    late_text = f"{late}{_late_mark(late > 0)}"
    rows = [
        [_cell("Unit kerja", "cell_bold"), _cell(unit_name)],
        [_cell("Dicetak", "cell_bold"), _cell(_moment(generated))],
        [_cell("Jumlah formulir", "cell_bold"), _cell(str(len(items)))],
        [_cell("Melewati batas waktu", "cell_bold"), Paragraph(late_text, _styles()["cell"])],
    ]
    table = _table(rows, [45, 95], [("BACKGROUND", (0, 0), (0, -1), HEADER_FILL)], header_rows=0)
    table.hAlign = "LEFT"
    return table


def _index_table(items: Sequence[PrintItem]) -> Table:
    rows = [_header_row(["No.", "No. registrasi", "Jenis", "Diterima", "Keadaan", "Batas waktu"])]
    for n, item in enumerate(items, start=1):
        rows.append([_cell(str(n)), _cell(item.tracking), _cell(item.form_label),
                     _cell(_short_date(_wita(item.received).date())), _cell(item.state),
                     Paragraph(_due_text(item), _styles()["cell"])])
    return _table(rows, [8, 32, 22, 22, 58, 44])


def _cover(unit_name: str, items: Sequence[PrintItem], generated: datetime) -> list[Flowable]:
    s = _styles()
    story = _letterhead(f"KIM PRODUK KOPI - Daftar Formulir untuk {unit_name}")
    story += [Spacer(1, 2 * mm), _summary_block(unit_name, items, generated), Spacer(1, 3 * mm)]
    story.append(Paragraph("Dokumen dinas. Data pelapor yang diminta dirahasiakan tidak dicetak, "
                           "NIK dan nomor HP disamarkan; simpan lembar ini dan jangan disebarluaskan "
                           "(UU 27/2022 tentang Pelindungan Data Pribadi).", s["body"]))
    if not items:
        story.append(Paragraph("Tidak ada formulir dalam antrean unit ini.", s["body"]))
        return story
    story += [Paragraph("Daftar formulir (satu halaman per formulir)", s["heading"]),
              _index_table(items)]
    return story


def _item_header(item: PrintItem) -> list[Flowable]:
    s = _styles()
    title = Paragraph(f"{_esc(item.tracking)} - {_esc(item.form_label)}", s["item_title"])
    rows = [
        [_cell("No. seri", "cell_bold"), _cell(item.serial),
         _cell("Diterima", "cell_bold"), _cell(_moment(item.received))],
        [_cell("Keadaan", "cell_bold"), _cell(item.state),
         _cell("Batas waktu", "cell_bold"), Paragraph(_due_text(item), s["cell"])],
    ]
    shade = [("BACKGROUND", (0, 0), (0, -1), HEADER_FILL), ("BACKGROUND", (2, 0), (2, -1), HEADER_FILL)]
    return [title, _table(rows, [24, 66, 26, 70], shade, header_rows=0), Spacer(1, 4 * mm)]


def _image_size(jpeg: bytes) -> tuple[int, int] | None:
    try:
        return ImageReader(io.BytesIO(jpeg)).getSize()
    except (OSError, ValueError, SyntaxError):  # PIL's errors for bytes that are not an image
        return None


def _placeholder() -> Table:
    box = Table([[Paragraph("Gambar tidak tersedia", _styles()["placeholder"])]],
                colWidths=[THUMB_WIDTH], rowHeights=[THUMB_WIDTH * 297 / 210])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), PLACEHOLDER_FILL),
                             ("BOX", (0, 0), (-1, -1), 0.5, GRID),
                             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return box


def _thumbnail(jpeg: bytes | None) -> Flowable:
    """The straightened page scaled into 70 mm x 125 mm, keeping its proportions."""
    size = _image_size(jpeg) if jpeg else None
    if not size or min(size) <= 0:
        return _placeholder()
    width, height = size
    scale = min(THUMB_WIDTH / width, THUMB_MAX_HEIGHT / height)
    image = Image(io.BytesIO(jpeg), width=width * scale, height=height * scale)
    # A thin frame: the photographed paper is nearly white and would melt into the sheet.
    framed = Table([[image]], colWidths=[width * scale], rowHeights=[height * scale])
    framed.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, GRID), *_no_padding()]))
    framed.hAlign = "LEFT"
    return framed


def _no_padding() -> list[tuple]:
    return [(f"{side}PADDING", (0, 0), (-1, -1), 0) for side in ("LEFT", "RIGHT", "TOP", "BOTTOM")]


def _values_table(values: Sequence[tuple[str, str]], width: float) -> Table:
    label_mm = 36
    rows = [_header_row(["Isian", "Nilai"])]
    rows += [[_cell(label, "cell_bold"), _cell(value)] for label, value in values]
    if not values:
        rows.append([_cell("-"), _cell("Tidak ada isian yang dapat ditampilkan.")])
    return _table(rows, [label_mm, width / mm - label_mm])


def _page_and_values(item: PrintItem) -> list[Flowable]:
    """Thumbnail left, values right; a values table too tall for one page goes below instead,
    because a table nested in a table cell cannot break across pages."""
    thumbnail = _thumbnail(item.thumbnail)
    beside = _values_table(item.values, CONTENT_WIDTH - THUMB_COLUMN)
    _, height = beside.wrap(CONTENT_WIDTH - THUMB_COLUMN, A4[1])
    if height > SIDE_BY_SIDE_MAX_HEIGHT:
        return [thumbnail, Spacer(1, 4 * mm), _values_table(item.values, CONTENT_WIDTH)]
    layout = Table([[thumbnail, beside]], colWidths=[THUMB_COLUMN, CONTENT_WIDTH - THUMB_COLUMN])
    layout.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *_no_padding()]))
    return [layout]


def _routes(routes: Sequence[str]) -> list[Flowable]:
    s = _styles()
    story: list[Flowable] = [Paragraph("Diteruskan kepada", s["heading"])]
    if not routes:
        return story + [Paragraph("Belum diteruskan.", s["body"])]
    return story + [Paragraph(_esc(route), s["body"], bulletText="\u2022") for route in routes]


def _history(history: Sequence[tuple[datetime, str, str]]) -> list[Flowable]:
    s = _styles()
    story: list[Flowable] = [Paragraph("Riwayat", s["heading"])]
    if not history:
        return story + [Paragraph("Belum ada riwayat.", s["body"])]
    rows = [_header_row(["Waktu", "Oleh", "Kejadian"])]
    rows += [[_cell(_moment(when)), _cell(who), _cell(what)] for when, who, what in history]
    return story + [_table(rows, [38, 45, CONTENT_WIDTH / mm - 83])]


def _item_section(item: PrintItem) -> list[Flowable]:
    return [PageBreak(), *_item_header(item), *_page_and_values(item),
            *_routes(item.routes), *_history(item.history)]


def render_unit_printout(unit_name: str, items: Sequence[PrintItem], generated: datetime) -> bytes:
    """An SKPD's queue on paper: a summary page, then each form from a new page, as PDF bytes."""
    story = _cover(unit_name, items, generated)
    for item in items:
        story += _item_section(item)
    footer = (f"Dicetak {_moment(generated)}", unit_name)
    return _build(story, f"Daftar Formulir KIM PRODUK KOPI - {unit_name}", footer)
