"""Stamp boxes of a generated set, one by one: what the stamp finder scored and decided.

    python -m bench.stamps --pages 100 --seed 4109 [--pairs 1] [--hard] [--out FILE.jsonl]

For every stamp box of a marked form that is not a capture defect: the truth (stamped, signed),
whether the page has colour, the rim score at the first colour bar (`ink.BLUE_BAR`) and at the
washed one (`ink.WASHED_BLUE_BAR`), and the reading the pipeline makes (`ink.read_signature`);
on a grey page, where a rim was found, its ink's median level and the share of it beside a
pen's dark core (`ink.rim_level`, `ink.rim_core_share`: what tells a stamp from a signature's loops).
Per capture style it prints the stamps found, the false stamps, and the highest score of a box
without a stamp, the margin a change of the stamp finder must keep. The page is located and
straightened as the intake does; fields are not read, so a set takes a few minutes. Meant for
training seeds (the intake benchmark reports stamp precision and recall on its own sets).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def stamp_boxes(sample_set: Path) -> Iterator[dict[str, Any]]:
    from pipeline.forms.registry import default_templates
    from pipeline.forms.template import FieldType
    from pipeline.gazetteer import default_gazetteer
    from pipeline.ingest import count_pages, page_image
    from pipeline.ocr import ink, read
    from pipeline.pages import Context, sheets_on
    from pipeline.record import SourceRef
    from pipeline.route.config import default_routing

    ctx = Context(default_templates(), default_gazetteer(), default_routing())
    for truth_file in sorted((sample_set / "_truth").glob("*.json")):
        if truth_file.name == "manifest.json":
            continue
        truth = json.loads(truth_file.read_text())
        pages = {(p["page"], p.get("sheet", 1)): p for p in truth["pages"]
                 if not p.get("defect") and not p.get("unmarked")}
        if not pages:
            continue
        data = (sample_set / truth["file"]).read_bytes()
        count = count_pages(data)
        for n in sorted({page for page, _ in pages}):
            image = page_image(data, n)
            source = SourceRef(filename=truth["file"], sha256="0" * 64, media_type="image/jpeg", page=n, pages=count)
            for sheet in sheets_on(image, source, ctx):
                page = pages.get((n, sheet.source.sheet))
                if page is None:
                    continue
                location = sheet.location or read._locate(sheet.image, ctx.templates, sheet.hits)
                straight = read._prepare(sheet.image, location, ctx.px_per_mm)
                color = ink.is_color_page(straight)
                for f in location.template.fields:
                    if f.type is not FieldType.SIGNATURE or not f.stamp or f.box is None:
                        continue
                    search = f.box.grow(ink.STAMP_SEARCH_MM)
                    want = page["signatures"][f.role]
                    reading = ink.read_signature(straight, f, color)
                    grey = {}
                    if not color:  # what tells a stamp's rim from a signature's loops on a grey page
                        mask, score, circle = ink._look_for_stamp(straight, search, color, ink.BLUE_BAR)
                        if circle is not None and score >= ink.RING_SCORE:
                            gray = straight.handwriting(search)
                            grey = {"rim_level": ink.rim_level(gray, mask == 1, circle, straight.px_per_mm),
                                    "rim_core": round(ink.rim_core_share(gray, mask == 1, circle, straight.px_per_mm), 3)}
                    yield {"file": truth["file"], "page": n, "sheet": sheet.source.sheet, "field": f.name,
                           "capture": page["capture"], "color": color, "stamped": want["stamped"],
                           "signed": want["signed"],
                           "first": round(ink._look_for_stamp(straight, search, color, ink.BLUE_BAR)[1], 3),
                           "washed": round(ink._look_for_stamp(straight, search, color, ink.WASHED_BLUE_BAR)[1], 3)
                           if color else None,
                           "read_stamped": reading.stamped, "read_signed": reading.signed,
                           "score": reading.stamp_score, "stamp_confidence": reading.stamp_confidence, **grey}


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from pipeline.extract.build import STAMP_MIN_CONFIDENCE

    by: dict[str, dict[str, Any]] = defaultdict(lambda: {"stamps": 0, "found": 0, "without": 0, "false": 0,
                                                         "false_uncertain": 0, "highest_without": 0.0})
    for row in rows:
        for key in ("all", row["capture"]):
            s = by[key]
            if row["stamped"]:
                s["stamps"] += 1
                s["found"] += int(row["read_stamped"])
            else:
                s["without"] += 1
                s["false"] += int(row["read_stamped"])
                # an uncertain stamp holds the form for a reviewer (build.signature_check)
                s["false_uncertain"] += int(row["read_stamped"] and row["stamp_confidence"] < STAMP_MIN_CONFIDENCE)
                s["highest_without"] = max(s["highest_without"], row["score"])
    return dict(by)


def main() -> None:
    from bench.intake import generate

    parser = argparse.ArgumentParser(description="stamp boxes of a generated set")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--handwriting", type=float, default=0.35)
    parser.add_argument("--hard", action="store_true")
    parser.add_argument("--pairs", type=float, default=0.0)
    parser.add_argument("--out", type=Path, help="also write every box as JSON lines")
    args = parser.parse_args()
    sample_set = generate(args.pages, args.seed, args.handwriting, args.hard, pairs=args.pairs)
    rows = list(stamp_boxes(sample_set))
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    for key, s in sorted(summary(rows).items()):
        print(f"{key:6} stamps found {s['found']}/{s['stamps']}, false stamps {s['false']}/{s['without']} "
              f"({s['false_uncertain']} of them uncertain, so held for review), "
              f"highest score without a stamp {s['highest_without']:.3f}")


if __name__ == "__main__":
    main()
