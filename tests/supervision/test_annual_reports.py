"""The annual report cycle through the services (issue 10): who must report, rolled
deadlines, intake by the clerk, conclusion by another reviewer, the rectification order
of 基本合格 / 不合格, and the abnormal-list proposal (nothing written) then listing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from mca_tui.domain.enums import AnnualReportStatus, OrgType, Role
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.services.supervision import annual_reports as svc
from mca_tui.storage.models import (
    AnnualReport,
    AuditEvent,
    CreditListEntry,
    IssuedDocument,
    SupervisionRecord,
)

TODAY = date(2024, 7, 15)


@pytest.fixture
def settings(inspection_settings):
    return inspection_settings


def _count(ctx, model) -> int:
    with ctx.db.read() as s:
        return len(s.exec(select(model)).all())


def test_due_list_registered_30_june_vs_1_july(ctx, add_org):
    on_cutoff = add_org("海沧区甲协会", date(2023, 6, 30))
    add_org("海沧区乙协会", date(2023, 7, 1))
    rows = svc.due_list(ctx, 2023, TODAY)
    assert [r.organization_id for r in rows] == [on_cutoff]
    assert rows[0].status is AnnualReportStatus.OVERDUE


def test_deadline_31_may_vs_1_june_and_rolled(ctx, add_org, staff):
    clerk, *_ = staff(TODAY)
    a = add_org("海沧区甲协会", date(2020, 1, 1))
    b = add_org("海沧区乙协会", date(2020, 1, 1))
    found = add_org("海沧区丙基金会", date(2020, 1, 1), org_type=OrgType.FOUNDATION)
    svc.receive(clerk, a, 2023, received_on=date(2024, 5, 31))
    svc.receive(clerk, b, 2023, received_on=date(2024, 6, 1))
    # 31 March 2024 was a Sunday: the foundation deadline rolls to Monday 1 April
    svc.receive(clerk, found, 2023, received_on=date(2024, 4, 1))
    rows = {r.organization_id: r for r in svc.due_list(ctx, 2023, TODAY)}
    assert rows[a].status is AnnualReportStatus.ON_TIME
    assert rows[b].status is AnnualReportStatus.LATE
    assert rows[found].authority_due == date(2024, 4, 1)
    assert rows[found].status is AnnualReportStatus.ON_TIME


def test_intake_then_conclusion_by_another_reviewer(ctx, add_org, staff):
    clerk, reviewer, approver, reviewer2 = staff(TODAY)
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    info = svc.get_report(clerk, org, 2023)
    assert info.state == "new" and "annual_report.receive" in info.actions
    rid = svc.receive(clerk, org, 2023, received_on=date(2024, 5, 20),
                      supervisory_opinion="同意", supervisory_opinion_on=date(2024, 3, 20),
                      materials="年度工作报告书、财务报表")
    with pytest.raises(PermissionDenied):  # a clerk does not conclude
        svc.conclude(clerk, rid, "pass", concluded_on=TODAY)
    assert "annual_report.conclude" in svc.get_report(reviewer, org, 2023).actions
    svc.conclude(reviewer, rid, "pass", concluded_on=TODAY)
    with ctx.db.read() as s:
        report = s.get(AnnualReport, rid)
        events = s.exec(select(AuditEvent).where(AuditEvent.entity_id == rid)).all()
    assert (report.conclusion, report.concluded_on, report.note) == ("pass", TODAY,
                                                                    "年度工作报告书、财务报表")
    assert [e.action for e in events] == ["annual_report.receive", "annual_report.conclude"]
    assert svc.get_report(reviewer2, org, 2023).state == "concluded"


def test_four_eyes_who_received_may_not_conclude(ctx, add_org, make_ctx):
    both = make_ctx("both", Role.CLERK, Role.REVIEWER, today=TODAY)
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    rid = svc.receive(both, org, 2023, received_on=date(2024, 5, 20))
    assert "annual_report.conclude" not in svc.get_report(both, org, 2023).actions
    with pytest.raises(PermissionDenied) as err:
        svc.conclude(both, rid, "pass", concluded_on=TODAY)
    assert "不得作出结论" in err.value.message()
    with ctx.db.read() as s:
        assert s.get(AnnualReport, rid).conclusion is None


def test_basic_pass_opens_a_rectification_in_the_same_unit(ctx, add_org, staff):
    clerk, reviewer, *_ = staff(TODAY)
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    rid = svc.receive(clerk, org, 2023, received_on=date(2024, 5, 20))
    with pytest.raises(ValidationFailed) as err:  # items and deadline required
        svc.conclude(reviewer, rid, "basic_pass", concluded_on=TODAY)
    fields = {p.field for p in err.value.problems}
    assert {"items", "rectify_by"} <= fields
    events_before = _count(ctx, AuditEvent)
    rect_id = svc.conclude(reviewer, rid, "basic_pass", concluded_on=TODAY,
                           items=["补交财务审计报告", "  ", "按章程召开理事会"],
                           rectify_by=date(2024, 8, 31))
    assert _count(ctx, AuditEvent) == events_before + 1  # one unit, one event
    with ctx.db.read() as s:
        rect = s.get(SupervisionRecord, rect_id)
    assert (rect.kind, rect.record_date, rect.due_on, rect.trigger) == (
        "rectification", TODAY, date(2024, 8, 31), "report_conclusion")
    details = json.loads(rect.details_json)
    assert [i["text"] for i in details["items"]] == ["补交财务审计报告", "按章程召开理事会"]
    assert details["source_ref"] == rid and details["status"] == "ordered"
    with ctx.db.read() as s:  # its notice (责令整改通知书) was issued in the same unit
        assert s.get(IssuedDocument, details["document_id"]).kind == "rectification_notice"
    assert svc.get_report(reviewer, org, 2023).rectification_id == rect_id


def test_pass_opens_no_rectification_and_report_mode_refuses_grades(ctx, add_org, staff,
                                                                     settings):
    clerk, reviewer, *_ = staff(TODAY)
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    rid = svc.receive(clerk, org, 2023, received_on=date(2024, 5, 20))
    with pytest.raises(ValidationFailed):  # accepted is a report-mode conclusion
        svc.conclude(reviewer, rid, "accepted", concluded_on=TODAY)
    assert svc.conclude(reviewer, rid, "pass", concluded_on=TODAY) is None
    assert _count(ctx, SupervisionRecord) == 0


def test_intake_refuses_dates_before_the_year_end_and_in_the_future(ctx, add_org, staff):
    clerk, *_ = staff(TODAY)
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    late = add_org("海沧区乙协会", date(2023, 7, 1))
    with pytest.raises(ValidationFailed) as err:
        svc.receive(clerk, org, 2023, received_on=date(2023, 12, 31))
    assert err.value.problems[0].field == "received_on"
    with pytest.raises(ValidationFailed):
        svc.receive(clerk, org, 2023, received_on=date(2024, 7, 16))
    with pytest.raises(ValidationFailed) as err:  # not due: registered after 30 June
        svc.receive(clerk, late, 2023, received_on=date(2024, 5, 1))
    assert err.value.problems[0].field == "year"
    assert _count(ctx, AnnualReport) == 0


def test_abnormal_proposal_writes_nothing_and_listing_on_confirm(ctx, add_org, staff):
    clerk, reviewer, approver, _ = staff(TODAY)
    missing = add_org("海沧区未报协会", date(2020, 1, 1))
    failed = add_org("海沧区不合格协会", date(2020, 1, 1))
    add_org("海沧区新成立协会", date(2023, 7, 1))  # not due
    rid = svc.receive(clerk, failed, 2023, received_on=date(2024, 5, 20))
    svc.conclude(reviewer, rid, "fail", concluded_on=TODAY, items=["整改"],
                 rectify_by=date(2024, 9, 30))
    events = _count(ctx, AuditEvent)
    proposals = svc.abnormal_proposals(clerk, 2023, TODAY)
    # 不合格 is not "not submitted"
    assert [p.organization_id for p in proposals] == [missing]
    assert "2023" in proposals[0].reason and proposals[0].deadline == date(2024, 5, 31)
    assert _count(ctx, AuditEvent) == events  # the proposal writes nothing
    assert _count(ctx, CreditListEntry) == 0
    # before the deadline nothing is proposed
    assert svc.abnormal_proposals(clerk, 2023, date(2024, 5, 31)) == []
    with pytest.raises(PermissionDenied):  # listing is the approver's decision
        svc.list_missing_reports(clerk, 2023, [missing], listed_on=TODAY)
    out = svc.list_missing_reports(approver, 2023, [missing, failed], listed_on=TODAY)
    assert out[0].entry_id and out[0].document_number and out[0].error is None
    assert out[1].entry_id is None and out[1].error
    with ctx.db.read() as s:
        entry = s.exec(select(CreditListEntry)).one()
        doc = s.get(IssuedDocument, entry.notice_document_id)
    assert (entry.organization_id, entry.ground, entry.listed_on) == (
        missing, "report_not_submitted", TODAY)
    assert doc.kind == "credit_listing_notice" and doc.organization_id == missing
    # once listed it is no longer proposed
    assert svc.abnormal_proposals(clerk, 2023, TODAY) == []


def test_returned_report_is_resubmitted_and_concluded_by_someone_else(ctx, add_org, staff,
                                                                      settings, make_ctx):
    from dataclasses import replace

    from mca_tui.services.context import ServiceContext

    report_mode = replace(settings, legal=replace(settings.legal, annual_report_mode="report"))
    clerk, reviewer, _, reviewer2 = (
        ServiceContext(db=c.db, settings=report_mode, actor=c.actor, today=c.today)
        for c in staff(TODAY))
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    rid = svc.receive(clerk, org, 2023, received_on=date(2024, 5, 20))
    with pytest.raises(ValidationFailed):
        svc.conclude(reviewer, rid, "pass", concluded_on=TODAY)  # graded: inspection only
    svc.conclude(reviewer, rid, "returned", concluded_on=TODAY)
    assert "annual_report.resubmit" in svc.get_report(clerk, org, 2023).actions
    assert svc.receive(clerk, org, 2023, received_on=TODAY) == rid
    svc.conclude(reviewer2, rid, "accepted", concluded_on=TODAY)
    with ctx.db.read() as s:
        assert s.get(AnnualReport, rid).conclusion == "accepted"


def test_adjustment_by_the_approver_not_the_reviewer_who_concluded(ctx, add_org, staff,
                                                                    make_ctx):
    clerk, reviewer, approver, _ = staff(TODAY)
    both = make_ctx("head", Role.REVIEWER, Role.APPROVER, today=TODAY)
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    rid = svc.receive(clerk, org, 2023, received_on=date(2024, 5, 20))
    svc.conclude(both, rid, "pass", concluded_on=TODAY)
    with pytest.raises(PermissionDenied):  # concluded it: may not adjust it
        svc.adjust(both, rid, "basic_pass", adjusted_on=TODAY, reason="复核发现问题",
                   items=["补交审计报告"], rectify_by=date(2024, 9, 30))
    with pytest.raises(ValidationFailed) as err:  # a reason is required
        svc.adjust(approver, rid, "fail", adjusted_on=TODAY, reason=" ",
                   items=["补交审计报告"], rectify_by=date(2024, 9, 30))
    assert "reason" in {p.field for p in err.value.problems}
    rect = svc.adjust(approver, rid, "fail", adjusted_on=TODAY, reason="复核发现财务问题",
                      items=["补交审计报告"], rectify_by=date(2024, 9, 30))
    with ctx.db.read() as s:
        assert s.get(AnnualReport, rid).conclusion == "fail"
        assert s.get(SupervisionRecord, rect).due_on == date(2024, 9, 30)
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "annual_report.adjust")).one()
    assert event.note == "复核发现财务问题"
