"""What moved between two runs of the intake benchmarks: the committed JSON of a revision against
the files in bench/ now (after a re-run), set by set.

    python -m bench.compare [--base HEAD] [--all]

For each intake set in bench/ (every JSON with an accuracy table: results.json, hard.json and
the `make bench-more` sets) it prints the speed of both runs and every headline figure that
changed: typed and handwriting-like acceptance per capture style, wrong accepted values,
identity, checkboxes, signatures, stamps, routing and unsafe routes, and for forms without
marks how many were named by title, had their serial read, were routed or failed, and how many
of the values shown to the reviewer were right, and on the hard sets how many serials seen twice
were told right (one sheet twice kept once, two sheets sent to review as a conflict). `--all` prints unchanged
figures too. Nothing is re-run: run `make bench` /
`make bench-more` first.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
FIGURES = (
    ("chat+typed", "fields_accepted_share"), ("phone+typed", "fields_accepted_share"),
    ("scan+typed", "fields_accepted_share"), ("chat+handwriting", "fields_accepted_share"),
    ("fill=handwriting", "fields_accepted_share"), ("chat+typed", "accepted_fields_wrong"),
    ("all", "accepted_fields_wrong"), ("all", "identity_read"), ("all", "checkbox_accuracy"),
    ("all", "signature_precision"), ("all", "signature_recall"), ("all", "stamp_precision"),
    ("capture=chat", "stamp_recall"), ("all", "stamp_recall"), ("all", "forms_routed_without_review"),
    ("all", "unsafe_routes"),
)
REPEATS = ("same_sheet", "conflict")
UNMARKED = ("pages", "identified_by_title", "serial_read", "routed", "failed", "values_typed",
            "values_typed_right", "values_handwriting", "values_handwriting_right")


def _committed(base: str, name: str) -> dict[str, Any] | None:
    shown = subprocess.run(["git", "show", f"{base}:bench/{name}.json"], capture_output=True, text=True,
                           cwd=HERE.parent)
    return json.loads(shown.stdout) if shown.returncode == 0 else None


def _speed(run: dict[str, Any]) -> str:
    speed = run.get("speed", {})
    ratio = speed.get("speedup_vs_baseline")
    return (f"{speed.get('pages_per_minute')} pages/min, median {speed.get('seconds_per_page_median')} s"
            + (f", {ratio}x the plain tesseract pass" if ratio is not None else "")
            + f", peak RSS {speed.get('peak_rss_mb_flow_process')} MB")


def changes(before: dict[str, Any], after: dict[str, Any], everything: bool = False) -> list[str]:
    """One line per headline figure that differs (or every one, with `everything`)."""
    lines = []
    for part, figure in FIGURES:
        old = before.get("accuracy", {}).get(part, {}).get(figure)
        new = after.get("accuracy", {}).get(part, {}).get(figure)
        if everything or old != new:
            lines.append(f"  {part} {figure}: {old} -> {new}")
    for kind in REPEATS:  # the same serial twice (hard sets): one sheet twice, or two sheets
        old, new = (run.get("gate", {}).get(kind) for run in (before, after))
        old, new = (f"{r['right']} of {r['pairs']}" if r else None for r in (old, new))
        if (old or new) and (everything or old != new):
            lines.append(f"  repeats {kind} right: {old} -> {new}")
    if before.get("unmarked") or after.get("unmarked"):
        for figure in UNMARKED:
            old, new = before.get("unmarked", {}).get(figure), after.get("unmarked", {}).get(figure)
            if everything or old != new:
                lines.append(f"  unmarked {figure}: {old} -> {new}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="the revision whose committed results to compare with")
    parser.add_argument("--all", action="store_true", help="print unchanged figures too")
    args = parser.parse_args()
    for path in sorted(HERE.glob("*.json")):
        after = json.loads(path.read_text(encoding="utf-8"))
        if "accuracy" not in after:
            continue  # geometry, identity, classify: not intake sets
        name = path.stem
        before = _committed(args.base, name)
        if before is None:
            print(f"{name}: not in {args.base}")
            continue
        print(f"{name}: {_speed(before)} -> {_speed(after)}")
        print("\n".join(changes(before, after, args.all)) or "  every figure as before")


if __name__ == "__main__":
    main()
