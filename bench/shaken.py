"""Training sets of shaken photos: every phone and chat photo smeared by a shaking hand (4-7
camera pixels at any angle), two forms in each, typed fills. For studying how text is restored on
smeared sheets (ocr/motion.py), above all on coarse ones, which the ordinary sets hold only a
few of. Not a benchmark: its seeds (4201-4207 so far) are for choosing, the bench sets for judging.

    python -m bench.shaken --seed 4201 [--pages 80]

Generates (or reuses, under bench/work/) the set, runs the real intake flow on it, and prints
each value accepted wrong, and the typed values accepted and wrong per capture style, split by
what each value's evidence says: read from a page whose smear was undone, and from a coarse
sheet (quality.COARSE_PX_PER_MM). A value with nothing legible carries no evidence and counts
under "-" (the figures in ocr/motion.py were counted so).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from bench.intake import WORK, arrival, normalise, run_flow

# The longer part of samples.capture's shaking hand (3-7 camera pixels): every photo smeared enough
# to matter, as the sets this tool was made for were.
LENGTHS_PX = (4, 8)


def shaking_hand(image: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    from pipeline.samples.capture import shake

    return shake(image, rng, LENGTHS_PX)


@contextmanager
def shaking_hands():
    """Every photo the sample writer takes in this block is smeared (`shaking_hand`)."""
    from pipeline.samples import capture

    usual = capture.apply_camera_blur
    capture.apply_camera_blur = shaking_hand
    try:
        yield
    finally:
        capture.apply_camera_blur = usual


def generate(pages: int, seed: int) -> Path:
    from pipeline.forms.registry import default_templates
    from pipeline.gazetteer import default_gazetteer
    from pipeline.route.config import default_routing
    from pipeline.samples.generate import GENERATOR_VERSION
    from pipeline.samples.writer import SampleContext, write_sample_set

    target = WORK / f"shaken-g{GENERATOR_VERSION}-s{seed}-p{pages}"
    if (target / "_truth" / "manifest.json").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    ctx = SampleContext(default_templates(), default_gazetteer(), default_routing(), seed, date(2026, 11, 23))
    with shaking_hands():
        write_sample_set(target, ctx, pages, first_serial=200_000 + seed % 1000 * 100,
                         handwriting_share=0.0, pair_share=1.0)
    return target


def tally(inbox: Path, records: list[Any]) -> Counter:
    """(capture, "smeared"/"-", "coarse"/"-", what) -> count, over typed values the truth has."""
    from pipeline.forms.registry import default_templates

    templates = default_templates()
    truth = {}
    for path in (inbox / "_truth").glob("*.json"):
        if path.name != "manifest.json":
            data = json.loads(path.read_text())
            truth.update({(data["file"], p["page"], p.get("sheet", 1)): p for p in data["pages"]})
    counts: Counter = Counter()
    for rec in records:
        page = truth.get((rec.source.filename, rec.source.page, rec.source.sheet))
        if page is None or page["fill_style"] != "typed":
            continue
        types = {f.name: f.type.value for f in templates.get(page["form_id"]).fields}
        for fv in rec.fields:
            want = page["values"].get(fv.name)
            if want is None:
                continue
            ok = normalise(types[fv.name], want) == normalise(types[fv.name], fv.value)
            key = (page["capture"], "smeared" if fv.evidence.get("smeared") else "-",
                   "coarse" if fv.evidence.get("coarse") else "-")
            counts[(*key, "values")] += 1
            counts[(*key, "accepted")] += not fv.needs_review
            counts[(*key, "wrong")] += not fv.needs_review and not ok
            if not fv.needs_review and not ok:
                print(f"accepted wrong ({'+'.join(key)}): {rec.source.filename} sheet {rec.source.sheet} "
                      f"{fv.name}: {fv.value!r} for {want!r}")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description="shaken training sets")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--pages", type=int, default=80)
    args = parser.parse_args()
    inbox = generate(args.pages, args.seed)
    os.environ["KOPI_NOW"] = arrival(inbox)
    home = Path(tempfile.mkdtemp(prefix="kopi-shaken-"))
    run_flow(inbox, home)
    from pipeline.settings import load_settings
    from pipeline.store.db import open_store
    from pipeline.store.queries import iter_records, record_query

    store = open_store(load_settings())
    with store.session() as session:
        counts = tally(inbox, [rec for _, rec in iter_records(session, record_query())])
    store.close()
    for key in sorted({k[:3] for k in counts}):
        values, accepted, wrong = (counts[(*key, w)] for w in ("values", "accepted", "wrong"))
        print(f"{'+'.join(key):24} typed values {values:4}  accepted {accepted:4} ({accepted / values:.1%})  wrong {wrong}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
