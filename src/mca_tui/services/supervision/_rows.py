"""Shared plumbing of the supervision services of H10 (audits, rectification, interviews,
spot checks, evaluation): a ``SupervisionRecord``'s workflow state and steps live in its
``details_json`` (``status``, ``steps``), so the workflow tables of
``domain.supervision.workflows`` apply to it through ``services.workflow`` unchanged.

A step is ``{"step", "on", "user_id", "name"}``; the history for the four-eyes rule is
built from the steps (``services.workflow.history_from_steps``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.domain.supervision.common import OrgFacts, Reason, SupervisionRuleError
from mca_tui.domain.workflow import NEW, History, Transition, Workflow
from mca_tui.services import workflow as wf
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import FieldProblem, NotFound, ValidationFailed
from mca_tui.storage.models import Organization, SupervisionRecord


def details(row: SupervisionRecord) -> dict[str, Any]:
    try:
        data = json.loads(row.details_json or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def set_details(row: SupervisionRecord, data: dict[str, Any]) -> None:
    row.details_json = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


@dataclass
class RecordState:
    """The workflow state of a supervision record, for ``apply_transition``."""

    row: SupervisionRecord

    @property
    def status(self) -> str:
        return str(details(self.row).get("status") or "")

    @status.setter
    def status(self, value: str) -> None:
        data = details(self.row)
        data["status"] = value
        set_details(self.row, data)


def add_step(ctx: ServiceContext, row: SupervisionRecord, step: str, on: date,
             **extra: object) -> None:
    data = details(row)
    data.setdefault("steps", []).append({
        "step": step, "on": on.isoformat(), "user_id": ctx.actor.user_id,
        "name": ctx.actor.name, **extra})
    set_details(row, data)


def history(workflow: Workflow, steps: list[dict[str, Any]]) -> History:
    return wf.history_from_steps(workflow, (
        (s.get("step", ""), s.get("user_id"), s.get("name")) for s in steps))


def move(ctx: ServiceContext, workflow: Workflow, action: str, row: SupervisionRecord,
         on: date, **extra: object) -> Transition:
    """Apply ``action`` to the record (state, role, four eyes) and record its step."""
    state = RecordState(row)
    tr = wf.apply_transition(ctx, workflow, action, state,
                             history=history(workflow, details(row).get("steps", [])))
    if tr.step:
        add_step(ctx, row, tr.step, on, **extra)
    return tr


def check_new(ctx: ServiceContext, workflow: Workflow, action: str) -> Transition:
    """Refuse unless the signed-in user may start ``action`` (a transition from NEW)."""
    return wf.check_transition(ctx, workflow, action, NEW)


def load(s: Session, record_id: str, kind: str) -> SupervisionRecord:
    row = s.get(SupervisionRecord, record_id)
    if row is None or row.kind != kind:
        raise NotFound(what=record_id)
    return row


def organization(s: Session, org_id: str) -> Organization:
    org = s.get(Organization, org_id)
    if org is None:
        raise NotFound(what=org_id)
    return org


def facts(org: Organization) -> OrgFacts:
    return OrgFacts(id=org.id, org_type=OrgType(org.org_type), registered_on=org.established_on,
                    status=OrgStatus(org.status), deregistered_on=org.deregistered_on,
                    revoked_on=org.revoked_on, subdistrict_code=org.subdistrict_code,
                    is_charity=bool(org.is_charity))


def reason_problem(field: str, reason: Reason) -> FieldProblem:
    """A rule's reason as a field problem: its message and the article it rests on
    (``sv.error.rule``); ``params["code"]`` keeps the reason's stable code."""
    return FieldProblem(field, "sv.error.rule", {
        "message": reason.message(), "article": reason.article, "code": reason.code})


def rule_failed(field: str, reasons: list[Any]) -> ValidationFailed:
    """A ValidationFailed whose problems are the rule's reasons, each naming its article."""
    return ValidationFailed([reason_problem(field, r) for r in reasons])


def from_rule_error(field: str, exc: SupervisionRuleError) -> ValidationFailed:
    return rule_failed(field, [exc.reason])


def require_text(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed([FieldProblem(field, "sv.error.required")])
    return value


def not_future(ctx: ServiceContext, field: str, on: date) -> date:
    if on > ctx.today():
        raise ValidationFailed([FieldProblem(field, "sv.error.date_in_future",
                                             {"on": on.isoformat()})])
    return on


def organization_name(ctx: ServiceContext, org_id: str) -> str:
    """The organization's name (title of the supervision screens)."""
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        return organization(s, org_id).name
