"""Two forms photographed together: each is read from its own sheet's marks into its own record;
a photo whose sheets cannot be told apart is read once and says it holds more than one form."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import blank_scan
from pipeline.forms.render import render_forms
from pipeline.ocr.marks import MarkHit, count_sheets, detect_marks, split_sheets
from pipeline.ocr.poppler import rasterize_page
from pipeline.pages import Context, process_page, sheets_on
from pipeline.reasons import ReasonCode
from pipeline.record import Identity, SourceRef, Status


def _sheet(templates, form_id: str, serial: int) -> np.ndarray:
    return blank_scan(templates, form_id, serial)


def _side_by_side(*sheets: np.ndarray) -> np.ndarray:
    h = max(s.shape[0] for s in sheets)
    canvas = np.full((h + 80, sum(s.shape[1] for s in sheets) + 40 * (len(sheets) + 1), 3), 90, np.uint8)
    x = 40
    for s in sheets:
        canvas[40:40 + s.shape[0], x:x + s.shape[1]] = s
        x += s.shape[1] + 40
    return canvas


def _source() -> SourceRef:
    return SourceRef(sha256="0" * 64, filename="dua.jpg", media_type="image/jpeg", page=1, pages=1)


@pytest.mark.parametrize("pair", [("KIM-02", "KIM-02"), ("KIM-01", "KIM-02")])
def test_a_photo_of_two_forms_gives_a_record_for_each_sheet(templates, gazetteer, routing, pair):
    photo = _side_by_side(_sheet(templates, pair[0], 300001), _sheet(templates, pair[1], 300002))
    ctx = Context(templates, gazetteer, routing)
    results = [process_page(s.image, s.source, ctx, s.hits, s.location) for s in sheets_on(photo, _source(), ctx)]
    assert [(r.record.source.sheet, r.record.source.sheets) for r in results] == [(1, 2), (2, 2)]
    # In reading order (left to right), each from its own sheet: its QR agrees with its marks.
    assert [(r.record.identity.form_id, r.record.identity.serial) for r in results] == \
        [(pair[0], 300001), (pair[1], 300002)]
    for r in results:
        codes = [x.code for x in r.record.all_reasons()]
        assert ReasonCode.SEVERAL_FORMS not in codes and ReasonCode.IDENTITY_MISMATCH not in codes
        assert r.straightened is not None


def test_sheets_stacked_one_above_the_other_are_numbered_top_down(templates):
    top, bottom = _sheet(templates, "KIM-02", 300003), _sheet(templates, "KIM-01", 300004)
    photo = np.rot90(_side_by_side(np.rot90(top), np.rot90(bottom)), -1)  # turned clockwise: left on top
    groups = split_sheets(detect_marks(np.ascontiguousarray(photo)), templates)
    assert [templates.for_mark(g[0].id).id for g in groups] == ["KIM-02", "KIM-01"]


def test_a_photo_whose_sheets_do_not_separate_is_read_once_and_says_so(templates, gazetteer, routing):
    photo = _side_by_side(_sheet(templates, "KIM-02", 300001), _sheet(templates, "KIM-02", 300002))
    hits = detect_marks(photo)
    assert len(split_sheets(hits, templates)) == 2
    # One mark of the right-hand sheet seen 40 mm from where it is: that sheet fits no page.
    right = max(hits, key=lambda h: h.corners[:, 0].mean())
    moved = [MarkHit(h.id, h.corners + [0, 160]) if h is right else h for h in hits]
    [group] = split_sheets(moved, templates)
    record = process_page(photo, _source(), Context(templates, gazetteer, routing), list(group)).record
    codes = [r.code for r in record.all_reasons()]
    assert ReasonCode.SEVERAL_FORMS in codes and record.status.value == "needs_review"
    assert record.identity is not None and record.identity.serial in (300001, 300002)
    assert ReasonCode.IDENTITY_MISMATCH not in codes


def test_one_form_is_one_sheet_and_a_stray_mark_counts_for_nothing(templates):
    corners = np.zeros((4, 2))
    kim02 = templates.get("KIM-02").marks.ids
    kim01 = templates.get("KIM-01").marks.ids
    one = [MarkHit(i, corners) for i in kim02]
    assert count_sheets(one, templates) == 1
    assert count_sheets(one + [MarkHit(kim01[0], corners)], templates) == 1
    assert count_sheets(one + [MarkHit(i, corners) for i in kim02[:2]], templates) == 2


def _tempat(gazetteer, coarse: bool, conf: float, check: str | None = None):
    from pipeline.extract.build import written_value
    from pipeline.ocr.zones import FieldText
    from pipeline.forms.registry import default_templates
    f = default_templates().get("KIM-01").field("tempat")

    def read(t: str, c: float) -> FieldText:
        return FieldText("tempat", t, (), c, len(t.split()), (), tuple(c for _ in t.split()))
    value = written_value(f, read("Balai Desa Sungai Gampa", conf), False, gazetteer, 1.0, conf,
                          read(check, 0.9) if check else None, coarse=coarse)
    return f, value


def test_on_a_coarse_sheet_a_second_reader_agreeing_counts_only_where_the_first_was_fairly_sure(gazetteer):
    from pipeline.extract.build import COARSE_SECOND_READING_FLOOR, wants_second_reading
    from pipeline.ocr.quality import COARSE_PX_PER_MM, PageQuality
    assert PageQuality(COARSE_PX_PER_MM - 0.1, 0.2, 0.0, ()).coarse
    assert not PageQuality(COARSE_PX_PER_MM, 0.2, 0.0, ()).coarse
    # Sure words are accepted on confidence, coarse or not.
    assert not _tempat(gazetteer, coarse=True, conf=0.99)[1].needs_review
    # A doubtful value on a fine sheet is read again, and stands when the readers agree ...
    f, fine = _tempat(gazetteer, coarse=False, conf=0.5)
    assert fine.needs_review and wants_second_reading(f, fine)
    assert not _tempat(gazetteer, coarse=False, conf=0.5, check="Balai Desa Sungai Gampa")[1].needs_review
    # ... on a coarse one only when the first reader scored every word at least the floor.
    unsure = COARSE_SECOND_READING_FLOOR - 0.05
    f, coarse = _tempat(gazetteer, coarse=True, conf=unsure)
    assert coarse.needs_review and not wants_second_reading(f, coarse)
    assert _tempat(gazetteer, coarse=True, conf=unsure, check="Balai Desa Sungai Gampa")[1].needs_review
    sure = COARSE_SECOND_READING_FLOOR + 0.05
    f, coarse = _tempat(gazetteer, coarse=True, conf=sure)
    assert coarse.needs_review and wants_second_reading(f, coarse)
    assert not _tempat(gazetteer, coarse=True, conf=sure, check="Balai Desa Sungai Gampa")[1].needs_review
    assert _tempat(gazetteer, coarse=True, conf=sure, check="Balai Desa Sungai Gampi")[1].needs_review


def test_a_sheet_somewhat_small_is_still_read_twice_but_not_one_far_too_small_or_faulted():
    from pipeline.ocr.quality import COARSE_PX_PER_MM, MIN_PX_PER_MM, SECOND_READING_PX_PER_MM, PageQuality
    assert SECOND_READING_PX_PER_MM < MIN_PX_PER_MM < COARSE_PX_PER_MM  # such sheets are coarse: the floor applies
    shared = PageQuality(2.4, 0.2, 0.0, ())  # two forms in one chat-forwarded photo
    assert shared.problems == ("low_res",) and shared.allows_second_reading and shared.coarse
    assert PageQuality(MIN_PX_PER_MM, 0.2, 0.0, ()).allows_second_reading
    assert PageQuality(SECOND_READING_PX_PER_MM, 0.2, 0.0, ()).allows_second_reading
    assert not PageQuality(SECOND_READING_PX_PER_MM - 0.1, 0.2, 0.0, ()).allows_second_reading
    assert not PageQuality(2.4, 0.5, 0.0, ()).allows_second_reading  # blurred too
    assert not PageQuality(5.0, 0.2, 0.0, ("pelapor_nama",)).allows_second_reading  # cut off


def test_process_page_reads_a_somewhat_small_sheet_twice_and_a_far_too_small_one_once(
        templates, gazetteer, routing, monkeypatch):
    import pipeline.pages as pages
    read_twice = []
    monkeypatch.setattr(pages, "second_reading_fields", lambda template, record: ["tempat"])
    monkeypatch.setattr(pages, "second_reading", lambda reading, names: (read_twice.append(names), reading)[1])
    ctx = Context(templates, gazetteer, routing)
    for dpi, expected in ((63, [["tempat"]]), (50, [])):  # 2.5 and 2.0 px per mm
        read_twice.clear()
        record = process_page(blank_scan(templates, "KIM-01", dpi=dpi), _source(), ctx).record
        assert record.identity is not None and [n.code for n in record.notes] == [ReasonCode.CAPTURE_LOW_RES]
        assert read_twice == expected, dpi


def test_on_a_coarse_sheet_an_address_doubted_jl_does_not_count_against_the_floor(gazetteer):
    from pipeline.extract.build import COARSE_SECOND_READING_FLOOR, wants_second_reading, written_value
    from pipeline.forms.registry import default_templates
    from pipeline.ocr.zones import FieldText
    f = default_templates().get("KIM-02").field("pelapor_alamat")

    def held(text: str, confs: tuple[float, ...]):
        read = FieldText(f.name, text, (), min(confs), len(confs), (), confs)
        return written_value(f, read, False, gazetteer, 1.0, 0.95, coarse=True)
    address = held("Jl. Pasar Lama", (0.3, 0.9, 0.9))
    assert address.needs_review and wants_second_reading(f, address)
    assert not wants_second_reading(f, held("II Pasar Lama", (0.3, 0.9, 0.9)))  # misread: it counts
    assert COARSE_SECOND_READING_FLOOR > 0.4
    assert not wants_second_reading(f, held("Jl. Pasar Lama", (0.3, 0.4, 0.9)))  # another doubted word
    assert not wants_second_reading(f, held("Gang Pasar Lama", (0.3, 0.9, 0.9)))  # only "Jl." is left out
    # A "Jl." the spelling step restores ("JI.", "J.") is taken as one: its slips are of that word.
    assert wants_second_reading(f, held("JI. Pasar Lama", (0.3, 0.9, 0.9)))
    assert wants_second_reading(f, held("J. Pasar Lama", (0.3, 0.9, 0.9)))
    # Evidence stored before the rule (no weakest_past_street) falls back to the weakest word.
    old = address.model_copy(update={"evidence": {k: v for k, v in address.evidence.items()
                                                  if k != "weakest_past_street"}})
    assert not wants_second_reading(f, old)


def test_a_sheet_too_coarse_because_it_shared_the_photo_says_so(templates):
    from pipeline.extract.capture import check_capture
    from pipeline.ocr.quality import PageQuality
    from pipeline.record import FormRecord

    quality = PageQuality(2.4, 0.2, 0.0, ())
    alone = FormRecord(source=_source())
    shared = FormRecord(source=_source().model_copy(update={"sheet": 2, "sheets": 2}))
    template = templates.get("KIM-02")
    [note] = check_capture(shared, template, quality).notes
    assert note.code is ReasonCode.CAPTURE_LOW_RES and "2,4 piksel per mm; foto berisi 2 formulir" in note.message
    assert "formulir sekaligus" not in check_capture(alone, template, quality).notes[0].message


def test_a_form_that_breaks_the_reader_loses_only_itself(templates, kopi_home, monkeypatch):
    import logging

    import cv2

    import flows.intake as intake
    from pipeline.record import Status

    photo = _side_by_side(_sheet(templates, "KIM-01", 300005), _sheet(templates, "KIM-02", 300006))
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(photo, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    real = intake.process_page

    def second_breaks(image, source, ctx, hits=None, location=None):  # noqa: ANN001, ANN202
        if source.sheet == 2:
            raise ValueError("a bug met on this form only")
        return real(image, source, ctx, hits, location)

    monkeypatch.setattr(intake, "process_page", second_breaks)
    outcomes = intake._read_pages(jpeg.tobytes(), _source(), logging.getLogger("test"))
    assert [(o.record.source.sheet, o.record.source.sheets) for o in outcomes] == [(1, 2), (2, 2)]
    assert outcomes[0].record.identity.serial == 300005 and outcomes[0].image_sha256 is not None
    assert outcomes[1].record.status is Status.FAILED


def test_staff_are_told_where_in_what_was_sent_a_form_lies():
    from pipeline.report.display import source_label
    assert source_label(_source()) == "berkas dua.jpg"
    pdf_page = _source().model_copy(update={"filename": "pindai.pdf", "page": 2, "pages": 3})
    assert source_label(pdf_page) == "berkas pindai.pdf, hal. 2 dari 3"
    second = _source().model_copy(update={"sheet": 2, "sheets": 2})
    assert source_label(second) == "berkas dua.jpg, formulir ke-2 dari 2 dalam satu gambar"


@pytest.mark.parametrize("forms", [("KIM-02", "KIM-01", "KIM-02"), ("KIM-02", "KIM-02", "KIM-02")])
def test_three_forms_in_one_photo_are_three_records_in_order(templates, gazetteer, routing, forms):
    serials = (300011, 300012, 300013)
    photo = _side_by_side(*(_sheet(templates, form, s) for form, s in zip(forms, serials, strict=True)))
    ctx = Context(templates, gazetteer, routing)
    sheets = sheets_on(photo, _source(), ctx)
    assert [(s.source.sheet, s.source.sheets) for s in sheets] == [(1, 3), (2, 3), (3, 3)]
    results = [process_page(s.image, s.source, ctx, s.hits, s.location) for s in sheets]
    assert [r.record.identity.serial for r in results] == list(serials)


def _unmarked(templates, form_id: str, serial: int) -> np.ndarray:
    import cv2

    from pipeline.samples.generate import SAMPLE_DPI, _erase_marks

    t = templates.get(form_id)
    page = rasterize_page(render_forms(t, [Identity(form_id=form_id, version=t.version, serial=serial)]), 1,
                          SAMPLE_DPI)
    copy = _erase_marks(page, t)  # a grey photocopy without marks or QR
    return cv2.resize(copy, None, fx=100 / SAMPLE_DPI, fy=100 / SAMPLE_DPI, interpolation=cv2.INTER_AREA)


def test_two_forms_without_marks_in_one_photo_are_two_records_for_review(templates, gazetteer, routing,
                                                                         monkeypatch):
    """Photocopies of an older version, photographed together: each sheet is found by its own
    outline and named by its own title (read once), and each waits for a reviewer; neither is
    lost."""
    from pipeline.ocr import read

    photo = _side_by_side(_unmarked(templates, "KIM-01", 300021), _unmarked(templates, "KIM-02", 300022))
    ctx = Context(templates, gazetteer, routing)
    titles_read = []
    real = read.identify_by_title
    monkeypatch.setattr(read, "identify_by_title", lambda *a: titles_read.append(1) or real(*a))
    sheets = sheets_on(photo, _source(), ctx)
    assert [(s.source.sheet, s.source.sheets, s.hits, s.location.template.id) for s in sheets] == \
        [(1, 2, None, "KIM-01"), (2, 2, None, "KIM-02")]
    records = [process_page(s.image, s.source, ctx, s.hits, s.location).record for s in sheets]
    assert len(titles_read) == 2  # once per sheet, not again when it is read
    assert [r.identity.form_id for r in records] == ["KIM-01", "KIM-02"]
    for r in records:
        assert ReasonCode.FORM_UNMARKED in [x.code for x in r.all_reasons()]
        assert r.status is Status.NEEDS_REVIEW


def test_one_form_without_marks_is_one_sheet(templates, gazetteer, routing):
    photo = _side_by_side(_unmarked(templates, "KIM-02", 300023))
    sheets = sheets_on(photo, _source(), Context(templates, gazetteer, routing))
    assert len(sheets) == 1 and sheets[0].image is photo and sheets[0].source.sheets == 1


def test_bright_sheets_that_are_not_forms_stay_one_page(templates, gazetteer, routing):
    """Two A4-shaped sheets of paper without a form's title (a letter beside a notebook) are not
    split: the photo stays one page, which fails as one."""
    blank = np.full((1169, 827, 3), 245, np.uint8)
    blank[200:260, 100:700] = 40  # some print, but no title of a form
    photo = _side_by_side(blank, blank.copy())
    from pipeline.ocr.outline import sheet_regions

    assert len(sheet_regions(photo)) == 2  # two sheets lie apart ...
    ctx = Context(templates, gazetteer, routing)
    sheets = sheets_on(photo, _source(), ctx)
    assert len(sheets) == 1 and sheets[0].image is photo  # ... but neither is titled as a form
    assert process_page(photo, sheets[0].source, ctx, sheets[0].hits).record.status is Status.FAILED


def _touching(*sheets: np.ndarray) -> np.ndarray:
    """Sheets laid edge to edge on a dark table: one bright patch of paper."""
    h = max(s.shape[0] for s in sheets)
    canvas = np.full((h + 80, sum(s.shape[1] for s in sheets) + 80, 3), 90, np.uint8)
    x = 40
    for s in sheets:
        canvas[40:40 + s.shape[0], x:x + s.shape[1]] = s
        x += s.shape[1]
    return canvas


@pytest.mark.parametrize("turns", [0, 1])
def test_two_forms_without_marks_that_touch_are_found_by_their_print(templates, gazetteer, routing, turns):
    """Side by side, or turned a quarter and one above the other: two A4 sheets edge to edge make
    one A4-shaped patch, so no outline separates them; each is found by its print
    (ocr/by_print.py) and named by its own title, and each waits for a reviewer."""
    from pipeline.ocr.outline import sheet_regions

    photo = np.ascontiguousarray(np.rot90(_touching(_unmarked(templates, "KIM-01", 300031),
                                                    _unmarked(templates, "KIM-02", 300032)), turns))
    assert sheet_regions(photo) == []  # no outline tells them apart
    want = [("KIM-01", 300031), ("KIM-02", 300032)]
    if turns:  # a quarter turn to the left puts the first sheet below the second
        want.reverse()
    ctx = Context(templates, gazetteer, routing)
    sheets = sheets_on(photo, _source(), ctx)
    assert [(s.source.sheet, s.source.sheets, s.location.template.id) for s in sheets] == \
        [(1, 2, want[0][0]), (2, 2, want[1][0])]
    records = [process_page(s.image, s.source, ctx, s.hits, s.location).record for s in sheets]
    assert [(r.identity.form_id, r.identity.serial) for r in records] == want
    for r in records:
        assert ReasonCode.FORM_UNMARKED in [x.code for x in r.all_reasons()]
        assert r.status is Status.NEEDS_REVIEW


@pytest.mark.parametrize("dpi, coarse", [(63, True), (72, True), (100, False), (150, False)])
def test_a_coarse_sheet_is_enlarged_with_steeper_edges_and_a_fine_one_as_before(templates, dpi, coarse):
    """Under 3 px per mm (two forms in one chat photo) a sheet is enlarged about three times onto
    the page grid; bilinear resampling would leave each stroke's edge a wide ramp
    (read.COARSE_INTERPOLATION)."""
    import cv2

    from pipeline.ocr.marks import straighten
    from pipeline.ocr.quality import edge_width
    from pipeline.ocr.read import PX_PER_MM, read_page
    image = blank_scan(templates, "KIM-01", dpi=dpi)
    reading = read_page(image, templates)
    assert reading.quality.coarse is coarse
    read = edge_width(cv2.cvtColor(reading.page.rgb, cv2.COLOR_BGR2GRAY))
    bilinear = edge_width(cv2.cvtColor(straighten(image, reading.location, PX_PER_MM), cv2.COLOR_BGR2GRAY))
    if coarse:
        assert read < 0.97 * bilinear
    else:
        assert read == pytest.approx(bilinear)
