"""Read one page image end to end: locate and straighten the form, read its identity, its written
fields, its checkboxes and its signature boxes. Pure: an image in, a `PageReading` out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from pipeline.errors import CaptureProblem, MarksNotFound, NotAForm, PageBlank
from pipeline.forms.registry import TemplateSet
from pipeline.forms.template import FieldType, Template
from pipeline.geometry import Box
from pipeline.lexicon import lexicon
from pipeline.ocr.blank import printed_mask
from pipeline.ocr.by_print import find_by_print, place_by_print
from pipeline.ocr.clean import Page, darken_grey_ink, prepare_page
from pipeline.ocr.digits import read_cells
from pipeline.ocr.identity import find_qr_anywhere, read_qr, read_serial_digits
from pipeline.ocr.ink import SignatureReading, is_color_page, read_signature
from pipeline.ocr.letter_q import restore_q
from pipeline.ocr.motion import (CHECK_NOISE_TO_SIGNAL, COARSE_NOISE_TO_SIGNAL, NOISE_TO_SIGNAL, Smear, find_smear,
                                 photo_nyquist, undo_smear)
from pipeline.ocr.marks import MarkHit, PageLocation, detect_marks, locate_page, straighten
from pipeline.ocr.outline import identify_by_title, layout_score, title_at
from pipeline.ocr.omr import ChoiceReading, read_choices
from pipeline.ocr.quality import (COARSE_PX_PER_MM, PageQuality, assess_image, assess_page, is_blank,
                                  photo_px_per_mm)
from pipeline.ocr.register import register
from pipeline.ocr.shifts import Shift, print_shifts
from pipeline.ocr.tesseract import CHECK_LANG, read_words
from pipeline.ocr.zones import FieldText, assign_words, build_composite
from pipeline.reasons import ReasonCode
from pipeline.record import Identity

PX_PER_MM = 8.0  # straightened page resolution (~203 dpi): typed capitals ~25 px tall
TEXT_PSM = 6  # one uniform block: the composite is a column of lines
TEXT_WHITELIST = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-/()':"
)


@dataclass(frozen=True)
class PageReading:
    template: Template
    location: PageLocation
    page: Page
    identity: Identity | None
    identity_note: str  # why the identity is missing or doubtful ("" when fine)
    texts: dict[str, FieldText]
    empty: frozenset[str]
    choices: dict[str, ChoiceReading]
    signatures: dict[str, SignatureReading]
    timings: dict[str, float] = field(default_factory=dict)
    quality: PageQuality | None = None
    checks: dict[str, FieldText] = field(default_factory=dict)  # second readings (`second_reading`)
    # what the text readers read: `page` with a hand's smear undone, grey ink darkened on a coarse sheet
    text_page: Page | None = None
    smear: Smear | None = None  # the smear undone on `text_page`
    shifts: dict[Box, Shift] = field(default_factory=dict)  # where each box's print was found (ocr/shifts.py)

    @property
    def smeared(self) -> bool:
        """Whether the text was read from a page whose smear was undone (ocr/motion.py)."""
        return self.smear is not None


class _Clock:
    def __init__(self) -> None:
        self.t, self.laps = time.perf_counter(), {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self.t, 4)
        self.t = now


CAPTURE_REASONS = {"dark": ReasonCode.CAPTURE_DARK, "low_res": ReasonCode.CAPTURE_LOW_RES,
                   "blurry": ReasonCode.CAPTURE_BLURRY}


def _locate(image: np.ndarray, templates: TemplateSet, hits: list[MarkHit] | None = None) -> PageLocation:
    hits = detect_marks(image) if hits is None else hits
    try:
        return locate_page(image, templates, hits)
    except MarksNotFound as error:
        if is_blank(image):
            raise PageBlank() from None
        # Say what to do differently when the photo itself is the problem, not "no marks".
        problem = assess_image(image).problem
        if problem is not None:
            detail = f"{max(image.shape[:2])} piksel" if problem == "low_res" else ""
            raise CaptureProblem(CAPTURE_REASONS[problem], detail) from None
        qr_seen = find_qr_anywhere(image) is not None
        if not qr_seen:  # a QR would have named the form; without one, the title may
            found = title_location(image, templates)
            if found is not None:
                return found
        if hits or qr_seen:
            raise error from None
        raise NotAForm("tidak ada tanda registrasi maupun kode QR") from None


def title_location(image: np.ndarray, templates: TemplateSet) -> PageLocation | None:
    """The unmarked form in `image`, named by its printed title and placed by its print.

    The sheet's outline is found first and the title read where it puts the heading; the form's
    print then places the sheet (`by_print.place_by_print`), unless the blank form's layout fits
    the photo worse where the print puts it than where the outline does. An outline is only as
    good as the sheet's edges against the table: on a training set of 81 such photos and scans
    (seed 4105) the outline put a page corner 32 mm off at the 95th percentile (a wood grain or a
    scanner bed's edge taken for the sheet's), the print 0.64 mm. When no outline gives a
    readable title, the sheet the print finds is tried."""
    found = identify_by_title(image, templates)
    if found is None:
        for match in find_by_print(image, templates):
            titled = title_at(image, match.homography, templates)
            if titled is not None:
                return PageLocation(titled.template, match.homography, (), float("nan"), by_title=titled.line)
        return None
    homography = found.homography
    placed = place_by_print(image, found.template, homography)
    if placed is not None and layout_score(image, placed.homography, found.template) >= \
            layout_score(image, homography, found.template):
        homography = placed.homography
    return PageLocation(found.template, homography, (), float("nan"), by_title=found.line)


def print_locations(image: np.ndarray, templates: TemplateSet) -> list[PageLocation]:
    """The unmarked forms in `image` found by their print (ocr/by_print.py) and named by their
    printed titles, in reading order, when there are several (sheets whose title is not read are
    left out); empty when the print shows one sheet, which is read as a whole photo."""
    matches = find_by_print(image, templates)
    if len(matches) < 2:
        return []
    found = []
    for match in matches:
        titled = title_at(image, match.homography, templates)
        if titled is not None:
            found.append(PageLocation(titled.template, match.homography, (), float("nan"), by_title=titled.line))
    return found


def _identity(page: Page, location: PageLocation, templates: TemplateSet) -> tuple[Identity | None, str]:
    template = location.template
    identity = read_qr(page, template)
    if identity is not None:
        if identity.form_id != template.id:
            return identity, f"kode QR {identity.form_id}, tanda registrasi {template.id}"
        return identity, ""
    serial = read_serial_digits(page, template)
    if serial is None:
        return None, "kode QR dan nomor seri tidak terbaca"
    return Identity(form_id=template.id, version=template.version, serial=serial,
                    source="title+serial" if location.by_title else "marks+serial"), ""


def _read_fields(page: Page, template: Template, shifts: dict[Box, Shift],
                 plain: Page | None = None) -> tuple[dict[str, FieldText], frozenset[str]]:
    """One tesseract call per page (each call costs ~70 ms before it reads anything): the comb
    lines and the text boxes stacked in one image. A digits-only whitelist for the combs was
    measured to change nothing: the digits come back the same, for 50 ms more per page.
    `plain`: `page` before its grey ink was darkened, when it was (zones.build_composite)."""
    composite, empty = build_composite(page, [f for f in template.fields if f.type.is_written], shifts, plain)
    if composite.empty:
        return {}, frozenset(empty)
    words = read_words(composite.image, psm=TEXT_PSM, whitelist=TEXT_WHITELIST)
    words = restore_q(words, composite, lexicon(), whitelist=TEXT_WHITELIST)
    texts = assign_words(words, composite)
    return _with_second_reading(texts, composite.cells), frozenset(empty)


def _with_second_reading(texts: dict[str, FieldText],
                         cells: dict[str, list[list[np.ndarray]]]) -> dict[str, FieldText]:
    """The digit reader's reading of every comb's inked cells (one pass for the page), group by
    group beside tesseract's (see ocr/digits.py)."""
    names = [name for name in cells if name in texts]
    flat = [c for name in names for group in cells[name] for c in group]
    read = read_cells(flat)
    if not read:
        return texts
    out, k = dict(texts), 0
    for name in names:
        groups = []
        for group in cells[name]:
            groups.append(read[k:k + len(group)])
            k += len(group)
        digits = [d for g in groups for d in g]
        out[name] = replace(texts[name], second=tuple("".join(d for d, _ in g) for g in groups),
                            second_conf=min(p for _, p in digits))
    return out


def second_reading(reading: PageReading, names: list[str]) -> PageReading:
    """`reading` with a second reader's reading of the fields `names` (free text and place names
    a first build held for want of confidence, combs whose two digit readers disagreed;
    extract/build.py `wants_second_reading`): the same cleaned crops, stacked and read by
    tesseract's English model (CHECK_LANG), one call for the text and one for the combs.
    Its slips are seldom the Indonesian model's, so where both read alike the value is likelier
    right; the cost (0.17 s on average on the standard bench set, when only text was read
    again) is paid only on pages that have such fields (32 of its 100 then). On a smeared page it reads a restoration of its
    own (motion.CHECK_NOISE_TO_SIGNAL), not the first reader's: on the hard sets both models
    read the same letter that deconvolution had made ("APUKASI" for APLIKASI), and a second
    look is worth only what it sees for itself."""
    fields = [f for f in reading.template.fields if f.name in names]
    if not fields:
        return reading
    start = time.perf_counter()
    page = reading.page
    if reading.smear is not None:
        regions = [page.slice(f.box) for f in fields if f.box is not None]
        page = replace(page, flat=undo_smear(page.flat, reading.smear, regions, CHECK_NOISE_TO_SIGNAL))
    checks: dict[str, FieldText] = {}
    # Combs apart from the text: tesseract reads a stacked image as one block, so what else is
    # in it changes how it reads each line, and the text's second reading stays as it was.
    for group in ([f for f in fields if f.comb is None], [f for f in fields if f.comb is not None]):
        if not group:
            continue
        composite, _ = build_composite(page, group, reading.shifts)
        if composite.empty:
            continue
        words = read_words(composite.image, psm=TEXT_PSM, whitelist=TEXT_WHITELIST, lang=CHECK_LANG)
        checks.update(assign_words(words, composite))
    if not checks:
        return reading
    timings = {**reading.timings, "second_reading": round(time.perf_counter() - start, 4)}
    return replace(reading, checks=checks, timings=timings)


# A coarse sheet (under quality.COARSE_PX_PER_MM: two forms in one chat-forwarded photo) is
# enlarged about three times onto the page grid, where bilinear resampling leaves every stroke's
# edge a ramp several pixels wide; bicubic keeps the edges steeper. Measured on the chat-forwarded
# pairs of three training seeds (4091, 4093, 4095): typed values accepted 93.6/94.4/93.3 % ->
# 94.8/95.1/93.9 %, handwriting-like 38.6/47.2/48.0 % -> 36.0/51.4/51.4 %, stamps found
# 0.73/0.83/0.73 -> 0.76/0.89/0.82, none of the accepted values wrong. Bicubic on every page
# moved phone photos and scans both ways, so they keep bilinear.
COARSE_INTERPOLATION = cv2.INTER_CUBIC


def _prepare(image: np.ndarray, location: PageLocation, px_per_mm: float) -> Page:
    printed = printed_mask(location.template, px_per_mm)
    coarse = photo_px_per_mm(location.homography, location.template) < COARSE_PX_PER_MM
    interpolation = COARSE_INTERPOLATION if coarse else cv2.INTER_LINEAR
    straight, _ = register(straighten(image, location, px_per_mm, interpolation), location.template, px_per_mm)
    return prepare_page(straight, px_per_mm, printed)


def _unsmeared(page: Page, template: Template, quality: PageQuality) -> tuple[Page, Smear | None]:
    """`page` for the text readers: with a shaky hand's smear undone when the form's own print
    shows one (ocr/motion.py), and that smear. A coarse sheet is restored within the detail its
    photo holds (motion.COARSE_NOISE_TO_SIGNAL)."""
    smear = find_smear(page.flat, template, page.px_per_mm)
    if smear is None or not smear.worth_undoing:
        return page, None
    regions = [page.slice(f.box) for f in template.fields if f.type.is_written and f.box is not None]
    nsr, cutoff = NOISE_TO_SIGNAL, None
    if quality.coarse:
        nsr, cutoff = COARSE_NOISE_TO_SIGNAL, photo_nyquist(quality.px_per_mm, page.px_per_mm)
    return replace(page, flat=undo_smear(page.flat, smear, regions, nsr, cutoff)), smear


def read_page(image: np.ndarray, templates: TemplateSet, px_per_mm: float = PX_PER_MM,
              hits: list[MarkHit] | None = None, location: PageLocation | None = None) -> PageReading:
    """Everything on one page; raises NotAForm / MarksNotFound when there is no form to read.
    `hits`: the marks already found in `image`, those of one sheet when the photo holds several;
    `location`: where the form already was found (an unmarked sheet, by its title)."""
    clock = _Clock()
    location = location or _locate(image, templates, hits)
    clock.lap("locate")
    page = _prepare(image, location, px_per_mm)
    clock.lap("straighten")
    identity, note = _identity(page, location, templates)
    if identity is not None and identity.form_id == location.template.id and \
            identity.version != location.template.version:
        try:
            sheets = location.sheets  # counted over every template's marks, not just this version's
            location = replace(locate_page(image, templates.__class__(
                (templates.get(identity.form_id, identity.version),)), list(location.marks)), sheets=sheets)
            page = _prepare(image, location, px_per_mm)
        except KeyError:
            note = f"versi {identity.version} dari {identity.form_id} tidak dikenal"
    template = location.template
    quality = assess_page(location.homography, template, image.shape[:2], page.rgb, page.flat, page.printed,
                          px_per_mm, marked=not location.by_title)
    clock.lap("identity")
    text_page, smear = _unsmeared(page, template, quality)
    plain = None  # a coarse sheet's grey ink is darkened (clean.py); emptiness is judged on the plain page
    if quality.coarse:
        plain, text_page = text_page, replace(text_page, flat=darken_grey_ink(text_page.flat))
    clock.lap("smear")
    shifts = print_shifts(page, template)
    clock.lap("shifts")
    texts, empty = _read_fields(text_page, template, shifts, plain)
    clock.lap("ocr")
    choices = read_choices(page, template, shifts)
    clock.lap("omr")
    color = is_color_page(page)
    signatures = {f.name: read_signature(page, f, color)
                  for f in template.fields if f.type is FieldType.SIGNATURE}
    clock.lap("signatures")
    return PageReading(template, location, page, identity, note, texts, empty, choices, signatures,
                       clock.laps, quality, text_page=text_page, smear=smear, shifts=shifts)
