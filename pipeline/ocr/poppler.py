"""The one place that runs poppler (through pdf2image): page counts and one page at a time.

One page per call keeps memory flat however long the PDF is; every call has a time limit; and
poppler's failures become typed errors the intake records against the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from pdf2image import convert_from_bytes, pdfinfo_from_bytes
from pdf2image.exceptions import (
    PDFInfoNotInstalledError,
    PDFPageCountError,
    PDFPopplerTimeoutError,
    PDFSyntaxError,
    PopplerNotInstalledError,
)

from pipeline.errors import FileUnreadable, ToolMissing, ToolTimeout

INFO_TIMEOUT_S = 30
PAGE_TIMEOUT_S = 60
MAX_DPI = 300


@contextmanager
def _poppler_errors(program: str, limit: int, what: str) -> Iterator[None]:
    """Turn pdf2image's exceptions into kopi's: missing tool, time-out, unreadable file."""
    try:
        yield
    except (PDFInfoNotInstalledError, PopplerNotInstalledError):
        raise ToolMissing("poppler is not installed; install it with: apt-get install poppler-utils") from None
    except PDFPopplerTimeoutError:
        raise ToolTimeout(f"{program} lebih dari {limit} detik untuk {what}") from None
    except (PDFPageCountError, PDFSyntaxError, ValueError) as exc:
        raise FileUnreadable(f"{what} tidak dapat dibaca: {_first_line(exc)}") from None


def page_count(pdf: bytes) -> int:
    """Number of pages; FileUnreadable when poppler cannot parse the file."""
    with _poppler_errors("pdfinfo", INFO_TIMEOUT_S, "PDF"):
        info = pdfinfo_from_bytes(pdf, timeout=INFO_TIMEOUT_S)
    pages = int(info.get("Pages", 0))
    if pages < 1:
        raise FileUnreadable("PDF tidak berisi halaman")
    return pages


def rasterize_page(pdf: bytes, page: int, dpi: int = 200) -> np.ndarray:
    """Page `page` (1-based) as an RGB uint8 array at `dpi` (capped at MAX_DPI)."""
    dpi = min(int(dpi), MAX_DPI)
    with _poppler_errors("pdftoppm", PAGE_TIMEOUT_S, f"halaman {page}"):
        images = convert_from_bytes(
            pdf, dpi=dpi, first_page=page, last_page=page, timeout=PAGE_TIMEOUT_S, thread_count=1
        )
    if not images:
        raise FileUnreadable(f"halaman {page} kosong atau rusak")
    return np.asarray(images[0].convert("RGB"))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__
