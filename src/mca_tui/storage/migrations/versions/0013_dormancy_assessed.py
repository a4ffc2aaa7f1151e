"""dormancy summary: the stored assessment and the first activity (僵尸型社会组织)

Revision ID: 0013_dormancy_assessed
Revises: 0012_lifespan_index_with_id
Create Date: 2026-11-29 02:50:00

Adds to ``dormancy_summary`` the assessment the list reads instead of assessing each row
(``signals_json`` valid on ``[assessed_on, assessed_until)``, ``signals_since``), and
back-fills every row from the row itself, the working-day calendar and the first recorded
activity (approved change registrations, evaluations, spot checks that found the
organization operating: ``first_activity_on``, Z2). No read of the annual-report table.
Rows are recomputed with the office's own settings by the services on their next change
(and by ``mca-tui dormant --rebuild``); the back-fill uses the default legal parameters.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0013_dormancy_assessed'
down_revision = '0012_lifespan_index_with_id'
branch_labels = None
depends_on = None

_COLUMNS = ('signals_json', 'assessed_on', 'assessed_until', 'signals_since')
_DATES = ('registered_on', 'first_activity_on', 'certificate_valid_until',
          'abnormal_listed_on', 'open_case_filed_on', 'liquidation_started_on', 'delay_until',
          'watch_from', 'computed_on')
_TEXTS = ('organization_id', 'org_type', 'status', 'uscc', 'name', 'reports_json',
          'contacts_json')

_summary = sa.table(
    'dormancy_summary',
    *(sa.column(c, sa.String()) for c in _TEXTS),
    sa.column('reports_since_year', sa.Integer()),
    *(sa.column(c, sa.Date()) for c in _DATES),
    sa.column('signals_json', sa.String()),
    *(sa.column(c, sa.Date()) for c in ('assessed_on', 'assessed_until', 'signals_since')),
)


def upgrade() -> None:
    with op.batch_alter_table('dormancy_summary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signals_json', sa.String(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('assessed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('assessed_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('signals_since', sa.Date(), nullable=True))
    backfill(op.get_bind(), date.today())


def backfill(conn: sa.Connection, today: date) -> int:
    """Recompute ``first_activity_on``, ``watch_from`` and the stored assessment of the
    summary rows that enter the list within a year or have a first activity (chunks of
    2,000 rows in key order). Returns the number of rows rewritten."""
    from mca_tui.domain import dormancy as dm
    from mca_tui.domain.calendar import WorkingCalendar
    from mca_tui.domain.dormancy_row import decode
    from mca_tui.domain.params import LegalParams

    overrides = {d: bool(w) for d, w in conn.execute(
        sa.text("SELECT day, working FROM calendar_override")
        .columns(sa.column('day', sa.Date()), sa.column('working', sa.Boolean())))}
    years = {int(y) for (y,) in conn.execute(sa.text("SELECT year FROM calendar_year"))}
    cal, params = WorkingCalendar(overrides, complete_years=years), LegalParams()
    activity: dict[str, date] = {}
    spot = ", ".join(f"'{r}'" for r in dm.ACTIVITY_SPOT_CHECK_RESULTS)
    for sql in (
        "SELECT organization_id, MIN(COALESCE(received_on, decided_on)) AS d FROM application"
        " WHERE kind = 'change' AND status = 'approved' AND organization_id IS NOT NULL"
        " GROUP BY organization_id",
        "SELECT organization_id, MIN(record_date) AS d FROM supervision_record"
        f" WHERE kind = 'evaluation' OR (kind = 'spot_check' AND outcome IN ({spot}))"
        " GROUP BY organization_id",
    ):
        for oid, day in conn.execute(sa.text(sql).columns(
                sa.column('organization_id', sa.String()), sa.column('d', sa.Date()))):
            if day is not None:
                activity[oid] = min(day, activity.get(oid, day))
    update = (_summary.update()
              .where(_summary.c.organization_id == sa.bindparam('oid'))
              .values({c: sa.bindparam(f'v_{c}') for c in
                       ('first_activity_on', 'watch_from', 'computed_on', *_COLUMNS)}))
    inputs = [_summary.c[c] for c in (*_TEXTS, 'reports_since_year', *_DATES)]
    soon = today + timedelta(days=366)
    last, done = '', 0
    while True:
        rows = conn.execute(sa.select(*inputs).where(_summary.c.organization_id > last)
                            .order_by(_summary.c.organization_id).limit(2000)).mappings().all()
        if not rows:
            return done
        batch = []
        for row in rows:
            oid, watch = row['organization_id'], row['watch_from']
            first = activity.get(oid)
            # rows that enter the list within a year (or whose first activity is new) get
            # their assessment now; the others keep their watch_from and are assessed
            # when they enter it (services.dormancy.roll_forward), if no service rewrote
            # them before
            if first == row['first_activity_on'] and (watch is None or watch > soon):
                continue
            s = replace(decode(row), first_activity_on=first)
            derived = dm.window_columns(s, today, cal, params)
            batch.append({'oid': oid, 'v_first_activity_on': first,
                          **{f'v_{k}': v for k, v in derived.items()}})
        if batch:
            conn.execute(update, batch)
        done += len(batch)
        last = rows[-1]['organization_id']


def downgrade() -> None:
    with op.batch_alter_table('dormancy_summary', schema=None) as batch_op:
        for name in reversed(_COLUMNS):
            batch_op.drop_column(name)
