"""What a complaint is about, read from its free text.

Two scorers over the same normalised text:
- keywords: the staff-editable phrase lists in `data/classify/keywords.yaml`;
- a small model: TF-IDF over words and character n-grams with logistic regression, trained when
  first needed (well under a second) from `data/classify/training.csv`, a labelled set kept in the
  repository, so the model is reproducible and nothing is downloaded.
The scores are blended; `make bench` measures each and the blend on a held-out set
(`tests/data/complaints_labelled.csv`, never used for training).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

from pipeline.extract.values import ascii_fold
from pipeline.forms.template import Template
from pipeline.reasons import ReasonCode
from pipeline.record import ChoiceValue, FormRecord, Reason

# SMS abbreviations and Banjar words rewritten to the Indonesian the lists are written in.
REWRITES = {
    "yg": "yang", "tdk": "tidak", "tak": "tidak", "gak": "tidak", "ga": "tidak", "kada": "tidak",
    "kadada": "tidak ada", "sdh": "sudah", "udh": "sudah", "blm": "belum", "krn": "karena",
    "utk": "untuk", "dgn": "dengan", "sy": "saya", "ulun": "saya", "kmi": "kami", "bpk": "bapak",
    "handak": "mau", "banyu": "air", "lawan": "dengan", "kawa": "bisa", "urang": "orang",
    "bubuhan": "warga", "hagan": "untuk", "jln": "jalan", "jl": "jalan", "jemb": "jembatan",
    "dr": "dari", "tp": "tapi", "sm": "sama", "bln": "bulan", "thn": "tahun", "org": "orang",
}
BLEND = 0.7  # weight of the model; the keywords' share is the rest


@dataclass(frozen=True)
class Classification:
    category: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]  # every category, best first


def normalise(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    return " ".join(REWRITES.get(w, w) for w in words)


def _data(name: str) -> str:
    return (resources.files("pipeline") / "data" / "classify" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def keyword_lists() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(_data("keywords.yaml"))
    return {category: tuple(normalise(k) for k in entry["keywords"] if normalise(k))
            for category, entry in data.items()}


def training_set() -> tuple[list[str], list[str]]:
    rows = list(csv.DictReader(_data("training.csv").splitlines()))
    return [normalise(r["text"]) for r in rows], [r["category"] for r in rows]


def keyword_scores(text: str) -> dict[str, float]:
    """Share of keyword hits per category (phrases count by their number of words)."""
    padded = f" {normalise(text)} "
    hits = {c: sum(len(k.split()) for k in keys if f" {k} " in padded)
            for c, keys in keyword_lists().items()}
    total = sum(hits.values())
    return {c: (h / total if total else 0.0) for c, h in hits.items()}


@lru_cache(maxsize=1)
def model():  # noqa: ANN201 - a fitted sklearn pipeline
    texts, labels = training_set()
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)),
    ])
    pipeline = make_pipeline(features, LogisticRegression(C=8.0, max_iter=2000))
    return pipeline.fit(texts, labels)


def model_scores(text: str) -> dict[str, float]:
    fitted = model()
    probabilities = fitted.predict_proba([normalise(text)])[0]
    return {str(c): float(p) for c, p in zip(fitted.classes_, probabilities)}


def classify(text: str, method: str = "blend") -> Classification:
    """The most likely category of a complaint text; `method`: keywords, model or blend."""
    if method == "keywords":
        scores = keyword_scores(text)
    elif method == "model":
        scores = model_scores(text)
    else:
        learned, listed = model_scores(text), keyword_scores(text)
        has_keywords = any(listed.values())
        weight = BLEND if has_keywords else 1.0
        scores = {c: weight * learned.get(c, 0.0) + (1 - weight) * listed.get(c, 0.0) for c in learned}
    ranked = tuple(sorted(((c, round(s, 4)) for c, s in scores.items()), key=lambda x: -x[1]))
    best, confidence = ranked[0] if ranked and ranked[0][1] > 0 else ("", 0.0)
    return Classification(best, float(np.round(confidence, 4)), ranked)


ACCEPT = 0.60  # read the category from the text at or above this confidence
CONTRADICT = 0.80  # the text says another category this surely ...
TICKED_AT_MOST = 0.05  # ... and gives the ticked one at most this much


def decide_category(record: FormRecord, template: Template) -> FormRecord:
    """Settle the category of a complaint from its text where the tick does not: 'lainnya' or no
    tick -> the text's category when sure enough, else review with the likely ones; a tick the
    text clearly contradicts -> review with both."""
    rule = template.classify
    if rule is None:
        return record
    try:
        choice = record.choice(rule.choice)
    except KeyError:
        return record
    text = " ".join(fv.value or "" for fv in record.fields if fv.name in rule.text).strip()
    labels = {o.value: o.label for o in template.field(rule.choice).options or []}
    ticked = choice.selected[0] if len(choice.selected) == 1 else None
    if not text or (ticked is None and len(choice.selected) > 1):
        return record
    found = classify(text)
    scores = dict(found.ranked)
    likely = tuple(c for c, s in found.ranked[:3] if s >= 0.1)
    if ticked is None or ticked == rule.other:
        if found.confidence >= ACCEPT:
            # The text settles what the missing tick did not.
            kept = tuple(r for r in choice.reasons if r.code is not ReasonCode.CHOICE_NONE)
            update = {"inferred": found.category, "inferred_confidence": found.confidence,
                      "candidates": likely, "reasons": kept, "needs_review": bool(kept)}
            return _replace_choice(record, choice.model_copy(update=update))
        detail = "kategori belum jelas; dari isi pengaduan mungkin " + ", ".join(
            f"{labels.get(c, c)} ({round(scores[c] * 100)}%)" for c in likely) if likely else "isi tidak cukup jelas"
        reason = Reason.of(ReasonCode.ROUTE_UNDECIDED, detail=detail)
        updated = choice.model_copy(update={"candidates": likely, "needs_review": True,
                                            "reasons": choice.reasons + (reason,)})
        return _replace_choice(record, updated)
    if found.category != ticked and found.confidence >= CONTRADICT and scores.get(ticked, 0.0) <= TICKED_AT_MOST:
        reason = Reason.of(ReasonCode.CATEGORY_MISMATCH, field=rule.choice, ticked=labels.get(ticked, ticked),
                           predicted=labels.get(found.category, found.category),
                           confidence=round(found.confidence * 100))
        updated = choice.model_copy(update={"candidates": (ticked, found.category), "needs_review": True,
                                            "reasons": choice.reasons + (reason,)})
        return _replace_choice(record, updated)
    return record


def _replace_choice(record: FormRecord, choice: ChoiceValue) -> FormRecord:
    return record.model_copy(update={"choices": tuple(choice if c.name == choice.name else c
                                                      for c in record.choices)})
