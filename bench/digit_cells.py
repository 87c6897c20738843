"""How well each reader reads comb cells on a generated set (a training seed of the calibration,
never the benchmark's; generated and cached under bench/work/ when missing): tesseract's reading
of each comb field against the digit reader's, by fill style, and how often the two agree and
are both wrong (the case the pipeline would accept).

    python -m bench.digit_cells [--seed 4049] [--pages 60]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

import cv2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=4049)
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    from bench.calibrate import generate
    from pipeline.forms.registry import default_templates
    from pipeline.ocr.digits import read_cells
    from pipeline.ocr.read import read_page
    from pipeline.ocr.zones import comb_cells, filled_cells

    templates = default_templates()
    root = generate(args.seed, 100)
    counts: Counter[str] = Counter()
    done = 0
    for truth_path in sorted((root / "_truth").glob("*.json")):
        truth = json.loads(truth_path.read_text())
        if truth_path.name == "manifest.json" or not truth.get("pages") or not truth["file"].endswith((".jpg", ".png")):
            continue
        page_truth = truth["pages"][0]
        if page_truth.get("defect"):
            continue
        image = cv2.cvtColor(cv2.imread(str(root / truth["file"])), cv2.COLOR_BGR2RGB)
        reading = read_page(image, templates)
        fill = page_truth["fill_style"]
        for f in reading.template.fields:
            want = "".join(c for c in page_truth["written"].get(f.name, "") if c.isdigit())
            if f.comb is None or not want:
                continue
            filled = [c for group in filled_cells(comb_cells(reading.page, f), f) for c in group]
            text = reading.texts.get(f.name)
            tess = "".join(text.groups) if text else ""
            if len(filled) != len(want):
                counts[f"{fill}:cells_mismatch"] += 1
                continue
            net = "".join(d for d, _ in read_cells(filled) or ())
            counts[f"{fill}:fields"] += 1
            counts[f"{fill}:tess_right"] += tess == want
            counts[f"{fill}:net_right"] += net == want
            counts[f"{fill}:agree"] += tess == net
            counts[f"{fill}:agree_wrong"] += tess == net != want
            for a, b in zip(net, want):
                counts[f"{fill}:net_cells"] += 1
                counts[f"{fill}:net_cells_right"] += a == b
        done += 1
        if done >= args.pages:
            break
    print(json.dumps(dict(sorted(counts.items())), indent=1))


if __name__ == "__main__":
    main()
