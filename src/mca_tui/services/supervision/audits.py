"""Financial audits (财务审计, domain.md §9): triggered by a change of term or of the legal
representative ([S1] Art 27, [S2] Art 22, [S3] Art 36–37), by deregistration (audit of
the liquidation), by a spot check, or another reason.

Storage: a ``SupervisionRecord`` of kind ``financial_audit``: ``trigger``
(``AuditTrigger``; ``change_of_legal_rep`` is the pending audit the approval of a change
of legal representative opens, ``services.registration``), ``record_date`` the audit day
once done (the day it was required while pending), ``completed_on`` the audit day (None:
required, not done yet), ``outcome`` the audit opinion (``AUDIT_RESULTS``);
``details_json``: ``status`` (``required`` / ``done``), ``auditor``, ``findings``,
``required_on``, ``rectification_id`` when the audit ordered one, ``steps``.

Statistics count an audit in the year it was done (``reports.stats``: a pending audit
does not count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from mca_tui.domain.enums import AuditTrigger, OrgType, RectificationSource, SupervisionKind
from mca_tui.domain.supervision import rectification as rules
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.services.supervision import _rows
from mca_tui.services.supervision import rectification as orders
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import Organization, SupervisionRecord

KIND = SupervisionKind.FINANCIAL_AUDIT.value
PENDING_TRIGGER = "change_of_legal_rep"  # written by services.registration on approval
# Audit opinions (审计意见类型): unqualified, qualified, adverse, disclaimer.
AUDIT_RESULTS = ("unqualified", "qualified", "adverse", "disclaimer")

__all__ = ["AUDIT_RESULTS", "AuditView", "audits_of", "pending", "propose_for_change",
           "record_audit", "trigger_of"]


def trigger_of(row: SupervisionRecord) -> AuditTrigger:
    if row.trigger == PENDING_TRIGGER:
        return AuditTrigger.LEGAL_REP_CHANGE
    try:
        return AuditTrigger(row.trigger)
    except ValueError:
        return AuditTrigger.OTHER


@dataclass(frozen=True)
class AuditView:
    id: str
    organization_id: str
    organization_name: str
    trigger: AuditTrigger
    article: str
    required_on: date | None
    audited_on: date | None
    auditor: str
    findings: str
    result: str
    status: str  # required / done


def _view(row: SupervisionRecord, org: Organization) -> AuditView:
    data = _rows.details(row)
    trig = trigger_of(row)
    done = row.completed_on is not None or (row.trigger != PENDING_TRIGGER
                                            and data.get("status") != "required")
    required = data.get("required_on") or (row.record_date.isoformat()
                                            if data.get("status") == "required" else None)
    return AuditView(row.id, org.id, org.name, trig, rules.audit_article(trig, OrgType(org.org_type)),
                     date.fromisoformat(required) if required else None,
                     row.completed_on or (row.record_date if done else None),
                     str(data.get("auditor") or ""), str(data.get("findings") or ""),
                     row.outcome, "done" if done else "required")


def audits_of(ctx: ServiceContext, org_id: str) -> list[AuditView]:
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        org = _rows.organization(s, org_id)
        rows = s.exec(select(SupervisionRecord).where(
            SupervisionRecord.organization_id == org_id, SupervisionRecord.kind == KIND)
            .order_by(col(SupervisionRecord.record_date).desc())).all()
        return [_view(r, org) for r in rows]


def pending(ctx: ServiceContext) -> list[AuditView]:
    """Audits required and not done yet (opened by a registered change)."""
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        rows = s.exec(select(SupervisionRecord, Organization)
                      .join(Organization, col(Organization.id) == col(SupervisionRecord.organization_id))
                      .where(SupervisionRecord.kind == KIND,
                             col(SupervisionRecord.completed_on).is_(None))).all()
        views = [_view(r, o) for r, o in rows]
    return sorted((v for v in views if v.status == "required"),
                  key=lambda v: (v.required_on or date.min, v.organization_name))


def propose_for_change(unit: Unit, ctx: ServiceContext, org: Organization, items: list[str],
                       on: date, application_id: str | None = None, *,
                       description: str = "",
                       details: dict[str, object] | None = None) -> SupervisionRecord | None:
    """Inside the caller's unit (the approval of a change, services.registration): open
    the required audit a change of term or of legal representative calls for
    (``domain.supervision.rectification.audit_trigger_for_change``), unless one is
    already pending. Returns the row, or None when the change calls for no audit. A
    change of legal representative is stored with the trigger ``PENDING_TRIGGER`` (what
    the statistics, the ledger export and the record's flag read as "required, not done";
    ``trigger_of`` reads it as ``legal_rep_change``)."""
    trig = rules.audit_trigger_for_change(items, OrgType(org.org_type))
    if trig is None:
        return None
    s = unit.session
    for row in s.exec(select(SupervisionRecord).where(
            SupervisionRecord.organization_id == org.id, SupervisionRecord.kind == KIND,
            col(SupervisionRecord.completed_on).is_(None))).all():
        if _rows.details(row).get("status") == "required":
            return row
    stored = PENDING_TRIGGER if trig is AuditTrigger.LEGAL_REP_CHANGE else trig.value
    row = SupervisionRecord(id=new_id(), office_id=ctx.actor.office_id,
                            organization_id=org.id, kind=KIND, record_date=on,
                            trigger=stored, description=description)
    _rows.set_details(row, {"status": "required", "required_on": on.isoformat(),
                            "application_id": application_id, "items": sorted(items),
                            **(details or {})})
    s.add(row)
    s.flush()
    unit.record("supervision_record", row.id, None,
                {"kind": KIND, "trigger": stored, "status": "required"},
                organization_id=org.id)
    return row


def record_audit(ctx: ServiceContext, org_id: str, *, trigger: AuditTrigger | str,
                 audited_on: date, auditor: str, findings: str, result: str,
                 audit_id: str | None = None, rectify_items: list[str] | None = None,
                 rectify_by: date | None = None) -> str:
    """Record a financial audit (the audit report received): auditor (the firm), findings
    and result. With ``audit_id``, the required audit is marked done. With
    ``rectify_items`` and ``rectify_by``, the audit orders a rectification in the same
    unit (source ``financial_audit``). Returns the audit record's id."""
    problems: list[FieldProblem] = []
    try:
        trig = AuditTrigger(trigger)
    except ValueError:
        problems.append(FieldProblem("trigger", "sv.error.choice", {"value": str(trigger)}))
        trig = AuditTrigger.OTHER
    if not (auditor or "").strip():
        problems.append(FieldProblem("auditor", "sv.error.required"))
    if result not in AUDIT_RESULTS:
        problems.append(FieldProblem("result", "sv.error.choice", {"value": result}))
    if audited_on > ctx.today():
        problems.append(FieldProblem("audited_on", "sv.error.date_in_future",
                                     {"on": audited_on.isoformat()}))
    items = [i.strip() for i in (rectify_items or []) if i and i.strip()]
    if items and rectify_by is None:
        problems.append(FieldProblem("rectify_by", "sv.error.required"))
    if problems:
        raise ValidationFailed(problems)
    rid = audit_id or new_id()
    with ctx.unit("financial_audit.record", subject=Subject("supervision_record", rid,
                                                            organization_id=org_id)) as unit:
        s = unit.session
        org = _rows.organization(s, org_id)
        if audit_id:
            row = _rows.load(s, audit_id, KIND)
            if row.organization_id != org_id or row.completed_on is not None:
                raise ValidationFailed([FieldProblem("audit", "sv.error.audit_not_pending")])
            data = _rows.details(row)
            data.setdefault("required_on", row.record_date.isoformat())
            before = {"status": data.get("status"), "completed_on": None}
        else:
            row = SupervisionRecord(id=rid, office_id=ctx.actor.office_id,
                                    organization_id=org_id, kind=KIND, record_date=audited_on,
                                    trigger=trig.value)
            data, before = {}, None
        if not audit_id:
            row.trigger = trig.value
        row.record_date = audited_on  # counted in the year it was done
        row.completed_on = audited_on
        row.outcome = result
        row.description = findings.strip()[:500]
        data.update({"status": "done", "auditor": auditor.strip(), "findings": findings.strip(),
                     "article": rules.audit_article(trig, OrgType(org.org_type))})
        _rows.set_details(row, data)
        _rows.add_step(ctx, row, "audited", audited_on)
        s.add(row)
        s.flush()
        if items:
            assert rectify_by is not None
            rect = orders.open_order(unit, ctx, org, source=RectificationSource.FINANCIAL_AUDIT,
                                     items=items, due_on=rectify_by, ordered_on=audited_on,
                                     source_ref=row.id)
            data = _rows.details(row)
            data["rectification_id"] = rect.id
            _rows.set_details(row, data)
            s.add(row)
        unit.record("supervision_record", row.id, before,
                    {"kind": KIND, "trigger": trig.value, "audited_on": audited_on.isoformat(),
                     "auditor": auditor.strip(), "result": result},
                    organization_id=org_id)
    return row.id
