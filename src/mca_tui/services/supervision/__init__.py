"""Supervision services (监督管理, issue 10): they load rows, build the facts the pure rules
of ``domain.supervision`` read, call the rule and write in one unit of work with one audit
event whose action is the transition's action (``services.workflow``).

Modules: ``annual_reports`` (the report cycle: who must report, intake, conclusion, the
abnormal-list proposal for missing reports), ``credit_lists`` (活动异常名录 and
严重违法失信名单: listing, new grounds, removal, promotion, the publication list),
``mca_tui.demo.annual_reports`` (the demo's 2025 cycle and listings through them). Audits, rectification,
interviews, spot checks and evaluation live beside them (``_rows`` is their plumbing).

Who decides what follows ``domain.supervision.workflows``: the clerk receives a report, a
reviewer concludes it (never the one who received it), the approver adjusts a conclusion;
proposals (missing reports, two years on the abnormal list) are computed and shown to
anyone working on the register, and the approver's confirmation lists (one unit and one
notice per organization). The written notice before listing
(``legal.notice_before_listing``) is the notice issued in the listing's unit.

Shared helpers here: :func:`org_facts` (an ``Organization`` row as ``OrgFacts``),
:func:`history_of` and :func:`state_from_events` (a workflow item's history and state
replayed from the audit events indexed under it, for items whose table holds no status
column), :func:`rule_problems` (rule reasons as field problems, so a refusal keeps what
the clerk typed and says why).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session

from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.domain.supervision.common import OrgFacts, Reason, SupervisionRuleError
from mca_tui.domain.workflow import History, Workflow, actor_key
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.storage.audit import events_about
from mca_tui.storage.models import AuditEvent, Organization

__all__ = ["history_of", "org_facts", "rule_error", "rule_problems", "state_from_events"]


def org_facts(org: Organization) -> OrgFacts:
    try:
        status = OrgStatus(org.status)
    except ValueError:
        status = OrgStatus.ACTIVE
    return OrgFacts(id=org.id, org_type=OrgType(org.org_type), registered_on=org.established_on,
                    status=status, deregistered_on=org.deregistered_on,
                    revoked_on=org.revoked_on, subdistrict_code=org.subdistrict_code,
                    is_charity=bool(org.is_charity))


def events_of(session: Session, entity: str, entity_id: str) -> list[AuditEvent]:
    return events_about(session, entity, entity_id)


def history_of(workflow: Workflow, events: Iterable[AuditEvent]) -> History:
    """Who took which of ``workflow``'s actions on the item (the four-eyes input)."""
    out: dict[str, set[str]] = {}
    known = set(workflow.actions)
    for ev in events:
        if ev.action in known:
            out.setdefault(ev.action, set()).add(
                actor_key(ev.actor_id, ev.actor_name))
    return {a: frozenset(v) for a, v in out.items()}


def state_from_events(workflow: Workflow, events: Sequence[AuditEvent], start: str) -> str:
    """The item's state: ``start`` moved by each of the workflow's actions in turn."""
    state = start
    known = set(workflow.actions)
    for ev in events:
        if ev.action in known:
            state = workflow.transition(ev.action).to_state
    return state


def rule_problems(field: str, reasons: Iterable[Reason]) -> list[FieldProblem]:
    return [FieldProblem(field, r.key, dict(r.params)) for r in reasons]


def rule_error(field: str, exc: SupervisionRuleError) -> ValidationFailed:
    return ValidationFailed(rule_problems(field, [exc.reason]))
