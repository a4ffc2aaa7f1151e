"""spot-check plans (双随机抽查计划)

Revision ID: 0004_spot_check
Revises: 0003
Create Date: 2026-11-28 23:55:00

Adds ``spot_check_plan``: a plan's filter, frozen population and hash, ratio, seed,
draw, officers, declared conflicts and inspectors, so that ``mca-tui spotcheck verify``
can re-run every recorded draw (domain.md §8).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004_spot_check'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spot_check_plan',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('office_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('ratio_percent', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('per_org', sa.Integer(), nullable=False),
    sa.Column('filter_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('population_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('population_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('seed', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('algorithm', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('drawn_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('officers_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('conflicts_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('inspectors_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('drawn_on', sa.Date(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('steps_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'],
                            name=op.f('fk_spot_check_plan_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_plan'))
    )
    with op.batch_alter_table('spot_check_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_plan_year'), ['year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('spot_check_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_plan_year'))
    op.drop_table('spot_check_plan')
