"""Outputs staff open: the export (JSON Lines, CSV, XLSX) and the weekly routing report.

The functions are plain so the CLI calls them directly; `weekly_report` is also a Prefect flow so
a Prefect server can run it on a schedule (Monday morning, WITA)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from prefect import flow

from flows import runtime
from pipeline.forms.registry import default_templates
from pipeline.record import now_wita
from pipeline.report.export import flat_row, nested_row
from pipeline.report.privacy import Audience
from pipeline.report.weekly import Week, WeeklyTables, render_html, weekly_tables
from pipeline.route.config import default_routing
from pipeline.store.queries import iter_records, queue_rows, record_query

FORMATS = ("jsonl", "csv", "xlsx")


def write_export(fmt: str, out: Path, status: str | None = None, target: str | None = None,
                 audience: Audience = Audience.PUBLIC) -> int:
    """Write every record matching the filters to `out`; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt} tidak dikenal (pilih {', '.join(FORMATS)})")
    templates = default_templates()
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with runtime.store().session() as session:
        rows = (nested_row(record, templates, audience, record_id)
                for record_id, record in iter_records(session, record_query(status, target)))
        if fmt == "jsonl":
            with out.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
            return count
        frame = pd.DataFrame([flat_row(row) for row in rows])
    count = len(frame)
    if fmt == "csv":
        frame.to_csv(out, index=False)
    else:
        with pd.ExcelWriter(out) as writer:
            if frame.empty:
                frame.to_excel(writer, sheet_name="formulir", index=False)
            for form_id, part in (frame.groupby(frame["form_id"].fillna("gagal")) if not frame.empty else []):
                part.dropna(axis=1, how="all").to_excel(writer, sheet_name=str(form_id), index=False)
    return count


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    csvs: tuple[Path, ...]


def _week_rows(week: Week) -> tuple[pd.DataFrame, pd.DataFrame]:
    with runtime.store().session() as session:
        records = [{"status": r.status.value,
                    "kecamatan": next((f.value for f in r.fields if f.type == "kecamatan" and f.code), None),
                    "received_at": r.received_at,
                    "reasons": sorted({x.code.value for x in r.all_reasons()})}
                   for _, r in iter_records(session, record_query(since=week.start, until=week.end))]
        queue = [{"target": q.target, "kind": q.kind, "state": q.state}
                 for q, _ in queue_rows(session, since=week.start, until=week.end)]
    return (pd.DataFrame(records, columns=["status", "kecamatan", "received_at", "reasons"]),
            pd.DataFrame(queue, columns=["target", "kind", "state"]))


def write_weekly_report(week: Week, out_dir: Path, now: datetime | None = None) -> ReportFiles:
    now = now or now_wita()
    records, queue = _week_rows(week)
    units = {code: unit.name for code, unit in default_routing().units.items()}
    tables: WeeklyTables = weekly_tables(records, queue, units, now)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"laporan-mingguan-{week.label}"
    page = out_dir / f"{stem}.html"
    page.write_text(render_html(tables, week, now), encoding="utf-8")
    csvs = []
    for name, frame in (("ringkasan", tables.summary), ("skpd", tables.by_unit),
                        ("kecamatan", tables.by_place), ("alasan", tables.reasons),
                        ("menunggu", tables.waiting)):
        path = out_dir / f"{stem}-{name}.csv"
        frame.to_csv(path, index=False)
        csvs.append(path)
    return ReportFiles(page, tuple(csvs))


@flow(name="kopi-laporan-mingguan")
def weekly_report(week: str | None = None) -> str:
    """The routing report of `week` ('2026-W48'; default: the week now, WITA)."""
    chosen = Week.parse(week) if week else Week.containing(now_wita())
    files = write_weekly_report(chosen, runtime.load_settings().output_dir / "laporan")
    return str(files.html)
