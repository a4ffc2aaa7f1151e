"""covering index of organizations' lifespan for the statistics

Revision ID: 0009_stats_lifespan_index
Revises: 0008_search_code_grams
Create Date: 2026-11-29 00:45:00

``mca-tui stats`` counts the organizations due to report for a year (registered by the
cut-off, not closed before the year's end): with (established_on, deregistered_on,
revoked_on) in one index the count reads that index alone instead of the table.
"""

from alembic import op


revision = '0009_stats_lifespan_index'
down_revision = '0008_search_code_grams'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_organization_lifespan', 'organization',
                    ['established_on', 'deregistered_on', 'revoked_on'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("ANALYZE organization")


def downgrade() -> None:
    op.drop_index('ix_organization_lifespan', table_name='organization')
