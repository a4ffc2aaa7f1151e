"""The decision on a deregistration (准予 / 不予注销登记; four eyes) and what follows approval: custody of the certificate, seals and vouchers (carried over from a revocation case when settled there) and the announcement."""

from __future__ import annotations

from datetime import date
from typing import Any

from mca_tui.domain import deregistration as rules
from mca_tui.domain.casework import CustodyRecord, custody_status
from mca_tui.domain.enums import (
    CustodyItem,
    OrgStatus,
)
from mca_tui.domain.text import normalize_text
from mca_tui.i18n import label, t
from mca_tui.services import custody as custody_service
from mca_tui.services.context import ServiceContext
from mca_tui.services.deregistration.record import (
    DeregistrationInfo,
    WrongStatus,
    _info,
    _issue,
    _load,
    _move,
    _org,
    _refresh_dormancy,
    _refuse_if,
    facts_of,
)
from mca_tui.services.errors import (
    FieldProblem,
    ValidationFailed,
)
from mca_tui.services.organizations import update_organization
from mca_tui.services.registration.base import _dump, _form  # the application's form JSON
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import (
    Announcement,
    Application,
)

# --------------------------------------------------------------------------- decision


def _check_decision_date(ctx: ServiceContext, app: Application, on: date) -> None:
    if on > ctx.today():
        raise ValidationFailed([FieldProblem("decided_on", "dereg.error.future",
                                             {"date": on.isoformat()})])


def approve(ctx: ServiceContext, app_id: str, *, decided_on: date | None = None,
            note: str = "", expected_version: int | None = None) -> DeregistrationInfo:
    """准予注销登记 (approver; never the user who accepted the file): the organization
    becomes 已注销 on ``decided_on`` and stays in the registry; issues the 准予注销登记决定书
    (the 注销证明文件), which asks for the certificate, seals and vouchers."""
    on = decided_on or ctx.today()
    with ctx.unit("deregistration.approve", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        _check_decision_date(ctx, app, on)
        facts = facts_of(app, org)
        tr = _move(ctx, unit, app, "deregistration.approve", expected_version, on, note)
        _refuse_if(rules.refusal(tr.action, facts, on, ctx.calendar, actor=ctx.actor.name,
                                 params=ctx.settings.legal))
        app.decided_on = on
        app.decided_by_id = ctx.actor.user_id
        before_status = org.status
        update_organization(unit, org.id, {"status": OrgStatus.DEREGISTERED.value,
                                           "deregistered_on": on})
        # custody a revocation case already settled is carried over, not asked again
        carried = custody_service.inherit_settled(unit, app, org.id)
        outstanding = [i.value for i in CustodyItem if i not in carried]
        doc = _issue(unit, ctx, "dereg_approval_decision", on, app, org, {
            "decided_on": on, "custody_items": outstanding,
            "custody_request": t("dereg.doc.custody_request", "zh") if outstanding else "",
            "custody_settled": t("dereg.doc.custody_settled", "zh", items="、".join(
                label(i, "zh") for i in carried), cases="、".join(
                sorted(set(carried.values())))) if carried else "",
            "note": normalize_text(note) or None})
        after: dict[str, Any] = {
            "status": app.status, "decided_on": on, "document": doc.number,
            "organization_status": {"before": before_status,
                                    "after": OrgStatus.DEREGISTERED.value}}
        # a serious listing on ground (七) (registration revoked) ends with the
        # deregistration (Order 60), with its removal notice, in this unit
        from mca_tui.services.supervision import credit_lists

        removed = credit_lists.remove_on_deregistration_in_unit(unit, ctx, org.id,
                                                                removed_on=on)
        if removed is not None:
            after["serious_list_removed"] = removed.document_number
        _refresh_dormancy(unit, ctx, org.id)
        unit.record("application", app.id, {"status": "reviewed"}, after,
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def refuse(ctx: ServiceContext, app_id: str, reasons: str, *, decided_on: date | None = None,
           expected_version: int | None = None) -> DeregistrationInfo:
    """不予注销登记 with written reasons (approver; never the acceptor); issues the
    不予注销登记决定书 with the remedies."""
    reasons = normalize_text(reasons)
    if not reasons:
        raise ValidationFailed([FieldProblem("reasons", "dereg.error.no_reasons")])
    on = decided_on or ctx.today()
    with ctx.unit("deregistration.refuse", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        _check_decision_date(ctx, app, on)
        before = app.status
        facts = facts_of(app, org)
        tr = _move(ctx, unit, app, "deregistration.refuse", expected_version, on, reasons)
        _refuse_if(rules.refusal(tr.action, facts, on, ctx.calendar, actor=ctx.actor.name,
                                 params=ctx.settings.legal))
        app.decided_on = on
        app.decided_by_id = ctx.actor.user_id
        app.decision_reasons = reasons
        doc = _issue(unit, ctx, "dereg_refusal_decision", on, app, org, {"reasons": reasons})
        unit.record("application", app.id, {"status": before},
                    {"status": app.status, "decided_on": on, "reasons": reasons,
                     "document": doc.number}, organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


# --------------------------------------------------------------------------- after approval


def record_custody(ctx: ServiceContext, app_id: str, records: list[CustodyRecord], *,
                   expected_version: int | None = None) -> DeregistrationInfo:
    """收缴 (clerk): record items collected, or declared void by announcement (the
    证书印章作废公告 is issued for those), each dated not before the decision
    (``services.custody.apply_custody``)."""
    with ctx.unit("deregistration.custody", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        facts = facts_of(app, org)
        on = max((r.on for r in records if r.on), default=ctx.today())
        tr = _move(ctx, unit, app, "deregistration.custody", expected_version, on, "",
                   {"records": [{"item": r.item.value, "outcome": r.outcome.value,
                                 "on": r.on} for r in records]})
        for r in records:
            _refuse_if(rules.refusal(tr.action, facts, on, ctx.calendar, custody=r,
                                     params=ctx.settings.legal))
        custody_service.apply_custody(unit, ctx, app, records, organization_id=org.id,
                                      earliest=app.decided_on, application_id=app.id)
        s.flush()
        return _info(ctx, s, app)


def announce(ctx: ServiceContext, app_id: str, *, published_on: date | None = None,
             expected_version: int | None = None) -> DeregistrationInfo:
    """注销登记公告 (clerk): published on ``published_on`` (not before the decision);
    issues the announcement document and its ``Announcement`` row."""
    on = published_on or ctx.today()
    if on > ctx.today():
        raise ValidationFailed([FieldProblem("published_on", "dereg.error.future",
                                             {"date": on.isoformat()})])
    with ctx.unit("deregistration.announce", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        facts = facts_of(app, org)
        if facts.announced_on is not None:
            raise WrongStatus("dereg.error.already_announced",
                              date=facts.announced_on.isoformat())
        tr = _move(ctx, unit, app, "deregistration.announce", expected_version, on)
        _refuse_if(rules.refusal(tr.action, facts, on, ctx.calendar,
                                 params=ctx.settings.legal))
        status = custody_status(facts.custody)
        doc = _issue(unit, ctx, "dereg_announcement", on, app, org, {
            "decided_on": app.decided_on, "legal_rep": org.legal_rep_name,
            "domicile": org.domicile, "supervisory_unit": org.supervisory_unit or "",
            "direct_category": org.direct_category or "",
            "custody_outstanding": not status.complete})
        ann = Announcement(office_id=org.office_id, organization_id=org.id,
                           kind="deregistration", created_on=on, published_on=on,
                           text=doc.preview_text, document_id=doc.id)
        s.add(ann)
        form = _form(app)
        form["announced_on"] = on.isoformat()
        app.form_json = _dump(form)
        s.flush()
        unit.record("announcement", ann.id, None, {"kind": "deregistration",
                                                   "document": doc.number},
                    organization_id=org.id)
        unit.record("application", app.id, None, {"announced_on": on},
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)
