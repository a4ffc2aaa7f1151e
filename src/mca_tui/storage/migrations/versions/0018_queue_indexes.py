"""indexes of the home queues: open listings, open cases, open rectification orders

Revision ID: 0018_queue_indexes
Revises: 0017_search_contentless
Create Date: 2026-11-29 03:00:00

The home queues read ranges instead of scanning their tables (services.queues):
abnormal-list entries not removed by listing date, penalty cases by status and filing
date, supervision records not completed by kind and deadline.
"""

from alembic import op

revision = '0018_queue_indexes'
down_revision = '0017_search_contentless'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_credit_list_entry_open', 'credit_list_entry',
                    ['list_kind', 'removed_on', 'listed_on'], unique=False)
    op.create_index('ix_penalty_case_status_filed', 'penalty_case', ['status', 'filed_on'],
                    unique=False)
    op.create_index('ix_supervision_record_open', 'supervision_record',
                    ['kind', 'completed_on', 'due_on'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE credit_list_entry")
        op.execute("ANALYZE penalty_case")
        op.execute("ANALYZE supervision_record")


def downgrade() -> None:
    op.drop_index('ix_supervision_record_open', table_name='supervision_record')
    op.drop_index('ix_penalty_case_status_filed', table_name='penalty_case')
    op.drop_index('ix_credit_list_entry_open', table_name='credit_list_entry')
