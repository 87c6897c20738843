"""Serial ranges issued per form and village.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_issuance",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("form_id", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("serial_from", sa.Integer(), nullable=False),
        sa.Column("serial_to", sa.Integer(), nullable=False),
        sa.Column("village_code", sa.String(16), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("form_id", "serial_from", "serial_to", "village_code"),
    )
    op.create_index("ix_form_issuance_form_id", "form_issuance", ["form_id"])
    op.create_index("ix_form_issuance_village_code", "form_issuance", ["village_code"])


def downgrade() -> None:
    op.drop_table("form_issuance")
