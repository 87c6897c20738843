"""Engine, sessions and migrations. SQLite (WAL, foreign keys, a busy timeout so two intake runs
can share the file) by default; any SQLAlchemy URL, e.g. PostgreSQL, through DATABASE_URL."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from pipeline.settings import Settings


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API types)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("pipeline.store") / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# Any constant shared by every kopi process; PostgreSQL advisory locks are keyed by a bigint.
_MIGRATION_LOCK_KEY = 0x6B6F7069


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Two processes opening a fresh store at once (two intake runs, a run and the web app) must
    not both create the tables. SQLite's DDL runs outside a transaction under pysqlite, so a
    file lock beside the database serialises the upgrade; PostgreSQL takes an advisory lock."""
    database = engine.url.database or ""
    if engine.dialect.name != "sqlite" or database in ("", ":memory:"):
        yield
        return
    with open(f"{database}.migrate-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent, safe to run concurrently)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with _migration_lock(engine), engine.connect() as connection:
        if sqlite:
            # SQLite changes a table by copying it and dropping the old one, and with foreign keys
            # on, dropping `pages` would delete every record through ON DELETE CASCADE. The pragma
            # only takes effect outside a transaction, so it is set before the migration's.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left rows pointing nowhere: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


class Store:
    """The database of one kopi installation."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> Store:
        migrate(self.engine)
        return self

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back when it raises."""
        with self._sessions() as session, session.begin():
            yield session

    def unit_of_work(self) -> Session:
        """A session the caller commits itself (the web app: commit before the redirect that shows
        the change, roll back on a refused correction and still render the page)."""
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()


def open_store(settings: Settings) -> Store:
    settings.home.mkdir(parents=True, exist_ok=True)
    return Store(settings).migrate()
