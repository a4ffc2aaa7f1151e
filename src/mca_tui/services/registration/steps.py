"""Moving an application through the transition table (``domain.registration``) and the
ApplicationStep rows that record each act (who, when, what)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.enums import ApplicationStatus
from mca_tui.domain.registration import REGISTRATION
from mca_tui.domain.text import normalize_text
from mca_tui.domain.workflow import History, Transition, actor_key
from mca_tui.i18n import label
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import Conflict
from mca_tui.services.registration.base import _form
from mca_tui.services.registration.errors import WrongStatus
from mca_tui.services.workflow import apply_transition, history_from_steps
from mca_tui.storage.models import Application, ApplicationStep


def _check(app: Application, expected_version: int | None, *allowed: ApplicationStatus) -> None:
    if expected_version is not None and app.version != expected_version:
        raise Conflict(name=app.number or _form(app).get("name") or app.id)
    if allowed and ApplicationStatus(app.status) not in allowed:
        raise WrongStatus(status=label(ApplicationStatus(app.status)),
                          expected="/".join(label(s) for s in allowed))



def _status_label(state: str) -> str:
    try:
        return label(ApplicationStatus(state))
    except ValueError:  # the pseudo-state of an application not yet created
        return state



def _history(session: Session, app: Application,
             steps: list[ApplicationStep] | None = None) -> History:
    """Who took which action on this application (for the four-eyes rule), from its
    steps (read unless given); the acceptor recorded on the application counts too."""
    rows = [(st.step, st.actor_id, json.loads(st.data_json or "{}").get("actor_name"))
            for st in (steps if steps is not None else _steps(session, app.id))]
    history = dict(history_from_steps(REGISTRATION, rows))
    if app.accepted_by_id:
        history["application.accept"] = history.get("application.accept", frozenset()) | {
            actor_key(app.accepted_by_id, "")}
    return history



def _move(ctx: ServiceContext, session: Session, app: Application, action: str,
          expected_version: int | None = None) -> Transition:
    """Apply a transition of the registration table (``domain.registration``) to ``app``:
    the version (Conflict), then from-state, role and four eyes (``services.workflow``);
    the application takes the transition's to-state."""
    _check(app, expected_version)
    return apply_transition(ctx, REGISTRATION, action, app, history=_history(session, app),
                            wrong_state=WrongStatus, state_label=_status_label)



def _step(ctx: ServiceContext, unit: Unit, app: Application, step: str, on_date: date,
          note: str = "", data: dict[str, Any] | None = None) -> None:
    payload = {"actor_name": ctx.actor.name, "actor_display": ctx.actor.display_name,
               **(data or {})}
    unit.session.add(ApplicationStep(office_id=app.office_id, application_id=app.id, step=step,
                                     on_date=on_date, actor_id=ctx.actor.user_id,
                                     note=normalize_text(note),
                                     data_json=json.dumps(payload, ensure_ascii=False,
                                                          default=str)))



def _steps(session: Session, app_id: str) -> list[ApplicationStep]:
    return list(session.exec(select(ApplicationStep).where(
        col(ApplicationStep.application_id) == app_id).order_by(col(ApplicationStep.created_at))))



def _step_actor(step: ApplicationStep | None) -> tuple[str | None, str]:
    if step is None:
        return None, ""
    data = json.loads(step.data_json or "{}")
    return step.actor_id, data.get("actor_display") or data.get("actor_name") or ""
