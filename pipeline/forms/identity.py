"""What a printed form says about itself, in its QR code.

Payload: `KIM-02/1/000123` or, for a form printed for one village, `KIM-02/1/000123/6304012001`
(form id / template version / serial / compact Kemendagri village code). Upper-case letters,
digits, '-' and '/' only, so the QR encoder uses its compact alphanumeric mode and the symbol
stays at version 1 or 2 (large modules survive chat-app compression).
"""

from __future__ import annotations

import re

from pipeline.record import Identity

_PAYLOAD = re.compile(r"^(KIM-\d{2})/(\d{1,2})/(\d{6})(?:/(\d{10}))?$")
SERIAL_MAX = 999_999


def format_serial(serial: int) -> str:
    if not 0 < serial <= SERIAL_MAX:
        raise ValueError(f"serial must be 1..{SERIAL_MAX}, got {serial}")
    return f"{serial:06d}"


def encode_identity(identity: Identity) -> str:
    parts = [identity.form_id, str(identity.version), format_serial(identity.serial)]
    if identity.village_code:
        parts.append(identity.village_code.replace(".", ""))
    return "/".join(parts)


def decode_identity(payload: str, source: str = "qr") -> Identity:
    """Parse a QR payload; ValueError when it is not one of ours."""
    match = _PAYLOAD.match(payload.strip())
    if not match:
        raise ValueError(f"not a KIM form code: {payload[:40]!r}")
    form_id, version, serial, village = match.groups()
    code = None
    if village:
        code = f"{village[:2]}.{village[2:4]}.{village[4:6]}.{village[6:]}"
    return Identity(
        form_id=form_id, version=int(version), serial=int(serial), village_code=code, source=source
    )
