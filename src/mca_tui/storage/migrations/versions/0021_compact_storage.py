"""compact storage: audit_subject without rowid, no report years in the dormancy summary

Revision ID: 0021_compact_storage
Revises: 0020_open_listing_index
Create Date: 2026-11-29 05:45:00

Issue 12 (database size per organization):

- ``audit_subject`` (every column is its primary key) becomes a WITHOUT ROWID table on
  SQLite: a rowid table stored each row twice, in the table and in its key index. The
  timeline still searches the key (entity, entity_id, at, event_id). PostgreSQL keeps its
  heap table and key index (no such option there).
- ``dormancy_summary`` no longer stores ``reports_json`` (the report years, read from
  ``annual_report`` by its (organization_id, report_year) index when a row is assessed
  again: a row whose stored assessment ran out, ``services.dormancy.roll_forward``).
  ``uscc`` and ``name`` stay: the whole list (tens of thousands of rows at a million
  organizations) shows them without one organization lookup per row.

On SQLite the pages freed here stay in the file until ``VACUUM`` (not run inside a
migration: it needs no open transaction and rewrites the whole file).
"""

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0021_compact_storage'
down_revision = '0020_open_listing_index'
branch_labels = None
depends_on = None

_SUBJECT_KEY = ('entity', 'entity_id', 'at', 'event_id')


def _subject_table(name: str, *, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['audit_event.id'],
                                name='fk_audit_subject_event_id_audit_event'),
        sa.PrimaryKeyConstraint(*_SUBJECT_KEY, name='pk_audit_subject'),
        sqlite_with_rowid=with_rowid,
    )


def _rebuild_subjects(*, with_rowid: bool) -> None:
    """Copy ``audit_subject`` into a table of the other kind, in key order (a WITHOUT
    ROWID table is its key's B-tree: appending in order packs its pages)."""
    columns = ", ".join(_SUBJECT_KEY)
    _subject_table('audit_subject_new', with_rowid=with_rowid)
    op.execute(f"INSERT INTO audit_subject_new ({columns}) "  # noqa: S608 - constants
               f"SELECT {columns} FROM audit_subject ORDER BY {columns}")
    op.drop_table('audit_subject')
    op.rename_table('audit_subject_new', 'audit_subject')


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _rebuild_subjects(with_rowid=False)
    with op.batch_alter_table('dormancy_summary', schema=None) as batch_op:
        batch_op.drop_column('reports_json')
    if sqlite:
        op.execute("ANALYZE audit_subject")
        op.execute("ANALYZE dormancy_summary")


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('dormancy_summary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reports_json', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=False, server_default='[]'))
    reports: dict[str, list[list[object]]] = {}
    for oid, year, conclusion, submitted, concluded in bind.execute(sa.text(
            "SELECT organization_id, report_year, conclusion, submitted_on, concluded_on"
            " FROM annual_report ORDER BY organization_id, report_year")):
        reports.setdefault(oid, []).append(
            [year, conclusion, str(submitted)[:10] if submitted else None,
             str(concluded)[:10] if concluded else None])
    update = sa.text("UPDATE dormancy_summary SET reports_json = :j"
                     " WHERE organization_id = :oid")
    batch = [{"oid": oid, "j": json.dumps(years, ensure_ascii=False, separators=(",", ":"))}
             for oid, years in reports.items()]
    for start in range(0, len(batch), 5000):
        bind.execute(update, batch[start:start + 5000])
    if bind.dialect.name == "sqlite":
        _rebuild_subjects(with_rowid=True)
