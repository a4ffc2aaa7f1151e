"""The home queues of deregistration files (the decision clock; custody or announcement outstanding) and the custody input from the screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from mca_tui.domain import deregistration as rules
from mca_tui.domain.calendar import Deadline
from mca_tui.domain.casework import CustodyRecord, custody_status
from mca_tui.domain.deregistration import (
    DEREGISTRATION,
)
from mca_tui.domain.enums import (
    ApplicationStatus,
    CustodyItem,
    CustodyOutcome,
    Role,
)
from mca_tui.services.context import ServiceContext
from mca_tui.services.deregistration.record import KIND, _history, facts_of
from mca_tui.storage.models import (
    Application,
    Organization,
)

# --------------------------------------------------------------------------- queues


@dataclass(frozen=True)
class QueueRow:
    application_id: str
    organization_id: str
    name: str
    uscc: str | None
    subject: str  # i18n key
    deadline: Deadline | None


QUEUE_ROLES: dict[str, tuple[Role, ...]] = {
    # files waiting for the signed-in user's step towards the decision: review
    # (reviewer), the decision (approver; not the files the user accepted)
    "deregistration_decision": (Role.REVIEWER, Role.APPROVER),
    # approved files whose certificate, seals, vouchers or announcement are outstanding
    "custody_outstanding": (Role.CLERK,),
}


def queue_rows(ctx: ServiceContext, queue: str, limit: int = 200) -> list[QueueRow]:
    """The rows of a deregistration home queue, most urgent first."""
    from mca_tui.services.workflow import actor_roles, me

    if queue not in QUEUE_ROLES:
        raise KeyError(queue)
    roles = actor_roles(ctx.actor)
    if queue == "deregistration_decision":
        wanted = ("deregistration.review", "deregistration.approve")
        states = sorted({st for a in wanted for st in DEREGISTRATION.transition(a).from_states
                         if roles is None or DEREGISTRATION.transition(a).roles & roles})
    else:
        states = [ApplicationStatus.APPROVED.value]
    if not states:
        return []
    out: list[QueueRow] = []
    with ctx.db.read() as s:
        rows = s.exec(select(Application, Organization)
                      .join(Organization,
                            col(Organization.id) == col(Application.organization_id))
                      .where(Application.office_id == ctx.actor.office_id,
                             Application.kind == KIND,
                             col(Application.status).in_(states))
                      .order_by(col(Application.accepted_on), Application.id)
                      .limit(limit)).all()
        for app, org in rows:
            facts = facts_of(app, org)
            if queue == "deregistration_decision":
                offered = DEREGISTRATION.available(app.status, roles, me(ctx.actor),
                                                   _history(s, app))
                if not any(tr.action in wanted for tr in offered):
                    continue
                deadline = rules.decision_clock(facts, ctx.calendar, ctx.settings.legal)
                subject = f"queue.subject.deregistration_{app.status}"
            else:
                if rules.is_complete(facts):
                    continue
                deadline = None
                subject = ("queue.subject.custody_outstanding"
                           if not custody_status(facts.custody).complete
                           else "queue.subject.announcement_outstanding")
            out.append(QueueRow(app.id, org.id, org.name, org.uscc, subject, deadline))
    out.sort(key=lambda r: (r.deadline is None, r.deadline.due if r.deadline else date.max))
    return out


def custody_input(item: CustodyItem | str, outcome: CustodyOutcome | str, on: date | None,
                  note: str = "") -> CustodyRecord:
    """A custody record from screen input (codes)."""
    return CustodyRecord(CustodyItem(item), CustodyOutcome(outcome), on, note)
