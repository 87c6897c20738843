"""Undo tesseract's commonest letter confusions in free text, and only where the word list is sure.

A word that is not Indonesian ("Pemhangunan", "Pernbuatan", "travei") becomes the single word
of the list ("Pembangunan", "Pembuatan", "travel") that the fewest known confusions (at most two)
would give. If no such word exists, or two do, the word is left as read: a reviewer decides, not
a guess. Tokens that can only be numbers get their look-alike letters back as digits ("RT OS" ->
"RT 05", "O1" -> "01"), an RT whose T was read as 7 before its number is restored ("R7 04"),
roman numerals read with an l are restored ("Il" -> "II"), and an address's "Jl." that lost its
dot is put back (in a field the template marks as an address, its l or a J read as I too). Names
of people are never touched (they are spelt as their owner spells them); organisation names are
made of ordinary words ("Pemdes", "Kelompok Tani") and are corrected like any text.

The word list is the one the confidence evidence uses (tesseract-ocr-ind's dictionary plus the
gazetteer, see `pipeline/lexicon.py`). The first pairs come from the benchmark's list of typed
misreads (`typed_misreads` in bench/results.json); those from ("n", "ri") on from misreads on
the calibration seeds (bench/calibrate.py), mostly handwriting-like fills.
"""

from __future__ import annotations

import re

from pipeline.extract.values import DIGIT_LOOKALIKES

# What tesseract printed -> what was on the paper.
CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("h", "b"), ("b", "h"), ("rn", "m"), ("i", "l"), ("l", "i"), ("I", "l"), ("1", "l"),
    ("9", "g"), ("0", "o"), ("c", "e"), ("e", "c"), ("cl", "d"), ("vv", "w"),
    ("n", "ri"), ("y", "g"), ("s", "g"), ("S", "G"), ("s", "c"), ("s", "p"),
    # From the accepted misreads of a twelve-seed cross-validation (bench/calibrate.py): "Tumamen"
    # for Turnamen. (g -> s and p -> D were tried for "Magjid" and "pesa", but turned the local
    # "galam" into "salam" and "berpagar" into "berDasar": a rare word is not always a misread.)
    ("m", "rn"),
)
EDITS = 2  # confusions undone per word: "MINSSU" is two away from "MINGGU"
MIN_LENGTH = 4  # shorter words have too many neighbours in the list to correct safely
# Address abbreviations are too short for the word list, but their misreadings mean nothing else.
ABBREVIATIONS = {"JI.": "Jl.", "Ji.": "Jl.", "J1.": "Jl.", "JL.": "Jl.", "G9.": "Gg.", "Gq.": "Gg.",
                 "GG.": "Gg.", "Ga.": "Gg.",
                 # ... and their dot read as a comma
                 "Jl,": "Jl.", "JL,": "Jl.", "JI,": "Jl.", "Gg,": "Gg.", "GG,": "Gg."}
# "Jl." or "Gg." whose dot was lost, at the start of an address ("Ji Veteran"; "Gg Harapan": a
# faint dot on a defocused photo, seed 2041).
STREET = {"JI": "Jl.", "Ji": "Jl.", "Jl": "Jl.", "JL": "Jl.", "J1": "Jl.", "Gg": "Gg.", "GG": "Gg."}
# ... or its l lost ("J. Pangeran Antasari") or its J read as I ("IL SIRING SUNGAI"): on coarse
# sheets, 4 addresses of the six training seeds of pairs (4091-4101). Only in a field the
# template marks as an address: elsewhere a leading "J." is an initial ("J. Sutrisno membuka").
ADDRESS_STREET = {"J.": "Jl.", "IL": "Jl.", "IL.": "Jl."}
# Roman numerals in place names ("Dusun II", "Jelapat III") read with a lower-case l.
ROMAN = re.compile(r"^(?=.*[l|])[Il|]{2,3}$")
# ... or with the first I read as J: "Purwosari Jl". Only as the last word: a street's "Jl."
# is followed by its name.
LAST_ROMAN = {"Jl": "II", "JI": "II", "Jll": "III", "JII": "III"}
NUMBER_AFTER = {"rt", "rw", "no", "km", "nomor"}
# RT/RW whose T or W was misread, only before a number of one to three digits ("R7 04"). Not
# "RI": Republik Indonesia is followed by numbers too ("HUT RI 80").
MARKERS = {"R7": "RT", "Rl": "RT", "RVV": "RW"}
_SHORT_NUMBER = re.compile(r"^\d{1,3}$")
_LOOKALIKE = frozenset(chr(c) for c in DIGIT_LOOKALIKES)
_WORD = re.compile(r"^([^0-9A-Za-z]*)([0-9A-Za-z'-]+?)([^0-9A-Za-z]*)$")


def one_away(word: str, pairs: tuple[tuple[str, str], ...] = CONFUSIONS) -> set[str]:
    """Every word one (wrong -> right) substitution away from `word`."""
    out = set()
    for wrong, right in pairs:
        start = word.find(wrong)
        while start != -1:
            out.add(word[:start] + right + word[start + len(wrong):])
            start = word.find(wrong, start + 1)
    return out


def _candidates(word: str, words: frozenset[str]) -> set[str]:
    """Known words the fewest confusions away (up to EDITS)."""
    frontier = {word}
    for _ in range(EDITS):
        frontier = {c for w in frontier for c in one_away(w)}
        found = {c for c in frontier if _known(c, words)}
        if found:
            return found
    return set()


def _known(word: str, words: frozenset[str]) -> bool:
    parts = re.findall(r"[a-z]+", word.lower())
    return bool(parts) and all(p in words for p in parts)


def correct_word(word: str, words: frozenset[str]) -> str:
    if len(word) < MIN_LENGTH or _known(word, words) or not any(c.isalpha() for c in word):
        return word
    found = _candidates(word, words)
    if len({c.lower() for c in found}) != 1:
        return word
    return found.pop()


def _number(core: str, after: str) -> str | None:
    """A token that can only be a number, with look-alike letters turned back into digits: after
    an address marker ("RT OS" -> "RT 05"), or mostly digits already ("O1" -> "01")."""
    if not core or len(core) > 4 or not all(c.isdigit() or c in _LOOKALIKE for c in core):
        return None
    digits = sum(c.isdigit() for c in core)
    if after.lower().rstrip(".:") in NUMBER_AFTER or (digits and 2 * digits >= len(core)):
        return core.translate(DIGIT_LOOKALIKES)
    return None


def _fix(core: str, after: str, words: frozenset[str]) -> str:
    if ROMAN.match(core):
        return "I" * len(core)
    number = _number(core, after)
    if number is not None:
        return number
    return correct_word(core, words)


def correct_text(text: str, words: frozenset[str], address: bool = False) -> tuple[str, int]:
    """`text` with confusions undone, and how many words were changed. `address`: the field holds
    a street or place (the template's `validation.text`), so a leading "J." is a street's "Jl."."""
    out, changed = [], 0
    tokens = text.split(" ")
    street = {**STREET, **ADDRESS_STREET} if address else STREET
    for i, token in enumerate(tokens):
        following = tokens[i + 1].rstrip(",.") if i + 1 < len(tokens) else ""
        known = ABBREVIATIONS.get(token) or (street.get(token) if i == 0 and len(tokens) > 1 else None) or \
            (LAST_ROMAN.get(token) if i == len(tokens) - 1 and i > 0 else None) or \
            (MARKERS.get(token) if _SHORT_NUMBER.match(following) else None)
        if known:
            out.append(known)
            changed += known != token
            continue
        m = _WORD.match(token)
        if m is None:
            out.append(token)
            continue
        lead, core, trail = m.groups()
        fixed = _fix(core, tokens[i - 1] if i else "", words)
        changed += fixed != core
        out.append(lead + fixed + trail)
    return " ".join(out), changed
