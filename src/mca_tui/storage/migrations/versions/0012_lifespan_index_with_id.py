"""the lifespan index also holds the organization id

Revision ID: 0012_lifespan_index_with_id
Revises: 0011_application_search
Create Date: 2026-11-29 01:00:00

With the id in ``ix_organization_lifespan`` the statistics' set of organizations not due to
report (reports.stats) is read from the index alone, like the "due" count.
"""

from alembic import op


revision = '0012_lifespan_index_with_id'
down_revision = '0011_application_search'
branch_labels = None
depends_on = None

OLD = ['established_on', 'deregistered_on', 'revoked_on']


def upgrade() -> None:
    op.drop_index('ix_organization_lifespan', table_name='organization')
    op.create_index('ix_organization_lifespan', 'organization', [*OLD, 'id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE organization")


def downgrade() -> None:
    op.drop_index('ix_organization_lifespan', table_name='organization')
    op.create_index('ix_organization_lifespan', 'organization', OLD, unique=False)
