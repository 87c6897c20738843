"""What an inbox file is, and its pages as images. Pure over bytes: the flow reads the file.

The type is decided by content, not by the name (chat apps rename files); images are decoded
fully so that a truncated upload is caught here, and turned upright by their EXIF orientation.
"""

from __future__ import annotations

import hashlib
import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.errors import FileUnreadable, FileUnsupported, TooManyPages
from pipeline.ocr import poppler

MAX_PDF_PAGES = 200
PDF_DPI = 200
MAX_IMAGE_PIXELS = 80_000_000  # a 12 MP phone photo is 12 M; anything far larger is not a photo

MEDIA_TYPES = {
    b"%PDF": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG": "image/png",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
    b"RIFF": "image/webp",
}
HEIF_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def media_type(data: bytes) -> str:
    """The file's type from its first bytes; FileUnsupported when it is none we read."""
    for magic, kind in MEDIA_TYPES.items():
        if data.startswith(magic):
            return kind
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "image/heic"
    head = data[:12].hex(" ") if data else "kosong"
    raise FileUnsupported(f"bukan JPG, PNG, TIFF, HEIC atau PDF (awal berkas: {head})")


def decode_image(data: bytes) -> np.ndarray:
    """An RGB array, upright; FileUnreadable for a damaged or truncated image."""
    if media_type(data) == "image/heic":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # decodes everything: a cut-off upload fails here, not later
                upright = ImageOps.exif_transpose(image)
                return np.asarray(upright.convert("RGB"))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FileUnreadable(f"gambar rusak atau terpotong: {str(exc)[:120]}") from None


def count_pages(data: bytes) -> int:
    if media_type(data) != "application/pdf":
        return 1
    pages = poppler.page_count(data)
    if pages > MAX_PDF_PAGES:
        raise TooManyPages(pages=pages, limit=MAX_PDF_PAGES)
    return pages


def page_image(data: bytes, page: int) -> np.ndarray:
    """Page `page` (from 1) as an RGB image; one at a time, so a long PDF never sits in memory
    whole, and a damaged page fails alone."""
    if media_type(data) != "application/pdf":
        return decode_image(data)
    return poppler.rasterize_page(data, page, PDF_DPI)
