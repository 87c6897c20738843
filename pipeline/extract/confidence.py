"""How far to trust a reading: evidence about it, turned into a calibrated probability that the
value is exactly right, and the per-kind threshold above which it is accepted without review.

The evidence is what a careful reader would look at: how sure tesseract was of its weakest word
and on average, whether the value parsed cleanly, whether a comb has one character per inked
cell, and whether the words are words at all (against the Indonesian word list that ships in
Debian's tesseract-ocr-ind, plus the gazetteer's names: "Pemhangunan" and "G9." are not).

The probability comes from a logistic model per kind of field, fitted on a generated training set
that the benchmark never sees (`python -m bench.calibrate` rebuilds
`pipeline/data/calibration/fields.json` from the repository alone). The threshold for each kind is
the lowest at which, on that training set, the 90% upper confidence bound of the error among
accepted values is within the target of 1 in 200, counting only values no other rule holds for
review; legible pages and other pages each get their own, chosen on their own values (`Model`).
The benchmark measures the error on other seeds.
Without the file (or for a kind it does not cover) the older rule applies: the weakest word's
confidence times the parser's.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pipeline.forms.template import FieldType
from pipeline.lexicon import lexicon

FEATURES = ("conf_min", "conf_mean", "parse_conf", "comb_ok", "unknown", "unknown_share", "mixed",
            "n_words", "log_len", "corrected", "page_agreement", "unknown_prose")
GROUPS = {FieldType.TEXT: "text", FieldType.MULTILINE: "multiline", FieldType.DATE: "digits",
          FieldType.TIME: "digits", FieldType.NIK: "digits", FieldType.PHONE: "digits",
          FieldType.NUMBER: "digits", FieldType.DESA: "place", FieldType.KECAMATAN: "place"}
# A value whose weakest word tesseract itself scores below this is never surer than that word:
# on the training seeds such one-line values were right 31 % of the time, and the model's other
# evidence (known words, a legible page) should not outvote it ("MTA" for MTQ at 0.59).
WEAKEST_WORD_FLOOR = 0.7
_TOKEN = re.compile(r"[0-9A-Za-z']+")
_LETTERS = re.compile(r"[a-z]+")
_ROMAN = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")


def evidence(text: str, confs: tuple[float, ...], parse_conf: float, comb_ok: bool | None,
             corrected: int = 0, page_agreement: float = 0.5, page_conf: float = 0.0,
             prose: bool = False, smeared: bool = False) -> dict[str, float]:
    """`corrected`: words changed by the spelling step (pipeline/extract/spelling.py); a value
    that needed fixing is a little less sure than one read right the first time.
    `page_agreement`: how alike two readers read this page's digits (build.writing_agreement),
    a measure of the writer's legibility. `page_conf`: how cleanly the page's free text reads
    (build.page_legibility); not a model feature, it picks the threshold (see `Model`).
    `smeared`: the text was read from the page with a shaky hand's smear undone
    (ocr/motion.py); not a model feature either.
    `prose`: the field holds ordinary words (not a person's name), so an unknown word there is
    more likely a misread ("Muttagin") than in a name, where it is normal ("Rudiansyah").
    `weak_unknown`: words tesseract scored below WEAKEST_WORD_FLOOR that are neither a known word
    nor a number (not a model feature; extract/build.py's second reading uses it)."""
    words = lexicon()
    tokens = _TOKEN.findall(text)
    spaced = text.split()
    if len(spaced) == len(confs):
        weak_unknown = sum(c < WEAKEST_WORD_FLOOR and not known_word(w, words) for w, c in zip(spaced, confs, strict=True))
    else:  # the words cannot be told apart: every doubted one counts
        weak_unknown = sum(c < WEAKEST_WORD_FLOOR for c in confs)
    alpha = [t for t in tokens if t.isalpha() and len(t) >= 2]
    unknown = sum(not known_word(t, words) for t in alpha)
    mixed = sum(1 for t in tokens if any(c.isdigit() for c in t) and any(c.isalpha() for c in t))
    return {
        "conf_min": min(confs) if confs else 0.0,
        "conf_mean": sum(confs) / len(confs) if confs else 0.0,
        "parse_conf": parse_conf,
        "comb_ok": 1.0 if comb_ok in (None, True) else 0.0,
        "unknown": float(unknown),
        "unknown_share": unknown / len(alpha) if alpha else 0.0,
        "mixed": float(mixed),
        "n_words": float(len(confs)),
        "log_len": math.log1p(len(text)),
        "corrected": float(corrected),
        "page_agreement": page_agreement,
        "unknown_prose": float(unknown) if prose else 0.0,
        "page_conf": page_conf,
        "smeared": float(smeared),
        "weak_unknown": float(weak_unknown),
    }


def known_word(word: str, words: frozenset[str]) -> bool:
    """Whether `word` is a number (a roman numeral too: "Dusun I", "Purwosari I"), or letters
    every run of which is a known word ("Jl.", "RT", "Km")."""
    if _ROMAN.fullmatch(word.strip(".,;:()")):
        return True
    runs = _LETTERS.findall(word.lower())
    return all(p in words for p in runs) and (bool(runs) or any(c.isdigit() for c in word))


@dataclass(frozen=True)
class Model:
    """A logistic model and its thresholds. Errors at a given probability are much rarer on a
    legible page (both digit readers agree and the free text reads cleanly) than on a smudged or
    hurried one, so each kind of page has its own threshold, chosen on its own values:
    `legible_threshold` on legible pages, `threshold` on the others (above 1 where the training
    values support none: such a page's values always go to a reviewer)."""
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    legible_threshold: float | None = None
    legible_when: tuple[tuple[str, float], ...] = ()  # evidence name, least value

    def legible(self, ev: dict[str, float]) -> bool:
        return bool(self.legible_when) and all(ev.get(name, 0.0) >= least for name, least in self.legible_when)

    def threshold_for(self, ev: dict[str, float]) -> float:
        if self.legible_threshold is not None and self.legible(ev):
            return self.legible_threshold
        return self.threshold

    def probability(self, ev: dict[str, float]) -> float:
        z = self.intercept + sum(c * (ev[name] - m) / s for name, m, s, c in
                                 zip(FEATURES, self.mean, self.scale, self.coef, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def models() -> dict[str, Model]:
    path = resources.files("pipeline") / "data" / "calibration" / "fields.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != FEATURES:
        return {}  # fitted for other evidence: ignore rather than misread it
    return {group: Model(tuple(m["mean"]), tuple(m["scale"]), tuple(m["coef"]), m["intercept"], m["threshold"],
                         m.get("legible_threshold"), tuple((k, v) for k, v in m.get("legible_when", {}).items()))
            for group, m in data["groups"].items()}


def legible_page(ev: dict[str, float]) -> bool:
    """Whether a value's page is one the calibration counts legible (its digit readers agree
    and its free text reads cleanly: `Model.legible_when` of one-line text); False without a model."""
    model = models().get(GROUPS.get(FieldType.TEXT, ""))
    return model is not None and model.legible(ev)


def calibrated(field_type: FieldType, ev: dict[str, float]) -> tuple[float, float] | None:
    """(probability the value is exactly right, acceptance threshold), or None without a model."""
    model = models().get(GROUPS.get(field_type, ""))
    if model is None:
        return None
    p = model.probability(ev)
    if ev["conf_min"] < WEAKEST_WORD_FLOOR:
        p = min(p, ev["conf_min"])
    return p, model.threshold_for(ev)
