"""Saving intake results: atomic per file, idempotent, duplicates by serial, one queue item per
record and target even when two intakes save at the same time."""

from __future__ import annotations

import pytest

import threading

from sqlalchemy import func, select

from pipeline.geometry import Box
from pipeline.record import FieldValue, FormRecord, Identity, Route, RouteKind, SourceRef, Status
from pipeline.settings import Settings
from pipeline.store.db import open_store
from pipeline.store.models import Document, QueueItem, Record
from pipeline.store.records import FileOutcome, PageOutcome, save_file_outcome


@pytest.fixture()
def settings(kopi_home, database_url) -> Settings:
    return Settings(home=kopi_home, database_url=database_url)


SAME = {"pelapor_nama": "Siti Aminah", "lokasi_kejadian": "Jembatan Handil Bakti",
        "uraian": "Jembatan kayu rusak sejak banjir bulan lalu.", "tanggal_pengaduan": "2026-11-20"}


def outcome(sha: str, serial: int, status: Status = Status.ROUTED, values: dict[str, str] = SAME) -> FileOutcome:
    source = SourceRef(sha256=sha, filename=f"{sha[:4]}.jpg", media_type="image/jpeg", page=1, pages=1)
    fields = tuple(FieldValue(name=name, type="date" if name.startswith("tanggal") else "text", value=value,
                              raw=value, confidence=0.95, box=Box(x=10, y=10, w=50, h=8))
                   for name, value in values.items())
    record = FormRecord(source=source, status=status, fields=fields,
                        identity=Identity(form_id="KIM-02", version=1, serial=serial),
                        routes=(Route(target="PUPR", kind=RouteKind.PRIMARY, rule="r", why="w"),
                                Route(target="BUPATI", kind=RouteKind.COPY, rule="r", why="w")))
    return FileOutcome(sha, source.filename, "image/jpeg", 10, (PageOutcome(record, None),))


def counts(store) -> tuple[int, int, int]:
    with store.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Document, Record, QueueItem))


def test_the_same_file_twice_is_saved_once(settings):
    store = open_store(settings)
    assert save_file_outcome(store, outcome("a" * 64, 1)) == "saved"
    assert save_file_outcome(store, outcome("a" * 64, 1)) == "known"
    assert counts(store) == (1, 1, 2)


def test_the_same_serial_in_another_file_is_a_duplicate_without_queue_items(settings):
    store = open_store(settings)
    save_file_outcome(store, outcome("a" * 64, 7))
    save_file_outcome(store, outcome("b" * 64, 7))
    with store.session() as s:
        second = s.scalar(select(Record).where(Record.id == 2))
        assert second.status == "duplicate" and second.duplicate_of == 1
        assert "aaaa.jpg" in second.data["reasons"][-1]["message"]
    assert counts(store) == (2, 2, 2)


def test_the_same_serial_with_different_content_is_a_conflict_for_review(settings):
    store = open_store(settings)
    save_file_outcome(store, outcome("a" * 64, 8))
    other = {"pelapor_nama": "Ahmad Fauzi", "lokasi_kejadian": "Pasar Marabahan",
             "uraian": "Sampah menumpuk di depan pasar.", "tanggal_pengaduan": "2026-11-21"}
    save_file_outcome(store, outcome("b" * 64, 8, values=other))
    with store.session() as s:
        second = s.scalar(select(Record).where(Record.id == 2))
        assert second.status == "needs_review" and second.duplicate_of is None
        conflict = second.data["reasons"][-1]
        assert conflict["code"] == "serial_conflict" and "isi berbeda" in conflict["message"]
    assert counts(store) == (2, 2, 2)  # no queue items for the conflicting copy


def test_processes_opening_a_fresh_store_at_once_all_get_the_schema(settings):
    # Two intake runs (or a run and the web app) may be the first to open the database.
    errors, barrier = [], threading.Barrier(4)

    def first_open() -> None:
        barrier.wait()
        try:
            open_store(settings).close()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=first_open) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert counts(open_store(settings)) == (0, 0, 0)


def test_two_intakes_saving_at_once_leave_one_copy(settings):
    store = open_store(settings)
    results = []
    barrier = threading.Barrier(4)

    def save(sha: str) -> None:
        barrier.wait()
        results.append(save_file_outcome(store, outcome(sha, 42)))

    threads = [threading.Thread(target=save, args=(sha,)) for sha in ("c" * 64, "c" * 64, "d" * 64, "d" * 64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["known", "known", "saved", "saved"]
    with store.session() as s:
        statuses = sorted(s.scalars(select(Record.status)))
    assert statuses == ["duplicate", "routed"]  # same serial in two different files
    assert counts(store)[2] == 2


def test_a_record_in_review_gets_no_queue_items(settings):
    store = open_store(settings)
    save_file_outcome(store, outcome("e" * 64, 3, Status.NEEDS_REVIEW))
    assert counts(store) == (1, 1, 0)
