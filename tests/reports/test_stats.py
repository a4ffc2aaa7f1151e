"""Statistics on a hand-built registry with known answers (year boundaries included)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mca_tui.domain.clocks import must_report
from mca_tui.reports import stats
from mca_tui.services.ledger_import import import_ledger
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import Organization

from .helpers import code, ledger, org


@pytest.fixture
def registry(ctx):
    ctx.today = lambda: date(2024, 1, 31)
    orgs = [
        org(1, "社会团体", "2021-06-30"),  # A: registered on the cut-off day -> due 2021
        org(2, "民办非企业单位", "2021-07-01"),  # B: registered 1 July -> not due
        org(3, "民办非企业单位", "2019-01-01", "已注销", 注销日期="2022-01-01"),  # C
        org(4, "社会团体", "2018-05-05", "已注销", 注销日期="2021-12-31"),  # D
        org(5, "社会团体", "2022-01-01"),  # E
        org(6, "民办非企业单位", "2022-12-31"),  # F
        org(7, "民办非企业单位", "2023-01-01"),  # G
        org(8, "社会团体", "2017-04-04", "已撤销", 撤销日期="2022-05-06", 撤销类别="僵尸型"),  # H
        org(9, "民办非企业单位", "2017-04-04", "已撤销", 撤销日期="2022-12-31",
            撤销类别="其他"),  # I
        org(10, "基金会", "2015-02-02"),  # J
    ]
    reports = [
        {"统一社会信用代码": code(1, "1"), "报告年度": 2021, "提交日期": "2022-04-01",
         "结论": "通过"},
        {"统一社会信用代码": code(3, "2"), "报告年度": 2021, "提交日期": "2022-04-01",
         "结论": "合格"},
        {"统一社会信用代码": code(10, "3"), "报告年度": 2021, "结论": "退回"},
        {"统一社会信用代码": code(8, "1"), "报告年度": 2021, "结论": "未提交"},
        {"统一社会信用代码": code(1, "1"), "报告年度": 2022, "结论": "基本合格"},
    ]
    records = [
        {"统一社会信用代码": code(1, "1"), "日期": "2022-01-01", "类别": "整改", "说明": "一"},
        {"统一社会信用代码": code(1, "1"), "日期": "2022-06-01", "类别": "整改", "说明": "二"},
        {"统一社会信用代码": code(3, "2"), "日期": "2021-12-31", "类别": "财务审计"},
        {"统一社会信用代码": code(5, "1"), "日期": "2022-12-31", "类别": "财务审计"},
        {"统一社会信用代码": code(8, "1"), "日期": "2022-03-03", "类别": "约谈"},
        {"统一社会信用代码": code(8, "1"), "日期": "2022-09-09", "类别": "约谈", "说明": "再次"},
        {"统一社会信用代码": code(6, "2"), "日期": "2022-12-31", "类别": "抽查"},
        {"统一社会信用代码": code(10, "3"), "日期": "2023-01-01", "类别": "评估"},
    ]
    result = import_ledger(ctx, ledger(orgs, reports, records))
    assert result.written, [p.describe() for p in result.errors]
    return ctx


def test_year_figures(registry, settings):
    got = stats.year_stats(registry.db, settings, 2022).to_dict()
    assert got == {
        "year": 2022,
        "registered": {"total": 2, "social_group": 1, "private_non_enterprise": 1,
                       "foundation": 0},
        "deregistered": {"total": 1, "social_group": 0, "private_non_enterprise": 1,
                         "foundation": 0},
        "revoked": {"total": 2, "dormant": 1},
        "annual_report": {"report_year": 2021, "due": 5, "accepted": 2},
        "financial_audit": 1, "rectification": 1, "interview": 1, "spot_check": 1,
        "evaluation": 0,
        # added after the keys issue 5 fixed (none renamed): the ledger has no lists
        "credit_lists": {"abnormal_listed": 0, "abnormal_removed": 0, "serious_listed": 0,
                         "serious_removed": 0},
    }
    assert list(got)[:len(stats.FIXED_KEYS)] == list(stats.FIXED_KEYS)


def test_year_boundaries_other_years(registry, settings):
    y21 = stats.year_stats(registry.db, settings, 2021)
    assert y21.registered == {"total": 2, "social_group": 1, "private_non_enterprise": 1,
                              "foundation": 0}
    assert y21.deregistered["total"] == 1  # D on 31 December 2021
    assert y21.financial_audit == 1
    y23 = stats.year_stats(registry.db, settings, 2023)
    assert y23.registered["private_non_enterprise"] == 1  # G on 1 January 2023
    assert y23.evaluation == 1
    # 2022 cycle: A, B (registered 1 July 2021 is due for 2022), E, J
    assert y23.annual_report == {"report_year": 2022, "due": 4, "accepted": 1}


def test_due_matches_must_report(registry, settings):
    from sqlmodel import select

    with registry.db.read() as s:
        orgs = s.exec(select(Organization)).all()
    for year in (2020, 2021, 2022, 2023):
        expected = sum(1 for o in orgs if must_report(
            o.established_on, year, o.deregistered_on or o.revoked_on, settings.legal))
        assert stats.year_stats(registry.db, settings, year + 1).annual_report["due"] == expected


def test_register_as_of(registry):
    got = stats.register_as_of(registry.db, date(2022, 6, 30))
    assert got.counts["social_group"] == {"active": 2, "deregistered": 1, "revoked": 1}
    assert got.counts["private_non_enterprise"] == {"active": 2, "deregistered": 1, "revoked": 0}
    assert got.counts["foundation"] == {"active": 1, "deregistered": 0, "revoked": 0}
    # The day itself counts: C deregistered on 1 January 2022.
    jan1 = stats.register_as_of(registry.db, date(2022, 1, 1))
    assert jan1.counts["private_non_enterprise"]["deregistered"] == 1
    dec31 = stats.register_as_of(registry.db, date(2021, 12, 31))
    assert dec31.counts["private_non_enterprise"]["deregistered"] == 0
    assert dec31.total() == 7  # A B C D H I J


def test_draft_paragraph_states_the_figures():
    y = stats.YearStats(
        2022, {"total": 27, "social_group": 8, "private_non_enterprise": 19, "foundation": 0},
        {"total": 10, "social_group": 2, "private_non_enterprise": 8, "foundation": 0},
        {"total": 7, "dormant": 7}, {"report_year": 2021, "due": 269, "accepted": 246},
        34, 35, 3, 30, 11)
    text = stats.draft_paragraph(y, "zh")
    assert text.startswith("2022年，全区新成立社会组织27家（社会团体8家、民办非企业单位19家），"
                           "注销社会组织10家（社会团体2家、民办非企业单位8家），"
                           "依法撤销“僵尸型”社会组织7家。")
    for needle in ("财务审计34家", "责令整改35家", "约谈社会组织负责人3家次",
                   "应参加年报的社会组织269家", "审核通过246家，通过率91.4%。",
                   "开展“双随机、一公开”抽查，抽查社会组织30家。", "动员11家社会组织参加等级评估"):
        assert needle in text
    assert "基金会" not in text and "「" not in text and not re.search(r"(?<!\d)0家", text)
    assert text.endswith("。")
    english = stats.draft_paragraph(y, "en")
    assert english.startswith("In 2022, 27 social organizations were newly registered")
    assert "a pass rate of 91.4%" in english and '"double random, one public"' in english
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english)


@pytest.mark.parametrize("accepted,due,rate", [(246, 269, "91.4"), (1, 8, "12.5"),
                                               (0, 5, "0.0"), (7, 7, "100.0"), (3, 0, None)])
def test_pass_rate_one_decimal_half_up(accepted, due, rate):
    assert stats.pass_rate(accepted, due) == rate


def test_paragraph_leaves_out_what_did_not_happen():
    y = stats.YearStats(
        2023, {"total": 1, "social_group": 0, "private_non_enterprise": 0, "foundation": 1},
        {"total": 0, "social_group": 0, "private_non_enterprise": 0, "foundation": 0},
        {"total": 2, "dormant": 1}, {"report_year": 2022, "due": 0, "accepted": 0},
        0, 0, 0, 0, 0)
    text = stats.draft_paragraph(y, "zh")
    assert text == ("2023年，全区新成立社会组织1家（基金会1家），依法撤销社会组织2家，"
                    "其中“僵尸型”社会组织1家。开展2022年度社会组织年度报告工作，"
                    "应参加年报的社会组织0家，审核通过0家。")


def test_stats_cli_table_and_paragraph(registry, capsys, monkeypatch):
    from mca_tui import cli

    path = registry.db.path or registry.db.url
    assert cli.main(["--db", str(path), "stats", "--year", "2022"]) == 0
    out = capsys.readouterr().out
    assert "2022年，全区新成立社会组织2家" in out
    assert cli.main(["--db", str(path), "stats", "--as-of", "2022年6月30日", "--json"]) == 0
    assert '"as_of": "2022-06-30"' in capsys.readouterr().out


def test_a_required_audit_counts_once_it_is_done(registry, settings, ctx):
    """A change of legal representative opens a *required* financial audit (§2); it is
    counted in the year it is done, not when it is opened."""
    from sqlmodel import select

    from mca_tui.storage.models import SupervisionRecord

    with registry.db.read() as s:
        audited = set(s.exec(select(SupervisionRecord.organization_id).where(
            SupervisionRecord.kind == "financial_audit")))
        oid = next(i for i in s.exec(select(Organization.id)) if i not in audited)
    with ctx.unit("test.audit", subject=Subject("test", None)) as unit:
        unit.session.add(SupervisionRecord(
            office_id=ctx.actor.office_id, organization_id=oid, kind="financial_audit",
            record_date=date(2022, 8, 1), trigger="change_of_legal_rep"))
    assert stats.year_stats(registry.db, settings, 2022).financial_audit == 1
    with ctx.unit("test.audit_done", subject=Subject("test", None)) as unit:
        row = unit.session.exec(select(SupervisionRecord).where(
            SupervisionRecord.trigger == "change_of_legal_rep")).one()
        row.completed_on = date(2022, 9, 1)
        unit.session.add(row)
    assert stats.year_stats(registry.db, settings, 2022).financial_audit == 2


def test_accepted_counts_only_organizations_that_were_due(registry, settings):
    """accepted ⊆ due (domain.md §10.10): an accepted report of an organization outside the
    cycle (registered after the cut-off, or closed before the year's end) is not counted."""
    from sqlmodel import select

    from mca_tui.storage.models import AnnualReport

    with registry.db.read() as s:
        by_name = {o.uscc: o for o in s.exec(select(Organization)).all()}
    b, d = by_name[code(2, "2")], by_name[code(4, "1")]
    assert not must_report(b.established_on, 2021)
    assert not must_report(d.established_on, 2021, d.deregistered_on)
    before = stats.year_stats(registry.db, settings, 2022).annual_report
    with registry.db.write() as s:
        for o in (b, d):
            s.add(AnnualReport(office_id=o.office_id, organization_id=o.id, report_year=2021,
                               conclusion="pass", submitted_on=date(2022, 3, 1)))
    after = stats.year_stats(registry.db, settings, 2022).annual_report
    assert after == before == {"report_year": 2021, "due": 5, "accepted": 2}
    assert after["accepted"] <= after["due"]


def test_interviews_are_counted_per_interview_in_the_paragraph(registry, settings):
    """约谈…家次: one organization interviewed twice is two 家次 in the paragraph, while the
    fixed JSON shape keeps counting organizations."""
    y = stats.year_stats(registry.db, settings, 2022)
    assert y.interview == 1 and y.interview_times == 2
    assert "interview_times" not in y.to_dict()
    assert "约谈社会组织负责人2家次" in stats.draft_paragraph(y, "zh")


def test_credit_listings_of_the_year_in_the_table_and_the_json(registry, settings,
                                                               make_ctx, capsys):
    """Listings on / removals from the credit lists written by the services count in the
    year they are dated (organizations), in the table and in --json (a key added after
    the fixed ones: issue 5 allows more keys, none renamed)."""
    import json

    from sqlmodel import select

    from mca_tui import cli
    from mca_tui.domain.enums import Role
    from mca_tui.services.supervision import credit_lists

    with registry.db.read() as s:
        ids = {o.uscc: o.id for o in s.exec(select(Organization)).all()}
    a, e = ids[code(1, "1")], ids[code(5, "1")]
    listed, applied, removed = date(2022, 3, 1), date(2022, 6, 1), date(2022, 6, 2)

    def as_(role: Role, day: date):
        return make_ctx(f"{role.value}-s", role, today=day)

    for org_id, day in ((a, listed), (e, date(2022, 12, 30))):
        credit_lists.list_organization(as_(Role.APPROVER, day), org_id, "abnormal", "unreachable",
                                       on=day, evidence="挂号信两次退回")
    credit_lists.apply_removal(as_(Role.CLERK, applied), a, "abnormal", applied_on=applied)
    credit_lists.verify_removal(as_(Role.REVIEWER, applied), a, verified_on=applied)
    credit_lists.remove(as_(Role.APPROVER, removed), a, "abnormal", removed_on=removed)

    y22 = stats.year_stats(registry.db, settings, 2022)
    assert y22.credit_lists == {"abnormal_listed": 2, "abnormal_removed": 1,
                                "serious_listed": 0, "serious_removed": 0}
    assert stats.year_stats(registry.db, settings, 2023).credit_lists["abnormal_listed"] == 0
    rows = dict(stats.table_rows(y22, "zh"))
    assert rows["列入活动异常名录（家）"] == "2" and rows["移出活动异常名录（家）"] == "1"
    args = ["--db", str(registry.db.path or registry.db.url), "stats", "--year", "2022"]
    assert cli.main([*args, "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["credit_lists"] == y22.credit_lists
    assert list(got)[:len(stats.FIXED_KEYS)] == list(stats.FIXED_KEYS)
    assert got["financial_audit"] == 1  # the fixed keys unchanged
    assert cli.main(args) == 0
    assert "列入活动异常名录（家）" in capsys.readouterr().out


def test_cancelled_orders_and_interviews_not_held_are_not_counted(registry, settings,
                                                                  make_ctx):
    """The figures count work done: a rectification order cancelled as made in error is
    not counted (nor is it counted before it is cancelled and after, twice); an interview
    counts once held, not when only its notice went out."""
    from sqlmodel import select

    from mca_tui.domain.enums import InterviewRole, RectificationSource, Role
    from mca_tui.domain.supervision.rectification import Interviewee
    from mca_tui.services.supervision import interviews, rectification

    assert stats.CANCELLED_RECTIFICATION_OUTCOME == rectification.CANCELLED_OUTCOME
    with registry.db.read() as s:
        ids = {o.uscc: o.id for o in s.exec(select(Organization)).all()}
    e, j = ids[code(5, "1")], ids[code(10, "3")]
    day = date(2022, 11, 15)
    reviewer = make_ctx("reviewer-c", Role.REVIEWER, today=day)
    approver = make_ctx("approver-c", Role.APPROVER, today=day)
    officer = make_ctx("officer-c", Role.ENFORCEMENT, today=date(2022, 11, 22))

    def figures() -> tuple[int, int, int]:
        y = stats.year_stats(registry.db, settings, 2022)
        return y.rectification, y.interview, y.interview_times

    assert figures() == (1, 1, 2)  # the imported ones
    order = rectification.order(reviewer, e, source=RectificationSource.OTHER,
                                items=["办理住所变更登记"], due_on=date(2022, 12, 30),
                                ordered_on=date(2022, 11, 1))
    assert figures() == (2, 1, 2)
    rectification.cancel(approver, order, "误将他会的问题记入本会")
    assert figures() == (1, 1, 2)

    rid = interviews.notify(reviewer, j, interview_on=date(2022, 11, 22),
                            reason="未按时报送年度报告",
                            persons=[Interviewee("林建华", InterviewRole.CHAIR)])
    assert figures() == (1, 1, 2)  # notified, not held
    interviews.record(officer, rid, held_on=date(2022, 11, 22), record_text="已约谈",
                      outcome="no_further_action")
    assert figures() == (1, 2, 3)
