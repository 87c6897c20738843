"""The leaders' agenda (jadwal pimpinan) built from activity forms: the reason Prokopimda collects
Formulir Kegiatan at all. Every request for a leader's presence becomes an event; events that ask
for the same leader at overlapping times are marked as clashes so staff can settle them before
the week starts.

Two outputs: an iCalendar feed (one per leader, or all leaders) for phones and desktop calendars,
and a printable A4 weekly sheet, because the agenda also travels on paper.

Pure functions: records in, events and bytes out; no files or database, and no clock except
`to_ics`'s default DTSTAMP (pass `stamp` for reproducible bytes). Whether two
activities clash is decided by `pipeline.extract.schedule`, so the agenda and the review notes
staff see on each form never disagree.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from xml.sax.saxutils import escape

from icalendar import Calendar, Event
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pipeline import fonts
from pipeline.extract.dates import DAY_NAMES
from pipeline.extract.schedule import conflicts, slot_of
from pipeline.forms.template import FieldType, Template
from pipeline.record import STATUS_LABELS, WITA, FormRecord, Status
from pipeline.report.weekly import MONTHS, Week

# KIM-01 fields the agenda shows beyond the template's `agenda` section (which names only what
# `slot_of` needs). A form without one of them simply shows nothing there.

UID_DOMAIN = "baritokualakab.go.id"
TITLE = "Agenda Pimpinan Daerah - Permintaan Kehadiran"
ISSUER = "Pemerintah Kabupaten Barito Kuala - Bagian Protokol dan Komunikasi Pimpinan Setda"
CLASH_WORD = "BENTROK"
CLASH_NOTE = ("Keterangan: BENTROK = pimpinan yang sama diminta hadir di dua kegiatan pada waktu yang "
              "beririsan (baris diarsir merah); (perkiraan) = waktu selesai tidak ditulis, dianggap 2 jam.")
CLASHES_SHOWN = 3  # per printed row; the rest are counted, so one busy day cannot make a row a page
# Forms whose activity may take place, by status value: settled once routed, tentative while in
# review. Any other (returned, rejected, duplicate, failed) will not happen as written: CANCELLED
# in calendars, and never a clash (a duplicate would otherwise clash with its own original).
ICS_STATUS = {"routed": "CONFIRMED", "resolved": "CONFIRMED", "received": "TENTATIVE",
              "needs_review": "TENTATIVE"}


@dataclass(frozen=True)
class AgendaEvent:
    record_id: int | None
    tracking: str | None
    title: str
    place: str
    organiser: str | None
    contact: str | None  # the responsible person's name; the phone number never leaves the record
    start: datetime
    end: datetime
    end_assumed: bool
    leaders: tuple[str, ...]
    leader_labels: tuple[str, ...]
    roles: tuple[str, ...]
    status: str
    conflicts: tuple[int, ...] = ()  # indexes, in the list holding this event, of the events it clashes with

    @property
    def status_label(self) -> str:
        try:
            return STATUS_LABELS[Status(self.status)]
        except ValueError:
            return self.status

    @property
    def reference(self) -> str:
        if self.tracking:
            return self.tracking
        return f"#{self.record_id}" if self.record_id is not None else "-"


# --- events -------------------------------------------------------------------------------------

def _text(record: FormRecord, name: str | None) -> str | None:
    try:
        value = record.field(name).value if name else None
    except KeyError:
        return None
    return (value.strip() or None) if value else None


def _option_labels(template: Template, field: str, values: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Chosen option values and their labels, in the order the form prints them."""
    try:
        options = template.field(field).options or []
    except KeyError:
        return (), ()
    chosen = [o for o in options if o.value in set(values)]
    return tuple(o.value for o in chosen), tuple(o.label for o in chosen)


def _ticked(record: FormRecord, name: str) -> tuple[str, ...]:
    try:
        return record.choice(name).selected
    except KeyError:
        return ()


def _village_prefix(code: str | None) -> str:
    # Kemendagri village codes: the last four digits start with 1 for a kelurahan, 2 for a desa.
    digits = (code or "").replace(".", "")
    return "Kel." if len(digits) == 10 and digits[6] == "1" else "Desa"


def _place(record: FormRecord, template: Template) -> str:
    """'Balai Desa, Desa Kolam Kiri, Kec. Wanaraya', with whatever parts were read."""
    parts = [_text(record, template.agenda.venue if template.agenda else None)]
    desa_field = template.agenda.place if template.agenda else None
    desa = _text(record, desa_field)
    if desa:
        parts.append(f"{_village_prefix(record.field(desa_field).code)} {desa}")
    kecamatan = next((f.name for f in template.fields if f.type is FieldType.KECAMATAN), None)
    if _text(record, kecamatan):
        parts.append(f"Kec. {_text(record, kecamatan)}")
    return ", ".join(p for p in parts if p) or "(tempat tidak terbaca)"


def _end_assumed(written_end: str | None, start: datetime) -> bool:
    # slot_of puts ASSUMED_LENGTH in place of a missing end or one not after the start.
    return written_end is None or time.fromisoformat(written_end) <= start.time()


def _event(record_id: int | None, tracking: str | None, record: FormRecord,
           template: Template) -> AgendaEvent | None:
    slot = slot_of(record, template)
    if slot is None:
        return None
    assert template.agenda is not None  # slot_of returns None without one
    leaders, leader_labels = _option_labels(template, template.agenda.leaders, slot.leaders)
    agenda = template.agenda
    _, roles = (_option_labels(template, agenda.roles, _ticked(record, agenda.roles)) if agenda.roles
                else ((), ()))
    written_end = _text(record, template.agenda.end)
    start, end = slot.start.replace(tzinfo=WITA), slot.end.replace(tzinfo=WITA)
    return AgendaEvent(
        record_id=record_id, tracking=tracking, title=slot.title, place=_place(record, template),
        organiser=_text(record, agenda.organiser), contact=_text(record, agenda.contact),
        start=start, end=end, end_assumed=_end_assumed(written_end, slot.start),
        leaders=leaders, leader_labels=leader_labels, roles=roles, status=record.status.value)


def _clashing_pairs(records: Sequence[FormRecord], template: Template) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of records that clash; `records` sorted by start.

    Only overlapping neighbours are handed to `schedule.conflicts`, which owns the rule (same
    leader, overlapping time, "lainnya" is nobody), so a long list costs far less than every pair.
    """
    slots = [slot_of(r, template) for r in records]
    live = [r.status.value in ICS_STATUS for r in records]
    pairs = set()
    for i, mine in enumerate(slots):
        for j in range(i + 1, len(slots)):
            if slots[j].start >= mine.end:
                break  # sorted by start: no later one overlaps either
            if live[i] and live[j] and conflicts(records[i], template, [records[j]]):
                pairs.add((i, j))
    return pairs


def agenda_events(records: Sequence[tuple[int | None, str | None, FormRecord]],
                  template: Template) -> list[AgendaEvent]:
    """(record id, tracking number, record) -> the agenda, sorted by start, clashes filled in.

    Records whose date, start time or leaders were not read are left out: they cannot be placed.
    """
    placed = []
    for record_id, tracking, record in records:
        event = _event(record_id, tracking, record, template)
        if event is not None:
            placed.append((event, record))
    placed.sort(key=lambda p: (p[0].start, p[0].end, p[0].title, p[0].reference))
    events = [e for e, _ in placed]
    clashes: dict[int, list[int]] = {}
    for i, j in _clashing_pairs([r for _, r in placed], template):
        clashes.setdefault(i, []).append(j)
        clashes.setdefault(j, []).append(i)
    return [replace(e, conflicts=tuple(sorted(clashes.get(i, ())))) for i, e in enumerate(events)]


def _subset(events: Sequence[AgendaEvent], keep: Sequence[int]) -> list[AgendaEvent]:
    """The kept events, their clash indexes renumbered to the new list (clashes with events left
    out are dropped: they belong to another leader's agenda)."""
    new_index = {old: new for new, old in enumerate(keep)}
    return [replace(events[old], conflicts=tuple(new_index[c] for c in events[old].conflicts if c in new_index))
            for old in keep]


def events_for_leader(events: Sequence[AgendaEvent], leader_value: str) -> list[AgendaEvent]:
    """One leader's agenda; a remaining clash is a clash for this leader."""
    return _subset(events, [i for i, e in enumerate(events) if leader_value in e.leaders])


def events_in_week(events: Sequence[AgendaEvent], week: Week) -> list[AgendaEvent]:
    return _subset(events, [i for i, e in enumerate(events) if week.start <= e.start < week.end])


# --- shared wording -----------------------------------------------------------------------------

def hours(event: AgendaEvent) -> str:
    """'09.00-11.00 WITA', with '(perkiraan)' when the end time was not written."""
    text = f"{event.start.astimezone(WITA):%H.%M}-{event.end.astimezone(WITA):%H.%M} WITA"
    return f"{text} (perkiraan)" if event.end_assumed else text


def long_date(day: date) -> str:
    """'Senin, 30 November 2026'."""
    return f"{DAY_NAMES[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def _clash_titles(events: Sequence[AgendaEvent], event: AgendaEvent) -> list[str]:
    """'Peresmian Jembatan, pukul 10.00-12.00 WITA [Bupati]': what, when, and for which leader."""
    out = []
    for other in (events[c] for c in event.conflicts if 0 <= c < len(events)):
        shared = [label for value, label in zip(event.leaders, event.leader_labels) if value in other.leaders]
        out.append(f"{other.title}, pukul {hours(other)} [{', '.join(shared)}]")
    return out


# --- iCalendar ----------------------------------------------------------------------------------

def _uid(event: AgendaEvent) -> str:
    if event.tracking or event.record_id is not None:
        return f"kopi-{event.tracking or event.record_id}@{UID_DOMAIN}"
    # No identity at all: at least stable for the same activity.
    digest = hashlib.sha256(f"{event.title}|{event.start.isoformat()}".encode()).hexdigest()[:16]
    return f"kopi-{digest}@{UID_DOMAIN}"


def _description(events: Sequence[AgendaEvent], event: AgendaEvent) -> str:
    lines = [f"Pimpinan diminta hadir: {', '.join(event.leader_labels)}",
             f"Peran: {', '.join(event.roles) or '-'}",
             f"Penyelenggara: {event.organiser or '-'}",
             f"Penanggung jawab: {event.contact or '-'}",
             f"Keadaan formulir: {event.status_label}",
             f"No. registrasi: {event.reference}"]
    if event.end_assumed:
        lines.append("Waktu selesai tidak ditulis; diperkirakan 2 jam.")
    if event.conflicts:
        lines.append(f"{CLASH_WORD} dengan: {'; '.join(_clash_titles(events, event))}")
    return "\n".join(lines)


def _vevent(events: Sequence[AgendaEvent], event: AgendaEvent, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", _uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.start.astimezone(WITA))
    vevent.add("dtend", event.end.astimezone(WITA))
    vevent.add("summary", event.title)
    vevent.add("location", event.place)
    vevent.add("description", _description(events, event))
    vevent.add("categories", list(event.leader_labels))
    vevent.add("status", ICS_STATUS.get(event.status, "CANCELLED"))
    if event.contact:
        vevent.add("contact", event.contact)
    return vevent


def to_ics(events: Sequence[AgendaEvent], calendar_name: str, *,
           stamp: datetime | None = None) -> bytes:
    """An RFC 5545 calendar, one VEVENT per event, times in Asia/Makassar with its VTIMEZONE.

    `stamp` is the DTSTAMP of every event; pass it for byte-identical output (default: now).
    """
    # RFC 5545 wants DTSTAMP in UTC.
    stamp_utc = (stamp or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Pemerintah Kabupaten Barito Kuala//KIM PRODUK KOPI//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", calendar_name)
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", "Asia/Makassar")
    for event in events:
        calendar.add_component(_vevent(events, event, stamp_utc))
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- printable weekly sheet ---------------------------------------------------------------------

FONT, FONT_BOLD = "AgendaSans", "AgendaSans-Bold"
INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
HEAD_FILL = colors.HexColor("#dcdcdc")
CLASH_FILL = colors.HexColor("#f6d5d5")
CLASH_INK = colors.HexColor("#b00000")
# Widths in mm (268 mm inside the frame): wide enough that a time, a leader, a status and a
# registration number each stay on one line at 8.5 pt.
COLUMNS = (("Pukul", 30), ("Pimpinan", 30), ("Kegiatan", 50), ("Tempat", 41), ("Penyelenggara", 33),
           ("Peran", 27), ("Keadaan", 25), ("No. registrasi", 32))
CELL_PAD = 4  # points either side; reportlab's default 6 wastes 15 mm across eight columns
MARGIN = 12 * mm
INSET = MARGIN + 6  # the frame's own padding: page header and footer line up with the tables


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(fonts.SANS.require())))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts.SANS_BOLD.require())))
    # So that <b> inside a Paragraph picks the bold face.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=10.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19),
        "week": ParagraphStyle("week", parent=body, fontSize=10.5, leading=14),
        "day": ParagraphStyle("day", parent=body, fontName=FONT_BOLD, fontSize=11, leading=14,
                              spaceBefore=9, spaceAfter=3, keepWithNext=1),
        "empty": ParagraphStyle("empty", parent=body, fontSize=9, textColor=GREY, leftIndent=4 * mm),
        "head": ParagraphStyle("head", parent=body, fontName=FONT_BOLD),
        "cell": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=9.8, textColor=GREY),
        "clash": ParagraphStyle("clash", parent=body, fontSize=8, leading=9.8, textColor=CLASH_INK),
        "note": ParagraphStyle("note", parent=body, fontSize=8.5, leading=11, textColor=GREY),
    }


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), _styles()[style])


def _when_cell(event: AgendaEvent) -> list[Paragraph]:
    cell = [_p(hours(event).replace(" (perkiraan)", "\n(perkiraan)"), "cell")]
    if event.conflicts:
        cell.append(Paragraph(f"<b>{CLASH_WORD}</b>", _styles()["clash"]))
    return cell


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def _clash_line(events: Sequence[AgendaEvent], event: AgendaEvent) -> str:
    """'Bentrok dengan: Peresmian Jembatan (10.00); ... dan 2 lainnya' (same day, so the hour is enough)."""
    others = [events[c] for c in event.conflicts if 0 <= c < len(events)]
    named = [f"{_short(o.title)} ({o.start.astimezone(WITA):%H.%M})" for o in others[:CLASHES_SHOWN]]
    more = f" dan {len(others) - CLASHES_SHOWN} lainnya" if len(others) > CLASHES_SHOWN else ""
    return "Bentrok dengan: " + "; ".join(named) + more


def _title_cell(events: Sequence[AgendaEvent], event: AgendaEvent) -> list[Paragraph]:
    cell = [Paragraph(f"<b>{escape(event.title)}</b>", _styles()["cell"])]
    if event.conflicts:
        cell.append(_p(_clash_line(events, event), "clash"))
    return cell


def _organiser_cell(event: AgendaEvent) -> list[Paragraph]:
    cell = [_p(event.organiser or "-", "cell")]
    if event.contact:
        cell.append(_p(f"PJ: {event.contact}", "small"))
    return cell


def _row(events: Sequence[AgendaEvent], event: AgendaEvent) -> list[object]:
    return [_when_cell(event), _p("\n".join(event.leader_labels), "cell"), _title_cell(events, event),
            _p(event.place, "cell"), _organiser_cell(event), _p(", ".join(event.roles) or "-", "cell"),
            _p(event.status_label, "cell"), _p(event.reference, "cell")]


def _day_table(events: Sequence[AgendaEvent], day_events: Sequence[int], day: date) -> Table:
    """The day's requests. The day's name is the table's first row, so it repeats with the column
    heads on every page a long day runs onto."""
    rows: list[list[object]] = [[_p(long_date(day), "day")] + [""] * (len(COLUMNS) - 1),
                                [_p(name, "head") for name, _ in COLUMNS]]
    rows += [_row(events, events[i]) for i in day_events]
    style = [
        ("SPAN", (0, 0), (-1, 0)),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("BOTTOMPADDING", (0, 0), (0, 0), 3),
        ("BACKGROUND", (0, 1), (-1, 1), HEAD_FILL),
        ("GRID", (0, 1), (-1, -1), 0.5, RULE),
        ("LINEBELOW", (0, 1), (-1, 1), 1, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 1), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 1), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 4),
    ]
    for row, i in enumerate(day_events, start=2):
        if events[i].conflicts:
            style.append(("BACKGROUND", (0, row), (-1, row), CLASH_FILL))
            style.append(("LINEBEFORE", (0, row), (0, row), 3, CLASH_INK))
    table = Table(rows, colWidths=[w * mm for _, w in COLUMNS], repeatRows=2, hAlign="LEFT",
                  spaceBefore=9)
    table.setStyle(TableStyle(style))
    return table


def _summary(events: Sequence[AgendaEvent]) -> str:
    clashing = sum(1 for e in events if e.conflicts)
    text = f"Jumlah permintaan kehadiran: {len(events)}"
    if clashing:
        text += f"; {clashing} di antaranya {CLASH_WORD} (lihat baris diarsir merah)"
    return text + ". Disusun dari Formulir Kegiatan (KIM-01) yang diterima KIM PRODUK KOPI."


def _story(events: Sequence[AgendaEvent], week: Week) -> list[object]:
    styles = _styles()
    story: list[object] = [Paragraph(escape(TITLE), styles["title"]),
                           _p(f"Minggu {week.label}: {week.describe()}", "week"),
                           _p(_summary(events), "note"), Spacer(1, 2 * mm)]
    for offset in range(7):
        day = week.start.date() + timedelta(days=offset)
        todays = [i for i, e in enumerate(events) if e.start.astimezone(WITA).date() == day]
        if todays:
            story.append(_day_table(events, todays, day))
        else:
            story += [_p(long_date(day), "day"), _p("Tidak ada permintaan", "empty")]
    return story


def _page_decorations(week: Week, generated: datetime):
    made = f"{generated.astimezone(WITA):%d-%m-%Y %H.%M} WITA"

    def draw(canvas, doc) -> None:
        width, height = landscape(A4)
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(INSET, height - 8 * mm, ISSUER)
        canvas.drawRightString(width - INSET, height - 8 * mm, f"KIM PRODUK KOPI - {week.label}")
        canvas.setStrokeColor(RULE)
        canvas.line(INSET, 14 * mm, width - INSET, 14 * mm)
        # The legend sits on every page: a sheet pulled from the stack still explains itself.
        canvas.drawString(INSET, 10 * mm, CLASH_NOTE)
        canvas.drawString(INSET, 6 * mm, f"Dibuat {made} dari Formulir Kegiatan (KIM-01) KIM PRODUK KOPI.")
        canvas.drawRightString(width - INSET, 6 * mm, f"Halaman {doc.page}")
        canvas.restoreState()

    return draw


def render_weekly_agenda(events: Sequence[AgendaEvent], week: Week, generated: datetime) -> bytes:
    """The week's requests as a printable A4 landscape PDF, one section per day, Senin..Minggu.

    `events` may hold more than the week; clash indexes must refer to `events` itself (as
    `agenda_events` and `events_for_leader` return them). Same input, same bytes.
    """
    _register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=13 * mm, bottomMargin=18 * mm, invariant=1, title=f"{TITLE} {week.label}",
        author=ISSUER, subject=f"Minggu {week.label}", creator="KIM PRODUK KOPI")
    decorate = _page_decorations(week, generated)
    doc.build(_story(events_in_week(events, week), week), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
