"""Which actions the signed-in user may take on an application now: the transition
table (states, roles, four eyes) less what a rule of law refuses on this file."""

from __future__ import annotations

from sqlmodel import Session

from mca_tui.domain.eligibility import FindingDTO
from mca_tui.domain.registration import REGISTRATION
from mca_tui.services.context import ServiceContext
from mca_tui.services.registration.base import _load
from mca_tui.services.registration.errors import RefusedByLaw
from mca_tui.services.registration.rules import _no_refusal_for_unnotified_defects, _tell_once
from mca_tui.services.registration.steps import _history
from mca_tui.services.workflow import available_actions as _workflow_actions
from mca_tui.storage.models import Application, ApplicationStep


def available_actions(ctx: ServiceContext, app_id: str) -> list[str]:
    """The registration actions the signed-in user may take on this application now
    (what the screens offer: the table's from-states, roles and four eyes)."""
    ctx.permit("application.read")
    with ctx.db.read() as s:
        app = _load(s, app_id)
        return list(_actions(ctx, s, app))



def _actions(ctx: ServiceContext, session: Session, app: Application, *,
             steps: list[ApplicationStep] | None = None,
             findings: list[FindingDTO] | None = None) -> tuple[str, ...]:
    """The table's actions for this user (state, role, four eyes) less those a rule of
    law refuses on this file now (the service's own guards), so nothing is offered that
    the service would then refuse."""
    guards = {
        "application.correction": lambda: _tell_once(app),
        "application.refuse": lambda: _no_refusal_for_unnotified_defects(
            session, ctx, app, findings=findings),
    }
    out = []
    for action in _workflow_actions(ctx, REGISTRATION, str(app.status),
                                    _history(session, app, steps)):
        try:
            guards.get(action, lambda: None)()
        except RefusedByLaw:
            continue
        out.append(action)
    return tuple(out)
