"""Match a written desa/kelurahan or kecamatan to the official gazetteer.

A name resolves when, after the usual variations are undone (prefixes "Ds.", "Desa", "Kel.",
"Kec."; "Sei" for "Sungai"; 2 for II), it equals one official name or a listed older spelling
(data/wilayah/aliases.yaml) in the kecamatan. A typo resolves only when one name is clearly
closest and clearly ahead of the next (so "Karya Maju" never becomes "Karya Baru"); otherwise the
reviewer gets the candidates. A village found in another kecamatan than the one written is
flagged, not moved. A name no single slip turns into another listed one is `distinct`: the
build lets such a name through on the form's own evidence (extract/build.py `vouch_for_places`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.extract.values import ascii_fold
from pipeline.gazetteer import Gazetteer, Village, default_gazetteer

PREFIX = re.compile(r"^(desa|ds|kelurahan|kel|kecamatan|kec|kampung)\b\.?\s*", re.IGNORECASE)
ROMAN = {"1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v"}
ACCEPT_SCORE = 88  # a typo is accepted only this close to one name ...
ACCEPT_MARGIN = 8  # ... and this far ahead of the next
CANDIDATE_SCORE = 70
# A name no slip of reading turns into another: none other listed is within this many edits of
# it, and none is the same words numbered otherwise ("Andaman" and "Andaman II", where a dropped
# numeral leaves a listed name). See `Match.distinct`.
DISTINCT_EDITS = 2
_NUMERAL = re.compile(r"^(?:[ivx]+|\d+)$")


@dataclass(frozen=True)
class Match:
    name: str | None  # official name when resolved
    code: str | None  # Kemendagri code of the village or kecamatan
    confidence: float = 0.0
    candidates: tuple[str, ...] = ()
    elsewhere: Village | None = None  # the written village exists, but in another kecamatan
    how: str = ""  # exact | alias | typo | ambiguous | unknown | elsewhere
    # Read as an official name (exactly or by a clear typo) that stands apart from every other
    # listed name (DISTINCT_EDITS): a misreading of another village would hardly land on it.
    distinct: bool = False
    # Listed villages of the same kecamatan that are this name with more numeral strokes after
    # it ("Anjir Pasar Kota II" for "Anjir Pasar Kota", "Anjir Seberang Pasar II" for "... I"): a reader
    # that dropped the thin strokes of a handwritten "II" reads this name, sure of every letter.
    longer_siblings: tuple[str, ...] = ()


def simplify(name: str) -> str:
    text = ascii_fold(str(name)).casefold()
    text = re.sub(r"[^0-9a-z ]+", " ", text)
    previous = None
    while previous != text:
        previous, text = text, PREFIX.sub("", text.strip())
    words = ["sungai" if w in ("sei", "sg", "sng") else ROMAN.get(w, w) for w in text.split()]
    return " ".join(words)


@dataclass(frozen=True)
class _Index:
    villages: dict[str, list[Village]] = field(default_factory=dict)  # simplified name -> villages
    kecamatan: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (code, official)
    distinct_villages: frozenset[str] = frozenset()  # names apart from all others (DISTINCT_EDITS)
    distinct_kecamatan: frozenset[str] = frozenset()
    longer_siblings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # village code -> names (`Match`)


@lru_cache(maxsize=4)
def _index(gazetteer: Gazetteer) -> _Index:
    path = resources.files("pipeline") / "data" / "wilayah" / "aliases.yaml"
    aliases = yaml.safe_load(path.read_text(encoding="utf-8"))
    by_code = {v.code: v for v in gazetteer.villages}
    index = _Index()
    for v in gazetteer.villages:
        index.villages.setdefault(simplify(v.name), []).append(v)
    for entry in aliases["villages"]:
        for alias in entry["names"]:
            known = index.villages.setdefault(simplify(alias), [])
            if by_code[str(entry["kode"])] not in known:
                known.append(by_code[str(entry["kode"])])
    for code, name in gazetteer.kecamatan.items():
        index.kecamatan[simplify(name)] = (code, name)
    for entry in aliases["kecamatan"]:
        for alias in entry["names"]:
            code = str(entry["kode"])
            index.kecamatan[simplify(alias)] = (code, gazetteer.kecamatan[code])
    villages = {name: frozenset(v.code for v in found) for name, found in index.villages.items()}
    kecamatan = {name: frozenset({code}) for name, (code, _) in index.kecamatan.items()}
    siblings = {v.code: _longer_siblings(index.villages, v) for v in gazetteer.villages}
    return _Index(index.villages, index.kecamatan, _apart(villages), _apart(kecamatan), siblings)


def _stem(name: str) -> str:
    return " ".join(w for w in name.split() if not _NUMERAL.match(w))


def _apart(places: dict[str, frozenset[str]]) -> frozenset[str]:
    """The names (of `places`: name -> codes it stands for) that no name of another place is
    within DISTINCT_EDITS of or shares its unnumbered words with; a place's own other spellings
    ("Patih Salera", "Patih Selera") do not count."""
    return frozenset(a for a, codes in places.items() if not any(
        other != codes and (_stem(a) == _stem(b) or Levenshtein.distance(a, b, score_cutoff=DISTINCT_EDITS) <= DISTINCT_EDITS)
        for b, other in places.items()))


def _closest(key: str, names: list[str]) -> list[tuple[str, float]]:
    scored = sorted(((n, fuzz.ratio(key, n)) for n in names), key=lambda x: -x[1])
    return scored


def match_kecamatan(written: str, gazetteer: Gazetteer | None = None) -> Match:
    index = _index(gazetteer or default_gazetteer())
    key = simplify(written)
    if key in index.kecamatan:
        code, name = index.kecamatan[key]
        return Match(name, code, 1.0, how="exact", distinct=key in index.distinct_kecamatan and key == simplify(name))
    scored = _closest(key, list(index.kecamatan)) if key else []
    if scored and scored[0][1] >= ACCEPT_SCORE and len(key) >= 5 and (
            len(scored) < 2 or scored[0][1] - scored[1][1] >= ACCEPT_MARGIN):
        code, name = index.kecamatan[scored[0][0]]
        return Match(name, code, scored[0][1] / 100, how="typo",
                     distinct=scored[0][0] in index.distinct_kecamatan and scored[0][0] == simplify(name))
    candidates = tuple(dict.fromkeys(index.kecamatan[n][1] for n, s in scored[:3] if s >= CANDIDATE_SCORE))
    return Match(None, None, 0.0, candidates, how="ambiguous" if len(candidates) > 1 else "unknown")


def _numbered(key: str) -> tuple[str, str]:
    """A simplified name's words before its numeral, and the numeral ("" when there is none)."""
    words = key.split()
    return (" ".join(words[:-1]), words[-1]) if len(words) > 1 and _NUMERAL.match(words[-1]) else (key, "")


def _longer_siblings(names: dict[str, list[Village]], village: Village) -> tuple[str, ...]:
    stem, numeral = _numbered(simplify(village.name))
    found = []
    for name, villages in names.items():
        other_stem, other_numeral = _numbered(name)
        if other_stem == stem and other_numeral != numeral and other_numeral.startswith(numeral):
            found += [v.name for v in villages if v.kecamatan == village.kecamatan and v.code != village.code]
    return tuple(sorted(set(found)))


def match_village(written: str, gazetteer: Gazetteer | None, kecamatan: str | None) -> Match:
    """`kecamatan`: the official kecamatan name when known (resolved), else None."""
    gazetteer = gazetteer or default_gazetteer()
    index = _index(gazetteer)
    key = simplify(written)
    in_scope = (lambda v: v.kecamatan == kecamatan) if kecamatan else (lambda v: True)
    exact = [v for v in index.villages.get(key, []) if in_scope(v)]
    if len(exact) == 1:
        how = "exact" if simplify(exact[0].name) == key else "alias"
        return Match(exact[0].name, exact[0].code, 1.0, how=how, distinct=how == "exact" and key in index.distinct_villages,
                     longer_siblings=index.longer_siblings.get(exact[0].code, ()))
    if len(exact) > 1:
        return Match(None, None, 0.0, tuple(v.label for v in exact), how="ambiguous")
    if kecamatan and index.villages.get(key):
        other = index.villages[key][0]
        return Match(None, None, 0.0, (other.label,), elsewhere=other, how="elsewhere")
    names = [n for n, vs in index.villages.items() if any(in_scope(v) for v in vs)]
    scored = _closest(key, names) if key else []
    villages_of = lambda n: [v for v in index.villages[n] if in_scope(v)]  # noqa: E731
    if scored and scored[0][1] >= ACCEPT_SCORE and len(key) >= 5:
        best = villages_of(scored[0][0])
        runner_up = next((s for n, s in scored[1:] if villages_of(n) != best), 0.0)
        if len(best) == 1 and scored[0][1] - runner_up >= ACCEPT_MARGIN:
            return Match(best[0].name, best[0].code, scored[0][1] / 100, how="typo",
                         distinct=scored[0][0] in index.distinct_villages and scored[0][0] == simplify(best[0].name))
    labels = []
    for name, score in scored[:5]:
        if score >= CANDIDATE_SCORE:
            labels += [v.label for v in villages_of(name) if v.label not in labels]
    return Match(None, None, 0.0, tuple(labels[:4]), how="ambiguous" if len(labels) > 1 else "unknown")
