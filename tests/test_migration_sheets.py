"""Migration 0006 on a store that already holds records, through the same path kopi opens a
store by (foreign keys on): every record and what hangs off it survives, its page becomes sheet
1, and a second sheet of the same page can then be stored beside the first, on both databases."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pipeline.store.db import alembic_config, make_engine, migrate


def _upgrade_to(engine, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _count(conn, table: str) -> int:
    return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_a_store_with_records_keeps_them_through_the_sheets_migration(database_url):
    engine = make_engine(database_url)
    _upgrade_to(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO documents (id, sha256, filename, size_bytes, pages, received_at, status) "
                          "VALUES (1, :sha, 'a.jpg', 10, 1, '2026-11-30 09:00:00+08:00', 'processed')"),
                     {"sha": "a" * 64})
        conn.execute(text("INSERT INTO pages (id, document_id, page_no) VALUES (1, 1, 1)"))
        conn.execute(text("INSERT INTO records (id, page_id, status, received_at, updated_at, data) VALUES "
                          "(1, 1, 'needs_review', '2026-11-30 09:00:00+08:00', '2026-11-30 09:00:00+08:00', '{}')"))
        conn.execute(text("INSERT INTO reasons (record_id, code, message, kind) "
                          "VALUES (1, 'field_missing', 'Isian kosong.', 'review')"))
    migrate(engine)
    with engine.begin() as conn:
        assert (_count(conn, "records"), _count(conn, "reasons")) == (1, 1)
        assert conn.execute(text("SELECT sheet_no FROM pages WHERE id = 1")).scalar_one() == 1
        conn.execute(text("INSERT INTO pages (id, document_id, page_no, sheet_no) VALUES (2, 1, 1, 2)"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO pages (id, document_id, page_no, sheet_no) VALUES (3, 1, 1, 2)"))
    if engine.dialect.name == "sqlite":  # the store's own connections still enforce foreign keys
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("INSERT INTO pages (id, document_id, page_no, sheet_no) VALUES (4, 99, 1, 1)"))
    engine.dispose()


def test_the_sheets_migration_can_be_undone_while_no_page_holds_two_forms(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO documents (id, sha256, filename, size_bytes, pages, received_at, status) "
                          "VALUES (1, :sha, 'a.jpg', 10, 1, '2026-11-30 09:00:00+08:00', 'processed')"),
                     {"sha": "b" * 64})
        conn.execute(text("INSERT INTO pages (id, document_id, page_no) VALUES (1, 1, 1)"))
    with pytest.raises(IntegrityError), engine.begin() as conn:  # one row per page again
        conn.execute(text("INSERT INTO pages (id, document_id, page_no) VALUES (2, 1, 1)"))
    engine.dispose()
