"""Request dependencies: the store session, the signed-in user and the role checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from flows import runtime
from pipeline.pages import Context
from pipeline.record import now_wita
from pipeline.store.models import User
from starlette.datastructures import FormData

from web.security import SESSION_HOURS, CurrentUser, check_csrf


class LoginRequired(Exception):
    """Not signed in (or the session ran out): go to the sign-in page."""


def db(request: Request) -> Iterator[Session]:
    """The request's session. Handlers that change something commit explicitly; whatever is not
    committed when the request ends is rolled back."""
    session = runtime.store().unit_of_work()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def context() -> Context:
    return runtime.reading_context()


def current_user(request: Request, session: Session = Depends(db)) -> CurrentUser:
    user_id, since = request.session.get("user"), request.session.get("since")
    if not user_id or not since:
        raise LoginRequired()
    if now_wita() - datetime.fromisoformat(since) > timedelta(hours=SESSION_HOURS):
        request.session.clear()
        raise LoginRequired()
    user = session.get(User, user_id)
    if user is None or not user.active:
        request.session.clear()
        raise LoginRequired()
    return CurrentUser(user.id, user.username, user.display_name, user.role, user.unit_code)


async def posted_form(request: Request) -> FormData:
    """The submitted form, once its CSRF token has been checked."""
    form = await request.form()
    check_csrf(request, form.get("csrf"))
    return form


def text(form: FormData, key: str, limit: int = 1000) -> str:
    """A submitted text with its whitespace tidied and its length bounded."""
    return " ".join(str(form.get(key, "")).split())[:limit]


def reviewer(user: CurrentUser = Depends(current_user)) -> CurrentUser:
    if not user.reviews:
        raise HTTPException(403, "Halaman ini hanya untuk petugas pemeriksa Prokopim.")
    return user
