"""File sniffing and decoding: by content, not by name; damaged files give a clear error."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pillow_heif
import pytest
from PIL import Image

from pipeline.errors import FileUnreadable, FileUnsupported, TooManyPages
from pipeline.forms.render import render_forms
from pipeline.ingest import count_pages, decode_image, media_type, page_image
from pipeline.record import Identity


def jpeg(array: np.ndarray, exif_orientation: int | None = None) -> bytes:
    image = Image.fromarray(array)
    buffer = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def test_type_is_read_from_content():
    tall = np.zeros((40, 20, 3), np.uint8)
    assert media_type(jpeg(tall)) == "image/jpeg"
    assert media_type(cv2.imencode(".png", tall)[1].tobytes()) == "image/png"
    assert media_type(b"%PDF-1.7\n...") == "application/pdf"
    with pytest.raises(FileUnsupported, match="bukan JPG"):
        media_type(b"PK\x03\x04 a docx file")
    with pytest.raises(FileUnsupported):
        media_type(b"")


def test_a_truncated_upload_is_unreadable():
    data = jpeg((np.random.default_rng(0).random((200, 100, 3)) * 255).astype(np.uint8))
    with pytest.raises(FileUnreadable, match="terpotong"):
        decode_image(data[: len(data) // 2])


def test_exif_orientation_is_applied():
    tall = np.zeros((40, 20, 3), np.uint8)
    assert decode_image(jpeg(tall, exif_orientation=6)).shape[:2] == (20, 40)  # rotated 90 degrees


def test_heic_photos_are_read():
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.fromarray(np.full((32, 24, 3), 128, np.uint8)).save(buffer, format="HEIF")
    data = buffer.getvalue()
    assert media_type(data) == "image/heic"
    assert decode_image(data).shape == (32, 24, 3)


def test_pdf_pages_one_at_a_time(templates, monkeypatch):
    t = templates.get("KIM-01")
    pdf = render_forms(t, [Identity(form_id="KIM-01", version=1, serial=s) for s in (1, 2)])
    assert count_pages(pdf) == 2
    assert page_image(pdf, 2).shape[2] == 3
    monkeypatch.setattr("pipeline.ingest.MAX_PDF_PAGES", 1)
    with pytest.raises(TooManyPages):
        count_pages(pdf)
