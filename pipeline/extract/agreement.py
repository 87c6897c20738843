"""When two readings of free text say the same thing although their characters differ, and what
a paragraph's reading may lose at its end.

- Letter case: tesseract's two models often disagree on a capital mid-sentence ("Sekolah",
  "sekolah"); readings that differ in case alone are the same words, and the first stands.
- Word breaks: one model glues two words that the other keeps apart ("jalurevakuasi", "jalur
  evakuasi"); the reading whose words the word list knows is the one meant. When neither knows
  more, nothing is decided.
- Full stop or comma: where one reader read a full stop and the other a comma, the next word
  decides if both read its case alike: a capital begins a sentence ("sebulan. Pintu"), a small
  letter continues one. A mark only one reader saw is not settled.
- A paragraph's tail: short marks after its last sentence, read with little confidence ("...
  bentrok. AT"), are the edge of the box or a stroke of the signature below it, not writing;
  a second reading is compared with and without them (the first reading is never cut).
A value taken from the second reader's word breaks passes the same doubts as the first's
(extract/build.py `_second_agrees`).

Measured on the twelve training seeds (bench/calibrate.py's pages, not the benchmark's), among
values both readers read but not alike: case alone 27 right, 1 wrong ("pLTG"/"PLTG", held now
that the uncommon acronym is looked for in both readings); word breaks alone 11, all right (the
better-known side chosen every time); tails 4 on the second reader, all right; full stops and
commas settled by the next word 4, all right (taking the first reader's mark instead: right 4
times, wrong twice)."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.ocr.zones import FieldText

TAIL_MAX_WORDS = 3
TAIL_MAX_LENGTH = 4
TAIL_CONFIDENCE = 0.5  # tesseract's own word confidence, 0..1
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?]$")  # after a word of 3 letters or more: "Jl.", "A.", "No." end none
_DIGIT = re.compile(r"\d")
_PUNCTUATION = re.compile(r"[^\w-]")


def trim_tail(text: FieldText) -> FieldText:
    """A paragraph's reading without short, doubtful marks after its last sentence (see above);
    unchanged when there are none, or when the words and their confidences cannot be paired."""
    words = list(_WORD.finditer(text.text))
    if len(words) != len(text.confs) or len(words) < 2:
        return text
    ends = [i for i, w in enumerate(words[:-1]) if _SENTENCE_END.search(w.group()) and len(w.group()) > 3]
    if not ends or len(words) - 1 - ends[-1] > TAIL_MAX_WORDS:
        return text
    keep = ends[-1] + 1
    tail = zip(words[keep:], text.confs[keep:], strict=True)
    if not all(len(w.group()) <= TAIL_MAX_LENGTH and c < TAIL_CONFIDENCE and not _DIGIT.search(w.group())
               for w, c in tail):
        return text
    confs = text.confs[:keep]
    return replace(text, text=text.text[:words[keep - 1].end()], confs=confs, conf=min(confs), words=keep)


def _known_share(value: str, words: frozenset[str]) -> float:
    """The share of `value`'s words that are known words or numbers ("jam11" is neither)."""
    tokens = [_PUNCTUATION.sub("", t).lower() for t in value.split()]
    return sum(t in words or t.isdigit() for t in tokens) / len(tokens) if tokens else 0.0


def agreed_value(value: str, other: str, words: frozenset[str]) -> str | None:
    """The value two readers agree on, `value` being the first reader's and `other` the second's,
    or None when they do not agree (see above)."""
    if other == value or other.casefold() == value.casefold():
        return value
    if other.replace(" ", "") == value.replace(" ", ""):
        mine, theirs = _known_share(value, words), _known_share(other, words)
        if mine != theirs:
            return value if mine > theirs else other
    return _stops_settled(value, other)


def _stops_settled(value: str, other: str) -> str | None:
    """`value` with each full stop or comma the readers disagree on settled by the next word,
    when both read it alike: a capital begins a sentence ("sebulan. Pintu"), a small letter
    continues one ("rendah, sehingga"); None when anything else differs."""
    mine, theirs = value.split(), other.split()
    if len(mine) != len(theirs):
        return None
    settled = []
    for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        if a == b:
            settled.append(a)
            continue
        stem = a.rstrip(".,")
        if stem != b.rstrip(".,") or i + 1 == len(mine):
            return None
        after, after_other = mine[i + 1][:1], theirs[i + 1][:1]
        if after.isupper() and after_other.isupper():
            mark = stem + "."
        elif after.islower() and after_other.islower():
            mark = stem + ","
        else:
            return None
        if mark not in (a, b):  # a mark neither reader saw ("kepada Pak" / "kepada, Pak") is not settled
            return None
        settled.append(mark)
    return " ".join(settled)
