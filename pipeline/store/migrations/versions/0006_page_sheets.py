"""A photo may show several forms: a page row per sheet on the page.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# 0002 left the page's unique constraint unnamed: PostgreSQL named it itself; on SQLite the
# batch copy names it by this convention so that it can be dropped.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_name() -> str:
    return "pages_document_id_page_no_key" if op.get_bind().dialect.name == "postgresql" else "uq_pages_document_id"


def upgrade() -> None:
    with op.batch_alter_table('pages', schema=None, naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.add_column(sa.Column('sheet_no', sa.Integer(), nullable=False, server_default='1'))
        batch_op.drop_constraint(_old_name(), type_='unique')
        batch_op.create_unique_constraint('uq_pages_document_page_sheet', ['document_id', 'page_no', 'sheet_no'])


def downgrade() -> None:
    shared = op.get_bind().execute(sa.text("SELECT count(*) FROM pages WHERE sheet_no > 1")).scalar_one()
    if shared:
        raise RuntimeError(f"{shared} stored forms share a page with another; the older schema "
                           "cannot hold them (export them first)")
    with op.batch_alter_table('pages', schema=None, naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint('uq_pages_document_page_sheet', type_='unique')
        batch_op.create_unique_constraint(_old_name(), ['document_id', 'page_no'])
        batch_op.drop_column('sheet_no')
