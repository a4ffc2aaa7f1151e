"""Evaluation (MCA Order 39, domain.md §7): eligibility at its edges, grades, expiry,
review, lowering and cancelling."""

from __future__ import annotations

import pytest

from mca_tui.domain.enums import AnnualReportStatus, EvaluationGrade, OrgStatus, ReportConclusion
from mca_tui.domain.params import LegalParams
from mca_tui.domain.supervision import evaluation as ev
from mca_tui.domain.supervision.common import SupervisionRuleError
from mca_tui.domain.supervision.evaluation import EvaluationFacts, Grant, PenaltyFact
from tests.domain.supervision.conftest import D, org

C = ReportConclusion
GOOD = {2021: C.PASS, 2022: C.PASS, 2023: C.ACCEPTED, 2024: C.PASS}


def facts(registered="2020-01-10", reports=None, **kw) -> EvaluationFacts:
    return EvaluationFacts(org("o", registered), GOOD if reports is None else reports, **kw)


def codes(reasons):
    return [r.code for r in reasons]


def test_full_years():
    assert ev.full_years_registered(D("2021-01-01"), D("2023-01-01")) == 2
    assert ev.full_years_registered(D("2021-01-02"), D("2023-12-31")) == 1
    assert ev.full_years_registered(D("2021-01-02"), D("2024-01-01")) == 2
    assert ev.full_years_registered(D("2024-05-01"), D("2024-12-01")) == 0


def test_eligible(cal):
    assert ev.check_eligibility(facts(), D("2025-07-01"), cal) == []


def test_two_full_years(cal):
    young = facts("2023-01-02", reports={2023: C.PASS, 2024: C.PASS})
    assert codes(ev.check_eligibility(young, D("2025-12-31"), cal)) == ["eval_not_two_years"]
    assert ev.check_eligibility(young, D("2026-01-01"), cal) == []


def test_refused_for_basic_pass_two_years_running(cal):
    reports = {**GOOD, 2023: C.BASIC_PASS, 2024: C.BASIC_PASS}
    reasons = ev.check_eligibility(facts(reports=reports), D("2025-07-01"), cal)
    assert codes(reasons) == ["eval_basic_pass_two_years"]
    assert reasons[0].params == {"first": 2023, "last": 2024}
    assert reasons[0].article == "《社会组织评估管理办法》（民政部令第39号）第七条"
    # once is not enough; nor twice with a pass in between
    assert ev.check_eligibility(facts(reports={**GOOD, 2024: C.BASIC_PASS}), D("2025-07-01"), cal) == []
    spaced = {**GOOD, 2022: C.BASIC_PASS, 2024: C.BASIC_PASS}
    assert ev.check_eligibility(facts(reports=spaced), D("2025-07-01"), cal) == []


def test_failed_or_missed_last_year(cal):
    assert codes(ev.check_eligibility(facts(reports={**GOOD, 2024: C.FAIL}), D("2025-07-01"), cal)) == [
        "eval_failed_last_year"]
    missed = {**GOOD, 2024: AnnualReportStatus.OVERDUE}
    assert codes(ev.check_eligibility(facts(reports=missed), D("2025-07-01"), cal)) == [
        "eval_report_missed"]
    # stored strings work as well
    assert codes(ev.check_eligibility(facts(reports={**GOOD, 2024: "not_submitted"}),
                                      D("2025-07-01"), cal)) == ["eval_report_missed"]


def test_last_year_before_the_report_deadline(cal):
    # In March 2025 the 2024 report is not due yet: "last year" is 2023
    pending = {**GOOD, 2023: C.FAIL, 2024: AnnualReportStatus.DUE}
    f = facts(reports=pending)
    assert ev.last_known_report_year(f, D("2025-03-10"), cal) == 2023
    assert codes(ev.check_eligibility(f, D("2025-03-10"), cal)) == ["eval_failed_last_year"]
    # after the deadline (2025-06-03, rolled) 2024 is last year
    assert ev.last_known_report_year(f, D("2025-06-04"), cal) == 2024
    # a report concluded early makes 2024 "last year" at once
    early = facts(reports={**GOOD, 2023: C.FAIL, 2024: C.PASS})
    assert ev.check_eligibility(early, D("2025-03-10"), cal) == []


def test_penalties_investigation_credit_lists(cal):
    today = D("2025-07-01")
    last_year = facts(penalties=[PenaltyFact(D("2024-08-01"))])
    assert codes(ev.check_eligibility(last_year, today, cal)) == ["eval_penalized"]
    old_done = facts(penalties=[PenaltyFact(D("2022-08-01"))])
    assert ev.check_eligibility(old_done, today, cal) == []
    old_open = facts(penalties=[PenaltyFact(D("2022-08-01"), executed=False)])
    assert codes(ev.check_eligibility(old_open, today, cal)) == ["eval_penalized"]
    assert codes(ev.check_eligibility(facts(under_investigation=True), today, cal)) == [
        "eval_under_investigation"]
    assert codes(ev.check_eligibility(facts(on_credit_list=True), today, cal)) == [
        "eval_on_credit_list"]
    closed = EvaluationFacts(org("o", status=OrgStatus.DEREGISTERED), GOOD)
    assert codes(ev.check_eligibility(closed, today, cal)) == ["eval_not_active"]


def test_existing_grade_only_when_expiring(cal):
    grant = Grant(EvaluationGrade.A4, D("2020-09-01"))
    assert ev.grade_valid_until(grant.granted_on, cal) == D("2025-09-01")
    f = facts(last_grant=grant)
    # 180 days before expiry (default window) the organization may apply again
    assert ev.check_eligibility(f, D("2025-03-05"), cal) == []  # 180 days left
    assert codes(ev.check_eligibility(f, D("2025-03-04"), cal)) == ["eval_grade_valid"]
    narrow = LegalParams(evaluation_expiry_queue_days=30)
    assert codes(ev.check_eligibility(f, D("2025-07-01"), cal, narrow)) == ["eval_grade_valid"]
    cancelled = facts(last_grant=Grant(EvaluationGrade.A4, D("2024-01-01"), cancelled_on=D("2024-06-01")))
    assert ev.check_eligibility(cancelled, D("2025-07-01"), cal) == []


def test_expiry_queue(cal):
    grants = {
        "soon": Grant(EvaluationGrade.A3, D("2020-09-01")),  # until 2025-09-01
        "later": Grant(EvaluationGrade.A5, D("2022-01-01")),
        "gone": Grant(EvaluationGrade.A2, D("2020-01-01")),  # until 2025-01-01
        "cancelled": Grant(EvaluationGrade.A1, D("2020-08-01"), cancelled_on=D("2021-01-01")),
    }
    queue = ev.expiry_queue(grants, D("2025-07-01"), cal)
    assert [(e.organization_id, e.days_left) for e in queue] == [("gone", -181), ("soon", 62)]
    assert ev.expiry_queue(grants, D("2025-07-01"), cal, LegalParams(evaluation_expiry_queue_days=10))[
        -1].organization_id == "gone"


def test_grade_properties():
    assert [g.rank for g in EvaluationGrade] == [1, 2, 3, 4, 5]
    assert ev.gets_certificate_and_plaque(EvaluationGrade.A3)
    assert not ev.gets_certificate_and_plaque(EvaluationGrade.A2)


def test_review_during_publicity(cal):
    start, end = D("2025-05-06"), D("2025-05-12")
    assert ev.check_review_request(start, start, end) is None
    assert ev.check_review_request(end, start, end) is None
    late = ev.check_review_request(D("2025-05-13"), start, end)
    assert late.code == "eval_review_outside_publicity" and "第二十条" in late.article
    # 15 days from 2025-09-16 is 2025-10-01, National Day: rolled to 2025-10-09
    notice = ev.review_notice_deadline(D("2025-09-16"), cal)
    assert notice.due == D("2025-10-09") and notice.rolled_from == D("2025-10-01")


def test_lowering_and_cancelling_need_a_reason():
    current = Grant(EvaluationGrade.A4, D("2022-01-01"))
    ev.check_grade_change(current, EvaluationGrade.A3, "penalty")
    ev.check_grade_change(current, None, "failed_last_year", "2024年度年检不合格")
    for new, reason, text, code in (
        (EvaluationGrade.A4, "penalty", "", "grade_not_lower"),
        (EvaluationGrade.A5, "penalty", "", "grade_not_lower"),
        (EvaluationGrade.A3, "whim", "", "grade_change_reason_unknown"),
        (EvaluationGrade.A3, "other", "  ", "grade_change_reason_text"),
        (None, "penalty", "", "grade_change_reason_text"),
    ):
        with pytest.raises(SupervisionRuleError) as err:
            ev.check_grade_change(current, new, reason, text)
        assert err.value.reason.code == code
    with pytest.raises(SupervisionRuleError):
        ev.check_grade_change(Grant(EvaluationGrade.A4, D("2022-01-01"), D("2023-01-01")),
                              EvaluationGrade.A3, "penalty")
