from __future__ import annotations

from string import Formatter

from pipeline.reasons import LABELS, MESSAGES, ReasonCode, message_for


def test_every_code_has_an_indonesian_sentence_and_label():
    assert set(MESSAGES) == set(ReasonCode) == set(LABELS)
    for code in ReasonCode:
        assert MESSAGES[code].strip() and LABELS[code].strip()
        assert code.value == code.value.lower()  # stable snake_case codes


def test_messages_fill_in_and_never_fail_on_missing_parameters():
    for code in ReasonCode:
        names = {n for _, n, _, _ in Formatter().parse(MESSAGES[code]) if n}
        filled = message_for(code, **{n: "X" for n in names})
        assert "{" not in filled
        assert message_for(code)  # missing parameters show as "?"


def test_the_example_from_the_issue():
    message = message_for(ReasonCode.FIELD_INVALID, label="NIK", read="630405470390001",
                          expected="16 angka, terbaca 15 angka")
    assert message == 'Isian "NIK" tidak sesuai: terbaca "630405470390001", seharusnya 16 angka, terbaca 15 angka.'
