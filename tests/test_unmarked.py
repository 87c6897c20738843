"""Forms without marks or QR (a grey photocopy of an older version): found by the sheet's outline,
identified by the printed title, read where the boxes should be, and always held for review."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REFERENCE_DAY
from pipeline.errors import NotAForm
from pipeline.ocr.outline import find_sheets, identify_by_title, title_scores
from pipeline.ocr.quality import GLARE_SHARE
from pipeline.ocr.read import read_page, title_location
from pipeline.pages import Context, process_page
from pipeline.reasons import ReasonCode
from pipeline.record import SourceRef, Status
from pipeline.samples.capture import apply_defect, simulate_phone, simulate_scan
from pipeline.samples.generate import SAMPLE_DPI, PageSpec, make_page, page_rng
from pipeline.samples.writer import _letter_page

SOURCE = SourceRef(sha256="1" * 64, filename="fotokopi.jpg", media_type="image/jpeg", page=1, pages=1)


def _unmarked(templates, gazetteer, form_id: str, index: int, serial: int):
    spec = PageSpec(index=index, form_id=form_id, serial=serial, capture="phone", fill_style="typed",
                    preprinted=False, unmarked=True)
    page, _, _ = make_page(templates, gazetteer, spec, 21, REFERENCE_DAY)
    return page


@pytest.fixture(scope="module")
def complaint_photo(templates, gazetteer):
    page = _unmarked(templates, gazetteer, "KIM-02", 5, 71_005)
    return simulate_phone(page, page_rng(21, 5, 1), long_side=2000)


def test_the_unmarked_page_has_no_marks_or_qr_to_find(templates, gazetteer, complaint_photo):
    from pipeline.ocr.identity import find_qr_anywhere
    from pipeline.ocr.marks import detect_marks

    assert detect_marks(complaint_photo.image) == [] and find_qr_anywhere(complaint_photo.image) is None


def test_a_photographed_sheet_is_found_by_its_outline(complaint_photo):
    truth = np.asarray(complaint_photo.page_corners, dtype=np.float32)
    long_side = max(complaint_photo.image.shape[:2])
    # Some candidate has all four corners within 3% of the photo's size of the true ones, in some
    # rotation (which way up is decided by the title, not the outline).
    errors = [min(np.abs(np.roll(q, k, axis=0) - truth).max() for k in range(4))
              for q in find_sheets(complaint_photo.image)]
    assert min(errors) < 0.03 * long_side, errors


@pytest.mark.parametrize("form_id, index, turn", [("KIM-01", 11, 0), ("KIM-02", 12, 2), ("KIM-01", 13, 1)])
def test_the_form_is_identified_by_its_title_whichever_way_up(templates, gazetteer, form_id, index, turn):
    page = _unmarked(templates, gazetteer, form_id, index, 71_000 + index)
    scan = simulate_scan(page, page_rng(21, index, 1), dpi_in=SAMPLE_DPI, dpi_out=150).image
    found = identify_by_title(np.ascontiguousarray(np.rot90(scan, turn)), templates)
    assert found is not None and found.template.id == form_id


def test_a_page_found_by_its_title_is_read_but_never_routed(templates, gazetteer, routing, complaint_photo):
    result = process_page(complaint_photo.image, SOURCE, Context(templates, gazetteer, routing))
    record = result.record
    assert record.status is Status.NEEDS_REVIEW
    unmarked = [r for r in record.reasons if r.code is ReasonCode.FORM_UNMARKED]
    assert unmarked and "KIM-02" in unmarked[0].message and "judul" in unmarked[0].message
    assert record.identity is None or not record.identity.serial_trusted
    # The boxes are estimated from the sheet's edges: the typed name is still found where it should be.
    assert record.field("pelapor_nama").value
    assert result.straightened is not None


def test_a_letter_is_still_not_a_form(templates):
    letter = simulate_phone(_letter_page(np.random.default_rng(5)), np.random.default_rng(6), long_side=1600)
    with pytest.raises(NotAForm):
        read_page(letter.image, templates)


def test_a_half_read_title_is_not_enough():
    from pipeline.forms.registry import default_templates

    templates = default_templates()
    scores = title_scores(["FORMULIR", "PEMERINTAH KABUPATEN BARITO KUALA"], templates)
    assert scores[0][0] < 75
    best = title_scores(["FORMULIR PENGADUAN MASYARAKAT"], templates)
    assert best[0][1].id == "KIM-02" and best[0][0] - best[1][0] >= 10


def test_the_printed_layout_tells_a_right_outline_from_a_shifted_one(templates, complaint_photo):
    import cv2

    from pipeline.ocr.outline import layout_score

    template = templates.get("KIM-02")
    page = np.array([[0, 0], [210, 0], [210, 297], [0, 297]], dtype=np.float32)
    truth = np.asarray(complaint_photo.page_corners, dtype=np.float32)
    right = cv2.getPerspectiveTransform(page, truth)
    shifted = cv2.getPerspectiveTransform(page, truth + np.float32([0, 60]))  # ~1 cm down the sheet
    assert layout_score(complaint_photo.image, right, template) > layout_score(complaint_photo.image, shifted, template) + 0.1


@pytest.mark.parametrize("form_id, index", [("KIM-01", 32), ("KIM-02", 31)])
def test_a_scan_of_a_form_without_marks_is_not_taken_for_glared(templates, gazetteer, form_id, index):
    # The print mask expects corner marks and a QR where such a form has blank paper, and is placed
    # by the sheet's outline only to a millimetre or so: on a flatbed's clipped white paper
    # both once read as print washed out by a reflection.
    spec = PageSpec(index=index, form_id=form_id, serial=71_000 + index, capture="scan", fill_style="typed",
                    preprinted=False, unmarked=True)
    page, _, _ = make_page(templates, gazetteer, spec, 21, REFERENCE_DAY)
    scan = simulate_scan(page, page_rng(21, index, 1), dpi_in=SAMPLE_DPI, dpi_out=150).image
    reading = read_page(scan, templates)
    assert reading.location.by_title and reading.quality.glare_share == 0.0


def test_a_reflection_on_a_photographed_form_without_marks_is_still_seen(templates, gazetteer):
    page = _unmarked(templates, gazetteer, "KIM-02", 14, 71_014)
    photo = simulate_phone(page, page_rng(21, 14, 1), long_side=2000)
    glared = apply_defect(photo, "glare", np.random.default_rng(3))
    reading = read_page(glared.image, templates)
    assert reading.location.by_title and reading.quality.glare_share > GLARE_SHARE
    assert read_page(photo.image, templates).quality.glare_share == 0.0


def _corner_error_mm(location, capture) -> float:
    import cv2

    t = location.template.page
    page = np.float64([[0, 0], [t.width, 0], [t.width, t.height], [0, t.height]]).reshape(-1, 1, 2)
    found = cv2.perspectiveTransform(page, location.homography).reshape(-1, 2)
    truth = np.asarray(capture.page_corners, dtype=np.float64)
    return float(np.linalg.norm(found - truth, axis=1).max() / (np.linalg.norm(truth[1] - truth[0]) / t.width))


@pytest.mark.parametrize("index, capture", [(11, "scan"), (14, "phone"), (11, "phone")])
def test_a_sheet_without_marks_is_placed_by_its_print(templates, gazetteer, index, capture):
    # By their outlines alone these sheets' corners were put 8 mm (the scanner bed's edge) and
    # 53 mm (a wood grain) off, and no outline gave the third one's title.
    form_id = ("KIM-01", "KIM-02")[index % 2]
    page = _unmarked(templates, gazetteer, form_id, index, 71_000 + index)
    rng = page_rng(21, index, 1)
    photo = simulate_scan(page, rng, dpi_in=SAMPLE_DPI, dpi_out=150) if capture == "scan" else \
        simulate_phone(page, rng, long_side=1600)
    location = title_location(photo.image, templates)
    assert location is not None and location.template.id == form_id
    assert _corner_error_mm(location, photo) < 1.5


def test_the_print_does_not_place_a_sheet_the_outline_did_not_find(templates, complaint_photo):
    # Two sheets of one form side by side match the same print: the fit must be the sheet whose
    # outline (and title) was found, not another one elsewhere in the photo.
    import cv2

    from pipeline.ocr.by_print import place_by_print

    template = templates.get("KIM-02")
    w, h = template.page.width, template.page.height
    page = np.float32([[0, 0], [w, 0], [w, h], [0, h]])

    def outline(quad: np.ndarray) -> np.ndarray:  # the homography an outline at `quad` gives
        return cv2.getPerspectiveTransform(page, np.float32(quad))

    truth = np.asarray(complaint_photo.page_corners, dtype=np.float32)
    assert place_by_print(complaint_photo.image, template, outline(truth)) is not None
    h, w = complaint_photo.image.shape[:2]
    corner = max(((0, 0), (w, 0), (w, h), (0, h)), key=lambda c: np.hypot(*(truth.mean(axis=0) - c)))
    away = np.float32(corner) + (truth - truth.mean(axis=0)) * 0.2  # a small quad at the farthest corner
    assert place_by_print(complaint_photo.image, template, outline(away)) is None
    # An outline around this sheet and another beside it holds this sheet's centre, but its
    # own centre lies off this sheet: the patch two touching sheets make.
    patch = np.float32([[0, 0], [2 * w + 20, 0], [2 * w + 20, h], [0, h]])  # this sheet and one beside it
    both = cv2.perspectiveTransform(patch[None], outline(truth))[0]
    assert place_by_print(complaint_photo.image, template, outline(both)) is None


def _shadow_across_heading(photo, factor: float = 0.6, softness_px: float = 15.0) -> np.ndarray:
    """The photo with a shadow whose edge crosses the sheet's top edge at its middle."""
    import cv2

    image = photo.image
    corners = np.asarray(photo.page_corners, dtype=np.float32)
    rows, cols = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    middle, along = (corners[0] + corners[1]) / 2, corners[1] - corners[0]
    shade = ((cols - middle[0]) * along[0] + (rows - middle[1]) * along[1] < 0).astype(np.float32)
    shade = cv2.GaussianBlur(shade, (0, 0), softness_px)
    return (image * (1 - (1 - factor) * shade[..., None])).clip(0, 255).astype(np.uint8)


def test_a_title_half_in_shadow_is_still_read(templates, complaint_photo):
    # Tesseract thresholds the heading as a whole: with a shadow's edge across it, a legible
    # title was read "FOR IK" until the band's lighting was flattened first.
    found = title_location(_shadow_across_heading(complaint_photo), templates)
    assert found is not None and found.template.id == "KIM-02"
