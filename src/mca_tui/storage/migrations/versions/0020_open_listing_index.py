"""open credit listings by organization (the abnormal-list queue's count)

Revision ID: 0020_open_listing_index
Revises: 0019_dormancy_list_index
Create Date: 2026-11-29 03:30:00

``ix_credit_list_entry_open_org`` (list_kind, removed_on, organization_id, listed_on, id):
the home queue "abnormal list: two years" keeps an organization's latest open ground
only; with this index both the listings and the "newer ground" test read the index
alone (services.queues).
"""

from alembic import op

revision = '0020_open_listing_index'
down_revision = '0019_dormancy_list_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_credit_list_entry_open_org', 'credit_list_entry',
                    ['list_kind', 'removed_on', 'organization_id', 'listed_on', 'id'],
                    unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE credit_list_entry")


def downgrade() -> None:
    op.drop_index('ix_credit_list_entry_open_org', table_name='credit_list_entry')
