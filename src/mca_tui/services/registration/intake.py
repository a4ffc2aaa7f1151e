"""受理 at the counter: numbering, dates, and the written voucher (受理通知书, 补正材料通知书
or 材料接收凭证; 行政许可法 Art 32)."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from mca_tui.domain import clocks
from mca_tui.domain.dates import parse_date
from mca_tui.domain.eligibility import FindingDTO
from mca_tui.domain.enums import ApplicationKind, ApplicationStatus, OrgType
from mca_tui.domain.forms import materials_for
from mca_tui.domain.registration import REGISTRATION
from mca_tui.services import codes
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.registration.base import _applicant, _form, _load, _org_name, _touch
from mca_tui.services.registration.deadlines import _clock_start, _decision_deadline
from mca_tui.services.registration.dto import ApplicationInfo
from mca_tui.services.registration.errors import FoundationNotRegistered, NotReady
from mca_tui.services.registration.findings import _all_findings
from mca_tui.services.registration.issuing import _issue
from mca_tui.services.registration.read import _info
from mca_tui.services.registration.steps import _move, _step
from mca_tui.services.workflow import settle
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import Application

if TYPE_CHECKING:  # services.documents is imported where it is used
    from mca_tui.services.documents import IssuedDocumentInfo


def submit(ctx: ServiceContext, app_id: str, *, expected_version: int | None = None,
           note: str = "", on_the_spot: bool = True) -> ApplicationInfo:
    """受理: the clerk accepts a draft. Refused while a finding blocks intake (a field that
    cannot be read, a required item missing, a foundation, a name already registered).
    Sets received/accepted/complete dates. A complete file gets the acceptance notice
    (受理通知书) and its decision clock runs from the day it was received. An incomplete
    file gets the 补正材料通知书 on the spot (``on_the_spot``, status ``correction``) or a
    材料接收凭证 (``on_the_spot=False``: the reviewer tells within 5 working days), never
    a 受理通知书 (行政许可法 Art 32)."""
    today = ctx.today()
    with ctx.unit("application.accept", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        tr = _move(ctx, s, app, "application.accept", expected_version)
        org_type = OrgType(app.org_type)
        if app.kind == ApplicationKind.ESTABLISHMENT and org_type is OrgType.FOUNDATION:
            raise FoundationNotRegistered()
        findings = _all_findings(s, ctx, app)
        stop = [f for f in findings if f.blocks and f.at_intake]
        if stop:
            raise NotReady(stop)
        # Materials still missing: received, but not complete (行政许可法 Art 32). Every
        # missing item is told at once, on the spot (补正材料通知书, the default) or within 5
        # working days (材料接收凭证 now, the notice later); the decision clock starts when
        # the last missing material arrives (clocks.decision_clock_start). Other blocking
        # findings (funds, members, name) do not make a file incomplete: the decision
        # settles them.
        incomplete = [f for f in findings if f.code == "material_missing"]
        form = _form(app)
        received = parse_date(form.get("received_on")) or today
        year = today.year
        seq = codes.next_value(s, f"application:{ctx.actor.office_code}:{year}")
        app.number = f"{ctx.actor.office_code}-{year}-{seq:05d}"
        app.received_on = received
        app.accepted_on = today
        # a complete file: the clock runs from the day it was received, not from 受理
        app.complete_on = None if incomplete else received
        app.accepted_by_id = ctx.actor.user_id
        app.is_charity = bool(form.get("is_charity"))
        if app.kind == ApplicationKind.CHANGE:
            approval = parse_date(form.get("supervisory_approval_on"))
            app.supervisory_approval_on = approval
            if approval and org_type is not OrgType.FOUNDATION:
                app.late = clocks.is_change_late(received, approval, ctx.calendar,
                                                 org_type=org_type)
        _touch(app)
        s.add(app)
        s.flush()
        org_name = _org_name(app, form, s)
        doc = _intake_document(unit, ctx, app, form, org_name, today, incomplete, on_the_spot)
        _step(ctx, unit, app, tr.step, today, note,
              {"document": doc.number, "warnings": [f.as_dict() for f in findings
                                                    if not f.blocks]})
        unit.record("application", app.id, {"status": "draft"},
                    {"status": app.status, "number": app.number, "received_on": received,
                     "accepted_on": today, "complete_on": app.complete_on,
                     "document": doc.number, "late": app.late, "form": form},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)



def _intake_document(unit: Unit, ctx: ServiceContext, app: Application, form: dict[str, Any],
                     org_name: str, today: date, missing: list[FindingDTO],
                     on_the_spot: bool) -> IssuedDocumentInfo:
    """The written voucher due at the counter (行政许可法 Art 32 last ¶; domain.md §10.1):
    a 受理通知书 only for a complete file; for an incomplete one the 补正材料通知书 on the
    spot (the application waits for the materials, status ``correction``) or, when the
    office needs the 5 working days, a 材料接收凭证 naming the day by which it will tell."""
    applicant = _applicant(form, org_name)
    common = {"org_name": org_name, "applicant": applicant, "received_on": app.received_on,
              "org_type": app.org_type, "application_number": app.number}
    if not missing:
        start = _clock_start(ctx, app) or app.received_on
        assert start is not None  # an accepted file has its received day
        decision = _decision_deadline(ctx, app, start, unit.session)
        return _issue(unit, ctx, "acceptance_notice", today, app, data={
            **common, "accepted_on": today, "decision_due": decision.due,
            "materials_complete": True})
    if on_the_spot:
        items = [f.message() for f in missing]
        settle(REGISTRATION, "application.accept", app, ApplicationStatus.CORRECTION.value)
        app.correction_requested_on = today
        app.correction_items_json = json.dumps(items, ensure_ascii=False)
        unit.session.add(app)
        # the document holds the findings as messages (key, params, article): worded in
        # the document language, not the clerk's UI language
        return _issue(unit, ctx, "correction_notice", today, app,
                      data={**common, "missing_items": [
                          {"message": f.key, "params": dict(f.params), "article": f.article}
                          for f in missing]})
    assert app.received_on is not None  # an accepted file has its received day
    notice_due = clocks.correction_notice_deadline(app.received_on, ctx.calendar).due
    received_items = [{"message": m.label_key}
                      for m in materials_for(OrgType(app.org_type),
                                             change=app.kind == ApplicationKind.CHANGE)
                      if (form.get("materials") or {}).get(m.key)]
    return _issue(unit, ctx, "receipt", today, app, data={
        **common, "notice_due": notice_due, "received_items": received_items or None})
