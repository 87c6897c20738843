"""When two readings of free text say the same thing although their characters differ, and what
a paragraph's reading may lose at its end.

- Letter case: tesseract's two models often disagree on a capital mid-sentence ("Sekolah",
  "sekolah"); readings that differ in case alone are the same words, and the first stands.
- Word breaks: one model glues two words that the other keeps apart ("jalurevakuasi", "jalur
  evakuasi"); the reading whose words the word list knows is the one meant. When neither knows
  more, nothing is decided.
- Full stop or comma: where one reader read a full stop and the other a comma, the next word
  decides if both read its case alike: a capital begins a sentence ("sebulan. Pintu"), a small
  letter continues one. A word in capitals decides nothing (an acronym: "KK, KTP"). A mark only
  one reader saw is not settled.
- One stumble: where the readings differ in one word only, which the first reader read as a
  known word and was sure of while the second read no word at all and was unsure of it
  ("membiayai" at 0.95, "membiayail" at 0.37), the second reader slipped where the first did
  not, and the rest of the value is read alike (`stumbled_once`; measured in extract/build.py).
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

from pipeline.extract.confidence import known_word
from pipeline.ocr.zones import FieldText

TAIL_MAX_WORDS = 3
TAIL_MAX_LENGTH = 4
TAIL_CONFIDENCE = 0.5  # tesseract's own word confidence, 0..1
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?]$")  # after a word of 3 letters or more: "Jl.", "A.", "No." end none
_DIGIT = re.compile(r"\d")
_PUNCTUATION = re.compile(r"[^\w-]")
STUMBLE_SURE = 0.9  # the first reader's confidence in its word, 0..1
STUMBLE_UNSURE = 0.6  # the second reader's confidence in its other word is below this
STUMBLE_MIN_LENGTH = 3  # letters: a short word is too easily another short word


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


def _opens_sentence(word: str) -> bool | None:
    """Whether `word` after a mark says a sentence begins there (a capital) or goes on (a small
    letter); None when it cannot say: a word in capitals (KTP, RT, PLN) is written so anywhere in
    a sentence ("punya KK, KTP maupun akta")."""
    letters = [c for c in word if c.isalpha()]
    if not letters or (len(letters) > 1 and all(c.isupper() for c in letters)):
        return None
    return letters[0].isupper() if word[0].isalpha() else None


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
        after, after_other = _opens_sentence(mine[i + 1]), _opens_sentence(theirs[i + 1])
        if after is None or after != after_other:
            return None
        mark = stem + ("." if after else ",")
        if mark not in (a, b):  # a mark neither reader saw ("kepada Pak" / "kepada, Pak") is not settled
            return None
        settled.append(mark)
    return " ".join(settled)


def stumbled_once(value: str, confs: tuple[float, ...], other: str, other_confs: tuple[float, ...],
                  words: frozenset[str]) -> bool:
    """Whether the second reading `other` differs from `value` only where its reader stumbled:
    in exactly one word (letter case aside), which the first reader was sure of and knows, and
    the second was unsure of and read as no known word (see above). `confs` and `other_confs`
    are each reading's word confidences, in order; False when they cannot be paired."""
    mine, theirs = value.split(), other.split()
    if not (len(mine) == len(theirs) == len(confs) == len(other_confs)):
        return False
    differ = [i for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a.casefold() != b.casefold()]
    if len(differ) != 1:
        return False
    i = differ[0]
    return (confs[i] >= STUMBLE_SURE and other_confs[i] < STUMBLE_UNSURE
            and len(_PUNCTUATION.sub("", mine[i])) >= STUMBLE_MIN_LENGTH
            and known_word(mine[i], words) and not known_word(theirs[i], words))
