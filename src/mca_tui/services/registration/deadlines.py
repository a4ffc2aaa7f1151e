"""The clocks of an application: when the decision clock starts, the decision and
补正-notice deadlines, the head's extension, the date given to the applicant."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, col, select

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline
from mca_tui.domain.enums import ApplicationKind, ApplicationStatus, OrgType
from mca_tui.services.context import ServiceContext
from mca_tui.services.registration.base import EXTENSION_STEP, IN_FLIGHT, _form
from mca_tui.storage.models import Application, ApplicationStep


def _clock_start(ctx: ServiceContext, app: Application) -> date | None:
    """The day the decision clock starts (``clocks.decision_clock_start``): the day a
    complete file was received, the day the last missing material arrived after a timely
    补正 notice, or the day received when no notice came within 5 working days
    (行政许可法 Art 32); None while it has not started."""
    return clocks.decision_clock_start(app.received_on, app.correction_requested_on,
                                       app.complete_on, ctx.today(), ctx.calendar)



def _extension(session: Session | None, app: Application) -> ApplicationStep | None:
    """The recorded extension of a change decision period (行政许可法 Art 42), if any."""
    if session is None or app.kind != ApplicationKind.CHANGE or not app.id:
        return None
    return session.exec(select(ApplicationStep).where(
        ApplicationStep.application_id == app.id,
        ApplicationStep.step == EXTENSION_STEP)).first()



def _decision_deadline(ctx: ServiceContext, app: Application, start: date,
                       session: Session | None = None) -> Deadline:
    """60 days for an establishment (30 for a charity), 20 working days for a change
    (30 with the head's recorded extension: 行政许可法 Art 42), from ``start``."""
    if app.kind == ApplicationKind.CHANGE:
        return clocks.change_decision_deadline(start, ctx.calendar,
                                               extended=_extension(session, app) is not None,
                                               params=ctx.settings.legal)
    if app.kind == ApplicationKind.DEREGISTRATION:  # listed here, run by services.deregistration
        return clocks.deregistration_decision_deadline(
            app.accepted_on or start, ctx.calendar,
            extended=bool(_form(app).get("extension")), params=ctx.settings.legal)
    return clocks.decision_deadline(start, ctx.calendar, charity=app.is_charity,
                                    org_type=OrgType(app.org_type), params=ctx.settings.legal)



def _deadlines(ctx: ServiceContext, app: Application, session: Session | None = None
               ) -> tuple[Deadline | None, Deadline | None]:
    """(decision clock, 补正-notice clock). The decision clock runs once it has started
    (``_clock_start``); the notice clock only while a notice is still possible: the file
    is incomplete and no notice has been given (一次性告知, 行政许可法 Art 32)."""
    cal = ctx.calendar
    decision = correction = None
    start = _clock_start(ctx, app)
    if start and app.status in IN_FLIGHT:
        decision = _decision_deadline(ctx, app, start, session)
    if app.received_on and app.status == ApplicationStatus.ACCEPTED \
            and app.correction_requested_on is None and app.complete_on is None:
        correction = clocks.correction_notice_deadline(app.received_on, cal)
    return decision, correction



def applicant_due(session: Session, app: Application) -> date | None:
    """While the application waits in 补正: the date given to the applicant on the
    correction notice (recorded with the 补正 step), for the lists and the page."""
    if app.status != ApplicationStatus.CORRECTION:
        return None
    step = session.exec(select(ApplicationStep).where(
        ApplicationStep.application_id == app.id,
        ApplicationStep.step == "correction_requested")
        .order_by(col(ApplicationStep.created_at).desc())).first()
    due = json.loads(step.data_json or "{}").get("due_on") if step else None
    return date.fromisoformat(due) if due else None
