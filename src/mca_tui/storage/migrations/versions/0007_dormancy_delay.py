"""dormancy delays (已准予延期)

Revision ID: 0007_dormancy_delay
Revises: 0006_postgres_search
Create Date: 2026-11-29 00:15:00

Adds ``dormancy_delay``: a delay granted to an organization until a date, during which
it is not proposed for a revocation case (services.dormancy.grant_delay).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007_dormancy_delay'
down_revision = '0006_postgres_search'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('dormancy_delay',
    sa.Column('id', _S(length=32), nullable=False),
    sa.Column('office_id', _S(length=32), nullable=False),
    sa.Column('organization_id', _S(length=32), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('reason', _S(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'],
                            name=op.f('fk_dormancy_delay_office_id_office')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_dormancy_delay_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dormancy_delay'))
    )
    with op.batch_alter_table('dormancy_delay', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dormancy_delay_organization_id'),
                              ['organization_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dormancy_delay', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dormancy_delay_organization_id'))
    op.drop_table('dormancy_delay')
