"""The record that travels through every stage: ingest -> image -> form -> fields -> record -> route.

Every model here is frozen; a stage returns a new record (`model_copy(update=...)`) rather than
changing the one it was given, so what a stage saw is what the next one sees.
"""

from __future__ import annotations

import os
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from pipeline.geometry import Box
from pipeline.reasons import ReasonCode, message_for

WITA = ZoneInfo("Asia/Makassar")


def now_wita() -> datetime:
    """The time in Barito Kuala. KOPI_NOW (an ISO time) fixes the clock, so that a batch made
    for one day (the benchmark's generated sets) is read as of that day: otherwise, as the
    calendar moves on, its activity dates fall into the past and are held as out of range."""
    fixed = os.environ.get("KOPI_NOW")
    return datetime.fromisoformat(fixed).astimezone(WITA) if fixed else datetime.now(WITA)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Status(StrEnum):
    RECEIVED = "received"
    NEEDS_REVIEW = "needs_review"
    ROUTED = "routed"
    RETURNED = "returned"
    REJECTED = "rejected"
    RESOLVED = "resolved"
    DUPLICATE = "duplicate"
    FAILED = "failed"


STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "Diterima",
    Status.NEEDS_REVIEW: "Perlu diperiksa",
    Status.ROUTED: "Diteruskan ke SKPD",
    Status.RETURNED: "Dikembalikan ke desa",
    Status.REJECTED: "Ditolak",
    Status.RESOLVED: "Selesai ditangani",
    Status.DUPLICATE: "Duplikat",
    Status.FAILED: "Gagal diproses",
}


class Identity(_Frozen):
    """Which printed form this is: form id, template version, serial, and pre-printed village."""

    form_id: str
    version: int
    serial: int
    village_code: str | None = None
    source: str = "qr"  # "qr"; "marks+serial" when the QR was unreadable; "title+serial" (no marks)

    @property
    def serial_text(self) -> str:
        return f"{self.serial:06d}"

    @property
    def serial_trusted(self) -> bool:
        """A serial read off a form found only by its title (no marks, no QR) may be misread; it
        must not make another form a duplicate, so it claims nothing until a reviewer approves."""
        return self.source != "title+serial"


class SourceRef(_Frozen):
    """Where a form came from: the original file (by content hash), the page in it, and the sheet
    on that page when one photo shows several forms (numbered in reading order)."""

    sha256: str
    filename: str
    media_type: str
    page: int = Field(ge=1)
    pages: int = Field(ge=1)
    sheet: int = Field(default=1, ge=1)
    sheets: int = Field(default=1, ge=1)


class Reason(_Frozen):
    code: ReasonCode
    message: str
    field: str | None = None

    @classmethod
    def of(cls, code: ReasonCode, field: str | None = None, **params: object) -> Reason:
        return cls(code=code, message=message_for(code, **params), field=field)


class FieldValue(_Frozen):
    """A written field: what OCR read, what it means once normalised, and how sure we are."""

    name: str
    type: str
    value: str | None
    raw: str = ""
    confidence: float = Field(ge=0, le=1)
    box: Box
    code: str | None = None  # a reference the value resolved to, e.g. a village's Kemendagri code
    candidates: tuple[str, ...] = ()
    needs_review: bool = False
    reasons: tuple[Reason, ...] = ()
    confirmed_by: str | None = None  # the reviewer who checked or corrected it against the image
    evidence: dict[str, float] = {}  # what the confidence was judged on (extract/confidence.py)


class ChoiceValue(_Frozen):
    """A group of checkboxes: which options are ticked, each box's ink fill, and the confidence."""

    name: str
    type: str
    selected: tuple[str, ...]
    fills: dict[str, float]
    confidence: float = Field(ge=0, le=1)
    box: Box
    inferred: str | None = None  # the option read from the form's free text, when the tick did not settle it
    inferred_confidence: float | None = None
    candidates: tuple[str, ...] = ()  # options a reviewer should consider, best first
    needs_review: bool = False
    reasons: tuple[Reason, ...] = ()
    confirmed_by: str | None = None


class SignatureCheck(_Frozen):
    name: str
    role: str
    label: str
    required: bool
    signed: bool
    ink: float  # share of the box covered by pen strokes after removing printed lines
    stamp_expected: bool
    stamped: bool | None  # None when no stamp is expected
    stamp_score: float = 0.0
    confidence: float = Field(ge=0, le=1)
    box: Box
    confirmed_by: str | None = None


class RouteKind(StrEnum):
    PRIMARY = "primary"  # the unit that must act
    COPY = "copy"  # tembusan: kept informed, e.g. the Bupati for every complaint
    INFORMED = "informed"  # told of it, no action expected


class Route(_Frozen):
    target: str  # SKPD code from the directory
    kind: RouteKind
    rule: str
    why: str


class FormRecord(_Frozen):
    source: SourceRef
    status: Status = Status.RECEIVED
    received_at: datetime = Field(default_factory=now_wita)
    identity: Identity | None = None
    page_image: str | None = None  # sha256 of the straightened page in the blob store
    # the handwriting of each free-text box, small (ocr/inkprint.py): tells the same sheet
    # photographed twice from another sheet with its serial when the readings differ
    ink: dict[str, str] = {}
    fields: tuple[FieldValue, ...] = ()
    choices: tuple[ChoiceValue, ...] = ()
    signatures: tuple[SignatureCheck, ...] = ()
    routes: tuple[Route, ...] = ()
    reasons: tuple[Reason, ...] = ()
    notes: tuple[Reason, ...] = ()  # for staff's attention; never hold a form back (e.g. clashes)

    def field(self, name: str) -> FieldValue:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def choice(self, name: str) -> ChoiceValue:
        for c in self.choices:
            if c.name == name:
                return c
        raise KeyError(name)

    def signature(self, role: str) -> SignatureCheck:
        for s in self.signatures:
            if s.role == role:
                return s
        raise KeyError(role)

    def all_reasons(self) -> tuple[Reason, ...]:
        """Record-level reasons followed by every field's, choice's and signature's own."""
        out = list(self.reasons)
        for item in (*self.fields, *self.choices):
            out.extend(r for r in item.reasons if r not in out)
        return tuple(out)

    def with_reasons(self, *reasons: Reason) -> FormRecord:
        return self.model_copy(update={"reasons": self.reasons + tuple(reasons)})
