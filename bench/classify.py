"""Complaint category from free text, measured on the held-out labelled set.

    python -m bench.classify

The model trains on pipeline/data/classify/training.csv only; tests/data/complaints_labelled.csv
(written independently, never used for training) is the test. Reports top-1 and top-3 accuracy
for the keyword lists alone, the model alone and the blend the pipeline uses, per-category
accuracy, and how often the blend is sure enough (>= ACCEPT) to route without a reviewer and how
often it is right then. Writes bench/classify.json.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from pipeline.extract.category import ACCEPT, classify

HERE = Path(__file__).parent
HELD_OUT = HERE.parent / "tests" / "data" / "complaints_labelled.csv"


def evaluate(frame: pd.DataFrame, method: str) -> dict:
    top1 = top3 = accepted = accepted_right = 0
    per = defaultdict(lambda: [0, 0])
    confusion = Counter()
    for text, truth in zip(frame["text"], frame["category"]):
        result = classify(text, method)
        ranked = [c for c, _ in result.ranked]
        top1 += result.category == truth
        top3 += truth in ranked[:3]
        per[truth][0] += result.category == truth
        per[truth][1] += 1
        if result.category != truth:
            confusion[f"{truth} -> {result.category}"] += 1
        if result.confidence >= ACCEPT:
            accepted += 1
            accepted_right += result.category == truth
    n = len(frame)
    return {
        "texts": n, "top1": round(top1 / n, 4), "top3": round(top3 / n, 4),
        "accepted_share": round(accepted / n, 4),
        "accuracy_when_accepted": round(accepted_right / accepted, 4) if accepted else None,
        "per_category": {c: round(r / t, 3) for c, (r, t) in sorted(per.items())},
        "most_confused": dict(confusion.most_common(8)),
    }


def main() -> None:
    frame = pd.read_csv(HELD_OUT)
    report = {"held_out": str(HELD_OUT.relative_to(HERE.parent)), "accept_threshold": ACCEPT,
              **{m: evaluate(frame, m) for m in ("keywords", "model", "blend")}}
    (HERE / "classify.json").write_text(json.dumps(report, indent=1))
    print(f"held-out set: {len(frame)} texts, {frame['category'].nunique()} categories")
    for m in ("keywords", "model", "blend"):
        r = report[m]
        print(f"{m:>9}: top-1 {r['top1']:.3f}  top-3 {r['top3']:.3f}  sure enough to route "
              f"{r['accepted_share']:.3f}, right then {r['accuracy_when_accepted']}")
    print("-> bench/classify.json")


if __name__ == "__main__":
    main()
