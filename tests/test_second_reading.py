"""A free-text value held for want of confidence is read again by tesseract's English model and
accepted when both readers agree, but only where that agreement was measured to mean something:
a page whose digits both digit readers read alike, and no word tesseract itself doubted that is
not a known word or a number."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from conftest import REFERENCE_DAY
from pipeline.extract.build import build_record, second_reading_fields, wants_second_reading, written_value
from pipeline.forms.registry import default_templates
from pipeline.ocr.read import read_page, second_reading
from pipeline.ocr.tesseract import CHECK_LANG, LANG, read_words
from pipeline.ocr.zones import FieldText
from pipeline.reasons import ReasonCode
from pipeline.record import SourceRef
from pipeline.samples.capture import simulate_scan
from pipeline.samples.generate import PageSpec, make_page, page_rng

READ = "Balai Desa Sungai Gampa"
SOURCE = SourceRef(sha256="2" * 64, filename="scan.jpg", media_type="image/jpeg", page=1, pages=1)


def _text(text: str, conf: float = 0.9) -> FieldText:
    return FieldText("tempat", text, (), conf, len(text.split()), (), tuple(conf for _ in text.split()))


@pytest.fixture(scope="module")
def tempat():
    return default_templates().get("KIM-01").field("tempat")


def _held(f, gazetteer, text: FieldText, **page):
    page = {"page_agreement": 1.0, "page_conf": 0.85, **page}  # digits agree; free text not crisp
    return written_value(f, text, False, gazetteer, **page)


def test_a_held_value_is_accepted_when_the_second_reader_reads_it_alike(tempat, gazetteer):
    held = _held(tempat, gazetteer, _text(READ))
    assert held.needs_review and [r.code for r in held.reasons] == [ReasonCode.FIELD_PAGE_UNCLEAR]
    assert wants_second_reading(tempat, held)
    checked = _held(tempat, gazetteer, _text(READ), check=_text(READ, 0.8))
    assert not checked.needs_review and checked.value == READ
    assert checked.evidence["second_agrees"] == 1.0


def test_a_second_reading_that_differs_leaves_the_value_held(tempat, gazetteer):
    checked = _held(tempat, gazetteer, _text(READ), check=_text("Balai Desa Sungai Gamba"))
    assert checked.needs_review and checked.evidence["second_agrees"] == 0.0


def _weak(text: str, weak: str, conf: float = 0.4) -> FieldText:
    """`text` read at 0.9 but for the word `weak`, which tesseract doubted."""
    confs = tuple(conf if w == weak else 0.9 for w in text.split())
    return FieldText("tempat", text, (), min(confs), len(confs), (), confs)


@pytest.mark.parametrize("page, text", [
    ({"page_agreement": 0.6}, _text(READ)),  # a hurried hand: both models misread it alike too often
    ({}, _weak("Balai Warga Handil Rumpiang", "Rumpiang")),  # a word tesseract doubted and no list knows
])
def test_agreement_counts_only_where_it_was_measured_to(tempat, gazetteer, page, text):
    held = _held(tempat, gazetteer, text, **page)
    assert not wants_second_reading(tempat, held)
    checked = _held(tempat, gazetteer, text, check=replace(text, confs=(0.9,) * len(text.confs)), **page)
    assert checked.needs_review and "second_agrees" not in checked.evidence


@pytest.mark.parametrize("read, weak", [("Jl. Trans Kalimantan Km 30", "Jl."), ("Dusun III Terantang", "III"),
                                        ("Keramba di sungai Purwosari I", "I")])
def test_a_doubted_abbreviation_or_numeral_may_be_settled_by_two_readers(tempat, gazetteer, read, weak):
    """Tesseract's weakest word in an address is most often its "Jl.", "Km" or a roman numeral:
    known tokens, which two models reading alike do settle (a "Jl." read as "II." is doubted
    on its own, extract/plausible.py)."""
    text = _weak(read, weak)
    held = _held(tempat, gazetteer, text)
    assert held.needs_review and text.confs and held.evidence["conf_min"] < 0.7
    assert held.evidence["weak_unknown"] == 0 and wants_second_reading(tempat, held)
    checked = _held(tempat, gazetteer, text, check=_text(read, 0.8))
    assert not checked.needs_review and checked.value == read


@pytest.mark.parametrize("unknown, settled", [(("klotok", "lanting"), True), (("klotok", "lanting", "jukung"), False)])
def test_a_paragraph_may_have_two_words_no_list_knows(gazetteer, unknown, settled):
    """About twenty words: two local words or names are as usual there as one in a line."""
    uraian = default_templates().get("KIM-02").field("uraian")
    text = ("Waktu air pasang {} dan perahu pengangkut gabah tidak bisa lewat di bawah jembatan "
            "sehingga rumah {} warga terlepas dan {} hanyut.").format(*unknown, *(("perahu",) * (3 - len(unknown))))
    reading = FieldText("uraian", text, (), 0.9, len(text.split()), (), (0.9,) * len(text.split()))
    held = _held(uraian, gazetteer, reading)
    assert held.needs_review and held.evidence["unknown_prose"] == len(unknown)
    checked = _held(uraian, gazetteer, reading, check=reading)
    assert checked.needs_review is not settled and ("second_agrees" in checked.evidence) is settled


def test_a_likely_slip_is_not_waved_through_by_a_second_reader_making_it_too(tempat, gazetteer):
    slip = "Gedung Serbaguna pesa"
    checked = _held(tempat, gazetteer, _text(slip), check=_text(slip))
    assert checked.needs_review and "Gedung Serbaguna desa" in checked.candidates
    assert not wants_second_reading(tempat, checked)


def test_the_second_reader_is_tesseracts_english_model_on_the_same_crops(templates, gazetteer):
    spec = PageSpec(index=3, form_id="KIM-01", serial=71_003, capture="scan", fill_style="typed", preprinted=False)
    page, fill, _ = make_page(templates, gazetteer, spec, 23, REFERENCE_DAY)
    image = simulate_scan(page, page_rng(23, 3, 1)).image
    reading = read_page(image, templates)
    names = ["tempat", "nama_kegiatan"]
    checked = second_reading(reading, names)
    assert set(checked.checks) == set(names) and "second_reading" in checked.timings
    for name in names:  # a clean typed scan: English reads what was typed ("Muttaqin", where
        assert checked.checks[name].text.split() == fill.written[name].split()  # Indonesian has "Muttagin")
    record = build_record(SOURCE, replace(reading, checks={}), gazetteer)
    assert set(second_reading_fields(reading.template, record)) <= {
        f.name for f in reading.template.fields if f.type.value in ("text", "multiline") or f.comb is not None}
    combs = ["no_hp", "tanggal"]  # read apart from the text, so each stack reads as before
    both = second_reading(reading, names + combs)
    assert set(both.checks) == set(names + combs)
    assert all(both.checks[n].text == checked.checks[n].text for n in names)
    for name in combs:
        assert "".join(both.checks[name].groups) == "".join(reading.texts[name].groups)


def test_both_models_are_installed_and_read():
    image = np.full((80, 520), 255, np.uint8)
    import cv2

    cv2.putText(image, "Balai Desa", (10, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    for lang in (LANG, CHECK_LANG):
        assert " ".join(w.text for w in read_words(image, psm=7, lang=lang)) == "Balai Desa"


def test_agreeing_on_an_uncommon_acronym_proves_little(gazetteer):
    harapan = default_templates().get("KIM-02").field("harapan")
    text = "Mohon baterai PLTG diganti atau jaringan PLN diperpanjang"  # S and G alike in type
    checked = _held(harapan, gazetteer, FieldText("harapan", text, (), 0.9, 8, (), (0.9,) * 8),
                    check=FieldText("harapan", text, (), 0.9, 8, (), (0.9,) * 8))
    assert checked.needs_review and "second_agrees" not in checked.evidence
    from pipeline.extract.plausible import rare_acronyms

    assert rare_acronyms(text) == ["PLTG"]  # PLN is a common word
    assert rare_acronyms("JL. LINTAS TAMBAN") == []  # all capitals: no word stands out as one


def test_an_abbreviation_of_public_life_may_be_settled_by_two_readers(gazetteer):
    from pipeline.extract.plausible import rare_acronyms

    harapan = default_templates().get("KIM-02").field("harapan")
    text = "Mohon kejelasan kapan sertifikat tanah program PTSL dibagikan"
    reading = FieldText("harapan", text, (), 0.9, 8, (), (0.9,) * 8)
    assert rare_acronyms(text) == []  # PTSL is in pipeline/data/lexicon/singkatan.csv
    checked = _held(harapan, gazetteer, reading, check=reading)
    assert not checked.needs_review and checked.evidence["second_agrees"] == 1.0
    assert rare_acronyms("Mohon baterai PLTG dan PLTS diganti") == ["PLTG"]  # the list has PLTS only


def test_the_abbreviation_list_is_validated():
    from pipeline.lexicon import LexiconError, acronyms, parse_acronyms

    assert {"PKH", "PTSL", "KWT", "NISN"} <= acronyms()
    assert parse_acronyms("singkatan,kepanjangan\nKWT,Kelompok Wanita Tani\n") == {"KWT"}
    for bad in ("singkatan,kepanjangan\nkwt,Kelompok Wanita Tani\n", "singkatan,kepanjangan\nKWT,\n",
                "singkatan,kepanjangan\nBUMDES,Badan Usaha Milik Desa\n",  # too long to be taken for one
                "singkatan,kepanjangan\nKWT,a\nKWT,b\n"):
        with pytest.raises(LexiconError):
            parse_acronyms(bad)


def test_two_words_neither_word_list_knows_are_not_settled_by_two_readers(tempat, gazetteer):
    text = "Masiid Iami Darul Falah"  # both models read a j as i
    held = _held(tempat, gazetteer, _text(text))
    assert held.needs_review and not wants_second_reading(tempat, held)
    checked = _held(tempat, gazetteer, _text(text), check=_text(text))
    assert checked.needs_review and "second_agrees" not in checked.evidence


def test_one_unknown_word_a_local_name_may_be_settled_by_two_readers(tempat, gazetteer):
    text = "Balai Warga Handil Rumpiang"  # "Rumpiang": a local name no word list knows
    checked = _held(tempat, gazetteer, _text(text), check=_text(text))
    assert not checked.needs_review and checked.evidence["second_agrees"] == 1.0


def test_the_warm_up_loads_what_pages_need_without_error(kopi_home):  # noqa: ARG001 - a fresh KOPI_HOME
    from flows import runtime
    from pipeline.extract import category

    category.model.cache_clear()
    runtime.warm_up()  # in production a thread runs it and swallows errors: here they surface
    assert category.model.cache_info().currsize == 1


@pytest.mark.parametrize("form, name, text, settled", [
    ("KIM-01", "nama_kegiatan", "Penyu'uban Kesehatan Reproduksi Remaja", False),  # an l read as '
    ("KIM-01", "penanggung_jawab", "Rahmadi Mahdi Ham'di", False),  # an I read as '
    ("KIM-01", "nama_kegiatan", "Peringatan Isra Mi'raj Nabi Muhammad SAW", True),
    ("KIM-01", "nama_kegiatan", "Batamat Al-Qur'an Massal", True),
])
def test_agreeing_on_an_apostrophe_no_word_has_proves_little(gazetteer, form, name, text, settled):
    """Both models read a thin l or I as an apostrophe alike; words really written with one
    (Qur'an, Mi'raj) are in the word list."""
    f = default_templates().get(form).field(name)
    n = len(text.split())
    reading = FieldText(name, text, (), 0.9, n, (), (0.9,) * n)
    held = _held(f, gazetteer, reading, page_conf=0.5)
    assert held.needs_review
    checked = _held(f, gazetteer, reading, page_conf=0.5, check=reading)
    assert checked.needs_review is not settled


def test_odd_apostrophes():
    from pipeline.extract.plausible import odd_apostrophes

    assert odd_apostrophes("Penyu'uban Kesehatan Reproduksi Remaja") == ["Penyu'uban"]
    assert odd_apostrophes("TPA AL-QUR'AN NURUL IMAN") == []
    assert odd_apostrophes("Jum'at bersih, Ma'ruf, Syafi'i") == []


def _words(field: str, text: str, weak: dict[str, float] | None = None, conf: float = 0.9) -> FieldText:
    confs = tuple((weak or {}).get(w, conf) for w in text.split())
    return FieldText(field, text, (), min(confs), len(confs), (), confs)


URAIAN = "Dana desa membiayai perbaikan jalan menuju sekolah dan balai desa."


@pytest.mark.parametrize("first, second, weak, coarse, settled", [
    (URAIAN, URAIAN.replace("membiayai", "membiayail"), {"membiayail": 0.37}, True, True),
    (URAIAN, URAIAN.replace("membiayai", "membiayail"), {"membiayail": 0.37}, False, False),  # measured coarse only
    (URAIAN, URAIAN.replace("membiayai", "membiayail"), {"membiayail": 0.8}, True, False),  # sure of its word
    (URAIAN.replace("sekolah", "klotok"), URAIAN.replace("sekolah", "klotok").replace("membiayai", "membiayail"),
     {"membiayail": 0.37}, True, False),  # a word no list knows elsewhere: the rest must be plain words
])
def test_on_a_coarse_sheet_a_second_reader_stumbling_on_one_word_leaves_a_sure_first_reading_standing(
        gazetteer, first, second, weak, coarse, settled):
    uraian = default_templates().get("KIM-02").field("uraian")
    reading = _words("uraian", first, {"membiayai": 0.95})
    held = _held(uraian, gazetteer, reading, coarse=coarse)
    assert held.needs_review and wants_second_reading(uraian, held)
    checked = _held(uraian, gazetteer, reading, check=_words("uraian", second, weak), coarse=coarse)
    assert checked.needs_review is not settled
    if settled:
        assert checked.value == first.rstrip(".") and checked.evidence["second_stumbled"] == 1.0
