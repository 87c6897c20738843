"""One page, from pixels to a routed record: the stages in order. Pure: an image in, a record out.

Every expected failure of a page (no marks, not a form, a tool that failed on it) becomes a
FAILED record with a reason staff understand, so one bad page never stops the batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.errors import InputError, MarksNotFound, ToolTimeout
from pipeline.extract.build import build_record, second_reading_fields
from pipeline.extract.capture import check_capture
from pipeline.extract.category import decide_category
from pipeline.extract.checks import check_fields, check_preprinted_village
from pipeline.forms.registry import TemplateSet
from pipeline.gazetteer import Gazetteer
from pipeline.ocr.inkprint import ink_print
from pipeline.ocr.marks import MarkHit, PageLocation, detect_marks, fit_page, split_sheets
from pipeline.ocr.outline import sheet_regions
from pipeline.ocr.quality import is_blank
from pipeline.ocr.read import PX_PER_MM, print_locations, read_page, second_reading, title_location
from pipeline.record import FormRecord, Reason, SourceRef, Status
from pipeline.route.config import RoutingConfig
from pipeline.route.router import route_record


@dataclass(frozen=True)
class Context:
    """The data every page is read against: templates, gazetteer, routing rules."""

    templates: TemplateSet
    gazetteer: Gazetteer
    routing: RoutingConfig
    px_per_mm: float = PX_PER_MM


@dataclass(frozen=True)
class PageResult:
    record: FormRecord
    straightened: np.ndarray | None  # the page on the template grid, kept beside the record
    timings: dict[str, float]


def failed_record(source: SourceRef, error: InputError) -> FormRecord:
    return FormRecord(source=source, status=Status.FAILED,
                      reasons=(Reason.of(error.reason, **error.params),))


@dataclass(frozen=True)
class Sheet:
    """One form on a page image: its source, the pixels to read (the whole page, or the part an
    unmarked sheet lies on), the marks found there (None: left to the reader to find; of a photo
    holding several marked forms, this sheet's own) and, for an unmarked sheet one of several,
    where its outline or print and its title put it (so the title is not read twice)."""

    source: SourceRef
    image: np.ndarray
    hits: list[MarkHit] | None = None
    location: PageLocation | None = None


def sheets_on(image: np.ndarray, source: SourceRef, ctx: Context) -> list[Sheet]:
    """The forms on one page image, each with its source (`sheet` k of n, in reading order): a
    photo of two sheets side by side gives two. Marked sheets are told apart by their marks;
    sheets without marks that lie apart, by their outlines (each then read from its own part of
    the photo, found and named by its outline and title); sheets without marks that touch, by
    their print (each read from the whole photo where its print and title put it)."""
    hits = detect_marks(image)
    groups = split_sheets(hits, ctx.templates)
    if len(groups) > 1:
        return [Sheet(source.model_copy(update={"sheet": n, "sheets": len(groups)}), image, list(group))
                for n, group in enumerate(groups, start=1)]
    try:
        fit_page(list(groups[0]), ctx.templates)
    except MarksNotFound:
        if is_blank(image):  # a duplex scan's back: nothing to look for
            return [Sheet(source, image, list(groups[0]))]
        # Only sheets whose title names a form count: a photo of something else, or a blank
        # page, can show two bright patches too, and must stay one failed page.
        found = [(image[r], title_location(image[r], ctx.templates)) for r in sheet_regions(image)]
        found = [(crop, location) for crop, location in found if location is not None]
        if len(found) < 2:  # sheets that touch make one patch: their print still tells them apart
            found = [(image, location) for location in print_locations(image, ctx.templates)]
        if len(found) > 1:
            return [Sheet(source.model_copy(update={"sheet": n, "sheets": len(found)}), crop, None, location)
                    for n, (crop, location) in enumerate(found, start=1)]
    return [Sheet(source, image, list(groups[0]))]


def process_page(image: np.ndarray, source: SourceRef, ctx: Context,
                 hits: list[MarkHit] | None = None, location: PageLocation | None = None) -> PageResult:
    """One form: the page image, or the sheet on it whose marks are `hits` (or that was found at
    `location`)."""
    try:
        reading = read_page(image, ctx.templates, ctx.px_per_mm, hits, location)
    except ToolTimeout:
        raise  # the machine was busy: worth a retry, not a verdict on the page
    except InputError as error:
        return PageResult(failed_record(source, error), None, {})
    record = build_record(source, reading, ctx.gazetteer)
    # Only values a second reader agreeing could let through, so OCR stays proportional; and not
    # on a photo the capture gate faults (on the hard benchmark sets, names on cut-off photos
    # were read alike and wrong by both models): its sender is asked for a better photo anyway.
    # A sheet only somewhat small is the exception (quality.SECOND_READING_PX_PER_MM). Nor on a
    # sheet found without marks: it waits for a reviewer anyway, and where its print did not place
    # it its boxes are the outline's estimates (a crop cut wrong is read alike by both).
    wanted = second_reading_fields(reading.template, record)
    read_twice = reading.quality is None or reading.quality.allows_second_reading
    if wanted and read_twice and not reading.location.by_title:
        reading = second_reading(reading, wanted)
        record = build_record(source, reading, ctx.gazetteer)
    record = record.model_copy(update={"ink": ink_print(reading.page, reading.template.fields)})
    record = check_capture(record, reading.template, reading.quality)
    record = check_preprinted_village(record, reading.template, ctx.gazetteer)
    record = check_fields(record, reading.template, ctx.gazetteer)
    record = decide_category(record, reading.template)
    record = route_record(record, ctx.routing)
    return PageResult(record, reading.page.rgb, reading.timings)
