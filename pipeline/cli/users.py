"""`kopi users` and `kopi serve`: review desk accounts and the web server."""

from __future__ import annotations

import secrets
import sys

import typer
from rich.table import Table

from pipeline.cli.common import app, console, fail, group

users_app = group("users", "Akun Meja Periksa (web).")
ROLE_HELP = "reviewer (pemeriksa Prokopim), skpd (petugas SKPD), admin"


def _read_password(generate: bool) -> str:
    if generate:
        return secrets.token_urlsafe(12)
    if not sys.stdin.isatty():  # scripts pipe it in; never on the command line (it would show in `ps`)
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="nama pengguna (huruf kecil)"),
    role: str = typer.Option(..., "--peran", help=ROLE_HELP),
    skpd: str | None = typer.Option(None, "--skpd", help="kode SKPD untuk peran skpd, mis. PUPR"),
    name: str | None = typer.Option(None, "--nama", help="nama lengkap yang tampil di riwayat"),
    generate: bool = typer.Option(False, "--acak", help="buat kata sandi acak dan tampilkan sekali"),
) -> None:
    """Buat akun. Kata sandi diminta (atau dibaca dari stdin); tidak ada kata sandi bawaan."""
    from flows import runtime
    from web.security import AccountError, create_user

    password = _read_password(generate)
    units = set(runtime.reading_context().routing.units)
    with runtime.store().session() as session:
        try:
            user = create_user(session, username, password, role, name, skpd.upper() if skpd else None, units)
        except AccountError as exc:
            raise fail(str(exc)) from None
        created = user.username
    console.print(f"Akun [bold]{created}[/] ({role}{' ' + skpd.upper() if skpd else ''}) dibuat.")
    if generate:
        console.print(f"Kata sandi: [bold]{password}[/]  (simpan sekarang; tidak akan ditampilkan lagi)")


@users_app.command("list")
def users_list() -> None:
    """Daftar akun."""
    from sqlalchemy import select

    from flows import runtime
    from pipeline.store.models import User

    table = Table("Nama pengguna", "Nama", "Peran", "SKPD", "Aktif")
    with runtime.store().session() as session:
        for u in session.scalars(select(User).order_by(User.role, User.username)):
            table.add_row(u.username, u.display_name, u.role, u.unit_code or "", "ya" if u.active else "tidak")
    console.print(table)


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Nonaktifkan akun (riwayatnya tetap ada)."""
    from sqlalchemy import select

    from flows import runtime
    from pipeline.store.models import User

    with runtime.store().session() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise fail(f"akun {username} tidak ada")
        user.active = False
    console.print(f"Akun {username} dinonaktifkan.")


@users_app.command("password")
def users_password(username: str, generate: bool = typer.Option(False, "--acak", help="kata sandi acak, ditampilkan sekali")) -> None:
    """Ganti kata sandi akun."""
    from sqlalchemy import select

    from flows import runtime
    from pipeline.store.models import User
    from web.security import AccountError, set_password

    password = _read_password(generate)
    with runtime.store().session() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise fail(f"akun {username} tidak ada")
        try:
            set_password(user, password)
        except AccountError as exc:
            raise fail(str(exc)) from None
    console.print(f"Kata sandi {username} diganti." + (f" Kata sandi: [bold]{password}[/]" if generate else ""))


@users_app.command("demo")
def users_demo() -> None:
    """Akun percobaan untuk `make serve`: pemeriksa, admin, dan petugas SKPD dengan antrean terbanyak,
    masing-masing dengan kata sandi acak baru (ditampilkan sekali)."""
    from sqlalchemy import func, select

    from flows import runtime
    from pipeline.store.models import QueueItem, User
    from web.security import create_user, set_password

    units = runtime.reading_context().routing.units
    with runtime.store().session() as session:
        busiest = session.execute(select(QueueItem.target, func.count()).where(QueueItem.kind == "primary")
                                  .group_by(QueueItem.target).order_by(func.count().desc())).first()
        unit = busiest[0] if busiest else next(iter(units))
        wanted = [("demo-pemeriksa", "reviewer", None, "Pemeriksa Demo"), ("demo-admin", "admin", None, "Admin Demo"),
                  (f"demo-{unit.lower()}", "skpd", unit, f"Petugas {units[unit].short}")]
        table = Table("Nama pengguna", "Peran", "Kata sandi", title="Akun percobaan (kata sandi baru setiap kali)")
        for username, role, code, name in wanted:
            password = secrets.token_urlsafe(12)
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                create_user(session, username, password, role, name, code, set(units))
            else:
                set_password(user, password)
                user.active = True
            table.add_row(username, role + (f" {code}" if code else ""), password)
    console.print(table)


@app.command("serve")
def serve(host: str = typer.Option("127.0.0.1", help="alamat; 0.0.0.0 untuk jaringan kantor"),
          port: int = typer.Option(8000, help="port"),
          proxy: str = typer.Option("", help="alamat proxy HTTPS yang dipercaya (dipisah koma), "
                                               "mis. 127.0.0.1: alamat pengunjung diambil dari X-Forwarded-For")) -> None:
    """Jalankan Meja Periksa (web) di http://HOST:PORT."""
    import os

    import uvicorn

    from web.app import create_app

    if proxy:
        os.environ["KOPI_TRUSTED_PROXIES"] = proxy

    console.print(f"Meja Periksa berjalan di http://{host}:{port}  (Ctrl+C untuk berhenti)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning", proxy_headers=False)
