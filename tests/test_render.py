"""Printed forms: a rendered PDF, rasterised by poppler, carries what the layout says, where it says."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import zxingcpp

from pipeline.forms.identity import decode_identity, encode_identity
from pipeline.forms.layout import template_layout
from pipeline.forms.render import render_forms
from pipeline.ocr.poppler import page_count, rasterize_page
from pipeline.record import Identity

DPI = 300
PX = DPI / 25.4


def render(templates, form_id, serials, village=None):
    t = templates.get(form_id)
    ids = [Identity(form_id=t.id, version=t.version, serial=s,
                    village_code=village.code if village else None) for s in serials]
    return t, render_forms(t, ids, village)


def gray_page(pdf, page=1):
    return cv2.cvtColor(rasterize_page(pdf, page, DPI), cv2.COLOR_RGB2GRAY)


def edge_offset_mm(gray, box, edge):
    """Distance (mm) from where the layout puts one edge of `box` to the darkest line within
    1 mm of it; None when there is no printed line in that band."""
    search = int(1.0 * PX)
    if edge in ("left", "right"):
        x = box.x if edge == "left" else box.right
        y0, y1 = int((box.y + box.h * 0.3) * PX), int((box.y + box.h * 0.7) * PX)
        xs = np.arange(int(x * PX) - search, int(x * PX) + search)
        profile = np.percentile(gray[y0:y1, xs], 25, axis=0)
        return (xs[np.argmin(profile)] + 0.5) / PX - x if profile.min() < 150 else None
    y = box.y if edge == "top" else box.bottom
    x0, x1 = int((box.x + box.w * 0.3) * PX), int((box.x + box.w * 0.7) * PX)
    ys = np.arange(int(y * PX) - search, int(y * PX) + search)
    profile = np.percentile(gray[ys, x0:x1], 25, axis=1)
    return (ys[np.argmin(profile)] + 0.5) / PX - y if profile.min() < 150 else None


@pytest.mark.parametrize("form_id", ["KIM-01", "KIM-02"])
def test_four_marks_with_the_forms_own_ids(templates, form_id):
    t, pdf = render(templates, form_id, [123])
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    corners, ids, _ = cv2.aruco.ArucoDetector(dictionary).detectMarkers(gray_page(pdf))
    assert ids is not None and sorted(ids.ravel().tolist()) == sorted(t.marks.ids)
    for c, mark_id in zip(corners, ids.ravel()):
        corner = dict(zip(t.marks.ids, t.mark_boxes().values()))[int(mark_id)]
        found = c.reshape(4, 2)[0] / PX  # the marker's own top-left corner, in mm
        assert abs(found[0] - corner.x) < 0.5 and abs(found[1] - corner.y) < 0.5


@pytest.mark.parametrize("form_id", ["KIM-01", "KIM-02"])
def test_qr_decodes_to_the_identity_with_the_village(templates, gazetteer, form_id):
    village = gazetteer.find("Anjir Muara", "Anjir Muara Kota")
    t, pdf = render(templates, form_id, [4321], village)
    results = zxingcpp.read_barcodes(gray_page(pdf), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [decode_identity(r.text) for r in results] == [
        Identity(form_id=form_id, version=t.version, serial=4321, village_code=village.code)]


def test_batch_render_prints_consecutive_serials(templates):
    _, pdf = render(templates, "KIM-02", range(7, 10))
    assert page_count(pdf) == 3
    for page, serial in zip(range(1, 4), range(7, 10)):
        results = zxingcpp.read_barcodes(gray_page(pdf, page))
        assert decode_identity(results[0].text).serial == serial


@pytest.mark.parametrize("form_id", ["KIM-01", "KIM-02"])
def test_layout_json_matches_the_pdf_within_a_millimetre(templates, form_id):
    t, pdf = render(templates, form_id, [1])
    gray = gray_page(pdf)
    layout = template_layout(t)
    checked = 0
    for field in layout["fields"]:
        boxes = [o["box"] for o in field.get("options", [])] or [field["box"]]
        for x, y, w, h in boxes:
            box = type(t.qr)(x=x, y=y, w=w, h=h)
            for edge in ("left", "right", "top", "bottom"):
                offset = edge_offset_mm(gray, box, edge)
                assert offset is not None and abs(offset) <= 1.0, (field["name"], edge, offset)
                checked += 1
    assert checked >= 60


def test_layout_lists_every_field_option_and_cell(templates):
    t = templates.get("KIM-02")
    layout = template_layout(t)
    assert layout["units"] == "mm" and layout["page"] == {"width": 210.0, "height": 297.0}
    by_name = {f["name"]: f for f in layout["fields"]}
    assert len(by_name["pelapor_nik"]["cells"]) == 16
    assert len(by_name["kategori"]["options"]) == 12
    assert by_name["ttd_kepala_desa"]["stamp_expected"] is True
    assert [m["id"] for m in layout["marks"]["items"]] == t.marks.ids


def test_payload_round_trip_and_rejects_foreign_codes():
    identity = Identity(form_id="KIM-01", version=1, serial=42, village_code="63.04.01.2001")
    assert encode_identity(identity) == "KIM-01/1/000042/6304012001"
    assert decode_identity(encode_identity(identity)) == identity
    for foreign in ("https://example.com", "KIM-1/1/000042", "KIM-01/1/42", ""):
        with pytest.raises(ValueError):
            decode_identity(foreign)


def test_render_refuses_an_identity_of_another_form(templates):
    with pytest.raises(ValueError):
        render_forms(templates.get("KIM-01"), [Identity(form_id="KIM-02", version=1, serial=1)])


def _straight_page(templates, serial):
    from pipeline.ocr.blank import printed_mask
    from pipeline.ocr.clean import prepare_page

    t, pdf = render(templates, "KIM-02", [serial])
    rgb = rasterize_page(pdf, 1, int(round(8.0 * 25.4)))
    size = (int(round(t.page.width * 8.0)), int(round(t.page.height * 8.0)))
    rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return t, rgb, lambda image: prepare_page(image, 8.0, printed_mask(t, 8.0))


def test_printed_serial_is_read_when_the_qr_is_not(templates):
    from pipeline.ocr.identity import read_serial_digits

    t, rgb, page = _straight_page(templates, 203059)
    assert read_serial_digits(page(rgb), t) == 203059


def test_a_serial_the_two_readings_disagree_on_is_not_guessed(templates):
    import re

    from pipeline.ocr.identity import read_serial_digits
    from pipeline.ocr.tesseract import read_words

    t, rgb, page = _straight_page(templates, 118467)
    box = t.serial.inset(0.8)
    y0, y1, x0, x1 = (int(round(v * 8.0)) for v in (box.y, box.bottom, box.x, box.right))
    rgb[y0:y1, x0:x1] = cv2.GaussianBlur(rgb[y0:y1, x0:x1], (0, 0), 6)  # a badly defocused photo
    blurred = page(rgb)
    once = re.sub(r"\D", "", "".join(w.text for w in read_words(blurred.gray(box), psm=7, whitelist="0123456789")))
    assert once != "118467"  # one reading alone would have given another sheet's serial
    assert read_serial_digits(blurred, t) is None


@pytest.mark.parametrize(("length", "angle"), [(15, 20), (17, 60)])
def test_a_qr_smeared_by_a_shaking_hand_is_read_after_deblurring(templates, length, angle):
    from pipeline.ocr.deblur import line_kernel
    from pipeline.ocr.identity import QR_MARGIN_MM, _decode_qr, read_qr

    t, rgb, page = _straight_page(templates, 118467)
    shaken = page(cv2.filter2D(rgb, -1, line_kernel(length, angle), borderType=cv2.BORDER_REFLECT))
    crop = cv2.cvtColor(shaken.color(t.qr.grow(QR_MARGIN_MM)), cv2.COLOR_RGB2GRAY)
    assert _decode_qr(crop) == []  # neither decoder reads the blurred code as it is
    identity = read_qr(shaken, t)
    assert identity is not None and (identity.form_id, identity.serial) == ("KIM-02", 118467)


def test_a_light_blue_signature_in_a_chat_forwarded_photo_is_seen(templates):
    from pipeline.ocr.ink import read_signature

    t, rgb, page = _straight_page(templates, 118468)
    f = next(f for f in t.fields if f.type.value == "signature" and not f.stamp)
    box = f.box.inset(3)
    x0, y0, x1, y1 = (int(round(v * 8.0)) for v in (box.x, box.y, box.right, box.bottom))
    xs = np.linspace(x0, x1, 40)
    ys = (y0 + y1) / 2 + (y1 - y0) / 3 * np.sin(np.linspace(0, 5 * np.pi, 40))
    cv2.polylines(rgb, [np.stack([xs, ys], 1).astype(np.int32)], False, (155, 165, 208), 3, cv2.LINE_AA)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 60])
    photo = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    prepared = page(photo)
    assert prepared.handwriting(f.box).min() > 130  # lighter than a black pen's core anywhere
    assert read_signature(prepared, f, color=True).signed


@pytest.mark.parametrize("seed", range(6))
def test_a_stamp_without_a_signature_is_not_read_as_signed(templates, seed):
    from pipeline.ocr.ink import read_signature
    from pipeline.samples.draw import Ink, draw_stamp

    t, rgb, page = _straight_page(templates, 118469)
    f = t.field("ttd_kepala_desa")
    ink = Ink(rgb.shape[:2], 8.0)
    draw_stamp(ink, f.box, np.random.default_rng(seed), "KEPALA DESA", ("PEMERINTAH DESA", "KAB. BARITO KUALA"))
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(ink.apply(rgb), cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 60])
    photo = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    grey = cv2.cvtColor(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    for image, color in ((photo, True), (grey, False)):
        reading = read_signature(page(image), f, color)
        assert reading.stamped and not reading.signed


@pytest.mark.parametrize("seed", [5, 10])
def test_a_stamp_washed_out_by_a_chat_app_is_still_found(templates, seed):
    """A chat app shrinks the photo and halves its colour resolution: a thin rim's blue fades
    below the first colour bar, and the box is looked at again with a lower one."""
    from pipeline.ocr.ink import BLUE_BAR, RING_SCORE, STAMP_SEARCH_MM, _look_for_stamp, read_signature
    from pipeline.samples.draw import Ink, draw_stamp

    t, rgb, page = _straight_page(templates, 118471)
    f = t.field("ttd_kepala_desa")
    ink = Ink(rgb.shape[:2], 8.0)
    draw_stamp(ink, f.box, np.random.default_rng(seed), "KEPALA DESA", ("PEMERINTAH DESA", "KAB. BARITO KUALA"))
    stamped = ink.apply(rgb)
    h, w = stamped.shape[:2]
    small = cv2.GaussianBlur(cv2.resize(stamped, (int(w * 0.3), int(h * 0.3)), interpolation=cv2.INTER_AREA), (0, 0), 0.7)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 65])
    photo = cv2.resize(cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB), (w, h),
                       interpolation=cv2.INTER_CUBIC)
    prepared = page(photo)
    assert _look_for_stamp(prepared, f.box.grow(STAMP_SEARCH_MM), True, BLUE_BAR)[1] < RING_SCORE
    reading = read_signature(prepared, f, color=True)
    assert reading.stamped and not reading.signed


def test_a_stamp_rim_reaching_past_the_searched_area_still_scores_by_what_is_seen():
    import cv2

    from pipeline.ocr.ink import RING_SCORE, find_stamp

    px = 8.0
    for centre_x in (200, 40):  # wholly inside; a third of the ring beyond the left edge
        mask = np.zeros((400, 400), np.int8)
        ring = np.zeros((400, 400), np.uint8)
        cv2.circle(ring, (centre_x, 200), int(14 * px), 1, thickness=int(0.8 * px))
        mask[ring > 0] = 1
        score, circle = find_stamp(mask, px)
        assert score >= RING_SCORE and circle is not None
        assert abs(circle[2] / px - 14) < 1.0  # the radius found is the ring's
        assert abs(circle[0] - centre_x) / px < 1.0 and abs(circle[1] - 200) / px < 1.0  # and its centre


def test_on_a_grey_page_a_ring_as_dark_as_a_pen_is_not_a_stamp(templates):
    """A grey scan has no colour to tell a stamp by: a loop drawn in pen-black round the box
    passes the ring test but is a pen's outline; the same ring in a stamp's mid-grey is a stamp."""
    from pipeline.ocr.ink import read_signature

    f = templates.get("KIM-02").field("ttd_kepala_desa")
    cx, cy = (int(round(v * 8.0)) for v in (f.box.x + f.box.w / 2, f.box.y + f.box.h / 2))
    readings = {}
    for level in (40, 170):
        _, rgb, page = _straight_page(templates, 118470)
        cv2.circle(rgb, (cx, cy), int(12 * 8.0), (level, level, level), 6, cv2.LINE_AA)
        grey = cv2.cvtColor(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        readings[level] = read_signature(page(grey), f, color=False)
    assert readings[170].stamped
    assert readings[40].stamp_score >= 0.5 and not readings[40].stamped
