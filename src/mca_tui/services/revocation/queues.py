"""The home queues of the revocation cases (every running clock) and of the dormant candidates, and the look-ups the screens use (enforcement officers, an organization's latest case)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from mca_tui.domain import penalty_case as pc
from mca_tui.domain.calendar import Deadline
from mca_tui.domain.enums import (
    CaseStatus,
    Role,
)
from mca_tui.services import dormancy
from mca_tui.services.context import ServiceContext
from mca_tui.services.revocation.view import cases_of, facts_of
from mca_tui.storage.models import (
    Organization,
    PenaltyCase,
    UserAccount,
)

# --------------------------------------------------------------------------- home queues

QUEUE_ROLES: dict[str, tuple[Role, ...]] = {
    # every running clock of an open case (decision, hearing notice, decision service)
    "revocation_cases": (Role.ENFORCEMENT, Role.APPROVER, Role.REVIEWER),
    # the dormancy list (the summary's indexed range)
    "dormant_candidates": (Role.REVIEWER, Role.ENFORCEMENT),
}


_CLOCK_SUBJECT = {
    "penalty_decision": "queue.subject.case_decision",
    "penalty_decision_extended": "queue.subject.case_decision",
    "hearing_notice": "queue.subject.case_hearing_notice",
    "decision_service": "queue.subject.case_decision_service",
    "statement_defence": "queue.subject.case_window",
    "hearing_request": "queue.subject.case_window",
}


@dataclass(frozen=True)
class QueueRow:
    organization_id: str
    application_id: str | None  # always None (the queue item's shape)
    case_id: str | None
    name: str
    uscc: str
    subject: str  # i18n key
    deadline: Deadline | None


def queue_count(ctx: ServiceContext, queue: str, today: date | None = None) -> int:
    """The count the home screen shows: the dormant candidates by one indexed count of
    the summary; the open cases by their rows."""
    if queue == "dormant_candidates":
        return dormancy.count_candidates(ctx, today or ctx.today())
    return len(queue_rows(ctx, queue, limit=10_000, today=today))


def queue_rows(ctx: ServiceContext, queue: str, *, limit: int = 200,
               today: date | None = None) -> list[QueueRow]:
    """The rows of a revocation queue, most urgent first: each open case with the clock
    that runs out first (the office's deadlines, then the party's windows), or the
    dormant candidates (from the summary; no scan of the report table)."""
    day = today or ctx.today()
    if queue == "dormant_candidates":
        return [QueueRow(c.organization_id, None, None, c.name, c.uscc,
                         "queue.subject.dormant_candidates", None)
                for c in dormancy.candidates(ctx, day, include_excluded=False, limit=limit)]
    if queue != "revocation_cases":
        raise KeyError(queue)
    ctx.permit("penalty_case.read")
    # the facts and clocks of each open case only (not the whole case view: its steps,
    # documents and offered actions are not needed here), in one session, the
    # organization's name and code joined (issue 12: home queue counts)
    with ctx.db.read() as s:
        rows = [(case, name, uscc, facts_of(s, case)) for case, name, uscc in s.exec(
            select(PenaltyCase, Organization.name, Organization.uscc)
            .join(Organization, col(Organization.id) == col(PenaltyCase.organization_id))
            .where(col(PenaltyCase.status).in_((CaseStatus.OPEN.value,
                                                CaseStatus.DECIDED.value)))
            .order_by(col(PenaltyCase.filed_on)).limit(limit))]
    cal, params = ctx.calendar, ctx.settings.legal
    out = []
    for case, name, uscc, facts in rows:
        if pc.is_complete(facts):
            continue
        case_clocks = pc.case_clocks(facts, cal, params)
        running = sorted(case_clocks.running(day), key=lambda d: d.due)
        waiting = sorted(case_clocks.waiting(day), key=lambda d: d.due)
        clock = running[0] if running else waiting[0] if waiting else None
        subject = _CLOCK_SUBJECT.get(clock.rule.rsplit(".", 1)[-1] if clock else "",
                                     "queue.subject.revocation_cases")
        out.append(QueueRow(case.organization_id, None, case.id, name or "", uscc or "",
                            subject, clock))
    out.sort(key=lambda r: (r.deadline is None, r.deadline.due if r.deadline else date.max))
    return out


def enforcement_officers(ctx: ServiceContext) -> list[tuple[str, str]]:
    """(user id, display name) of the enabled users holding the enforcement role (the
    officers a case can be filed with)."""
    from mca_tui.storage.models import UserRole

    ctx.permit("penalty_case.read")
    with ctx.db.read() as s:
        rows = s.exec(select(UserAccount.id, UserAccount.display_name)
                      .join(UserRole, col(UserRole.user_id) == col(UserAccount.id))
                      .where(UserRole.role == Role.ENFORCEMENT.value,
                             UserAccount.disabled == False)  # noqa: E712 - SQL
                      .order_by(UserAccount.username)).all()
    return [(str(i), str(n)) for i, n in rows]


def latest_case_of(ctx: ServiceContext, organization_id: str) -> str | None:
    """The organization's open case, else its latest one (the record's action)."""
    cases = cases_of(ctx, organization_id=organization_id)
    open_ = [c for c in cases if c.status != CaseStatus.CLOSED.value]
    chosen = (open_ or cases)[-1:] if cases else []
    return chosen[0].id if chosen else None
