"""Evidence behind a reading's confidence, and telling a re-photographed sheet from a reused serial."""

from __future__ import annotations

import pytest

from pipeline.extract.confidence import FEATURES, Model, evidence
from pipeline.extract.sameness import compare_content
from pipeline.geometry import Box
from pipeline.record import FieldValue, FormRecord, Identity, SourceRef

BOX = Box(x=10, y=10, w=50, h=8)


def test_ocr_slips_are_not_words_and_real_words_are():
    slip = evidence("Lokasi Pemhangunan Jemhatan", (0.91, 0.93, 0.92), 1.0, None)
    right = evidence("Lokasi Pembangunan Jembatan", (0.91, 0.93, 0.92), 1.0, None)
    assert slip["unknown"] == 2 and right["unknown"] == 0
    assert evidence("G9. Musyawarah", (0.9, 0.95), 1.0, None)["mixed"] == 1
    assert evidence("Gg. Musyawarah", (0.9, 0.95), 1.0, None)["mixed"] == 0
    assert evidence("Handil Bakti", (0.9,), 1.0, None)["unknown"] == 0  # gazetteer names count as words
    ev = evidence("750", (0.93,), 1.0, False)
    assert ev["comb_ok"] == 0.0 and set(ev) == {*FEATURES, "page_conf", "smeared", "weak_unknown"}


def test_doubted_words_that_no_list_knows_are_counted():
    assert evidence("Jl. Trans Kalimantan Km 30", (0.4, 0.9, 0.9, 0.5, 0.3), 1.0, None)["weak_unknown"] == 0
    assert evidence("Arbain Akbar Syanf", (0.9, 0.9, 0.31), 1.0, None)["weak_unknown"] == 1  # "Syarif" misread
    assert evidence("Arbain Akbar Syanf", (0.9, 0.9, 0.95), 1.0, None)["weak_unknown"] == 0  # not doubted
    # words and confidences that do not pair up: every doubted word counts as unknown
    assert evidence("Jl. Trans", (0.4, 0.9, 0.3), 1.0, None)["weak_unknown"] == 2


def test_the_model_is_monotone_in_its_evidence():
    n = len(FEATURES)
    model = Model(mean=(0.0,) * n, scale=(1.0,) * n,
                  coef=tuple(2.0 if f == "conf_min" else -1.0 if f == "unknown" else 0.0 for f in FEATURES),
                  intercept=0.0, threshold=0.9)
    base = evidence("Jalan Rusak", (0.8, 0.9), 1.0, None)
    better = {**base, "conf_min": 0.99}
    worse = {**base, "unknown": 2.0}
    assert model.probability(better) > model.probability(base) > model.probability(worse)


def test_a_legible_page_has_its_own_threshold_and_other_pages_the_common_one():
    n = len(FEATURES)
    model = Model(mean=(0.0,) * n, scale=(1.0,) * n, coef=(0.0,) * n, intercept=0.0, threshold=0.98,
                  legible_threshold=0.94, legible_when=(("page_agreement", 0.9), ("page_conf", 0.93)))
    ev = evidence("Jalan Rusak", (0.9, 0.95), 1.0, None, page_agreement=0.95, page_conf=0.94)
    assert model.threshold_for(ev) == 0.94
    assert model.threshold_for({**ev, "page_agreement": 0.85}) == 0.98  # the digits disagree too often
    assert model.threshold_for({**ev, "page_conf": 0.92}) == 0.98  # the free text reads poorly
    unstratified = Model(mean=(0.0,) * n, scale=(1.0,) * n, coef=(0.0,) * n, intercept=0.0, threshold=0.98)
    assert unstratified.threshold_for(ev) == 0.98


def test_page_legibility_is_the_median_over_free_text_fields_only():
    from pipeline.extract.build import page_legibility
    from pipeline.forms.registry import default_templates
    from pipeline.ocr.zones import FieldText

    template = default_templates().get("KIM-02")
    kinds = {f.name: f.type.value for f in template.fields}
    texts = [name for name, kind in kinds.items() if kind == "text"][:3]
    comb = next(name for name, kind in kinds.items() if kind == "nik")

    def read(name: str, *confs: float) -> FieldText:
        return FieldText(field=name, text="x", groups=(), conf=min(confs), words=len(confs), confs=confs)

    page = {texts[0]: read(texts[0], 0.9, 0.96), texts[1]: read(texts[1], 0.5), texts[2]: read(texts[2], 0.95),
            comb: read(comb, 0.1)}
    assert page_legibility(template, page) == pytest.approx(0.93)  # of 0.93, 0.5, 0.95; the comb's 0.1 is not free text
    assert page_legibility(template, {comb: read(comb, 0.99)}) == 0.0
    assert page_legibility(template, {texts[0]: read(texts[0], 0.99)}) == 0.0  # one value is no measure


def _record(serial: int, **values: str) -> FormRecord:
    source = SourceRef(sha256="a" * 64, filename="a.jpg", media_type="image/jpeg", page=1, pages=1)
    fields = tuple(FieldValue(name=k, type="text", value=v, confidence=0.95, box=BOX) for k, v in values.items())
    return FormRecord(source=source, identity=Identity(form_id="KIM-02", version=1, serial=serial), fields=fields)


def test_a_second_photo_of_the_same_sheet_agrees_and_another_sheet_does_not():
    first = _record(5, nama="Siti Aminah", lokasi="Jembatan Handil Bakti", uraian="Jembatan kayu rusak parah")
    again = _record(5, nama="Siti Aminah", lokasi="Jembatan Handil Baktl", uraian="Jembatan kayu rusak parah")
    other = _record(5, nama="Ahmad Fauzi", lokasi="Pasar Marabahan", uraian="Sampah menumpuk di pasar")
    assert compare_content(again, first).same
    verdict = compare_content(other, first)
    assert not verdict.same and set(verdict.differing) == {"nama", "lokasi", "uraian"}
    assert not compare_content(_record(5, nama="Siti Aminah"), first).same  # too little to tell


def test_a_printed_village_does_not_make_two_sheets_the_same():
    def sheet(nama: str, uraian: str, village_code: str | None) -> FormRecord:
        record = _record(9, nama=nama, uraian=uraian)
        places = (FieldValue(name="desa", type="desa", value="Sidorejo", confidence=1.0, box=BOX),
                  FieldValue(name="kecamatan", type="kecamatan", value="Tamban", confidence=1.0, box=BOX),
                  FieldValue(name="rt", type="number", value="3", confidence=1.0, box=BOX))
        identity = record.identity.model_copy(update={"village_code": village_code})
        return record.model_copy(update={"fields": record.fields + places, "identity": identity})

    # Two sheets printed for one village whose handwriting could not be read: only the printed
    # name and a coincidental RT agree, which is not enough to call them one sheet.
    a = sheet("", "", "63.04.02.2013")
    b = sheet("", "", "63.04.02.2013")
    assert not compare_content(b, a).same
    # Written by hand, the same village on both is evidence like any other value.
    assert compare_content(sheet("Siti Aminah", "Jembatan kayu rusak", None),
                           sheet("Siti Aminah", "Jembatan kayu rusak", None)).same


def test_a_value_is_never_surer_than_a_word_tesseract_doubts():
    from pipeline.extract.confidence import WEAKEST_WORD_FLOOR, calibrated
    from pipeline.forms.template import FieldType

    sure = evidence("MTQ Tingkat Kecamatan", (0.96, 0.96, 0.96), 1.0, None, page_agreement=1.0, page_conf=0.95)
    weak = evidence("MTA Tingkat Kecamatan", (0.59, 0.96, 0.96), 1.0, None, page_agreement=1.0, page_conf=0.95)
    from pipeline.extract.confidence import models

    p_sure, threshold = calibrated(FieldType.TEXT, sure)
    p_weak, _ = calibrated(FieldType.TEXT, weak)
    assert p_sure >= threshold  # a clean value on a legible page is accepted
    assert models()["text"].probability(weak) >= threshold  # the model alone would accept it too
    assert p_weak <= 0.59 < WEAKEST_WORD_FLOOR and p_weak < threshold


def test_a_digit_tesseract_missed_costs_one_cell_of_agreement_not_the_rest():
    from pipeline.extract.build import writing_agreement
    from pipeline.ocr.zones import FieldText

    def comb(read: str, net: str) -> FieldText:
        return FieldText("nik", read, (read,), 0.9, 1, (len(net),), (0.9,), second=(net,))

    nik = "6304011203850001"
    assert writing_agreement({"nik": comb(nik, nik)}) == 1.0
    missed = writing_agreement({"nik": comb(nik[:3] + nik[4:], nik)})  # one cell lost, the rest shifted
    assert missed == 15 / 16
    hurried = writing_agreement({"nik": comb("6364071263860007", nik)})  # many cells read otherwise
    assert hurried < 0.8
    assert writing_agreement({}) == 0.5
