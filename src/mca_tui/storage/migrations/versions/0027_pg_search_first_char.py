"""PostgreSQL search index: the first character of each name, indexed with the sort key

Revision ID: 0027_pg_search_first_char
Revises: 0026_pg_search_pairs
Create Date: 2026-11-29 09:30:00

Issue 12 (search on PostgreSQL): "the name begins with 莆田" tested the first 1,000
organizations of the sort-key range of 莆's readings (f... to p...) and, finding no page
among them (the 福州 names come first), read every name that begins with 莆 from the GIN
index and sorted them: 16 ms at 100k organizations, ten times that at a million. The
index table now keeps the name's first character (``first_char``) with an index on
(first_char, sort_key, org_id), and that tier tests the first 1,000 names that begin with
the character, in order (storage.postgres_search). On PostgreSQL the column and index are
added and the index table rebuilt (emptied first with TRUNCATE); nothing changes on
SQLite, whose rows are numbered in sort-key order. Downgrade drops the column.
"""

from alembic import op

revision = '0027_pg_search_first_char'
down_revision = '0026_pg_search_pairs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from mca_tui.storage import postgres_search

    for statement in postgres_search.ADD_FIRST_CHAR:
        op.execute(statement)
    postgres_search.rebuild_from_empty(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from mca_tui.storage import postgres_search

    op.execute(f"DROP INDEX IF EXISTS ix_{postgres_search.TABLE}_first")
    op.execute(f"ALTER TABLE {postgres_search.TABLE} DROP COLUMN IF EXISTS first_char")
