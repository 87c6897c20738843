"""The second reader of comb cells: a small network trained without the benchmark's fonts reads
handwriting-like digits it has never seen, and a comb value is accepted only when both readers
agree; when they disagree the reviewer sees both readings."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline import fonts
from pipeline.extract.build import written_value
from pipeline.forms.registry import default_templates
from pipeline.ocr.digits import features, network, read_cells
from pipeline.ocr.zones import FieldText
from pipeline.reasons import ReasonCode


def _cell(digit: str, font_file, size_px: int = 34, angle: float = 0.0) -> np.ndarray:
    """A comb cell (about 5 mm at 8 px/mm) with one digit written in it."""
    canvas = Image.new("L", (44, 52), 255)
    font = ImageFont.truetype(str(font_file.require()), size_px)
    ImageDraw.Draw(canvas).text((10, 4), digit, font=font, fill=30)
    return np.asarray(canvas.rotate(angle, fillcolor=255), dtype=np.uint8)


def test_the_model_ships_with_the_package():
    assert network() is not None


def test_an_empty_cell_has_no_features_and_reads_as_nothing():
    blank = np.full((40, 40), 255, np.uint8)
    assert features(blank) is None
    assert read_cells([blank]) == (("", 0.0),)


@pytest.mark.parametrize("font", fonts.HANDWRITING_FILLS + fonts.TYPED_FILLS, ids=lambda f: f.name)
def test_digits_in_fonts_it_was_never_trained_on_are_mostly_read(font):
    rng = np.random.default_rng(3)
    cells, want = [], []
    for digit in "0123456789" * 3:
        cells.append(_cell(digit, font, int(rng.integers(28, 40)), float(rng.uniform(-6, 6))))
        want.append(digit)
    got = [d for d, _ in read_cells(cells)]
    right = sum(g == w for g, w in zip(got, want, strict=True))
    assert right >= 24, (font.name, "".join(got))  # 80 %; tesseract alone reads these fonts worse


def _comb(name: str, tess: str, net: str, conf: float = 0.95, net_conf: float = 0.9) -> FieldText:
    return FieldText(name, tess, (tess,), conf, 1, (len(tess),), (conf,), second=(net,), second_conf=net_conf)


def test_when_both_readers_agree_the_value_is_accepted_even_if_tesseract_was_unsure(gazetteer):
    f = default_templates().get("KIM-02").field("pelapor_hp")
    value = written_value(f, _comb(f.name, "081234567890", "081234567890", conf=0.41), False, gazetteer)
    assert value.value == "+6281234567890" and not value.needs_review


def test_when_they_disagree_a_reviewer_sees_both_readings(gazetteer):
    f = default_templates().get("KIM-02").field("pelapor_hp")
    value = written_value(f, _comb(f.name, "081234567840", "081234567890", conf=0.96), False, gazetteer)
    assert value.needs_review
    reason = next(r for r in value.reasons if r.code is ReasonCode.DIGITS_DISAGREE)
    assert "081234567840" in reason.message and "081234567890" in reason.message
    assert value.value == "+6281234567890"  # the digit reader's valid reading is shown first ...
    assert "+6281234567840" in value.candidates  # ... and tesseract's is offered beside it


def test_an_invalid_second_reading_falls_back_to_tesseracts(gazetteer):
    f = default_templates().get("KIM-02").field("pelapor_hp")
    value = written_value(f, _comb(f.name, "081234567890", "991234567890"), False, gazetteer)
    assert value.needs_review and value.value == "+6281234567890"


def test_a_digit_tesseract_dropped_is_offered_from_the_second_reading(gazetteer):
    f = default_templates().get("KIM-02").field("pelapor_hp")
    text = FieldText(f.name, "08123456790", ("08123456790",), 0.95, 1, (12,), (0.95,),
                     second=("081234567890",), second_conf=0.9)  # 11 digits read from 12 inked cells
    value = written_value(f, text, False, gazetteer)
    assert value.needs_review and value.value == "+6281234567890"
    assert any(r.code is ReasonCode.DIGITS_DISAGREE for r in value.reasons)


def _with_extras(f, tess: str, net: str, net_conf: float) -> FieldText:
    return FieldText(f.name, tess, (tess,), 0.95, 1, (len(net),), (0.95,), second=(net,), second_conf=net_conf)


def test_characters_tesseract_added_to_a_comb_do_not_hide_that_both_read_every_digit(gazetteer):
    f = default_templates().get("KIM-02").field("pelapor_hp")
    # "0239"-style: a cell edge read as a 1, a digit read twice; every digit of the network's
    # reading is in tesseract's, in order, and the network is sure of every cell.
    value = written_value(f, _with_extras(f, "0812134567890", "081234567890", 0.97), False, gazetteer)
    assert value.value == "+6281234567890" and not value.needs_review


@pytest.mark.parametrize("tess, net, net_conf", [
    ("0812134567890", "081234567890", 0.8),  # the network unsure of a cell: 2 of 13 wrong on ten seeds
    ("0812134567890", "081234567899", 0.97),  # a digit tesseract did not read
    ("08123456790", "081234567890", 0.97),  # tesseract read fewer, not more
])
def test_otherwise_a_comb_tesseract_read_with_extra_characters_still_waits_for_a_reviewer(gazetteer, tess, net,
                                                                                         net_conf):
    f = default_templates().get("KIM-02").field("pelapor_hp")
    value = written_value(f, _with_extras(f, tess, net, net_conf), False, gazetteer)
    assert value.needs_review and any(r.code is ReasonCode.DIGITS_DISAGREE for r in value.reasons)


def test_a_group_edge_tesseract_missed_is_put_where_both_readers_read_the_same_digits(gazetteer):
    """'0711 2026' for 07 11 2026: the gap between day and month not seen, every digit read."""
    f = default_templates().get("KIM-02").field("tanggal_pengaduan")
    text = FieldText(f.name, "0711 2026", ("0711", "", "2026"), 0.9, 2, (2, 2, 4), (0.9, 0.9),
                     second=("07", "11", "2026"), second_conf=0.97)
    value = written_value(f, text, False, gazetteer)
    assert value.value == "2026-11-07" and not value.needs_review
    unsure = replace(text, second_conf=0.8)
    assert written_value(f, unsure, False, gazetteer).needs_review


def _third(name: str, digits: str) -> FieldText:
    return FieldText(name, digits, (digits,), 0.8, 1, (), (0.8,))


def test_a_disagreement_is_settled_when_a_third_reader_reads_exactly_the_networks_digits(gazetteer):
    """Tesseract's English model, reading the comb again, siding with the network: two readers
    that share nothing agree, as when the first two do."""
    from pipeline.extract.build import wants_second_reading

    f = default_templates().get("KIM-02").field("pelapor_hp")
    first = _comb(f.name, "081234567840", "081234567890", net_conf=0.95)
    held = written_value(f, first, False, gazetteer, page_agreement=1.0)
    assert held.needs_review and wants_second_reading(f, held)
    settled = written_value(f, first, False, gazetteer, page_agreement=1.0, check=_third(f.name, "081234567890"))
    assert not settled.needs_review and settled.value == "+6281234567890" and settled.reasons == ()
    assert settled.evidence["third_sides_with_network"] == 1.0


@pytest.mark.parametrize(("third", "page_agreement", "net_conf"), [
    ("081234567840", 1.0, 0.95),  # it sides with tesseract: the independent network is outvoted, not outweighed
    ("08123456789", 1.0, 0.95),  # a digit short
    ("081234567890", 0.8, 0.95),  # a hand the digit readers often disagree on: shapes all may misread alike
    ("081234567890", 1.0, 0.85),  # the network unsure of a cell
])
def test_a_third_reading_settles_nothing_otherwise(gazetteer, third, page_agreement, net_conf):
    from pipeline.extract.build import wants_second_reading

    f = default_templates().get("KIM-02").field("pelapor_hp")
    first = _comb(f.name, "081234567840", "081234567890", net_conf=net_conf)
    value = written_value(f, first, False, gazetteer, page_agreement=page_agreement, check=_third(f.name, third))
    assert value.needs_review and any(r.code is ReasonCode.DIGITS_DISAGREE for r in value.reasons)
    if page_agreement < 0.9 or net_conf < 0.9:  # and not worth the third reading at all
        assert not wants_second_reading(f, written_value(f, first, False, gazetteer, page_agreement=page_agreement))


def test_a_g_in_a_comb_is_no_vote_for_9(gazetteer):
    """A hand's 8 with an open lower loop is read "g" as often as a 9 is: where the network reads
    9, the two readers disagree and a reviewer decides; other look-alikes still count."""
    from pipeline.ocr.zones import DIGIT_LOOKALIKES

    assert "oog".translate(DIGIT_LOOKALIKES) == "00g" and "O1S".translate(DIGIT_LOOKALIKES) == "015"
    f = default_templates().get("KIM-02").field("pelapor_rt")
    read = "oog".translate(DIGIT_LOOKALIKES)  # as tesseract's words are put in the comb's groups
    value = written_value(f, _comb(f.name, read, "009", net_conf=0.95), False, gazetteer, page_agreement=1.0)
    assert value.needs_review and any(r.code is ReasonCode.DIGITS_DISAGREE for r in value.reasons)
    read = "Oo9".translate(DIGIT_LOOKALIKES)
    agreed = written_value(f, _comb(f.name, read, "009", net_conf=0.95), False, gazetteer, page_agreement=1.0)
    assert not agreed.needs_review and agreed.value == "9"
