"""The statistics read the per-organization report summary (storage.report_summary):
the same figures as counting the organization and report tables, for every year and
after every kind of change, and one pass over a covering index (issue 12)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from mca_tui.reports import stats
from mca_tui.services.ledger_import import import_ledger
from mca_tui.storage import report_summary
from mca_tui.storage.models import AnnualReport, Organization

from .helpers import code, ledger, org


@pytest.fixture
def registry(ctx):
    ctx.today = lambda: date(2024, 1, 31)
    orgs = [
        org(1, "社会团体", "2019-06-30"),
        org(2, "民办非企业单位", "2021-07-01"),  # after the 2021 cut-off, reports anyway
        org(3, "民办非企业单位", "2019-01-01", "已注销", 注销日期="2022-01-01"),
        org(4, "社会团体", "2018-05-05", "已注销", 注销日期="2021-12-31"),  # reports 2021
        org(5, "基金会", "2015-02-02"),
        org(6, "社会团体", "2017-04-04", "已撤销", 撤销日期="2022-05-06", 撤销类别="僵尸型"),
    ]
    reports = [
        {"统一社会信用代码": code(1, "1"), "报告年度": y, "提交日期": f"{y + 1}-04-01",
         "结论": c} for y, c in ((2019, "合格"), (2020, "基本合格"), (2021, "通过"),
                                (2022, "不合格"))
    ] + [
        {"统一社会信用代码": code(2, "2"), "报告年度": 2021, "提交日期": "2022-04-01",
         "结论": "合格"},
        {"统一社会信用代码": code(3, "2"), "报告年度": 2021, "提交日期": "2022-04-01",
         "结论": "合格"},
        {"统一社会信用代码": code(4, "1"), "报告年度": 2021, "提交日期": "2022-02-01",
         "结论": "通过"},
        {"统一社会信用代码": code(5, "3"), "报告年度": 2021, "结论": "退回"},
        {"统一社会信用代码": code(5, "3"), "报告年度": 2022, "提交日期": "2023-03-01",
         "结论": "合格"},
        {"统一社会信用代码": code(6, "1"), "报告年度": 2021, "结论": "未提交"},
    ]
    result = import_ledger(ctx, ledger(orgs, reports))
    assert result.written, [p.describe() for p in result.errors]
    return ctx


def _from_tables(monkeypatch, db, settings, year):
    with monkeypatch.context() as m:
        m.setattr(stats, "_due_and_accepted_from_summary", lambda *a: None)
        m.setattr(stats, "_registered_by_type",
                  lambda s, y: stats._by_type(s, Organization.established_on, y))
        return stats.year_stats(db, settings, year)


def _assert_same(monkeypatch, db, settings):
    for year in range(2016, 2026):
        assert stats.year_stats(db, settings, year) == _from_tables(monkeypatch, db, settings,
                                                                    year), year


def test_summary_figures_equal_the_tables_every_year_and_after_changes(registry, settings,
                                                                       monkeypatch):
    db = registry.db
    got = stats.year_stats(db, settings, 2022)
    # 2021: due 1 (2019-06-30), 3 (closed 2022-01-01), 5; accepted 1 and 3 (not 2: after
    # the cut-off; not 4: closed 2021-12-31)
    assert got.annual_report == {"report_year": 2021, "due": 4, "accepted": 2}
    assert got.registered["total"] == 0
    _assert_same(monkeypatch, db, settings)
    # changes through the session: a conclusion, a registration date, a closing, a type
    with db.write() as s:
        by_uscc = {o.uscc: o for o in s.exec(select(Organization)).scalars()}
        report = s.exec(select(AnnualReport).where(
            AnnualReport.organization_id == by_uscc[code(5, "3")].id,
            AnnualReport.report_year == 2021)).scalars().one()
        report.conclusion = "pass"
        by_uscc[code(2, "2")].established_on = date(2021, 6, 1)
        by_uscc[code(1, "1")].deregistered_on = date(2021, 3, 1)
        by_uscc[code(6, "1")].org_type = "foundation"
    assert stats.year_stats(db, settings, 2022).annual_report == {
        "report_year": 2021, "due": 4, "accepted": 3}
    _assert_same(monkeypatch, db, settings)


def test_a_year_outside_the_bits_is_counted_from_the_tables(registry, settings, monkeypatch):
    year = report_summary.ACCEPTED_LAST + 2
    assert stats._due_and_accepted_from_summary(None, year - 1, date(year - 1, 6, 30),
                                                date(year, 1, 1)) is None
    assert stats.year_stats(registry.db, settings, year) == _from_tables(
        monkeypatch, registry.db, settings, year)


@pytest.mark.sqlite_only
def test_summary_statistics_read_one_covering_index(registry, settings):
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    captured = []

    class Spy:
        def __init__(self, s):
            self.s = s

        def execute(self, stmt):
            captured.append(stmt)
            return self.s.execute(stmt)

    with registry.db.read() as s:
        stats._due_and_accepted_from_summary(Spy(s), 2021, date(2021, 6, 30), date(2022, 1, 1))
        stats._registered_by_type(Spy(s), 2022)
    raw = sqlite3.connect(registry.db.path)
    for stmt in captured:
        sql = str(stmt.compile(dialect=sqlite_dialect.dialect(),
                               compile_kwargs={"literal_binds": True}))
        plan = [r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert any("COVERING INDEX ix_report_summary_lifespan" in p for p in plan), plan
        assert not any(p.startswith("SCAN") for p in plan), plan
    raw.close()
