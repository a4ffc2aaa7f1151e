"""Writing organizations: the one place that inserts or changes an ``Organization`` row,
keeps its derived columns (sort key, search index) current and records the change in
the operation's audit event. Used by the registration workflow and the ledger import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.domain.identifiers import validate_uscc
from mca_tui.services.context import Unit
from mca_tui.services.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from mca_tui.storage import search
from mca_tui.storage.models import Organization, OrganizationPerson, Person, utcnow

# Registered items (登记事项, domain.md §1.4) and other columns a change may touch.
ITEM_FIELDS = (
    "name", "domicile", "purpose", "business_scope", "activity_area", "legal_rep_name",
    "funds_fen", "supervisory_unit", "direct_category", "foundation_kind", "civil_form",
    "subdistrict_code", "phone", "is_charity", "individual_members", "unit_members",
)
STATE_FIELDS = ("uscc", "uscc_override_reason", "org_type", "status", "established_on",
                "deregistered_on", "revoked_on", "revocation_kind")


def snapshot(obj: object, names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only what changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class PersonInput:
    name: str
    id_number: str | None = None
    id_override_reason: str | None = None
    phone: str = ""


def upsert_person(session: Session, office_id: str, p: PersonInput) -> Person:
    """Find a person by ID number (else create one)."""
    if p.id_number:
        found = session.exec(select(Person).where(Person.id_number == p.id_number)).first()
        if found:
            if found.name != p.name:
                found.name = p.name
                session.add(found)
            return found
    person = Person(office_id=office_id, name=p.name, id_number=p.id_number or None,
                    id_override_reason=p.id_override_reason, phone=p.phone)
    session.add(person)
    session.flush()  # before anything refers to it (the models declare no relationships)
    return person


def set_legal_rep(unit: Unit, org: Organization, p: PersonInput, since: date | None,
                  *, new: bool = False) -> Person:
    """Make ``p`` the legal representative from ``since``, closing the previous one
    (``new``: the organization was just inserted and has no representative yet)."""
    s = unit.session
    person = upsert_person(s, org.office_id, p)
    current = () if new else s.exec(select(OrganizationPerson).where(
        OrganizationPerson.organization_id == org.id, OrganizationPerson.role == "legal_rep",
        col(OrganizationPerson.to_date).is_(None)))
    for link in current:
        if link.person_id == person.id:
            break
        link.to_date = since
        s.add(link)
    else:
        s.add(OrganizationPerson(office_id=org.office_id, organization_id=org.id,
                                 person_id=person.id, role="legal_rep", from_date=since))
    org.legal_rep_person_id = person.id
    org.legal_rep_name = person.name
    return person


def _check_code(uscc: str | None, override_reason: str | None) -> None:
    """A code that fails GB 32100 may be stored only with a recorded reason (codes
    issued before the standard was applied strictly, domain.md §11.4)."""
    if not uscc:
        return
    info = validate_uscc(uscc)
    if not info.valid and not (override_reason or "").strip():
        raise ValidationFailed([FieldProblem("uscc", "org.code_needs_reason",
                                             {"problem": info.problems[0].message()})])


def insert_organization(unit: Unit, *, office_id: str, org_type: OrgType, name: str,
                        legal_rep: PersonInput | None = None, **columns: Any) -> Organization:
    """Insert an organization whose input the caller has validated."""
    s = unit.session
    uscc = columns.get("uscc")
    _check_code(uscc, columns.get("uscc_override_reason"))
    if uscc and s.exec(select(Organization.id).where(Organization.uscc == uscc)).first():
        raise ValidationFailed([FieldProblem("uscc", "org.uscc_exists", {"uscc": uscc})])
    org = Organization(office_id=office_id, org_type=org_type.value, name=name,
                       status=str(columns.pop("status", OrgStatus.ACTIVE)), **columns)
    # Ids are made client-side, so no flush is needed here: the session orders the
    # inserts by their foreign keys when it next flushes (this keeps big imports fast).
    s.add(org)
    if legal_rep and legal_rep.name:
        set_legal_rep(unit, org, legal_rep, org.established_on, new=True)
    search.index_organization(s, org)
    unit.record("organization", org.id, None, snapshot(org, ("name", *STATE_FIELDS,
                                                               *ITEM_FIELDS)),
                organization_id=org.id)
    return org


def update_organization(unit: Unit, org_id: str, changes: dict[str, Any], *,
                        expected_version: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply ``changes`` (column → value); returns (before, after) of what changed.
    With ``expected_version``, refuse if someone changed the record meanwhile."""
    s = unit.session
    org = s.get(Organization, org_id)
    if org is None:
        raise NotFound("org.not_found", id=org_id)
    if expected_version is not None and org.version != expected_version:
        raise Conflict(name=org.name)
    unknown = set(changes) - set(ITEM_FIELDS) - set(STATE_FIELDS)
    if unknown:
        raise ValueError(f"not an organization field: {sorted(unknown)}")
    if "uscc" in changes or "uscc_override_reason" in changes:
        _check_code(changes.get("uscc", org.uscc),
                    changes.get("uscc_override_reason", org.uscc_override_reason))
    before, after = diff(snapshot(org, list(changes)), changes)
    if not after:
        return {}, {}
    for k, v in after.items():
        setattr(org, k, v)
    org.version += 1
    org.updated_at = utcnow()
    search.index_organization(s, org)
    s.add(org)
    s.flush()
    unit.record("organization", org.id, before, after, organization_id=org.id)
    return before, after
