"""Read which form a page is: the QR code first (zxing-cpp, then OpenCV's decoder as a second
opinion; then zxing-cpp again on deblurred copies), and when all fail, the serial printed in
large digits next to it."""

from __future__ import annotations

import re

import cv2
import numpy as np
import zxingcpp

from pipeline.forms.identity import decode_identity
from pipeline.ocr.deblur import deblurred
from pipeline.forms.template import Template
from pipeline.ocr.clean import Page
from pipeline.ocr.tesseract import read_words
from pipeline.record import Identity

QR_MARGIN_MM = 3.0


def _decode_qr(gray: np.ndarray) -> list[str]:
    texts = [r.text for r in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)]
    if not texts:
        text, _, _ = cv2.QRCodeDetector().detectAndDecode(gray)
        texts = [text] if text else []
    return texts


def _identity_in(texts: list[str]) -> Identity | None:
    for text in texts:
        try:
            return decode_identity(text)
        except ValueError:
            continue
    return None


def read_qr(page: Page, template: Template) -> Identity | None:
    crop = cv2.cvtColor(page.color(template.qr.grow(QR_MARGIN_MM)), cv2.COLOR_RGB2GRAY)
    for attempt in (crop, cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)):
        if (found := _identity_in(_decode_qr(attempt))) is not None:
            return found
    # A shaken photo: 63 deconvolutions, 0.1-0.4 s, only on pages whose QR did not decode.
    # zxing alone here; OpenCV's decoder is ten times slower and found nothing more.
    for attempt in deblurred(crop):
        texts = [r.text for r in zxingcpp.read_barcodes(attempt, formats=zxingcpp.BarcodeFormat.QRCode)]
        if (found := _identity_in(texts)) is not None:
            return found
    return None


def read_serial_digits(page: Page, template: Template) -> int | None:
    """The six printed serial digits, by OCR, read at two scales; None unless both readings are
    the same six digits. A serial is trusted (it makes another sheet a duplicate or a conflict),
    and on a blurred photo one reading alone turned 203059 into 201059; the other read 202059."""
    crop = page.gray(template.serial.inset(0.8))
    readings = set()
    for scale in (1, 2):
        image = crop if scale == 1 else cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        words = read_words(image, psm=7, whitelist="0123456789")
        readings.add(re.sub(r"\D", "", "".join(w.text for w in words)))
        if len(readings) > 1:
            return None
    digits = readings.pop()
    return int(digits) if len(digits) == 6 and int(digits) > 0 else None


def find_qr_anywhere(image: np.ndarray) -> Identity | None:
    """A KIM QR code anywhere in an unstraightened image: tells a form with hidden marks from a
    photo that is not a form at all."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    return _identity_in(_decode_qr(gray))
