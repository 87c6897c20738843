"""Database tables. Schema changes go through an Alembic migration in `migrations/versions/`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from pipeline.record import now_wita
from pipeline.store.types import AwareDateTime


class Base(DeclarativeBase):
    pass


class FormIssuance(Base):
    """A range of serial numbers printed for a form, optionally for one village."""

    __tablename__ = "form_issuance"
    __table_args__ = (UniqueConstraint("form_id", "serial_from", "serial_to", "village_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)
    serial_from: Mapped[int] = mapped_column(Integer)
    serial_to: Mapped[int] = mapped_column(Integer)
    village_code: Mapped[str | None] = mapped_column(String(16), index=True)
    issued_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=now_wita)


class IntakeRun(Base):
    """One run of the intake over an inbox; its summary is what the CLI prints at the end."""

    __tablename__ = "intake_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inbox: Mapped[str] = mapped_column(String(1024))
    started_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=now_wita)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    summary: Mapped[dict | None] = mapped_column(JSON)


class Document(Base):
    """An inbox file, known by its content hash: the same bytes are never processed twice."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(512))
    media_type: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("intake_runs.id"))
    received_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=now_wita)
    status: Mapped[str] = mapped_column(String(16))  # processed | failed
    error_code: Mapped[str | None] = mapped_column(String(48))
    error_message: Mapped[str | None] = mapped_column(Text)

    page_rows: Mapped[list[Page]] = relationship(back_populates="document", cascade="all, delete-orphan")


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "page_no", "sheet_no", name="uq_pages_document_page_sheet"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    page_no: Mapped[int] = mapped_column(Integer)
    sheet_no: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # forms photographed together
    image_sha256: Mapped[str | None] = mapped_column(String(64))  # straightened page in the blob store

    document: Mapped[Document] = relationship(back_populates="page_rows")
    record: Mapped[Record | None] = relationship(back_populates="page", cascade="all, delete-orphan")


class Record(Base):
    """One form page's record; `data` holds the full FormRecord as JSON, the columns what is queried."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_form_serial", "form_id", "serial"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    form_id: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int | None] = mapped_column(Integer)
    serial: Mapped[int | None] = mapped_column(Integer)
    village_code: Mapped[str | None] = mapped_column(String(16), index=True)
    kecamatan: Mapped[str | None] = mapped_column(String(64))
    desa: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=now_wita)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    tracking_number: Mapped[str | None] = mapped_column(String(24), unique=True)
    lapor_id: Mapped[str | None] = mapped_column(String(64))  # SP4N-LAPOR! tracking ID, once entered there
    data: Mapped[dict] = mapped_column(JSON)

    page: Mapped[Page] = relationship(back_populates="record")
    field_values: Mapped[list[FieldValueRow]] = relationship(cascade="all, delete-orphan")
    signatures: Mapped[list[SignatureRow]] = relationship(cascade="all, delete-orphan")
    reasons: Mapped[list[ReasonRow]] = relationship(cascade="all, delete-orphan")
    routes: Mapped[list[RouteRow]] = relationship(cascade="all, delete-orphan")


class FieldValueRow(Base):
    """A written field or a group of checkboxes (kind 'written' / 'choice')."""

    __tablename__ = "field_values"
    __table_args__ = (UniqueConstraint("record_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean)
    box: Mapped[list] = mapped_column(JSON)


class SignatureRow(Base):
    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("record_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    required: Mapped[bool] = mapped_column(Boolean)
    signed: Mapped[bool] = mapped_column(Boolean)
    stamp_expected: Mapped[bool] = mapped_column(Boolean)
    stamped: Mapped[bool | None] = mapped_column(Boolean)
    confidence: Mapped[float] = mapped_column(Float)


class ReasonRow(Base):
    __tablename__ = "reasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(48), index=True)
    field: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8), default="review")  # review | note


class RouteRow(Base):
    __tablename__ = "routes"
    __table_args__ = (UniqueConstraint("record_id", "target", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(128))
    why: Mapped[str] = mapped_column(Text)


class QueueItem(Base):
    """A routed record waiting at one unit. One per (record, target), whatever reruns happen."""

    __tablename__ = "queue_items"
    __table_args__ = (UniqueConstraint("record_id", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24), default="routed")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=now_wita)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=now_wita)
    acknowledged_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime())  # follow-up stated
    resolved_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    note: Mapped[str | None] = mapped_column(Text)  # the unit's latest note (follow-up, result)


class SerialClaim(Base):
    """First record to arrive with a (form, serial) owns it; a later one is a duplicate. A unique
    row, not a read-then-write check, so two intakes running at once cannot both win."""

    __tablename__ = "serial_claims"
    __table_args__ = (UniqueConstraint("form_id", "serial"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(16))
    serial: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))


class Event(Base):
    """Append-only history: every change of a record or queue item, who made it, when and why.
    The database refuses updates and deletes of this table (triggers in migration 0004)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    queue_item_id: Mapped[int | None] = mapped_column(ForeignKey("queue_items.id"), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), default=now_wita, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)


class TrackingCounter(Base):
    """The last registration number given out per year (KOPI-2026-000123)."""

    __tablename__ = "tracking_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class User(Base):
    """A person who signs in to the review desk. Passwords are stored as argon2 hashes only."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # reviewer | skpd | admin
    unit_code: Mapped[str | None] = mapped_column(String(32))  # the SKPD of an skpd user
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=now_wita)


class LoginAttempt(Base):
    """Sign-in attempts, for slowing down password guessing."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), default=now_wita)
    success: Mapped[bool] = mapped_column(Boolean)
