"""SQLite search index: contentless FTS5 without column sizes

Revision ID: 0017_search_contentless
Revises: 0016_report_summary_stats
Create Date: 2026-11-29 02:45:00

The FTS5 table stored every document a second time (its ``_content`` shadow table) and
each row's column sizes (``_docsize``), about a quarter of the index, though both are
derived from the organization row and nothing reads them. The table is now created with
``content=''`` and ``columnsize=0`` (storage.sqlite_search) and rebuilt from the
organizations, streamed in chunks, inside this migration. Nothing changes on PostgreSQL.
Downgrade leaves the contentless table (the older code reads no content either, but
deletes rows with ``DELETE``): rebuild with the older layout by downgrading further.
"""

from alembic import op

revision = '0017_search_contentless'
down_revision = '0016_report_summary_stats'
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
