"""audit events record the operating-system account of the writing process

Revision ID: 0010_audit_os_account
Revises: 0009_stats_lifespan_index
Create Date: 2026-11-29 00:50:00

Every event records both who acted in the registry (actor_*) and the OS account (real
uid) of the process that wrote it; hash version 3 (HMAC with the chain key) covers it.
"""

import sqlalchemy as sa
from alembic import op


revision = '0010_audit_os_account'
down_revision = '0009_stats_lifespan_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event') as batch:
        batch.add_column(sa.Column('os_account', sa.String(length=64), nullable=False,
                                   server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_column('os_account')
