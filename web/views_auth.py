"""Signing in and out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from pipeline.record import now_wita
from web.deps import current_user, db
from web.security import CurrentUser, authenticate, check_csrf, csrf_token

router = APIRouter()


def _home_for(role: str) -> str:
    return "/antrean" if role == "skpd" else "/pemeriksaan"


def _safe_next(target: str | None, role: str) -> str:
    # Only a path on this site: never an address elsewhere (an open redirect).
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and target != "/masuk":
        return target
    return _home_for(role)


@router.get("/", include_in_schema=False)
def home(user: CurrentUser = Depends(current_user)) -> RedirectResponse:
    return RedirectResponse(_home_for(user.role), status_code=303)


@router.get("/masuk", response_class=HTMLResponse)
def login_page(request: Request, lanjut: str | None = None) -> HTMLResponse:
    from web.app import TEMPLATES

    return TEMPLATES.TemplateResponse(request, "login.html", {
        "csrf": csrf_token(request), "lanjut": lanjut or "", "error": None, "user": None})


@router.post("/masuk", response_class=HTMLResponse)
def login(request: Request, username: str = Form(""), password: str = Form(""), csrf: str = Form(""),
          lanjut: str = Form(""), session: Session = Depends(db)):  # noqa: ANN201
    from web.app import TEMPLATES

    check_csrf(request, csrf)
    address = request.client.host if request.client else "?"
    user = authenticate(session, username, password, address)
    session.commit()  # the attempt counts, whether it succeeded or not
    if user is None:
        return TEMPLATES.TemplateResponse(request, "login.html", {
            "csrf": csrf_token(request), "lanjut": lanjut, "user": None,
            "error": "Nama pengguna atau kata sandi salah."}, status_code=401)
    request.session.clear()  # a fresh session on sign-in: no fixation
    request.session.update({"user": user.id, "since": now_wita().isoformat()})
    csrf_token(request)
    return RedirectResponse(_safe_next(lanjut, user.role), status_code=303)


@router.post("/keluar")
def logout(request: Request, csrf: str = Form("")) -> RedirectResponse:
    check_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse("/masuk", status_code=303)
