"""What every normaliser returns, and the small text helpers they share.

A normaliser is a pure function from what was read to a `Parsed`: the canonical value (or None),
a confidence factor for the interpretation itself (1.0 when the text can mean only one thing),
reviewer suggestions, and problems as (reason code, message parameters). Nothing is silently
fixed: a value that does not fit comes back as None with a reason, and the raw text stays on the
record. Normalisers never raise on any input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.reasons import ReasonCode

Problem = tuple[ReasonCode, dict[str, object]]

# Letters OCR returns for digits in a place that can only hold digits.
DIGIT_LOOKALIKES = str.maketrans("OoQDIl|i!ZzSsBGbgqT", "0000111112255866997")


@dataclass(frozen=True)
class Parsed:
    value: str | None
    problems: tuple[Problem, ...] = ()
    confidence: float = 1.0
    candidates: tuple[str, ...] = field(default=())
    code: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def invalid(read: str, expected: str, candidates: tuple[str, ...] = ()) -> Parsed:
    return Parsed(None, ((ReasonCode.FIELD_INVALID, {"read": read, "expected": expected}),),
                  candidates=candidates)


def problem(code: ReasonCode, **params: object) -> Problem:
    return code, params


def ascii_fold(text: str) -> str:
    """Drop accents and odd Unicode OCR can produce ('é' -> 'e', curly quotes -> plain)."""
    text = unicodedata.normalize("NFKD", str(text))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return "".join(c for c in text if not unicodedata.combining(c))


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", str(text))


def digits_from_ocr(text: str) -> str:
    """Digits of a text that should hold only digits: letters OCR confuses with digits are mapped
    back inside runs of digits ('63O4' -> '6304'); words such as a 'NIK:' label are dropped."""
    runs = re.findall(r"[0-9A-Za-z|!]+", str(text))
    lookalike = "".join(chr(c) for c in DIGIT_LOOKALIKES)
    kept = [r for r in runs if all(ch.isdigit() or ch in lookalike for ch in r) and any(ch.isdigit() for ch in r)]
    return digits_only("".join(kept).translate(DIGIT_LOOKALIKES))


def clean_text(text: str) -> str:
    """Collapse spaces, drop stray marks OCR leaves at the ends, keep every letter as read."""
    text = re.sub(r"\s+", " ", ascii_fold(text)).strip()
    return text.strip(" .,-/:;'|_~")
