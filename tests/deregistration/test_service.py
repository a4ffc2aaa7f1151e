"""Deregistration (注销登记) through the services: the 15-day flag, the 20-working-day clock
and its extension, four eyes, status 已注销 (searchable, marked), custody, documents,
the liquidation audit, the home queues and the statistics."""

from __future__ import annotations

import json
from datetime import date

import docx
import pytest
from sqlmodel import select

from mca_tui.domain.casework import CustodyRecord
from mca_tui.domain.enums import (
    ApplicationStatus,
    CustodyItem,
    CustodyOutcome,
    OrgStatus,
)
from mca_tui.services import deregistration as dereg
from mca_tui.services import documents, queues, search
from mca_tui.services.custody import RefusedByRule
from mca_tui.services.errors import PermissionDenied
from mca_tui.storage.models import (
    Announcement,
    AuditEvent,
    Certificate,
    IssuedDocument,
    Organization,
    SupervisionRecord,
)
from tests.deregistration.conftest import TODAY, dereg_form


def _events(db, action: str) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)))


def _text(ctx, doc_id: str) -> str:
    path = documents.path_of(ctx, doc_id)
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs) + "\n" + "\n".join(
        c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells)


def _accepted(people, org_id, **form):
    clerk = people["clerk"]
    draft = dereg.start(clerk, org_id, dereg_form(**form))
    return dereg.accept(clerk, draft.id, expected_version=draft.version)


def _approved(people, org_id, **form):
    info = _accepted(people, org_id, **form)
    info = dereg.review(people["reviewer"], info.id)
    return dereg.approve(people["approver"], info.id)


# --------------------------------------------------------------------------- 15 days


def test_on_time_application_is_not_flagged(people, org_id):
    info = _accepted(people, org_id)
    assert info.status is ApplicationStatus.ACCEPTED
    assert not info.late
    assert info.application_deadline.due == date(2025, 3, 7)  # 20 Feb + 15 days
    assert "第二十一条" in info.application_deadline.article


def test_late_application_is_flagged_but_accepted(people, org_id):
    info = _accepted(people, org_id, liquidation={
        "formed_on": "2025-01-06", "members": "陈明、林芳", "guided_by": "海沧区文旅局",
        "ended_on": "2025-02-10"})
    assert info.status is ApplicationStatus.ACCEPTED
    assert info.late
    assert info.application_deadline.due == date(2025, 2, 25)
    # the flag is on the row, in the audit event and printed on the acceptance notice
    assert _events(people["clerk"].db, "deregistration.accept")[-1].after_json.count(
        '"late":true') == 1
    notice = next(d for d in info.documents if d.kind == "dereg_acceptance_notice")
    text = _text(people["clerk"], notice.id)
    assert "注销登记申请受理通知书" in text
    assert "已超过清算结束后15日的申请期限" in text
    assert "2025年2月25日" in text


def test_acceptance_refused_before_liquidation_ended_or_without_materials(people, org_id):
    clerk = people["clerk"]
    draft = dereg.start(clerk, org_id, dereg_form(liquidation={
        "formed_on": "2025-01-06", "members": "陈明", "guided_by": "文旅局", "ended_on": ""}))
    with pytest.raises(RefusedByRule) as refused:
        dereg.accept(clerk, draft.id)
    assert "清算尚未结束" in refused.value.message()
    assert "第二十条" in refused.value.message()
    missing = dict(dereg_form()["materials"], liquidation_report=False)
    with pytest.raises(RefusedByRule) as refused:
        dereg.accept(clerk, draft.id, dereg_form(materials=missing))
    assert "法定材料" in refused.value.message()
    assert dereg.get(clerk, draft.id).status is ApplicationStatus.DRAFT  # nothing written
    assert not _events(clerk.db, "deregistration.accept")


# --------------------------------------------------------------------------- 20 working days


def test_decision_clock_and_extension(people, org_id, monkeypatch):
    info = _accepted(people, org_id)
    clock = info.decision_deadline
    cal = people["clerk"].calendar
    assert clock.start == TODAY
    assert clock.due == cal.add_working_days(TODAY, 20)
    assert "第四十二条" in clock.article
    approver = people["approver"]
    with pytest.raises(RefusedByRule):  # a reason is required
        dereg.extend(approver, info.id, "  ")
    with pytest.raises(PermissionDenied):  # the head's approval: not the clerk's
        dereg.extend(people["clerk"], info.id, "需要核实清算报告")
    info = dereg.extend(approver, info.id, "需要向债权人核实清算报告")
    assert info.decision_deadline.due == cal.add_working_days(TODAY, 30)
    assert info.extension.reason == "需要向债权人核实清算报告"
    notice = next(d for d in info.documents if d.kind == "dereg_extension_notice")
    assert "延长十个工作日" in _text(approver, notice.id)
    with pytest.raises(RefusedByRule) as again:
        dereg.extend(approver, info.id, "再延长")
    assert "已经延长过一次" in again.value.message()


def test_extension_after_the_period_ran_out_is_refused(people, org_id, make_ctx):
    from mca_tui.domain.enums import Role

    info = _accepted(people, org_id)
    late_day = people["clerk"].calendar.add_working_days(TODAY, 21)
    late = make_ctx("approver", Role.APPROVER, today=late_day)
    with pytest.raises(RefusedByRule) as refused:
        dereg.extend(late, info.id, "材料较多")
    assert "原期限" in refused.value.message()


# --------------------------------------------------------------------------- four eyes


def test_the_acceptor_does_not_decide(people, org_id):
    both = people["both"]  # a clerk who is also an approver
    draft = dereg.start(both, org_id, dereg_form())
    info = dereg.accept(both, draft.id)
    info = dereg.review(people["reviewer"], info.id)
    assert "deregistration.approve" not in dereg.get(both, info.id).actions
    with pytest.raises(PermissionDenied) as denied:
        dereg.approve(both, info.id)
    assert "受理本注销申请的人员" in denied.value.message()
    with pytest.raises(PermissionDenied):
        dereg.refuse(both, info.id, "理由")
    assert "deregistration.approve" in dereg.get(people["approver"], info.id).actions
    assert dereg.get(both, info.id).status is ApplicationStatus.REVIEWED


# --------------------------------------------------------------------------- decision


def test_approval_deregisters_and_the_organization_stays_searchable(people, org_id, ctx):
    info = _approved(people, org_id)
    assert info.status is ApplicationStatus.APPROVED
    assert info.org_status == OrgStatus.DEREGISTERED.value
    with ctx.db.read() as s:
        org = s.get(Organization, org_id)
        assert (org.status, org.deregistered_on) == ("deregistered", TODAY)
    page = search.search_organizations(ctx, "书法协会")
    hit = next(r for r in page.items if r.id == org_id)
    assert hit.closed and hit.status == "deregistered"
    # the decision is the 注销证明文件 and asks for the certificate, seals and vouchers
    decision = next(d for d in info.documents if d.kind == "dereg_approval_decision")
    text = _text(ctx, decision.id)
    for passage in ("准予注销登记决定书", "本机关决定准予注销登记", "本决定书即为注销证明文件",
                    "登记证书正本", "登记证书副本", "印章", "财务凭证",
                    "《社会团体登记管理条例》第十九条、第二十一条", "51350205MJ0000026B"):
        assert passage in text, passage


def test_refusal_with_reasons_and_remedies(people, org_id, ctx):
    info = _accepted(people, org_id)
    info = dereg.refuse(people["approver"], info.id, "清算报告未经业务主管单位审查")
    assert info.status is ApplicationStatus.REFUSED
    with ctx.db.read() as s:
        assert s.get(Organization, org_id).status == "active"
    doc = next(d for d in info.documents if d.kind == "dereg_refusal_decision")
    text = _text(ctx, doc.id)
    assert "不予注销登记决定书" in text and "清算报告未经业务主管单位审查" in text
    assert "申请行政复议" in text and "提起行政诉讼" in text


# --------------------------------------------------------------------------- custody


def test_custody_complete_only_when_every_item_is_collected_or_void(people, org_id, ctx):
    info = _approved(people, org_id)
    clerk = people["clerk"]
    assert not info.custody_status.complete
    assert set(info.custody_status.outstanding) == set(CustodyItem)
    before = date(2025, 3, 7)
    with pytest.raises(RefusedByRule) as early:
        dereg.record_custody(clerk, info.id, [CustodyRecord(
            CustodyItem.SEALS, CustodyOutcome.COLLECTED, before)])
    assert "不能早于" in early.value.message()
    info = dereg.record_custody(clerk, info.id, [
        CustodyRecord(CustodyItem.CERTIFICATE_ORIGINAL, CustodyOutcome.COLLECTED, TODAY),
        CustodyRecord(CustodyItem.SEALS, CustodyOutcome.COLLECTED, TODAY)])
    assert not info.custody_status.complete
    assert set(info.custody_status.outstanding) == {CustodyItem.CERTIFICATE_DUPLICATE,
                                                     CustodyItem.FINANCIAL_VOUCHERS}
    with ctx.db.read() as s:  # the certificate is still valid until both parts settle
        assert s.exec(select(Certificate).where(
            Certificate.organization_id == org_id)).one().status == "valid"
    info = dereg.record_custody(clerk, info.id, [
        CustodyRecord(CustodyItem.CERTIFICATE_DUPLICATE, CustodyOutcome.VOID_ANNOUNCED, TODAY),
        CustodyRecord(CustodyItem.FINANCIAL_VOUCHERS, CustodyOutcome.COLLECTED, TODAY)])
    assert info.custody_status.complete
    assert "deregistration.custody" not in info.actions
    with ctx.db.read() as s:
        cert = s.exec(select(Certificate).where(Certificate.organization_id == org_id)).one()
        assert (cert.status, cert.status_on) == ("void", TODAY)
        void = s.exec(select(Announcement).where(Announcement.kind == "void")).one()
    doc = next(d for d in info.documents if d.kind == "void_announcement")
    assert void.document_id == doc.id
    text = _text(ctx, doc.id)
    assert "登记证书副本（编号：350205201600001F）" in text
    assert "一律作废" in text and "已经本机关准予注销登记" in text
    assert not info.complete  # the announcement is still outstanding
    # one event per custody step, holding the application row it changed
    events = _events(ctx.db, "deregistration.custody")
    assert len(events) == 2


def test_announcement_completes_the_file(people, org_id, ctx):
    info = _approved(people, org_id)
    clerk = people["clerk"]
    info = dereg.record_custody(clerk, info.id, [
        CustodyRecord(item, CustodyOutcome.COLLECTED, TODAY) for item in CustodyItem])
    info = dereg.announce(clerk, info.id)
    assert info.complete and info.announced_on == TODAY
    assert "deregistration.announce" not in info.actions
    doc = next(d for d in info.documents if d.kind == "dereg_announcement")
    text = _text(ctx, doc.id)
    for passage in ("注销登记公告", "厦门市海沧区书法协会", "51350205MJ0000026B", "自行解散",
                    "《社会团体登记管理条例》第二十三条", "特此公告"):
        assert passage in text, passage
    with ctx.db.read() as s:
        ann = s.exec(select(Announcement).where(Announcement.kind == "deregistration")).one()
        assert ann.published_on == TODAY and ann.organization_id == org_id


# --------------------------------------------------------------------------- audit, queues


def test_liquidation_audit_is_recorded_or_required(people, org_id, ctx):
    from tests.deregistration.conftest import add_org

    info = _accepted(people, org_id)
    assert info.audit_status == "done"
    other = add_org(ctx, "厦门市海沧区篮球协会", "51350205MJ0000114R")
    info2 = dereg.accept(people["clerk"], dereg.start(people["clerk"], other, dereg_form(
        audit_firm="", audit_on="", audit_result="")).id)
    assert info2.audit_status == "required"
    with ctx.db.read() as s:
        rows = s.exec(select(SupervisionRecord).where(
            SupervisionRecord.trigger == "deregistration")).all()
    by_org = {r.organization_id: r for r in rows}
    assert by_org[org_id].completed_on == date(2025, 2, 18)
    assert by_org[org_id].outcome == "unqualified"
    assert by_org[other].completed_on is None
    assert json.loads(by_org[other].details_json)["status"] == "required"


def test_home_queues(people, org_id, ctx):
    info = _accepted(people, org_id)
    reviewer, approver, clerk = people["reviewer"], people["approver"], people["clerk"]
    assert "deregistration_decision" in queues.visible_queues(reviewer)
    [row] = queues.items(reviewer, "deregistration_decision")
    assert row.application_id == info.id and row.due == info.decision_deadline.due
    assert queues.items(approver, "deregistration_decision") == []
    # registration queues never list a deregistration
    assert all(i.application_id != info.id for i in queues.items(reviewer, "review"))
    dereg.review(reviewer, info.id)
    [row] = queues.items(approver, "deregistration_decision")
    assert row.deadline.article and "第四十二条" in row.deadline.article
    dereg.approve(approver, info.id)
    assert queues.items(approver, "deregistration_decision") == []
    [row] = queues.items(clerk, "custody_outstanding")
    assert row.application_id == info.id
    counts = {q.id: q.count for q in queues.summaries(clerk)}
    assert counts["custody_outstanding"] == 1


def test_statistics_count_the_service_written_deregistration(people, org_id, ctx):
    from mca_tui.services import statistics

    assert statistics.year_stats(ctx, 2025).deregistered["total"] == 0
    _approved(people, org_id)
    figures = statistics.year_stats(ctx, 2025)
    assert figures.deregistered["total"] == 1
    assert figures.deregistered["social_group"] == 1
    as_of = statistics.register_as_of(ctx, TODAY)
    assert as_of.total("deregistered") == 1


def test_every_step_writes_exactly_one_event(people, org_id, ctx):
    with ctx.db.read() as s:
        before = len(s.exec(select(AuditEvent)).all())
    info = _approved(people, org_id)
    with ctx.db.read() as s:
        after = len(s.exec(select(AuditEvent)).all())
        docs = s.exec(select(IssuedDocument).where(
            IssuedDocument.application_id == info.id)).all()
    assert after - before == 4  # draft, accept, review, approve
    assert {d.kind for d in docs} == {"dereg_acceptance_notice", "dereg_approval_decision"}


def test_a_required_liquidation_audit_is_not_counted_until_done(people, org_id, ctx):
    from mca_tui.services import statistics
    from tests.deregistration.conftest import add_org

    other = add_org(ctx, "厦门市海沧区篮球协会", "51350205MJ0000114R")
    _accepted(people, other, audit_firm="", audit_on="", audit_result="")
    figures = statistics.year_stats(ctx, 2025).to_dict()
    assert figures["financial_audit"] == 0
    _accepted(people, org_id)  # its audit report was typed: done on 18 Feb 2025
    assert statistics.year_stats(ctx, 2025).to_dict()["financial_audit"] == 1


def test_record_flags_custody_outstanding(people, org_id, ctx):
    from mca_tui.services.records import get_record

    info = _approved(people, org_id)
    rec = get_record(ctx, org_id)
    assert rec.is_closed and "custody_outstanding" in rec.flags
    dereg.record_custody(people["clerk"], info.id, [
        CustodyRecord(item, CustodyOutcome.VOID_ANNOUNCED, TODAY) for item in CustodyItem])
    assert "custody_outstanding" not in get_record(ctx, org_id).flags


def test_correction_and_withdrawal(people, org_id, ctx):
    info = _accepted(people, org_id, materials={
        **dereg_form()["materials"], "tax_closure": False})
    assert [f.material.value for f in info.missing] == ["tax_closure"]  # local practice
    reviewer, clerk = people["reviewer"], people["clerk"]
    info = dereg.request_correction(reviewer, info.id, ["税务注销证明"])
    assert info.status is ApplicationStatus.CORRECTION
    assert queues.items(reviewer, "deregistration_decision") == []
    info = dereg.complete_correction(clerk, info.id, {"materials": dereg_form()["materials"]})
    assert info.status is ApplicationStatus.ACCEPTED and not info.missing
    assert info.decision_deadline.start == TODAY  # the clock runs from acceptance
    info = dereg.withdraw(clerk, info.id, note="申请人撤回")
    assert info.status is ApplicationStatus.WITHDRAWN and info.decision_deadline is None
    # a new application may then be made
    again = dereg.start(clerk, org_id, dereg_form())
    assert again.status is ApplicationStatus.DRAFT
    with pytest.raises(dereg.WrongStatus):
        dereg.start(clerk, org_id, dereg_form())  # one open file at a time


def test_the_applications_list_shows_a_deregistration_with_its_clock(people, org_id):
    from mca_tui.services import registration as reg
    from mca_tui.services.errors import NotFound

    info = _accepted(people, org_id)
    [row] = [r for r in reg.list_applications(people["reviewer"]) if r.id == info.id]
    assert row.org_name == "厦门市海沧区书法协会"
    assert row.decision_deadline.due == info.decision_deadline.due  # 20 working days
    with pytest.raises(NotFound):  # the registration services leave it alone
        reg.review(people["reviewer"], info.id)


# --------------------------------------------------------------------------- after a revocation


def test_custody_settled_in_the_revocation_case_is_carried_over_not_asked_again(people, ctx):
    """A revoked organization deregisters (domain.md §3): the certificate 正本 and 副本 and
    the seals collected or declared void in its revocation case are shown on the file with
    the case's number and not asked again (no second void announcement); only the
    financial vouchers are asked for, in the decision too."""
    from mca_tui.services import custody
    from mca_tui.storage.audit import Subject
    from mca_tui.storage.models import PenaltyCase
    from tests.deregistration.conftest import add_org

    org_id = add_org(ctx, "已撤销协会", uscc="51350205MJ0000341Y", status=OrgStatus.REVOKED)
    revoked = date(2025, 1, 6)
    with ctx.unit("test.add", subject=Subject("organization", org_id)) as unit:
        case = PenaltyCase(office_id=ctx.actor.office_id, organization_id=org_id,
                           case_number="厦海民罚〔2024〕3号", filed_on=date(2024, 10, 8),
                           status="decided", decision="revoke", decided_on=revoked)
        unit.session.add(case)
        unit.session.flush()
        custody.apply_custody(unit, ctx, case, [
            CustodyRecord(CustodyItem.CERTIFICATE_ORIGINAL, CustodyOutcome.COLLECTED, revoked),
            CustodyRecord(CustodyItem.CERTIFICATE_DUPLICATE, CustodyOutcome.VOID_ANNOUNCED,
                          date(2025, 1, 10)),
            CustodyRecord(CustodyItem.SEALS, CustodyOutcome.COLLECTED, revoked)],
            organization_id=org_id, earliest=revoked, case_id=case.id)
    with ctx.db.read() as s:
        voids_before = len(s.exec(select(Announcement).where(Announcement.kind == "void")).all())
    info = _approved(people, org_id)
    assert info.custody_status.outstanding == (CustodyItem.FINANCIAL_VOUCHERS,)
    carried = {r.item: r for r in info.custody}
    assert carried[CustodyItem.CERTIFICATE_DUPLICATE].outcome is CustodyOutcome.VOID_ANNOUNCED
    assert carried[CustodyItem.SEALS].on == revoked
    assert "厦海民罚〔2024〕3号" in carried[CustodyItem.SEALS].note
    # the clerk is still asked for the vouchers
    assert "deregistration.custody" in dereg.get(people["clerk"], info.id).actions
    text = _text(ctx, next(d for d in info.documents if d.kind == "dereg_approval_decision").id)
    assert "财务凭证" in text and "撤销登记案件（厦海民罚〔2024〕3号）" in text
    assert "印章\n" not in text  # the seals are not asked for again
    info = dereg.record_custody(people["clerk"], info.id, [
        CustodyRecord(CustodyItem.FINANCIAL_VOUCHERS, CustodyOutcome.COLLECTED, TODAY)])
    assert info.custody_status.complete
    assert "deregistration.custody" not in info.actions
    with ctx.db.read() as s:
        assert len(s.exec(select(Announcement).where(Announcement.kind == "void")).all()) \
            == voids_before


def test_every_item_settled_in_the_case_leaves_nothing_to_ask(people, ctx):
    from mca_tui.services import custody
    from mca_tui.storage.audit import Subject
    from mca_tui.storage.models import PenaltyCase
    from tests.deregistration.conftest import add_org

    org_id = add_org(ctx, "已撤销收缴齐全协会", uscc="51350205MJ0000421J",
                     status=OrgStatus.REVOKED)
    revoked = date(2025, 1, 6)
    with ctx.unit("test.add", subject=Subject("organization", org_id)) as unit:
        case = PenaltyCase(office_id=ctx.actor.office_id, organization_id=org_id,
                           case_number="厦海民罚〔2024〕4号", filed_on=date(2024, 10, 8),
                           status="decided", decision="revoke", decided_on=revoked)
        unit.session.add(case)
        unit.session.flush()
        custody.apply_custody(unit, ctx, case, [
            CustodyRecord(i, CustodyOutcome.COLLECTED, revoked) for i in CustodyItem],
            organization_id=org_id, earliest=revoked, case_id=case.id)
    info = _approved(people, org_id)
    assert info.custody_status.complete
    assert "deregistration.custody" not in dereg.get(people["clerk"], info.id).actions
    text = _text(ctx, next(d for d in info.documents if d.kind == "dereg_approval_decision").id)
    assert "请将下列物品交回" not in text and "厦海民罚〔2024〕4号" in text
