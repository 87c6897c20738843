"""Life of a form: registration numbers, LAPOR! ids, queue item times, the append-only event log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tracking_counters',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('queue_item_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=24), nullable=True),
    sa.Column('to_state', sa.String(length=24), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['queue_item_id'], ['queue_items.id'], ),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_queue_item_id'), ['queue_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_record_id'), ['record_id'], unique=False)

    with op.batch_alter_table('queue_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))

    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_number', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('lapor_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_records_tracking_number', ['tracking_number'])
    _append_only('events')


def _append_only(table: str) -> None:
    """History is evidence: the database itself refuses to change or remove an event."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} are append-only'; END; $$ LANGUAGE plpgsql""")
        op.execute(f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")


def downgrade() -> None:
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_constraint('uq_records_tracking_number', type_='unique')
        batch_op.drop_column('lapor_id')
        batch_op.drop_column('tracking_number')

    with op.batch_alter_table('queue_items', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('started_at')
        batch_op.drop_column('acknowledged_at')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_record_id'))
        batch_op.drop_index(batch_op.f('ix_events_queue_item_id'))
        batch_op.drop_index(batch_op.f('ix_events_at'))

    op.drop_table('events')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS events_append_only()")
    op.drop_table('tracking_counters')
