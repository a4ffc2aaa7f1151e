"""audit subjects and change rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 23:40:00

Adds ``audit_change`` (every row an audited operation wrote, inside the event's hash),
``audit_subject`` (what each event is about, searched by index in time order) and
``audit_event.hash_version``, and drops ``ix_audit_event_org_at`` (the index now answers
"events about X"). Events written before this revision keep hash version 1
(their hash covers no change rows), so existing chains still verify. The subject index
is back-filled from the old events: their entity and organization, the ``entity:id``
keys under which the old code kept further records in before/after, and for ledger
imports the organizations the batch created, changed or added reports/records to.
"""

import json
import re

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Old subject names that differ from the table name (new events name the table).
_TABLES = {"user": "user_account"}
_KEY = re.compile(r"^([a-z_]{1,40}):([0-9a-f]{32})$")


def upgrade() -> None:
    op.create_table('audit_change',
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('operation', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('before_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('after_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['audit_event.id'], name=op.f('fk_audit_change_event_id_audit_event')),
    sa.PrimaryKeyConstraint('event_id', 'ordinal', name=op.f('pk_audit_change'))
    )
    with op.batch_alter_table('audit_change', schema=None) as batch_op:
        batch_op.create_index('ix_audit_change_entity_entity_id_event_id',
                              ['entity', 'entity_id', 'event_id'], unique=False)
    op.create_table('audit_subject',
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['audit_event.id'], name=op.f('fk_audit_subject_event_id_audit_event')),
    sa.PrimaryKeyConstraint('entity', 'entity_id', 'at', 'event_id', name=op.f('pk_audit_subject'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash_version', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.drop_index('ix_audit_event_org_at')
    _backfill_subjects(op.get_bind())


def _backfill_subjects(bind) -> None:
    rows: set[tuple[str, str, object, str]] = set()
    events = bind.execute(sa.text(
        "SELECT id, at, entity, entity_id, organization_id, before_json, after_json "
        "FROM audit_event")).fetchall()
    for event_id, at, entity, entity_id, org_id, before_json, after_json in events:
        if entity and entity_id:
            rows.add((_TABLES.get(entity, entity), entity_id, at, event_id))
        if org_id:
            rows.add(("organization", org_id, at, event_id))
        for raw in (before_json, after_json):
            try:
                data = json.loads(raw or "{}")
            except ValueError:
                continue
            if not isinstance(data, dict):
                continue
            for key in data:
                if m := _KEY.match(str(key)):
                    rows.add((_TABLES.get(m.group(1), m.group(1)), m.group(2), at, event_id))
            if entity == "import_batch":
                for oid in data.get("changed_organization_ids") or ():
                    rows.add(("organization", str(oid), at, event_id))
    # Organizations an import created, or brought reports and records to.
    for sql in (
        "SELECT o.id, e.at, e.id FROM organization o JOIN audit_event e "
        "ON e.entity = 'import_batch' AND e.entity_id = o.import_batch_id",
        "SELECT r.organization_id, e.at, e.id FROM annual_report r JOIN audit_event e "
        "ON e.entity = 'import_batch' AND e.entity_id = r.import_batch_id",
        "SELECT r.organization_id, e.at, e.id FROM supervision_record r JOIN audit_event e "
        "ON e.entity = 'import_batch' AND e.entity_id = r.import_batch_id",
    ):
        for org_id, at, event_id in bind.execute(sa.text(sql)):
            rows.add(("organization", org_id, at, event_id))
    if rows:
        bind.execute(sa.text(
            "INSERT INTO audit_subject (entity, entity_id, at, event_id) "
            "VALUES (:entity, :entity_id, :at, :event_id)"),
            [{"entity": e, "entity_id": i, "at": at, "event_id": ev} for e, i, at, ev in rows])


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_org_at', ['organization_id', 'at'], unique=False)
        batch_op.drop_column('hash_version')
    op.drop_table('audit_subject')
    op.drop_table('audit_change')
