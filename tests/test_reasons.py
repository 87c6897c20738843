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


def test_an_uncertain_stamp_is_named_as_the_stamp_not_the_signature(templates):
    from pipeline.extract.build import signature_check
    from pipeline.ocr.ink import SignatureReading

    f = templates.get("KIM-02").field("ttd_kepala_desa")
    base = dict(field=f.name, ink=0.02, span_mm=30.0, stamp_circle=None)
    near_bar = SignatureReading(**base, signed=True, stamped=True, stamp_score=0.5, confidence=1.0,
                                stamp_confidence=0.0)
    _, reasons = signature_check(f, near_bar)
    assert [r.code for r in reasons] == [ReasonCode.SIGNATURE_UNCERTAIN]
    assert reasons[0].message.startswith("Cap/stempel ") and "?" not in reasons[0].message
    faint_pen = SignatureReading(**base, signed=True, stamped=True, stamp_score=0.9, confidence=0.1,
                                 stamp_confidence=1.0)
    _, reasons = signature_check(f, faint_pen)
    assert [r.code for r in reasons] == [ReasonCode.SIGNATURE_UNCERTAIN]
    assert reasons[0].message.startswith("Tanda tangan ")
