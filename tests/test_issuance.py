"""Serial numbers printed per form and village, in real SQLite and PostgreSQL stores with the migrations applied."""

from __future__ import annotations

import pytest

from pipeline.settings import Settings
from pipeline.store.db import open_store
from pipeline.store.issuance import IssuanceConflict, issue_serials, issued_village

ANJIR = "63.04.04.2002"


@pytest.fixture()
def settings(kopi_home, database_url) -> Settings:
    return Settings(home=kopi_home, database_url=database_url)


@pytest.fixture()
def store(settings):
    s = open_store(settings)
    yield s
    s.close()


def test_serials_are_allocated_consecutively_per_form(store):
    with store.session() as s:
        first = issue_serials(s, "KIM-02", 1, 10, None)
        second = issue_serials(s, "KIM-02", 1, 5, ANJIR)
        other_form = issue_serials(s, "KIM-01", 1, 3, None)
    assert (first.first, first.last) == (1, 10)
    assert (second.first, second.last) == (11, 15)
    assert (other_form.first, other_form.last) == (1, 3)


def test_a_village_form_is_known_by_its_serial(store):
    with store.session() as s:
        issue_serials(s, "KIM-01", 1, 20, ANJIR, first=500)
    with store.session() as s:
        assert issued_village(s, "KIM-01", 510) == ANJIR
        assert issued_village(s, "KIM-01", 520) is None
        assert issued_village(s, "KIM-02", 510) is None


def test_reprinting_for_the_same_village_is_allowed_and_recorded_once(store):
    with store.session() as s:
        issue_serials(s, "KIM-02", 1, 10, ANJIR, first=1)
    with store.session() as s:
        again = issue_serials(s, "KIM-02", 1, 3, ANJIR, first=4)
        assert (again.first, again.last) == (4, 6)
    with store.session() as s:
        assert issue_serials(s, "KIM-02", 1, 1, None).first == 11


def test_serials_of_another_village_are_refused(store):
    with store.session() as s:
        issue_serials(s, "KIM-02", 1, 10, ANJIR, first=1)
    with pytest.raises(IssuanceConflict, match="sudah dicetak"):
        with store.session() as s:
            issue_serials(s, "KIM-02", 1, 5, "63.04.01.2001", first=8)


def test_migrations_are_idempotent(settings):
    for _ in range(2):
        open_store(settings).close()
