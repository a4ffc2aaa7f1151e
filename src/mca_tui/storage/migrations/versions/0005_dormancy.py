"""dormancy summary and contact attempts (僵尸型社会组织)

Revision ID: 0005_dormancy
Revises: 0004_spot_check
Create Date: 2026-11-29 00:10:00

Adds ``contact_attempt`` (registered letters, returned mail, field checks) and
``dormancy_summary`` (one row per organization with ``watch_from`` indexed), so that the
dormancy list is one indexed range read (domain.dormancy, services.dormancy).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005_dormancy'
down_revision = '0004_spot_check'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('contact_attempt',
    sa.Column('id', _S(length=32), nullable=False),
    sa.Column('office_id', _S(length=32), nullable=False),
    sa.Column('organization_id', _S(length=32), nullable=False),
    sa.Column('kind', _S(length=20), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('fate', _S(length=20), nullable=False),
    sa.Column('fate_on', sa.Date(), nullable=True),
    sa.Column('note', _S(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'],
                            name=op.f('fk_contact_attempt_office_id_office')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_contact_attempt_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_attempt'))
    )
    with op.batch_alter_table('contact_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_attempt_organization_id'),
                              ['organization_id'], unique=False)
    op.create_table('dormancy_summary',
    sa.Column('organization_id', _S(length=32), nullable=False),
    sa.Column('org_type', _S(length=32), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('status', _S(length=20), nullable=False),
    sa.Column('uscc', _S(length=18), nullable=False),
    sa.Column('name', _S(length=200), nullable=False),
    sa.Column('reports_json', _S(), nullable=False),
    sa.Column('reports_since_year', sa.Integer(), nullable=True),
    sa.Column('first_activity_on', sa.Date(), nullable=True),
    sa.Column('contacts_json', _S(), nullable=False),
    sa.Column('certificate_valid_until', sa.Date(), nullable=True),
    sa.Column('abnormal_listed_on', sa.Date(), nullable=True),
    sa.Column('open_case_filed_on', sa.Date(), nullable=True),
    sa.Column('liquidation_started_on', sa.Date(), nullable=True),
    sa.Column('delay_until', sa.Date(), nullable=True),
    sa.Column('watch_from', sa.Date(), nullable=True),
    sa.Column('computed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_dormancy_summary_organization_id_organization')),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_dormancy_summary'))
    )
    with op.batch_alter_table('dormancy_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dormancy_summary_watch_from'), ['watch_from'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dormancy_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dormancy_summary_watch_from'))
    op.drop_table('dormancy_summary')
    with op.batch_alter_table('contact_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_attempt_organization_id'))
    op.drop_table('contact_attempt')
