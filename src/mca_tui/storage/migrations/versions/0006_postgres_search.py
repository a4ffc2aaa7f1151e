"""search index on PostgreSQL (tsvector + GIN); the search row number on both engines

Revision ID: 0006_postgres_search
Revises: 0005_dormancy
Create Date: 2026-11-29 00:30:00

``organization.search_rowid`` is the organization's row in the search index on either
engine (SQLite: the FTS5 rowid, storage.sqlite_search; PostgreSQL: the key of
``organization_search``, numbered by a sequence, storage.postgres_search), so no
engine-only state is kept on the shared table. On PostgreSQL this revision creates the
index table, its sequence and GIN index, gives ``name_sort_key`` the "C" collation
(SQLite compares sort keys byte by byte; a locale collation would ignore the spaces
between syllables and order results differently), and indexes existing organizations.
Nothing changes on SQLite.
"""

from alembic import op


revision = '0006_postgres_search'
down_revision = '0005_dormancy'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from mca_tui.storage import postgres_search

    op.execute('ALTER TABLE organization ALTER COLUMN name_sort_key TYPE VARCHAR(400) '
               'COLLATE "C"')
    for statement in postgres_search.CREATE_STATEMENTS:
        op.execute(statement)
    postgres_search.rebuild_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from mca_tui.storage import postgres_search

    for statement in postgres_search.DROP_STATEMENTS:
        op.execute(statement)
    op.execute('ALTER TABLE organization ALTER COLUMN name_sort_key TYPE VARCHAR(400) '
               'COLLATE "default"')
