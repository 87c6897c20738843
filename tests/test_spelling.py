"""The spelling step undoes tesseract's letter confusions only where the Indonesian word list
leaves exactly one answer, and never touches a person's name."""

from __future__ import annotations

import pytest

from pipeline.extract.build import written_value
from pipeline.extract.confidence import lexicon
from pipeline.extract.spelling import correct_text, correct_word
from pipeline.forms.registry import default_templates
from pipeline.ocr.zones import FieldText

WORDS = lexicon()


@pytest.mark.parametrize("read, meant", [
    ("Pemhangunan", "Pembangunan"),  # b read as h
    ("Jemhatan", "Jembatan"),
    ("memhayar", "membayar"),
    ("Pernbuatan", "Pembuatan"),  # m read as rn
    ("travei", "travel"),  # l read as i
    ("Pemhangunan,", "Pembangunan,"),  # punctuation stays where it was
    ("JI. Handil Bakti", "Jl. Handil Bakti"),  # address abbreviations misread
    ("G9. Musyawarah", "Gg. Musyawarah"),
])
def test_one_confusion_away_from_exactly_one_word_is_corrected(read, meant):
    assert correct_text(read, WORDS)[0] == meant


@pytest.mark.parametrize("read", [
    "Jembatan", "rusak", "banjir",  # already words
    "Dosa",  # a word, even if "Desa" was meant: not for this step to decide
    "RI", "K9", "gi",  # too short to correct safely
    "Sidomulyo2", "0822709098281",  # numbers and codes
    "Xyzqw",  # nothing near it
])
def test_anything_else_is_left_as_read(read):
    assert correct_word(read, WORDS) == read


def test_the_count_of_changed_words_is_reported():
    text, changed = correct_text("Lokasi Pemhangunan Jemhatan baru", WORDS)
    assert text == "Lokasi Pembangunan Jembatan baru" and changed == 2


def _field_text(name: str, text: str) -> FieldText:
    return FieldText(name, text, (), 0.95, len(text.split()), (), tuple(0.95 for _ in text.split()))


def test_prose_fields_are_corrected_and_keep_the_raw_reading(gazetteer):
    template = default_templates().get("KIM-01")
    f = template.field("nama_kegiatan")
    value = written_value(f, _field_text(f.name, "Pelatihan Pernbuatan Pupuk Organik"), False, gazetteer)
    assert value.value == "Pelatihan Pembuatan Pupuk Organik"
    assert value.raw == "Pelatihan Pernbuatan Pupuk Organik"
    assert value.evidence["corrected"] == 1


def test_a_persons_name_is_never_corrected(gazetteer):
    template = default_templates().get("KIM-02")
    f = template.field("pelapor_nama")
    assert f.validation is not None and f.validation.text == "person"
    value = written_value(f, _field_text(f.name, "Bahrul Jemhatan"), False, gazetteer)
    assert value.value == "Bahrul Jemhatan" and value.evidence["corrected"] == 0
