"""PostgreSQL search index: start marks holding the first character / initials; the index
rows carry the sort key and are written in its order

Revision ID: 0022_pg_search_marks
Revises: 0021_compact_storage
Create Date: 2026-11-29 06:00:00

The tsvector of ``organization_search`` marked the start of the name and of the first
reading's initials with a bare ``n^`` / ``p^`` lexeme that every organization carries, so
"name begins with 社" was every organization's mark checked by position against every
name holding 社 (50-150 ms at 100k organizations for a common first character). The
marks now hold the name's first character and the first letters of its initials
(storage.postgres_search), one short posting list each, like SQLite's start-mark tokens.
The index rows also get the organization's sort key and id (``sort_key``, ``org_id``):
a tier's matches are ordered and cut to a page in the index table, and a rebuild writes
the rows in that order. On PostgreSQL the columns are added and the index rebuilt from
the organizations (emptied first with TRUNCATE, so no dead rows are left); nothing
changes on SQLite. Downgrade leaves the index as it is: run ``mca-tui search --reindex``
with the older code (its "begins with" tier finds nothing in this layout).
"""

from alembic import op

revision = '0022_pg_search_marks'
down_revision = '0021_compact_storage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from mca_tui.storage import postgres_search

    op.execute(postgres_search.ADD_ORDER_COLUMNS)
    postgres_search.rebuild_from_empty(bind)


def downgrade() -> None:
    pass
