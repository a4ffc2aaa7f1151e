"""Reading applications: one application as the screens show it, the list, and the
summary shared by the lists and the home queues."""

from __future__ import annotations

import json

from sqlmodel import Session, col, select

from mca_tui.domain import clocks
from mca_tui.domain.enums import ApplicationKind, ApplicationStatus, OrgType
from mca_tui.domain.text import normalize_text
from mca_tui.services.context import ServiceContext
from mca_tui.services.registration.actions import _actions
from mca_tui.services.registration.base import _form, _load, _org_name, _user_names
from mca_tui.services.registration.deadlines import _deadlines, applicant_due
from mca_tui.services.registration.dto import (
    ApplicationInfo,
    ApplicationSummary,
    DocumentRef,
    StepInfo,
)
from mca_tui.services.registration.findings import _all_findings
from mca_tui.services.registration.lookups import current_items_in
from mca_tui.services.registration.steps import _step_actor, _steps
from mca_tui.storage.models import Application, IssuedDocument, Organization


def _info(session: Session, ctx: ServiceContext, app: Application,
          with_findings: bool = True) -> ApplicationInfo:
    form = _form(app)
    steps = _steps(session, app.id)
    found = _all_findings(session, ctx, app) if with_findings else None
    by_step = {s.step: s for s in steps}  # the latest of each kind wins
    names = _user_names(session, {app.created_by_id, app.accepted_by_id, app.reviewed_by_id,
                                  app.decided_by_id})

    def who(user_id: str | None, step: str) -> str:
        if user_id and user_id in names:
            return names[user_id]
        return _step_actor(by_step.get(step))[1]

    decision, correction = _deadlines(ctx, app, session)
    notice_late = False
    if app.received_on and app.correction_requested_on:
        notice_late = clocks.deemed_accepted(app.received_on, app.correction_requested_on,
                                             ctx.today(), ctx.calendar)
    # in the order issued (ids are time-ordered): the newest document is the last
    docs = session.exec(select(IssuedDocument).where(
        col(IssuedDocument.application_id) == app.id).order_by(col(IssuedDocument.issued_on),
                                                           IssuedDocument.id)).all()
    uscc = None
    if app.organization_id:
        org = session.get(Organization, app.organization_id)
        uscc = org.uscc if org else None
    current = current_items_in(session, app.organization_id) \
        if app.kind == ApplicationKind.CHANGE and app.organization_id else {}
    return ApplicationInfo(
        id=app.id, number=app.number, kind=ApplicationKind(app.kind),
        org_type=OrgType(app.org_type), status=ApplicationStatus(app.status), form=form,
        organization_id=app.organization_id, org_name=_org_name(app, form, session),
        received_on=app.received_on, accepted_on=app.accepted_on, complete_on=app.complete_on,
        correction_requested_on=app.correction_requested_on,
        correction_items=tuple(json.loads(app.correction_items_json or "[]")),
        correction_completed_on=app.correction_completed_on, reviewed_on=app.reviewed_on,
        decided_on=app.decided_on, decision_reasons=app.decision_reasons,
        supervisory_approval_on=app.supervisory_approval_on, late=app.late,
        is_charity=app.is_charity,
        created_by=who(app.created_by_id, "draft_created"),
        accepted_by=who(app.accepted_by_id, "accepted"),
        reviewed_by=who(app.reviewed_by_id, "reviewed"),
        decided_by=who(app.decided_by_id, "approved") or who(app.decided_by_id, "refused"),
        version=app.version, decision_deadline=decision, correction_deadline=correction,
        correction_notice_late=notice_late,
        findings=tuple(found or ()),
        steps=tuple(StepInfo(s.step, s.on_date, _step_actor(s)[1], s.note,
                             json.loads(s.data_json or "{}")) for s in steps),
        documents=tuple(DocumentRef(d.id, d.kind, d.number, d.title, d.file_path, d.issued_on)
                        for d in docs),
        current=current, uscc=uscc,
        actions=_actions(ctx, session, app, steps=steps, findings=found),
        applicant_due=applicant_due(session, app),
    )



def get_application(ctx: ServiceContext, app_id: str) -> ApplicationInfo:
    ctx.permit("application.read")
    with ctx.db.read() as s:
        return _info(s, ctx, _load(s, app_id))



def list_applications(ctx: ServiceContext, *, statuses: tuple[ApplicationStatus, ...] = (),
                      kind: ApplicationKind | None = None, organization_id: str | None = None,
                      limit: int = 200, text: str = "") -> list[ApplicationSummary]:
    """Applications of the office, most recently changed first (bounded by ``limit``).
    ``text``: only those whose application number, proposed name or applicant (legal
    representative, as typed on the form) contains it — drafts included."""
    ctx.permit("application.read")
    with ctx.db.read() as s:
        q = select(Application).where(Application.office_id == ctx.actor.office_id)
        wanted = normalize_text(text)
        if wanted:
            like = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            q = q.where(col(Application.number).like(like, escape="\\")
                        | col(Application.form_json).like(like, escape="\\"))
        if statuses:
            q = q.where(col(Application.status).in_([st.value for st in statuses]))
        if kind:
            q = q.where(Application.kind == kind.value)
        if organization_id:
            q = q.where(Application.organization_id == organization_id)
        q = q.order_by(col(Application.updated_at).desc()).limit(limit)
        out = [summarize(ctx, s, app) for app in s.exec(q)]
        if wanted:  # the LIKE above also matched other fields of the form
            forms = {a.id: _form(a) for a in s.exec(select(Application).where(
                col(Application.id).in_([r.id for r in out])))}
            out = [r for r in out if any(wanted in normalize_text(str(v or "")) for v in (
                r.number, r.org_name, forms[r.id].get("name"),
                forms[r.id].get("legal_rep_name"), forms[r.id].get("applicant")))]
        return out



def summarize(ctx: ServiceContext, session: Session, app: Application) -> ApplicationSummary:
    """One application as lists show it: its name and both clocks (also used by the
    home queues, so a list and a queue never disagree on a deadline)."""
    decision, correction = _deadlines(ctx, app, session)
    return ApplicationSummary(
        app.id, app.number, ApplicationKind(app.kind), OrgType(app.org_type),
        ApplicationStatus(app.status), _org_name(app, _form(app), session),
        app.organization_id, app.received_on, app.accepted_on, app.complete_on,
        app.updated_at, decision, correction, app.late, app.version,
        applicant_due=applicant_due(session, app))
