"""Findings on a form: the field checks of ``domain.eligibility`` and the register
look-ups (names taken or barred, similar names, persons and addresses linked to
other organizations)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.calendar import add_years
from mca_tui.domain.eligibility import (
    BLOCK,
    WARN,
    FindingDTO,
    check_field,
    evaluate_change,
    evaluate_establishment,
)
from mca_tui.domain.enums import ApplicationKind, OrgStatus, OrgType
from mca_tui.domain.identifiers import mask_id_number
from mca_tui.domain.text import name_similarity_key, normalize_code, normalize_name, normalize_text
from mca_tui.i18n import label, t
from mca_tui.services.context import ServiceContext
from mca_tui.services.registration.base import IN_FLIGHT, ORDER_69, _divisions, _form
from mca_tui.services.registration.lookups import current_items_in
from mca_tui.storage.models import Application, Organization, OrganizationPerson, Person


def field_message(ctx: ServiceContext, org_type: OrgType | str, field_name: str, value: object,
                  form: dict[str, Any] | None = None, *, change: bool = False) -> str | None:
    """``check_field`` with the context's parameters, date and division names: what the
    screen shows under a field when the clerk leaves it."""
    return check_field(org_type, field_name, value, form=form, params=ctx.settings.legal,
                       today=ctx.today(), division_names=_divisions(ctx), change=change)



def _registry_findings(session: Session, ctx: ServiceContext, app: Application, form: dict[str, Any],
                       org_type: OrgType) -> list[FindingDTO]:
    """Findings that need the register: duplicate and similar names, a legal rep of
    another social group, persons and addresses linked to other organizations."""
    out: list[FindingDTO] = []
    exclude = app.organization_id
    name = normalize_name(form.get("name"))
    divisions = _divisions(ctx)
    if name:
        taken = session.exec(select(Organization).where(Organization.name == name)).all()
        for other in taken:
            if other.id == exclude:
                continue
            if other.status in (OrgStatus.ACTIVE, OrgStatus.APPLYING):
                out.append(FindingDTO("name_taken", BLOCK, f"{ORDER_69}第十六条第一项",
                                      "registration.finding.name_taken",
                                      {"name": name, "uscc": other.uscc or ""}, "name", True))
            elif (recent := _recently_closed(other, ctx.today())) is not None:
                # Order 69 Art 16 (2)(3): a name stays barred for 1 year after
                # deregistration and 3 years after revocation
                item, until = recent
                out.append(FindingDTO("name_recently_closed", BLOCK,
                                      f"{ORDER_69}第十六条第{item}项",
                                      "registration.finding.name_recently_closed",
                                      {"name": name, "status": label(OrgStatus(other.status)),
                                       "until": until.isoformat()}, "name", True))
            else:
                out.append(FindingDTO("name_used_before", WARN, "",
                                      "registration.finding.name_used_before",
                                      {"name": name, "status": label(OrgStatus(other.status))},
                                      "name"))
        for other_app in session.exec(select(Application).where(
                col(Application.status).in_([s.value for s in IN_FLIGHT]),
                Application.kind == ApplicationKind.ESTABLISHMENT, Application.id != app.id)):
            if normalize_name(_form(other_app).get("name")) == name:
                out.append(FindingDTO("name_pending", WARN, "",
                                      "registration.finding.name_pending",
                                      {"name": name, "number": other_app.number or ""}, "name"))
        key = name_similarity_key(name, divisions + ("厦门市", "福建省"))
        if len(key) >= 2:
            probe = key[:2]
            candidates = session.exec(select(Organization.id, Organization.name,
                                             Organization.status).where(
                col(Organization.name).contains(probe)).limit(2000)).all()
            for oid, other_name, status in candidates:
                if oid == exclude or other_name == name:
                    continue
                if name_similarity_key(other_name, divisions + ("厦门市", "福建省")) == key:
                    out.append(FindingDTO("name_similar", WARN, "《社会组织名称管理办法》（民政部令第69号）",
                                          "registration.finding.name_similar",
                                          {"other": other_name,
                                           "status": label(OrgStatus(status))}, "name"))
    # persons: the legal representative, then founders / responsible persons
    people: list[tuple[str, str, str]] = []  # (name, id_number, form role)
    rep_id = normalize_code(form.get("legal_rep_id_number"))
    if rep_id:
        people.append((normalize_name(form.get("legal_rep_name")), rep_id, "legal_rep"))
    for p in form.get("persons") or []:
        number = normalize_code(p.get("id_number"))
        if number:
            people.append((normalize_name(p.get("name")), number, p.get("role") or "founder"))
    seen: set[tuple[str, str]] = set()
    for person_name, number, form_role in people:
        person = session.exec(select(Person).where(Person.id_number == number)).first()
        if person is None:
            continue
        links = session.exec(select(OrganizationPerson, Organization).where(
            col(OrganizationPerson.person_id) == person.id, col(OrganizationPerson.to_date).is_(None),
            OrganizationPerson.organization_id == Organization.id,
            Organization.status == OrgStatus.ACTIVE)).all()
        for link, org in links:
            if org.id == exclude:
                continue
            if (form_role == "legal_rep" and org_type is OrgType.SOCIAL_GROUP
                    and link.role == "legal_rep" and org.org_type == OrgType.SOCIAL_GROUP):
                out.append(FindingDTO("legal_rep_other_group", BLOCK,
                                      "《社会团体登记管理条例》第十二条",
                                      "registration.finding.legal_rep_other_group",
                                      # the person who holds the number in the register
                                      {"name": person.name or person_name, "other": org.name},
                                      "legal_rep_id_number"))
                continue
            if (number, org.id) in seen:
                continue
            seen.add((number, org.id))
            out.append(FindingDTO("person_linked", WARN, "",
                                  "registration.finding.person_linked",
                                  {"name": person.name or person_name,  # the holder
                                   "id": mask_id_number(number), "other": org.name,
                                   "role": t(f"registration.person_role.{link.role}")},
                                  "persons" if form_role != "legal_rep"
                                  else "legal_rep_id_number"))
    domicile = normalize_text(form.get("domicile"))
    if domicile:
        for other in session.exec(select(Organization).where(
                Organization.domicile == domicile, Organization.status == OrgStatus.ACTIVE)
                .limit(20)):
            if other.id != exclude:
                out.append(FindingDTO("address_linked", WARN, "",
                                      "registration.finding.address_linked",
                                      {"address": domicile, "other": other.name}, "domicile"))
    return out



def _recently_closed(org: Organization, today: date) -> tuple[str, date] | None:
    """(item of Order 69 Art 16, last barred day) while a closed organization's name is
    still barred: deregistered less than 1 year ago (item 二), revoked less than 3 years
    ago (item 三); None otherwise."""
    if org.revoked_on and today < add_years(org.revoked_on, 3):
        return "三", add_years(org.revoked_on, 3) - timedelta(days=1)
    if org.deregistered_on and today < add_years(org.deregistered_on, 1):
        return "二", add_years(org.deregistered_on, 1) - timedelta(days=1)
    return None



def check_name(ctx: ServiceContext, name: str, org_type: OrgType | str, *,
               application_id: str | None = None,
               organization_id: str | None = None) -> list[FindingDTO]:
    """Register look-ups for a name as the clerk leaves the field: already registered
    (blocks), used before, pending in another application, similar (possible duplicate)."""
    ctx.permit("application.read")
    from types import SimpleNamespace

    probe = SimpleNamespace(id=application_id or "", organization_id=organization_id)
    with ctx.db.read() as s:
        return _registry_findings(s, ctx, probe, {"name": name},  # type: ignore[arg-type]
                                  OrgType(org_type))



def _all_findings(session: Session, ctx: ServiceContext, app: Application) -> list[FindingDTO]:
    form = _form(app)
    org_type = OrgType(app.org_type)
    if app.kind == ApplicationKind.CHANGE:
        current = current_items_in(session, app.organization_id) if app.organization_id else {}
        findings = evaluate_change(org_type, form, current, params=ctx.settings.legal,
                                   today=ctx.today(), division_names=_divisions(ctx))
        # register checks only for the items being changed
        probe = {k: form.get(k) for k in ("name", "domicile", "legal_rep_name",
                                          "legal_rep_id_number")
                 if normalize_text(str(form.get(k) or ""))}
        if probe.get("name") and normalize_name(probe["name"]) == current.get("name"):
            probe.pop("name")
        findings += _registry_findings(session, ctx, app, probe, org_type)
    else:
        findings = evaluate_establishment(org_type, form, params=ctx.settings.legal,
                                          today=ctx.today(), division_names=_divisions(ctx))
        findings += _registry_findings(session, ctx, app, form, org_type)
    return findings
