"""The recognition figures of every intake set in bench/, one row a set, as a markdown table:
what issue 7's acceptance asks for, read from the committed JSON (nothing is re-run).

    python -m bench.summary

Columns: form identity on marked photos; typed values accepted on scans, phone photos and
chat-forwarded photos; handwriting-like values accepted; the slice (capture + fill style) with
the highest error among accepted values, as wrong of accepted; checkboxes; signature precision
and recall; unmarked forms named by title; forms routed that should have waited. The README's
table is this output.

    python -m bench.summary --pooled [SET ...]

The acceptance figures per capture and fill style, pooled over the sets named (every set when
none is), each with its 95 % Wilson interval. A target is a rate, and one set's slice is often
too small to tell it: with 173 accepted values a single misread is 0.58 %, and a reader wrong
on 0.15 % of values makes at least one misread in such a slice about one time in four.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scipy.stats import binomtest

HERE = Path(__file__).parent
CAPTURES = ("scan", "phone", "chat")
COLUMNS = ("set", "pages", "identity", "typed accepted: scan / phone / chat", "handwriting accepted",
           "highest error among accepted", "checkboxes", "signatures P / R", "unmarked by title", "unsafe routes")


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f} %"


def worst_slice(accuracy: dict[str, dict[str, Any]]) -> str:
    """The capture + fill slice whose accepted values are most often wrong, "slice wrong/accepted";
    "none wrong" when no accepted value is."""
    found = []
    for key, r in accuracy.items():
        if "+" not in key or not r.get("accepted_fields_wrong"):
            continue
        accepted = r.get("fields_accepted")
        if not accepted:  # a run before the JSON carried counts: work it back from the share
            exact = r.get("accepted_field_exact_match")
            accepted = round(r["accepted_fields_wrong"] / (1 - exact)) if exact is not None and exact < 1 else 0
        if accepted:
            found.append((r["accepted_fields_wrong"] / accepted, key, r["accepted_fields_wrong"], accepted))
    if not found:
        return "none wrong"
    _, key, wrong, accepted = max(found)
    return f"{key} {wrong}/{accepted} ({100 * wrong / accepted:.2f} %)"


def row(name: str, run: dict[str, Any]) -> str:
    acc = run["accuracy"]
    every = acc.get("all", {})
    typed = " / ".join(_pct(acc.get(f"{c}+typed", {}).get("fields_accepted_share")) for c in CAPTURES)
    unmarked = run.get("unmarked") or {}
    named = f"{unmarked['identified_by_title']} of {unmarked['pages']}" if unmarked.get("pages") else "-"
    return "| " + " | ".join((
        name, str(run.get("set", {}).get("pages", every.get("pages"))), _pct(every.get("identity_read")), typed,
        _pct(acc.get("fill=handwriting", {}).get("fields_accepted_share")), worst_slice(acc),
        _pct(every.get("checkbox_accuracy")),
        f"{every.get('signature_precision')} / {every.get('signature_recall')}", named,
        str(every.get("unsafe_routes", 0)),
    )) + " |"


def table(runs: dict[str, dict[str, Any]]) -> str:
    return "\n".join(["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS),
                      *(row(name, run) for name, run in runs.items())])


# Issue 7's acceptance per slice: (least share accepted or None, most share wrong among accepted).
TARGETS = {f"{c}+{f}": ((0.90 if c == "chat" else 0.97) if f == "typed" else None, 0.005)
           for f in ("typed", "handwriting") for c in CAPTURES}
POOLED_COLUMNS = ("style", "sets", "values", "accepted (95 % interval)", "target", "wrong among accepted "
                  "(95 % interval)", "target", "sets whose own slice misses a target")


def interval(k: int, n: int) -> tuple[float, float]:
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


def _share(k: int, n: int) -> str:
    if not n:
        return "-"
    low, high = interval(k, n)
    return f"{k} of {n}, {100 * k / n:.1f} % ({100 * low:.1f}-{100 * high:.1f} %)"


def _wrong(k: int, n: int) -> str:
    if not n:
        return "-"
    low, high = interval(k, n)
    return f"{k} of {n}, {100 * k / n:.2f} % ({100 * low:.2f}-{100 * high:.2f} %)"


def _misses(r: dict[str, Any], least: float | None, most: float) -> bool:
    accepted, values, wrong = r.get("fields_accepted") or 0, r.get("fields") or 0, r.get("accepted_fields_wrong") or 0
    return bool(values and ((least is not None and accepted / values < least) or (accepted and wrong / accepted > most)))


def pooled(runs: dict[str, dict[str, Any]]) -> str:
    """One row a capture + fill style: its values, accepted and wrong summed over the runs."""
    lines = ["| " + " | ".join(POOLED_COLUMNS) + " |", "|" + "---|" * len(POOLED_COLUMNS)]
    for style, (least, most) in TARGETS.items():
        slices = {name: run["accuracy"][style] for name, run in runs.items() if run["accuracy"].get(style, {}).get("fields")}
        values = sum(r["fields"] for r in slices.values())
        accepted = sum(r.get("fields_accepted") or 0 for r in slices.values())
        wrong = sum(r.get("accepted_fields_wrong") or 0 for r in slices.values())
        misses = [name for name, r in slices.items() if _misses(r, least, most)]
        lines.append("| " + " | ".join((
            style, str(len(slices)), str(values), _share(accepted, values),
            "-" if least is None else f">= {100 * least:.0f} %", _wrong(wrong, accepted),
            f"<= {100 * most:.1f} %", ", ".join(misses) or "none",
        )) + " |")
    return "\n".join(lines)


def load(names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    runs = {}
    for path in sorted(HERE.glob("*.json")):
        run = json.loads(path.read_text(encoding="utf-8"))
        if "accuracy" in run and (not names or path.stem in names):  # geometry, identity, classify: not intake sets
            runs[path.stem] = run
    missing = sorted(set(names or ()) - set(runs))
    if missing:
        raise SystemExit(f"no intake set named {', '.join(missing)} in {HERE}")
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pooled", nargs="*", metavar="SET", help="pool per style over these sets (all if none)")
    args = parser.parse_args()
    if args.pooled is None:
        print(table(load()))
    else:
        print(pooled(load(args.pooled)))


if __name__ == "__main__":
    main()
