"""Two readings that say the same thing with other characters, and a paragraph's stray tail."""

from __future__ import annotations

import pytest

from pipeline.extract.agreement import agreed_value, stumbled_once, trim_tail
from pipeline.extract.build import written_value
from pipeline.forms.registry import default_templates
from pipeline.lexicon import lexicon
from pipeline.ocr.zones import FieldText

HARAPAN = "Mohon desa dan aparat memediasi dan menjaga keamanan sebelum terjadi bentrok."


def _read(text: str, conf: float = 0.9, tail: dict[str, float] | None = None) -> FieldText:
    confs = tuple((tail or {}).get(w, conf) for w in text.split())
    return FieldText("harapan", text, (), min(confs), len(confs), (), confs)


def test_short_doubtful_marks_after_the_last_sentence_are_dropped():
    read = _read(HARAPAN + " AT Haa", tail={"AT": 0.47, "Haa": 0.0})
    trimmed = trim_tail(read)
    assert trimmed.text == HARAPAN and trimmed.words == len(HARAPAN.split()) and trimmed.conf == 0.9


@pytest.mark.parametrize("text, tail", [
    (HARAPAN + " Terima", {"Terima": 0.3}),  # a word longer than a stray mark
    (HARAPAN + " AT", {"AT": 0.8}),  # read with confidence: perhaps written
    (HARAPAN + " a b c d", {w: 0.1 for w in "abcd"}),  # too many to be a stray mark
    ("Mohon jembatan diperbaiki AT", {"AT": 0.2}),  # no sentence ends before it
    ("Mohon lampu jalan segera dipasang di Jl. A. Yani", {"Yani": 0.45}),  # abbreviations end no sentence
    ("Mohon diperiksa rumah. No 12", {"No": 0.3, "12": 0.3}),  # a number is writing
])
def test_anything_else_at_the_end_stays(text, tail):
    read = _read(text, tail=tail)
    assert trim_tail(read) == read


def test_words_that_cannot_be_paired_with_confidences_are_left_alone():
    read = FieldText("harapan", HARAPAN + " AT", (), 0.2, 3, (), (0.9, 0.2))
    assert trim_tail(read) == read


@pytest.mark.parametrize("mine, theirs, agreed", [
    ("Mohon Sekolah dibantu", "Mohon sekolah dibantu", "Mohon Sekolah dibantu"),  # case alone
    ("belum ada jalurevakuasi", "belum ada jalur evakuasi", "belum ada jalur evakuasi"),  # the known words win
    ("papan petunjuk jalur dan titik", "papan petunjuk jalurdan titik", "papan petunjuk jalur dan titik"),
    ("menunggu sampai jam11", "menunggu sampai jam 11", "menunggu sampai jam 11"),
    ("Rahmadi Syahrani", "RahmadiSyahrani", None),  # names: neither side is better known
    ("Mohon baterai PLTG", "Mohon baterai PLTS", None),
    ("dalam sebulan. Pintu langgar", "dalam sebulan, Pintu langgar", "dalam sebulan. Pintu langgar"),
    ("terlalu rendah. sehingga", "terlalu rendah, sehingga", "terlalu rendah, sehingga"),
    ("dalam sebulan, Pintu", "dalam sebulan. pintu", None),  # the next word's case is itself in doubt
    ("dalam sebulan. Pintu", "dalam sebulan, Pintu.", None),  # something else differs too
    ("kepada Pak Kades", "kepada, Pak Kades", None),  # a full stop neither reader saw
    ("punya KK. KTP maupun", "punya KK, KTP maupun", None),  # an acronym says nothing of a sentence
    ("warga RT. 05", "warga RT, 05", None),  # nor does a number
])
def test_what_two_readers_agree_on(mine, theirs, agreed):
    assert agreed_value(mine, theirs, lexicon()) == agreed


def test_a_second_reading_with_a_stray_tail_still_agrees(gazetteer):
    harapan = default_templates().get("KIM-02").field("harapan")
    first = _read(HARAPAN, conf=0.88)
    held = written_value(harapan, first, False, gazetteer, page_agreement=1.0, page_conf=0.85)
    assert held.needs_review
    check = _read(HARAPAN + " AT", tail={"AT": 0.47})
    checked = written_value(harapan, first, False, gazetteer, page_agreement=1.0, page_conf=0.85, check=check)
    assert not checked.needs_review and checked.value == HARAPAN.rstrip(".")


def test_an_uncommon_acronym_in_the_second_reading_proves_nothing(gazetteer):
    harapan = default_templates().get("KIM-02").field("harapan")
    first = _read("Mohon baterai pLTG diganti atau jaringan PLN diperpanjang", conf=0.88)
    check = _read("Mohon baterai PLTG diganti atau jaringan PLN diperpanjang")
    checked = written_value(harapan, first, False, gazetteer, page_agreement=1.0, page_conf=0.85, check=check)
    assert checked.needs_review and checked.evidence["second_agrees"] == 0.0


def test_the_first_reading_is_never_cut(gazetteer):
    harapan = default_templates().get("KIM-02").field("harapan")
    first = _read(HARAPAN + " AT", conf=0.9, tail={"AT": 0.47})
    value = written_value(harapan, first, False, gazetteer, page_agreement=1.0, page_conf=0.85)
    assert value.needs_review and value.value.endswith("AT")


def test_a_word_break_taken_from_the_second_reader_passes_the_same_doubts(gazetteer):
    uraian = default_templates().get("KIM-02").field("uraian")
    text = "Jalan {} di gang kami sudah retak dan berlubang di banyak tempat sehingga motor sering jatuh."
    first, check = _read(text.format("rahatbeton")), _read(text.format("rahat beton"))
    checked = written_value(uraian, first, False, gazetteer, page_agreement=1.0, page_conf=0.85, check=check)
    assert checked.needs_review  # "rahat beton" is a slip for rabat beton (extract/plausible.py)


STUMBLED = "Dana desa membiayai perbaikan jalan"


def _confs(text: str, weak: dict[str, float]) -> tuple[float, ...]:
    return tuple(weak.get(w, 0.95) for w in text.split())


@pytest.mark.parametrize("other, weak, stumbled", [
    ("Dana desa membiayail perbaikan jalan", {"membiayail": 0.37}, True),
    ("dana desa MEMBIAYAIL perbaikan jalan", {"MEMBIAYAIL": 0.37}, True),  # case is no difference
    ("Dana desa membiayail perbaikan jalan", {"membiayail": 0.8}, False),  # the second reader was sure
    ("Dana desa membiayai perbaikan jalur", {"jalur": 0.3}, False),  # another known word: a real doubt
    ("Dana desa membiayail perbalkan jalan", {"membiayail": 0.3, "perbalkan": 0.3}, False),  # two words
    ("Dana desa membiayail perbaikan", {"membiayail": 0.3}, False),  # a word lost: cannot be paired
])
def test_a_second_reader_stumbling_on_one_word_is_told_from_a_disagreement(other, weak, stumbled):
    words = lexicon()
    assert stumbled_once(STUMBLED, _confs(STUMBLED, {}), other, _confs(other, weak), words) is stumbled


def test_only_a_sure_first_reading_of_a_known_longer_word_stands_against_a_stumble():
    words, other = lexicon(), "Dana desa membiayail perbaikan jalan"
    weak = _confs(other, {"membiayail": 0.3})
    assert not stumbled_once(STUMBLED, _confs(STUMBLED, {"membiayai": 0.8}), other, weak, words)
    assert not stumbled_once("Dana desa membiayaj perbaikan jalan", _confs(STUMBLED, {}), other, weak, words)
    assert not stumbled_once("Dana di jalan", (0.95,) * 3, "Dana dl jalan", (0.95, 0.2, 0.95), words)
