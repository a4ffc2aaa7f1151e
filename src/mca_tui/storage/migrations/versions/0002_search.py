"""search index of organizations (SQLite FTS5, one token per character)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 18:30:00

The index is a SQLite-specific FTS5 table maintained by ``storage.sqlite_search``
(see that module for the layout); other databases search with plain SQL and get no
index table. Existing organizations are indexed during the upgrade.
"""

from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from mca_tui.storage import sqlite_search

    for statement in sqlite_search.CREATE_STATEMENTS:
        op.execute(statement)
    sqlite_search.rebuild_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from mca_tui.storage import sqlite_search

    op.execute(f"DROP TABLE IF EXISTS {sqlite_search.FTS_TABLE}")
