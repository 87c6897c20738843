"""Accounts, sessions, CSRF and sign-in throttling for the review desk.

- Passwords: argon2id hashes (argon2-cffi); no default password exists anywhere.
- Sessions: Starlette's signed cookie (HttpOnly, SameSite=Strict, Secure when KOPI_HTTPS=1),
  holding the user id, a CSRF token and the sign-in time; eight hours, then sign in again.
- CSRF: every form carries the session's token; every POST without the right one is refused.
- Throttling: after 5 failed sign-ins for a name, or 20 from one address (an office shares one
  address behind its router), within 15 minutes, further attempts are refused for that window.
  Behind an HTTPS proxy the address is the visitor's only when KOPI_TRUSTED_PROXIES names it.
"""

from __future__ import annotations

import hmac
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.errors import KopiError
from pipeline.record import now_wita
from pipeline.store.models import LoginAttempt, User

ROLES = ("reviewer", "skpd", "admin")
SESSION_HOURS = 8
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)
_hasher = PasswordHasher()


class AccountError(KopiError):
    """An account cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    role: str
    unit_code: str | None

    @property
    def reviews(self) -> bool:
        return self.role in ("reviewer", "admin")


def secret_key(home: Path) -> str:
    """KOPI_SECRET_KEY, or a random key kept (owner-readable only) under KOPI_HOME."""
    if os.environ.get("KOPI_SECRET_KEY"):
        return os.environ["KOPI_SECRET_KEY"]
    path = home / "secret_key"
    if not path.exists():
        # Written owner-only from the first byte (mkstemp), and linked into place atomically:
        # two processes starting at once agree on the first key instead of each keeping its own.
        home.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=home, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(session: Session, username: str, password: str, role: str, display_name: str | None = None,
                unit_code: str | None = None, units: set[str] | None = None) -> User:
    username = username.strip().lower()
    if role not in ROLES:
        raise AccountError(f"peran {role} tidak dikenal; pilih {', '.join(ROLES)}")
    if role == "skpd" and (not unit_code or (units is not None and unit_code not in units)):
        raise AccountError("pengguna SKPD memerlukan kode SKPD yang ada di daftar (--skpd)")
    _check_password(password)
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError(f"nama pengguna {username} sudah dipakai")
    user = User(username=username, display_name=display_name or username, password_hash=hash_password(password),
                role=role, unit_code=unit_code if role == "skpd" else None, active=True, created_at=now_wita())
    session.add(user)
    session.flush()
    return user


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise AccountError("kata sandi minimal 10 karakter")


def set_password(user: User, password: str) -> None:
    _check_password(password)
    user.password_hash = hash_password(password)


def _throttled(session: Session, username: str, address: str) -> bool:
    since = now_wita() - FAILURE_WINDOW
    by_name = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == username, LoginAttempt.success.is_(False), LoginAttempt.at >= since))
    by_address = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.address == address, LoginAttempt.success.is_(False), LoginAttempt.at >= since))
    return (by_name or 0) >= MAX_FAILURES or (by_address or 0) >= MAX_FAILURES_PER_ADDRESS


def authenticate(session: Session, username: str, password: str, address: str) -> User | None:
    """The user, or None; raises HTTP 429 when this name or address is being throttled."""
    username = username.strip().lower()[:64]
    if _throttled(session, username, address):
        raise HTTPException(429, "Terlalu banyak percobaan masuk yang gagal. Coba lagi 15 menit lagi.")
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    ok = False
    if user is not None:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # same work either way: the timing does not tell who exists
    session.add(LoginAttempt(username=username, address=address, at=now_wita(), success=ok))
    return user if ok else None


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise HTTPException(403, "Permintaan ditolak: token keamanan formulir tidak ada atau tidak cocok. "
                                 "Muat ulang halaman lalu coba lagi.")
