"""search terms of applications (F3 finds applications and drafts)

Revision ID: 0011_application_search
Revises: 0010_audit_os_account
Create Date: 2026-11-29 01:05:00

``application_term``: every suffix of an application's number, proposed name and
applicant, so a typed fragment is a prefix range on (office_id, term) — the search box
finds applications without reading the application table (storage.application_search).
Filled here from the existing applications.
"""

import sqlalchemy as sa
from alembic import op

revision = '0011_application_search'
down_revision = '0010_audit_os_account'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mca_tui.storage.application_search import rows_for

    term = op.create_table(
        'application_term',
        sa.Column('application_id', sa.String(length=32), nullable=False),
        sa.Column('term', sa.String(length=200), nullable=False),
        sa.Column('office_id', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('application_id', 'term', name=op.f('pk_application_term')),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # byte order, as on SQLite: the prefix range (term < q || U+10FFFF) needs it
        op.execute('ALTER TABLE application_term ALTER COLUMN term TYPE varchar(200) '
                   'COLLATE "C"')
    op.create_index('ix_application_term_office_id_term', 'application_term',
                    ['office_id', 'term'], unique=False)
    rows = [r for a in bind.execute(sa.text(
        "SELECT id, office_id, number, form_json FROM application")).mappings()
        for r in rows_for(a["id"], a["office_id"], a["number"], a["form_json"])]
    if rows:
        op.bulk_insert(term, rows)


def downgrade() -> None:
    op.drop_index('ix_application_term_office_id_term', table_name='application_term')
    op.drop_table('application_term')
