"""The Indonesian model has no Q: a word that may hide one is read again by the English model,
and its Q taken only where English read the same word with a Q in that place."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import REFERENCE_DAY
from pipeline.forms.render import render_forms
from pipeline.lexicon import lexicon
from pipeline.ocr.letter_q import may_hide_q, q_places, with_q
from pipeline.ocr.poppler import rasterize_page
from pipeline.ocr.read import read_page
from pipeline.ocr.tesseract import Word
from pipeline.record import Identity
from pipeline.samples.capture import simulate_phone
from pipeline.samples.content import make_fill
from pipeline.samples.draw import draw_fill
from pipeline.samples.generate import SAMPLE_DPI, page_rng


def _word(text: str) -> Word:
    return Word(text, 90.0, 0, 0, 40, 20, (1, 1, 1))


@pytest.mark.parametrize("text, places", [
    ("Oadri", [0]), ("Al-Our'an", [3]), ("Muttagin", [5]), ("Taufig,", [5]), ("Igbal", [1]), ("MTO", [2]),
    ("Purnomo", []), ("Rosyadi", []), ("Bangun", []), ("ORGANISASI", []),
])
def test_a_q_is_looked_for_only_where_names_put_one(text, places):
    assert q_places(text) == places


def test_indonesian_words_are_not_read_again_but_joined_arabic_words_are():
    known = lexicon()
    assert not may_hide_q(_word("Gotong"), known)  # a word: its G is a G
    assert not may_hide_q(_word("Bogor"), known)  # no Q place
    assert may_hide_q(_word("Oadri"), known)
    assert may_hide_q(_word("Al-Our'an"), known)  # "our" is in the word list, "Al-Our'an" is not


@pytest.mark.parametrize("first, english, fixed", [
    ("Oadri", "Qadri", "Qadri"),
    ("Muttagin", "Muttagqin", "Muttaqin"),  # English's own slip elsewhere in the word is not taken
    ("Al-Our'an,", "N-Que'an,", "Al-Qur'an,"),
    ("MTO", "MTQ", "MTQ"),
    ("MT0", "MTQ", "MTQ"),  # a capital, although a digit stood for it
    ("Al-9ur'an", "Al-Qur'an", "Al-Qur'an"),
    ("Oadri", "Oadri", None),  # English saw no Q either
    ("Oadri", "Qomariah", None),  # another word altogether
    ("Gomariah", "QQ", None),
])
def test_the_q_is_taken_only_where_english_read_the_same_word_with_one(first, english, fixed):
    assert with_q(first, english) == fixed


def test_names_and_words_with_q_are_read_with_their_q(templates, gazetteer):
    """End to end with both real models: a typed page photographed by a phone."""
    template = templates.get("KIM-01")
    rng = page_rng(31, 5)
    fill = make_fill(rng, template, 71_005, gazetteer, REFERENCE_DAY, preprinted=False)
    wanted = {"nama_kegiatan": "Khataman Al-Qur'an Santri TPA", "penanggung_jawab": "Akhyar Qadri",
              "tempat": "Masjid Besar Darul Muttaqin"}
    fill = replace(fill, written={**fill.written, **wanted})
    pdf = render_forms(template, [Identity(form_id=template.id, version=template.version, serial=71_005)], None)
    page = draw_fill(rasterize_page(pdf, 1, SAMPLE_DPI), template, fill, rng, "typed", SAMPLE_DPI)
    reading = read_page(simulate_phone(page, page_rng(31, 5, 1)).image, templates)
    for name, text in wanted.items():
        assert reading.texts[name].text == text
