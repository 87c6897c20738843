"""The Indonesian word list: tesseract-ocr-ind's dictionary plus the gazetteer's names
(pipeline/data/lexicon/id.txt.gz). Shared by the readers (which words to look at twice) and the
confidence evidence (which words are words at all)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    path = resources.files("pipeline") / "data" / "lexicon" / "id.txt.gz"
    with gzip.open(path.open("rb"), "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())
