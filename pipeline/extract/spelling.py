"""Undo tesseract's commonest letter confusions in free text, and only where the word list is sure.

A word that is not Indonesian ("Pemhangunan", "Pernbuatan", "travei") becomes the single word
of the list ("Pembangunan", "Pembuatan", "travel") that one known confusion away would give. If
no such word exists, or two do, the word is left as read: a reviewer decides, not a guess. Names
of people are never touched (they are spelt as their owner spells them); organisation names are
made of ordinary words ("Pemdes", "Kelompok Tani") and are corrected like any text.

The word list is the one the confidence evidence uses (tesseract-ocr-ind's dictionary plus the
gazetteer, see `confidence.lexicon`). The pairs come from the benchmark's list of typed
misreads (`typed_misreads` in bench/results.json).
"""

from __future__ import annotations

import re

# What tesseract printed -> what was on the paper. Pairs seen in the benchmark's typed misreads.
CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("h", "b"), ("b", "h"), ("rn", "m"), ("i", "l"), ("l", "i"), ("I", "l"), ("1", "l"),
    ("9", "g"), ("0", "o"), ("c", "e"), ("e", "c"), ("cl", "d"), ("vv", "w"),
)
MIN_LENGTH = 4  # shorter words have too many neighbours in the list to correct safely
# Address abbreviations are too short for the word list, but their misreadings mean nothing else.
ABBREVIATIONS = {"JI.": "Jl.", "Ji.": "Jl.", "J1.": "Jl.", "JL.": "Jl.", "G9.": "Gg.", "Gq.": "Gg.",
                 "GG.": "Gg."}
_WORD = re.compile(r"^([^0-9A-Za-z]*)([0-9A-Za-z'-]+?)([^0-9A-Za-z]*)$")


def _candidates(word: str) -> set[str]:
    out = set()
    for wrong, right in CONFUSIONS:
        start = word.find(wrong)
        while start != -1:
            out.add(word[:start] + right + word[start + len(wrong):])
            start = word.find(wrong, start + 1)
    return out


def _known(word: str, words: frozenset[str]) -> bool:
    parts = re.findall(r"[a-z]+", word.lower())
    return bool(parts) and all(p in words for p in parts)


def correct_word(word: str, words: frozenset[str]) -> str:
    if len(word) < MIN_LENGTH or _known(word, words) or not any(c.isalpha() for c in word):
        return word
    found = {c for c in _candidates(word) if _known(c, words)}
    if len({c.lower() for c in found}) != 1:
        return word
    return found.pop()


def correct_text(text: str, words: frozenset[str]) -> tuple[str, int]:
    """`text` with confusions undone, and how many words were changed."""
    out, changed = [], 0
    for token in text.split(" "):
        if token in ABBREVIATIONS:
            out.append(ABBREVIATIONS[token])
            changed += ABBREVIATIONS[token] != token
            continue
        m = _WORD.match(token)
        if m is None:
            out.append(token)
            continue
        lead, core, trail = m.groups()
        fixed = correct_word(core, words)
        changed += fixed != core
        out.append(lead + fixed + trail)
    return " ".join(out), changed

