"""Per-organization summary of the annual reports (``report_summary``): what the home
queue "annual reports overdue" needs, so that its count and its first page are index
ranges instead of an anti-join of every organization with the report table.

One row per organization: its status, registration date and closing date (the earlier
of deregistration and revocation; copied from the organization), ``last_year`` (the latest report year it submitted, 0 if none) and
``previous_year`` (the latest submitted year before that, 0 if none). A report counts as
submitted when it is concluded (合格, 基本合格, 不合格 or accepted) or is in and awaiting
its conclusion; 退回 (returned) and 未提交 mean it is not in (domain.md §4, §10.10).

A report for year N can only be filed after N has ended, so at a day whose last closed
report year is Y no report later than Y + 1 exists, and "Y was not submitted" is exactly

    last_year < Y   or   (last_year > Y and previous_year < Y)

both ranges of the index ``(status, last_year, established_on, previous_year,
closed_on)`` (with ``established_on <= cutoff(Y)`` and the closing date read from the
same index entries).

For the statistics (reports.stats) the row also holds the organization's type and
``accepted_years``, a bit set: bit ``Y - ACCEPTED_BASE`` is set when the report of year
Y was accepted (合格, 基本合格 or 通过; years ``ACCEPTED_BASE`` to ``ACCEPTED_LAST``, others
are counted from the report table). A report year's "due" and "accepted" figures are
then one pass over the index ``(established_on, closed_on, org_type, accepted_years)``.

The rows are derived: an ``after_flush`` listener rewrites them for every organization
whose reports, status or registration date the flush wrote, with Core statements on the
flush's connection (so they are not audited changes of their own and commit or roll back
with the write); ``Unit.insert_rows`` calls :func:`after_insert_rows` for bulk inserts;
:func:`rebuild` recomputes every row (the migration, a registry written by a bulk path
that bypassed the session, e.g. ``bench/generate.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from mca_tui.domain.enums import ACCEPTED_CONCLUSIONS, ReportConclusion
from mca_tui.storage.models import AnnualReport, Organization
from mca_tui.storage.models_summary import ReportSummary

# A report counts as submitted once it is concluded (合格, 基本合格, 不合格 or accepted) or
# is in and awaiting its conclusion; 退回 (returned) and 未提交 mean it is not in.
SUBMITTED_CONCLUSIONS: tuple[str, ...] = (*ACCEPTED_CONCLUSIONS, ReportConclusion.FAIL.value)

ACCEPTED_BASE = 2000
ACCEPTED_LAST = ACCEPTED_BASE + 62  # bits 0..62 of a signed 64-bit integer

_CHUNK = 500


def _table() -> Any:  # noqa: ANN401 - a Core table
    return ReportSummary.__table__  # type: ignore[attr-defined]


def submitted(report: Any) -> Any:  # noqa: ANN401 - SQL expressions
    """SQL: the report (an ``annual_report`` table or alias) counts as submitted."""
    return or_(report.c.conclusion.in_(SUBMITTED_CONCLUSIONS),
               and_(report.c.conclusion.is_(None), report.c.submitted_on.is_not(None)))


def _source(ids: list[str] | None) -> Any:  # noqa: ANN401 - a Core select
    """The summary rows as a SELECT over ``organization`` (all, or the ``ids``)."""
    org = Organization.__table__  # type: ignore[attr-defined]
    last_r = aliased(AnnualReport.__table__)  # type: ignore[attr-defined]
    prev_r = aliased(AnnualReport.__table__)  # type: ignore[attr-defined]
    inner = aliased(AnnualReport.__table__)  # type: ignore[attr-defined]
    last = (select(func.max(last_r.c.report_year))
            .where(last_r.c.organization_id == org.c.id, submitted(last_r))
            .scalar_subquery())
    last_again = (select(func.max(inner.c.report_year))
                  .where(inner.c.organization_id == org.c.id, submitted(inner))
                  .scalar_subquery())
    previous = (select(func.max(prev_r.c.report_year))
                .where(prev_r.c.organization_id == org.c.id, submitted(prev_r),
                       prev_r.c.report_year < last_again)
                .scalar_subquery())
    dereg, revoked = org.c.deregistered_on, org.c.revoked_on
    closed = case((dereg.is_(None), revoked), (revoked.is_(None), dereg),
                  (revoked < dereg, revoked), else_=dereg)
    acc = aliased(AnnualReport.__table__)  # type: ignore[attr-defined]
    bit = cast(1, BigInteger).op("<<")(acc.c.report_year - ACCEPTED_BASE)
    accepted = (select(func.sum(bit))
                .where(acc.c.organization_id == org.c.id,
                       acc.c.conclusion.in_(ACCEPTED_CONCLUSIONS),
                       acc.c.report_year.between(ACCEPTED_BASE, ACCEPTED_LAST))
                .scalar_subquery())
    q = select(org.c.id, org.c.status, org.c.established_on, closed,
               func.coalesce(last, 0), func.coalesce(previous, 0), org.c.org_type,
               func.coalesce(accepted, 0))
    if ids is not None:
        q = q.where(org.c.id.in_(ids))
    return q


_COLUMNS = ["organization_id", "status", "established_on", "closed_on", "last_year",
            "previous_year", "org_type", "accepted_years"]


def refresh(conn: Connection, organization_ids: Iterable[str]) -> None:
    """Rewrite the rows of these organizations from their reports (none for an
    organization that no longer exists)."""
    table = _table()
    ids = sorted({i for i in organization_ids if i})
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        conn.execute(delete(table).where(table.c.organization_id.in_(chunk)))
        conn.execute(insert(table).from_select(_COLUMNS, _source(chunk)))


def rebuild(conn: Connection) -> int:
    """Recompute every row (set-based: one statement). Returns the number of rows."""
    table = _table()
    conn.execute(delete(table))
    conn.execute(insert(table).from_select(_COLUMNS, _source(None)))
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


_ORG_INPUTS = ("status", "established_on", "deregistered_on", "revoked_on", "org_type")


def _touched(session: Session) -> set[str]:
    ids: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AnnualReport):
            ids.add(obj.organization_id)
        elif isinstance(obj, Organization):
            if obj in session.new or obj in session.deleted:
                ids.add(obj.id)
                continue
            attrs = inspect(obj).attrs
            if any(getattr(attrs, name).history.has_changes() for name in _ORG_INPUTS):
                ids.add(obj.id)
    return ids


@event.listens_for(Session, "after_flush")
def _refresh_rows(session: Session, _flush_context: object) -> None:
    ids = _touched(session)
    if ids:
        refresh(session.connection(), ids)


def after_insert_rows(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Called by ``Unit.insert_rows`` (a bulk Core insert the flush does not see)."""
    key = "organization_id" if model is AnnualReport else "id" if model is Organization else ""
    if key:
        refresh(session.connection(), [str(r[key]) for r in rows if r.get(key)])
