"""Decisions: 不予登记 (refuse), the head's extension of a change period, 核准 (approve)."""

from __future__ import annotations

from datetime import date

from mca_tui.domain import clocks
from mca_tui.domain.enums import ApplicationKind, OrgType
from mca_tui.domain.text import normalize_name, normalize_text
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.services.registration.base import (
    EXTENSION_STEP,
    IN_FLIGHT,
    LICENSING_LAW,
    _applicant,
    _form,
    _load,
    _org_name,
    _touch,
)
from mca_tui.services.registration.change import _apply_change, _change_basis
from mca_tui.services.registration.deadlines import _clock_start, _extension
from mca_tui.services.registration.dto import ApplicationInfo, DecisionResult
from mca_tui.services.registration.errors import NotReady, RefusedByLaw
from mca_tui.services.registration.establish import _establish
from mca_tui.services.registration.findings import _all_findings
from mca_tui.services.registration.issuing import _docref, _issue
from mca_tui.services.registration.read import _info
from mca_tui.services.registration.rules import (
    _check_decision_date,
    _no_refusal_for_unnotified_defects,
)
from mca_tui.services.registration.steps import _check, _move, _step, _step_actor
from mca_tui.storage import locks
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import Organization


def refuse(ctx: ServiceContext, app_id: str, reasons: str, *, decided_on: date | None = None,
           expected_version: int | None = None) -> DecisionResult:
    """不予登记 with written reasons; issues the refusal decision (不予登记决定书)."""
    ctx.permit("application.refuse")
    reasons = normalize_text(reasons)
    if not reasons:
        raise ValidationFailed([FieldProblem("reasons", "registration.error.no_reasons")])
    today = decided_on or ctx.today()
    with ctx.unit("application.refuse", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        before = {"status": app.status}
        tr = _move(ctx, s, app, "application.refuse", expected_version)
        _check_decision_date(ctx, app, today)
        _no_refusal_for_unnotified_defects(s, ctx, app)
        app.decided_on = today
        app.decided_by_id = ctx.actor.user_id
        app.decision_reasons = reasons
        _touch(app)
        s.add(app)
        form = _form(app)
        org_name = _org_name(app, form, s)
        data = {"org_name": org_name, "applicant": _applicant(form, org_name),
                "received_on": app.received_on or today, "reasons": reasons,
                "org_type": app.org_type, "application_number": app.number}
        if app.kind == ApplicationKind.CHANGE:
            data["legal_basis"] = _change_basis(OrgType(app.org_type))
        doc = _issue(unit, ctx, "refusal_decision", today, app, data=data)
        _step(ctx, unit, app, tr.step, today, reasons, {"document": doc.number})
        unit.record("application", app.id, before,
                    {"status": "refused", "decided_on": today, "reasons": reasons},
                    organization_id=app.organization_id)
        s.flush()
        info = _info(s, ctx, app)
        return DecisionResult(info, app.organization_id, None, (_docref(doc),), doc.preview_text)



def extend_decision_period(ctx: ServiceContext, app_id: str, reason: str, *,
                           approved_on: date | None = None,
                           expected_version: int | None = None) -> ApplicationInfo:
    """Record the head's approval (负责人批准) extending the 20-working-day decision period
    of a change registration by 10 working days (行政许可法 Art 42 ¶1), with the reason and
    who approved (the signed-in approver). Refused for an establishment (its 60 days are
    set by the regulations), before the clock has started, after the 20 working days
    have run out, or a second time."""
    reason = normalize_text(reason)
    if not reason:
        raise ValidationFailed([FieldProblem("reason", "registration.law.extension_reason")])
    today = ctx.today()
    approved_on = approved_on or today
    article = f"{LICENSING_LAW}第四十二条"
    with ctx.unit("application.extend_decision",
                  subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        _check(app, expected_version, *IN_FLIGHT)
        if app.kind != ApplicationKind.CHANGE:
            raise RefusedByLaw("registration.law.extension_not_change", article=article)
        previous = _extension(s, app)
        if previous is not None:
            raise RefusedByLaw("registration.law.extension_twice",
                               date=previous.on_date.isoformat(),
                               who=_step_actor(previous)[1], article=article)
        start = _clock_start(ctx, app)
        if start is None:
            raise RefusedByLaw("registration.law.extension_not_started")
        if approved_on > today or approved_on < start:
            raise RefusedByLaw("registration.law.extension_date",
                               date=approved_on.isoformat(), start=start.isoformat(),
                               today=today.isoformat())
        before = clocks.change_decision_deadline(start, ctx.calendar, params=ctx.settings.legal)
        if approved_on > before.due:
            raise RefusedByLaw("registration.law.extension_late", due=before.due.isoformat(),
                               article=article)
        after = clocks.change_decision_deadline(start, ctx.calendar, extended=True,
                                                params=ctx.settings.legal)
        _touch(app)
        s.add(app)
        _step(ctx, unit, app, EXTENSION_STEP, approved_on, reason,
              {"approved_by": ctx.actor.display_name or ctx.actor.name,
               "days": clocks.EXTENSION_WORKING_DAYS, "due_before": before.due.isoformat(),
               "due_after": after.due.isoformat(), "article": article})
        unit.record("application", app.id, {"decision_due": before.due},
                    {"decision_due": after.due, "extended_by": clocks.EXTENSION_WORKING_DAYS,
                     "approved_by": ctx.actor.display_name or ctx.actor.name,
                     "approved_on": approved_on, "reason": reason},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)



def approve(ctx: ServiceContext, app_id: str, *, note: str = "", decided_on: date | None = None,
            expected_version: int | None = None) -> DecisionResult:
    """核准. Refused while any finding blocks (send it back for 补正 or refuse it).
    Establishment: the organization is created (正常) with a new USCC, its persons, a
    certificate with 正本/副本 serials and validity, an announcement, and the approval
    decision, certificate data sheet and announcement documents. Change: see
    ``_apply_change``. All in one transaction."""
    today = decided_on or ctx.today()
    with ctx.unit("application.approve", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        _check_decision_date(ctx, app, today)
        tr = _move(ctx, s, app, "application.approve", expected_version)
        # approvers on a shared server: the name check and the write run one at a time
        # per name (Order 69 Art 16 (1); storage.locks, a no-op on SQLite)
        locks.lock_key(s, "organization-name:" + normalize_name(_form(app).get("name")))
        blocking = [f for f in _all_findings(s, ctx, app) if f.blocks]
        if blocking:
            raise NotReady(blocking)
        if app.kind == ApplicationKind.CHANGE:
            docs, main = _apply_change(unit, ctx, app, today)
        else:
            docs, main = _establish(unit, ctx, app, today)
        app.decided_on = today
        app.decided_by_id = ctx.actor.user_id
        _touch(app)
        s.add(app)
        _step(ctx, unit, app, tr.step, today, note,
              {"documents": [d.number for d in docs]})
        unit.record("application", app.id, {"status": "reviewed"},
                    {"status": "approved", "decided_on": today,
                     "organization_id": app.organization_id},
                    organization_id=app.organization_id)
        if app.organization_id:  # the dormancy summary (H12, services.dormancy)
            from mca_tui.services import dormancy

            dormancy.refresh(unit, ctx, app.organization_id)
        s.flush()
        info = _info(s, ctx, app, with_findings=False)
        org = s.get(Organization, app.organization_id)
        return DecisionResult(info, app.organization_id, org.uscc if org else None,
                              tuple(_docref(d) for d in docs), main.preview_text)
