"""A throw-away PostgreSQL server for the tests: its own cluster in a temporary folder, on a Unix
socket only, started with Debian's server binaries (package postgresql) and stopped afterwards."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


def _binaries() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found; run scripts/bootstrap.sh "
                           "(it installs the Debian package postgresql)")
    return os.path.dirname(found[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Yields a SQLAlchemy URL of an empty database on a fresh server."""
    bin_dir = _binaries()
    root = tempfile.mkdtemp(prefix="kopi-pg-")
    data, sock = os.path.join(root, "data"), os.path.join(root, "sock")
    os.makedirs(sock)
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        account = pwd.getpwnam("postgres")
        for path in (root, sock):
            os.chown(path, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    run(f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "kopi", "--no-sync", "-E", "UTF8")
    run(f"{bin_dir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(root, "log"), "-o",
        f"-p {port} -k {sock} -c listen_addresses='' -c fsync=off", "start")
    try:
        run(f"{bin_dir}/createdb", "-h", sock, "-p", str(port), "-U", "kopi", "kopi_test")
        yield f"postgresql+psycopg://kopi@/kopi_test?host={sock}&port={port}"
    finally:
        subprocess.run([*as_user, f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
