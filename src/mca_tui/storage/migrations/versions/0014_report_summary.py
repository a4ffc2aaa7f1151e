"""per-organization summary of submitted annual reports; reports awaiting a conclusion

Revision ID: 0014_report_summary
Revises: 0013_dormancy_assessed
Create Date: 2026-11-29 03:00:00

``report_summary``: per organization its status, registration date and latest two
submitted report years (storage.report_summary), so the home queue of overdue annual
reports is an index range instead of an anti-join of every organization with the report
table. Derived rows, filled from the existing organizations and reports by
0016_report_summary_stats (which adds the columns the statistics read).
``ix_annual_report_awaiting``: a partial index of the reports received and not yet
concluded (the reviewer's queue).
"""

import sqlalchemy as sa
from alembic import op

revision = '0014_report_summary'
down_revision = '0013_dormancy_assessed'
branch_labels = None
depends_on = None

_AWAITING = "conclusion IS NULL AND submitted_on IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        'report_summary',
        sa.Column('organization_id', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('established_on', sa.Date(), nullable=True),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('last_year', sa.Integer(), nullable=False),
        sa.Column('previous_year', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_report_summary')),
    )
    bind = op.get_bind()
    op.create_index('ix_report_summary_due', 'report_summary',
                    ['status', 'last_year', 'established_on', 'previous_year', 'closed_on'],
                    unique=False)
    op.create_index('ix_annual_report_awaiting', 'annual_report', ['submitted_on'],
                    unique=False, sqlite_where=sa.text(_AWAITING),
                    postgresql_where=sa.text(_AWAITING))
    if bind.dialect.name == "sqlite":
        op.execute("ANALYZE report_summary")
        op.execute("ANALYZE annual_report")


def downgrade() -> None:
    op.drop_index('ix_annual_report_awaiting', table_name='annual_report')
    op.drop_index('ix_report_summary_due', table_name='report_summary')
    op.drop_table('report_summary')
