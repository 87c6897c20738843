"""The recognition figures of every intake set in bench/, one row a set, as a markdown table:
what issue 7's acceptance asks for, read from the committed JSON (nothing is re-run).

    python -m bench.summary

Columns: form identity on marked photos; typed values accepted on scans, phone photos and
chat-forwarded photos; handwriting-like values accepted; the slice (capture + fill style) with
the highest error among accepted values, as wrong of accepted; checkboxes; signature precision
and recall; unmarked forms named by title; forms routed that should have waited. The README's
table is this output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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


def main() -> None:
    runs = {}
    for path in sorted(HERE.glob("*.json")):
        run = json.loads(path.read_text(encoding="utf-8"))
        if "accuracy" in run:  # geometry, identity, classify: not intake sets
            runs[path.stem] = run
    print(table(runs))


if __name__ == "__main__":
    main()
