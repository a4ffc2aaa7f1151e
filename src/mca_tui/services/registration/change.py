"""Approval of a change (变更登记): change rows, the new values, a reissued certificate,
the audit on a change of legal representative, the announcement and documents."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from mca_tui.domain.enums import OrgType
from mca_tui.domain.forms import PRINTED_ITEMS
from mca_tui.domain.money import format_fen, parse_yuan
from mca_tui.domain.text import normalize_code, normalize_name, normalize_phone, normalize_text
from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import NotFound
from mca_tui.services.organizations import PersonInput, set_legal_rep, update_organization
from mca_tui.services.registration.base import _form
from mca_tui.services.registration.certificates import _new_certificate, _sheet_data
from mca_tui.services.registration.issuing import _issue
from mca_tui.services.registration.lookups import current_items_in
from mca_tui.storage.models import (
    Announcement,
    Application,
    Certificate,
    Organization,
    Person,
    RegistrationChange,
)

if TYPE_CHECKING:  # services.documents is imported where it is used
    from mca_tui.services.documents import IssuedDocumentInfo


# Change items (form field -> organization column). Legal rep and funds are special.
_CHANGE_COLUMNS = {
    "name": "name", "civil_form": "civil_form", "domicile": "domicile",
    "subdistrict_code": "subdistrict_code", "purpose": "purpose",
    "business_scope": "business_scope", "activity_area": "activity_area",
    "funds": "funds_fen", "direct_category": "direct_category",
    "supervisory_unit": "supervisory_unit", "legal_rep_name": "legal_rep_name",
}



# Items whose change is announced ([S1] Art 23, [S2] Art 18).
_ANNOUNCED_ITEMS = frozenset({"name", "domicile", "legal_rep"})



def _change_basis(org_type: OrgType) -> str:
    if org_type is OrgType.PRIVATE_NON_ENTERPRISE:
        return "《民办非企业单位登记管理暂行条例》第十五条"
    if org_type is OrgType.FOUNDATION:
        return "《基金会管理条例》第十五条"
    return "《社会团体登记管理条例》第十八条"



# Free text stored in records (a certificate's reason, a supervision record's description)
# is written in the register's language, whatever the UI language of the user acting.
RECORD_LANGUAGE = "zh"



def _doc_change(ctx: ServiceContext, item: str, before: str, after: str,
                before_fen: int | None, after_fen: int | None) -> dict[str, Any]:
    """One changed item for a document: its code and values (amounts in fen, subdistrict
    codes as their names)."""
    if item == "funds":
        return {"item": item, "before_fen": before_fen, "after_fen": after_fen}
    if item == "subdistrict_code":
        names = {sd.code: sd.name for sd in ctx.settings.office.subdistricts}
        before, after = names.get(before, before), names.get(after, after)
    return {"item": item, "before": before, "after": after}



def _id_number_of(s: Session, person_id: str) -> str:
    person = s.get(Person, person_id)
    assert person is not None  # the organization's legal representative (foreign key)
    return person.id_number or ""



def _apply_change(unit: Unit, ctx: ServiceContext, app: Application,
                  today: date) -> tuple[list[IssuedDocumentInfo], IssuedDocumentInfo]:
    """Apply a 变更登记: RegistrationChange rows (before -> after, late flag), the new values
    on the organization, a reissued certificate if a printed item changed (the old one
    ``replaced``), a pending financial audit on a change of legal representative, an
    announcement for name/domicile/legal-rep changes, the approval decision document."""
    s = unit.session
    form = _form(app)
    org = s.get(Organization, app.organization_id)
    if org is None:
        raise NotFound("org.not_found", id=app.organization_id)
    org_type = OrgType(org.org_type)
    current = current_items_in(s, org.id)
    changes: dict[str, Any] = {}
    items: list[tuple[str, str, str]] = []  # (item, before text, after text)
    for fname, column in _CHANGE_COLUMNS.items():
        raw = form.get(fname)
        if raw is None or not normalize_text(str(raw)):
            continue
        if fname == "funds":
            new_fen = parse_yuan(str(raw))
            if new_fen != org.funds_fen:
                changes["funds_fen"] = new_fen
                items.append(("funds", current["funds"], format_fen(new_fen)))
            continue
        if fname in ("name", "legal_rep_name"):
            value = normalize_name(raw)
        elif fname == "subdistrict_code":
            value = normalize_code(raw)
        else:
            value = normalize_text(str(raw))
        if value == (getattr(org, column) or ""):
            continue
        changes[column] = value
        item = "legal_rep" if fname == "legal_rep_name" else fname
        items.append((item, str(getattr(org, column) or ""), value))
    if "direct_category" in changes and changes["direct_category"]:
        changes.setdefault("supervisory_unit", "")
    elif "supervisory_unit" in changes and changes["supervisory_unit"]:
        changes["direct_category"] = None
    rep_number = normalize_code(form.get("legal_rep_id_number"))
    rep_changed = "legal_rep_name" in changes or bool(
        rep_number and (org.legal_rep_person_id is None or rep_number != (
            _id_number_of(s, org.legal_rep_person_id))))
    if rep_changed and "legal_rep_name" not in changes:
        items.append(("legal_rep", org.legal_rep_name, org.legal_rep_name))
    previous_rep = org.legal_rep_name
    previous_funds_fen = org.funds_fen
    if changes:
        update_organization(unit, org.id, changes)
    if rep_changed:
        set_legal_rep(unit, org, PersonInput(
            name=normalize_name(form.get("legal_rep_name")) or org.legal_rep_name,
            id_number=rep_number or None,
            phone=normalize_phone(form.get("legal_rep_phone"))), today)
        s.add(org)
    late = bool(app.late)
    for item, before_text, after_text in items:
        change = RegistrationChange(office_id=app.office_id, application_id=app.id,
                                    organization_id=org.id, item=item, before_text=before_text,
                                    after_text=after_text,
                                    supervisory_approval_on=app.supervisory_approval_on,
                                    applied_on=app.received_on, approved_on=today, late=late,
                                    audit_required=item == "legal_rep")
        s.add(change)
        s.flush()
        unit.record("registration_change", change.id, {item: before_text}, {item: after_text},
                    organization_id=org.id)
    docs: list[IssuedDocumentInfo] = []
    # Document data: codes and values, one entry per changed item (the words come from
    # the document language: "住所由 A 变更为 B。").
    doc_changes = [_doc_change(ctx, i, b, a, previous_funds_fen, org.funds_fen)
                   for i, b, a in items]
    reissue = any(i in PRINTED_ITEMS for i, _, _ in items)
    main = _issue(unit, ctx, "approval_decision", today, app, organization_id=org.id, data={
        "org_name": org.name, "applicant": org.name, "uscc": org.uscc or "",
        "org_type": org.org_type, "received_on": app.received_on,
        "application_number": app.number, "legal_rep": org.legal_rep_name,
        "domicile": org.domicile, "legal_basis": _change_basis(org_type),
        "changes": doc_changes, "certificate_reissued": reissue})
    docs.append(main)
    if reissue:
        for old in s.exec(select(Certificate).where(Certificate.organization_id == org.id,
                                                    Certificate.status == "valid")):
            old.status, old.status_on = "replaced", today
            # stored text is in the register's language, never the clerk's UI language
            old.reason = t("registration.cert_replaced", RECORD_LANGUAGE,
                           number=app.number or "")
            s.add(old)
            unit.record("certificate", old.id, {"status": "valid"}, {"status": "replaced"},
                        organization_id=org.id)
        cert = _new_certificate(unit, ctx, org, app, today)
        docs.append(_issue(unit, ctx, "certificate_sheet", today, app, organization_id=org.id,
                           data=_sheet_data(org, cert)))
    if rep_changed:
        # the mandatory financial (departure) audit: one code path with the supervision
        # service (a recorded change of term proposes its audit the same way,
        # services.registration.terms)
        from mca_tui.services.supervision.audits import propose_for_change

        propose_for_change(
            unit, ctx, org, [i for i, _, _ in items], today, application_id=app.id,
            description=t("registration.audit_required", RECORD_LANGUAGE, before=previous_rep,
                          after=org.legal_rep_name),
            details={"previous_legal_rep": previous_rep, "new_legal_rep": org.legal_rep_name})
    announced = [i for i, _, _ in items if i in _ANNOUNCED_ITEMS]
    if announced:
        # 变更公告 (社团条例 Art 23, 民非条例 Art 18): name, domicile, legal representative.
        notice = _issue(unit, ctx, "change_announcement", today, app, organization_id=org.id,
                        data={"org_name": org.name, "uscc": org.uscc or "",
                              "org_type": org.org_type, "decided_on": today,
                              "changes": [c for c in doc_changes
                                          if c["item"] in _ANNOUNCED_ITEMS]})
        docs.append(notice)
        ann = Announcement(office_id=app.office_id, organization_id=org.id, kind="change",
                           created_on=today, text=notice.preview_text, document_id=notice.id)
        s.add(ann)
        s.flush()
        unit.record("announcement", ann.id, None, {"kind": "change", "items": announced},
                    organization_id=org.id)
    return docs, main
