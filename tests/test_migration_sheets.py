"""Migration 0006 on a store that already holds pages: they become sheet 1 of their page, and a
second sheet of the same page can then be stored beside the first, on both databases."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from pipeline.store.db import alembic_config


def _at(url: str, revision: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def test_pages_stored_before_sheets_become_sheet_one(database_url):
    _at(database_url, "0005")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO documents (id, sha256, filename, size_bytes, pages, received_at, status) "
                          "VALUES (1, :sha, 'a.jpg', 10, 1, '2026-11-30 09:00:00+08:00', 'processed')"),
                     {"sha": "a" * 64})
        conn.execute(text("INSERT INTO pages (id, document_id, page_no) VALUES (1, 1, 1)"))
    engine.dispose()
    _at(database_url, "head")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT sheet_no FROM pages WHERE id = 1")).scalar_one() == 1
        conn.execute(text("INSERT INTO pages (id, document_id, page_no, sheet_no) VALUES (2, 1, 1, 2)"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO pages (id, document_id, page_no, sheet_no) VALUES (3, 1, 1, 2)"))
    engine.dispose()
