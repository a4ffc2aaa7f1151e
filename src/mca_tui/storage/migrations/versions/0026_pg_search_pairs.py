"""PostgreSQL search index: a lexeme for each pair of adjacent characters of the name,
the legal representative and the address

Revision ID: 0026_pg_search_pairs
Revises: 0025_dormancy_articles
Create Date: 2026-11-29 09:10:00

Issue 12 (search on PostgreSQL): a query of two or more characters was the phrase of its
characters (``'n社' <-> 'n工'``). GIN keeps no positions, so every row holding all the
characters anywhere was read back and its tsvector checked by position: for two common
characters at 100k organizations that took 28 of a page's 36 ms, and it grows with the
registry. The tsvector now also holds each pair of adjacent characters of a text column
at the position of its first character (``'n社工'``), so two characters are one lexeme
(no check by position) and more are the phrase of their overlapping pairs, which only
the rows holding every pair are checked for (storage.postgres_search). On PostgreSQL the
index is rebuilt from the organizations (emptied first with TRUNCATE); nothing changes
on SQLite, whose FTS5 index keeps positions. Downgrade leaves the index as it is (the
older queries find the same rows in it): nothing to undo.
"""

from alembic import op

revision = '0026_pg_search_pairs'
down_revision = '0025_dormancy_articles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from mca_tui.storage import postgres_search

    postgres_search.rebuild_from_empty(bind)


def downgrade() -> None:
    pass
