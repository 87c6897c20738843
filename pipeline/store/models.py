"""Database tables. Schema changes go through an Alembic migration in `migrations/versions/`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pipeline.record import now_wita


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
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_wita)
