"""`kopi`: the command line for Prokopimda operators. A thin shell over the flows and the store;
messages are in Indonesian, as staff read them. One module per command group."""

from __future__ import annotations

from pipeline.cli import forms, intake, outputs, queue, records, routes, samples, users  # noqa: F401 - registers the commands
from pipeline.cli.common import app, err
from pipeline.errors import ConfigError, KopiError

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        err.print(f"[bold red]Konfigurasi tidak valid:[/]\n{exc}")
        raise SystemExit(2) from None
    except KopiError as exc:
        err.print(f"[bold red]Gagal:[/] {exc}")
        raise SystemExit(1) from None
