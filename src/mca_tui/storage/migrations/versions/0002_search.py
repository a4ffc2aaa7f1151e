"""search index of organizations (SQLite FTS5, one token per character)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 18:30:00

Adds ``organization.search_rowid`` (the organization's row in the search index) and,
on SQLite only, the FTS5 table maintained by ``storage.sqlite_search`` (see that module
for the layout). Existing organizations are indexed during the upgrade.
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_rowid', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organization_search_rowid'), ['search_rowid'],
                              unique=True)
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from mca_tui.storage import sqlite_search, sqlite_search_write

    for statement in sqlite_search.CREATE_STATEMENTS:
        op.execute(statement)
    sqlite_search_write.rebuild_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from mca_tui.storage import sqlite_search

        op.execute(f"DROP TABLE IF EXISTS {sqlite_search.FTS_TABLE}")
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_search_rowid'))
        batch_op.drop_column('search_rowid')
