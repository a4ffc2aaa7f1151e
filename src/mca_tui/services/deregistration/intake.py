"""Deregistration at the counter and in review: the form as typed (start, save, withdraw), 受理 with the 15-day flag and the liquidation audit, review, the one 补正 notice and its completion, and the head's extension of the decision period (行政许可法 Art 42)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlmodel import col, select

from mca_tui.domain import deregistration as rules
from mca_tui.domain.deregistration import (
    Extension,
)
from mca_tui.domain.enums import (
    ApplicationStatus,
    AuditTrigger,
    DeregistrationMaterial,
    DeregistrationTrigger,
    OrgStatus,
    OrgType,
    SupervisionKind,
)
from mca_tui.domain.text import normalize_text
from mca_tui.domain.workflow import NEW
from mca_tui.i18n import label
from mca_tui.services import codes
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.deregistration.record import (
    AUDIT_RESULTS,
    DEREGISTRABLE,
    KIND,
    OPEN,
    DeregistrationInfo,
    WrongStatus,
    _day,
    _info,
    _issue,
    _load,
    _members,
    _move,
    _org,
    _refuse_if,
    facts_of,
)
from mca_tui.services.errors import (
    FieldProblem,
    NotFound,
    ValidationFailed,
)
from mca_tui.services.registration.base import _dump, _form  # the application's form JSON
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    Application,
    Organization,
    SupervisionRecord,
)

# --------------------------------------------------------------------------- input


def _clean(form: dict[str, Any], org: Organization) -> dict[str, Any]:
    """The form as typed, normalised: text NFKC-normalised, dates kept as typed (checked
    by the rules), materials as a code -> bool map."""
    out = dict(form)
    liq = dict(form.get("liquidation") or {})
    for key in ("guided_by",):
        liq[key] = normalize_text(liq.get(key))
    if "members" in liq:
        liq["members"] = list(_members(liq.get("members")))
    out["liquidation"] = liq
    mats = form.get("materials") or {}
    out["materials"] = {m.value: bool(mats.get(m.value)) for m in DeregistrationMaterial}
    for key in ("audit_firm", "residual_assets", "applicant"):
        if key in out:
            out[key] = normalize_text(out.get(key))
    out.setdefault("applicant", org.legal_rep_name or org.name)
    return out


def _date_problems(form: dict[str, Any]) -> list[FieldProblem]:
    problems = []
    liq = form.get("liquidation") or {}
    for name, value in (("applied_on", form.get("applied_on")),
                        ("liquidation.formed_on", liq.get("formed_on")),
                        ("liquidation.ended_on", liq.get("ended_on")),
                        ("audit_on", form.get("audit_on"))):
        if value not in (None, "") and _day(value) is None:
            problems.append(FieldProblem(name, "dereg.error.date", {"value": str(value)}))
    return problems


def new_form(org: Organization | None, today: date) -> dict[str, Any]:
    return {"applied_on": today.isoformat(), "trigger": "",
            "liquidation": {"formed_on": "", "members": [], "guided_by": "", "ended_on": ""},
            "materials": {m.value: False for m in DeregistrationMaterial},
            "direct_registration": bool(org is not None
                                        and not (org.supervisory_unit or "").strip())}


# --------------------------------------------------------------------------- draft


def start(ctx: ServiceContext, organization_id: str, form: dict[str, Any] | None = None
          ) -> DeregistrationInfo:
    """申请注销: open a draft for an active (or revoked) organization; refused while
    another deregistration of it is open."""
    ctx.permit("deregistration.draft")
    app_id = new_id()
    today = ctx.today()
    with ctx.unit("deregistration.draft", subject=Subject(
            "application", app_id, organization_id=organization_id)) as unit:
        s = unit.session
        # the organization row locked (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises
        # already) so that two clerks never open two files for it
        org = s.get(Organization, organization_id, with_for_update=True)
        if org is None:
            raise NotFound("org.not_found", id=organization_id)
        if org.status not in DEREGISTRABLE:
            raise WrongStatus("dereg.error.org_status", name=org.name,
                              status=label(OrgStatus(org.status)))
        busy = s.exec(select(Application.id).where(
            Application.organization_id == org.id, Application.kind == KIND,
            col(Application.status).in_([st.value for st in OPEN]))).first()
        if busy:
            raise WrongStatus("dereg.error.already_open", name=org.name)
        typed = _clean({**new_form(org, today), **(form or {})}, org)
        problems = _date_problems(typed)
        if problems:
            raise ValidationFailed(problems)
        app = Application(id=app_id, office_id=org.office_id, kind=KIND,
                          org_type=org.org_type, organization_id=org.id, status=NEW,
                          form_json=_dump(typed), received_on=_day(typed.get("applied_on")),
                          created_by_id=ctx.actor.user_id)
        s.add(app)
        s.flush()
        _move(ctx, unit, app, "deregistration.draft", None, today)
        unit.record("application", app.id, None,
                    {"kind": KIND, "status": app.status, "form": typed},
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def save(ctx: ServiceContext, app_id: str, form: dict[str, Any], *,
         expected_version: int | None = None) -> DeregistrationInfo:
    """Save the draft as typed (F2): trigger, liquidation, checklist, dates."""
    today = ctx.today()
    with ctx.unit("deregistration.draft_save", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        before = _form(app)
        typed = _clean({**before, **form}, org)
        problems = _date_problems(typed)
        if problems:
            raise ValidationFailed(problems)
        _move(ctx, unit, app, "deregistration.draft_save", expected_version, today)
        app.form_json = _dump(typed)
        app.received_on = _day(typed.get("applied_on"))
        unit.record("application", app.id, {"form": before}, {"form": typed},
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def withdraw(ctx: ServiceContext, app_id: str, *, note: str = "",
             expected_version: int | None = None) -> DeregistrationInfo:
    """The applicant withdraws (撤回) before the decision; every clock stops."""
    today = ctx.today()
    with ctx.unit("deregistration.withdraw", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        before = app.status
        _move(ctx, unit, app, "deregistration.withdraw", expected_version, today, note)
        unit.record("application", app.id, {"status": before}, {"status": app.status},
                    organization_id=app.organization_id)
        s.flush()
        return _info(ctx, s, app)


# --------------------------------------------------------------------------- 受理


def accept(ctx: ServiceContext, app_id: str, form: dict[str, Any] | None = None, *,
           expected_version: int | None = None, note: str = "") -> DeregistrationInfo:
    """受理 (clerk): refused (nothing written) unless the trigger is one the type's
    regulation lists, the liquidation body is recorded and its liquidation ended, the
    application is not dated before that end, and the statutory materials are in
    (``domain.deregistration.refusal``). A late application (more than 15 days after the
    liquidation ended) is flagged, not refused. Issues the 受理通知书 with the decision
    date (20 working days) and opens the liquidation audit."""
    today = ctx.today()
    with ctx.unit("deregistration.accept", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        if form is not None:
            typed = _clean({**_form(app), **form}, org)
            problems = _date_problems(typed)
            if problems:
                raise ValidationFailed(problems)
            app.form_json = _dump(typed)
        typed = _form(app)
        applied = _day(typed.get("applied_on")) or today
        if applied > today:
            raise ValidationFailed([FieldProblem("applied_on", "dereg.error.future",
                                                 {"date": applied.isoformat()})])
        app.received_on = applied
        tr = _move(ctx, unit, app, "deregistration.accept", expected_version, today, note)
        facts = facts_of(app, org)
        _refuse_if(rules.refusal(tr.action, facts, today, ctx.calendar, actor=ctx.actor.name,
                                 params=ctx.settings.legal))
        seq = codes.next_value(s, f"application:{ctx.actor.office_code}:{today.year}")
        app.number = f"{ctx.actor.office_code}-{today.year}-{seq:05d}"
        app.accepted_on = today
        app.complete_on = today
        app.accepted_by_id = ctx.actor.user_id
        app.liquidation_end_on = facts.liquidation.ended_on
        facts = facts_of(app, org)
        app.late = rules.is_late(facts, ctx.calendar)
        deadline = rules.application_deadline(facts, ctx.calendar)
        clock = rules.decision_clock(facts, ctx.calendar, ctx.settings.legal)
        assert clock is not None
        doc = _issue(unit, ctx, "dereg_acceptance_notice", today, app, org, {
            "decision_due": clock.due, "late": app.late,
            "liquidation_end_on": facts.liquidation.ended_on,
            "application_due": deadline.due if deadline else None})
        audit = _open_liquidation_audit(unit, ctx, app, org, typed, today)
        unit.record("application", app.id, {"status": "draft"},
                    {"status": app.status, "number": app.number, "received_on": applied,
                     "accepted_on": today, "late": app.late,
                     "liquidation_end_on": facts.liquidation.ended_on,
                     "decision_due": clock.due, "document": doc.number,
                     "liquidation_audit": audit, "form": typed},
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def _open_liquidation_audit(unit: Unit, ctx: ServiceContext, app: Application,
                            org: Organization, form: dict[str, Any], today: date) -> str:
    """The liquidation audit (财务审计, trigger deregistration; domain.md §3, §9): done when
    the clerk typed the audit report (firm, date, opinion), else required — a row
    ``services.supervision.audits`` lists as pending and completes."""
    s = unit.session
    firm = normalize_text(form.get("audit_firm"))
    audited = _day(form.get("audit_on"))
    result = str(form.get("audit_result") or "")
    done = bool(firm and audited and result in AUDIT_RESULTS and audited <= today)
    details = {"status": "done" if done else "required", "application_id": app.id,
               "required_on": today.isoformat(),
               "article": rules.trigger_article(OrgType(org.org_type),
                                                DeregistrationTrigger.OTHER)}
    if done:
        details.update({"auditor": firm, "findings": ""})
    row = SupervisionRecord(
        office_id=org.office_id, organization_id=org.id,
        kind=SupervisionKind.FINANCIAL_AUDIT.value,
        record_date=audited if done and audited else today,
        trigger=AuditTrigger.DEREGISTRATION.value,
        completed_on=audited if done else None, outcome=result if done else "",
        description=normalize_text(form.get("audit_firm")) if done else "",
        details_json=json.dumps(details, ensure_ascii=False))
    s.add(row)
    s.flush()
    unit.record("supervision_record", row.id, None,
                {"kind": row.kind, "trigger": row.trigger, "status": details["status"]},
                organization_id=org.id)
    return str(details["status"])


# --------------------------------------------------------------------------- 审查 / 补正 / 延长


def review(ctx: ServiceContext, app_id: str, *, note: str = "",
           expected_version: int | None = None) -> DeregistrationInfo:
    """审查 (reviewer): the file goes to the approver; the findings at that moment (what is
    missing of local practice, the late flag) are kept on the step."""
    today = ctx.today()
    with ctx.unit("deregistration.review", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        facts = facts_of(app, org)
        _move(ctx, unit, app, "deregistration.review", expected_version, today, note,
              {"missing": [f.material.value for f in rules.missing_materials(facts)],
               "late": app.late})
        app.reviewed_on = today
        app.reviewed_by_id = ctx.actor.user_id
        unit.record("application", app.id, {"status": "accepted"},
                    {"status": app.status, "reviewed_on": today}, organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def request_correction(ctx: ServiceContext, app_id: str, items: list[str], *,
                       note: str = "", expected_version: int | None = None
                       ) -> DeregistrationInfo:
    """补正 (reviewer): every item to hand in, at once (行政许可法 Art 32)."""
    items = [normalize_text(i) for i in items if normalize_text(i)]
    if not items:
        raise ValidationFailed([FieldProblem("items", "dereg.error.no_items")])
    today = ctx.today()
    with ctx.unit("deregistration.correction", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        before = app.status
        _move(ctx, unit, app, "deregistration.correction", expected_version, today, note,
              {"items": items})
        app.correction_requested_on = today
        app.correction_items_json = json.dumps(items, ensure_ascii=False)
        unit.record("application", app.id, {"status": before},
                    {"status": app.status, "items": items},
                    organization_id=app.organization_id)
        s.flush()
        return _info(ctx, s, app)


def complete_correction(ctx: ServiceContext, app_id: str, form: dict[str, Any] | None = None, *,
                        note: str = "", expected_version: int | None = None
                        ) -> DeregistrationInfo:
    """The applicant handed in what was asked: back to review (clerk). The decision clock
    runs from acceptance (the file was complete in law when accepted)."""
    today = ctx.today()
    with ctx.unit("deregistration.correction_complete",
                  subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        before = _form(app)
        if form is not None:
            typed = _clean({**before, **form}, org)
            problems = _date_problems(typed)
            if problems:
                raise ValidationFailed(problems)
            app.form_json = _dump(typed)
        _move(ctx, unit, app, "deregistration.correction_complete", expected_version, today,
              note)
        app.correction_completed_on = today
        unit.record("application", app.id, {"status": "correction", "form": before},
                    {"status": app.status, "form": _form(app)}, organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def extend(ctx: ServiceContext, app_id: str, reason: str, *, approved_on: date | None = None,
           expected_version: int | None = None) -> DeregistrationInfo:
    """The head (approver) extends the 20 working days by 10, once, before they run out,
    with the reason told to the applicant (行政许可法 Art 42 ¶1): the approval is recorded
    on the file and the 延长审查期限告知书 issued."""
    reason = normalize_text(reason)
    today = ctx.today()
    approved_on = approved_on or today
    if approved_on > today:
        raise ValidationFailed([FieldProblem("approved_on", "dereg.error.future",
                                             {"date": approved_on.isoformat()})])
    with ctx.unit("deregistration.extend", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        action = ("deregistration.extend_after_review"
                  if app.status == ApplicationStatus.REVIEWED.value else "deregistration.extend")
        if action != "deregistration.extend":
            unit.action = action
        facts = facts_of(app, org)
        ext = Extension(approved_on, ctx.actor.display_name or ctx.actor.name, reason)
        before = rules.decision_clock(facts, ctx.calendar, ctx.settings.legal)
        _move(ctx, unit, app, action, expected_version, approved_on, reason)
        _refuse_if(rules.refusal(action, facts, approved_on, ctx.calendar,
                                 actor=ctx.actor.name, extension=ext,
                                 params=ctx.settings.legal))
        form = _form(app)
        form["extension"] = {"approved_on": approved_on.isoformat(),
                             "approved_by": ext.approved_by, "reason": reason}
        app.form_json = _dump(form)
        after = rules.decision_clock(facts_of(app, org), ctx.calendar, ctx.settings.legal)
        assert before is not None and after is not None
        doc = _issue(unit, ctx, "dereg_extension_notice", approved_on, app, org, {
            "reason": reason, "decision_due": after.due, "accepted_on": app.accepted_on})
        unit.record("application", app.id, {"decision_due": before.due},
                    {"decision_due": after.due, "extension": form["extension"],
                     "document": doc.number}, organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)
