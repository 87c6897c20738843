"""Fields that decide the route (the template marks them `blocks_routing`) are held to a stricter
bar than values only carried along: a doubtful village or category waits for a reviewer."""

from __future__ import annotations

from pipeline.extract.build import ROUTE_MIN_CONFIDENCE, choice_value, place_value
from pipeline.forms.registry import default_templates
from pipeline.ocr.omr import ChoiceReading
from pipeline.reasons import ReasonCode
from pipeline.record import FieldValue

TEMPLATE = default_templates().get("KIM-01")


def _read(name: str, value: str, confidence: float) -> FieldValue:
    f = TEMPLATE.field(name)
    return FieldValue(name=name, type=f.type.value, value=value, raw=value, confidence=confidence, box=f.box)


def test_a_village_read_with_middling_confidence_waits_when_it_decides_the_route(gazetteer):
    f = TEMPLATE.field("desa")
    assert f.blocks_routing
    below = place_value(_read("desa", "Anjir Pasar Lama", ROUTE_MIN_CONFIDENCE - 0.1), f, gazetteer, "Anjir Pasar")
    assert below.code is not None and below.needs_review
    assert below.reasons[-1].code is ReasonCode.FIELD_LOW_CONFIDENCE
    above = place_value(_read("desa", "Anjir Pasar Lama", 0.95), f, gazetteer, "Anjir Pasar")
    assert above.code is not None and not above.needs_review


def test_the_same_village_only_carried_along_is_accepted(gazetteer):
    f = TEMPLATE.field("desa").model_copy(update={"blocks_routing": False})
    value = place_value(_read("desa", "Anjir Pasar Lama", ROUTE_MIN_CONFIDENCE - 0.1), f, gazetteer, "Anjir Pasar")
    assert value.code is not None and not value.needs_review


def test_a_hesitant_tick_on_the_activity_type_waits_for_a_reviewer():
    f = TEMPLATE.field("jenis_kegiatan")
    option = f.options[0].value
    reading = ChoiceReading(field=f.name, fills={option: 0.2}, ticked=(option,), confidence=0.6)
    assert choice_value(f, reading).needs_review
    loose = f.model_copy(update={"blocks_routing": False})
    assert not choice_value(loose, reading).needs_review
