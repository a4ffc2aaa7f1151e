"""The home queues that read per-organization summaries (issue 12) and the reviewer's
queue of annual reports awaiting a conclusion (issue 10): each count equals its list,
the summary agrees with the plain definition on every organization, and the queries
are index ranges (EXPLAIN: no SCAN)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlmodel import col

from mca_tui.domain.enums import OrgType, Role
from mca_tui.services import queues
from mca_tui.services.organizations import insert_organization
from mca_tui.storage import report_summary
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import AnnualReport, Organization
from mca_tui.storage.models_summary import ReportSummary

TODAY = date(2024, 11, 26)  # last closed report year: 2023


def _org(ctx, name, established, **kw):
    with ctx.unit("test.org", subject=Subject("test", None)) as unit:
        return insert_organization(unit, office_id=ctx.actor.office_id,
                                   org_type=kw.pop("org_type", OrgType.SOCIAL_GROUP), name=name,
                                   established_on=established, **kw).id


def _report(ctx, org_id, year, **kw):
    with ctx.unit("test.add", subject=Subject("test", None)) as unit:
        row = AnnualReport(office_id=ctx.actor.office_id, organization_id=org_id,
                           report_year=year, **kw)
        unit.session.add(row)
    return row.id


def _reference(ctx, today):
    """The organizations the plain definition (every organization, anti-join) lists."""
    year = queues.last_closed_report_year(ctx, today)
    with ctx.db.read() as s:
        return {r[0] for r in s.exec(select(Organization.id)
                                     .where(queues._report_due_filter(ctx, year)))}


def _listed(ctx, queue, today=TODAY):
    return {i.organization_id for i in queues.items(ctx, queue, today, limit=10_000)}


def _count(ctx, queue, today=TODAY):
    return {s.id: s.count for s in queues.summaries(ctx, today)}[queue]


def test_overdue_summary_equals_the_definition_through_every_kind_of_write(ctx):
    o = ctx.actor.office_id
    never = _org(ctx, "海沧区从未报送协会", date(2015, 1, 1))
    old = _org(ctx, "海沧区旧报协会", date(2015, 1, 1))
    _report(ctx, old, 2021, conclusion="pass")
    ahead = _org(ctx, "海沧区只报次年协会", date(2015, 1, 1))  # 2024 in, 2023 missing
    _report(ctx, ahead, 2022, conclusion="pass")
    _report(ctx, ahead, 2024, submitted_on=date(2025, 1, 5))
    both = _org(ctx, "海沧区两年均报协会", date(2015, 1, 1))
    _report(ctx, both, 2023, conclusion="accepted")
    _report(ctx, both, 2024, submitted_on=date(2025, 1, 5))
    pending = _org(ctx, "海沧区待审协会", date(2015, 1, 1))
    _report(ctx, pending, 2023, submitted_on=date(2024, 5, 1))
    returned = _org(ctx, "海沧区退回协会", date(2015, 1, 1))
    rid = _report(ctx, returned, 2023, conclusion="returned", submitted_on=date(2024, 5, 1))
    failed = _org(ctx, "海沧区不合格协会", date(2015, 1, 1))
    _report(ctx, failed, 2023, conclusion="fail", submitted_on=date(2024, 5, 1))
    _org(ctx, "海沧区新设协会", date(2023, 7, 1))  # after the cut-off: not due
    closed = _org(ctx, "海沧区已注销协会", date(2015, 1, 1), status="deregistered",
                  deregistered_on=date(2023, 3, 1))
    expected = {never, old, ahead, returned}
    assert _reference(ctx, TODAY) == expected
    assert _listed(ctx, "reports_overdue") == expected
    assert _count(ctx, "reports_overdue") == 4
    # an update through the session: the returned report resubmitted, and accepted
    with ctx.unit("test.op", subject=Subject("test", None)) as unit:
        row = unit.session.get(AnnualReport, rid)
        row.conclusion, row.submitted_on = None, date(2024, 6, 1)
    # a status change and a registration date corrected
    with ctx.unit("test.op", subject=Subject("test", None)) as unit:
        unit.session.get(Organization, never).status = "revoked"
        unit.session.get(Organization, closed).status = "active"
    # a deleted report, and a bulk insert through Unit.insert_rows
    with ctx.unit("test.op", subject=Subject("test", None)) as unit:
        s = unit.session
        s.delete(s.exec(select(AnnualReport).where(AnnualReport.organization_id == both,
                                                   AnnualReport.report_year == 2023))
                 .scalar_one())
    with ctx.unit("test.op", subject=Subject("test", None)) as unit:
        unit.insert_rows(AnnualReport, [{"id": "bulk1", "office_id": o, "organization_id": old,
                                         "report_year": 2023, "mode": "report",
                                         "conclusion": "accepted", "supervisory_opinion": "",
                                         "note": ""}])
    # (the one made active again still closed in March 2023: not due for 2023)
    expected = {ahead, both}
    assert _reference(ctx, TODAY) == expected
    assert _listed(ctx, "reports_overdue") == expected
    assert _count(ctx, "reports_overdue") == 2
    # on another day (last closed year 2024) the same rows give the definition again
    later = date(2025, 6, 20)
    assert queues.last_closed_report_year(ctx, later) == 2024
    assert _listed(ctx, "reports_overdue", later) == _reference(ctx, later)
    assert _count(ctx, "reports_overdue", later) == len(_reference(ctx, later))
    # the rows are exactly what a rebuild derives (nothing else hides in the table)
    with ctx.db.engine.connect() as conn:
        stored = set(conn.execute(text("SELECT * FROM report_summary")).all())
    with ctx.db.engine.begin() as conn:
        report_summary.rebuild(conn)
        assert set(conn.execute(text("SELECT * FROM report_summary")).all()) == stored


def test_overdue_list_is_longest_silent_first_and_bounded(ctx):
    a = _org(ctx, "海沧区甲协会", date(2016, 1, 1))
    b = _org(ctx, "海沧区乙协会", date(2015, 1, 1))
    c = _org(ctx, "海沧区丙协会", date(2017, 1, 1))
    _report(ctx, a, 2022, conclusion="pass")
    _report(ctx, c, 2021, conclusion="pass")
    items = queues.items(ctx, "reports_overdue", TODAY)
    assert [i.organization_id for i in items] == [b, c, a]
    assert all(i.year == 2023 and i.overdue for i in items)
    assert [i.organization_id for i in queues.items(ctx, "reports_overdue", TODAY, limit=2)] \
        == [b, c]


def test_reports_awaiting_conclusion_for_the_reviewer(ctx, make_ctx):
    a = _org(ctx, "海沧区甲协会", date(2016, 1, 1))
    b = _org(ctx, "海沧区乙协会", date(2016, 1, 1))
    _report(ctx, a, 2023, submitted_on=date(2024, 5, 10))
    _report(ctx, b, 2023, submitted_on=date(2024, 4, 1))
    _report(ctx, b, 2022, submitted_on=date(2023, 4, 1), conclusion="pass")
    _report(ctx, a, 2022, conclusion="not_submitted")
    reviewer = make_ctx("r", Role.REVIEWER, today=TODAY)
    clerk = make_ctx("c", Role.CLERK, today=TODAY)
    assert "reports_awaiting_conclusion" in queues.visible_queues(reviewer)
    assert "reports_awaiting_conclusion" not in queues.visible_queues(clerk)
    items = queues.items(reviewer, "reports_awaiting_conclusion", TODAY)
    assert [(i.organization_id, i.year) for i in items] == [(b, 2023), (a, 2023)]
    assert _count(reviewer, "reports_awaiting_conclusion") == 2
    for summary in queues.summaries(reviewer, TODAY):
        assert summary.count == len(queues.items(reviewer, summary.id, TODAY)), summary.id


def _plan(db, stmt) -> list[str]:
    sql = str(stmt.compile(dialect=sqlite_dialect.dialect(),
                           compile_kwargs={"literal_binds": True}))
    raw = sqlite3.connect(db.path)
    try:
        return [r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {sql}")]
    finally:
        raw.close()


@pytest.mark.sqlite_only
def test_queue_queries_are_index_ranges(ctx, db):
    t = ReportSummary.__table__
    year = queues.last_closed_report_year(ctx, TODAY)
    stmts = []
    for r in queues._overdue_ranges(ctx, year):
        stmts.append(select(func.count()).select_from(t).where(r))
        stmts.append(select(t.c.organization_id).where(r)
                     .order_by(t.c.last_year, t.c.established_on).limit(200))
    stmts.append(queues._awaiting_statement().order_by(col(AnnualReport.submitted_on))
                 .limit(200))
    stmts.append(select(func.count()).select_from(AnnualReport)
                 .where(col(AnnualReport.conclusion).is_(None),
                        col(AnnualReport.submitted_on).is_not(None)))
    for queue in ("rectifications", "abnormal_two_years", "case_steps"):
        stmts.append(queues._statement(ctx, queue, TODAY)[0])
    from mca_tui.storage.models import CreditListEntry

    stmts.append(select(func.count()).select_from(CreditListEntry)
                 .where(*queues._abnormal_two_years(ctx, TODAY)))
    for stmt in stmts:
        plan = _plan(db, stmt)
        assert not any(p.startswith("SCAN") for p in plan), plan
        assert not any("TEMP B-TREE" in p for p in plan), plan


def test_case_steps_is_the_range_of_filing_dates_whose_decision_is_due_soon(ctx):
    from datetime import timedelta

    from mca_tui.domain import clocks
    from mca_tui.storage.models import PenaltyCase

    o = ctx.actor.office_id
    org_id = _org(ctx, "海沧区案件协会", date(2015, 1, 1))
    start = date(2024, 6, 1)
    filed = [start + timedelta(days=i) for i in range(0, 150, 1)]
    with ctx.unit("test.case", subject=Subject("test", None)) as unit:
        for i, day in enumerate(filed):
            unit.session.add(PenaltyCase(id=f"c{i:03d}", office_id=o, organization_id=org_id,
                                         filed_on=day))
    cal = ctx.calendar
    for today in (date(2024, 9, 13), date(2024, 9, 30), date(2024, 10, 8), date(2024, 11, 26)):
        expected = {f"c{i:03d}" for i, day in enumerate(filed)
                    if clocks.penalty_decision_deadline(day, cal).working_days_left(today, cal)
                    <= queues.CASE_STEP_WORKING_DAYS}
        got = queues.items(ctx, "case_steps", today, limit=10_000)
        assert len(got) == len(expected) == _count(ctx, "case_steps", today), today
        last = queues._last_filed_due_soon(ctx, today)
        assert {f"c{i:03d}" for i, day in enumerate(filed) if day <= last} == expected


def test_home_overview_counts_every_overdue_report_and_reads_no_list_without_clocks(
        ctx, monkeypatch):
    from mca_tui.ui.screens.home import queue_overview

    for i in range(3):
        _report(ctx, _org(ctx, f"海沧区待审{i}协会", date(2016, 1, 1)), 2023,
                submitted_on=date(2024, 5, 10))
    for i in range(5):
        _org(ctx, f"海沧区未报{i}协会", date(2016, 1, 1))
    ctx.today = lambda: TODAY
    listed = []
    real_items = queues.items

    def spy(c, queue, *a, **kw):
        listed.append(queue)
        return real_items(c, queue, *a, **kw)

    monkeypatch.setattr(queues, "items", spy)
    overview = {s.id: (s.count, overdue, nearest) for s, overdue, nearest in queue_overview(ctx)}
    assert overview["reports_overdue"] == (5, 5, None)
    assert overview["reports_awaiting_conclusion"] == (3, 0, None)
    assert "reports_overdue" not in listed and "reports_awaiting_conclusion" not in listed
    items = real_items(ctx, "reports_overdue", TODAY)
    assert len(items) == 5 and all(i.overdue for i in items)


def test_evaluation_expiring_reads_only_latest_grades_old_enough(ctx):
    from mca_tui.storage.models import SupervisionRecord

    o = ctx.actor.office_id
    expiring = _org(ctx, "海沧区到期协会", date(2010, 1, 1))
    renewed = _org(ctx, "海沧区已复评协会", date(2010, 1, 1))
    later = _org(ctx, "海沧区未到期协会", date(2010, 1, 1))
    expired = _org(ctx, "海沧区已过期协会", date(2010, 1, 1))

    def grade(org_id, on, g="3A"):
        with ctx.unit("test.add", subject=Subject("test", None)) as unit:
            unit.session.add(SupervisionRecord(office_id=o, organization_id=org_id,
                                               kind="evaluation", record_date=on, grade=g))

    grade(expiring, date(2019, 12, 20))  # valid until 2024-12-20: within 180 days
    grade(renewed, date(2019, 12, 20))
    grade(renewed, date(2023, 3, 1), "4A")  # the latest grade counts
    grade(later, date(2020, 7, 1))  # until 2025-07-01: 217 days away
    grade(expired, date(2015, 5, 5))  # expired long ago: still listed, overdue
    items = queues.items(ctx, "evaluation_expiring", TODAY)
    assert [i.organization_id for i in items] == [expired, expiring]
    assert items[0].overdue and not items[1].overdue
    assert _count(ctx, "evaluation_expiring") == 2
