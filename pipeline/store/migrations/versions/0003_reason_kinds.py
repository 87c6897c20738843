"""Reasons are either review reasons or notes (e.g. a clash in the leaders' agenda).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reasons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), nullable=False,
                                      server_default='review'))


def downgrade() -> None:
    with op.batch_alter_table('reasons', schema=None) as batch_op:
        batch_op.drop_column('kind')

