"""Administration: accounts, and the routing configuration (SKPD directory and rules).

The routing files can be replaced by upload: each file is limited in size, must be YAML, and the
pair is validated exactly as `kopi routes check` does before it replaces the files in force."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from flows import runtime
from pipeline.errors import ConfigError
from pipeline.route.config import builtin_routing_dir, load_routing
from pipeline.settings import load_settings
from pipeline.store.models import User
from web.deps import context, current_user, db, posted_form
from web.security import ROLES, AccountError, CurrentUser, create_user, csrf_token

router = APIRouter(prefix="/admin")
MAX_UPLOAD = 64 * 1024
ROUTING_FILES = ("skpd.yaml", "rules.yaml")
ROLE_LABELS = {"reviewer": "Pemeriksa (Prokopim)", "skpd": "Petugas SKPD", "admin": "Admin"}


def admin(user: CurrentUser = Depends(current_user)) -> CurrentUser:
    if user.role != "admin":
        raise HTTPException(403, "Halaman ini hanya untuk admin.")
    return user


def _render(request: Request, data: dict, status_code: int = 200) -> HTMLResponse:
    from web.app import TEMPLATES

    return TEMPLATES.TemplateResponse(request, "admin.html", {"csrf": csrf_token(request), **data},
                                      status_code=status_code)


def _page(request: Request, user: CurrentUser, session: Session, ctx, message: str | None = None,  # noqa: ANN001
          error: str | None = None, status_code: int = 200) -> HTMLResponse:
    users = session.scalars(select(User).order_by(User.role, User.username)).all()
    folder = load_settings().routing_dir
    return _render(request, {
        "user": user, "users": users, "roles": ROLES, "role_labels": ROLE_LABELS,
        "units": sorted(ctx.routing.units.values(), key=lambda u: (u.kind, u.short)),
        "forms": ctx.routing.forms, "routing_source": str(folder) if folder else "bawaan (belum diubah)",
        "message": message, "error": error}, status_code)


@router.get("", response_class=HTMLResponse)
def admin_page(request: Request, user: CurrentUser = Depends(admin), session: Session = Depends(db),
               ctx=Depends(context)) -> HTMLResponse:  # noqa: ANN001
    return _page(request, user, session, ctx, message=request.query_params.get("pesan"))


@router.post("/pengguna", response_class=HTMLResponse)
async def add_user(request: Request, user: CurrentUser = Depends(admin), session: Session = Depends(db),
                   ctx=Depends(context)):  # noqa: ANN001, ANN201
    form = await posted_form(request)
    try:
        created = create_user(session, str(form.get("username", "")), str(form.get("password", "")),
                              str(form.get("role", "")), str(form.get("display_name", "")) or None,
                              str(form.get("skpd", "")) or None, set(ctx.routing.units))
    except AccountError as exc:
        session.rollback()
        return _page(request, user, session, ctx, error=str(exc), status_code=422)
    session.commit()
    return RedirectResponse(f"/admin?pesan=Akun {created.username} dibuat.", status_code=303)


@router.post("/pengguna/{user_id}/nonaktif")
async def deactivate(request: Request, user_id: int, user: CurrentUser = Depends(admin),
                     session: Session = Depends(db)) -> RedirectResponse:
    await posted_form(request)
    target = session.get(User, user_id)
    if target is None:
        raise HTTPException(404, "Akun tidak ditemukan.")
    if target.id == user.id:
        raise HTTPException(400, "Anda tidak dapat menonaktifkan akun Anda sendiri.")
    target.active = False
    session.commit()
    return RedirectResponse(f"/admin?pesan=Akun {target.username} dinonaktifkan.", status_code=303)


@router.post("/aturan", response_class=HTMLResponse)
async def upload_routing(request: Request, user: CurrentUser = Depends(admin), session: Session = Depends(db),
                         ctx=Depends(context)):  # noqa: ANN001, ANN201
    form = await posted_form(request)
    settings = load_settings()
    current = settings.routing_dir or builtin_routing_dir()
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp)
        for name in ROUTING_FILES:
            shutil.copyfile(current / name, staged / name)
        uploaded = 0
        for name in ROUTING_FILES:
            upload = form.get(name.split(".")[0])
            if upload is None or isinstance(upload, str) or not upload.filename:
                continue
            if not upload.filename.lower().endswith((".yaml", ".yml")):
                return _page(request, user, session, ctx, error=f"{upload.filename}: hanya berkas .yaml.", status_code=400)
            data = await upload.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                return _page(request, user, session, ctx, error=f"{upload.filename}: berkas terlalu besar "
                             f"(maksimal {MAX_UPLOAD // 1024} KB).", status_code=413)
            try:
                (staged / name).write_text(data.decode("utf-8"), encoding="utf-8")
            except UnicodeDecodeError:
                return _page(request, user, session, ctx, error=f"{upload.filename}: bukan teks UTF-8.", status_code=400)
            uploaded += 1
        if not uploaded:
            return _page(request, user, session, ctx, error="Pilih berkas skpd.yaml dan/atau rules.yaml.", status_code=400)
        try:
            load_routing(ctx.templates, staged)
        except ConfigError as exc:
            return _page(request, user, session, ctx, error=f"Aturan tidak valid, tidak dipasang: {exc}", status_code=422)
        target = settings.home / "config" / "routing"
        target.mkdir(parents=True, exist_ok=True)
        for name in ROUTING_FILES:
            shutil.copyfile(staged / name, target / f".{name}.baru")
            (target / f".{name}.baru").replace(target / name)
    runtime.forget_context()
    return RedirectResponse("/admin?pesan=Aturan penyaluran diperbarui; berlaku untuk formulir berikutnya.",
                            status_code=303)
