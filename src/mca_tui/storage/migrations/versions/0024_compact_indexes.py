"""compact indexes: organization indexes no query needs, partial closing-date indexes

Revision ID: 0024_compact_indexes
Revises: 0023_search_layout
Create Date: 2026-11-29 06:00:00

Issue 12 (database size per organization):

- dropped ``ix_organization_office_id``, ``ix_organization_subdistrict_code`` and
  ``ix_organization_legal_rep_name``: no query selects organizations by these columns (the
  search reads its own index; a LIKE '%…%' fallback cannot use a B-tree);
- dropped ``ix_organization_established_on``: ``ix_organization_lifespan`` begins with the
  same column;
- ``ix_organization_deregistered_on`` and ``ix_organization_revoked_on`` become partial
  (``… IS NOT NULL``: ``ix_organization_deregistered``, ``ix_organization_revoked``): the
  statistics' ranges of a year imply the condition, and most organizations have neither
  date.
"""

import sqlalchemy as sa
from alembic import op

revision = '0024_compact_indexes'
down_revision = '0023_search_layout'
branch_labels = None
depends_on = None

_DROPPED = ('office_id', 'subdistrict_code', 'legal_rep_name', 'established_on')
_PARTIAL = (('ix_organization_deregistered', 'deregistered_on'),
            ('ix_organization_revoked', 'revoked_on'))


def upgrade() -> None:
    for column in _DROPPED:
        op.drop_index(f'ix_organization_{column}', table_name='organization')
    for name, column in _PARTIAL:
        op.drop_index(f'ix_organization_{column}', table_name='organization')
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, 'organization', [column], unique=False,
                        sqlite_where=where, postgresql_where=where)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE organization")


def downgrade() -> None:
    for name, column in _PARTIAL:
        op.drop_index(name, table_name='organization')
        op.create_index(f'ix_organization_{column}', 'organization', [column], unique=False)
    for column in _DROPPED:
        op.create_index(f'ix_organization_{column}', 'organization', [column], unique=False)
