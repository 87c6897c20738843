"""Process-wide set-up shared by the flows: Prefect's environment, the store, the reading context."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

from pipeline.forms.registry import default_templates
from pipeline.gazetteer import default_gazetteer
from pipeline.pages import Context
from pipeline.route.config import load_routing
from pipeline.settings import Settings, load_settings
from pipeline.store.blobs import BlobStore
from pipeline.store.db import Store, open_store


def configure_prefect(settings: Settings | None = None) -> None:
    """Environment for Prefect, set before it is imported; explicit user settings win."""
    settings = settings or load_settings()
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home),
        # Offline villages and CI: no telemetry calls that time out.
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        # A fresh ephemeral server migrates its database in ~10 s of the default 20 s budget.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        # Tesseract threads itself with OpenMP unless told not to: 5x slower per page here.
        "OMP_THREAD_LIMIT": "1",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    settings.prefect_home.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=4)
def _store(url: str, home: str) -> Store:
    return open_store(Settings(home=Path(home), database_url=url))


def store() -> Store:
    """The store for the current settings, migrated once per process."""
    settings = load_settings()
    return _store(settings.database_url, str(settings.home))


def blobs() -> BlobStore:
    return BlobStore(load_settings().blob_dir)


def reading_context() -> Context:
    """Templates, gazetteer and the routing configuration in force (staff's copy under
    KOPI_HOME/config/routing when there is one), loaded once per configuration."""
    return _context(str(load_settings().routing_dir or ""))


def forget_context() -> None:
    """Reload templates and routing on next use (after the admin replaced the routing files)."""
    _context.cache_clear()


@lru_cache(maxsize=4)
def _context(routing_dir: str) -> Context:
    templates = default_templates()
    return Context(templates, default_gazetteer(), load_routing(templates, Path(routing_dir) if routing_dir else None))


def warm_up() -> None:
    """Load what every page needs once per process (the complaint classifier is fitted from its
    CSV in ~0.6 s, the blank forms' print masks take ~0.25 s, the store ~0.2 s), so the first
    pages do not each pay it."""
    from pipeline.extract import category
    from pipeline.extract.confidence import lexicon, models
    from pipeline.extract.plausible import zipf
    from pipeline.ocr.blank import printed_mask
    from pipeline.ocr.digits import network
    from pipeline.ocr.tesseract import probe

    ctx = reading_context()
    for form_id in ctx.templates.form_ids:
        printed_mask(ctx.templates.get(form_id), ctx.px_per_mm)
    category.model()
    category.keyword_lists()
    lexicon(), zipf(), models(), network()
    probe()
    store()


def warm_up_in_background() -> threading.Thread:
    """`warm_up` in a thread: started before a flow, it runs while Prefect's temporary server
    boots (~4 s in which this process only waits). A failure here is left for the page that
    needs the same thing to report."""
    def run() -> None:
        try:
            warm_up()
        except Exception:  # noqa: BLE001, S110 - the first page meets the same error and records it
            pass

    thread = threading.Thread(target=run, name="kopi-warm-up", daemon=True)
    thread.start()
    return thread
