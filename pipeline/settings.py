"""Where kopi keeps its state, from the environment.

KOPI_HOME     folder for the database, the blob store and Prefect's own state (default ./var)
DATABASE_URL  SQLAlchemy URL; default SQLite in KOPI_HOME, e.g. postgresql+psycopg://... for a province
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str

    @property
    def blob_dir(self) -> Path:
        return self.home / "blobs"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"

    @property
    def output_dir(self) -> Path:
        return self.home / "keluaran"

    @property
    def routing_dir(self) -> Path | None:
        """Staff's own routing configuration (`kopi routes init` puts a copy there), when present;
        None means the built-in defaults."""
        path = self.home / "config" / "routing"
        return path if (path / "rules.yaml").exists() else None


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    home = Path(env.get("KOPI_HOME") or "var").expanduser().resolve()
    url = env.get("DATABASE_URL") or f"sqlite:///{home / 'kopi.db'}"
    return Settings(home=home, database_url=url)
