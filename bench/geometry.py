"""Page-geometry error: how far from the true page corners the pipeline puts them.

    python -m bench.geometry [--pages 200] [--seed 2029]

On the hard set (bench/intake.py --hard; generated and cached when missing), for every page that
is not a capture defect, the page is located exactly as the intake does (marks, or outline and
title for forms without marks) and the template's four page corners are projected into the image
with the homography found. The distance to the generator's true corners, in millimetres of paper
(pixels divided by the page's own pixels per millimetre), is the error. Corners are 10 mm outside
the marks, so this measures the straightening across the whole sheet, not only at the marks.
Writes bench/geometry.json and bench/geometry.md.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

HERE = Path(__file__).parent


def _truth_corners(page: dict, shape: tuple[int, int], pdf: bool) -> np.ndarray:
    from pipeline.ingest import PDF_DPI
    from pipeline.samples.writer import PDF_DPI as SCAN_DPI

    corners = np.asarray(page["page_corners"], dtype=np.float64)
    if pdf:  # the generator's corners are at the scan's resolution; intake renders the PDF at its own
        corners = corners * PDF_DPI / SCAN_DPI
    if page.get("capture_params", {}).get("upside_down"):  # the sheet went through the scanner turned
        h, w = shape
        corners = np.column_stack([w - 1 - corners[:, 0], h - 1 - corners[:, 1]])
    return corners


def measure(inbox: Path) -> dict:
    from pipeline import ingest
    from pipeline.errors import InputError
    from pipeline.forms.registry import default_templates
    from pipeline.ocr.read import _locate

    templates = default_templates()
    errors: dict[str, list[float]] = defaultdict(list)
    failed: dict[str, int] = defaultdict(int)
    for truth_path in sorted((inbox / "_truth").glob("*.json")):
        if truth_path.name == "manifest.json":
            continue
        truth = json.loads(truth_path.read_text())
        data = (inbox / truth["file"]).read_bytes() if truth.get("pages") else b""
        for page in truth.get("pages", []):
            if page.get("defect"):
                continue
            key = "unmarked" if page.get("unmarked") else page["capture"]
            image = ingest.page_image(data, page["page"])
            try:
                location = _locate(image, templates)
            except InputError:
                failed[key] += 1
                continue
            t = location.template.page
            mm = np.array([[0, 0], [t.width, 0], [t.width, t.height], [0, t.height]], dtype=np.float64)
            found = cv2.perspectiveTransform(mm.reshape(-1, 1, 2), location.homography).reshape(-1, 2)
            want = _truth_corners(page, image.shape[:2], truth["file"].endswith(".pdf"))
            px_per_mm = (np.linalg.norm(want[1] - want[0]) / t.width + np.linalg.norm(want[3] - want[0]) / t.height) / 2
            worst = float(np.max(np.linalg.norm(found - want, axis=1)) / px_per_mm)
            errors[key].append(worst)
            if key != "unmarked":
                errors["all marked"].append(worst)
    out = {}
    for key, values in sorted(errors.items()):
        v = np.array(values)
        out[key] = {"pages": len(v), "median_mm": round(float(np.median(v)), 2),
                    "p95_mm": round(float(np.percentile(v, 95)), 2), "max_mm": round(float(v.max()), 2),
                    "not_located": failed.get(key, 0)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="page-geometry error on the hard set")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2029)
    args = parser.parse_args()
    from bench.intake import generate

    inbox = generate(args.pages, args.seed, 0.35, hard=True)
    result = {"set": str(inbox.relative_to(HERE.parent)), "metric": "worst of the four page corners, mm",
              "by": measure(inbox)}
    (HERE / "geometry.json").write_text(json.dumps(result, indent=1))
    lines = [f"# Page-geometry error ({result['set']})", "",
             "Worst of the four page corners, in mm of paper, per page (defect photos excluded).", "",
             "| pages | n | median mm | p95 mm | max mm | not located |", "|---|---|---|---|---|---|"]
    for key, r in result["by"].items():
        lines.append(f"| {key} | {r['pages']} | {r['median_mm']} | {r['p95_mm']} | {r['max_mm']} | {r['not_located']} |")
    (HERE / "geometry.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
