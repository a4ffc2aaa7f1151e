"""dormancy summary: one index for the list and the home count

Revision ID: 0019_dormancy_list_index
Revises: 0018_queue_indexes
Create Date: 2026-11-29 03:20:00

``ix_dormancy_summary_list`` (watch_from, status, open_case_filed_on,
liquidation_started_on, delay_until) replaces ``ix_dormancy_summary_watch_from``: the
dormancy list reads the same range, and the home screen's count of candidates (the range
less the excluded rows) reads the index alone instead of each row.
"""

from alembic import op


revision = '0019_dormancy_list_index'
down_revision = '0018_queue_indexes'
branch_labels = None
depends_on = None

COLUMNS = ['watch_from', 'status', 'open_case_filed_on', 'liquidation_started_on',
           'delay_until']


def upgrade() -> None:
    op.drop_index('ix_dormancy_summary_watch_from', table_name='dormancy_summary')
    op.create_index('ix_dormancy_summary_list', 'dormancy_summary', COLUMNS, unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE dormancy_summary")


def downgrade() -> None:
    op.drop_index('ix_dormancy_summary_list', table_name='dormancy_summary')
    op.create_index('ix_dormancy_summary_watch_from', 'dormancy_summary', ['watch_from'],
                    unique=False)
