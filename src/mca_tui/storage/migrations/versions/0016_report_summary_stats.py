"""report summary: organization type and accepted report years (statistics)

Revision ID: 0016_report_summary_stats
Revises: 0015_change_of_term
Create Date: 2026-11-29 03:10:00

``report_summary`` gains ``org_type`` and ``accepted_years`` (a bit per accepted report
year, storage.report_summary) with the index ``(established_on, closed_on, org_type,
accepted_years)``: a report year's due and accepted counts and the registrations by type
(reports.stats) are read from that index alone. Every row is recomputed here.
"""

import sqlalchemy as sa
from alembic import op

revision = '0016_report_summary_stats'
down_revision = '0015_change_of_term'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report_summary') as batch:
        batch.add_column(sa.Column('org_type', sa.String(length=32), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('accepted_years', sa.BigInteger(), nullable=False,
                                   server_default='0'))
    with op.batch_alter_table('report_summary') as batch:
        batch.alter_column('org_type', server_default=None)
        batch.alter_column('accepted_years', server_default=None)
    bind = op.get_bind()
    from mca_tui.storage.report_summary import rebuild

    rebuild(bind)
    op.create_index('ix_report_summary_lifespan', 'report_summary',
                    ['established_on', 'closed_on', 'org_type', 'accepted_years'], unique=False)
    if bind.dialect.name == "sqlite":
        op.execute("ANALYZE report_summary")


def downgrade() -> None:
    op.drop_index('ix_report_summary_lifespan', table_name='report_summary')
    with op.batch_alter_table('report_summary') as batch:
        batch.drop_column('accepted_years')
        batch.drop_column('org_type')
