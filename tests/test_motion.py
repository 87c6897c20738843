"""A shaky hand's smear is measured from the form's own print and undone for the text readers
only; a sharp or merely defocused page is left as it is."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import REFERENCE_DAY
from pipeline.forms.render import render_forms
from pipeline.ocr import motion
from pipeline.ocr.blank import blank_gray
from pipeline.ocr.deblur import line_kernel
from pipeline.ocr.motion import find_smear
from pipeline.ocr.poppler import rasterize_page
from pipeline.ocr.read import PX_PER_MM, read_page
from pipeline.record import Identity
from pipeline.samples.capture import simulate_phone
from pipeline.samples.content import make_fill
from pipeline.samples.draw import draw_fill
from pipeline.samples.generate import SAMPLE_DPI, page_rng


def _blurred(template, kernel: np.ndarray) -> np.ndarray:
    gray = blank_gray(template, PX_PER_MM)
    return cv2.filter2D(gray, -1, kernel, borderType=cv2.BORDER_REFLECT)


@pytest.mark.parametrize("length, angle", [(10, 30), (8, 90), (12, 150)])
def test_a_smear_is_measured_from_the_print(templates, length, angle):
    smear = find_smear(_blurred(templates.get("KIM-02"), line_kernel(length, angle)),
                       templates.get("KIM-02"), PX_PER_MM)
    assert smear is not None and smear.worth_undoing
    assert abs(smear.length_px - length) <= 1
    assert min(abs(smear.angle_deg - angle), 180 - abs(smear.angle_deg - angle)) <= 6


@pytest.mark.parametrize("sigma", [0.0, 1.0, 2.0])
def test_a_sharp_or_defocused_page_is_left_alone(templates, sigma):
    template = templates.get("KIM-01")
    gray = blank_gray(template, PX_PER_MM)
    page = cv2.GaussianBlur(gray, (0, 0), sigma) if sigma else gray
    smear = find_smear(page, template, PX_PER_MM)
    assert smear is not None and not smear.worth_undoing


@pytest.mark.parametrize("dy, dx", [(0, 2), (1.5, -1.5), (-3, 0)])
def test_a_page_a_little_off_the_form_is_not_taken_for_a_smear(templates, dy, dx):
    """Straightening leaves the photo a pixel or two off the blank form: an offset is not a
    line blur, and deconvolving it would add edges of its own."""
    template = templates.get("KIM-02")
    gray = blank_gray(template, PX_PER_MM)
    moved = cv2.warpAffine(gray, np.float32([[1, 0, dx], [0, 1, dy]]), gray.shape[::-1],
                           flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    smear = find_smear(cv2.GaussianBlur(moved, (0, 0), 0.8), template, PX_PER_MM)
    assert smear is not None and not smear.worth_undoing
    smeared = cv2.filter2D(moved, -1, line_kernel(10, 60), borderType=cv2.BORDER_REFLECT)
    smear = find_smear(smeared, template, PX_PER_MM)  # and a smear on a moved page is still seen
    assert smear is not None and smear.worth_undoing and abs(smear.length_px - 10) <= 1


def test_a_smear_on_print_moved_further_than_the_fine_search_is_measured(templates):
    """Print 7 px down and 9 px left of the form (a bend does that near a lifted edge): each
    part is placed coarsely first, so the smear is not mistaken for a longer line along the
    offset (16 px at 36 degrees without the coarse step)."""
    template = templates.get("KIM-02")
    gray = blank_gray(template, PX_PER_MM)
    moved = cv2.warpAffine(gray, np.float32([[1, 0, -9], [0, 1, 7]]), gray.shape[::-1],
                           flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    smear = find_smear(cv2.filter2D(moved, -1, line_kernel(10, 30), borderType=cv2.BORDER_REFLECT),
                       template, PX_PER_MM)
    assert smear is not None and smear.worth_undoing
    assert abs(smear.length_px - 10) <= 1 and abs(smear.angle_deg - 30) <= 6


def test_a_page_of_another_size_is_not_measured(templates):
    assert find_smear(np.full((100, 80), 255, np.uint8), templates.get("KIM-01"), PX_PER_MM) is None


def _typed_photo(templates, gazetteer, smear_px: int):
    template = templates.get("KIM-02")
    rng = page_rng(37, 3)
    fill = make_fill(rng, template, 73_003, gazetteer, REFERENCE_DAY, preprinted=False)
    pdf = render_forms(template, [Identity(form_id=template.id, version=template.version, serial=73_003)], None)
    page = draw_fill(rasterize_page(pdf, 1, SAMPLE_DPI), template, fill, rng, "typed", SAMPLE_DPI)
    photo = simulate_phone(page, page_rng(37, 3, 1)).image
    return fill, cv2.filter2D(photo, -1, line_kernel(smear_px, 20), borderType=cv2.BORDER_REFLECT)


def test_a_smeared_photo_reads_better_with_the_smear_undone(templates, gazetteer, monkeypatch):
    """End to end with tesseract: a phone photo smeared 7 px (about 1 mm on the page)."""
    fill, photo = _typed_photo(templates, gazetteer, 7)
    texts = [name for name in ("pelapor_nama", "pelapor_alamat", "lokasi_kejadian", "uraian", "harapan")
             if fill.written.get(name)]

    def exact(reading) -> int:
        return sum(" ".join(reading.texts[n].text.split()) == " ".join(fill.written[n].split()) for n in texts)

    undone = read_page(photo, templates)
    assert undone.text_page is not None and undone.text_page is not undone.page and undone.smeared
    assert undone.page.flat is not undone.text_page.flat  # ticks and ink are measured on the photo
    monkeypatch.setattr(motion, "MIN_FIT_RATIO", float("inf"))
    as_taken = read_page(photo, templates)
    assert as_taken.text_page is as_taken.page and not as_taken.smeared
    assert exact(undone) > exact(as_taken)
    assert exact(undone) >= len(texts) - 1


def test_the_second_reader_reads_a_restoration_of_its_own(templates, gazetteer, monkeypatch):
    """A letter the first restoration made up would be read alike by both models: the check reads
    the straightened photo restored more gently (motion.CHECK_NOISE_TO_SIGNAL), only in the
    fields it reads."""
    from pipeline.ocr import read
    _, photo = _typed_photo(templates, gazetteer, 7)
    reading = read_page(photo, templates)
    seen = []
    real = read.build_composite
    monkeypatch.setattr(read, "build_composite", lambda page, fields, shifts=None, plain=None: seen.append(page) or real(page, fields, shifts, plain))
    checked = read.second_reading(reading, ["uraian", "harapan"])
    assert checked.checks["uraian"].text
    [page] = seen
    template = reading.template
    inside = [page.slice(template.field(n).box) for n in ("uraian", "harapan")]
    for region in inside:
        assert not np.array_equal(page.flat[region], reading.page.flat[region])
        assert not np.array_equal(page.flat[region], reading.text_page.flat[region])
    outside = page.slice(template.field("pelapor_nama").box)
    assert np.array_equal(page.flat[outside], reading.page.flat[outside])

    monkeypatch.setattr(motion, "MIN_FIT_RATIO", float("inf"))
    as_taken = read_page(photo, templates)
    seen.clear()
    read.second_reading(as_taken, ["uraian"])
    assert seen == [as_taken.page]


def _tempat_value(gazetteer, smeared: bool, check: str | None = None):
    from pipeline.extract.build import written_value
    from pipeline.forms.registry import default_templates
    from pipeline.ocr.zones import FieldText
    f = default_templates().get("KIM-01").field("tempat")
    text = "Balai Desa Sungai Gampa"

    def read(t: str, conf: float) -> FieldText:
        return FieldText("tempat", t, (), conf, len(t.split()), (), tuple(conf for _ in t.split()))
    return f, written_value(f, read(text, 0.99), False, gazetteer, 1.0, 0.99,
                            read(check, 0.9) if check else None, smeared)


def test_text_from_an_undone_smear_needs_the_second_reader(gazetteer):
    from pipeline.extract.build import wants_second_reading
    from pipeline.reasons import ReasonCode
    _, sharp = _tempat_value(gazetteer, smeared=False)
    assert not sharp.needs_review  # a crisp page, sure words: accepted on confidence
    f, smeared = _tempat_value(gazetteer, smeared=True)
    assert smeared.needs_review and [r.code for r in smeared.reasons] == [ReasonCode.FIELD_PAGE_UNCLEAR]
    assert smeared.evidence["smeared"] == 1.0 and wants_second_reading(f, smeared)
    _, agreed = _tempat_value(gazetteer, smeared=True, check="Balai Desa Sungai Gampa")
    assert not agreed.needs_review
    _, differs = _tempat_value(gazetteer, smeared=True, check="Balai Desa Sungai Gamba")
    assert differs.needs_review


def test_wiener_undoes_a_known_blur_in_place(templates):
    from pipeline.ocr.deblur import wiener
    gray = blank_gray(templates.get("KIM-01"), PX_PER_MM)[300:700, 100:900]
    kernel = line_kernel(9, 45)
    blurred = cv2.filter2D(gray, -1, kernel[::-1, ::-1], borderType=cv2.BORDER_REFLECT)  # a true convolution
    restored = wiener(blurred, kernel, 0.001)
    inner = (slice(20, -20), slice(20, -20))

    def error(image: np.ndarray) -> float:
        return float(np.abs(image[inner].astype(int) - gray[inner]).mean())
    assert error(restored) < 0.7 * error(blurred)
    for shift in ((0, 1), (1, 0), (0, -1), (-1, 0)):  # and in place: no shift fits better
        assert error(restored) < error(np.roll(restored, shift, axis=(0, 1)))


def test_a_coarse_photo_is_restored_within_the_detail_it_holds(templates):
    """Two forms in one chat photo: 2.5 px per mm, smeared, JPEG'd, enlarged onto the page grid.
    Past the photo's own Nyquist the enlargement holds only noise; fading the inverse out there
    restores the page closer to what such a photo could show at best (the form taken as sharply
    at that resolution): on this crop, correlation 0.942 -> 0.952 at 0.01, and 0.953 at the coarse
    sheet's gentler 0.04, against 0.941 for the photo as taken."""
    from pipeline.ocr.deblur import wiener
    from pipeline.ocr.motion import COARSE_NOISE_TO_SIGNAL, NOISE_TO_SIGNAL, photo_nyquist
    gray = blank_gray(templates.get("KIM-01"), PX_PER_MM)[300:940, 100:900]
    coarse_px_per_mm = 2.5
    small = (round(gray.shape[1] * coarse_px_per_mm / PX_PER_MM), round(gray.shape[0] * coarse_px_per_mm / PX_PER_MM))

    def photographed(page: np.ndarray) -> np.ndarray:
        shrunk = cv2.resize(page, small, interpolation=cv2.INTER_AREA)
        _, jpeg = cv2.imencode(".jpg", shrunk, [cv2.IMWRITE_JPEG_QUALITY, 75])
        return cv2.resize(cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE), gray.shape[::-1], interpolation=cv2.INTER_CUBIC)

    kernel = line_kernel(9, 30)
    best = photographed(gray)
    taken = photographed(cv2.filter2D(gray, -1, kernel[::-1, ::-1], borderType=cv2.BORDER_REFLECT))
    inner = (slice(20, -20), slice(20, -20))

    def likeness(image: np.ndarray) -> float:  # a gentler restoration is a little darker overall
        return float(np.corrcoef(image[inner].ravel(), best[inner].ravel())[0, 1])
    cutoff = photo_nyquist(coarse_px_per_mm, PX_PER_MM)
    sharp = wiener(taken, kernel, NOISE_TO_SIGNAL)
    assert likeness(wiener(taken, kernel, NOISE_TO_SIGNAL, cutoff)) > likeness(sharp) + 0.005
    coarse = wiener(taken, kernel, COARSE_NOISE_TO_SIGNAL, cutoff)
    assert likeness(coarse) > likeness(sharp) + 0.005 and likeness(coarse) > likeness(taken) + 0.005


def test_photo_nyquist():
    from pipeline.ocr.motion import photo_nyquist
    assert photo_nyquist(2.5, 8.0) == pytest.approx(0.15625)
    assert photo_nyquist(12.0, 8.0) == 0.5  # a photo finer than the grid: the grid's own limit


def test_only_the_given_regions_are_sharpened(templates):
    from pipeline.ocr.motion import Smear, undo_smear
    gray = _blurred(templates.get("KIM-01"), line_kernel(10, 0))
    rows, cols = slice(400, 600), slice(200, 1200)
    out = undo_smear(gray, Smear(10, 0, 2.0), [(rows, cols)])
    outside = np.ones(gray.shape, bool)
    outside[rows, cols] = False
    assert np.array_equal(out[outside], gray[outside])
    assert not np.array_equal(out[rows, cols], gray[rows, cols])



@pytest.mark.parametrize("curl_seed, smeared", [(3, False), (9, False), (14, True), (40, True), (68, True)])
def test_a_sheet_not_lying_flat_is_not_taken_for_a_smear(templates, gazetteer, curl_seed, smeared):
    """On a curled sheet the print sits a little off the form in one part and not in another;
    one offset for the whole page let that spread look like a line blur (on seed 2041's curled
    photos 14 of 70 were sharpened with a smear they did not have, and read as noise). Each part
    of the page is now compared at its own offset. Curls 3 and 9 have no smear (both were taken
    for one before); curl 14's photo has a real one (5 camera pixels), missed before. Curls 40
    and 68 (6 and 5 camera pixels) were missed with parts of the page placed only within 3 px:
    their bend moves print further, so each part is placed coarsely first."""
    from pipeline.samples.capture import curl_page

    template = templates.get("KIM-02")
    rng = page_rng(37, 3)
    fill = make_fill(rng, template, 73_003, gazetteer, REFERENCE_DAY, preprinted=False)
    pdf = render_forms(template, [Identity(form_id=template.id, version=template.version, serial=73_003)], None)
    page = draw_fill(rasterize_page(pdf, 1, SAMPLE_DPI), template, fill, rng, "typed", SAMPLE_DPI)
    curled, _ = curl_page(page, np.random.default_rng(curl_seed), SAMPLE_DPI / 25.4)
    photo = simulate_phone(curled, page_rng(37, 3, curl_seed))
    assert (photo.params["blur"] == "motion") is smeared
    assert read_page(photo.image, templates).smeared is smeared


def test_a_best_line_as_long_as_the_longest_tried_is_not_undone():
    """Pinned at the edge of the search, the fit says the blur is no line this module can
    undo: defocused curled photos were fitted so and read as noise once "sharpened"."""
    longest = motion.LENGTHS_PX[-1]
    assert not motion.Smear(longest, 174, 1.17).worth_undoing
    assert motion.Smear(longest - 1, 174, 1.17).worth_undoing
