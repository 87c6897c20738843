"""Fields that decide the route (the template marks them `blocks_routing`) are held to a stricter
bar than values only carried along: a doubtful village or category waits for a reviewer."""

from __future__ import annotations

from pipeline.extract.build import (
    PLACE_CORROBORATED,
    ROUTE_MIN_CONFIDENCE,
    choice_value,
    place_value,
    vouch_for_places,
    wants_second_reading,
)
from pipeline.forms.registry import default_templates
from pipeline.ocr.omr import ChoiceReading
from pipeline.ocr.zones import FieldText
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


def _check(text: str, conf: float = 0.6) -> FieldText:
    return FieldText("desa", text, (), conf, len(text.split()), (), tuple(conf for _ in text.split()))


def test_a_doubted_village_stands_when_a_second_reader_finds_the_same_row(gazetteer):
    """Tesseract scores a village's roman numeral low ("Jelapat I"); both readers finding the same
    row of the gazetteer exactly is what lets it through."""
    f = TEMPLATE.field("desa")
    held = place_value(_read("desa", "Jelapat I", 0.24), f, gazetteer, "Tamban")
    assert held.needs_review and wants_second_reading(f, held)
    confirmed = place_value(_read("desa", "Jelapat I", 0.24), f, gazetteer, "Tamban", _check("JELAPAT I"))
    assert not confirmed.needs_review and confirmed.code == held.code and confirmed.reasons == ()
    assert confirmed.evidence["second_agrees"] == 1.0


def test_a_second_reading_of_another_village_or_a_near_miss_confirms_nothing(gazetteer):
    f = TEMPLATE.field("desa")
    for other in ("Jelapat II", "Jelapatl", "", "Jelapat"):
        still = place_value(_read("desa", "Jelapat I", 0.24), f, gazetteer, "Tamban", _check(other))
        assert still.needs_review, other
        assert [r.code for r in still.reasons] == [ReasonCode.FIELD_LOW_CONFIDENCE]


def test_a_village_with_another_doubt_is_not_read_again(gazetteer):
    f = TEMPLATE.field("desa")
    unknown = place_value(_read("desa", "Kampung Seberang Jauh", 0.24), f, gazetteer, "Tamban")
    assert unknown.code is None and not wants_second_reading(f, unknown)
    elsewhere = place_value(_read("desa", "Jelapat I", 0.24), f, gazetteer, "Kuripan", _check("Jelapat I"))
    assert elsewhere.needs_review and elsewhere.code is None


def test_a_second_reading_must_be_the_official_name_itself(gazetteer):
    """"Anjir Seberang Pasar", an older name listed for Anjir Seberang Pasar I, reaches the row
    too; but a second reader that lost the numeral says nothing about the numeral the first one
    doubted (it could have been II). A misspelt first reading the second reads right stands."""
    f = TEMPLATE.field("desa")
    first = _read("desa", "Anjir Seberang Pasar I", 0.2)
    assert place_value(first, f, gazetteer, "Anjir Pasar", _check("Anjir Seberang Pasar")).needs_review
    same = place_value(_read("desa", "Anjir Seberang Pasar II", 0.2), f, gazetteer, "Anjir Pasar",
                       _check("DS. ANJIR SEBERANG PASAR II"))
    assert not same.needs_review and same.value == "Anjir Seberang Pasar II"
    # Read alike as "I", it could still be a "II" both readers dropped a stroke of
    held = place_value(first, f, gazetteer, "Anjir Pasar", _check("DS. ANJIR SEBERANG PASAR I"))
    assert held.needs_review and held.candidates == ("Anjir Seberang Pasar I", "Anjir Seberang Pasar II")
    typo = place_value(_read("desa", "SUNSAI PANTAI", 0.3), f, gazetteer, None, _check("SUNGAI PANTAI"))
    assert not typo.needs_review and typo.value == "Sungai Pantai"
    sei = place_value(_read("desa", "Sungai Bamban", 0.3), f, gazetteer, None, _check("SEI BAMBAN"))
    assert not sei.needs_review and sei.value == "Sungai Bamban"



def _form(desa: str, kecamatan: str, confidence: float, gazetteer) -> tuple[FieldValue, FieldValue]:
    """The kecamatan resolved first, and the desa within it when it resolved, as a build does."""
    kec = place_value(_read("kecamatan", kecamatan, confidence), TEMPLATE.field("kecamatan"), gazetteer, None)
    found = place_value(_read("desa", desa, confidence), TEMPLATE.field("desa"), gazetteer,
                        kec.value if kec.code else None)
    return kec, found


def test_a_doubted_desa_and_kecamatan_that_vouch_for_each_other_stand_when_their_names_stand_apart(gazetteer):
    """Tesseract's letter confidence says little about a name only one row of the list can be;
    the desa found in the kecamatan written is the evidence."""
    held = _form("Sukaramai", "BELAWANG", 0.3, gazetteer)
    assert all(v.needs_review for v in held)
    kec, desa = vouch_for_places(*held)
    assert not kec.needs_review and not desa.needs_review and kec.reasons == desa.reasons == ()
    assert (desa.value, kec.value) == ("Sukaramai", "Belawang")
    assert desa.confidence == PLACE_CORROBORATED and desa.evidence["place_corroborated"] == 1.0
    assert wants_second_reading(TEMPLATE.field("desa"), desa)  # a second reader may still vouch higher


def test_a_numbered_sibling_or_a_near_twin_still_waits_though_its_kecamatan_is_vouched_for(gazetteer):
    kec, desa = vouch_for_places(*_form("Jelapat I", "Tamban", 0.3, gazetteer))
    assert not kec.needs_review  # Jelapat I lies in Tamban: the kecamatan is vouched for
    assert desa.needs_review and desa.code is not None  # but "Jelapat II" is one numeral away
    kec, desa = vouch_for_places(*_form("Antar Jaya", "Marabahan", 0.3, gazetteer))
    assert desa.needs_review  # "Antar Raya" is one letter away


def test_a_desa_not_found_in_the_kecamatan_written_vouches_for_nothing(gazetteer):
    kec, desa = vouch_for_places(*_form("Sukaramai", "Tamban", 0.3, gazetteer))
    assert desa.code is None and kec.needs_review and desa.needs_review  # Sukaramai is not in Tamban
    unresolved = place_value(_read("kecamatan", "Kecamatan Xyz", 0.3), TEMPLATE.field("kecamatan"), gazetteer, None)
    alone = place_value(_read("desa", "Sukaramai", 0.3), TEMPLATE.field("desa"), gazetteer, None)
    assert alone.code is not None
    assert vouch_for_places(unresolved, alone)[1].needs_review  # no kecamatan to check it against
    other = place_value(_read("kecamatan", "Tamban", 0.3), TEMPLATE.field("kecamatan"), gazetteer, None)
    assert vouch_for_places(other, alone)[1].needs_review  # found, but not in that kecamatan


def test_a_name_held_for_another_reason_is_not_released(gazetteer):
    kec, desa = _form("Sukaramai", "Belawang", 0.3, gazetteer)
    doubted = desa.model_copy(update={"candidates": ("Sukamaju",)})  # a reviewer is offered a choice
    assert vouch_for_places(kec, doubted)[1].needs_review


def test_a_village_whose_name_is_another_without_its_numeral_waits_for_a_person(gazetteer):
    # Seed 2055: a handwritten "ANJIR PASAR KOTA II" read without its "II" at 0.82, and accepted
    # as Anjir Pasar Kota. Both are villages of Anjir Pasar.
    f = TEMPLATE.field("desa")
    held = place_value(_read("desa", "ANJIR PASAR KOTA", 0.95), f, gazetteer, "Anjir Pasar")
    assert held.needs_review and held.code is not None
    assert held.candidates == ("Anjir Pasar Kota", "Anjir Pasar Kota II")
    assert [r.code for r in held.reasons] == [ReasonCode.VILLAGE_AMBIGUOUS]
    assert "Anjir Pasar Kota atau Anjir Pasar Kota II" in held.reasons[0].message
    longer = place_value(_read("desa", "Anjir Pasar Kota II", 0.95), f, gazetteer, "Anjir Pasar")
    assert not longer.needs_review and longer.value == "Anjir Pasar Kota II"
    # on a legible writer's page (digit readers agree, text reads cleanly) the numeral is read
    legible = _read("desa", "ANJIR PASAR KOTA", 0.95).model_copy(update={"evidence": {"page_agreement": 1.0, "page_conf": 0.96}})
    assert not place_value(legible, f, gazetteer, "Anjir Pasar").needs_review
    # Jelapat I's "II" lies in another kecamatan: the kecamatan written tells them apart
    assert not place_value(_read("desa", "Jelapat I", 0.95), f, gazetteer, "Tamban").needs_review
