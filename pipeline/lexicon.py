"""The Indonesian word list: tesseract-ocr-ind's dictionary plus the gazetteer's names
(pipeline/data/lexicon/id.txt.gz). Shared by the readers (which words to look at twice) and the
confidence evidence (which words are words at all)."""

from __future__ import annotations

import csv
import gzip
import io
import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    path = resources.files("pipeline") / "data" / "lexicon" / "id.txt.gz"
    with gzip.open(path.open("rb"), "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


class LexiconError(ValueError):
    """A word-list data file is malformed."""


# What counts as an acronym in text (extract/plausible.py): a capitalised word of 2-5 letters; a
# longer one is read as a word, so listing it would change nothing.
ACRONYM = re.compile(r"[A-Z]{2,5}")


@lru_cache(maxsize=1)
def acronyms() -> frozenset[str]:
    """Abbreviations of Indonesian public services and village life (PKH, PTSL, KWT, ...), from
    pipeline/data/lexicon/singkatan.csv: staff can add their region's own. Two readers agreeing
    on one of these is evidence; on an abbreviation no list knows it is not (extract/plausible.py)."""
    path = resources.files("pipeline") / "data" / "lexicon" / "singkatan.csv"
    return parse_acronyms(path.read_text(encoding="utf-8-sig"))  # a spreadsheet may save a BOM


def parse_acronyms(text: str) -> frozenset[str]:
    """The abbreviations of a singkatan.csv (columns singkatan, kepanjangan), validated."""
    found: set[str] = set()
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        short, meaning = (row.get("singkatan") or "").strip(), (row.get("kepanjangan") or "").strip()
        if not ACRONYM.fullmatch(short) or not meaning:
            raise LexiconError(f"singkatan.csv line {number}: want 2-5 capital letters and a meaning, got {row}")
        if short in found:
            raise LexiconError(f"singkatan.csv line {number}: {short} is listed twice")
        found.add(short)
    return frozenset(found)
