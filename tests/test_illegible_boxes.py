"""A box with ink that reads as nothing but stray marks is not a blank box."""

from __future__ import annotations

import pytest

from pipeline.extract.build import written_value
from pipeline.forms.registry import default_templates
from pipeline.ocr.zones import FieldText
from pipeline.reasons import ReasonCode


def _read(name: str, text: str, conf: float = 0.82) -> FieldText:
    words = text.split()
    return FieldText(name, text, (), conf, len(words), (), tuple(conf for _ in words))


@pytest.mark.parametrize("text", [". .", ",", "' ."])
def test_stray_marks_in_a_required_box_go_to_a_reviewer(gazetteer, text):
    # Seen on a blurred chat photo (hard-s2053): the typed "Kuripan" read ". .", which passed as
    # a kecamatan left blank, a field that decides the route.
    kecamatan = default_templates().get("KIM-01").field("kecamatan")
    value = written_value(kecamatan, _read("kecamatan", text), False, gazetteer, page_agreement=1.0, page_conf=0.9)
    assert value.value is None and value.needs_review
    assert [r.code for r in value.reasons] == [ReasonCode.FIELD_LOW_CONFIDENCE]


def test_stray_marks_in_an_optional_box_go_to_a_reviewer_too(gazetteer):
    keterangan = default_templates().get("KIM-01").field("keterangan")
    assert not keterangan.required
    value = written_value(keterangan, _read("keterangan", ". ."), False, gazetteer, page_agreement=1.0, page_conf=0.9)
    assert value.value is None and value.needs_review


def test_a_dash_in_a_required_box_is_a_missing_value(gazetteer):
    kecamatan = default_templates().get("KIM-01").field("kecamatan")
    value = written_value(kecamatan, _read("kecamatan", "-", 0.95), False, gazetteer, page_agreement=1.0, page_conf=0.9)
    assert value.value is None and [r.code for r in value.reasons] == [ReasonCode.FIELD_MISSING]


def test_a_dash_in_an_optional_box_says_none(gazetteer):
    keterangan = default_templates().get("KIM-01").field("keterangan")
    value = written_value(keterangan, _read("keterangan", "-", 0.95), False, gazetteer, page_agreement=1.0, page_conf=0.9)
    assert value.value is None and not value.needs_review
