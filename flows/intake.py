"""The intake flow: every photo and PDF in an inbox folder to stored, routed records.

One task per file (never per field: a task run costs ~10 ms plus server time, a page of OCR
~1 s); tasks run two at a time, one per core, each tesseract single-threaded. A file already
seen (same sha256) is skipped, so re-running a batch changes nothing. Every failure of a file or
page becomes a stored exception with an Indonesian reason; only a time-out, which a retry can
cure, is retried.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows import progress, runtime
from pipeline import ingest
from pipeline.errors import InputError, ToolTimeout
from pipeline.pages import Context, Sheet, failed_record, process_page, sheets_on
from pipeline.reasons import ReasonCode
from pipeline.record import SourceRef, Status, now_wita
from pipeline.store.models import IntakeRun
from pipeline.store.records import FileOutcome, PageOutcome, known_document, save_file_outcome, saved_records

WORKERS = max(1, min(2, os.cpu_count() or 1))


def inbox_files(inbox: Path) -> list[Path]:
    """Every file under `inbox`, in name order, skipping hidden files and `_`-folders (ground
    truth, working files). Files of other types are kept: they get a clear 'not supported'."""
    files = []
    for path in sorted(inbox.rglob("*")):
        parts = path.relative_to(inbox).parts
        if path.is_file() and not any(p.startswith((".", "_")) for p in parts):
            files.append(path)
    return files


def _retry_on_timeout(task: Any, task_run: Any, state: Any) -> bool:
    try:
        state.result()
    except ToolTimeout:
        return True
    except Exception:  # noqa: BLE001 - any other failure is not helped by a retry
        return False
    return False


def _read_pages(data: bytes, source: SourceRef, logger: logging.Logger) -> list[PageOutcome]:
    ctx = runtime.reading_context()
    outcomes, blanks = [], []
    for page in range(1, source.pages + 1):
        page_source = source.model_copy(update={"page": page})
        try:
            image = ingest.page_image(data, page)
            sheets = sheets_on(image, page_source, ctx)
        except ToolTimeout:
            raise
        except Exception as error:  # noqa: BLE001 - one bad page must not lose the batch
            outcomes.append(_failed_page(page_source, error, logger))
            continue
        for sheet in sheets:  # each form on its own: one failing loses only itself
            outcome = _read_sheet(sheet, ctx, logger)
            if len(sheets) == 1 and _is_blank(outcome.record) and source.pages > 1:
                blanks.append(outcome)  # the back of a duplex scan
            else:
                outcomes.append(outcome)
    if blanks:
        logger.info("%s: %d halaman kosong dilewati", source.filename, len(blanks))
    return outcomes or blanks[:1]  # an all-blank PDF is still recorded, once, as blank


def _read_sheet(sheet: Sheet, ctx: Context, logger: logging.Logger) -> PageOutcome:
    started = time.perf_counter()
    try:
        result = process_page(sheet.image, sheet.source, ctx, sheet.hits, sheet.location)
    except ToolTimeout:
        raise
    except Exception as error:  # noqa: BLE001 - a bug on one form must not lose the batch
        return _failed_page(sheet.source, error, logger)
    stored = runtime.blobs().put_image(result.straightened) if result.straightened is not None else None
    return PageOutcome(result.record, stored, time.perf_counter() - started)


def _failed_page(source: SourceRef, error: Exception, logger: logging.Logger) -> PageOutcome:
    if not isinstance(error, InputError):
        logger.error("halaman %s/%d: %s", source.filename, source.page, traceback.format_exc())
        error = InputError(f"{type(error).__name__}: {str(error)[:120]}")
    return PageOutcome(failed_record(source, error), None)


def _is_blank(record: Any) -> bool:
    return record.status is Status.FAILED and any(r.code is ReasonCode.PAGE_BLANK for r in record.reasons)


def _summary(filename: str, status: str, outcome: FileOutcome | None) -> dict[str, Any]:
    pages = [{"page": p.record.source.page, "sheet": p.record.source.sheet, "status": p.record.status.value,
              "seconds": round(p.seconds, 3),
              "reasons": [r.code.value for r in p.record.all_reasons()],
              "targets": [r.target for r in p.record.routes] if p.record.status is Status.ROUTED else []}
             for p in (outcome.pages if outcome else ())]
    error = outcome.error.code.value if outcome and outcome.error else None
    return {"file": filename, "status": status, "error": error, "pages": pages}


@task(name="baca-berkas", retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=_retry_on_timeout,
      cache_policy=NO_CACHE, task_run_name="baca {path.name}")
def process_file(path: Path, run_id: int) -> dict[str, Any]:
    """Read one inbox file end to end and store it; returns a small summary (no images)."""
    logger = get_run_logger()
    data = path.read_bytes()
    sha = ingest.sha256(data)
    with runtime.store().session() as session:
        if known_document(session, sha) is not None:
            progress.notify(path.name, "known")
            return _summary(path.name, "known", None)
    runtime.blobs().put(data)
    kind: str | None = None
    try:
        kind = ingest.media_type(data)
        source = SourceRef(sha256=sha, filename=path.name, media_type=kind, page=1,
                           pages=ingest.count_pages(data))
        outcome = FileOutcome(sha, path.name, kind, len(data), tuple(_read_pages(data, source, logger)))
    except ToolTimeout:
        raise
    except InputError as error:
        outcome = _failed_file(sha, path.name, kind, len(data), error)
    status = save_file_outcome(runtime.store(), outcome, run_id, runtime.reading_context().templates)
    progress.notify(path.name, status)
    return _summary(path.name, status, _as_saved(outcome) if status == "saved" else None)


def _as_saved(outcome: FileOutcome) -> FileOutcome:
    """`outcome` with each record as stored, so the run's summary counts duplicates and conflicts."""
    with runtime.store().session() as session:
        saved = saved_records(session, outcome.sha256)
    return replace(outcome, pages=tuple(
        replace(p, record=saved.get((p.record.source.page, p.record.source.sheet), p.record)) for p in outcome.pages))


def _failed_file(sha: str, name: str, kind: str | None, size: int, error: InputError) -> FileOutcome:
    """A file that failed as a whole still gets one FAILED record, so it shows in the review
    queue and the export like any other exception."""
    source = SourceRef(sha256=sha, filename=name, media_type=kind or "unknown", page=1, pages=1)
    record = failed_record(source, error)
    return FileOutcome(sha, name, kind, size, (PageOutcome(record, None),), record.reasons[0])


def record_crash(path: Path, run_id: int, error: BaseException) -> dict[str, Any]:
    """A file whose task failed for good (after retries): stored as a failed document."""
    data = path.read_bytes()
    crash = InputError(f"{type(error).__name__}: {str(error)[:120]}")
    if isinstance(error, ToolTimeout):
        crash.reason = ReasonCode.OCR_FAILED
    outcome = _failed_file(ingest.sha256(data), path.name, None, len(data), crash)
    status = save_file_outcome(runtime.store(), outcome, run_id)
    progress.notify(path.name, "failed")
    return _summary(path.name, status, outcome if status == "saved" else None)


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    pages = [p for r in results for p in r["pages"]]
    routed_to = Counter(t for p in pages if p["status"] == "routed" for t in p["targets"])
    reasons = Counter(code for p in pages for code in p["reasons"])
    reasons.update(r["error"] for r in results if r["error"])
    return {
        "files": len(results),
        "files_new": sum(r["status"] == "saved" for r in results),
        "files_known": sum(r["status"] == "known" for r in results),
        "files_failed": sum(r["error"] is not None for r in results),
        "pages": len(pages),
        "routed": sum(p["status"] == "routed" for p in pages),
        "needs_review": sum(p["status"] == "needs_review" for p in pages),
        "duplicates": sum(p["status"] == "duplicate" for p in pages),
        "failed_pages": sum(p["status"] == "failed" for p in pages),
        "routed_to": dict(sorted(routed_to.items())),
        "reasons": dict(reasons.most_common()),
        "details": results,
    }


def _start_run(inbox: Path) -> int:
    with runtime.store().session() as session:
        run = IntakeRun(inbox=str(inbox), started_at=now_wita())
        session.add(run)
        session.flush()
        return run.id


def _finish_run(run_id: int, summary: dict[str, Any]) -> None:
    with runtime.store().session() as session:
        run = session.get(IntakeRun, run_id)
        run.finished_at, run.summary = now_wita(), summary


@flow(name="kopi-intake", task_runner=ThreadPoolTaskRunner(max_workers=WORKERS), validate_parameters=True)
def intake(inbox: str) -> dict[str, Any]:
    """Read every photo and PDF in `inbox` into routed records; returns the batch summary."""
    folder = Path(inbox).expanduser().resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"folder kotak masuk tidak ditemukan: {folder}")
    files = inbox_files(folder)
    run_id = _start_run(folder)
    get_run_logger().info("%d berkas di %s", len(files), folder)
    futures = [process_file.submit(path, run_id) for path in files]
    results = []
    for path, future in zip(files, futures):
        try:
            results.append(future.result())
        except Exception as error:  # noqa: BLE001 - recorded, and the batch goes on
            results.append(record_crash(path, run_id, error))
    summary = summarize(results)
    _finish_run(run_id, summary)
    get_run_logger().info("selesai: %s", summary)
    return summary


def run_intake(inbox: str) -> dict[str, Any]:
    """The intake flow as the CLI runs it: the reading data loads while Prefect starts."""
    runtime.warm_up_in_background()
    return intake(inbox)
