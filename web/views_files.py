"""Page images and field crops, by record number only (never a path: nothing outside the blob
store can be asked for). What the image shows follows the same rules as the values: for a unit
that may not see them, the NIK and phone boxes are blacked out, and all identity boxes of a
complainant who asked for confidentiality."""

from __future__ import annotations

import cv2
import numpy as np
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response
from sqlalchemy.orm import Session

from flows import runtime
from pipeline.forms.template import Template
from pipeline.ocr.read import PX_PER_MM
from pipeline.pages import Context
from pipeline.record import FormRecord
from pipeline.report.privacy import Audience, redact_page
from pipeline.store.models import Record
from web.access import audience_for, check_record_access
from web.deps import context, current_user, db
from web.security import CurrentUser

router = APIRouter()
PAGE_WIDTH = 1240
CROP_WIDTH = 1000


def _page(row: Record) -> np.ndarray:
    blob = row.page.image_sha256 if row.page else None
    if blob is None or not runtime.blobs().exists(blob):
        raise HTTPException(404, "Gambar halaman tidak tersedia untuk formulir ini.")
    return cv2.imdecode(np.frombuffer(runtime.blobs().get(blob), np.uint8), cv2.IMREAD_COLOR)


def _jpeg(image: np.ndarray, quality: int = 85) -> Response:
    data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})


def _load(session: Session, record_id: int, user: CurrentUser, ctx: Context) -> tuple[Record, FormRecord, Template | None, Audience]:
    row = session.get(Record, record_id)
    if row is None:
        raise HTTPException(404, "Formulir tidak ditemukan.")
    check_record_access(session, row, user)
    form = FormRecord.model_validate(row.data)
    template = ctx.templates.get(form.identity.form_id, form.identity.version) if form.identity else None
    return row, form, template, audience_for(session, row, user)


@router.get("/gambar/{record_id}/halaman.jpg")
def page_image(record_id: int, user: CurrentUser = Depends(current_user), session: Session = Depends(db),
               ctx: Context = Depends(context)) -> Response:
    row, form, template, audience = _load(session, record_id, user, ctx)
    image = _page(row)
    if template is not None:
        image = redact_page(image, form, template, audience, PX_PER_MM)
    if image.shape[1] > PAGE_WIDTH:  # ~150 dpi is plenty on screen and halves the bytes on slow links
        scale = PAGE_WIDTH / image.shape[1]
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return _jpeg(image, 80)


@router.get("/gambar/{record_id}/isian/{name}.jpg")
def field_crop(record_id: int, name: str, user: CurrentUser = Depends(current_user),
               session: Session = Depends(db), ctx: Context = Depends(context)) -> Response:
    if not user.reviews:
        raise HTTPException(403, "Potongan isian hanya untuk petugas pemeriksa.")
    row, form, template, _ = _load(session, record_id, user, ctx)
    if template is None:
        raise HTTPException(404, "Formulir belum dikenali.")
    try:
        box = template.field(name).outline.grow(2.0)
    except KeyError:
        raise HTTPException(404, "Isian tidak dikenal.") from None
    image = _page(row)
    crop = image[max(0, int(box.y * PX_PER_MM)):int(box.bottom * PX_PER_MM),
                 max(0, int(box.x * PX_PER_MM)):int(box.right * PX_PER_MM)]
    if crop.shape[1] > CROP_WIDTH:  # wider than the panel shows it
        scale = CROP_WIDTH / crop.shape[1]
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return _jpeg(crop, 85)
