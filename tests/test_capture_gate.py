"""The capture gate on generated photos: each defect gets its own Indonesian reason (or note), a
good photo gets none, and an empty back of a duplex scan is recognised as blank."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REFERENCE_DAY, blank_scan
from pipeline.errors import CaptureProblem, PageBlank
from pipeline.pages import Context, process_page
from pipeline.reasons import ReasonCode, message_for
from pipeline.record import SourceRef
from pipeline.samples.capture import apply_defect, blank_back, simulate_phone
from pipeline.samples.generate import PageSpec, make_page, page_rng
from pipeline.ocr.quality import assess_image, is_blank
from pipeline.ocr.read import read_page

SOURCE = SourceRef(sha256="0" * 64, filename="foto.jpg", media_type="image/jpeg", page=1, pages=1)


@pytest.fixture(scope="module")
def photo(templates, gazetteer):
    """One typed complaint photographed with a phone, upright, no defect."""
    spec = PageSpec(index=3, form_id="KIM-02", serial=88_003, capture="phone", fill_style="typed",
                    preprinted=False)
    page, _, _ = make_page(templates, gazetteer, spec, 13, REFERENCE_DAY)
    rng = page_rng(13, 3, 1)
    return simulate_phone(page, rng, long_side=2000)


def _codes(record) -> set[str]:
    return {r.code.value for r in record.reasons} | {n.code.value for n in record.notes}


def test_a_good_photo_raises_nothing(photo, templates, gazetteer, routing):
    record = process_page(photo.image, SOURCE, Context(templates, gazetteer, routing)).record
    assert not {c for c in _codes(record) if c.startswith("capture_")}
    assert assess_image(photo.image).problem is None


@pytest.mark.parametrize("defect, code", [
    ("blur", ReasonCode.CAPTURE_BLURRY), ("dark", ReasonCode.CAPTURE_DARK),
    ("glare", ReasonCode.CAPTURE_GLARE), ("low_res", ReasonCode.CAPTURE_LOW_RES),
    ("cut_off", ReasonCode.CAPTURE_CUT_OFF)])
def test_each_defect_gets_its_own_reason(photo, templates, gazetteer, routing, defect, code):
    bad = apply_defect(photo, defect, np.random.default_rng(7))
    ctx = Context(templates, gazetteer, routing)
    record = process_page(bad.image, SOURCE, ctx).record
    assert code.value in _codes(record), (defect, _codes(record))
    found = next(r for r in (*record.reasons, *record.notes) if r.code is code)
    assert "foto" in found.message.lower() or "formulir" in found.message.lower()
    if code is ReasonCode.CAPTURE_CUT_OFF:  # what is not in the photo cannot be read: held
        assert record.status.value in ("needs_review", "failed")
        unseen = [item for item in (*record.fields, *record.choices)
                  if any(r.code is code for r in item.reasons)]
        assert unseen and all(item.needs_review for item in unseen)  # not passed off as sure blanks
    # a photo blurred, dark, glared, cut off or far too small gets no second reading of held text
    # (pages.process_page): only a better photo
    assert not any("second_agrees" in f.evidence for f in record.fields)
    if code in (ReasonCode.CAPTURE_BLURRY, ReasonCode.CAPTURE_LOW_RES, ReasonCode.CAPTURE_GLARE):
        flagged = [item for item in (*record.fields, *record.choices) if any(r.code is code for r in item.reasons)]
        assert flagged and all(item.needs_review for item in flagged)


def test_on_a_blurred_photo_a_box_that_looks_empty_is_not_a_sure_blank(templates):
    from pipeline.extract.capture import check_capture
    from pipeline.ocr.quality import BLURRY_EDGE_MM, PageQuality
    from pipeline.record import ChoiceValue, FieldValue, FormRecord

    template = templates.get("KIM-02")
    written = [f for f in template.fields if f.type.is_written]
    choice = next(f for f in template.fields if f.type.is_choice)
    record = FormRecord(source=SOURCE, fields=(
        FieldValue(name=written[0].name, type=written[0].type.value, value=None, confidence=1.0, box=written[0].box),
        FieldValue(name=written[1].name, type=written[1].type.value, value="Jalan", confidence=0.99,
                   box=written[1].box)),
        choices=(ChoiceValue(name=choice.name, type=choice.type.value, selected=(), fills={}, confidence=1.0,
                             box=choice.outline),))
    sharp = PageQuality(px_per_mm=5.0, edge_mm=0.2, glare_share=0.0, cut_fields=())
    assert check_capture(record, template, sharp) == record
    blurred = check_capture(record, template, PageQuality(px_per_mm=5.0, edge_mm=BLURRY_EDGE_MM + 0.1,
                                                          glare_share=0.0, cut_fields=()))
    empty, read = blurred.fields
    assert empty.needs_review and empty.reasons[0].code is ReasonCode.CAPTURE_BLURRY
    assert written[0].label in empty.reasons[0].message and "buram" in empty.reasons[0].message
    assert not read.needs_review  # a value that was read keeps its own confidence's verdict
    assert blurred.choices[0].needs_review and "centang" in blurred.choices[0].reasons[0].message
    glare = check_capture(record, template, PageQuality(px_per_mm=5.0, edge_mm=0.2, glare_share=0.05, cut_fields=(),
                                                        glare_fields=(written[1].name,)))
    assert glare.fields[1].needs_review and glare.fields[1].reasons[0].code is ReasonCode.CAPTURE_GLARE
    assert not glare.fields[0].needs_review


def test_on_a_sheet_only_somewhat_small_an_empty_text_box_is_a_blank_but_an_unticked_box_is_not(templates):
    from pipeline.extract.capture import check_capture
    from pipeline.ocr.quality import MIN_PX_PER_MM, SURE_BLANK_PX_PER_MM, PageQuality
    from pipeline.record import ChoiceValue, FieldValue, FormRecord

    template = templates.get("KIM-02")
    written = next(f for f in template.fields if f.type.is_written)
    choice = next(f for f in template.fields if f.type.is_choice)
    record = FormRecord(source=SOURCE.model_copy(update={"sheet": 1, "sheets": 2}), fields=(
        FieldValue(name=written.name, type=written.type.value, value=None, confidence=1.0, box=written.box),),
        choices=(ChoiceValue(name=choice.name, type=choice.type.value, selected=(), fills={}, confidence=1.0,
                             box=choice.outline),))

    def at(px_per_mm: float) -> FormRecord:
        return check_capture(record, template, PageQuality(px_per_mm=px_per_mm, edge_mm=0.2, glare_share=0.0,
                                                           cut_fields=()))

    somewhat = at((SURE_BLANK_PX_PER_MM + MIN_PX_PER_MM) / 2)  # two forms in one chat-forwarded photo
    assert [n.code for n in somewhat.notes] == [ReasonCode.CAPTURE_LOW_RES]
    assert "2 formulir" in somewhat.notes[0].message
    assert not somewhat.fields[0].needs_review  # writing still leaves ink in the box
    assert somewhat.choices[0].needs_review and "centang" in somewhat.choices[0].reasons[0].message
    for fault in ({"paper_level": 50.0}, {"edge_mm": 1.0}):  # dark or blurred too: faint writing may hide
        faulted = check_capture(record, template, PageQuality(
            px_per_mm=(SURE_BLANK_PX_PER_MM + MIN_PX_PER_MM) / 2, glare_share=0.0, cut_fields=(),
            **{"edge_mm": 0.2, **fault}))
        assert faulted.fields[0].needs_review and "tampak kosong" in faulted.fields[0].reasons[0].message
    far = at(SURE_BLANK_PX_PER_MM - 0.5)
    assert far.fields[0].needs_review and far.fields[0].reasons[0].code is ReasonCode.CAPTURE_LOW_RES
    assert "tampak kosong" in far.fields[0].reasons[0].message and far.choices[0].needs_review


def test_a_blurred_photo_the_reader_cannot_locate_says_blurred_not_no_marks(photo, templates):
    bad = apply_defect(photo, "blur", np.random.default_rng(3))
    heavy = apply_defect(bad, "blur", np.random.default_rng(4))  # beyond any chance of finding marks
    with pytest.raises(CaptureProblem) as refused:
        read_page(heavy.image, templates)
    assert refused.value.reason is ReasonCode.CAPTURE_BLURRY
    assert "buram" in refused.value.message


def test_an_empty_sheet_is_blank_and_a_form_is_not(photo, templates):
    back = blank_back(np.random.default_rng(1), (1654, 2339))
    assert is_blank(back)
    assert not is_blank(photo.image)
    with pytest.raises(PageBlank):
        read_page(back, templates)
    assert "kosong" in message_for(ReasonCode.PAGE_BLANK)


def test_a_photo_blurred_until_no_stroke_is_dark_is_blurred_not_blank(photo, templates):
    """Blur spreads every stroke into a faint smudge: too little ink stays dark to tell the photo
    from an empty sheet by dark ink alone (as phone_0218 of seed 2035 was), but the smudges are
    still there, and the sender should be asked for a sharper photo, not told the page was empty."""
    import cv2

    from pipeline.ocr.quality import ASSESS_LONG_SIDE, BLANK_INK_SHARE

    washed = cv2.GaussianBlur(photo.image, (0, 0), 8)
    gray = cv2.cvtColor(washed, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(gray, None, fx=ASSESS_LONG_SIDE / max(gray.shape), fy=ASSESS_LONG_SIDE / max(gray.shape),
                       interpolation=cv2.INTER_AREA)
    flat = cv2.divide(small, cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8)), scale=255)
    assert np.count_nonzero(flat < 170) / flat.size < BLANK_INK_SHARE  # dark ink alone: "empty"
    assert not is_blank(washed)
    with pytest.raises(CaptureProblem) as refused:
        read_page(washed, templates)
    assert refused.value.reason is ReasonCode.CAPTURE_BLURRY


@pytest.mark.parametrize("dpi", [72, 85, 100])
def test_a_clean_scan_at_low_dpi_is_not_called_glared(templates, dpi):
    # A thin rule lies a few tenths of a mm from where the template puts it at these
    # resolutions: white under the print mask, but ink right beside it, not a reflection.
    from pipeline.ocr.read import PX_PER_MM, read_page
    for form_id in ("KIM-01", "KIM-02"):
        quality = read_page(blank_scan(templates, form_id, dpi=dpi), templates, PX_PER_MM).quality
        assert "glare" not in quality.problems and not quality.glare_fields, (form_id, quality.glare_share)


def test_the_resolution_quoted_to_the_sender_is_rounded_down_so_a_shortfall_never_reads_as_enough(templates):
    from pipeline.extract.capture import check_capture
    from pipeline.ocr.quality import MIN_PX_PER_MM, SURE_BLANK_PX_PER_MM, PageQuality
    from pipeline.record import FormRecord

    template = templates.get("KIM-02")
    record = FormRecord(source=SOURCE, fields=(), choices=())
    for px_per_mm, shown in ((MIN_PX_PER_MM - 0.02, "2,5 piksel per mm"), (SURE_BLANK_PX_PER_MM - 0.01, "2,1 piksel")):
        checked = check_capture(record, template, PageQuality(px_per_mm=px_per_mm, edge_mm=0.2, glare_share=0.0,
                                                              cut_fields=()))
        assert shown in checked.notes[0].message, checked.notes[0].message


def test_nothing_read_on_a_sheet_far_too_small_passes_as_sure(templates):
    """Under 2.2 px per mm (a thumbnail sent on) no reading was ever measured, so a value read
    there, however sure the readers were, waits for a reviewer, who is told why."""
    from pipeline.extract.capture import check_capture
    from pipeline.ocr.quality import SECOND_READING_PX_PER_MM, PageQuality
    from pipeline.record import ChoiceValue, FieldValue, FormRecord

    template = templates.get("KIM-02")
    written = next(f for f in template.fields if f.type.is_written)
    choice = next(f for f in template.fields if f.type.is_choice)
    option = choice.options[0].value
    record = FormRecord(source=SOURCE, fields=(
        FieldValue(name=written.name, type=written.type.value, value="16", confidence=0.99, box=written.box),),
        choices=(ChoiceValue(name=choice.name, type=choice.type.value, selected=(option,), fills={option: 0.6},
                             confidence=0.99, box=choice.outline),))

    def at(px_per_mm: float) -> FormRecord:
        return check_capture(record, template, PageQuality(px_per_mm=px_per_mm, edge_mm=0.2, glare_share=0.0,
                                                           cut_fields=()))

    somewhat = at(SECOND_READING_PX_PER_MM)  # two forms in one chat photo: measured, confidence decides
    assert not somewhat.fields[0].needs_review and not somewhat.choices[0].needs_review
    far = at(1.0)
    for item, label in ((far.fields[0], written.label), (far.choices[0], choice.label)):
        assert item.needs_review and [r.code for r in item.reasons] == [ReasonCode.CAPTURE_LOW_RES]
        assert f"1,0 piksel per mm; {label} tidak dapat dipastikan" in item.reasons[0].message
    assert far.fields[0].value == "16"  # offered to the reviewer, not thrown away
