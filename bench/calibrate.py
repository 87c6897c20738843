"""Fit the field-confidence calibration (pipeline/data/calibration/fields.json).

    python -m bench.calibrate [--pages 100] [--seeds 4049 4051 4053 4057] [--refit]

1. Generates training sets (seeds the benchmarks never use; cached under bench/work/).
2. Reads every page with the real stages (no Prefect, no store), two at a time.
3. For one-line text fields fits a logistic model of "the value read is
   exactly right" on the evidence of pipeline/extract/confidence.py.
4. Picks each kind's acceptance threshold: the lowest probability at which the error among
   accepted training values is at most half the target of 1 in 200 (a margin for values the
   model has not seen), with at least 100 values accepted; the one-sided 90% upper bound
   (Clopper-Pearson) of that error is reported beside it.
Digits and multi-line text are not fitted: on this data their evidence does not rank errors well enough
to reach the target at any useful share (digits are mostly caught by validation instead), so they
keep the older rule; bench/results.md shows what that gives.
Writes the model with its training figures; `make bench` then measures it on other seeds.
"""

from __future__ import annotations

import argparse
import json
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).parent
WORK = HERE / "work"
OUT = HERE.parent / "pipeline" / "data" / "calibration" / "fields.json"
TARGET_ERROR = 0.005
MARGIN = 0.5  # accept up to MARGIN * TARGET_ERROR on the training values
MIN_ACCEPTED = 100
FIT_GROUPS = ("text",)
SEEDS = (4049, 4051, 4053, 4057)
ROWS = WORK / "calibration-rows.jsonl"


def generate(seed: int, pages: int) -> Path:
    from pipeline.samples.generate import GENERATOR_VERSION

    target = WORK / f"train-g{GENERATOR_VERSION}-s{seed}-p{pages}-h35"
    if (target / "_truth" / "manifest.json").exists():
        return target
    from pipeline.forms.registry import default_templates
    from pipeline.gazetteer import default_gazetteer
    from pipeline.route.config import default_routing
    from pipeline.samples.writer import SampleContext, write_sample_set

    ctx = SampleContext(default_templates(), default_gazetteer(), default_routing(), seed, date(2026, 11, 23))
    write_sample_set(target, ctx, pages, first_serial=500_000 + seed % 1000 * 100, handwriting_share=0.35)
    return target


def read_file(args: tuple[str, str]) -> list[dict[str, Any]]:
    """Every written field of one file: its kind, evidence, whether it parsed, and whether right."""
    path, truth_path = Path(args[0]), Path(args[1])
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from bench.intake import normalise
    from pipeline import ingest
    from pipeline.extract.confidence import GROUPS
    from pipeline.forms.registry import default_templates
    from pipeline.forms.template import FieldType
    from pipeline.gazetteer import default_gazetteer
    from pipeline.pages import Context, process_page
    from pipeline.record import SourceRef
    from pipeline.route.config import default_routing

    templates = default_templates()
    ctx = Context(templates, default_gazetteer(), default_routing())
    truth = json.loads(truth_path.read_text())
    data = path.read_bytes()
    rows = []
    for page in truth["pages"]:
        source = SourceRef(sha256=ingest.sha256(data), filename=path.name, media_type=ingest.media_type(data),
                           page=page["page"], pages=ingest.count_pages(data))
        record = process_page(ingest.page_image(data, page["page"]), source, ctx).record
        template = templates.get(page["form_id"])
        for fv in record.fields:
            want = page["values"].get(fv.name)
            kind = template.field(fv.name).type
            if want is None or not fv.evidence or kind not in GROUPS:
                continue
            parsed_ok = fv.value is not None and not any(r.code.value == "field_invalid" for r in fv.reasons)
            rows.append({"group": GROUPS[FieldType(kind)], "evidence": fv.evidence, "parsed": parsed_ok,
                         "right": normalise(kind.value, want) == normalise(kind.value, fv.value),
                         "capture": page["capture"], "fill": page["fill_style"]})
    return rows


def upper_bound(errors: int, n: int, level: float = 0.9) -> float:
    from scipy.stats import beta

    return 1.0 if n == 0 else float(beta.ppf(level, errors + 1, n - errors))


def choose_threshold(p: np.ndarray, right: np.ndarray) -> tuple[float, dict[str, float]]:
    order = np.argsort(-p)
    p, right = p[order], right[order]
    best = (1.01, {"accepted_share": 0.0, "errors": 0, "upper_90": 0.0})
    wrong = np.cumsum(~right)
    for i in range(len(p)):
        if i + 1 < len(p) and p[i + 1] == p[i]:
            continue  # a threshold accepts every value with the same probability
        n, k = i + 1, int(wrong[i])
        if n >= MIN_ACCEPTED and k <= MARGIN * TARGET_ERROR * n:
            best = (float(p[i]), {"accepted_share": round(n / len(p), 4), "errors": k,
                                  "upper_90": round(upper_bound(k, n), 5)})
    return best


def fit(rows: list[dict[str, Any]]) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    from pipeline.extract.confidence import FEATURES

    groups = {}
    for group in FIT_GROUPS:
        seen = [r for r in rows if r["group"] == group and r["parsed"]]
        x = np.array([[r["evidence"][f] for f in FEATURES] for r in seen], dtype=float)
        y = np.array([r["right"] for r in seen], dtype=bool)
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        model = LogisticRegression(C=1.0, max_iter=1000).fit((x - mean) / scale, y)
        p = model.predict_proba((x - mean) / scale)[:, 1]
        threshold, figures = choose_threshold(p, y)
        groups[group] = {"mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
                         "coef": model.coef_[0].round(6).tolist(), "intercept": round(float(model.intercept_[0]), 6),
                         "threshold": round(threshold, 4),
                         "train": {"values": len(y), "right_share": round(float(y.mean()), 4), **figures}}
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description="fit the field-confidence calibration")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--refit", action="store_true", help="reuse the readings of the last run")
    args = parser.parse_args()
    if args.refit and ROWS.exists():
        rows = [json.loads(line) for line in ROWS.read_text().splitlines()]
    else:
        with ProcessPoolExecutor(max_workers=2) as pool:
            sets = list(pool.map(generate, args.seeds, [args.pages] * len(args.seeds)))
        jobs = [(str(s / t.name.removesuffix(".json")), str(t)) for s in sets
                for t in sorted((s / "_truth").glob("*.json")) if t.name != "manifest.json"]
        with ProcessPoolExecutor(max_workers=2) as pool:
            rows = [r for part in pool.map(read_file, jobs, chunksize=4) for r in part]
        ROWS.write_text("".join(json.dumps(r) + "\n" for r in rows))
    from pipeline.extract.confidence import FEATURES
    from pipeline.samples.generate import GENERATOR_VERSION

    result = {"features": list(FEATURES), "target_error": TARGET_ERROR, "margin": MARGIN,
              "trained_on": {"seeds": args.seeds, "pages_per_seed": args.pages, "generator_version": GENERATOR_VERSION,
                             "fields": len(rows)},
              "groups": fit(rows)}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({g: m["train"] | {"threshold": m["threshold"]} for g, m in result["groups"].items()}, indent=1))


if __name__ == "__main__":
    main()
