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

The rules are in modules of their own, all importable from here: the facts and articles
(``penalty_case_facts``), the clocks (``penalty_case_clocks``), the transition table
(``penalty_case_table``) and the batch preview (``penalty_case_preview``); this module is
the guard (:func:`refusal`, :func:`offered`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from mca_tui.domain import clocks
from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.casework import (
    CustodyRecord,
    LegalRefusal,
    ServiceFacts,
    check_custody_record,
    check_service,
    custody_status,
)
from mca_tui.domain.enums import (
    CaseStepKind,
    CustodyItem,
    CustodyOutcome,
    Role,
    ServiceMethod,
)
from mca_tui.domain.params import LegalParams
from mca_tui.domain.penalty_case_clocks import (
    CaseClocks,
    case_clocks,
    decision_deadline,
    earliest_decision_on,
    hearing_window,
    late_flags,
)
from mca_tui.domain.penalty_case_facts import (
    ART_CLOSE,
    ART_CLOSED,
    ART_CUSTODY,
    ART_DECISION,
    ART_DISCUSSION,
    ART_EXTENSION,
    ART_HEARING_CHAIR,
    ART_HEARING_NOTICE,
    ART_HEARING_REQUEST,
    ART_LEGAL_REVIEW,
    ART_NOTICE,
    ART_OFFICERS,
    ART_PUBLISH,
    ART_REVOKE,
    ART_SERIOUS,
    ART_SERVICE,
    DEFAULT_PARAMS,
    ONE_DAY,
    ORDER_68,
    PL,
    CaseFacts,
    Hearing,
    Officer,
    service_date,
)
from mca_tui.domain.penalty_case_preview import (
    BatchCandidate,
    CasePreview,
    PlannedDocument,
    preview_batch,
    preview_case,
)
from mca_tui.domain.penalty_case_table import (
    FOUR_EYES_OFFICERS,
    PENALTY_CASE,
    K,
    action_for,
)
from mca_tui.domain.workflow import NEW

__all__ = [
    "ART_CLOSE", "ART_CLOSED", "ART_CUSTODY", "ART_DECISION", "ART_DISCUSSION",
    "ART_EXTENSION", "ART_HEARING_CHAIR", "ART_HEARING_NOTICE", "ART_HEARING_REQUEST",
    "ART_LEGAL_REVIEW", "ART_NOTICE", "ART_OFFICERS", "ART_PUBLISH", "ART_REVOKE",
    "ART_SERIOUS", "ART_SERVICE", "FOUR_EYES_OFFICERS", "ORDER_68", "PENALTY_CASE", "PL",
    "BatchCandidate", "CaseClocks", "CaseFacts", "CasePreview", "Hearing", "Officer",
    "PlannedDocument", "StepInput", "action_for", "case_clocks", "close_refusal",
    "decision_deadline", "earliest_decision_on", "hearing_window", "is_complete",
    "late_flags", "offered", "preview_batch", "preview_case", "refusal",
]


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


def refusal(
    step: CaseStepKind,
    facts: CaseFacts,
    on: date,
    cal: WorkingCalendar,
    *,
    actor: str = "",
    data: StepInput = StepInput(),
    params: LegalParams = DEFAULT_PARAMS,
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
                  date=earliest - ONE_DAY)
    return None


def _check_service_input(service: ServiceFacts | None, issued_on: date) -> LegalRefusal | None:
    if service is None:
        return _r("case.refusal.service_missing", ART_SERVICE)
    problem = check_service(service)
    if problem is not None:
        return problem
    day = service_date(service)
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


_NEEDS_INPUT = frozenset({K.FILE, K.SERVE_NOTICE, K.SERVE_DECISION, K.NOTIFY_HEARING,
                          K.CUSTODY, K.CLOSE})


def offered(
    facts: CaseFacts,
    roles: Iterable[Role] | None,
    actor: str,
    history: dict[str, frozenset[str]] | None,
    on: date,
    cal: WorkingCalendar,
    params: LegalParams = DEFAULT_PARAMS,
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
