"""changes of term (换届)

Revision ID: 0015_change_of_term
Revises: 0014_report_summary
Create Date: 2026-11-29 02:40:00

Adds ``organization_term``: a change of term of an organization's council or board as
filed with the registration authority (services.registration.terms). A new table with
nothing to back-fill: earlier changes of term were never recorded.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015_change_of_term'
down_revision = '0014_report_summary'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('organization_term',
    sa.Column('id', _S(length=32), nullable=False),
    sa.Column('office_id', _S(length=32), nullable=False),
    sa.Column('organization_id', _S(length=32), nullable=False),
    sa.Column('term_number', sa.Integer(), nullable=True),
    sa.Column('elected_on', sa.Date(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('leaders_json', _S(), nullable=False),
    sa.Column('note', _S(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'],
                            name=op.f('fk_organization_term_office_id_office')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_organization_term_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_term'))
    )
    with op.batch_alter_table('organization_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_term_organization_id'),
                              ['organization_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('organization_term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_term_organization_id'))
    op.drop_table('organization_term')
