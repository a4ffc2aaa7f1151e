"""Approval of an establishment: the organization, its persons, certificate,
announcement and documents."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from mca_tui.domain.eligibility import parse_count
from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.domain.forms import DIRECT_CATEGORIES
from mca_tui.domain.identifiers import validate_id_number
from mca_tui.domain.money import parse_yuan
from mca_tui.domain.text import normalize_code, normalize_name, normalize_phone, normalize_text
from mca_tui.services import codes
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.organizations import PersonInput, insert_organization, upsert_person
from mca_tui.services.registration.base import _applicant, _form
from mca_tui.services.registration.certificates import _new_certificate, _sheet_data
from mca_tui.services.registration.issuing import _issue
from mca_tui.storage.models import Announcement, Application, OrganizationPerson

if TYPE_CHECKING:  # services.documents is imported where it is used
    from mca_tui.services.documents import IssuedDocumentInfo


def _parsed(form: dict[str, Any], org_type: OrgType) -> dict[str, Any]:
    """The organization columns from an (already checked) establishment form."""
    direct = str(form.get("direct_category") or "")
    direct = direct if direct in DIRECT_CATEGORIES else ""
    ind = unit_members = None
    if org_type is OrgType.SOCIAL_GROUP:
        ind = parse_count(form.get("individual_members"))
        unit_members = parse_count(form.get("unit_members"))
    return {
        "name": normalize_name(form.get("name")),
        "civil_form": (str(form.get("civil_form") or "") or None)
        if org_type is OrgType.PRIVATE_NON_ENTERPRISE else None,
        "domicile": normalize_text(form.get("domicile")),
        "subdistrict_code": normalize_code(form.get("subdistrict_code")) or None,
        "purpose": normalize_text(form.get("purpose")),
        "business_scope": normalize_text(form.get("business_scope")),
        "activity_area": normalize_text(form.get("activity_area"))
        if org_type is OrgType.SOCIAL_GROUP else "",
        "funds_fen": parse_yuan(str(form.get("funds"))),
        "supervisory_unit": "" if direct else normalize_text(form.get("supervisory_unit")),
        "direct_category": direct or None,
        "is_charity": bool(form.get("is_charity")),
        "individual_members": ind,
        "unit_members": unit_members,
        "phone": normalize_phone(form.get("phone")),
    }



def _establish(unit: Unit, ctx: ServiceContext, app: Application,
               today: date) -> tuple[list[IssuedDocumentInfo], IssuedDocumentInfo]:
    s = unit.session
    form = _form(app)
    org_type = OrgType(app.org_type)
    columns = _parsed(form, org_type)
    name = columns.pop("name")
    uscc = codes.assign_uscc(s, ctx.settings, org_type)
    rep = PersonInput(name=normalize_name(form.get("legal_rep_name")),
                      id_number=normalize_code(form.get("legal_rep_id_number")) or None,
                      phone=normalize_phone(form.get("legal_rep_phone")))
    org = insert_organization(unit, office_id=app.office_id, org_type=org_type, name=name,
                              legal_rep=rep, uscc=uscc, status=OrgStatus.ACTIVE,
                              established_on=today, **columns)
    for p in form.get("persons") or []:
        pname = normalize_name(p.get("name"))
        number = normalize_code(p.get("id_number"))
        if not pname or not validate_id_number(number, today=today).valid:
            continue
        person = upsert_person(s, app.office_id, PersonInput(pname, number))
        role = p.get("role") if p.get("role") in ("founder", "responsible") else "founder"
        s.add(OrganizationPerson(office_id=app.office_id, organization_id=org.id,
                                 person_id=person.id, role=role,
                                 title=normalize_text(p.get("title")), from_date=today))
    app.organization_id = org.id
    cert = _new_certificate(unit, ctx, org, app, today)
    data = _sheet_data(org, cert)
    decision = _issue(unit, ctx, "approval_decision", today, app, organization_id=org.id, data={
        "org_name": org.name, "applicant": _applicant(form, org.name), "uscc": uscc,
        "org_type": org.org_type, "received_on": app.received_on,
        "application_number": app.number, "legal_rep": org.legal_rep_name,
        "domicile": org.domicile})
    sheet = _issue(unit, ctx, "certificate_sheet", today, app, organization_id=org.id, data=data)
    notice = _issue(unit, ctx, "announcement", today, app, organization_id=org.id, data={
        k: data[k] for k in ("org_name", "uscc", "org_type", "civil_form", "legal_rep",
                             "domicile", "purpose", "business_scope", "activity_area",
                             "funds_fen", "supervisory_unit", "direct_category",
                             "established_on")})
    ann = Announcement(office_id=app.office_id, organization_id=org.id, kind="establishment",
                       created_on=today, text=notice.preview_text, document_id=notice.id)
    s.add(ann)
    s.flush()
    unit.record("announcement", ann.id, None, {"kind": "establishment", "document": notice.number},
                organization_id=org.id)
    return [decision, sheet, notice], sheet
