"""Complaint category from free text: the classifier and how its answer is used."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.extract.category import ACCEPT, classify, decide_category, keyword_lists, training_set
from pipeline.geometry import Box
from pipeline.reasons import ReasonCode
from pipeline.record import ChoiceValue, FieldValue, FormRecord, Identity, Reason, SourceRef
from pipeline.route.router import route_record

BOX = Box(x=1, y=1, w=1, h=1)
HELD_OUT = "tests/data/complaints_labelled.csv"


def complaint(ticked: tuple[str, ...], uraian: str) -> FormRecord:
    reasons = (Reason.of(ReasonCode.CHOICE_NONE, field="kategori", label="Kategori"),) if not ticked else ()
    fields = (FieldValue(name="uraian", type="multiline", value=uraian, confidence=1, box=BOX),
              FieldValue(name="pelapor_kecamatan", type="kecamatan", value="Alalak", code="63.04.05",
                         confidence=1, box=BOX))
    choice = ChoiceValue(name="kategori", type="single_choice", selected=ticked, fills={}, confidence=1,
                         box=BOX, needs_review=bool(reasons), reasons=reasons)
    return FormRecord(source=SourceRef(sha256="0" * 64, filename="a.jpg", media_type="image/jpeg", page=1, pages=1),
                      identity=Identity(form_id="KIM-02", version=1, serial=1), fields=fields, choices=(choice,))


BRIDGE = ("Jembatan ulin di handil kami sudah patah dua papannya sejak bulan lalu, anak sekolah "
          "harus memutar jauh. Mohon jembatan segera diperbaiki.")


def test_held_out_accuracy_meets_the_bar():
    """The issue's bar: >= 90 % top-1 on >= 200 held-out texts the model never saw."""
    frame = pd.read_csv(HELD_OUT)
    assert len(frame) >= 200 and frame["category"].nunique() == 11
    train_texts, _ = training_set()
    assert not set(frame["text"]) & set(train_texts)  # held out for real
    right = sum(classify(t).category == c for t, c in zip(frame["text"], frame["category"]))
    assert right / len(frame) >= 0.90


def test_keyword_lists_are_disjoint_and_cover_every_category():
    lists = keyword_lists()
    assert len(lists) == 11
    seen = {}
    for category, words in lists.items():
        assert len(words) >= 20
        for w in words:
            assert seen.setdefault(w, category) == category, w


@pytest.mark.parametrize("text, category", [
    (BRIDGE, "jalan_jembatan"),
    ("Lampu PJU di jalan desa mati semua sudah sebulan, malam hari gelap gulita", "listrik_penerangan"),
    ("Banyu PDAM kada mengalir sudah 5 hari, ulun handak mandi haja susah", "air_bersih"),
    ("Anak sy blm dpt KIA dan akta kelahiran, sdh 3x ke kantor dukcapil", "administrasi_kependudukan"),
])
def test_plain_complaints(text, category):
    result = classify(text)
    assert result.category == category and result.confidence > 0.3


def test_lainnya_with_a_clear_text_is_routed_by_its_text(routing, templates):
    record = decide_category(complaint(("lainnya",), BRIDGE), templates.get("KIM-02"))
    choice = record.choice("kategori")
    assert choice.inferred == "jalan_jembatan" and choice.inferred_confidence >= ACCEPT
    routed = route_record(record, routing)
    assert "PUPR" in {r.target for r in routed.routes}
    assert any("isi formulir" in r.why for r in routed.routes if r.target == "PUPR")


def test_no_tick_with_a_clear_text_needs_no_review(routing, templates):
    record = decide_category(complaint((), BRIDGE), templates.get("KIM-02"))
    assert ReasonCode.CHOICE_NONE not in {r.code for r in record.all_reasons()}
    assert route_record(record, routing).status.value == "routed"


def test_an_unclear_text_goes_to_review_with_the_likely_categories(routing, templates):
    record = decide_category(complaint(("lainnya",), "Mohon perhatian bapak, terima kasih."),
                             templates.get("KIM-02"))
    routed = route_record(record, routing)
    assert routed.status.value == "needs_review"
    assert ReasonCode.ROUTE_UNDECIDED in {r.code for r in routed.all_reasons()}


LIGHTS = "Lampu PJU dan lampu jalan di sepanjang jalan desa mati semua, tiang listrik miring, malam gelap gulita."


def test_a_tick_the_text_clearly_contradicts_goes_to_review(templates):
    record = decide_category(complaint(("pendidikan",), LIGHTS), templates.get("KIM-02"))
    codes = {r.code for r in record.all_reasons()}
    assert ReasonCode.CATEGORY_MISMATCH in codes
    assert record.choice("kategori").candidates == ("pendidikan", "listrik_penerangan")


def test_a_text_that_only_leans_elsewhere_does_not_overrule_the_tick(templates):
    record = complaint(("pendidikan",), BRIDGE)  # a bridge children use to go to school
    assert decide_category(record, templates.get("KIM-02")) == record


def test_a_tick_the_text_agrees_with_is_left_alone(templates):
    record = complaint(("jalan_jembatan",), BRIDGE)
    assert decide_category(record, templates.get("KIM-02")) == record
