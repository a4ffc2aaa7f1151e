"""The revocation case through services.revocation: filing to 已撤销 across Spring
Festival, announcement service after 30 or 60 days, a refused early decision, four eyes,
a closed case (domain.md §6.2, §10.7)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import func, select

from mca_tui.domain.casework import CustodyRecord
from mca_tui.domain.enums import CaseStepKind as K
from mca_tui.domain.enums import CustodyItem, CustodyOutcome, Role, ServiceMethod
from mca_tui.services import dormancy, revocation
from mca_tui.services.errors import PermissionDenied
from mca_tui.services.revocation import RefusedByRule, StepData
from mca_tui.services.workflow import WrongState
from mca_tui.storage.models import (
    Announcement,
    AuditEvent,
    CreditListEntry,
    DocumentService,
    IssuedDocument,
    Organization,
)
from tests.revocation.conftest import add_org, at, good_years

D = date.fromisoformat


def _dormant(ctx) -> str:
    # reports accepted up to 2022, none for 2023 and 2024: Z1 from 1 June 2025
    return add_org(ctx, "厦门市海沧区沉睡协会", reports=good_years(2016, 2022))


def _events(db, prefix: str = "penalty_case.") -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(AuditEvent)
                      .where(AuditEvent.action.like(prefix + "%"))).one()


def _open(people, officers, org_id, day="2026-02-09"):
    return revocation.open_case(at(people["officer1"], D(day)), org_id, filed_on=D(day),
                                officers=officers, grounds=["no_report_two_years"])


def _notice_served(people, case_id, *, filed="2026-02-09", served="2026-02-11",
                   service: StepData | None = None):
    o1, o2 = people["officer1"], people["officer2"]
    revocation.take_step(at(o1, D(filed)), case_id, K.EVIDENCE, on=D(filed),
                         data=StepData(note="年度报告平台截图；挂号信退回凭证"))
    revocation.take_step(at(o1, D(filed)), case_id, K.ISSUE_NOTICE, on=D(filed))
    service = service or StepData(method=ServiceMethod.IN_PERSON, served_on=D(served),
                                  addressee="陈明")
    day = service.published_on or service.served_on or D(served)
    revocation.take_step(at(o2, day), case_id, K.SERVE_NOTICE, on=day, data=service)


def test_full_case_from_filing_to_revoked_across_spring_festival(ctx, db, people, officers):
    org_id = _dormant(ctx)
    assert [c.organization_id for c in dormancy.candidates(ctx, D("2026-02-09"))] == [org_id]
    case_id = _open(people, officers, org_id)
    # the organization leaves the list of candidates: a case is open
    assert dormancy.candidates(ctx, D("2026-02-09"), include_excluded=False) == []
    _notice_served(people, case_id)
    view = revocation.case_view(ctx, case_id, D("2026-02-11"))
    # 5 working days from 11 Feb: 12, 13, 14 (make-up working Saturday), then the holiday
    # 15-23 Feb, 24, 25 -> the windows end on 25 Feb, the decision can come on the 26th
    assert view.clocks.statement.due == D("2026-02-25")
    assert view.clocks.hearing_request.due == D("2026-02-25")
    assert view.clocks.earliest_decision_on == D("2026-02-26")
    assert view.clocks.decision.due == D("2026-05-11")  # 90 days from 9 Feb (10 May is Sunday)
    approver, reviewer = people["approver"], people["reviewer"]
    # too early: the hearing-request window is still open on the 25th
    with pytest.raises(RefusedByRule) as err:
        revocation.take_step(at(approver, D("2026-02-25")), case_id,
                             K.COLLECTIVE_DISCUSSION, on=D("2026-02-25"))
    assert "行政处罚法" in err.value.message("zh")
    assert K.COLLECTIVE_DISCUSSION not in revocation.case_view(
        at(approver, D("2026-02-25")), case_id).offered
    day = D("2026-02-26")
    assert K.COLLECTIVE_DISCUSSION in revocation.case_view(at(approver, day), case_id).offered
    revocation.take_step(at(approver, day), case_id, K.COLLECTIVE_DISCUSSION, on=day,
                         data=StepData(note="局长办公会集体讨论，同意撤销登记"))
    revocation.take_step(at(reviewer, day), case_id, K.LEGAL_REVIEW, on=day,
                         data=StepData(note="法制审核：事实清楚，程序合法"))
    # the officers do not decide
    with pytest.raises(PermissionDenied):
        revocation.take_step(at(people["officer1"], day), case_id, K.DECIDE, on=day)
    view = revocation.take_step(at(approver, day), case_id, K.DECIDE, on=day)
    assert view.status == "decided"
    assert view.clocks.decision_service.due == D("2026-03-06")  # 7 working days (28 Feb works)
    o1 = people["officer1"]
    d2 = D("2026-02-27")
    revocation.take_step(at(o1, d2), case_id, K.SERVE_DECISION, on=d2,
                         data=StepData(method=ServiceMethod.POST, sent_on=d2, served_on=d2))
    revocation.take_step(at(o1, d2), case_id, K.PUBLISH, on=d2)
    d3 = D("2026-03-02")
    records = tuple(CustodyRecord(i, CustodyOutcome.VOID_ANNOUNCED, d3) for i in CustodyItem)
    revocation.take_step(at(o1, d3), case_id, K.CUSTODY, on=d3, data=StepData(custody=records))
    revocation.take_step(at(approver, d3), case_id, K.SERIOUS_LIST, on=d3)
    view = revocation.take_step(at(approver, d3), case_id, K.REVOKE, on=d3)
    assert view.complete
    assert view.clocks.remedies.reconsideration.due == D("2026-04-28")
    assert view.clocks.remedies.lawsuit.due == D("2026-08-27")
    with db.read() as s:
        org = s.get(Organization, org_id)
        assert (org.status, org.revoked_on, org.revocation_kind) == ("revoked", d3, "dormant")
        kinds = sorted(d.kind for d in s.exec(select(IssuedDocument)
                                              .where(IssuedDocument.case_id == case_id)))
        assert kinds == sorted(["case_filing", "advance_notice", "penalty_decision",
                                "revocation_announcement", "void_announcement",
                                "credit_listing_notice"])
        entry = s.exec(select(CreditListEntry).where(
            CreditListEntry.organization_id == org_id)).one()
        assert (entry.list_kind, entry.ground) == ("serious", "registration_revoked")
        notice = s.get(IssuedDocument, entry.notice_document_id)
        assert (notice.kind, notice.case_id) == ("credit_listing_notice", case_id)
    # listed through the credit-list service: on the publication list with its notice
    from mca_tui.services.supervision import credit_lists

    assert [(r.event, r.document_number) for r in credit_lists.publication_list(
        ctx, kind="serious")] == [("listed", notice.number)]
    with db.read() as s:
        assert s.exec(select(Announcement).where(Announcement.kind == "revocation")).one()
    # one audit event per step, each about the case
    assert _events(db) == 12
    # revoked: never a candidate again
    assert dormancy.candidates(ctx, D("2026-03-03")) == []
    # mca-tui stats counts it from what the service wrote
    from mca_tui.reports import stats as stats_lib

    assert stats_lib.year_stats(db, ctx.settings, 2026).revoked == {"total": 1, "dormant": 1}


@pytest.fixture
def settings(tmp_path, request):
    """The settings, with ``legal.announcement_service_days`` from the test's parameter."""
    from mca_tui.config import Settings

    base = Settings(documents_dir=str(tmp_path / "documents"))
    days = getattr(request, "param", None)
    if days is None:
        return base
    return replace(base, legal=replace(base.legal, announcement_service_days=days))


@pytest.mark.parametrize(("settings", "days", "effective", "earliest"), [
    (30, 30, "2026-04-01", "2026-04-10"),  # 1 Apr; 5 working days skip 清明 4-6 Apr: 9 Apr
    (60, 60, "2026-05-06", "2026-05-13"),  # 1 May is a holiday (1-5 May) -> 6 May; 9 May works
], indirect=["settings"])
def test_announcement_service_takes_effect_after_30_or_60_days(
        ctx, db, people, officers, settings, days, effective, earliest):
    assert settings.legal.announcement_service_days == days
    org_id = _dormant(ctx)
    case_id = _open(people, officers, org_id, "2026-03-02")
    _notice_served(people, case_id, filed="2026-03-02", service=StepData(
        method=ServiceMethod.ANNOUNCEMENT, published_on=D("2026-03-02"),
        other_methods_failed=True))
    view = revocation.case_view(ctx, case_id, D("2026-03-02"))
    assert view.clocks.notice_served_on == D(effective)
    assert view.clocks.earliest_decision_on == D(earliest)
    with db.read() as s:
        service = s.exec(select(DocumentService)).one()
        assert (service.method, service.effective_on) == ("announcement", D(effective))
        ann = s.exec(select(IssuedDocument).where(
            IssuedDocument.kind == "service_announcement")).one()
        assert f"满{days}日" in ann.title or days in (30, 60)
    # before the announcement took effect nothing can be decided
    approver = people["approver"]
    before = D(effective) - (D("2026-03-03") - D("2026-03-02"))
    with pytest.raises(RefusedByRule) as err:
        revocation.take_step(at(approver, before), case_id, K.COLLECTIVE_DISCUSSION,
                             on=before)
    assert "民事诉讼法" in err.value.message("zh") or "行政处罚法" in err.value.message("zh")


def test_announcement_needs_failed_other_methods(ctx, people, officers):
    org_id = _dormant(ctx)
    case_id = _open(people, officers, org_id, "2026-03-02")
    with pytest.raises(RefusedByRule) as err:
        _notice_served(people, case_id, filed="2026-03-02", service=StepData(
            method=ServiceMethod.ANNOUNCEMENT, published_on=D("2026-03-02")))
    assert "第四十七条" in err.value.message("zh")


def test_early_decision_is_refused_with_the_article_and_writes_nothing(ctx, db, people,
                                                                       officers):
    org_id = _dormant(ctx)
    case_id = _open(people, officers, org_id)
    _notice_served(people, case_id)
    approver = people["approver"]
    count = _events(db)
    day = D("2026-02-24")
    with pytest.raises(RefusedByRule) as err:
        revocation.take_step(at(approver, day), case_id, K.DECIDE, on=day)
    assert "2026-02-25" in err.value.message("zh")
    assert "第六十四条" in err.value.message("zh")
    assert _events(db) == count
    assert K.DECIDE not in revocation.case_view(at(approver, day), case_id).offered


def test_case_needs_two_enforcement_officers(ctx, people, officers):
    org_id = _dormant(ctx)
    clerk = people["clerk"].actor.user_id
    with pytest.raises(RefusedByRule) as err:
        revocation.open_case(at(people["officer1"], D("2026-02-09")), org_id,
                             filed_on=D("2026-02-09"), officers=[officers[0], clerk])
    assert "第五十五条" in err.value.message("zh")


def test_an_officer_who_is_also_approver_does_not_decide(ctx, make_ctx, people, officers):
    """Named as a case officer (the other officer filed and investigated): the dated rules
    still keep the approver role from deciding, on the screen and in the service."""
    both = make_ctx("both", Role.ENFORCEMENT, Role.APPROVER)
    org_id = _dormant(ctx)
    case_id = _open(people, [officers[0], both.actor.user_id], org_id)
    _notice_served(people, case_id)
    day = D("2026-02-26")
    revocation.take_step(at(people["approver"], day), case_id, K.COLLECTIVE_DISCUSSION, on=day)
    revocation.take_step(at(people["reviewer"], day), case_id, K.LEGAL_REVIEW, on=day)
    offered = revocation.case_view(at(both, day), case_id).offered
    assert K.DECIDE not in offered and K.CLOSE not in offered
    with pytest.raises(RefusedByRule) as err:
        revocation.take_step(at(both, day), case_id, K.DECIDE, on=day)
    assert "第五十七条" in err.value.message("zh")
    assert K.DECIDE in revocation.case_view(at(people["approver"], day), case_id).offered


def test_closed_case_stops_every_clock_and_leaves_the_list(ctx, db, people, officers):
    org_id = _dormant(ctx)
    case_id = _open(people, officers, org_id)
    _notice_served(people, case_id)
    day = D("2026-02-12")
    assert revocation.case_view(ctx, case_id, day).clocks.running(day)
    # the organization comes forward: it files the missing reports
    from mca_tui.storage.audit import Subject
    from mca_tui.storage.models import AnnualReport

    with ctx.unit("test.add", subject=Subject("organization", org_id)) as u:
        for year in (2023, 2024):
            u.session.add(AnnualReport(office_id=ctx.actor.office_id, organization_id=org_id,
                                       report_year=year, submitted_on=day,
                                       conclusion="accepted", concluded_on=day))
        dormancy.refresh(u, ctx, org_id)
    approver = people["approver"]
    with pytest.raises(RefusedByRule):  # a reason is required
        revocation.take_step(at(approver, day), case_id, K.CLOSE, on=day)
    with pytest.raises(PermissionDenied):  # an officer does not close the case
        revocation.take_step(at(people["officer1"], day), case_id, K.CLOSE, on=day,
                             data=StepData(reasons=("补报年度报告",)))
    view = revocation.take_step(at(approver, day), case_id, K.CLOSE, on=day,
                                data=StepData(reasons=("补报2023、2024年度报告", "可以联系")))
    assert view.status == "closed"
    assert view.clocks.running(day) == () and view.clocks.waiting(day) == ()
    assert view.offered == ()
    assert dormancy.candidates(ctx, D("2026-03-01")) == []
    with pytest.raises(WrongState) as err:
        revocation.take_step(at(approver, day), case_id, K.DECIDE, on=day)
    assert "已结案" in err.value.message("zh")


def test_hearing_on_request_notified_7_working_days_ahead_and_chaired_by_a_non_officer(
        ctx, db, people, officers):
    org_id = _dormant(ctx)
    case_id = _open(people, officers, org_id)
    _notice_served(people, case_id)  # served 11 Feb; request window to 25 Feb
    o1, approver = people["officer1"], people["approver"]
    clerk = people["clerk"]
    revocation.take_step(at(clerk, D("2026-02-13")), case_id, K.REQUEST_HEARING,
                         on=D("2026-02-13"), data=StepData(note="法定代表人书面要求听证"))
    # a hearing on 6 Mar must be notified by 26 Feb (7 working days ahead; 28 Feb works)
    with pytest.raises(RefusedByRule) as err:
        revocation.take_step(at(o1, D("2026-02-27")), case_id, K.NOTIFY_HEARING,
                             on=D("2026-02-27"), data=StepData(hearing_on=D("2026-03-06")))
    assert "第六十四条" in err.value.message("zh")
    view = revocation.take_step(at(o1, D("2026-02-24")), case_id, K.NOTIFY_HEARING,
                                on=D("2026-02-24"),
                                data=StepData(hearing_on=D("2026-03-06"),
                                              hearing_place="区民政局三楼会议室"))
    assert view.facts.hearing.scheduled_on == D("2026-03-06")
    # no decision before the hearing is held, and an officer does not chair it
    assert K.COLLECTIVE_DISCUSSION not in revocation.case_view(
        at(approver, D("2026-03-05")), case_id).offered
    with pytest.raises((PermissionDenied, RefusedByRule)):
        revocation.take_step(at(o1, D("2026-03-06")), case_id, K.HOLD_HEARING,
                             on=D("2026-03-06"))
    revocation.take_step(at(approver, D("2026-03-06")), case_id, K.HOLD_HEARING,
                         on=D("2026-03-06"), data=StepData(note="听证笔录"))
    day = D("2026-03-09")
    revocation.take_step(at(approver, day), case_id, K.COLLECTIVE_DISCUSSION, on=day)
    revocation.take_step(at(people["reviewer"], day), case_id, K.LEGAL_REVIEW, on=day)
    view = revocation.take_step(at(approver, day), case_id, K.DECIDE, on=day)
    assert view.status == "decided"
    with db.read() as s:
        kinds = [d.kind for d in s.exec(select(IssuedDocument)
                                        .where(IssuedDocument.case_id == case_id))]
    assert "hearing_notice" in kinds and "penalty_decision" in kinds
    with db.read() as s:
        decision = s.exec(select(IssuedDocument).where(
            IssuedDocument.case_id == case_id, IssuedDocument.kind == "penalty_decision")).one()
    assert "2026年3月6日依法举行了听证" in decision.data_json
