"""SQLite search index without prefix indexes (half the size)

Revision ID: 0023_search_layout
Revises: 0022_pg_search_marks
Create Date: 2026-11-29 06:00:00

The FTS5 table was created with ``prefix = '1 2 3'``: FTS5 counts prefixes in
characters, so every 1-character token of names, representatives and addresses was
written twice and every code and initials gram up to four times, about two thirds of the
index (1,303 bytes per organization at 100k). The table is now created without prefix
indexes; the 1- to 3-character fragments of codes and initials that short queries look
up are indexed as tokens of their own (storage.sqlite_search), the pinyin column comes
first (FTS5 writes no column header for the first column): about 810 bytes per
organization, same results (659 with rows numbered 16 apart, which was tried and given
up: see sqlite_search_write.GAP). The index is rebuilt from the organizations, streamed in chunks, inside this
migration. Nothing changes on PostgreSQL. Downgrade leaves the new table (the older
code would query it with prefix queries): rebuild with ``search --reindex`` under the
older code.
"""

from alembic import op

revision = '0023_search_layout'
down_revision = '0022_pg_search_marks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from mca_tui.storage import sqlite_search_write

    sqlite_search_write.rebuild_index(bind)  # drops the old table, creates the current layout


def downgrade() -> None:
    pass
