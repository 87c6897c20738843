"""The review desk: a small server-rendered web app (FastAPI + Jinja2, a few lines of JavaScript)
where Prokopimda reviewers clear exceptions and SKPD staff work their queues. Indonesian
throughout; every page checks the role and, for SKPD staff, the unit, on the server."""

from __future__ import annotations

import os
from importlib import resources
from datetime import datetime
from pathlib import Path

from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from pipeline.record import WITA
from pipeline.settings import Settings, load_settings
from web import security
from web.deps import LoginRequired

TEMPLATES = Jinja2Templates(directory=str(resources.files("web") / "templates"))


def _wita(moment: datetime | None, fmt: str = "%d-%m-%Y %H.%M") -> str:
    """Every time staff read is WITA, whatever zone the database handed back."""
    return moment.astimezone(WITA).strftime(fmt) if moment else "-"


TEMPLATES.env.filters["wita"] = _wita
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'",
}


ERROR_TITLES = {400: "Permintaan tidak valid", 403: "Tidak diizinkan", 404: "Tidak ditemukan",
                405: "Tidak diizinkan", 409: "Sudah berubah", 429: "Terlalu banyak percobaan"}
# Errors raised by the framework itself carry English text; staff read these instead.
DEFAULT_MESSAGES = {400: "Alamat atau isian tidak sesuai.", 404: "Halaman tidak ditemukan.",
                    405: "Tindakan ini tidak tersedia di halaman ini."}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    app = FastAPI(title="Meja Periksa KIM PRODUK KOPI", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    https = os.environ.get("KOPI_HTTPS") == "1"
    app.add_middleware(SessionMiddleware, secret_key=security.secret_key(settings.home), session_cookie="kopi_sesi",
                       max_age=security.SESSION_HOURS * 3600, same_site="strict", https_only=https)
    proxies = [p.strip() for p in os.environ.get("KOPI_TRUSTED_PROXIES", "").split(",") if p.strip()]
    if proxies:
        # Behind an HTTPS proxy every visitor arrives from the proxy's address, and sign-in
        # throttling per address would lock the whole office out at once: take the visitor's
        # address from X-Forwarded-For, but only when the proxy itself is the one sending it.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)

    @app.middleware("http")
    async def headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response: Response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
        # Back to the page after signing in; a form posted with an expired session cannot be
        # replayed, so that goes to the start page instead.
        if request.method != "GET":
            return RedirectResponse("/masuk", status_code=303)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/masuk?lanjut={quote(target, safe='/')}", status_code=303)

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, "error.html", {
            "title": ERROR_TITLES.get(status, "Terjadi kesalahan"), "message": message, "user": None},
            status_code=status)

    # Starlette's exception is the base of FastAPI's: unknown pages and wrong methods come here too.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        ours = isinstance(exc, HTTPException)  # raised by kopi's views, with an Indonesian message
        message = exc.detail if ours else DEFAULT_MESSAGES.get(exc.status_code, "Terjadi kesalahan.")
        return error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        return error_page(request, 400, DEFAULT_MESSAGES[400])

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> HTMLResponse:
        return error_page(request, 500, "Terjadi kesalahan di server; coba lagi, atau hubungi admin bila berulang.")

    from web import views_admin, views_auth, views_files, views_inbox, views_overview, views_review

    for module in (views_auth, views_review, views_inbox, views_overview, views_admin, views_files):
        app.include_router(module.router)
    app.mount("/statis", StaticFiles(directory=str(Path(str(resources.files("web") / "static")))), name="statis")
    return app
