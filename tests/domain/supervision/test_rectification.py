"""Rectification orders, financial audit triggers and interviews (domain.md §9)."""

from __future__ import annotations

import pytest

from mca_tui.domain.enums import (
    AbnormalListGround,
    AuditTrigger,
    InterviewRole,
    OrgType,
    RectificationSource,
    ReportConclusion,
)
from mca_tui.domain.supervision import rectification as rc
from mca_tui.domain.supervision.common import SupervisionRuleError
from mca_tui.domain.supervision.rectification import (
    Interviewee,
    RectificationItem,
    RectificationOrder,
)
from tests.domain.supervision.conftest import D


def order(*done: str | None, due: str = "2025-06-30", verified: str | None = None,
          passed: bool | None = None) -> RectificationOrder:
    items = tuple(RectificationItem(f"item {i}", D(d) if d else None) for i, d in enumerate(done))
    return RectificationOrder(RectificationSource.SPOT_CHECK, D("2025-04-01"), D(due), items,
                              D(verified) if verified else None, passed)


def test_states():
    assert rc.order_state(order(None), D("2025-06-30")) == "open"
    assert rc.order_state(order(None), D("2025-07-01")) == "overdue"
    assert rc.order_state(order("2025-05-01", None), D("2025-07-01")) == "overdue"
    assert rc.order_state(order("2025-05-01", "2025-06-01"), D("2025-07-01")) == "completed"
    assert rc.order_state(order("2025-05-01", verified="2025-05-10", passed=True), D("2025-07-01")) == "verified"
    assert rc.order_state(order("2025-05-01", verified="2025-05-10", passed=False), D("2025-07-01")) == "failed"


def test_item_completion():
    o = order(None, None).with_item_completed(0, D("2025-05-01"))
    assert o.completed_on is None
    o = o.with_item_completed(1, D("2025-06-30"))
    assert o.completed_on == D("2025-06-30") and o.completed_in_time
    assert not order(None).with_item_completed(0, D("2025-07-01")).completed_in_time
    with pytest.raises(SupervisionRuleError):
        order(None).with_item_completed(0, D("2025-03-31"))


def test_overdue_order_proposes_abnormal_ground_three():
    orders = [
        ("org1", "r1", order(None)),  # nothing done
        ("org2", "r2", order("2025-06-30")),  # done on the last day
        ("org3", "r3", order("2025-07-01")),  # done late, not verified
        ("org4", "r4", order("2025-07-01", verified="2025-07-02", passed=True)),
        ("org5", "r5", order("2025-06-01", verified="2025-07-02", passed=False)),
    ]
    assert rc.overdue_proposals(orders, D("2025-06-30")) == []
    props = rc.overdue_proposals(orders, D("2025-07-03"))
    assert [p.organization_id for p in props] == ["org1", "org3", "org5"]
    assert all(p.ground is AbnormalListGround.RECTIFICATION_OVERDUE for p in props)
    assert "第三项" in props[0].article
    assert [p.order_ref for p in rc.overdue_proposals(orders, D("2025-07-03"), exclude={"r1"})] == [
        "r3", "r5"]


def test_check_order_and_verification():
    today = D("2025-04-01")
    assert rc.check_order(order(None), today) == []
    empty = RectificationOrder(RectificationSource.INTERVIEW, today, D("2025-05-01"), ())
    assert [r.code for r in rc.check_order(empty, today)] == ["rectification_items_missing"]
    blank = RectificationOrder(RectificationSource.OTHER, today, today, (RectificationItem(" "),))
    assert [r.code for r in rc.check_order(blank, today)] == [
        "rectification_items_missing", "rectification_due_not_after_order"]
    assert [r.code for r in rc.check_verification(order(None), D("2025-05-01"), D("2025-05-02"))] == [
        "rectification_items_open"]
    done = order("2025-05-01")
    assert rc.check_verification(done, D("2025-05-01"), D("2025-05-02")) == []
    assert [r.code for r in rc.check_verification(done, D("2025-04-30"), D("2025-05-02"))] == [
        "verified_before_completion"]
    assert [r.code for r in rc.check_verification(done, D("2025-05-03"), D("2025-05-02"))] == [
        "date_in_future"]


def test_report_conclusion_source():
    assert rc.source_for_conclusion(ReportConclusion.BASIC_PASS) is RectificationSource.REPORT_CONCLUSION
    assert rc.source_for_conclusion(ReportConclusion.FAIL) is RectificationSource.REPORT_CONCLUSION
    with pytest.raises(SupervisionRuleError):
        rc.source_for_conclusion(ReportConclusion.PASS)
    for source in RectificationSource:
        assert rc.source_article(source)


def test_audit_triggers_for_registered_changes():
    sg, pne, fd = OrgType.SOCIAL_GROUP, OrgType.PRIVATE_NON_ENTERPRISE, OrgType.FOUNDATION
    assert rc.audit_trigger_for_change({"legal_rep", "name"}, sg) is AuditTrigger.LEGAL_REP_CHANGE
    assert rc.audit_trigger_for_change({"legal_rep"}, pne) is AuditTrigger.LEGAL_REP_CHANGE
    assert rc.audit_trigger_for_change({"change_of_term"}, fd) is AuditTrigger.CHANGE_OF_TERM
    assert rc.audit_trigger_for_change({"change_of_term"}, pne) is None
    assert rc.audit_trigger_for_change({"domicile", "name"}, sg) is None
    assert rc.audit_article(AuditTrigger.LEGAL_REP_CHANGE, sg) == "《社会团体登记管理条例》第二十七条"
    assert rc.audit_article(AuditTrigger.LEGAL_REP_CHANGE, pne) == "《民办非企业单位登记管理暂行条例》第二十二条"
    assert "第三十六条" in rc.audit_article(AuditTrigger.CHANGE_OF_TERM, fd)


def test_who_may_be_interviewed():
    assert rc.interview_role_for_title("会长") is InterviewRole.CHAIR
    assert rc.interview_role_for_title(" 副理事长 ") is InterviewRole.VICE_CHAIR
    assert rc.interview_role_for_title("院长") is InterviewRole.SECRETARY_GENERAL
    assert rc.interview_role_for_title("会计") is None
    assert [r.code for r in rc.check_interviewees([])] == ["interview_nobody"]
    ok = [Interviewee("张三", InterviewRole.CHAIR),
          Interviewee("李四", InterviewRole.SECRETARY_GENERAL, attended=False, absence_in_writing=True)]
    assert rc.check_interviewees(ok) == []
    bad = [Interviewee("王五", InterviewRole.VICE_CHAIR, attended=False), Interviewee("", InterviewRole.CHAIR)]
    reasons = rc.check_interviewees(bad)
    assert [r.code for r in reasons] == ["interview_absence_unexplained", "interview_name_missing"]
    assert "第四条" in reasons[0].article and reasons[0].params == {"name": "王五"}


def test_interview_outcome_and_its_order():
    on = D("2025-04-01")
    by_interview = RectificationOrder(RectificationSource.INTERVIEW, on, D("2025-05-01"),
                                      (RectificationItem("建立财务制度"),))
    assert rc.check_interview_outcome(rc.InterviewOutcome.RECTIFICATION_ORDERED, by_interview, on) == []
    assert [r.code for r in rc.check_interview_outcome(
        rc.InterviewOutcome.RECTIFICATION_ORDERED, None, on)] == ["interview_order_missing"]
    codes = [r.code for r in rc.check_interview_outcome(
        rc.InterviewOutcome.RECTIFICATION_ORDERED, order(None), D("2025-04-02"))]
    assert codes == ["interview_order_source", "interview_order_before"]
    assert rc.check_interview_outcome(rc.InterviewOutcome.CASE_PROPOSED, None, on) == []
    assert [r.code for r in rc.check_interview_outcome(
        rc.InterviewOutcome.NO_FURTHER_ACTION, by_interview, on)] == ["interview_order_unexpected"]
