"""Drafts: a blank form, saving (explicit F2 or autosave), discarding, opening a change."""

from __future__ import annotations

from datetime import date
from typing import Any

from mca_tui.domain.enums import ApplicationKind, OrgStatus, OrgType
from mca_tui.domain.forms import materials_for
from mca_tui.domain.registration import REGISTRATION
from mca_tui.domain.workflow import NEW
from mca_tui.i18n import label
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import Conflict, NotFound
from mca_tui.services.registration.base import _dump, _form, _load, _touch
from mca_tui.services.registration.dto import ApplicationInfo
from mca_tui.services.registration.errors import FoundationNotRegistered, WrongStatus
from mca_tui.services.registration.read import _info
from mca_tui.services.registration.steps import _move, _status_label, _step
from mca_tui.services.workflow import check_transition
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import Application, Organization, utcnow


def new_form(org_type: OrgType, today: date, *, persons: int = 3) -> dict[str, Any]:
    """A blank establishment form: received today, the checklist unticked, a few empty
    rows for founders / responsible persons."""
    return {
        "received_on": today.isoformat(),
        "persons": [{"name": "", "id_number": "", "title": "", "role": "founder"}
                    for _ in range(persons)],
        "materials": {m.key: False for m in materials_for(org_type)},
    }



class DraftConflict(Conflict):
    """Another clerk saved the draft since this one read it (optimistic version check,
    issue 13): the save is refused, nothing is written, and the message shows what the
    other save changed against the form being saved (the clerk's text stays in the form)."""

    key = "draft_conflict.message"

    def __init__(self, name: str, theirs: dict[str, Any], fields: list[str]) -> None:
        self.theirs = theirs
        self.fields = fields
        super().__init__(name=name, fields="; ".join(
            f"{f} = {_shown(theirs.get(f))}" for f in fields) or "-")


def _shown(value: Any, limit: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _check_draft_version(app: Application, expected_version: int | None,
                         form: dict[str, Any]) -> None:
    if expected_version is None or app.version == expected_version:
        return
    theirs = _form(app)
    fields = sorted(k for k in set(theirs) | set(form) if theirs.get(k) != form.get(k))
    raise DraftConflict(name=str(theirs.get("name") or app.number or app.id),
                        theirs={k: theirs.get(k) for k in fields}, fields=fields)


def save_draft(ctx: ServiceContext, form: dict[str, Any], *, org_type: OrgType | str | None = None,
               application_id: str | None = None,
               kind: ApplicationKind = ApplicationKind.ESTABLISHMENT,
               organization_id: str | None = None, autosave: bool = False,
               expected_version: int | None = None) -> ApplicationInfo:
    """Create or update a draft with everything typed, as typed. ``autosave`` updates an
    existing draft's form without an audit event (see the module docstring). With
    ``expected_version`` (the version the clerk's form was read or last saved at) a draft
    someone else saved meanwhile is not overwritten: DraftConflict. Every save that
    changes the form, autosave included, advances the version."""
    ctx.permit("application.draft" if application_id is None else "application.draft_save")
    if application_id is None:
        if org_type is None:
            raise ValueError("org_type is needed for a new draft")
        org_type = OrgType(org_type)
        if kind == ApplicationKind.ESTABLISHMENT and org_type is OrgType.FOUNDATION:
            raise FoundationNotRegistered()
        new_app_id = new_id()
        with ctx.unit("application.draft", subject=Subject(
                "application", new_app_id, organization_id=organization_id)) as unit:
            app = Application(id=new_app_id, office_id=ctx.actor.office_id, kind=kind.value,
                              org_type=org_type.value, organization_id=organization_id,
                              status=NEW, form_json=_dump(form),
                              created_by_id=ctx.actor.user_id)
            tr = _move(ctx, unit.session, app, "application.draft")
            unit.session.add(app)
            unit.session.flush()
            _step(ctx, unit, app, tr.step, ctx.today())
            unit.record("application", app.id, None,
                        {"kind": kind.value, "org_type": org_type.value, "status": "draft",
                         "form": form}, organization_id=organization_id)
            unit.session.flush()
            return _info(unit.session, ctx, app, with_findings=False)
    if autosave:
        with ctx.db.write() as s:
            app = _load(s, application_id)
            check_transition(ctx, REGISTRATION, "application.draft_save", app.status,
                             wrong_state=WrongStatus, state_label=_status_label)
            _check_draft_version(app, expected_version, form)
            if _dump(form) != app.form_json:
                app.form_json = _dump(form)
                app.version += 1  # so that another clerk's later save sees the change
                app.updated_at = utcnow()
                s.add(app)
            s.flush()
            return _info(s, ctx, app, with_findings=False)
    with ctx.unit("application.draft_save",
                  subject=Subject("application", application_id)) as unit:
        app = _load(unit.session, application_id)
        _check_draft_version(app, expected_version, form)
        _move(ctx, unit.session, app, "application.draft_save")
        before = _form(app)
        app.form_json = _dump(form)
        _touch(app)
        unit.session.add(app)
        unit.record("application", app.id, {"form": before}, {"form": form},
                    organization_id=app.organization_id)
        unit.session.flush()
        return _info(unit.session, ctx, app, with_findings=False)



def discard_draft(ctx: ServiceContext, app_id: str) -> None:
    """Withdraw a draft (it stays on file as 已撤回)."""
    with ctx.unit("application.withdraw", subject=Subject("application", app_id)) as unit:
        app = _load(unit.session, app_id)
        tr = _move(ctx, unit.session, app, "application.withdraw")
        _touch(app)
        unit.session.add(app)
        _step(ctx, unit, app, tr.step, ctx.today())
        unit.record("application", app.id, {"status": "draft"}, {"status": "withdrawn"},
                    organization_id=app.organization_id)



def start_change(ctx: ServiceContext, org_id: str) -> ApplicationInfo:
    """Open a 变更登记 draft for an active organization."""
    ctx.permit("application.draft")
    with ctx.db.read() as s:
        org = s.get(Organization, org_id)
        if org is None:
            raise NotFound("org.not_found", id=org_id)
        if org.status != OrgStatus.ACTIVE:
            raise WrongStatus("registration.error.org_not_active", name=org.name,
                              status=label(OrgStatus(org.status)))
        org_type = OrgType(org.org_type)
    form = {"received_on": ctx.today().isoformat(),
            "materials": {m.key: False for m in materials_for(org_type, change=True)}}
    return save_draft(ctx, form, org_type=org_type, kind=ApplicationKind.CHANGE,
                      organization_id=org_id)
