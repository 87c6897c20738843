"""Benchmark of the intake flow against ground truth, and against plain full-page tesseract.

    python -m bench.intake [--pages 100] [--seed 2027] [--handwriting 0.35]

1. Generates (or reuses, under bench/work/) a seeded sample set mixing scans, phone photos and
   chat-forwarded photos, typed and handwriting-like fills.
2. Runs the real Prefect intake flow on it with a fresh KOPI_HOME, timing the whole batch.
3. Compares every stored record with the ground truth: field exact match after normalisation
   (overall and among auto-accepted values), checkboxes, signatures and stamps, routes, and the
   share of forms routed without review, split by capture style and fill style.
4. Times the strong obvious alternative on the same page images: full-page `tesseract --psm 3
   -l ind` with OMP_THREAD_LIMIT=1, two pages at a time on the two cores.
Writes bench/results.json and bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np

HERE = Path(__file__).parent
WORK = HERE / "work"
TEXT_TYPES = {"text", "multiline", "desa", "kecamatan"}
HARD_DEFECTS = 0.2  # share of photos with a capture defect in the hard set
HARD_DUPLEX = 0.5  # share of PDFs scanned duplex (blank backs, some sheets upside down)
HARD_REPEATS = 0.08  # share of photos sent again: another photo of the sheet, or a reused serial
HARD_UNMARKED = 0.08  # share of photos of a form without marks or QR (an older photocopy)
HARD_VERSION = 3  # bump when the hard set's recipe changes (the cache keys on it)
CAPTURE_CODES = {"capture_blurry": "blur", "capture_dark": "dark", "capture_glare": "glare",
                 "capture_low_res": "low_res", "capture_cut_off": "cut_off"}


def generate(pages: int, seed: int, handwriting: float, hard: bool = False, curl: float = 0.0,
             pairs: float = 0.0, unmarked: float = 0.0) -> Path:
    from pipeline.samples.generate import GENERATOR_VERSION

    kind = f"hard{HARD_VERSION}" if hard else "set"
    if curl:
        kind += f"-curl{int(curl * 100)}"
    if pairs:
        kind += f"-pair{int(pairs * 100)}"
    if unmarked:
        kind += f"-unm{int(unmarked * 100)}"
    target = WORK / f"{kind}-g{GENERATOR_VERSION}-s{seed}-p{pages}-h{int(handwriting * 100)}"
    if (target / "_truth" / "manifest.json").exists():
        return target
    if target.exists():
        shutil.rmtree(target)
    from pipeline.forms.registry import default_templates
    from pipeline.gazetteer import default_gazetteer
    from pipeline.route.config import default_routing
    from pipeline.samples.writer import SampleContext, write_sample_set

    ctx = SampleContext(default_templates(), default_gazetteer(), default_routing(), seed,
                        date(2026, 11, 23))
    extra = {"defect_share": HARD_DEFECTS, "duplex_share": HARD_DUPLEX, "repeat_share": HARD_REPEATS,
             "unmarked_share": HARD_UNMARKED, "bad_files": True} if hard else {}
    if curl:
        extra["curl_share"] = curl
    if pairs:
        extra["pair_share"] = pairs
    if unmarked:
        extra["unmarked_share"] = unmarked
    write_sample_set(target, ctx, pages, first_serial=200_000 + seed % 1000 * 100,
                     handwriting_share=handwriting, **extra)
    return target


def arrival(sample_set: Path) -> str:
    """When the set's forms arrive: 09:00 WITA on the day they were filled in (the set's
    `today`). The pipeline reads them as of then (KOPI_NOW), so the figures do not drift as
    the calendar passes the set's activity dates."""
    today = json.loads((sample_set / "_truth" / "manifest.json").read_text())["today"]
    return f"{today}T09:00:00+08:00"


def normalise(kind: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value)
    if kind in TEXT_TYPES:
        return re.sub(r"\s+", " ", text).strip(" .,").casefold()
    return text


def run_flow(inbox: Path, home: Path) -> tuple[dict, float]:
    os.environ["KOPI_HOME"] = str(home)
    # Prefect's own database is kept between bench runs, as it is in production (KOPI_HOME/prefect);
    # kopi's store is fresh, so every page is read again.
    prefect_home = WORK / "prefect-home"
    os.environ["PREFECT_HOME"] = str(prefect_home)
    if not prefect_home.exists():
        # The first run on a machine creates Prefect's database, once in its life; production does
        # not pay that per batch, so neither does the timing. In another process, so that the
        # timed run still starts Prefect as every `kopi run` does.
        empty = Path(tempfile.mkdtemp(prefix="kopi-bench-warm-"))
        subprocess.run([sys.executable, "-c", f"from flows.intake import intake; intake({str(empty)!r})"],
                       check=True, env={**os.environ, "KOPI_HOME": str(empty / "home")},
                       capture_output=True)
        shutil.rmtree(empty, ignore_errors=True)
    from flows.intake import run_intake

    start = time.perf_counter()
    summary = run_intake(str(inbox))
    return summary, time.perf_counter() - start


def stored_rows(home: Path) -> dict[tuple[str, int, int], dict]:
    from flows.reports import write_export
    from pipeline.report.privacy import Audience

    out = home / "bench-export.jsonl"
    write_export("jsonl", out, audience=Audience.REVIEWER)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    return {(r["source_file"], r["page"], r.get("sheet", 1)): r for r in rows}


def _bucket() -> dict[str, int]:
    return defaultdict(int)


OBSERVATIONS: list[tuple[str, str, str, float, bool, bool]] = []  # type, capture, fill, conf, right, parsed


def compare(inbox: Path, rows: dict[tuple[str, int, int], dict]) -> dict[str, Any]:
    from pipeline.forms.registry import default_templates

    templates = default_templates()
    per = defaultdict(_bucket)  # key -> counters
    errors: list[dict] = []
    OBSERVATIONS.clear()
    truths = [json.loads(t.read_text()) for t in sorted((inbox / "_truth").glob("*.json")) if t.name != "manifest.json"]
    by_serial = defaultdict(list)
    for truth in truths:
        for page in truth["pages"]:
            by_serial[(page["form_id"], page["serial"])].append((truth["file"], page))
    repeated = {key: pair for key, pair in by_serial.items() if len(pair) > 1}
    for pair in repeated.values():
        _compare_repeat(pair, rows, per, errors)
    for truth in truths:
        for page in truth["pages"]:
            if (page["form_id"], page["serial"]) in repeated:
                continue
            row = rows.get((truth["file"], page["page"], page.get("sheet", 1)))
            defect = page.get("defect")
            if page.get("unmarked"):  # judged on being recognised and held, not on its values
                # A photo of two read as one has a record for sheet 1 only: that is no split.
                split = not page.get("pair") or (truth["file"], page["page"], 2) in rows
                _unmarked(page, row if split else None, templates.get(page["form_id"]), per, errors, truth["file"])
                continue
            if defect:  # photos that should be retaken: judged on the gate, kept out of the rest
                keys = [f"defect={defect}", "defect=any"]
            else:
                keys = ["all", f"capture={page['capture']}", f"fill={page['fill_style']}",
                        f"{page['capture']}+{page['fill_style']}"]
                if page.get("capture_params", {}).get("upside_down"):
                    keys.append("upside_down")
                if page.get("curled"):
                    keys += ["curled", f"curled+{page['fill_style']}"]
                if page.get("pair"):
                    keys += ["pair", f"pair+{page['capture']}", f"pair+{page['fill_style']}"]
            _compare_page(page, row, templates.get(page["form_id"]), keys, per, errors, truth["file"])
            _gate(page, row, defect, per, errors, truth["file"])
        for blank in truth.get("blank_pages", []):
            per["all"]["blank_pages"] += 1
            per["all"]["blank_pages_recorded"] += int((truth["file"], blank, 1) in rows)
        if not truth["pages"]:  # a bad file: expected to fail with a reason
            row = rows.get((truth["file"], 1, 1))
            per["all"]["bad_files"] += 1
            per["all"]["bad_files_failed"] += int(row is not None and row["status"] == "failed")
    return {"by": {k: dict(v) for k, v in per.items()}, "errors": errors[:2000]}


def _compare_page(page: dict, row: dict | None, template: Any, keys: list[str],
                  per: dict, errors: list, file: str) -> None:
    def add(name: str, n: int = 1) -> None:
        for k in keys:
            per[k][name] += n

    add("pages")
    if row is None or row["status"] == "failed":
        add("pages_failed")
        return
    add("identity_ok", int(row["form_id"] == page["form_id"] and int(row["serial"] or 0) == page["serial"]))
    expected = page["expected"]
    add("expected_review", int(expected["status"] == "needs_review"))
    routed = row["status"] == "routed"
    add("routed", int(routed))
    if routed and expected["status"] == "needs_review":
        add("unsafe_routes")
        errors.append({"file": file, "page": page["page"], "what": "routed but should be reviewed",
                       "expected": expected["reasons"]})
    if not routed and expected["status"] == "routed":
        for reason in row["reasons"]:
            add(f"held:{reason['code']}:{reason['field']}")
    if routed:
        got = sorted((r["target"], r["kind"]) for r in row["routes"])
        want = sorted((r["target"], r["kind"]) for r in expected["routes"])
        add("routes_correct", int(got == want))
    types = {f.name: f.type.value for f in template.fields}
    for name, want in page["values"].items():
        fv = row["fields"].get(name)
        if fv is None:
            continue
        want_n, got_n = normalise(types[name], want), normalise(types[name], fv["value"])
        ok = want_n == got_n
        accepted = not fv["needs_review"]
        group = "fields_text" if types[name] in TEXT_TYPES else "fields_digits"
        add("fields"), add(f"{group}"), add("fields_correct", int(ok)), add(f"{group}_correct", int(ok))
        add("fields_accepted", int(accepted))
        if want is not None and "all" in keys:
            OBSERVATIONS.append((types[name], page["capture"], page["fill_style"], fv["confidence"], ok,
                                 fv["value"] is not None, accepted))
        add("fields_accepted_correct", int(accepted and ok))
        if not ok and page["fill_style"] == "typed" and fv["value"] is not None:
            errors.append({"what": "typed misread", "file": file, "type": types[name], "name": name,
                           "want": want, "got": fv["value"], "raw": fv.get("raw"), "accepted": accepted})
        if accepted and not ok:
            add("fields_accepted_wrong")
            # sheet and style too: on a photo of two forms, the file alone does not say which
            errors.append({"file": file, "page": page["page"], "sheet": page.get("sheet", 1),
                           "capture": page["capture"], "fill": page["fill_style"], "field": name,
                           "want": want, "got": fv["value"], "confidence": fv["confidence"]})
    desa_field = next((f.name for f in template.fields if f.type.value == "desa"), None)
    if desa_field and page["written"].get(desa_field):
        fv = row["fields"][desa_field]
        variant = page["village"].get("variant") or "plain"
        right = fv["code"] == page["village"]["code"] and not fv["needs_review"]
        wrong = not fv["needs_review"] and fv["code"] not in (None, page["village"]["code"])
        outcome = "right" if right else "wrong" if wrong else "review"
        add(f"village:{variant}:{outcome}")
        add(f"village:all:{outcome}")
        if wrong:
            errors.append({"file": file, "page": page["page"], "what": "village resolved to a wrong row",
                           "written": page["village"].get("written_as"), "got": fv["value"]})
    for name, selected in page["choices"].items():
        got = set(row["choices"].get(name, {}).get("selected", []))
        options = [o.value for o in template.field(name).options]
        for option in options:
            add("boxes"), add("boxes_correct", int((option in selected) == (option in got)))
    for role, state in page["signatures"].items():
        sig = row["signatures"].get(role)
        if sig is None:
            continue
        _confusion(add, "sig", state["signed"], sig["signed"])
        if sig["stamped"] is not None:
            _confusion(add, "stamp", state["stamped"], sig["stamped"])


def _compare_repeat(pair: list[tuple[str, dict]], rows: dict, per: dict, errors: list) -> None:
    """Two files with one serial: the same sheet photographed twice must leave one active record
    and one duplicate; a different sheet with the same serial must wait for review as a conflict.
    Which of the two counts as the first depends on which the intake saved first."""
    got = [rows.get((file, page["page"], page.get("sheet", 1))) for file, page in pair]
    conflict = any(page.get("conflict") for _, page in pair)
    kind = "repeat=conflict" if conflict else "repeat=same_sheet"
    statuses = sorted(r["status"] if r else "missing" for r in got)
    if conflict:
        ok = any(r and r["status"] == "needs_review" and any(x["code"] == "serial_conflict" for x in r["reasons"])
                 for r in got)
    else:
        ok = statuses.count("duplicate") == 1 and "missing" not in statuses
    per[kind]["pairs"] += 1
    per[kind]["pairs_right"] += int(ok)
    if not ok:
        errors.append({"what": f"repeat handled wrongly ({kind})", "files": [f for f, _ in pair],
                       "statuses": statuses})


def _unmarked(page: dict, row: dict | None, template: Any, per: dict, errors: list, file: str) -> None:
    """A form without marks or QR must be recognised by its title and never routed unseen; one
    of two in a photo, read as its own sheet (`row` None when the photo was not split)."""
    bucket = per["unmarked"]
    bucket["pages"] += 1
    found = [r for r in (row or {}).get("reasons", []) if r["code"] == "form_unmarked"]
    identified = bool(found) and f"({page['form_id']})" in found[0]["message"]
    bucket["identified_by_title"] += int(identified)
    bucket["serial_read"] += int(identified and int((row or {}).get("serial") or 0) == page["serial"])
    bucket["routed"] += int(row is not None and row["status"] == "routed")
    bucket["failed"] += int(row is None or row["status"] == "failed")
    if page.get("pair"):  # one of two in a photo: found as its own sheet, in its place
        bucket["in_pairs"] += 1
        bucket["in_pairs_identified"] += int(identified)
    if identified:  # what the reviewer finds filled in for them (none of it is accepted)
        types = {f.name: f.type.value for f in template.fields}
        for name, want in page["values"].items():
            fv = row["fields"].get(name)
            if fv is not None and want is not None:
                bucket[f"values_{page['fill_style']}"] += 1
                bucket[f"values_{page['fill_style']}_right"] += int(
                    normalise(types[name], want) == normalise(types[name], fv["value"]))
    if not identified:
        errors.append({"file": file, "page": page["page"], "sheet": page.get("sheet", 1),
                       "what": "unmarked form not identified by title",
                       "got": [r["code"] for r in (row or {}).get("reasons", [])]})
    # Such a form is never a defect photo: a capture finding is a false alarm, but for a sheet
    # sharing a photo that truly has fewer pixels than the gate's bar (as in `_gate`).
    from pipeline.ocr.quality import MIN_PX_PER_MM

    found = _capture_findings(row)
    if found and not (found == {"low_res"} and sheet_px_per_mm(page) < MIN_PX_PER_MM):
        bucket["gate_false_alarms"] += 1
        errors.append({"file": file, "page": page["page"], "sheet": page.get("sheet", 1),
                       "what": "gate flagged an unmarked form", "found": sorted(found)})


def _capture_findings(row: dict | None) -> set[str]:
    if row is None:
        return set()
    codes = {r["code"] for r in row["reasons"]} | {n["code"] for n in row.get("notes", [])}
    return {CAPTURE_CODES[c] for c in codes if c in CAPTURE_CODES}


def _gate(page: dict, row: dict | None, defect: str | None, per: dict, errors: list, file: str) -> None:
    """What the capture gate said. On a normal photo any finding is a false alarm, and a failed
    record with a capture reason a false rejection; on a defect photo, the right finding is a
    catch, a correct reading without one is fine, anything else is a miss."""
    from pipeline.ocr.quality import MIN_PX_PER_MM

    found = _capture_findings(row)
    failed = row is None or row["status"] == "failed"
    bucket = per["all"] if not defect else per[f"defect={defect}"]
    if not defect and found == {"low_res"} and sheet_px_per_mm(page) < MIN_PX_PER_MM:
        # A sheet sharing a photo with another can truly have fewer pixels than the gate's bar
        # (the truth's own corners say so): a right finding, not a false alarm.
        per["all"]["gate_low_res_right"] += 1
        return
    if not defect:
        bucket["gate_false_alarms"] += int(bool(found))
        bucket["gate_false_rejections"] += int(bool(found) and failed)
        if found:
            errors.append({"file": file, "page": page["page"], "what": "gate flagged a normal photo",
                           "found": sorted(found), "status": row["status"] if row else None})
        return
    for key in (f"defect={defect}", "defect=any"):
        per[key]["gate_caught"] += int(defect in found)
        per[key]["gate_other_finding"] += int(bool(found) and defect not in found)
        per[key]["gate_silent"] += int(not found)
        per[key]["defect_failed_without_reason"] += int(failed and not found)


def sheet_px_per_mm(page: dict) -> float:
    """The sheet's pixels per mm in the photo, from where the truth says its corners landed
    (the lower of the two axes, as the gate measures it; A4)."""
    c = np.asarray(page["page_corners"], dtype=float)
    widths = (np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[3])) / 2 / 210.0
    heights = (np.linalg.norm(c[3] - c[0]) + np.linalg.norm(c[2] - c[1])) / 2 / 297.0
    return float(min(widths, heights))


def _confusion(add: Any, name: str, want: bool, got: bool) -> None:
    add(f"{name}_tp", int(want and got))
    add(f"{name}_fp", int(got and not want))
    add(f"{name}_fn", int(want and not got))
    add(f"{name}_tn", int(not want and not got))


def rates(c: dict[str, int]) -> dict[str, float | int | None]:
    """Headline ratios of one slice's counters."""
    def ratio(a: str, b: str) -> float | None:
        return round(c.get(a, 0) / c[b], 4) if c.get(b) else None

    out: dict[str, Any] = {
        "pages": c.get("pages", 0),
        "identity_read": ratio("identity_ok", "pages"),
        "field_exact_match": ratio("fields_correct", "fields"),
        "field_exact_match_text": ratio("fields_text_correct", "fields_text"),
        "field_exact_match_digits": ratio("fields_digits_correct", "fields_digits"),
        "fields_accepted_share": ratio("fields_accepted", "fields"),
        "accepted_field_exact_match": ratio("fields_accepted_correct", "fields_accepted"),
        "accepted_fields_wrong": c.get("fields_accepted_wrong", 0),
        # the counts behind the two ratios above, so that "1 wrong of N accepted" can be quoted
        "fields": c.get("fields", 0),
        "fields_accepted": c.get("fields_accepted", 0),
        "checkbox_accuracy": ratio("boxes_correct", "boxes"),
        "forms_routed_without_review": ratio("routed", "pages"),
        "forms_that_should_route": round(1 - c.get("expected_review", 0) / c["pages"], 4) if c.get("pages") else None,
        "routes_correct_when_routed": ratio("routes_correct", "routed"),
        "unsafe_routes": c.get("unsafe_routes", 0),
        "pages_failed": c.get("pages_failed", 0),
    }
    for name in ("sig", "stamp"):
        tp, fp, fn = c.get(f"{name}_tp", 0), c.get(f"{name}_fp", 0), c.get(f"{name}_fn", 0)
        p = tp / (tp + fp) if tp + fp else None
        r = tp / (tp + fn) if tp + fn else None
        out[f"{'signature' if name == 'sig' else 'stamp'}_precision"] = round(p, 4) if p is not None else None
        out[f"{'signature' if name == 'sig' else 'stamp'}_recall"] = round(r, 4) if r is not None else None
        out[f"{'signature' if name == 'sig' else 'stamp'}_f1"] = (
            round(2 * p * r / (p + r), 4) if p and r else None)
    return out


def risk_coverage(fill: str = "typed") -> dict[str, list[dict[str, float]]]:
    """For each kind of field: at each confidence threshold, the share of filled-in values that
    would be accepted and how many of those would be wrong (typed fills, scans and phone photos)."""
    groups = {"text": {"text"}, "multiline": {"multiline"}, "place": {"desa", "kecamatan"},
              "digits": {"date", "time", "nik", "phone", "number"}}
    out = {}
    for group, types in groups.items():
        seen = [o for o in OBSERVATIONS if o[0] in types and o[2] == fill and o[1] in ("scan", "phone")]
        rows = []
        for threshold in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
            accepted = [o for o in seen if o[5] and o[3] >= threshold]
            wrong = sum(not o[4] for o in accepted)
            rows.append({"threshold": threshold, "accepted_share": round(len(accepted) / len(seen), 3) if seen else None,
                         "error_among_accepted": round(wrong / len(accepted), 4) if accepted else None})
        out[group] = rows
    return out


def risk_coverage_by_style(target: float = 0.005) -> dict[str, dict[str, Any]]:
    """Per capture and fill style (written values only): the share accepted and the error among
    them as the pipeline decided; the curve of both over confidence thresholds; and, ranking by
    confidence alone, the largest share that could be accepted with at most `target` wrong (a
    threshold chosen in hindsight on this very set: an upper bound, not a setting)."""
    out = {}
    styles = sorted({(o[1], o[2]) for o in OBSERVATIONS})
    for capture, fill in [("all", f) for f in ("typed", "handwriting")] + styles:
        seen = [o for o in OBSERVATIONS if o[2] == fill and capture in ("all", o[1])]
        if not seen:
            continue
        accepted = [o for o in seen if o[6]]
        ranked = sorted((o for o in seen if o[5]), key=lambda o: -o[3])
        best, wrong = 0, 0
        for i, o in enumerate(ranked, 1):
            wrong += not o[4]
            if wrong <= target * i and (i == len(ranked) or ranked[i][3] < o[3]):
                best = i
        curve = []
        for threshold in (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99):
            taken = [o for o in ranked if o[3] >= threshold]
            curve.append({"threshold": threshold, "accepted_share": round(len(taken) / len(seen), 4),
                          "error_among_accepted": round(sum(not o[4] for o in taken) / len(taken), 4) if taken else None})
        out[f"{capture}+{fill}"] = {
            "values": len(seen), "accepted_share": round(len(accepted) / len(seen), 4),
            "error_among_accepted": round(sum(not o[4] for o in accepted) / len(accepted), 4) if accepted else None,
            "best_share_at_target_by_confidence": round(best / len(seen), 4), "curve": curve}
    return out


def page_images(inbox: Path, scratch: Path) -> list[Path]:
    """The same page images the flow read, as files tesseract can open (PDF pages at 200 dpi)."""
    from pipeline.ingest import PDF_DPI
    from pipeline.ocr.poppler import page_count, rasterize_page

    out = []
    for truth_file in sorted((inbox / "_truth").glob("*.json")):
        truth = json.loads(truth_file.read_text())
        if truth_file.name == "manifest.json" or not truth["pages"]:
            continue
        path = inbox / truth["file"]
        if path.suffix == ".pdf":
            data = path.read_bytes()
            for page in range(1, page_count(data) + 1):
                target = scratch / f"{path.stem}-{page}.png"
                cv2.imwrite(str(target), cv2.cvtColor(rasterize_page(data, page, PDF_DPI), cv2.COLOR_RGB2BGR))
                out.append(target)
        else:
            out.append(path)
    return out


def baseline(images: list[Path]) -> dict[str, float]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def ocr(path: Path) -> float:
        start = time.perf_counter()
        subprocess.run(["tesseract", str(path), "-", "--psm", "3", "-l", "ind"], env=env,
                       capture_output=True, check=True, timeout=300)
        return time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        per_page = list(pool.map(ocr, images))
    wall = time.perf_counter() - start
    return {"pages": len(images), "seconds": round(wall, 2),
            "pages_per_minute": round(60 * len(images) / wall, 1),
            "seconds_per_page_median": round(statistics.median(per_page), 3)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description="intake benchmark")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--handwriting", type=float, default=0.35)
    parser.add_argument("--hard", action="store_true", help="the hard set: capture defects, duplex PDFs, "
                        "bad files; results in bench/hard.json and hard.md, no baseline")
    parser.add_argument("--curl", type=float, default=0.0, help="share of the photos showing a sheet with "
                        "one edge lifted off the table (pipeline/samples/capture.py curl_page)")
    parser.add_argument("--pairs", type=float, default=0.0, help="share of the plain phone and chat "
                        "photos taken together with the next one: two forms in one photo")
    parser.add_argument("--unmarked", type=float, default=0.0, help="share of the photos (of one sheet or "
                        "two) showing forms without marks or QR; the hard set has its own")
    parser.add_argument("--name", help="write bench/NAME.json and NAME.md instead (another seed's run "
                        "beside the committed ones)")
    args = parser.parse_args()
    inbox = generate(args.pages, args.seed, args.handwriting, args.hard, args.curl, args.pairs, args.unmarked)
    os.environ["KOPI_NOW"] = arrival(inbox)
    home = Path(tempfile.mkdtemp(prefix="kopi-bench-"))
    summary, wall = run_flow(inbox, home)
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    seconds = [p["seconds"] for f in summary["details"] for p in f["pages"] if p.get("seconds")]
    comparison = compare(inbox, stored_rows(home))
    if args.hard:
        base = {"pages": 0, "seconds": 0, "pages_per_minute": 0, "seconds_per_page_median": 0}
    else:
        with tempfile.TemporaryDirectory() as scratch:
            base = baseline(page_images(inbox, Path(scratch)))
    pages = summary["pages"]
    report = {
        "set": {"dir": str(inbox.relative_to(HERE.parent)), "pages": pages, "seed": args.seed,
                "handwriting_share": args.handwriting, "hard": args.hard,
                "defect_share": HARD_DEFECTS if args.hard else 0, "duplex_share": HARD_DUPLEX if args.hard else 0,
                "curl_share": args.curl, "pair_share": args.pairs,
                "unmarked_share": HARD_UNMARKED if args.hard and not args.unmarked else args.unmarked},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "speed": {
            "flow_wall_seconds": round(wall, 1),
            "pages_per_minute": round(60 * pages / wall, 1),
            "seconds_per_page_median": round(statistics.median(seconds), 3),
            "seconds_per_page_p95": round(percentile(seconds, 0.95), 3),
            "peak_rss_mb_flow_process": round(rss_self, 1),
            "peak_rss_mb_largest_child": round(rss_children, 1),
            "baseline_full_page_tesseract": base,
            "speedup_vs_baseline": round((60 * pages / wall) / base["pages_per_minute"], 2)
            if base["pages_per_minute"] else None,
            "note": "flow wall time includes starting Prefect's embedded server (not the one-time "
                    "creation of its database on a new machine); per-page times are "
                    "reading one page (straighten, OCR, checks) inside a task",
        },
        "accuracy": {k: rates(v) for k, v in sorted(comparison["by"].items()) if k != "unmarked"},
        "unmarked": dict(comparison["by"].get("unmarked", {})),
        "unmarked_errors": [e for e in comparison["errors"] if e.get("what", "").startswith("unmarked")],
        "held_back": {k.removeprefix("held:"): v for k, v in sorted(
            comparison["by"]["fill=typed"].items(), key=lambda kv: -kv[1]) if k.startswith("held:")},
        "risk_coverage_typed_scan_phone": risk_coverage(),
        "risk_coverage_by_style": risk_coverage_by_style(),
        "villages": {k.removeprefix("village:"): v for k, v in sorted(comparison["by"]["all"].items())
                     if k.startswith("village:")},
        "accepted_errors": [e for e in comparison["errors"] if "field" in e and e.get("what") != "typed misread"],
        "unsafe_routes": [e for e in comparison["errors"] if e.get("what", "").startswith("routed")],
        "wrong_villages": [e for e in comparison["errors"] if e.get("what", "").startswith("village")],
        "gate": _gate_summary(comparison["by"]),
        "gate_false_alarms": [e for e in comparison["errors"] if e.get("what", "").startswith("gate")],
        "repeat_errors": [e for e in comparison["errors"] if e.get("what", "").startswith("repeat")],
        "typed_misreads": [e for e in comparison["errors"] if e.get("what") == "typed misread"][:80],
    }
    name = args.name or ("hard" if args.hard else "results")
    (HERE / f"{name}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    (HERE / f"{name}.md").write_text(markdown(report))
    print(markdown(report))
    shutil.rmtree(home, ignore_errors=True)


def _gate_summary(by: dict) -> dict[str, Any]:
    out = {"normal_pages": by.get("all", {}).get("pages", 0),
           "false_alarms": by.get("all", {}).get("gate_false_alarms", 0),
           "low_res_right": by.get("all", {}).get("gate_low_res_right", 0),
           "false_rejections": by.get("all", {}).get("gate_false_rejections", 0),
           "blank_pages": by.get("all", {}).get("blank_pages", 0),
           "blank_pages_recorded": by.get("all", {}).get("blank_pages_recorded", 0), "defects": {}}
    for key, c in sorted(by.items()):
        if key.startswith("defect="):
            out["defects"][key.removeprefix("defect=")] = {
                "pages": c.get("pages", 0), "caught": c.get("gate_caught", 0),
                "other_finding": c.get("gate_other_finding", 0), "silent": c.get("gate_silent", 0),
                "failed_without_reason": c.get("defect_failed_without_reason", 0),
                "identity_read": rates(c)["identity_read"], "accepted_fields_wrong": c.get("fields_accepted_wrong", 0)}
    for key in ("repeat=same_sheet", "repeat=conflict"):
        if key in by:
            out[key.removeprefix("repeat=")] = {"pairs": by[key].get("pairs", 0), "right": by[key].get("pairs_right", 0)}
    return out


def markdown(report: dict) -> str:
    s = report["speed"]
    lines = [
        f"# Intake benchmark ({report['set']['pages']} pages, seed {report['set']['seed']})", "",
        f"- flow: {s['pages_per_minute']} pages/min ({s['flow_wall_seconds']} s wall, incl. Prefect start)",
        f"- per page: median {s['seconds_per_page_median']} s, p95 {s['seconds_per_page_p95']} s",
        *([f"- baseline full-page tesseract psm 3, 2 at a time: "
           f"{s['baseline_full_page_tesseract']['pages_per_minute']} pages/min -> kopi is {s['speedup_vs_baseline']}x"]
          if s["speedup_vs_baseline"] else ["- baseline: not measured on this set (see bench/results.md)"]),
        f"- peak RSS: flow process {s['peak_rss_mb_flow_process']} MB, largest child "
        f"{s['peak_rss_mb_largest_child']} MB", "",
        "| slice | pages | identity | field exact | accepted share | exact among accepted | wrong accepted "
        "| checkbox | sig P | sig R | sig F1 | stamp P | stamp R | routed w/o review | should route | unsafe |",
        "|" + "---|" * 16,
    ]
    for key, r in report["accuracy"].items():
        if not r.get("pages"):
            continue
        r = {k: v for k, v in r.items() if not k.startswith(("held:", "village:"))}
        lines.append("| " + " | ".join(str(x) for x in (
            key, r["pages"], r["identity_read"], r["field_exact_match"], r["fields_accepted_share"],
            r["accepted_field_exact_match"], r["accepted_fields_wrong"], r["checkbox_accuracy"],
            r["signature_precision"], r["signature_recall"], r["signature_f1"], r["stamp_precision"],
            r["stamp_recall"], r["forms_routed_without_review"], r["forms_that_should_route"],
            r["unsafe_routes"])) + " |")
    rc = report.get("risk_coverage_by_style")
    if rc:
        lines += ["", "Risk and coverage per style (written values; `best at 0.5 %`: the largest share a "
                  "confidence threshold chosen in hindsight on this set could accept with at most 0.5 % wrong):", "",
                  "| style | values | accepted share | error among accepted | best at 0.5 % by confidence |",
                  "|---|---|---|---|---|"]
        for name, d in rc.items():
            lines.append(f"| {name} | {d['values']} | {d['accepted_share']} | {d['error_among_accepted']} | "
                         f"{d['best_share_at_target_by_confidence']} |")
    lines += ["", "Villages as written (variant: right / review / wrong), all pages:", ""]
    kinds = sorted({k.split(":")[0] for k in report["villages"]})
    for kind in kinds:
        counts = [report["villages"].get(f"{kind}:{o}", 0) for o in ("right", "review", "wrong")]
        lines.append(f"- {kind}: {counts[0]} / {counts[1]} / {counts[2]}")
    g = report.get("gate")
    if g:
        lines += ["", f"Capture gate: {g['false_alarms']} findings on {g['normal_pages']} normal pages "
                  f"({g['false_rejections']} rejected); blank backs {g['blank_pages']}, recorded as forms "
                  f"{g['blank_pages_recorded']}."
                  + (f" Sheets sharing a photo that truly have fewer pixels than the gate's bar, "
                     f"rightly noted low-resolution: {g['low_res_right']}." if g.get("low_res_right") else ""), "",
                  "| defect | pages | caught | other finding | silent | failed w/o reason | identity | wrong accepted |",
                  "|---|---|---|---|---|---|---|---|"]
        for name, d in g["defects"].items():
            lines.append(f"| {name} | {d['pages']} | {d['caught']} | {d['other_finding']} | {d['silent']} | "
                         f"{d['failed_without_reason']} | {d['identity_read']} | {d['accepted_fields_wrong']} |")
        for kind, label in (("same_sheet", "same sheet photographed twice -> one duplicate"),
                            ("conflict", "another sheet with a used serial -> review as conflict")):
            if kind in g:
                lines.append(f"\n- {label}: {g[kind]['right']} of {g[kind]['pairs']} pairs right")
    u = report.get("unmarked")
    if u:
        lines += ["", f"Forms without marks or QR: {u.get('identified_by_title', 0)} of {u['pages']} identified "
                  f"by title ({u.get('serial_read', 0)} with the serial read right), {u.get('routed', 0)} routed "
                  f"without review, {u.get('failed', 0)} failed or, one of two in a photo, not read as a sheet of "
                  f"its own; {u.get('gate_false_alarms', 0)} noted with a capture problem they do not have."]
        lines[-1] += (f" Values written on those identified, read right for the reviewer (never accepted): "
                      f"typed {u.get('values_typed_right', 0)} of {u.get('values_typed', 0)}, handwriting-like "
                      f"{u.get('values_handwriting_right', 0)} of {u.get('values_handwriting', 0)}.")
        if u.get("in_pairs"):
            lines[-1] += (f" Of these, {u['in_pairs']} shared a photo with another form: "
                          f"{u.get('in_pairs_identified', 0)} read as their own sheet and identified.")
    lines += ["", "Typed-fill forms that should have been routed but went to review, by reason and field:", ""]
    lines += [f"- {k}: {v}" for k, v in list(report["held_back"].items())[:15]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
