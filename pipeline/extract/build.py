"""Turn a `PageReading` into a `FormRecord`: normalised values with confidences, ticks, signatures,
and a reason for every doubt. Pure: no I/O, no store."""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

from pipeline.extract.agreement import agreed_value, stumbled_once, trim_tail
from pipeline.extract.confidence import calibrated, evidence, legible_page, lexicon
from pipeline.extract.dates import parse_date_groups, parse_date_text
from pipeline.extract.names import clean_name
from pipeline.extract.nik import parse_nik
from pipeline.extract.numbers import parse_count
from pipeline.extract.phones import parse_phone
from pipeline.extract.plausible import likelier_text, likely_q, name_slip, odd_apostrophes, rare_acronyms
from pipeline.extract.spelling import correct_text
from pipeline.extract.times import parse_time_groups, parse_time_text
from pipeline.extract.values import Parsed, clean_text
from pipeline.extract.villages import Match, match_kecamatan, match_village
from pipeline.forms.template import FieldType, FormField, Template
from pipeline.gazetteer import Gazetteer
from pipeline.ocr.ink import SignatureReading
from pipeline.ocr.omr import ChoiceReading
from pipeline.ocr.read import PageReading
from pipeline.ocr.zones import FieldText
from pipeline.reasons import ReasonCode
from pipeline.record import ChoiceValue, FieldValue, FormRecord, Reason, SignatureCheck, SourceRef

# Without a calibration model (pipeline/extract/confidence.py) a value is accepted without review
# only at or above this confidence (0..1), unless the template sets `min_confidence` for the field.
# Comb fields must also have one character per inked cell, and are accepted when the digit reader
# agrees on every cell; names matched to the gazetteer must match exactly. Chosen from `make
# bench` (bench/results.json, risk_coverage_typed_scan_phone). Free text of several lines is wrong
# as soon as one word is, and a misread word is often still a word ("baru" read "haru"), so it
# needs the highest bar: at 0.90, 1 in 20 accepted paragraphs was wrong; at 0.95 none were.
MIN_CONFIDENCE = {
    FieldType.TEXT: 0.85,
    FieldType.MULTILINE: 0.95,
    FieldType.DESA: 0.60,
    FieldType.KECAMATAN: 0.60,
    FieldType.DATE: 0.60,
    FieldType.TIME: 0.60,
    FieldType.NIK: 0.60,
    FieldType.PHONE: 0.60,
    FieldType.NUMBER: 0.60,
}
CHOICE_MIN_CONFIDENCE = 0.5
# Fields the template marks `blocks_routing` (the village, the complaint category) decide where a
# form goes: a wrong one sends it to the wrong office, so they are held to a stricter bar than
# values that are only carried along.
ROUTE_MIN_CONFIDENCE = 0.75
# ... unless a second reader (ocr/read.py `second_reading`, tesseract's English model) reads the
# name as the official name of the same row itself: tesseract scores a village's roman numeral
# low ("Jelapat I" at 0.24) though it reads it right. On the twelve training seeds this let 52
# held names through (33 desa, 19 kecamatan; 17 typed, 35 handwriting-like), none wrong. A listed
# older spelling does not count: "Anjir Seberang Pasar", which reaches Anjir Seberang Pasar I,
# says nothing about the numeral the first reader doubted.
# ... or unless the name reads as one apart from every other listed name (none other within two
# edits, none the same words numbered otherwise: villages.Match.distinct) and the desa was found
# in the kecamatan written, each field vouching for the other (`vouch_for_places`). Tesseract's
# letter confidence says little about a name only one row of the list can be. Over the stored
# readings of earlier training runs, 2588 distinct readings of a desa or kecamatan were exactly
# a listed name and 277 a clear typo of one; the only wrong ones were numbered siblings
# ("JELAPAT 1" for Jelapat II, "ANDAMAN" for Andaman II), which this rule leaves held. On the six
# training seeds of pairs (4091-4101; chat, phone and scan photos) it let 36 held names through
# (5 typed, 31 handwriting-like), none wrong.
PLACE_CORROBORATED = ROUTE_MIN_CONFIDENCE
ROUTE_CHOICE_MIN_CONFIDENCE = 0.8
SIGNATURE_MIN_CONFIDENCE = 0.3
STAMP_MIN_CONFIDENCE = 0.3


def _reason(code: ReasonCode, f: FormField, **params: object) -> Reason:
    return Reason.of(code, field=f.name, label=f.label, **params)


def _parse(f: FormField, text: FieldText, gazetteer: Gazetteer) -> Parsed:
    t, comb = f.type, f.comb is not None
    limits = f.validation
    digits = "".join(text.groups) if comb else text.text  # a comb's cells are one number
    if t is FieldType.DATE:
        return parse_date_groups(text.groups) if comb else parse_date_text(text.text)
    if t is FieldType.TIME:
        return parse_time_groups(text.groups) if comb else parse_time_text(text.text)
    if t is FieldType.NIK:
        return parse_nik(digits, gazetteer)
    if t is FieldType.PHONE:
        return parse_phone(digits)
    if t is FieldType.NUMBER:
        return parse_count(digits, limits.min_value if limits else None,
                           limits.max_value if limits else None)
    if limits is not None and limits.text in ("person", "organisation"):
        return clean_name(text.text)
    return Parsed(clean_text(text.text) or None)


# What a person writes in a box to say "none": one or more dashes (a hyphen, an en or em dash or an
# underscore, as OCR reads a long one), nothing else.
_DASH_ONLY = re.compile(r"\s*[-\u2013\u2014_]+\s*")
DISAGREE_CONFIDENCE = 0.5  # below every acceptance threshold: a reviewer decides
# Free text read from a page whose smear was undone (ocr/motion.py) is accepted only when the
# second reader, reading a gentler restoration of its own (motion.CHECK_NOISE_TO_SIGNAL), reads
# it alike: deconvolution can turn one letter into another and tesseract is then sure of it. On
# the four bench sets, 3 of 170 such typed one-line values accepted on confidence were wrong
# (1.8 %, against 6 of 2439 on sharp pages); digits and place names, 0 of 331 (both digit
# readers read the sharpened cells, so they are less independent there, but it measured no
# worse; places must be in the gazetteer).
SMEARED_TEXT_THRESHOLD = 1.01
# A free-text value held for want of confidence is read a second time, by another model
# (ocr/read.py `second_reading`), and accepted when both read it alike, but only on a page
# whose writer the digit readers found legible (they agree on >= 90 % of its comb cells) and
# when every word tesseract was unsure of (below WEAKEST_WORD_FLOOR) is a known word or a number
# (confidence.evidence "weak_unknown"), and not where both models
# can only guess letter by letter: an uncommon acronym (plausible.rare_acronyms), or in prose a
# word neither word list knows (one may be: a name, a local word). On the twelve
# calibration seeds the page and word conditions let 511 values through, 5 wrong (all typed:
# "PLTG" for PLTS three times, "Liham" for Ilham, "jiwaterma"), the acronyms 25 of those, 3
# wrong; without the page and word conditions 831 with 35 wrong, mostly hurried hands both
# models misread alike. The unknown-word condition came from the hard benchmark sets: there
# both models read "MASIID IAMI", "Panalima", "Muttagin" alike. Once the Q was read back
# (ocr/letter_q.py) one unknown word was allowed in one-line prose too: on the twelve training
# seeds that let 109 more values through, none wrong (typed one-line 91.0 % -> 93.6 %
# accepted in cross-validation); on the hard sets it added one error ("KELAS INU HAMIL").
# The weakest word of an address is most often its "Jl.", "Km" or a roman numeral, known tokens
# tesseract scores low; at first no doubted word at all was allowed. Allowing any let 55 more
# values through on the hard sets, 2 wrong (a name's "Syanf" for Syarif, and "Rahat"); allowing
# known ones only let 78 more through on the twelve training seeds, none wrong, and 45 on the
# hard sets, 1 wrong ("Rahat", now doubted: extract/plausible.py DOMAIN_ZIPF).
# An abbreviation of public life listed in pipeline/data/lexicon/singkatan.csv (PTSL, NISN, KWT)
# is not an uncommon acronym: on the twelve training seeds that let 21 more values through (12 on
# phone photos of typed fills), none wrong; "PLTG" for PLTS is still held (only PLTS is listed).
# A paragraph has some twenty words, so two the word lists lack (a local word, a name) are as
# usual there as one in a line. Allowing two in a paragraph, and counting a doubted roman numeral
# as a number ("Dusun I", confidence._known), let 36 more values through on the twelve training
# seeds (23 paragraphs, 13 one-line values), none wrong.
PROSE_UNKNOWN_ALLOWED = {FieldType.TEXT: 1, FieldType.MULTILINE: 2}
SECOND_READING_AGREEMENT = 0.9
# On a sheet photographed with under 3 px per mm (quality.COARSE_PX_PER_MM: two forms in one
# chat-forwarded photo get 2.2-3.0 each, a few single chat photos framed in landscape 2.66-3.0)
# both readers once read the same grey pixels, and their agreeing was weak evidence: measured on
# such sheets of the five benchmark sets and the pair set of seed 2043, 38 values accepted so,
# 2 wrong ("dan" for "dari", "Bihatal" for "Bihalal"); the second reading was then not counted
# there. Since the first reader reads the page with its grey ink darkened
# (ocr/clean.darken_grey_ink) and the second the page as photographed, their slips differ more.
# On the chat photos of six training seeds of pairs (4091-4101, not benchmark sets) counting it
# again let 86 more values through, 2 wrong: "turan" for iuran, whose weakest word the first
# reader scored 0.29, and "Muttagin" (now doubted, plausible.DOMAIN_ZIPF). So on a coarse sheet
# it counts only where the first reader scored every word at least COARSE_SECOND_READING_FLOOR
# (the weakest-word floor the confidence model uses too; chosen as that, not tuned): 71 more
# values, none wrong (typed values accepted on those chat photos: 1185 of 1327, 89.3 %). On the
# pair bench set of seed 2043 it let "Halal Bihatal" through again, read alike by both readers
# (1 of 210 chat-forwarded typed values accepted, 0.48 %).
# That floor was then lowered to 0.5, chosen on ten training sets (pairs 4091-4101, the pairs of
# 4113 of which half show forms without marks, and the shaken sets 4201-4205 of bench/shaken.py;
# 10,467 values): read with no floor at all, the values both readers read alike on coarse sheets
# were counted by the first reader's weakest word. Down to 0.45, 17 more values through, none
# wrong; at 0.4, 19, one wrong (a paragraph's lost full stop, weakest word 0.41). 0.5 keeps a
# margin above that error. Typed values accepted on those sets' chat photos: 2037 -> 2053 of 2271.
COARSE_SECOND_READING_FLOOR = 0.5
# ... but a leading "Jl." (an address, a place) does not count against that floor: tesseract
# scores it low in nearly every address on such a sheet though it reads it right. It is judged
# after the spelling step, which restores "JI.", "Ji." and, in an address field, "J." and "IL"
# to "Jl." (slips of that word); one it cannot restore ("II") is no longer "Jl." and counts. On
# the six training seeds of pairs that let 7 more typed values through, none wrong (once sheets
# down to quality.SECOND_READING_PX_PER_MM were read twice too: 1206 of 1327 typed values
# accepted, 90.9 %).
_JL = re.compile(r"(?i)jl\.?")
_HELD_FOR_CONFIDENCE = frozenset({ReasonCode.FIELD_LOW_CONFIDENCE, ReasonCode.FIELD_PAGE_UNCLEAR})


# Tesseract often reads a comb with characters of its own added: a cell's edge taken for a 1, a
# digit read twice ("0239" for 029, "001" for 01). Where every digit the network read is there,
# in order, and the network is sure of every cell, the two readers agree on the digits and the
# network's one-per-cell reading stands. On ten training seeds (bench/work, 2550 comb fields):
# 92 such fields with the network at >= 0.9, none wrong; 13 below it, 2 wrong.
# The same bar lets the network's groups stand where tesseract read exactly its digits but put a
# group's edge elsewhere ("0711 2026"): rare, 3 dates so grouped in the readings of the twelve
# training seeds and the curled sets (1 typed); not measured on its own beyond that.
EXTRAS_NET_CONFIDENCE = 0.9


def _subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(c in rest for c in short)


def without_extras(text: FieldText) -> FieldText:
    """`text` with the digit network's groups when tesseract read them all plus extra characters
    (see EXTRAS_NET_CONFIDENCE), or read exactly its digits but put a group's edge elsewhere
    ("0711 2026": the gap between day and month not seen); otherwise unchanged."""
    if (not text.second or text.second_conf < EXTRAS_NET_CONFIDENCE or len(text.groups) != len(text.second)
            or tuple(len(s) for s in text.second) != text.filled):
        return text
    if "".join(text.groups) == "".join(text.second):
        return replace(text, groups=text.second)
    pairs = list(zip(text.second, text.groups, strict=True))
    if all(len(g) == len(s) for s, g in pairs) or not all(_subsequence(s, g) for s, g in pairs):
        return text
    return replace(text, groups=text.second)


def _readers_agree(text: FieldText) -> bool | None:
    """None without a second reading; otherwise whether both readers read the same digits."""
    if not text.second:
        return None
    return "".join(text.groups) == "".join(text.second)


# When tesseract and the digit network disagree, the comb is read a third time, by tesseract's
# English model (ocr/read.py `second_reading`). Where it reads exactly the network's digits, two
# readers that share nothing (a network on each cell, an LSTM on the line) agree, as when the
# first two do; but only on a legible writer's page (SECOND_READING_AGREEMENT, the free text's
# bar) with the network sure of every cell (EXTRAS_NET_CONFIDENCE, its bar for standing alone):
# a hurried 1 or 7 may fool every reader alike. On the six training seeds of pairs (4091-4101;
# chat, phone and scan photos) that let 20 more values through (11 typed, 9 handwriting-like),
# none wrong; without the two bars 92, 3 wrong (all hands: an RT 18 read 19, times with a 9
# read 4 and an 8 read 9 by both).
def _third_sides_with_network(text: FieldText, check: FieldText | None, page_agreement: float) -> bool:
    """Whether a third reading of a comb read exactly the digit network's digits, one per inked
    cell, the network sure of each and the writer legible (see above)."""
    return (check is not None and bool(text.second) and bool(check.groups)
            and page_agreement >= SECOND_READING_AGREEMENT and text.second_conf >= EXTRAS_NET_CONFIDENCE
            and "".join(check.groups) == "".join(text.second)
            and tuple(len(g) for g in text.second) == text.filled)


def _settle_disagreement(f: FormField, text: FieldText, tess: Parsed,
                         gazetteer: Gazetteer) -> tuple[Parsed, list[Reason]]:
    """Which reading to show the reviewer: the digit network's when it is a valid value (it
    reads handwriting better, see bench/digit_cells.py), else tesseract's; the other reading is
    offered as a suggestion, and the reason names both."""
    net = _parse(f, replace(text, groups=text.second), gazetteer)
    shown, other = (net, tess) if net.ok and net.value is not None else (tess, net)
    candidates = shown.candidates
    if other.value is not None and other.value != shown.value and other.value not in candidates:
        candidates = (*candidates, other.value)
    reason = _reason(ReasonCode.DIGITS_DISAGREE, f, read="".join(text.groups), other="".join(text.second))
    return replace(shown, candidates=candidates), [reason]


def _person(f: FormField) -> bool:
    return f.type is FieldType.TEXT and f.validation is not None and f.validation.text == "person"


def _address(f: FormField) -> bool:
    return f.validation is not None and f.validation.text == "address"


def _prose(f: FormField) -> bool:
    """Free text whose words should be Indonesian words; a person's name is spelt as its owner
    spells it and is never corrected."""
    return f.type is FieldType.MULTILINE or (f.type is FieldType.TEXT and not _person(f))


def likelier_reading(f: FormField, value: str | None, gazetteer: Gazetteer) -> str | None:
    """A reading of free text likelier than the one made: a Q read as O (any text), a word that
    is a usual slip away from a much commoner word (prose only: names are not words), or a
    person's name with a letter names hardly have (plausible.name_slip)."""
    if not value or f.type not in (FieldType.TEXT, FieldType.MULTILINE):
        return None
    fixed = likely_q(value)
    if _prose(f):
        fixed = likelier_text(fixed or value, gazetteer.words, paragraph=f.type is FieldType.MULTILINE) or fixed
    elif _person(f):
        fixed = name_slip(fixed or value) or fixed
    return fixed


def _second_reading_counts(f: FormField, ev: dict[str, float], value: str) -> bool:
    return (f.type in (FieldType.TEXT, FieldType.MULTILINE) and f.min_confidence is None
            and (not ev.get("coarse") or ev.get("weakest_past_street", ev["conf_min"]) >= COARSE_SECOND_READING_FLOOR)
            and ev["page_agreement"] >= SECOND_READING_AGREEMENT and ev["weak_unknown"] == 0
            and ev["unknown_prose"] <= PROSE_UNKNOWN_ALLOWED[f.type] and not rare_acronyms(value)
            and not odd_apostrophes(value))


# A second reader that read every word alike but one, where it was unsure of a non-word and the
# first reader sure of a known word ("membiayail" at 0.37 against "membiayai" at 0.95,
# agreement.stumbled_once), slipped where the first did not: the first reading stands. On the
# ten training sets of COARSE_SECOND_READING_FLOOR (with that floor) this let 15 more values
# through, 2 wrong: both readers had read a wrong token elsewhere alike ("MALAM 4ARI" for malam
# hari). Only where every word of the first reading is a known word or a number (no word the
# lists lack, none of letters and digits mixed): 10 more, none wrong; 6 of them on coarse
# sheets (chat-forwarded typed values accepted on those sets: 2053 -> 2058 of 2271). Only on a
# coarse sheet, where the second reader reads the page as photographed and the first a
# darkened one, so that their slips differ: a looser rule tried once on every page (a session
# before; README) let 3 wrong of 29 through on the twelve single-photo training seeds ("Tan"
# for Tari), and this one was not measured there. STUMBLE_UNSURE was set at 0.6 before
# measuring and not tuned.
def _may_stumble(ev: dict[str, float]) -> bool:
    """Whether a second reader's one stumble may be overlooked (see above): on a coarse sheet,
    where every word of the first reading is a known word or a number."""
    return bool(ev.get("coarse")) and ev["unknown_prose"] == 0 and ev["mixed"] == 0


def _weakest_past_street(text: str, confs: tuple[float, ...]) -> float:
    """The weakest word's confidence, a leading "Jl." left out (COARSE_SECOND_READING_FLOOR)."""
    words = text.split()
    if len(words) == len(confs) > 1 and _JL.fullmatch(words[0]):
        return min(confs[1:])
    return min(confs, default=0.0)


def wants_second_reading(f: FormField, fv: FieldValue) -> bool:
    """Whether a second reader agreeing could let this value through (see SECOND_READING_AGREEMENT):
    free text held for want of confidence alone, no likelier reading offered; or a desa or
    kecamatan name resolved to one gazetteer row but read with too little confidence
    (`place_value`); or a comb whose two digit readers disagree, on a legible page with the
    network sure of every cell (`_third_sides_with_network`)."""
    if f.comb is not None:
        ev = fv.evidence or {}
        return (fv.needs_review and fv.value is not None and bool(fv.reasons)
                and all(r.code is ReasonCode.DIGITS_DISAGREE for r in fv.reasons)
                and ev.get("page_agreement", 0.0) >= SECOND_READING_AGREEMENT
                and ev.get("network_conf", 0.0) >= EXTRAS_NET_CONFIDENCE)
    if f.type in (FieldType.DESA, FieldType.KECAMATAN):
        # A name `vouch_for_places` released is read again all the same: where the second
        # reader reads it too, its confidence is the reader's, not the bar's.
        return _place_held_for_confidence(fv) or bool(fv.evidence.get("place_corroborated"))
    return (fv.needs_review and fv.value is not None and not fv.candidates and bool(fv.reasons)
            and all(r.code in _HELD_FOR_CONFIDENCE for r in fv.reasons)
            and bool(fv.evidence) and _second_reading_counts(f, fv.evidence, fv.value))


def _second_agrees(f: FormField, check: FieldText, value: str, gazetteer: Gazetteer,
                   confs: tuple[float, ...] | None = None) -> tuple[str, bool] | None:
    """The value both readers read (agreement.agreed_value) and False, or None; for a paragraph,
    the second reading without a stray tail is tried too (agreement.trim_tail). An uncommon
    acronym in the second reading proves as little as one in the first ("pLTG" and "PLTG"), and a
    value taken from the second reader's word breaks must pass the same doubts as the first
    reader's. With the first reader's word confidences `confs` (`_may_stumble`), `value` and True
    where the second reader only stumbled on one word (agreement.stumbled_once)."""
    readings = [check]
    if f.type is FieldType.MULTILINE and (trimmed := trim_tail(check)) != check:
        readings.append(trimmed)
    for reading in readings:
        if _prose(f):
            reading = replace(reading, text=correct_text(reading.text, lexicon(), _address(f))[0])
        other = _parse(f, reading, gazetteer)
        if not other.ok or other.value is None or rare_acronyms(other.value):
            continue
        agreed = agreed_value(value, other.value, lexicon())
        if agreed is not None and (agreed == value or likelier_reading(f, agreed, gazetteer) is None):
            return agreed, False
        if confs is not None and stumbled_once(value, confs, other.value, reading.confs, lexicon()):
            return value, True
    return None


def written_value(f: FormField, text: FieldText | None, empty: bool, gazetteer: Gazetteer,
                  page_agreement: float = 0.5, page_conf: float = 0.0,
                  check: FieldText | None = None, smeared: bool = False, coarse: bool = False) -> FieldValue:
    """One written field, normalised, with its confidence and reasons. `check`: a second
    reader's reading of the field, when one was made (`wants_second_reading`); `coarse`: the
    sheet has under 3 px per mm in the photo, where a second reading counts only for values whose
    every word the first reader was fairly sure of (COARSE_SECOND_READING_FLOOR)."""
    assert f.box is not None
    dash = text is not None and _DASH_ONLY.fullmatch(text.text) is not None
    if empty or (dash and f.required):  # a dash for "none" leaves a required box as empty as a blank
        reasons = (_reason(ReasonCode.FIELD_MISSING, f),) if f.required else ()
        return FieldValue(name=f.name, type=f.type.value, value=None, confidence=1.0, box=f.box,
                          needs_review=bool(reasons), reasons=reasons)
    if text is None or not (dash or clean_text(text.text)):
        # Ink in the box but nothing legible, stray marks included: ". ." read from a blurred word
        # must reach a reviewer, never pass as a box left blank.
        reason = _reason(ReasonCode.FIELD_LOW_CONFIDENCE, f, read=text.text.strip() if text else "", confidence=0)
        return FieldValue(name=f.name, type=f.type.value, value=None, confidence=0.0, box=f.box,
                          needs_review=True, reasons=(reason,))
    raw, corrected = text.text, 0
    if _prose(f):
        fixed, corrected = correct_text(text.text, lexicon(), _address(f))
        text = replace(text, text=fixed)
    if f.comb is not None:
        text = without_extras(text)
    parsed = _parse(f, text, gazetteer)
    comb_ok = text.comb_consistent if f.comb is not None else None
    ev = evidence(text.text, text.confs or (text.conf,), parsed.confidence, comb_ok, corrected, page_agreement,
                  page_conf, prose=_prose(f), smeared=smeared)
    confidence, threshold = text.conf * parsed.confidence, MIN_CONFIDENCE[f.type]
    model = calibrated(f.type, ev)
    if model is not None:
        confidence, threshold = model
    if comb_ok is False:
        confidence = 0.0  # a digit was missed or doubled: the value cannot be trusted
    agree = _readers_agree(text)
    if text.second:
        ev["network_conf"] = text.second_conf
    extra: list[Reason] = []
    if agree is True and comb_ok and parsed.ok:
        # Two independent readers (tesseract and the digit network) read every cell alike: on a
        # training seed 1 of 294 such fields was wrong (python -m bench.digit_cells).
        confidence, threshold = max(confidence, text.second_conf), 0.0
    elif agree is False and _third_sides_with_network(text, check, page_agreement) and \
            (net := _parse(f, replace(text, groups=text.second), gazetteer)).ok and net.value is not None:
        parsed, ev["third_sides_with_network"] = net, 1.0
        confidence, threshold = max(confidence, text.second_conf), 0.0
    elif agree is False:  # including a digit tesseract missed or doubled: the network has one per cell
        parsed, extra = _settle_disagreement(f, text, parsed, gazetteer)
        confidence = min(confidence, DISAGREE_CONFIDENCE)
    likelier = likelier_reading(f, parsed.value, gazetteer)
    if likelier is not None:  # still a word-like value: only a person can tell, so offer both
        confidence = min(confidence, DISAGREE_CONFIDENCE)
        parsed = replace(parsed, candidates=(*parsed.candidates, likelier))
    if f.min_confidence is not None:  # the template's own bar (a smeared page's text still needs a second look)
        threshold = f.min_confidence
    if ev["smeared"] and f.type in (FieldType.TEXT, FieldType.MULTILINE):
        threshold = max(threshold, SMEARED_TEXT_THRESHOLD)
    if coarse:  # a second reading counts only above a floor (`_second_reading_counts`)
        ev["coarse"], ev["weakest_past_street"] = 1.0, _weakest_past_street(text.text, text.confs or (text.conf,))
    if (check is not None and parsed.ok and parsed.value is not None and not extra and likelier is None
            and confidence < threshold and _second_reading_counts(f, ev, parsed.value)):
        confs = (text.confs or (text.conf,)) if _may_stumble(ev) else None
        agreed = _second_agrees(f, check, parsed.value, gazetteer, confs)
        ev["second_agrees"] = float(agreed is not None)
        if agreed is not None:
            ev["second_stumbled"] = float(agreed[1])
            confidence, threshold = max(confidence, check.conf), 0.0
            parsed = replace(parsed, value=agreed[0])
    reasons = [_reason(code, f, **params) for code, params in parsed.problems] + extra
    if parsed.ok and confidence < threshold and not extra:
        if threshold > 1.0:
            # No confidence is enough on this kind of page (confidence.Model): saying "85 % sure"
            # would leave a reviewer wondering why the value was held, so say what is wrong.
            reasons.append(_reason(ReasonCode.FIELD_PAGE_UNCLEAR, f, read=text.text))
        else:
            reasons.append(_reason(ReasonCode.FIELD_LOW_CONFIDENCE, f, read=text.text,
                                   confidence=round(confidence * 100)))
    return FieldValue(name=f.name, type=f.type.value, value=parsed.value, raw=raw,
                      confidence=round(confidence, 3), box=f.box, candidates=parsed.candidates,
                      needs_review=bool(reasons), reasons=tuple(reasons),
                      evidence={k: round(v, 4) for k, v in ev.items()})


def _place_held_for_confidence(fv: FieldValue) -> bool:
    return (fv.needs_review and fv.code is not None and not fv.candidates and bool(fv.reasons)
            and all(r.code is ReasonCode.FIELD_LOW_CONFIDENCE for r in fv.reasons))


def _match_place(f: FormField, written: str, gazetteer: Gazetteer, kecamatan: str | None) -> Match:
    return (match_kecamatan(written, gazetteer) if f.type is FieldType.KECAMATAN
            else match_village(written, gazetteer, kecamatan))


def place_value(fv: FieldValue, f: FormField, gazetteer: Gazetteer, kecamatan: str | None,
                check: FieldText | None = None) -> FieldValue:
    """Resolve a desa or kecamatan name against the gazetteer, or say why it cannot be. `check`:
    a second reader's reading of the name (`wants_second_reading`): when it is the official name
    of the same row itself, the name stands although the first reading was unsure (see
    ROUTE_MIN_CONFIDENCE)."""
    if fv.value is None:
        return fv
    match = _match_place(f, fv.value, gazetteer, kecamatan)
    if match.name is not None:
        confidence = round(min(fv.confidence, match.confidence), 3)
        found = fv.model_copy(update={"value": match.name, "code": match.code, "confidence": confidence,
                                      "evidence": {**fv.evidence, "place_distinct": float(match.distinct)}})
        if f.blocks_routing and confidence < ROUTE_MIN_CONFIDENCE and not fv.needs_review:
            reason = _reason(ReasonCode.FIELD_LOW_CONFIDENCE, f, read=fv.raw or fv.value,
                             confidence=round(confidence * 100))
            found = found.model_copy(update={"needs_review": True, "reasons": fv.reasons + (reason,)})
        if check is not None and _place_held_for_confidence(found):
            other = _match_place(f, clean_text(check.text), gazetteer, kecamatan)
            if other.how == "exact" and other.code == match.code:
                found = found.model_copy(update={
                    "needs_review": False, "reasons": (), "confidence": round(max(confidence, check.conf), 3),
                    "evidence": {**found.evidence, "second_agrees": 1.0}})
        if match.longer_siblings and not legible_page(fv.evidence):
            # Both readers can drop a handwritten "II" alike (seed 2055: "ANJIR PASAR KOTA II" read
            # without it at 0.82 and accepted as Anjir Pasar Kota, on a hurried hand's page), so
            # only a person can tell. On a legible page the numeral is read: on the six training
            # pair seeds 8 such names were accepted there (6 typed), none wrong; the only one
            # wrong in any run was on a page of a hurried hand.
            names = (match.name, *match.longer_siblings)
            reason = _reason(ReasonCode.VILLAGE_AMBIGUOUS, f, read=fv.raw or fv.value, candidates=" atau ".join(names))
            found = found.model_copy(update={"candidates": names, "needs_review": True, "reasons": found.reasons + (reason,)})
        return found
    if match.elsewhere is not None:
        reason = Reason.of(ReasonCode.VILLAGE_NOT_IN_KECAMATAN, field=f.name, desa=match.elsewhere.name,
                           kecamatan=kecamatan, actual=match.elsewhere.kecamatan)
    elif len(match.candidates) > 1:
        reason = _reason(ReasonCode.VILLAGE_AMBIGUOUS, f, read=fv.value,
                         candidates=" atau ".join(match.candidates))
    else:
        hint = f"; mungkin {match.candidates[0]}" if match.candidates else ""
        reason = _reason(ReasonCode.VILLAGE_UNKNOWN, f, read=fv.value, hint=hint)
    return fv.model_copy(update={"candidates": match.candidates, "needs_review": True,
                                 "reasons": fv.reasons + (reason,)})


def choice_value(f: FormField, reading: ChoiceReading) -> ChoiceValue:
    reasons = []
    if f.required and not reading.ticked:
        reasons.append(_reason(ReasonCode.CHOICE_NONE, f))
    if f.type is FieldType.SINGLE_CHOICE and len(reading.ticked) > 1:
        labels = {o.value: o.label for o in f.options or []}
        reasons.append(_reason(ReasonCode.CHOICE_MULTIPLE, f,
                               read=", ".join(labels[t] for t in reading.ticked)))
    if reading.confidence < (ROUTE_CHOICE_MIN_CONFIDENCE if f.blocks_routing else CHOICE_MIN_CONFIDENCE):
        reasons.append(_reason(ReasonCode.CHOICE_UNCERTAIN, f))
    return ChoiceValue(name=f.name, type=f.type.value, selected=reading.ticked, fills=reading.fills,
                       confidence=reading.confidence, box=f.outline, needs_review=bool(reasons),
                       reasons=tuple(reasons))


def signature_check(f: FormField, reading: SignatureReading) -> tuple[SignatureCheck, list[Reason]]:
    assert f.box is not None and f.role is not None
    check = SignatureCheck(
        name=f.name, role=f.role, label=f.label, required=f.required, signed=reading.signed,
        ink=reading.ink, stamp_expected=f.stamp, stamped=reading.stamped if f.stamp else None,
        stamp_score=reading.stamp_score, confidence=reading.confidence, box=f.box)
    reasons = []
    if f.required and not reading.signed:
        reasons.append(_reason(ReasonCode.SIGNATURE_MISSING, f))
    elif f.required and reading.confidence < SIGNATURE_MIN_CONFIDENCE:
        reasons.append(_reason(ReasonCode.SIGNATURE_UNCERTAIN, f, what="Tanda tangan"))
    if f.required and f.stamp and reading.signed and not reading.stamped:
        reasons.append(_reason(ReasonCode.STAMP_MISSING, f))
    elif f.required and f.stamp and reading.stamp_confidence < STAMP_MIN_CONFIDENCE:
        # A ring scored near the bar: the reviewer should look at the stamp, not the signature.
        reasons.append(_reason(ReasonCode.SIGNATURE_UNCERTAIN, f, what="Cap/stempel"))
    return check, reasons


def writing_agreement(texts: dict[str, FieldText]) -> float:
    """The share of this page's comb cells that tesseract and the digit reader read alike: how
    legibly this writer writes (typed fills ~1.0, hurried hands far less). One person fills a
    form, so it is evidence about their words too. 0.5 (no opinion) without combs.
    The readings are aligned, not compared cell by cell: a digit tesseract missed would shift
    every later one and make a crisp typed page look like a hurried hand (on twelve training
    seeds, typed values on pages that looked so were 6 % of all typed values)."""
    pairs = [("".join(t.groups), "".join(t.second)) for t in texts.values() if t.second]
    cells = sum(len(b) for _, b in pairs)
    if not cells:
        return 0.5
    alike = sum(block.size for a, b in pairs for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return alike / cells


def page_legibility(template: Template, texts: dict[str, FieldText]) -> float:
    """The median of the free-text fields' mean word confidence: how cleanly this page reads as
    a whole (a crisp print or a tidy hand high, a smudged photo or a hurried hand lower). 0 when
    fewer than two free-text fields were read: one value is no measure of a page."""
    means = sorted(sum(t.confs) / len(t.confs) for f in template.fields
                   if f.type in (FieldType.TEXT, FieldType.MULTILINE)
                   and (t := texts.get(f.name)) is not None and t.confs)
    if len(means) < 2:
        return 0.0
    mid = len(means) // 2
    return means[mid] if len(means) % 2 else (means[mid - 1] + means[mid]) / 2


def _written_fields(template: Template, reading: PageReading, gazetteer: Gazetteer) -> list[FieldValue]:
    written = [f for f in template.fields if f.type.is_written]
    agreement = writing_agreement(reading.texts)
    legibility = page_legibility(template, reading.texts)
    coarse = reading.quality is not None and reading.quality.coarse
    out = {f.name: written_value(f, reading.texts.get(f.name), f.name in reading.empty, gazetteer, agreement,
                                 legibility, reading.checks.get(f.name), reading.smeared, coarse)
           for f in written}
    kec_field = next((f for f in written if f.type is FieldType.KECAMATAN), None)
    kecamatan = None
    if kec_field is not None:
        out[kec_field.name] = place_value(out[kec_field.name], kec_field, gazetteer, None,
                                          reading.checks.get(kec_field.name))
        if out[kec_field.name].code:
            kecamatan = out[kec_field.name].value
    desa = [f for f in written if f.type is FieldType.DESA]
    for f in desa:
        out[f.name] = place_value(out[f.name], f, gazetteer, kecamatan, reading.checks.get(f.name))
    if kec_field is not None:
        for f in desa:
            out[kec_field.name], out[f.name] = vouch_for_places(out[kec_field.name], out[f.name])
    return [out[f.name] for f in written]


def vouch_for_places(kecamatan: FieldValue, desa: FieldValue) -> tuple[FieldValue, FieldValue]:
    """The form's kecamatan and desa, each released from a hold for want of confidence alone when
    the desa was found in the kecamatan written and the name stands apart from every other
    (villages.Match.distinct; see PLACE_CORROBORATED)."""
    if kecamatan.code is None or desa.code is None or not desa.code.startswith(kecamatan.code + "."):
        return kecamatan, desa
    return _corroborated(kecamatan), _corroborated(desa)


def _corroborated(fv: FieldValue) -> FieldValue:
    if not (_place_held_for_confidence(fv) and fv.evidence.get("place_distinct")):
        return fv
    return fv.model_copy(update={"needs_review": False, "reasons": (),
                                 "confidence": max(fv.confidence, PLACE_CORROBORATED),
                                 "evidence": {**fv.evidence, "place_corroborated": 1.0}})


def second_reading_fields(template: Template, record: FormRecord) -> list[str]:
    """The fields of a first build worth a second reading (`wants_second_reading`)."""
    return [fv.name for fv in record.fields if wants_second_reading(template.field(fv.name), fv)]


def build_record(source: SourceRef, reading: PageReading, gazetteer: Gazetteer) -> FormRecord:
    template = reading.template
    fields = _written_fields(template, reading, gazetteer)
    choices = [choice_value(f, reading.choices[f.name]) for f in template.fields if f.type.is_choice]
    signatures, reasons = [], []
    for f in template.fields:
        if f.type is FieldType.SIGNATURE:
            check, found = signature_check(f, reading.signatures[f.name])
            signatures.append(check)
            reasons.extend(found)
    if reading.identity is None:
        reasons.insert(0, Reason.of(ReasonCode.IDENTITY_UNREADABLE))
    elif reading.identity_note:
        reasons.insert(0, Reason.of(ReasonCode.IDENTITY_MISMATCH, detail=reading.identity_note))
    if reading.location.sheets > 1:  # the others on the photo were not read: the sender must know
        reasons.insert(0, Reason.of(ReasonCode.SEVERAL_FORMS, count=reading.location.sheets))
    if reading.location.by_title:  # found without marks: every box position is an estimate
        serial = reading.identity.serial_text if reading.identity else "tidak terbaca"
        reasons.insert(0, Reason.of(ReasonCode.FORM_UNMARKED, title=reading.template.title,
                                    form_id=reading.template.id, serial=serial))
    return FormRecord(source=source, identity=reading.identity, fields=tuple(fields),
                      choices=tuple(choices), signatures=tuple(signatures), reasons=tuple(reasons))
