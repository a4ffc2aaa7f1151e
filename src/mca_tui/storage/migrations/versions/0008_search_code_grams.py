"""SQLite search index: USCC as 4-character grams instead of every suffix

Revision ID: 0008_search_code_grams
Revises: 0007_dormancy_delay
Create Date: 2026-11-29 00:40:00

The ``code`` column of the FTS5 table held every suffix of the code as a token, nearly all
of them distinct terms: most of the index's size. It now holds overlapping 4-character
grams (storage.sqlite_search), found by the same queries. The index is rebuilt (in chunks)
on SQLite; nothing changes on PostgreSQL (its index has its own code tokens). Downgrade
rebuilds with the current layout as well; the old token layout is not restored.
"""

from alembic import op


revision = '0008_search_code_grams'
down_revision = '0007_dormancy_delay'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from mca_tui.storage import sqlite_search_write

    sqlite_search_write.rebuild_index(bind)


def downgrade() -> None:
    pass
