"""The life of a form in the store (SQLite and PostgreSQL): registration numbers, events,
queue items created once, SKPD actions, and a history nobody can rewrite."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from pipeline.record import FormRecord, Identity, Route, RouteKind, SourceRef, Status
from pipeline.route.lifecycle import IllegalTransition, ItemAction, RecordAction
from pipeline.settings import Settings
from pipeline.store.db import open_store
from pipeline.store.models import Event, QueueItem, Record
from pipeline.store.records import FileOutcome, PageOutcome, save_file_outcome
from pipeline.store.workflow import apply_item_action, apply_record_action, create_queue_items

ROUTES = (Route(target="PUPR", kind=RouteKind.PRIMARY, rule="r", why="kategori jalan"),
          Route(target="DISHUB", kind=RouteKind.PRIMARY, rule="r", why="kategori lampu"),
          Route(target="BUPATI", kind=RouteKind.COPY, rule="r", why="tembusan"))


@pytest.fixture()
def store(kopi_home, database_url):
    s = open_store(Settings(home=kopi_home, database_url=database_url))
    yield s
    s.close()


def save(store, sha: str, serial: int, status: Status) -> int:
    source = SourceRef(sha256=sha * 64, filename=f"{sha}.jpg", media_type="image/jpeg", page=1, pages=1)
    record = FormRecord(source=source, status=status, identity=Identity(form_id="KIM-02", version=1, serial=serial),
                        routes=ROUTES)
    save_file_outcome(store, FileOutcome(sha * 64, f"{sha}.jpg", "image/jpeg", 1, (PageOutcome(record, None),)))
    with store.session() as s:
        return s.scalar(select(Record.id).where(Record.serial == serial))


def items(store, record_id: int) -> dict[str, str]:
    with store.session() as s:
        return {i.target: i.state for i in s.scalars(select(QueueItem).where(QueueItem.record_id == record_id))}


def test_accepted_forms_get_registration_numbers_in_order(store):
    first, second = save(store, "a", 1, Status.ROUTED), save(store, "b", 2, Status.NEEDS_REVIEW)
    failed = save(store, "c", 3, Status.FAILED)
    with store.session() as s:
        numbers = [s.get(Record, i).tracking_number for i in (first, second, failed)]
    year = numbers[0].split("-")[1]
    assert numbers == [f"KOPI-{year}-000001", f"KOPI-{year}-000002", None]


def test_a_routed_form_is_queued_once_per_unit_with_its_history(store):
    record_id = save(store, "a", 1, Status.ROUTED)
    assert items(store, record_id) == {"PUPR": "routed", "DISHUB": "routed", "BUPATI": "routed"}
    with store.session() as s:
        row = s.get(Record, record_id)
        assert create_queue_items(s, row, ROUTES, "tes") == []  # applying routing again adds nothing
        actions = [e.action for e in s.scalars(select(Event).where(Event.record_id == record_id).order_by(Event.id))]
    assert actions == ["received", "route", "queued", "queued", "queued"]


def test_review_then_approve_queues_it_and_approving_twice_is_refused(store):
    record_id = save(store, "a", 1, Status.NEEDS_REVIEW)
    assert items(store, record_id) == {}
    with store.session() as s:
        apply_record_action(s, record_id, RecordAction.APPROVE, "Rina (Prokopim)", "nilai sudah dicek")
    assert set(items(store, record_id)) == {"PUPR", "DISHUB", "BUPATI"}
    with pytest.raises(IllegalTransition, match="tidak dapat"):
        with store.session() as s:
            apply_record_action(s, record_id, RecordAction.APPROVE, "Rina (Prokopim)")
    assert len(items(store, record_id)) == 3


def test_the_form_is_resolved_when_every_acting_unit_is(store):
    record_id = save(store, "a", 1, Status.ROUTED)
    with store.session() as s:
        ids = {i.target: i.id for i in s.scalars(select(QueueItem).where(QueueItem.record_id == record_id))}
    for unit in ("PUPR", "DISHUB"):
        with store.session() as s:
            apply_item_action(s, ids[unit], ItemAction.ACKNOWLEDGE, unit)
            apply_item_action(s, ids[unit], ItemAction.START, unit, "survei lokasi")
    with store.session() as s:
        apply_item_action(s, ids["PUPR"], ItemAction.RESOLVE, "PUPR", "jalan sudah ditambal")
        assert s.get(Record, record_id).status == "routed"  # DISHUB still working
        apply_item_action(s, ids["DISHUB"], ItemAction.RESOLVE, "DISHUB", "lampu diganti")
        row = s.get(Record, record_id)
        assert row.status == "resolved" and row.data["status"] == "resolved"
        item = s.get(QueueItem, ids["DISHUB"])
        assert item.acknowledged_at and item.started_at and item.resolved_at and item.note == "lampu diganti"


def test_a_unit_that_refuses_sends_the_form_back_to_review(store):
    record_id = save(store, "a", 1, Status.ROUTED)
    with store.session() as s:
        pupr = s.scalar(select(QueueItem.id).where(QueueItem.record_id == record_id, QueueItem.target == "PUPR"))
        apply_item_action(s, pupr, ItemAction.REJECT, "PUPR", "ini jalan nasional, wewenang BPJN")
        assert s.get(Record, record_id).status == "needs_review"


def refused_by_pupr(store) -> tuple[int, dict[str, int]]:  # noqa: ANN001
    """A routed form PUPR has refused: its id and its queue items' ids by unit."""
    record_id = save(store, "a", 1, Status.ROUTED)
    with store.session() as s:
        ids = {i.target: i.id for i in s.scalars(select(QueueItem).where(QueueItem.record_id == record_id))}
        apply_item_action(s, ids["PUPR"], ItemAction.REJECT, "PUPR", "wewenang BPJN")
    return record_id, ids


def test_a_form_rerouted_after_a_refusal_is_resolved_by_the_units_that_act(store):
    record_id, ids = refused_by_pupr(store)
    with store.session() as s:  # the reviewer sends it on again, to the same units
        apply_record_action(s, record_id, RecordAction.APPROVE, "rina", "tetap wewenang PUPR")
    assert items(store, record_id)["PUPR"] == "routed"  # back in PUPR's queue, not stuck as refused
    for unit in ("DISHUB", "PUPR"):
        with store.session() as s:
            apply_item_action(s, ids[unit], ItemAction.ACKNOWLEDGE, unit)
            apply_item_action(s, ids[unit], ItemAction.RESOLVE, unit, "selesai")
    with store.session() as s:
        assert s.get(Record, record_id).status == "resolved"


def test_a_unit_that_refused_and_was_not_sent_the_form_again_does_not_hold_it_open(store):
    record_id, ids = refused_by_pupr(store)
    with store.session() as s:  # a reviewer re-routes it without PUPR (as settle stores new routes)
        row = s.get(Record, record_id)
        row.data = {**row.data, "routes": [r for r in row.data["routes"] if r["target"] != "PUPR"]}
        apply_record_action(s, record_id, RecordAction.APPROVE, "rina", "bukan PUPR")
    assert items(store, record_id)["PUPR"] == "rejected"
    with store.session() as s:
        apply_item_action(s, ids["DISHUB"], ItemAction.ACKNOWLEDGE, "DISHUB")
        apply_item_action(s, ids["DISHUB"], ItemAction.RESOLVE, "DISHUB", "lampu diganti")
        assert s.get(Record, record_id).status == "resolved"


def test_a_routed_form_returned_to_the_village_leaves_the_units_queues_until_routed_again(store):
    record_id = save(store, "a", 1, Status.ROUTED)
    with store.session() as s:
        pupr = s.scalar(select(QueueItem.id).where(QueueItem.record_id == record_id, QueueItem.target == "PUPR"))
        apply_item_action(s, pupr, ItemAction.ACKNOWLEDGE, "PUPR")
    with store.session() as s:
        apply_record_action(s, record_id, RecordAction.RETURN, "rina", "foto buram")
    assert set(items(store, record_id).values()) == {"withdrawn"}  # nobody works on a returned form
    with store.session() as s:
        with pytest.raises(IllegalTransition):
            apply_item_action(s, pupr, ItemAction.RESOLVE, "PUPR", "selesai")
    with store.session() as s:  # the village sends a better photo; the reviewer routes it again
        apply_record_action(s, record_id, RecordAction.REOPEN, "rina")
        apply_record_action(s, record_id, RecordAction.APPROVE, "rina")
    assert set(items(store, record_id).values()) == {"routed"}


def test_history_cannot_be_changed_or_removed(store):
    record_id = save(store, "a", 1, Status.ROUTED)
    for statement in ("UPDATE events SET actor = 'siapa' WHERE record_id = :r",
                      "DELETE FROM events WHERE record_id = :r"):
        with pytest.raises(DBAPIError, match="append-only"):
            with store.session() as s:
                s.execute(text(statement), {"r": record_id})
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 5


def test_two_reviewers_acting_on_one_form_at_once_cannot_both_succeed(store):
    from pipeline.store.workflow import ChangedMeanwhile

    record_id = save(store, "a", 1, Status.NEEDS_REVIEW)
    first = store.unit_of_work()
    stale = first.get(Record, record_id)
    assert stale.status == "needs_review"  # the first reviewer has the form open
    with store.session() as s:  # the second approves it meanwhile
        apply_record_action(s, record_id, RecordAction.APPROVE, "Budi")
    with pytest.raises(ChangedMeanwhile, match="petugas lain"):
        apply_record_action(first, record_id, RecordAction.RETURN, "Rina", "foto buram")
    first.rollback()
    first.close()
    with store.session() as s:
        assert s.get(Record, record_id).status == "routed"
        actions = [e.action for e in s.scalars(select(Event).where(Event.record_id == record_id))]
    assert actions.count("approve") == 1 and "return" not in actions
