"""The revocation case (撤销登记, an administrative penalty case) as pure rules
(domain.md §6.2, §10.7, §10.11; 行政处罚法 2021; MCA Order 68).

Steps, in order (:class:`~mca_tui.domain.enums.CaseStepKind`):

立案 (at least two enforcement officers) → evidence → 行政处罚事先告知书 (rights of statement,
defence and hearing) → its service (in person, by post, electronically with consent, or by
announcement, effective N days after publication) → statement / hearing on request (request
within 5 working days of service, statutory; hearing notified at least 7 working days ahead)
→ collective discussion and legal review → the decision (within 90 days of filing; by the
approver, never a case officer) → its service (within 7 working days) → publication →
custody of certificate and seals, or their void announcement → serious list → status
已撤销. The remedy periods (60 days reconsideration, 6 months lawsuit) are computed for
display from the decision's service. The organization coming forward closes the case with
reasons, which stops every clock.

How the next layers use it: a service reads ``PenaltyCase`` + its ``CaseStep`` rows + the
``DocumentService`` rows of the case's documents into :class:`CaseFacts`; before writing
a step it asks ``PENALTY_CASE.check(...)`` (state, role, four eyes by history) and then
:func:`refusal` (the dated rules: a step cannot be taken before the period it waits for has
run out), and refuses with the returned :class:`~mca_tui.domain.casework.LegalRefusal`
(article included; ``until`` says from when it becomes possible). The screen calls
:func:`offered` (the same two checks) so that it never offers what the service would
refuse, and shows :func:`case_clocks` and :func:`late_flags`. The home queues read
:meth:`CaseClocks.running` (the office's deadlines) and :meth:`CaseClocks.waiting` (the
party's open windows). The 90 days may be extended with the head's approval by
``penalty_decision_extension_days`` (a setting, 0 = no extension; Order 68 UNCONFIRMED).
Revocation is hearing-eligible by statute (行政处罚法 Art 63, domain.md §10.7): the setting
``hearing_for_revocation`` is not consulted.
:func:`preview_batch` tells, without writing, what opening cases for several candidates
on one day will produce (documents, dates, deadlines).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, WorkingCalendar
from mca_tui.domain.casework import (
    CustodyRecord,
    LegalRefusal,
    RemedyPeriods,
    ServiceFacts,
    check_custody_record,
    check_service,
    custody_status,
    first_effective_service,
    remedy_periods,
    service_effective_on,
)
from mca_tui.domain.enums import (
    CaseStatus,
    CaseStepKind,
    CustodyItem,
    CustodyOutcome,
    DormancyExclusion,
    DormancySignal,
    Role,
    ServiceMethod,
)
from mca_tui.domain.params import LegalParams
from mca_tui.domain.workflow import NEW, FourEyes, Transition, Workflow

_DEFAULT_PARAMS = LegalParams()
_ONE_DAY = timedelta(days=1)

PL = clocks.PENALTY_LAW
ORDER_68 = clocks.ORDER_68
ART_OFFICERS = f"{PL}第四十二条第一款、第五十五条"
ART_NOTICE = f"{PL}第四十四条、第四十五条、第六十二条"
ART_HEARING_REQUEST = f"{PL}第六十三条、第六十四条第一项、第八十五条"
ART_HEARING_NOTICE = f"{PL}第六十四条第二项、第八十五条"
ART_HEARING_CHAIR = f"{PL}第六十四条第四项"
ART_DISCUSSION = f"{PL}第五十七条第二款"
ART_LEGAL_REVIEW = f"{PL}第五十八条"
ART_DECISION = f"{PL}第五十七条、第六十条、第六十二条"
ART_EXTENSION = f"{PL}第六十条；{ORDER_68}（延长规则未确认，设置 penalty_decision_extension_days）"
ART_SERVICE = f"{PL}第六十一条；{ORDER_68}第四十一条至第四十七条"
ART_PUBLISH = f"{PL}第四十八条"
ART_CUSTODY = f"{clocks.S1}第三十三条第二款；{clocks.S2}第二十八条第二款"
ART_SERIOUS = f"{clocks.ORDER_60}（严重违法失信名单：被撤销成立登记）"
ART_REVOKE = f"{clocks.S1}第二十九条、第三十条；{clocks.S2}第二十四条、第二十五条"
ART_CLOSE = f"{PL}第三十三条第一款、第五十七条第一款第（二）项"
ART_CLOSED = f"{PL}第五十七条"


@dataclass(frozen=True)
class Officer:
    """A case officer (承办人): a user holding an enforcement certificate (执法证)."""

    user_id: str
    enforcement: bool = True


@dataclass(frozen=True)
class Hearing:
    requested_on: date | None = None
    notified_on: date | None = None
    scheduled_on: date | None = None
    held_on: date | None = None
    presiding: str = ""  # user id of the presiding officer (主持人)
    party_absent: bool = False  # absence without reason counts as waiver (Art 64(8))


@dataclass(frozen=True)
class CaseFacts:
    """One penalty case as the rules need it."""

    filed_on: date | None = None
    officers: tuple[Officer, ...] = ()
    evidence_on: tuple[date, ...] = ()
    notice_issued_on: date | None = None
    notice_services: tuple[ServiceFacts, ...] = ()
    statement_on: date | None = None  # statement / defence received
    waived_on: date | None = None  # the party expressly waived statement and hearing
    hearing: Hearing = Hearing()
    collective_discussion_on: date | None = None
    legal_review_on: date | None = None
    extended_on: date | None = None  # the head approved extending the decision period
    decided_on: date | None = None
    decided_by: str | None = None
    decision_services: tuple[ServiceFacts, ...] = ()
    published_on: date | None = None
    custody: tuple[CustodyRecord, ...] = ()
    serious_listed_on: date | None = None
    revoked_on: date | None = None
    closed_on: date | None = None
    closing_reasons: tuple[str, ...] = ()

    @property
    def status(self) -> CaseStatus:
        if self.closed_on is not None:
            return CaseStatus.CLOSED
        if self.decided_on is not None:
            return CaseStatus.DECIDED
        return CaseStatus.OPEN

    @property
    def officer_ids(self) -> frozenset[str]:
        return frozenset(o.user_id for o in self.officers)


# -- clocks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseClocks:
    """Every clock of a case, computed from its dates; all None before they start."""

    decision: Deadline | None = None  # 90 days from filing
    notice_served_on: date | None = None  # the advance notice took effect
    statement: Deadline | None = None  # statement and defence window
    hearing_request: Deadline | None = None  # 5 working days, statutory
    hearing_notice: Deadline | None = None  # last day to notify a scheduled hearing
    earliest_decision_on: date | None = None  # no decision before this day
    decision_service: Deadline | None = None  # serve within 7 working days
    decision_served_on: date | None = None
    remedies: RemedyPeriods | None = None
    stopped_on: date | None = None  # the case was closed: every clock stopped

    def running(self, today: date) -> tuple[Deadline, ...]:
        """The deadlines still to be met on ``today`` (for the case and the home queues);
        none once the case is closed."""
        if self.stopped_on is not None and self.stopped_on <= today:
            return ()
        out: list[Deadline] = []
        if self.decision is not None and self.decision_service is None:
            out.append(self.decision)
        if self.hearing_notice is not None:
            out.append(self.hearing_notice)
        if self.decision_service is not None and self.decision_served_on is None:
            out.append(self.decision_service)
        return tuple(out)

    def waiting(self, today: date) -> tuple[Deadline, ...]:
        """The party's windows still open on ``today`` (statement, hearing request)."""
        if self.stopped_on is not None and self.stopped_on <= today:
            return ()
        return tuple(d for d in (self.statement, self.hearing_request)
                     if d is not None and today <= d.due)


def hearing_window(served_on: date, cal: WorkingCalendar, params: LegalParams) -> Deadline:
    """The hearing-request window (行政处罚法 Art 64(1)): ``clocks.hearing_request_deadline``,
    never shorter than the statutory 5 working days whatever the settings say."""
    dl = clocks.hearing_request_deadline(served_on, cal, params)
    floor = cal.add_working_days(served_on, 5)
    if dl.due < floor:  # a setting tried to shorten it: the law wins
        return clocks.hearing_request_deadline(served_on, cal, LegalParams())
    return dl


def decision_deadline(
    facts: CaseFacts, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline | None:
    """Decide within 90 days of filing (行政处罚法 Art 60); when the head approved an
    extension, 90 + ``params.penalty_decision_extension_days`` (Order 68's extension rule is
    UNCONFIRMED, so the extra days are a setting, 0 = none)."""
    if facts.filed_on is None:
        return None
    base = clocks.penalty_decision_deadline(facts.filed_on, cal)
    extra = params.penalty_decision_extension_days
    if facts.extended_on is None or extra <= 0:
        return base
    return cal.deadline(facts.filed_on, base.amount + extra, "days",
                        rule="case.clock.penalty_decision_extended", article=ART_EXTENSION)


def late_flags(
    facts: CaseFacts, today: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> tuple[str, ...]:
    """Deadlines the office missed, for display (they are flagged, never a reason to refuse
    the overdue act): ``decision_overdue`` (decided, or still undecided, after the decision
    deadline) and ``decision_service_overdue`` (decision not served within 7 working days).
    A closed case has none."""
    if facts.closed_on is not None or facts.filed_on is None:
        return ()
    out = []
    deadline = decision_deadline(facts, cal, params)
    assert deadline is not None
    if (facts.decided_on or today) > deadline.due:
        out.append("decision_overdue")
    if facts.decided_on is not None:
        service = clocks.decision_service_deadline(facts.decided_on, cal)
        sent = [d for s in facts.decision_services if (d := _service_date(s)) is not None]
        if (min(sent) if sent else today) > service.due:
            out.append("decision_service_overdue")
    return tuple(out)


def earliest_decision_on(
    facts: CaseFacts, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> date | None:
    """The first day a decision may be made, or None while it cannot be known (the
    advance notice not yet served, a requested hearing not yet held):

    - the advance notice must have taken effect (service; announcement N days after
      publication) — no decision without it (Art 62);
    - the statement/defence and hearing-request windows must have run out (the day after
      the later one), unless the party expressly waived both in writing;
    - a requested hearing must have been held (or the party failed to attend), and the
      decision comes after it (Art 64, 65).
    """
    served = first_effective_service(facts.notice_services, cal, params)
    if served is None:
        return None
    if facts.waived_on is not None:
        earliest = max(served, facts.waived_on)
    else:
        st = clocks.statement_defence_deadline(served, cal, params).due
        hr = hearing_window(served, cal, params).due
        earliest = max(st, hr) + _ONE_DAY
    if facts.hearing.requested_on is not None:
        if facts.hearing.held_on is None:
            return None
        earliest = max(earliest, facts.hearing.held_on)
    return earliest


def case_clocks(
    facts: CaseFacts, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> CaseClocks:
    if facts.filed_on is None:
        return CaseClocks()
    decision = decision_deadline(facts, cal, params)
    served = first_effective_service(facts.notice_services, cal, params)
    statement = hearing = hearing_notice = None
    if served is not None and facts.waived_on is None:
        statement = clocks.statement_defence_deadline(served, cal, params)
        hearing = hearing_window(served, cal, params)
    if facts.hearing.scheduled_on is not None and facts.hearing.notified_on is None:
        hearing_notice = clocks.latest_hearing_notice_date(facts.hearing.scheduled_on, cal)
    decision_service = dec_served = remedies = None
    if facts.decided_on is not None:
        decision_service = clocks.decision_service_deadline(facts.decided_on, cal)
        dec_served = first_effective_service(facts.decision_services, cal, params)
        if dec_served is not None:
            remedies = remedy_periods(dec_served, cal)
    return CaseClocks(
        decision=decision,
        notice_served_on=served,
        statement=statement,
        hearing_request=hearing,
        hearing_notice=hearing_notice,
        earliest_decision_on=earliest_decision_on(facts, cal, params),
        decision_service=decision_service,
        decision_served_on=dec_served,
        remedies=remedies,
        stopped_on=facts.closed_on,
    )


# -- the guard: may this step be taken on this day? --------------------------------------


@dataclass(frozen=True)
class StepInput:
    """What the clerk entered for the step (only the fields the step needs)."""

    officers: tuple[Officer, ...] = ()  # file
    service: ServiceFacts | None = None  # serve_notice, serve_decision
    hearing_on: date | None = None  # notify_hearing: the hearing day
    custody: CustodyRecord | None = None  # custody
    reasons: tuple[str, ...] = ()  # close
    waiver: bool = False  # statement: the party waives statement and hearing


def _r(key: str, article: str, until: date | None = None, **params: object) -> LegalRefusal:
    return LegalRefusal(key, article, params, until)


def _service_date(service: ServiceFacts) -> date | None:
    if service.method is ServiceMethod.ANNOUNCEMENT:
        return service.published_on
    return service.served_on or service.sent_on


def refusal(
    step: CaseStepKind,
    facts: CaseFacts,
    on: date,
    cal: WorkingCalendar,
    *,
    actor: str = "",
    data: StepInput = StepInput(),
    params: LegalParams = _DEFAULT_PARAMS,
) -> LegalRefusal | None:
    """Why ``step`` cannot be taken on ``on`` by ``actor`` (a user id), or None.

    A closed case refuses everything; a step that waits for a period refuses until it has
    run out (``until`` = the first possible day); the case officers do not decide, chair
    the hearing, review or close the case (four eyes; Art 57, 58, 64(4))."""
    if step is CaseStepKind.CLOSE:
        return close_refusal(facts, on, actor, data.reasons)
    if facts.closed_on is not None:
        return _r("case.refusal.closed", ART_CLOSED, date=facts.closed_on)
    if step is CaseStepKind.FILE:
        if facts.filed_on is not None:
            return _r("case.refusal.already_done", ART_OFFICERS)
        ids = {o.user_id for o in data.officers if o.enforcement}
        if len(ids) < 2:
            return _r("case.refusal.two_officers", ART_OFFICERS)
        return None
    if facts.filed_on is None:
        return _r("case.refusal.not_filed", ART_OFFICERS)
    if on < facts.filed_on:
        return _r("case.refusal.before", ART_OFFICERS, date=facts.filed_on)
    decided = facts.decided_on is not None
    clocks_ = case_clocks(facts, cal, params)

    if step is CaseStepKind.EVIDENCE:
        return _r("case.refusal.decided", ART_DECISION) if decided else None
    if step is CaseStepKind.ISSUE_NOTICE:
        if decided or facts.notice_issued_on is not None:
            return _r("case.refusal.already_done", ART_NOTICE)
        if not facts.evidence_on:
            return _r("case.refusal.no_evidence", ART_NOTICE)
        last = max(facts.evidence_on)
        if on < last:
            return _r("case.refusal.before", ART_NOTICE, date=last)
        return None
    if step is CaseStepKind.SERVE_NOTICE:
        if facts.notice_issued_on is None:
            return _r("case.refusal.no_notice", ART_NOTICE)
        if decided:
            return _r("case.refusal.decided", ART_DECISION)
        return _check_service_input(data.service, facts.notice_issued_on)
    if step in (CaseStepKind.STATEMENT, CaseStepKind.REQUEST_HEARING):
        if decided:
            return _r("case.refusal.decided", ART_DECISION)
        if facts.notice_issued_on is None:
            return _r("case.refusal.no_notice", ART_NOTICE)
        if on < facts.notice_issued_on:
            return _r("case.refusal.before", ART_NOTICE, date=facts.notice_issued_on)
        if step is CaseStepKind.REQUEST_HEARING:
            if facts.hearing.requested_on is not None:
                return _r("case.refusal.already_done", ART_HEARING_REQUEST)
            if facts.waived_on is not None:
                return _r("case.refusal.waived", ART_HEARING_REQUEST, date=facts.waived_on)
            window = clocks_.hearing_request
            if window is not None and on > window.due:
                return _r("case.refusal.hearing_window_closed", window.article, date=window.due)
        return None
    if step is CaseStepKind.NOTIFY_HEARING:
        if facts.hearing.requested_on is None:
            return _r("case.refusal.no_hearing_request", ART_HEARING_NOTICE)
        if facts.hearing.notified_on is not None:
            return _r("case.refusal.already_done", ART_HEARING_NOTICE)
        if data.hearing_on is None:
            return _r("case.refusal.hearing_date_missing", ART_HEARING_NOTICE)
        latest = clocks.latest_hearing_notice_date(data.hearing_on, cal)
        if on > latest.due:
            return _r("case.refusal.hearing_notice_too_late", latest.article,
                      date=latest.due, hearing=data.hearing_on)
        return None
    if step is CaseStepKind.HOLD_HEARING:
        h = facts.hearing
        if h.notified_on is None or h.scheduled_on is None:
            return _r("case.refusal.hearing_not_notified", ART_HEARING_NOTICE)
        if h.held_on is not None:
            return _r("case.refusal.already_done", ART_HEARING_CHAIR)
        if on < h.scheduled_on:
            return _r("case.refusal.before", ART_HEARING_NOTICE, until=h.scheduled_on,
                      date=h.scheduled_on)
        if actor in facts.officer_ids:
            return _r("case.refusal.officer_chairs", ART_HEARING_CHAIR)
        return None
    if step is CaseStepKind.EXTEND:
        if decided or facts.extended_on is not None:
            return _r("case.refusal.already_done", ART_EXTENSION)
        if params.penalty_decision_extension_days <= 0:
            return _r("case.refusal.no_extension", ART_EXTENSION)
        if actor in facts.officer_ids:
            return _r("case.refusal.officer_decides", ART_EXTENSION)
        base = clocks.penalty_decision_deadline(facts.filed_on, cal)
        if on > base.due:
            return _r("case.refusal.extension_too_late", ART_EXTENSION, date=base.due)
        return None
    if step in (CaseStepKind.COLLECTIVE_DISCUSSION, CaseStepKind.LEGAL_REVIEW,
                CaseStepKind.DECIDE):
        if decided:
            return _r("case.refusal.already_done", ART_DECISION)
        wait = _wait_for_windows(facts, clocks_, on)
        if wait is not None:
            return wait
        if step is CaseStepKind.LEGAL_REVIEW and actor in facts.officer_ids:
            return _r("case.refusal.officer_reviews", ART_LEGAL_REVIEW)
        if step is CaseStepKind.DECIDE:
            if actor in facts.officer_ids:
                return _r("case.refusal.officer_decides", ART_DECISION)
            if facts.collective_discussion_on is None or facts.collective_discussion_on > on:
                return _r("case.refusal.no_discussion", ART_DISCUSSION)
            if facts.legal_review_on is None or facts.legal_review_on > on:
                return _r("case.refusal.no_legal_review", ART_LEGAL_REVIEW)
            held = facts.hearing.held_on
            if held is not None and facts.legal_review_on < held:
                return _r("case.refusal.review_before_hearing", ART_LEGAL_REVIEW, date=held)
        return None
    # the steps after the decision
    if not decided:
        return _r("case.refusal.not_decided", ART_DECISION)
    assert facts.decided_on is not None
    if on < facts.decided_on:
        return _r("case.refusal.before", ART_DECISION, date=facts.decided_on)
    if step is CaseStepKind.SERVE_DECISION:
        return _check_service_input(data.service, facts.decided_on)
    if step is CaseStepKind.PUBLISH:
        return None
    # custody, serious list, status: the decision must be in force (served)
    in_force = clocks_.decision_served_on
    if in_force is None:
        return _r("case.refusal.decision_not_served", ART_SERVICE)
    if on < in_force:
        return _r("case.refusal.decision_not_in_force", ART_SERVICE, until=in_force,
                  date=in_force)
    if step is CaseStepKind.CUSTODY:
        if data.custody is None:
            return _r("case.refusal.custody_date_missing", ART_CUSTODY)
        return check_custody_record(data.custody, in_force)
    if step is CaseStepKind.SERIOUS_LIST:
        if facts.serious_listed_on is not None:
            return _r("case.refusal.already_done", ART_SERIOUS)
        return None
    if step is CaseStepKind.REVOKE:
        if facts.revoked_on is not None:
            return _r("case.refusal.already_done", ART_REVOKE)
        return None
    return None


def _wait_for_windows(facts: CaseFacts, clocks_: CaseClocks, on: date) -> LegalRefusal | None:
    """The deliberation and the decision wait for the advance notice to take effect, for the
    party's windows to run out, and for a requested hearing to be held."""
    if facts.notice_issued_on is None:
        return _r("case.refusal.no_notice", ART_NOTICE)
    if clocks_.notice_served_on is None:
        return _r("case.refusal.notice_not_served", ART_NOTICE)
    if on < clocks_.notice_served_on:  # an announcement that has not yet taken effect
        return _r("case.refusal.announcement_pending",
                  f"{clocks.CIVIL_PROCEDURE_LAW}第九十五条",
                  until=clocks_.notice_served_on, date=clocks_.notice_served_on)
    if facts.hearing.requested_on is not None and facts.hearing.held_on is None:
        return _r("case.refusal.hearing_pending", ART_HEARING_REQUEST)
    earliest = clocks_.earliest_decision_on
    if earliest is not None and on < earliest:
        window = clocks_.hearing_request or clocks_.statement
        article = window.article if window is not None else ART_HEARING_REQUEST
        return _r("case.refusal.window_open", article, until=earliest,
                  date=earliest - _ONE_DAY)
    return None


def _check_service_input(service: ServiceFacts | None, issued_on: date) -> LegalRefusal | None:
    if service is None:
        return _r("case.refusal.service_missing", ART_SERVICE)
    problem = check_service(service)
    if problem is not None:
        return problem
    day = _service_date(service)
    if day is None:
        return _r("case.refusal.service_date_missing", ART_SERVICE)
    if day < issued_on:
        return _r("case.refusal.before", ART_SERVICE, date=issued_on)
    return None


def close_refusal(facts: CaseFacts, on: date, actor: str, reasons: Sequence[str]
                  ) -> LegalRefusal | None:
    """Closing the case because the organization came forward (filed its reports, can be
    reached): only before the decision, with at least one reason, by someone who is not a
    case officer (no penalty is a decision of the head, Art 57 ¶1(2))."""
    if facts.closed_on is not None:
        return _r("case.refusal.closed", ART_CLOSED, date=facts.closed_on)
    if facts.filed_on is None:
        return _r("case.refusal.not_filed", ART_OFFICERS)
    if facts.decided_on is not None:
        return _r("case.refusal.decided", ART_DECISION)
    if on < facts.filed_on:
        return _r("case.refusal.before", ART_CLOSE, date=facts.filed_on)
    if not [r for r in reasons if r.strip()]:
        return _r("case.refusal.close_reason", ART_CLOSE)
    if actor in facts.officer_ids:
        return _r("case.refusal.officer_decides", ART_CLOSE)
    return None


def is_complete(facts: CaseFacts) -> bool:
    """The revocation is carried through: decision served, published, certificate and seals
    collected or declared void, on the serious list, status 已撤销."""
    return (
        facts.decided_on is not None
        and bool(facts.decision_services)
        and facts.published_on is not None
        and custody_status(facts.custody).complete
        and facts.serious_listed_on is not None
        and facts.revoked_on is not None
    )


# -- the transition table ------------------------------------------------------------------

_STEP_ACTION = {k: f"penalty_case.{k.value}" for k in CaseStepKind}


def action_for(step: CaseStepKind) -> str:
    """The audited action name of a step (e.g. ``penalty_case.decide``)."""
    return _STEP_ACTION[step]


FOUR_EYES_OFFICERS = FourEyes(
    not_after=("penalty_case.file", "penalty_case.evidence", "penalty_case.issue_notice"),
    article=f"{PL}第五十七条、第五十八条、第六十四条第四项（调查人员不得决定、审核或主持听证）",
)

C = CaseStatus
_ENF = (Role.ENFORCEMENT,)


def _t(step: CaseStepKind, from_: tuple[str, ...], to: CaseStatus, roles: tuple[Role, ...],
       **kw: object) -> Transition:
    return Transition(action=action_for(step), from_states=frozenset(str(s) for s in from_),
                      to_state=str(to), roles=frozenset(roles), step=step.value,
                      **kw)  # type: ignore[arg-type]


K = CaseStepKind
_OPEN = (C.OPEN,)
_DECIDED = (C.DECIDED,)

PENALTY_CASE = Workflow(
    name="penalty_case",
    states=tuple(s.value for s in CaseStatus),
    terminal=frozenset({C.CLOSED.value}),
    transitions=(
        _t(K.FILE, (NEW,), C.OPEN, _ENF, starts=("penalty_decision",),
           article=ART_OFFICERS, main=True),
        _t(K.EVIDENCE, _OPEN, C.OPEN, _ENF, article=ART_OFFICERS),
        _t(K.ISSUE_NOTICE, _OPEN, C.OPEN, _ENF, article=ART_NOTICE),
        _t(K.SERVE_NOTICE, _OPEN, C.OPEN, (Role.ENFORCEMENT, Role.CLERK),
           starts=("statement_defence", "hearing_request"), article=ART_SERVICE),
        _t(K.STATEMENT, _OPEN, C.OPEN, (Role.ENFORCEMENT, Role.CLERK),
           stops=("statement_defence",), article=ART_NOTICE),
        _t(K.REQUEST_HEARING, _OPEN, C.OPEN, (Role.ENFORCEMENT, Role.CLERK),
           stops=("hearing_request",), starts=("hearing_notice",),
           article=ART_HEARING_REQUEST),
        _t(K.NOTIFY_HEARING, _OPEN, C.OPEN, _ENF, stops=("hearing_notice",),
           article=ART_HEARING_NOTICE),
        _t(K.HOLD_HEARING, _OPEN, C.OPEN, (Role.APPROVER, Role.REVIEWER),
           four_eyes=FOUR_EYES_OFFICERS, article=ART_HEARING_CHAIR),
        _t(K.COLLECTIVE_DISCUSSION, _OPEN, C.OPEN, (Role.APPROVER,), article=ART_DISCUSSION),
        _t(K.LEGAL_REVIEW, _OPEN, C.OPEN, (Role.REVIEWER, Role.APPROVER),
           four_eyes=FOUR_EYES_OFFICERS, article=ART_LEGAL_REVIEW),
        _t(K.EXTEND, _OPEN, C.OPEN, (Role.APPROVER,), four_eyes=FOUR_EYES_OFFICERS,
           stops=("penalty_decision",), starts=("penalty_decision_extended",),
           article=ART_EXTENSION),
        _t(K.DECIDE, _OPEN, C.DECIDED, (Role.APPROVER,), four_eyes=FOUR_EYES_OFFICERS,
           stops=("penalty_decision", "penalty_decision_extended"),
           starts=("decision_service",), article=ART_DECISION,
           main=True),
        _t(K.SERVE_DECISION, _DECIDED, C.DECIDED, (Role.ENFORCEMENT, Role.CLERK),
           stops=("decision_service",), starts=("reconsideration", "lawsuit"),
           article=ART_SERVICE, main=True),
        _t(K.PUBLISH, _DECIDED, C.DECIDED, (Role.ENFORCEMENT, Role.CLERK),
           article=ART_PUBLISH),
        _t(K.CUSTODY, _DECIDED, C.DECIDED, (Role.ENFORCEMENT, Role.CLERK),
           article=ART_CUSTODY),
        # the listing is the approver's decision (its notice: credit_listing_notice)
        _t(K.SERIOUS_LIST, _DECIDED, C.DECIDED, (Role.APPROVER,), article=ART_SERIOUS),
        _t(K.REVOKE, _DECIDED, C.DECIDED, (Role.APPROVER,), article=ART_REVOKE),
        _t(K.CLOSE, _OPEN, C.CLOSED, (Role.APPROVER,), four_eyes=FOUR_EYES_OFFICERS,
           stops=("penalty_decision", "penalty_decision_extended", "statement_defence",
                  "hearing_request", "hearing_notice"),
           article=ART_CLOSE),
    ),
)
"""撤销登记案件: states are :class:`CaseStatus` (open → decided, or open → closed); the order of
the steps inside a state is the dated rules' (:func:`refusal`)."""

_NEEDS_INPUT = frozenset({K.FILE, K.SERVE_NOTICE, K.SERVE_DECISION, K.NOTIFY_HEARING,
                          K.CUSTODY, K.CLOSE})


def offered(
    facts: CaseFacts,
    roles: Iterable[Role] | None,
    actor: str,
    history: dict[str, frozenset[str]] | None,
    on: date,
    cal: WorkingCalendar,
    params: LegalParams = _DEFAULT_PARAMS,
    *,
    actor_id: str | None = None,
) -> tuple[CaseStepKind, ...]:
    """The steps a screen offers today: allowed by the workflow (state, role, four eyes by
    history) and not refused by the dated rules. Steps that need input (service, hearing
    day, custody item, reasons, officers) are offered when nothing but the input is
    missing; their dialog checks the input with :func:`refusal`. ``actor`` is the
    workflow's key of the user (history); ``actor_id`` the user id the dated rules
    compare with the case officers (default: ``actor``)."""
    state = facts.status.value if facts.filed_on is not None else NEW
    who = actor if actor_id is None else actor_id
    out = []
    for tr in PENALTY_CASE.available(state, roles, actor, history):
        step = CaseStepKind(tr.step)
        problem = refusal(step, facts, on, cal, actor=who, data=_probe(step, facts, on),
                          params=params)
        if problem is None:
            out.append(step)
    return tuple(out)


def _probe(step: CaseStepKind, facts: CaseFacts, on: date) -> StepInput:
    """A stand-in input that passes the input checks, so only the facts decide."""
    if step not in _NEEDS_INPUT:
        return StepInput()
    return StepInput(
        officers=(Officer("probe-1"), Officer("probe-2")),
        service=ServiceFacts(ServiceMethod.IN_PERSON, served_on=on),
        hearing_on=on + timedelta(days=30),
        custody=CustodyRecord(CustodyItem.SEALS, CustodyOutcome.COLLECTED, on),
        reasons=("probe",),
    )


# -- batch preview (pure: nothing is written) -----------------------------------------------


@dataclass(frozen=True)
class BatchCandidate:
    organization_id: str
    uscc: str
    name: str
    signals: tuple[DormancySignal, ...] = ()
    exclusions: tuple[DormancyExclusion, ...] = ()
    reachable: bool = False  # True: the notice can be handed over; False: announcement


@dataclass(frozen=True)
class PlannedDocument:
    kind: str  # document kind: case_filing | advance_notice | service_announcement
    step: CaseStepKind
    issued_on: date


@dataclass(frozen=True)
class CasePreview:
    candidate: BatchCandidate
    skipped: tuple[str, ...] = ()  # why no case is opened (exclusions, no signal)
    documents: tuple[PlannedDocument, ...] = ()
    filed_on: date | None = None
    service_method: ServiceMethod | None = None
    notice_effective_on: date | None = None
    statement_due: date | None = None
    hearing_request_due: date | None = None
    earliest_decision_on: date | None = None
    decision_due: date | None = None
    decision_service_method: ServiceMethod | None = None
    decision_effective_on: date | None = None  # if decided on the earliest day, served alike
    fits: bool = True  # the earliest decision (and its announcement) fits in 90 days
    provisional: bool = False  # a date used a year whose holidays are not known
    deadlines: tuple[Deadline, ...] = field(default_factory=tuple)

    @property
    def opens_case(self) -> bool:
        return not self.skipped


def preview_case(
    candidate: BatchCandidate,
    start_on: date,
    cal: WorkingCalendar,
    params: LegalParams = _DEFAULT_PARAMS,
) -> CasePreview:
    """What opening a revocation case for ``candidate`` on ``start_on`` will do: the case
    filed and the advance notice issued that day; a reachable organization is served the
    same day in person, otherwise the notice is published that day and takes effect after
    the announcement period; then the party's windows, the first possible decision day
    and the 90-day decision deadline. Assumptions, not records: nothing is written."""
    skipped = tuple(e.value for e in candidate.exclusions)
    if not candidate.signals and not skipped:
        skipped = ("no_signal",)
    if skipped:
        return CasePreview(candidate, skipped=skipped)
    method = ServiceMethod.IN_PERSON if candidate.reachable else ServiceMethod.ANNOUNCEMENT
    docs = [
        PlannedDocument("case_filing", K.FILE, start_on),
        PlannedDocument("advance_notice", K.ISSUE_NOTICE, start_on),
    ]
    if method is ServiceMethod.ANNOUNCEMENT:
        docs.append(PlannedDocument("service_announcement", K.SERVE_NOTICE, start_on))
        service = ServiceFacts(method, published_on=start_on, other_methods_failed=True)
    else:
        service = ServiceFacts(method, served_on=start_on)
    facts = CaseFacts(filed_on=start_on, notice_issued_on=start_on, notice_services=(service,))
    effective = service_effective_on(service, cal, params)
    assert effective is not None
    statement = clocks.statement_defence_deadline(effective, cal, params)
    hearing = hearing_window(effective, cal, params)
    decision = clocks.penalty_decision_deadline(start_on, cal)
    earliest = earliest_decision_on(facts, cal, params)
    assert earliest is not None
    if method is ServiceMethod.ANNOUNCEMENT:
        decision_effective = clocks.announcement_service_effective(earliest, cal, params).due
    else:
        decision_effective = earliest
    deadlines: list[Deadline] = [decision, statement, hearing]
    if method is ServiceMethod.ANNOUNCEMENT:
        deadlines.insert(0, clocks.announcement_service_effective(start_on, cal, params))
    return CasePreview(
        candidate,
        documents=tuple(docs),
        filed_on=start_on,
        service_method=method,
        notice_effective_on=effective,
        statement_due=statement.due,
        hearing_request_due=hearing.due,
        earliest_decision_on=earliest,
        decision_due=decision.due,
        decision_service_method=method,
        decision_effective_on=decision_effective,
        fits=earliest <= decision.due,
        provisional=any(d.provisional for d in deadlines),
        deadlines=tuple(deadlines),
    )


def preview_batch(
    candidates: Sequence[BatchCandidate],
    start_on: date,
    cal: WorkingCalendar,
    params: LegalParams = _DEFAULT_PARAMS,
) -> tuple[CasePreview, ...]:
    """:func:`preview_case` for each candidate, in the given order (one per candidate)."""
    return tuple(preview_case(c, start_on, cal, params) for c in candidates)
