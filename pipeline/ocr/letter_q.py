"""Give back the letter Q, which the Indonesian model cannot write.

Debian's tesseract-ocr-ind has no Q or q in its character set (Indonesian spelling seldom needs
them), yet names and words from Arabic often do: Qadri, Qomariah, Taufiq, Muttaqin, Al-Qur'an,
MTQ. The model reads them with its nearest letter ("Oadri", "Muttagin", "Our'an", "MTO"): of
the 44 typed values with a Q on the twelve calibration seeds, none came back right.

A word that may hide a Q (a look-alike where Indonesian names put a Q, and not an Indonesian
word) is read again by the English model, all such words of a page stacked in one call: 10 of
the standard bench set's 100 pages have one, 0.10 s each. Where English reads the word
letter for letter alike except for a Q in place of a look-alike, the Q is taken; anything else
leaves the word as read (and extract/plausible.py `likely_q` may still doubt it).
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

import numpy as np

from pipeline.ocr.tesseract import CHECK_LANG, Word, read_words
from pipeline.ocr.zones import Composite, stack

# What the Indonesian model writes for a Q: O, G, 0 or 9 for a capital, g or 9 for a small one.
CAPITAL_LOOKALIKES, SMALL_LOOKALIKES = "OG09", "g9"
Q = frozenset("Qq")
VOWELS = frozenset("aiueoAIUEO")
SAME_WORD = 0.7  # least likeness of the two readings (Q for Q): English must have read this word
_LETTERS = re.compile(r"[a-z]+")
_EDGES = ".,:;()"
PAD = 0.25  # of the word's height, around its box: the letters' edges, not the neighbours'


def q_places(text: str) -> list[int]:
    """Where `text` has a look-alike in a place the names and words with a Q put it: first,
    before a vowel (Qadri, Al-Qur'an, Qomariah); after a vowel or an f, before a vowel, a b or
    the end (Muttaqin, Taufiq, Iqbal, Rifqi); last in a short abbreviation (MTQ). Elsewhere a
    look-alike is taken as read: checking every unknown word with an o or a g would cost a call
    on most pages."""
    out = []
    for i, c in enumerate(text):
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        first = c in CAPITAL_LOOKALIKES and not before.isalnum() and after in VOWELS
        inner = c in SMALL_LOOKALIKES and before in VOWELS | {"f"} and (after in VOWELS | {"b"} or not after.isalpha())
        last = c in "OG0" and not after and 2 <= i <= 3 and text[:i].isalpha() and text[:i].isupper()
        if first or inner or last:
            out.append(i)
    return out


def may_hide_q(word: Word, known: frozenset[str]) -> bool:
    """A Q may hide in `word`: a look-alike in a Q's place, and not an Indonesian word (joined
    words such as "Al-Our'an" are never taken as known: "our" is in the word list)."""
    text = word.text.strip(_EDGES)
    if sum(c.isalpha() for c in text) < 2 or not q_places(text):
        return False
    if not text.isalpha():
        return True
    return not all(part in known for part in _LETTERS.findall(text.lower()))


def with_q(first: str, english: str) -> str | None:
    """`first` with a Q in each of its Q places, when English read the same word (allowing its
    own slips: "N-Que'an" for Al-Qur'an, "Muttagqin" for Muttaqin) with as many Qs; else None."""
    core = first.strip(_EDGES)
    head = first[:first.index(core)] if core else ""
    places = [len(head) + i for i in q_places(core)]
    if not places or sum(c in Q for c in english) != len(places):
        return None
    chars = list(first)
    for i in places:  # a small q only inside a word, for a g or 9 after a letter (Muttaqin)
        small = chars[i] in SMALL_LOOKALIKES and i > 0 and chars[i - 1].isalpha()
        chars[i] = "q" if small else "Q"
    fixed = "".join(chars)
    if SequenceMatcher(None, fixed.lower(), english.lower()).ratio() < SAME_WORD:
        return None
    return fixed


def _in_text_zone(word: Word, composite: Composite) -> bool:
    return any(z.y0 <= word.center_y < z.y1 and not z.groups for z in composite.zones)


def restore_q(words: list[Word], composite: Composite, known: frozenset[str], *,
              whitelist: str | None = None) -> list[Word]:
    """`words` (read from `composite` by the Indonesian model) with their Qs back; tesseract is
    called only when some word may hide one."""
    suspects = [i for i, w in enumerate(words) if _in_text_zone(w, composite) and may_hide_q(w, known)]
    if not suspects:
        return words
    image = composite.image
    pieces = []
    for i in suspects:
        w = words[i]
        pad = max(2, int(PAD * w.height))
        y0, x0 = max(0, w.top - pad), max(0, w.left - pad)
        crop = image[y0:w.top + w.height + pad, x0:w.left + w.width + pad]
        pieces.append((str(i), np.ascontiguousarray(crop), (), ()))
    stacked = stack(pieces)
    english: dict[int, list[Word]] = {}
    for w in read_words(stacked.image, psm=6, whitelist=whitelist, lang=CHECK_LANG):
        for zone in stacked.zones:
            if zone.y0 <= w.center_y < zone.y1:
                english.setdefault(int(zone.field), []).append(w)
                break
    out = list(words)
    for i in suspects:
        found = english.get(i, [])
        fixed = with_q(words[i].text, "".join(w.text for w in found)) if found else None
        if fixed is not None:
            out[i] = replace(words[i], text=fixed)
    return out
