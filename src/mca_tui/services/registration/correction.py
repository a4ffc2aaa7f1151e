"""补正: the one notice listing every missing item, and the applicant's completion."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from mca_tui.domain import clocks
from mca_tui.domain.dates import parse_date
from mca_tui.domain.enums import ApplicationKind, OrgType
from mca_tui.domain.text import normalize_text
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.services.registration.base import _applicant, _dump, _form, _load, _org_name, _touch
from mca_tui.services.registration.deadlines import _clock_start, _decision_deadline
from mca_tui.services.registration.dto import ApplicationInfo
from mca_tui.services.registration.errors import MaterialsMissing, NotReady
from mca_tui.services.registration.findings import _all_findings
from mca_tui.services.registration.issuing import _issue
from mca_tui.services.registration.read import _info
from mca_tui.services.registration.rules import _tell_once
from mca_tui.services.registration.steps import _move, _step
from mca_tui.storage.audit import Subject


def default_correction_items(info: ApplicationInfo, lang: str | None = None) -> list[str]:
    """Every blocking finding as one line of the 补正 notice (all at once, 行政许可法 Art 32)."""
    return [f.message(lang) for f in info.findings if f.blocks and f.code != "name_taken"]



def request_correction(ctx: ServiceContext, app_id: str, items: list[str] | None = None, *,
                       note: str = "", due_on: date | None = None,
                       expected_version: int | None = None) -> ApplicationInfo:
    """补正: the reviewer sends the application back listing every missing or defective
    item at once; issues the 补正材料通知书. Without ``items`` the blocking findings are
    listed. Refused (RefusedByLaw, Art 32) after a first notice or once the file is
    complete (``_tell_once``). A notice given after the 5-working-day clock is flagged: the application then
    counts as accepted on the day received (行政许可法 Art 32). ``due_on``: the date by which
    the applicant is asked to hand in the items (no statutory period; optional)."""
    today = ctx.today()
    with ctx.unit("application.correction", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        before = {"status": app.status}
        tr = _move(ctx, s, app, "application.correction", expected_version)
        _tell_once(app)
        if items is None:
            items = [f.message() for f in _all_findings(s, ctx, app)
                     if f.blocks and f.code != "name_taken"]
        items = [normalize_text(i) for i in items if normalize_text(i)]
        if not items:
            raise ValidationFailed([FieldProblem("items", "registration.error.no_items")])
        if due_on is not None and due_on < today:
            raise ValidationFailed([FieldProblem("due_on", "registration.error.due_past",
                                                 {"today": today.isoformat()})])
        notice_late = clocks.deemed_accepted(app.received_on or today, today, today,
                                             ctx.calendar)
        app.correction_requested_on = today
        app.correction_items_json = json.dumps(items, ensure_ascii=False)
        app.correction_completed_on = None
        app.reviewed_on = None
        _touch(app)
        s.add(app)
        form = _form(app)
        org_name = _org_name(app, form, s)
        doc = _issue(unit, ctx, "correction_notice", today, app, data={
            "org_name": org_name, "applicant": _applicant(form, org_name),
            "received_on": app.received_on or today, "missing_items": items,
            "org_type": app.org_type, "application_number": app.number, "note": note or None,
            "correction_due": due_on})
        # the date printed on the notice (the one given, else the documents default)
        shown_due = due_on or today + timedelta(days=ctx.settings.documents.correction_days)
        _step(ctx, unit, app, tr.step, today, note,
              {"items": items, "document": doc.number, "notice_late": notice_late,
               "due_on": shown_due.isoformat()})
        unit.record("application", app.id, before,
                    {"status": "correction", "correction_requested_on": today,
                     "items": items, "notice_late": notice_late},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)



def complete_correction(ctx: ServiceContext, app_id: str, form: dict[str, Any] | None = None, *,
                        completed_on: date | None = None, note: str = "",
                        expected_version: int | None = None) -> ApplicationInfo:
    """The applicant hands in what was missing: the clerk updates the form and the
    application goes back to review; the decision clock restarts from ``completed_on``."""
    today = ctx.today()
    completed_on = completed_on or today
    with ctx.unit("application.correction_complete", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        tr = _move(ctx, s, app, "application.correction_complete", expected_version)
        before_form = _form(app)
        if form is not None:
            app.form_json = _dump(form)
        all_findings = _all_findings(s, ctx, app)
        findings = [f for f in all_findings if f.blocks and f.at_intake]
        if findings:
            raise NotReady(findings)
        # The file is complete only when every missing material is in (行政许可法 Art 32):
        # otherwise the decision clock would start from a date the file was not complete.
        missing = [f for f in all_findings if f.code == "material_missing"]
        if missing:
            raise MaterialsMissing(missing)
        notice_on = app.correction_requested_on or app.received_on or today
        if completed_on < notice_on or completed_on > today:
            raise ValidationFailed([FieldProblem(
                "completed_on", "registration.law.completion_date",
                {"date": completed_on.isoformat(), "notice": notice_on.isoformat(),
                 "today": today.isoformat()})])
        app.correction_completed_on = completed_on
        # the last missing material arrived: the decision clock starts now, unless the
        # notice was late and the file already counts as accepted on the day received
        # (clocks.decision_clock_start)
        app.complete_on = completed_on
        if app.kind == ApplicationKind.CHANGE:
            approval = parse_date(_form(app).get("supervisory_approval_on"))
            app.supervisory_approval_on = approval
            org_type = OrgType(app.org_type)
            if approval and app.received_on and org_type is not OrgType.FOUNDATION:
                app.late = clocks.is_change_late(app.received_on, approval, ctx.calendar,
                                                 org_type=org_type)
        app.is_charity = bool(_form(app).get("is_charity"))
        _touch(app)
        s.add(app)
        # the file is complete: now the 受理通知书 (行政许可法 Art 32), with the decision due
        form_now = _form(app)
        org_name = _org_name(app, form_now, s)
        start = _clock_start(ctx, app) or completed_on
        doc = _issue(unit, ctx, "acceptance_notice", today, app, data={
            "org_name": org_name, "applicant": _applicant(form_now, org_name),
            "received_on": app.received_on or completed_on, "accepted_on": start,
            "org_type": app.org_type, "application_number": app.number,
            "decision_due": _decision_deadline(ctx, app, start, s).due,
            "materials_complete": True})
        _step(ctx, unit, app, tr.step, completed_on, note, {"document": doc.number})
        unit.record("application", app.id, {"status": "correction", "form": before_form},
                    {"status": "accepted", "complete_on": completed_on,
                     "clock_start": start, "document": doc.number, "form": _form(app)},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)
