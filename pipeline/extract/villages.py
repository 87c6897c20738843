"""Match a written desa/kelurahan or kecamatan name to the official gazetteer.

Exact matches (ignoring case, spacing and the usual prefixes "Ds.", "Desa", "Kel.", "Kec.") are
accepted; close spellings become candidates for a reviewer, never a silent choice. The village must
belong to the kecamatan when the kecamatan is known. A name shared by two kecamatan ("Karya Baru")
is resolved by the kecamatan, or left to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from pipeline.gazetteer import Gazetteer, Village

PREFIXES = re.compile(r"^(desa|ds|kelurahan|kel|kecamatan|kec)\b\.?\s*", re.IGNORECASE)
CANDIDATE_SCORE = 80


@dataclass(frozen=True)
class Match:
    name: str | None  # official name when resolved
    code: str | None  # Kemendagri code (village) or kecamatan code
    candidates: tuple[str, ...] = ()


def simplify(name: str) -> str:
    name = PREFIXES.sub("", name.strip())
    name = re.sub(r"[^0-9a-zA-Z ]+", " ", name)
    return re.sub(r"\s+", " ", name).strip().casefold()


def match_kecamatan(written: str, gazetteer: Gazetteer) -> Match:
    names = {simplify(n): (code, n) for code, n in gazetteer.kecamatan.items()}
    key = simplify(written)
    if key in names:
        code, name = names[key]
        return Match(name, code)
    close = process.extract(key, list(names), scorer=fuzz.ratio, limit=3, score_cutoff=CANDIDATE_SCORE)
    return Match(None, None, tuple(names[c][1] for c, _, _ in close))


def match_village(written: str, gazetteer: Gazetteer, kecamatan: str | None) -> Match:
    pool: list[Village] = gazetteer.in_kecamatan(kecamatan) if kecamatan else list(gazetteer.villages)
    key = simplify(written)
    exact = [v for v in pool if simplify(v.name) == key]
    if len(exact) == 1:
        return Match(exact[0].name, exact[0].code)
    if len(exact) > 1:  # same name in two kecamatan and the kecamatan is unknown
        return Match(None, None, tuple(v.label for v in exact))
    labels = {simplify(v.name): v for v in pool}
    close = process.extract(key, list(labels), scorer=fuzz.ratio, limit=3, score_cutoff=CANDIDATE_SCORE)
    return Match(None, None, tuple(labels[c].label for c, _, _ in close))
