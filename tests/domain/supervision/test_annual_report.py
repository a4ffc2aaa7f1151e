"""Annual report cycle at its edges (domain.md §4, §10.4, §10.5, §10.10)."""

from __future__ import annotations

import pytest

from mca_tui.domain.enums import (
    ACCEPTED_CONCLUSIONS,
    AbnormalListGround,
    AnnualReportMode,
    AnnualReportStatus,
    OrgType,
    ReportConclusion,
)
from mca_tui.domain.params import LegalParams
from mca_tui.domain.supervision import annual_report as ar
from mca_tui.domain.supervision.annual_report import ReportFacts
from mca_tui.domain.supervision.common import SupervisionRuleError
from tests.domain.supervision.conftest import D, org

S = AnnualReportStatus
C = ReportConclusion


def test_registered_30_june_reports_1_july_does_not(cal):
    assert ar.must_report(org("a", "2024-06-30"), 2024)
    assert not ar.must_report(org("b", "2024-07-01"), 2024)
    assert ar.must_report(org("b", "2024-07-01"), 2025)
    today = D("2025-07-01")
    assert ar.report_status(org("b", "2024-07-01"), 2024, None, today, cal) is S.NOT_DUE
    assert ar.report_status(org("a", "2024-06-30"), 2024, None, today, cal) is S.OVERDUE


def test_cutoff_is_a_parameter():
    params = LegalParams(report_cutoff_month=12, report_cutoff_day=31)
    assert ar.must_report(org("b", "2024-07-01"), 2024, params)


def test_closed_before_next_year_does_not_report():
    assert not ar.must_report(org("a", "2020-01-01", deregistered_on=D("2024-12-31")), 2024)
    assert ar.must_report(org("a", "2020-01-01", deregistered_on=D("2025-01-01")), 2024)
    assert not ar.must_report(org("a", "2020-01-01", revoked_on=D("2024-03-01")), 2024)
    assert not ar.must_report(org("a", None), 2024)  # not registered yet


def test_report_on_31_may_on_time_1_june_late(cal):
    a = org("a", "2020-01-01")
    # 2023 cycle: authority deadline 2024-05-31, a Friday
    assert ar.cycle_for(2023, OrgType.SOCIAL_GROUP, cal).authority.due == D("2024-05-31")
    assert ar.report_status(a, 2023, ReportFacts(D("2024-05-31")), D("2024-07-01"), cal) is S.ON_TIME
    assert ar.report_status(a, 2023, ReportFacts(D("2024-06-01")), D("2024-07-01"), cal) is S.LATE
    assert ar.report_status(a, 2023, None, D("2024-05-31"), cal) is S.DUE
    assert ar.report_status(a, 2023, None, D("2024-06-01"), cal) is S.OVERDUE


def test_rolled_deadline_2025_cycle_sunday_to_monday(cal):
    cycle = ar.cycle_for(2025, OrgType.SOCIAL_GROUP, cal)
    assert cycle.authority.due == D("2026-06-01")  # 31 May 2026 is a Sunday
    assert cycle.authority.rolled_from == D("2026-05-31")
    assert cycle.supervisory.due == D("2026-03-31")
    a = org("a")
    assert ar.report_status(a, 2025, ReportFacts(D("2026-06-01")), D("2026-07-01"), cal) is S.ON_TIME
    assert ar.report_status(a, 2025, ReportFacts(D("2026-06-02")), D("2026-07-01"), cal) is S.LATE
    assert ar.report_status(a, 2025, None, D("2026-06-01"), cal) is S.DUE
    assert ar.report_status(a, 2025, None, D("2026-06-02"), cal) is S.OVERDUE


def test_rolled_over_a_holiday_2024_cycle(cal):
    # 31 May 2025 Saturday, 1-2 June Dragon Boat holiday -> Tuesday 3 June
    assert ar.cycle_for(2024, OrgType.PRIVATE_NON_ENTERPRISE, cal).authority.due == D("2025-06-03")


def test_foundation_reports_to_authority_by_31_march(cal):
    cycle = ar.cycle_for(2023, OrgType.FOUNDATION, cal)
    assert cycle.authority.due == D("2024-04-01")  # 31 March 2024 is a Sunday
    assert "《基金会管理条例》第三十六条" in cycle.article
    f = org("f", org_type=OrgType.FOUNDATION)
    assert ar.report_status(f, 2023, ReportFacts(D("2024-04-01")), D("2024-06-01"), cal) is S.ON_TIME
    assert ar.report_status(f, 2023, ReportFacts(D("2024-04-02")), D("2024-06-01"), cal) is S.LATE


def test_not_submitted_conclusion_counts_as_no_report(cal):
    rep = ReportFacts(D("2024-05-01"), C.NOT_SUBMITTED)
    assert ar.report_status(org("a"), 2023, rep, D("2024-06-01"), cal) is S.OVERDUE


def test_conclusions_per_mode():
    assert ar.conclusions_for(AnnualReportMode.INSPECTION) == (C.PASS, C.BASIC_PASS, C.FAIL)
    assert ar.conclusions_for(AnnualReportMode.REPORT) == (C.ACCEPTED, C.RETURNED)
    ar.check_conclusion(AnnualReportMode.INSPECTION, C.BASIC_PASS)
    with pytest.raises(SupervisionRuleError) as err:
        ar.check_conclusion(AnnualReportMode.REPORT, C.PASS)
    assert err.value.reason.code == "conclusion_not_in_mode"
    for mode in AnnualReportMode:
        with pytest.raises(SupervisionRuleError):
            ar.check_conclusion(mode, C.NOT_SUBMITTED)


def test_mode_from_settings():
    assert ar.mode_of(LegalParams()) is AnnualReportMode.REPORT
    assert ar.mode_of(LegalParams(annual_report_mode="inspection")) is AnnualReportMode.INSPECTION
    with pytest.raises(SupervisionRuleError):
        ar.mode_of(LegalParams(annual_report_mode="yearly"))


def test_rectification_and_acceptance_by_conclusion():
    assert {c for c in C if ar.opens_rectification(c)} == {C.BASIC_PASS, C.FAIL}
    assert ar.opens_rectification("fail") and not ar.opens_rectification(None)
    assert {c.value for c in C if ar.is_accepted(c)} == set(ACCEPTED_CONCLUSIONS)
    assert ar.is_accepted(C.BASIC_PASS) and not ar.is_accepted(C.FAIL)
    assert not ar.is_accepted(C.RETURNED) and not ar.is_accepted(None)


def _population():
    orgs = [
        org("a"),  # due, nothing received
        org("b"),  # submitted on time, concluded 不合格
        org("c", "2024-07-01"),  # registered after the cut-off: not due
        org("d"),  # submitted late
        org("e"),  # ledger row "未提交"
        org("f", deregistered_on=D("2024-11-30")),  # closed during the year
        org("g", org_type=OrgType.FOUNDATION),  # foundation, earlier deadline
    ]
    reports = {
        "b": ReportFacts(D("2025-05-20"), C.FAIL),
        "d": ReportFacts(D("2025-06-10")),
        "e": ReportFacts(None, C.NOT_SUBMITTED),
    }
    return orgs, reports


def test_abnormal_list_proposal_after_deadline_only(cal):
    orgs, reports = _population()
    # 2024 cycle: social groups due 2025-06-03 (rolled), foundations 2025-03-31
    before = ar.abnormal_list_proposals(orgs, 2024, reports, D("2025-06-03"), cal)
    assert [p.organization_id for p in before] == ["g"]
    after = ar.abnormal_list_proposals(orgs, 2024, reports, D("2025-06-04"), cal)
    assert [p.organization_id for p in after] == ["a", "e", "g"]  # 不合格 (b) is not "not submitted"
    assert all(p.ground is AbnormalListGround.REPORT_NOT_SUBMITTED for p in after)
    assert "第60号" in after[0].article and "第一项" in after[0].article
    assert after[0].params == {"year": 2024, "deadline": "2025-06-03"}
    assert after[0].reason_key == "supervision.proposal.report_overdue"


def test_abnormal_list_proposal_late_and_exclusions(cal):
    orgs, reports = _population()
    today = D("2025-07-01")
    with_late = ar.abnormal_list_proposals(orgs, 2024, reports, today, cal, include_late=True)
    assert [p.organization_id for p in with_late] == ["a", "d", "e", "g"]
    excluded = ar.abnormal_list_proposals(orgs, 2024, reports, today, cal, exclude={"a", "g"})
    assert [p.organization_id for p in excluded] == ["e"]
    # deregistered after the year (still due) but closed by now: not proposed
    closed = [*orgs, org("h", deregistered_on=D("2025-06-20"))]
    assert "h" not in [p.organization_id for p in
                       ar.abnormal_list_proposals(closed, 2024, reports, today, cal)]
    assert "h" in [p.organization_id for p in
                   ar.abnormal_list_proposals(closed, 2024, reports, D("2025-06-10"), cal)]


def test_two_year_count():
    outcomes = {2021: C.PASS, 2022: S.OVERDUE, 2023: C.FAIL, 2024: C.NOT_SUBMITTED}
    assert ar.consecutive_missed_or_failed(outcomes, 2024) == 3
    assert ar.consecutive_missed_or_failed(outcomes, 2021) == 0
    assert ar.consecutive_missed_or_failed({2023: C.BASIC_PASS, 2024: S.OVERDUE}, 2024) == 1
    assert ar.consecutive_missed_or_failed({2024: "fail", 2023: "overdue"}, 2024) == 2
