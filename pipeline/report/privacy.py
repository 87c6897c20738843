"""Personal data in outputs (UU 27/2022): NIK and phone numbers are masked for any wide audience,
and a complainant who asked for confidentiality is withheld entirely outside the review desk."""

from __future__ import annotations

import re
from enum import StrEnum

import cv2
import numpy as np

from pipeline.forms.template import FieldType, Template
from pipeline.record import FormRecord

WITHHELD = "[dirahasiakan]"


class Audience(StrEnum):
    PUBLIC = "public"  # reports, SKPD exports: NIK/phone masked, confidential identity withheld
    OWNER = "owner"  # the unit that must act: NIK/phone in full, confidential identity still withheld
    REVIEWER = "reviewer"  # Prokopimda reviewers: everything, in full


def mask_nik(nik: str | None) -> str | None:
    """'6304011203900001' -> '630401******0001' (region kept, birth date hidden)."""
    if not nik:
        return nik
    digits = re.sub(r"\D", "", nik)
    if len(digits) < 10:
        return "*" * len(digits)
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def mask_phone(phone: str | None) -> str | None:
    """'+6281234567890' -> '+62812*****890'."""
    if not phone:
        return phone
    keep_head = 6 if phone.startswith("+") else 5
    if len(phone) <= keep_head + 3:
        return "*" * len(phone)
    return phone[:keep_head] + "*" * (len(phone) - keep_head - 3) + phone[-3:]


def is_confidential(record: FormRecord, template: Template) -> bool:
    flag = template.confidential_flag
    if flag is None:
        return False
    try:
        return bool(record.choice(flag).selected)
    except KeyError:
        return False


def is_hidden(record: FormRecord, template: Template, name: str, audience: Audience) -> bool:
    """Whether `audience` may not read this field in full: then nothing derived from what was
    read (suggestions, reasons quoting the digits) may be shown to it either."""
    if audience is Audience.REVIEWER:
        return False
    f = template.field(name)
    if f.identity and is_confidential(record, template):
        return True
    return audience is Audience.PUBLIC and f.type in (FieldType.NIK, FieldType.PHONE)


def shown_value(record: FormRecord, template: Template, name: str, value: str | None,
                audience: Audience) -> str | None:
    """A field's value as this audience may see it."""
    if audience is Audience.REVIEWER or value is None:
        return value
    f = template.field(name)
    if f.identity and is_confidential(record, template):
        return WITHHELD
    if audience is Audience.OWNER:
        return value
    if f.type is FieldType.NIK:
        return mask_nik(value)
    if f.type is FieldType.PHONE:
        return mask_phone(value)
    return value


def redact_page(image: np.ndarray, record: FormRecord, template: Template, audience: Audience,
                px_per_mm: float) -> np.ndarray:
    """The straightened page with what `audience` may not read blacked out, by the same rules as
    `is_hidden`: the picture of a NIK is as personal as its digits. Modifies `image`."""
    for f in template.fields:
        if f.box is not None and is_hidden(record, template, f.name, audience):
            b = f.box.grow(1.0)
            cv2.rectangle(image, (int(b.x * px_per_mm), int(b.y * px_per_mm)),
                          (int(b.right * px_per_mm), int(b.bottom * px_per_mm)), (40, 40, 40), -1)
    return image
