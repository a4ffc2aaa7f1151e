"""The revocation case: steps in order, the dated guards (no decision while a window is open
or before an announcement took effect), four eyes, closing, the workflow table and the batch
preview. Dates across Spring Festival 2026 (holidays 2026-02-15..23, make-up working days
Sat 2026-02-14 and Sat 2026-02-28 per chinese_calendar) were checked by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import chinese_calendar
import pytest

from mca_tui.domain import clocks
from mca_tui.domain import penalty_case as pc
from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.casework import CustodyRecord, ServiceFacts, custody_status
from mca_tui.domain.enums import (
    CaseStatus,
    CustodyItem,
    CustodyOutcome,
    DormancyExclusion,
    DormancySignal,
    Role,
    ServiceMethod,
)
from mca_tui.domain.enums import (
    CaseStepKind as K,
)
from mca_tui.domain.params import LegalParams
from mca_tui.domain.workflow import NEW, Refusal, actor_key

D = date.fromisoformat
OFFICERS = (pc.Officer("u-li"), pc.Officer("u-wang"))
APPROVER = "u-head"
P60 = LegalParams(announcement_service_days=60)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def test_spring_festival_2026_as_the_tests_assume():
    for d in range(15, 24):
        assert chinese_calendar.is_holiday(date(2026, 2, d))
    assert chinese_calendar.is_workday(D("2026-02-14"))  # make-up Saturday
    assert chinese_calendar.is_workday(D("2026-02-28"))  # make-up Saturday
    assert chinese_calendar.is_holiday(D("2026-04-05"))  # Qingming (Sunday)


def _take(facts, step, on, cal, *, actor="u-li", params=LegalParams(), **data):
    """Take a step only if the guard allows it; return the new facts."""
    problem = pc.refusal(step, facts, on, cal, actor=actor, data=pc.StepInput(**data),
                         params=params)
    assert problem is None, (step, on, problem and problem.message("en"))
    return facts


def _announced(published: str) -> ServiceFacts:
    return ServiceFacts(ServiceMethod.ANNOUNCEMENT, published_on=D(published),
                        other_methods_failed=True)


def _notice_served_by_announcement(cal, published="2026-01-16", params=LegalParams()):
    f = _take(pc.CaseFacts(), K.FILE, D("2026-01-05"), cal, officers=OFFICERS)
    f = replace(f, filed_on=D("2026-01-05"), officers=OFFICERS)
    f = replace(_take(f, K.EVIDENCE, D("2026-01-06"), cal), evidence_on=(D("2026-01-06"),))
    f = replace(_take(f, K.ISSUE_NOTICE, D("2026-01-07"), cal), notice_issued_on=D("2026-01-07"))
    service = _announced(published)
    f = _take(f, K.SERVE_NOTICE, D(published), cal, service=service, params=params)
    return replace(f, notice_services=(service,))


# -- a full case across Spring Festival ---------------------------------------------------


def test_full_case_from_filing_to_revoked_across_spring_festival(cal):
    f = _notice_served_by_announcement(cal)
    clocks_ = pc.case_clocks(f, cal)
    # published Fri 2026-01-16 + 30 days = Sun 2026-02-15 (holiday) -> Tue 2026-02-24
    assert clocks_.notice_served_on == D("2026-02-24")
    # 5 working days from 02-24: 25, 26, 27, Sat 28 (make-up day), Mon 03-02
    assert clocks_.statement.due == D("2026-03-02")
    assert clocks_.hearing_request.due == D("2026-03-02")
    assert clocks_.earliest_decision_on == D("2026-03-03")
    # filed 01-05 + 90 days = Sun 04-05 (Qingming) -> Tue 04-07
    assert clocks_.decision.due == D("2026-04-07")
    assert clocks_.decision.rolled_from == D("2026-04-05")

    # deliberation and decision only once the windows have run out
    for step in (K.COLLECTIVE_DISCUSSION, K.LEGAL_REVIEW, K.DECIDE):
        r = pc.refusal(step, f, D("2026-03-02"), cal, actor=APPROVER)
        assert r is not None and r.key == "case.refusal.window_open"
        assert r.until == D("2026-03-03")
    f = replace(_take(f, K.COLLECTIVE_DISCUSSION, D("2026-03-03"), cal, actor=APPROVER),
                collective_discussion_on=D("2026-03-03"))
    f = replace(_take(f, K.LEGAL_REVIEW, D("2026-03-03"), cal, actor="u-legal"),
                legal_review_on=D("2026-03-03"))
    f = replace(_take(f, K.DECIDE, D("2026-03-04"), cal, actor=APPROVER),
                decided_on=D("2026-03-04"), decided_by=APPROVER)
    assert f.status is CaseStatus.DECIDED
    clocks_ = pc.case_clocks(f, cal)
    assert clocks_.decision_service.due == D("2026-03-13")  # 7 working days
    assert clocks_.decision_service in clocks_.running(D("2026-03-05"))

    # the decision is served by announcement on 03-06: in force from 04-05 -> 04-07
    dec_service = _announced("2026-03-06")
    f = replace(_take(f, K.SERVE_DECISION, D("2026-03-06"), cal, service=dec_service),
                decision_services=(dec_service,))
    f = replace(_take(f, K.PUBLISH, D("2026-03-06"), cal), published_on=D("2026-03-06"))
    clocks_ = pc.case_clocks(f, cal)
    assert clocks_.decision_served_on == D("2026-04-07")
    # custody, serious list and status wait for the decision to be in force
    for step in (K.SERIOUS_LIST, K.REVOKE):
        r = pc.refusal(step, f, D("2026-04-03"), cal, actor=APPROVER)
        assert r is not None and r.key == "case.refusal.decision_not_in_force"
        assert r.until == D("2026-04-07")
    custody = tuple(
        CustodyRecord(item, CustodyOutcome.VOID_ANNOUNCED, D("2026-04-08")) for item in CustodyItem
    )
    for record in custody:
        _take(f, K.CUSTODY, D("2026-04-08"), cal, custody=record)
    f = replace(f, custody=custody)
    f = replace(_take(f, K.SERIOUS_LIST, D("2026-04-08"), cal, actor=APPROVER),
                serious_listed_on=D("2026-04-08"))
    f = replace(_take(f, K.REVOKE, D("2026-04-08"), cal, actor=APPROVER),
                revoked_on=D("2026-04-08"))
    assert pc.is_complete(f)
    remedies = pc.case_clocks(f, cal).remedies
    # served 04-07: +60 days = Sat 06-06 -> Mon 06-08; +6 months = 10-07 (National Day) -> 10-08
    assert remedies.reconsideration.due == D("2026-06-08")
    assert remedies.lawsuit.due == D("2026-10-08")
    assert "行政复议法" in remedies.reconsideration.article
    assert "行政诉讼法" in remedies.lawsuit.article
    assert pc.case_clocks(f, cal).running(D("2026-04-08")) == ()


def test_announcement_service_60_days_moves_every_later_date(cal):
    f = _notice_served_by_announcement(cal, params=P60)
    c30 = pc.case_clocks(f, cal)
    c60 = pc.case_clocks(f, cal, P60)
    assert c30.notice_served_on == D("2026-02-24")
    assert c60.notice_served_on == D("2026-03-17")  # 01-16 + 60 days, a Tuesday
    assert c60.hearing_request.due == D("2026-03-24")
    assert c60.earliest_decision_on == D("2026-03-25")
    # a decision that the 30-day setting allows is refused under the 60-day one
    ready = replace(f, collective_discussion_on=D("2026-03-10"), legal_review_on=D("2026-03-10"))
    assert pc.refusal(K.DECIDE, ready, D("2026-03-10"), cal, actor=APPROVER) is None
    r = pc.refusal(K.DECIDE, ready, D("2026-03-10"), cal, actor=APPROVER, params=P60)
    assert r.key == "case.refusal.announcement_pending" and r.until == D("2026-03-17")
    assert "民事诉讼法" in r.article


def test_early_decision_is_refused_with_the_article_and_until(cal):
    f = replace(_notice_served_by_announcement(cal),
                collective_discussion_on=D("2026-01-20"), legal_review_on=D("2026-01-20"))
    before_effect = pc.refusal(K.DECIDE, f, D("2026-02-20"), cal, actor=APPROVER)
    assert before_effect.key == "case.refusal.announcement_pending"
    assert before_effect.until == D("2026-02-24")
    assert "2026-02-24" in before_effect.message("en")
    window = pc.refusal(K.DECIDE, f, D("2026-02-27"), cal, actor=APPROVER)
    assert window.key == "case.refusal.window_open"
    assert window.until == D("2026-03-03")
    assert "第六十四条" in window.article
    assert "第六十四条" in window.describe("zh")
    # the screen does not offer the decision while the service refuses it
    roles, history = {Role.APPROVER}, {}
    offered = pc.offered(f, roles, APPROVER, history, D("2026-02-27"), cal)
    assert K.DECIDE not in offered
    assert K.DECIDE in pc.offered(f, roles, APPROVER, history, D("2026-03-03"), cal)


def test_decision_needs_discussion_and_legal_review(cal):
    f = _notice_served_by_announcement(cal)
    r = pc.refusal(K.DECIDE, f, D("2026-03-03"), cal, actor=APPROVER)
    assert r.key == "case.refusal.no_discussion"
    f = replace(f, collective_discussion_on=D("2026-03-03"))
    assert pc.refusal(K.DECIDE, f, D("2026-03-03"), cal, actor=APPROVER).key == (
        "case.refusal.no_legal_review")


def test_waiver_in_writing_lets_the_decision_come_early(cal):
    f = replace(_notice_served_by_announcement(cal), waived_on=D("2026-02-25"),
                collective_discussion_on=D("2026-02-25"), legal_review_on=D("2026-02-25"))
    assert pc.case_clocks(f, cal).earliest_decision_on == D("2026-02-25")
    assert pc.refusal(K.DECIDE, f, D("2026-02-25"), cal, actor=APPROVER) is None
    r = pc.refusal(K.REQUEST_HEARING, f, D("2026-02-26"), cal)
    assert r.key == "case.refusal.waived"


# -- the hearing ---------------------------------------------------------------------------


def _served_in_person(cal, on: str) -> pc.CaseFacts:
    service = ServiceFacts(ServiceMethod.IN_PERSON, served_on=D(on))
    return pc.CaseFacts(filed_on=D("2026-02-02"), officers=OFFICERS,
                        evidence_on=(D("2026-02-03"),), notice_issued_on=D("2026-02-04"),
                        notice_services=(service,))


def test_hearing_window_spans_spring_festival_and_ends_after_it(cal):
    # served Fri 02-13: Sat 02-14 (make-up day) is day 1, the holiday is skipped, then
    # 02-24, 25, 26, 27 -> the window ends Fri 02-27 (not on a calendar-day count)
    f = _served_in_person(cal, "2026-02-13")
    window = pc.case_clocks(f, cal).hearing_request
    assert window.due == D("2026-02-27")
    assert window.unit == "working_days" and window.amount == 5
    assert pc.refusal(K.REQUEST_HEARING, f, D("2026-02-27"), cal) is None
    late = pc.refusal(K.REQUEST_HEARING, f, D("2026-03-02"), cal)
    assert late.key == "case.refusal.hearing_window_closed"
    assert "第六十四条" in late.article


def test_hearing_window_ending_on_a_holiday_rolled_service_day(cal):
    # the notice's announcement took effect on a holiday-rolled day (02-15 -> 02-24); the
    # window counts 5 working days from there and ends Mon 03-02 via the make-up Saturday
    f = _notice_served_by_announcement(cal)
    window = pc.case_clocks(f, cal).hearing_request
    assert window.start == D("2026-02-24")
    assert window.due == D("2026-03-02")
    assert pc.refusal(K.REQUEST_HEARING, f, D("2026-03-02"), cal) is None
    assert pc.refusal(K.REQUEST_HEARING, f, D("2026-03-03"), cal).until is None


def test_hearing_window_is_never_shorter_than_the_statute(cal):
    f = _served_in_person(cal, "2026-03-02")
    short = LegalParams(hearing_request_working_days=2, statement_defence_working_days=2)
    window = pc.case_clocks(f, cal, short).hearing_request
    assert window.due == cal.add_working_days(D("2026-03-02"), 5)
    # a statement window shorter than the hearing window does not let the decision in
    assert pc.case_clocks(f, cal, short).earliest_decision_on == D("2026-03-10")


def test_requested_hearing_notice_7_working_days_and_chair(cal):
    f = replace(_served_in_person(cal, "2026-03-02"), hearing=pc.Hearing(requested_on=D("2026-03-04")))
    # hearing on Mon 03-16: the 7th working day before it is Thu 03-05
    assert pc.refusal(K.NOTIFY_HEARING, f, D("2026-03-05"), cal,
                      data=pc.StepInput(hearing_on=D("2026-03-16"))) is None
    late = pc.refusal(K.NOTIFY_HEARING, f, D("2026-03-06"), cal,
                      data=pc.StepInput(hearing_on=D("2026-03-16")))
    assert late.key == "case.refusal.hearing_notice_too_late"
    assert "2026-03-05" in late.message("en") and "2026-03-16" in late.message("en")
    f = replace(f, hearing=replace(f.hearing, notified_on=D("2026-03-05"),
                                   scheduled_on=D("2026-03-16")))
    ready = replace(f, collective_discussion_on=D("2026-03-17"), legal_review_on=D("2026-03-17"))
    assert pc.refusal(K.DECIDE, ready, D("2026-03-17"), cal, actor=APPROVER).key == (
        "case.refusal.hearing_pending")
    assert pc.refusal(K.HOLD_HEARING, f, D("2026-03-13"), cal, actor="u-chair").until == (
        D("2026-03-16"))
    assert pc.refusal(K.HOLD_HEARING, f, D("2026-03-16"), cal, actor="u-li").key == (
        "case.refusal.officer_chairs")
    assert pc.refusal(K.HOLD_HEARING, f, D("2026-03-16"), cal, actor="u-chair") is None
    held = replace(ready, hearing=replace(f.hearing, held_on=D("2026-03-16")),
                   legal_review_on=D("2026-03-13"))
    assert pc.refusal(K.DECIDE, held, D("2026-03-17"), cal, actor=APPROVER).key == (
        "case.refusal.review_before_hearing")
    held = replace(held, legal_review_on=D("2026-03-17"))
    assert pc.refusal(K.DECIDE, held, D("2026-03-17"), cal, actor=APPROVER) is None


# -- four eyes, filing, service --------------------------------------------------------------


def test_filing_needs_two_enforcement_officers(cal):
    one = (pc.Officer("u-li"),)
    r = pc.refusal(K.FILE, pc.CaseFacts(), D("2026-01-05"), cal, data=pc.StepInput(officers=one))
    assert r.key == "case.refusal.two_officers" and "第四十二条" in r.article
    same_twice = (pc.Officer("u-li"), pc.Officer("u-li"))
    assert pc.refusal(K.FILE, pc.CaseFacts(), D("2026-01-05"), cal,
                      data=pc.StepInput(officers=same_twice)) is not None
    no_cert = (pc.Officer("u-li"), pc.Officer("u-x", enforcement=False))
    assert pc.refusal(K.FILE, pc.CaseFacts(), D("2026-01-05"), cal,
                      data=pc.StepInput(officers=no_cert)) is not None
    assert pc.refusal(K.FILE, pc.CaseFacts(), D("2026-01-05"), cal,
                      data=pc.StepInput(officers=OFFICERS)) is None


def test_case_officers_do_not_decide(cal):
    f = replace(_notice_served_by_announcement(cal),
                collective_discussion_on=D("2026-03-03"), legal_review_on=D("2026-03-03"))
    r = pc.refusal(K.DECIDE, f, D("2026-03-03"), cal, actor="u-wang")
    assert r.key == "case.refusal.officer_decides"
    # and the workflow refuses the filer by history, whoever the named officers are
    history = {"penalty_case.file": frozenset({actor_key("u-filer", "filer")})}
    v = pc.PENALTY_CASE.check("penalty_case.decide", "open", {Role.APPROVER},
                              actor_key("u-filer", "filer"), history)
    assert v.refusal is Refusal.FOUR_EYES
    v = pc.PENALTY_CASE.check("penalty_case.decide", "open", {Role.ENFORCEMENT},
                              actor_key("u-x", "x"), history)
    assert v.refusal is Refusal.ROLE


def test_service_rules(cal):
    f = replace(_served_in_person(cal, "2026-03-02"), notice_services=())
    no_consent = ServiceFacts(ServiceMethod.ELECTRONIC, served_on=D("2026-03-02"))
    r = pc.refusal(K.SERVE_NOTICE, f, D("2026-03-02"), cal, data=pc.StepInput(service=no_consent))
    assert r.key == "case.refusal.electronic_without_consent" and "第四十六条" in r.article
    early = ServiceFacts(ServiceMethod.ANNOUNCEMENT, published_on=D("2026-03-02"))
    r = pc.refusal(K.SERVE_NOTICE, f, D("2026-03-02"), cal, data=pc.StepInput(service=early))
    assert r.key == "case.refusal.announcement_too_early" and "第四十七条" in r.article
    before = ServiceFacts(ServiceMethod.POST, served_on=D("2026-02-01"))
    r = pc.refusal(K.SERVE_NOTICE, f, D("2026-03-02"), cal, data=pc.StepInput(service=before))
    assert r.key == "case.refusal.before"
    # mail returned unsigned is not service: no window starts, no decision
    returned = ServiceFacts(ServiceMethod.POST, sent_on=D("2026-03-02"), returned=True)
    f = replace(f, notice_services=(returned,), collective_discussion_on=D("2026-04-01"),
                legal_review_on=D("2026-04-01"))
    assert pc.case_clocks(f, cal).hearing_request is None
    assert pc.refusal(K.DECIDE, f, D("2026-04-01"), cal, actor=APPROVER).key == (
        "case.refusal.notice_not_served")


def test_issue_notice_needs_evidence(cal):
    f = pc.CaseFacts(filed_on=D("2026-01-05"), officers=OFFICERS)
    assert pc.refusal(K.ISSUE_NOTICE, f, D("2026-01-06"), cal).key == "case.refusal.no_evidence"
    assert pc.refusal(K.EVIDENCE, f, D("2026-01-04"), cal).key == "case.refusal.before"
    assert pc.refusal(K.EVIDENCE, pc.CaseFacts(), D("2026-01-04"), cal).key == (
        "case.refusal.not_filed")


# -- closing when the organization comes forward -------------------------------------------


def test_closed_case_stops_every_clock_and_refuses_every_step(cal):
    f = _notice_served_by_announcement(cal)
    assert pc.case_clocks(f, cal).running(D("2026-02-26"))
    assert pc.case_clocks(f, cal).waiting(D("2026-02-26"))
    r = pc.refusal(K.CLOSE, f, D("2026-02-26"), cal, actor=APPROVER)
    assert r.key == "case.refusal.close_reason"
    assert pc.refusal(K.CLOSE, f, D("2026-02-26"), cal, actor="u-li",
                      data=pc.StepInput(reasons=("已补报2024、2025年度报告",))).key == (
        "case.refusal.officer_decides")
    assert pc.refusal(K.CLOSE, f, D("2026-02-26"), cal, actor=APPROVER,
                      data=pc.StepInput(reasons=("已补报2024、2025年度报告",))) is None
    closed = replace(f, closed_on=D("2026-02-26"), closing_reasons=("已补报年度报告",))
    assert closed.status is CaseStatus.CLOSED
    c = pc.case_clocks(closed, cal)
    assert c.stopped_on == D("2026-02-26")
    assert c.running(D("2026-02-26")) == () and c.waiting(D("2026-02-27")) == ()
    for step in K:
        r = pc.refusal(step, closed, D("2026-03-10"), cal, actor=APPROVER,
                       data=pc.StepInput(reasons=("x",)))
        assert r is not None and r.key == "case.refusal.closed", step
    assert pc.offered(closed, None, APPROVER, {}, D("2026-03-10"), cal) == ()
    v = pc.PENALTY_CASE.check("penalty_case.evidence", "closed", None, "x")
    assert v.refusal is Refusal.WRONG_STATE


def test_a_decided_case_cannot_be_closed(cal):
    f = replace(_notice_served_by_announcement(cal), decided_on=D("2026-03-04"))
    assert pc.refusal(K.CLOSE, f, D("2026-03-05"), cal, actor=APPROVER,
                      data=pc.StepInput(reasons=("x",))).key == "case.refusal.decided"


# -- the workflow table -----------------------------------------------------------------------


def test_workflow_declares_every_step_once_with_its_article():
    actions = pc.PENALTY_CASE.actions
    assert actions == tuple(f"penalty_case.{k.value}" for k in K)
    for tr in pc.PENALTY_CASE.transitions:
        assert tr.article, tr.action
        assert K(tr.step)
    assert pc.PENALTY_CASE.from_states("penalty_case.file") == frozenset({NEW})
    assert pc.PENALTY_CASE.transition("penalty_case.decide").to_state == "decided"
    assert pc.PENALTY_CASE.transition("penalty_case.close").to_state == "closed"
    assert pc.PENALTY_CASE.roles_for("penalty_case.decide") == frozenset({Role.APPROVER})
    assert pc.PENALTY_CASE.transition("penalty_case.decide").four_eyes is not None


def test_offered_before_filing_is_only_filing(cal):
    assert pc.offered(pc.CaseFacts(), {Role.ENFORCEMENT}, "u-li", {}, D("2026-01-05"), cal) == (
        K.FILE,)
    assert pc.offered(pc.CaseFacts(), {Role.CLERK}, "u-c", {}, D("2026-01-05"), cal) == ()


# -- batch preview ---------------------------------------------------------------------------


def _cand(n: int, **kw) -> pc.BatchCandidate:
    kw.setdefault("signals", (DormancySignal.NO_REPORT_TWO_YEARS,))
    return pc.BatchCandidate(f"org-{n}", f"5235020{n}", f"测试协会{n}", **kw)


def test_batch_preview_of_five(cal):
    batch = [
        _cand(1),
        _cand(2, reachable=True),
        _cand(3, exclusions=(DormancyExclusion.CASE_OPEN,)),
        _cand(4, signals=()),
        _cand(5, signals=(DormancySignal.UNREACHABLE,)),
    ]
    previews = pc.preview_batch(batch, D("2026-01-16"), cal)
    assert [p.candidate.organization_id for p in previews] == [f"org-{n}" for n in range(1, 6)]
    p1, p2, p3, p4, p5 = previews
    assert p1.opens_case and p1.service_method is ServiceMethod.ANNOUNCEMENT
    assert [d.kind for d in p1.documents] == [
        "case_filing", "advance_notice", "service_announcement"]
    assert p1.notice_effective_on == D("2026-02-24")
    assert p1.hearing_request_due == D("2026-03-02")
    assert p1.earliest_decision_on == D("2026-03-03")
    assert p1.decision_due == D("2026-04-16")
    assert p1.fits and not p1.provisional
    assert p2.service_method is ServiceMethod.IN_PERSON
    assert [d.kind for d in p2.documents] == ["case_filing", "advance_notice"]
    assert p2.notice_effective_on == D("2026-01-16")
    assert p2.earliest_decision_on == D("2026-01-24")  # 01-23 is the 5th working day
    assert p3.skipped == ("case_open",) and not p3.documents and not p3.opens_case
    assert p4.skipped == ("no_signal",)
    assert p5.documents == p1.documents


def test_batch_preview_60_days_and_2027_is_provisional(cal):
    (p,) = pc.preview_batch([_cand(1)], D("2026-12-01"), cal, P60)
    assert p.notice_effective_on >= D("2027-01-30")
    assert p.provisional  # 2027 holidays unknown to the library
    assert p.fits


def test_custody_state_needs_every_item(cal):
    records = [CustodyRecord(CustodyItem.SEALS, CustodyOutcome.COLLECTED, D("2026-04-08"))]
    assert set(custody_status(records).outstanding) == set(CustodyItem) - {CustodyItem.SEALS}


# -- extension of the 90 days, late flags ---------------------------------------------------


def test_extension_is_a_setting_and_needs_the_head_before_the_90_days(cal):
    f = _notice_served_by_announcement(cal)
    r = pc.refusal(K.EXTEND, f, D("2026-04-01"), cal, actor=APPROVER)
    assert r.key == "case.refusal.no_extension"  # default: no extension
    p = LegalParams(penalty_decision_extension_days=30)
    assert pc.refusal(K.EXTEND, f, D("2026-04-07"), cal, actor="u-li", params=p).key == (
        "case.refusal.officer_decides")
    late = pc.refusal(K.EXTEND, f, D("2026-04-08"), cal, actor=APPROVER, params=p)
    assert late.key == "case.refusal.extension_too_late" and late.params["date"] == D("2026-04-07")
    assert pc.refusal(K.EXTEND, f, D("2026-04-07"), cal, actor=APPROVER, params=p) is None
    extended = replace(f, extended_on=D("2026-04-07"))
    dl = pc.decision_deadline(extended, cal, p)
    assert dl.amount == 120 and dl.due == D("2026-05-06")  # 01-05 + 120 = 05-05 (Labour Day)
    assert dl.rolled_from == D("2026-05-05")
    assert dl.rule == "case.clock.penalty_decision_extended"
    # with the default setting (0 days) an approval changes nothing
    assert pc.decision_deadline(extended, cal) == clocks.penalty_decision_deadline(f.filed_on, cal)
    assert pc.refusal(K.EXTEND, extended, D("2026-04-07"), cal, actor=APPROVER, params=p).key == (
        "case.refusal.already_done")


def test_late_flags_for_display(cal):
    f = _notice_served_by_announcement(cal)
    assert pc.late_flags(f, D("2026-04-07"), cal) == ()
    assert pc.late_flags(f, D("2026-04-08"), cal) == ("decision_overdue",)
    decided = replace(f, decided_on=D("2026-03-04"))
    assert pc.late_flags(decided, D("2026-03-13"), cal) == ()
    assert pc.late_flags(decided, D("2026-03-16"), cal) == ("decision_service_overdue",)
    served = replace(decided, decision_services=(_announced("2026-03-13"),))
    assert pc.late_flags(served, D("2026-05-01"), cal) == ()
    assert pc.late_flags(replace(f, closed_on=D("2026-03-01")), D("2026-06-01"), cal) == ()


def test_preview_estimates_when_the_decision_takes_effect(cal):
    announced, in_person = pc.preview_batch(
        [_cand(1), _cand(2, reachable=True)], D("2026-01-16"), cal)
    # decided on 03-03 and served by announcement: 04-02 (a Thursday)
    assert announced.decision_effective_on == D("2026-04-02")
    assert in_person.decision_effective_on == in_person.earliest_decision_on
