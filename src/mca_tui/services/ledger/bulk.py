"""The ledger import's bulk path: new rows are written with Core inserts in chunks
(``executemany``) instead of one ORM object each, and still audited.

What each function writes, and how it stays what the services would leave:

- ids are made on the client (``storage.ids.new_id``), so nothing is read back;
- every insert goes through ``Unit.insert_rows``: one change row per row written, in the
  unit's audit event (the ORM would have captured the same columns);
- every column of the model is given (its default where the ledger has no value), so
  a change row holds the whole row, as one captured from a flush does;
- a new organization's pinyin sort key is computed once per distinct name
  (``domain.pinyin`` caches it) and its search index row is written in bulk by
  ``storage.search.index_new_organizations`` (the index's own module owns the format);
- a legal representative is found by ID number with one query per chunk (a person with
  another name on record is renamed through the session, which audits the change), or
  created, and linked from the registration date (``organization_person``), as
  ``services.organizations.set_legal_rep`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlmodel import SQLModel, col, select

from mca_tui.domain import pinyin
from mca_tui.domain.enums import ReportConclusion, SupervisionKind
from mca_tui.reports import ledger as L
from mca_tui.services.context import Unit
from mca_tui.storage import search
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    AnnualReport,
    Organization,
    OrganizationPerson,
    Person,
    SupervisionRecord,
    utcnow,
)

IN_CHUNK = 500  # IN-list size of look-ups

_TEMPLATES: dict[type[SQLModel], tuple[dict[str, Any], dict[str, Callable[[], Any]]]] = {}


def _template(model: type[SQLModel]) -> tuple[dict[str, Any], dict[str, Callable[[], Any]]]:
    """(constant defaults, default factories) of every column of ``model``."""
    if model not in _TEMPLATES:
        constants: dict[str, Any] = {}
        factories: dict[str, Callable[[], Any]] = {}
        for name, info in model.model_fields.items():
            if info.default_factory is not None:
                factories[name] = info.default_factory  # type: ignore[assignment]
            else:
                constants[name] = None if info.is_required() else info.default
        _TEMPLATES[model] = constants, factories
    return _TEMPLATES[model]


def full_row(model: type[SQLModel], now: datetime, **values: Any) -> dict[str, Any]:
    """Every column of a new ``model`` row: ``values`` over the model's defaults (a fresh
    id, ``now`` for the timestamps)."""
    constants, factories = _template(model)
    row = dict(constants)
    for name, factory in factories.items():
        if name not in values:
            row[name] = now if factory is utcnow else factory()
    row.update(values)
    return row


def _chunks(items: list[Any], n: int = IN_CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _persons(unit: Unit, office_id: str, rows: list[L.OrgRow], now: datetime) -> dict[int, str]:
    """The person id of each new organization's legal representative (by ledger row):
    found by ID number (renamed if the ledger names them otherwise) or created."""
    s = unit.session
    numbers = sorted({r.legal_rep_id for r in rows if r.legal_rep and r.legal_rep_id})
    found: dict[str, Person] = {}
    for part in _chunks(numbers):
        for person in s.exec(select(Person).where(col(Person.id_number).in_(part))):
            assert person.id_number is not None  # selected by number
            found.setdefault(person.id_number, person)
    new: dict[str, dict[str, Any]] = {}
    inserts: list[dict[str, Any]] = []
    out: dict[int, str] = {}
    for r in rows:
        if not r.legal_rep:
            continue
        key = r.legal_rep_id or ""
        if key and key in found:
            person = found[key]
            if person.name != r.legal_rep:
                person.name = r.legal_rep  # an update through the session: captured
                s.add(person)
            out[r.row] = person.id
        elif key and key in new:
            new[key]["name"] = r.legal_rep
            out[r.row] = new[key]["id"]
        else:
            row = full_row(Person, now, id=new_id(), office_id=office_id, name=r.legal_rep,
                           id_number=r.legal_rep_id or None,
                           id_override_reason=r.legal_rep_id_override, phone="")
            inserts.append(row)
            if key:
                new[key] = row
            out[r.row] = row["id"]
    unit.insert_rows(Person, inserts)
    return out


def insert_organizations(unit: Unit, office_id: str, rows: list[L.OrgRow], batch_id: str,
                         now: datetime) -> dict[str, str]:
    """Insert the planned new organizations, their legal representatives and links, and
    their search index rows. Returns uscc -> organization id."""
    # (no ``organizations._check_code`` again: ``reports.ledger.validate`` refused every
    # code that fails GB 32100 unless --accept-legacy-codes gave it its reason, the same
    # rule; checking twice was a twentieth of a big import's time)
    reps = _persons(unit, office_id, rows, now)
    orgs, links = [], []
    for r in rows:
        org_id = new_id()
        person_id = reps.get(r.row)
        orgs.append(full_row(
            Organization, now, id=org_id, office_id=office_id, uscc=r.uscc,
            uscc_override_reason=r.uscc_override_reason, org_type=r.org_type.value,
            name=r.name, name_sort_key=pinyin.sort_key(r.name or ""),
            domicile=r.domicile, subdistrict_code=r.subdistrict_code,
            business_scope=r.business_scope, funds_fen=r.funds_fen,
            supervisory_unit=r.supervisory_unit, legal_rep_person_id=person_id,
            legal_rep_name=r.legal_rep if person_id else "", phone=r.phone,
            status=r.status.value, established_on=r.established_on,
            deregistered_on=r.deregistered_on, revoked_on=r.revoked_on,
            revocation_kind=r.revocation_kind.value if r.revocation_kind else None,
            import_batch_id=batch_id, source_sheet=L.SHEET_ORGS, source_row=r.row))
        if person_id:
            links.append(full_row(OrganizationPerson, now, id=new_id(), office_id=office_id,
                                  organization_id=org_id, person_id=person_id,
                                  role="legal_rep", from_date=r.established_on))
    unit.insert_rows(Organization, orgs)
    unit.insert_rows(OrganizationPerson, links)
    search.index_new_organizations(unit.session, orgs)
    return {o["uscc"]: o["id"] for o in orgs}


def organization_ids(unit: Unit, usccs: Iterable[str], known: dict[str, str]) -> None:
    """Add to ``known`` the ids of the organizations with these codes (one query per
    IN_CHUNK codes)."""
    missing = sorted({u for u in usccs if u not in known})
    for part in _chunks(missing):
        for org_id, uscc in unit.session.exec(
                select(Organization.id, Organization.uscc)
                .where(col(Organization.uscc).in_(part))):
            if uscc is not None:
                known[uscc] = org_id


def report_mode(conclusion: ReportConclusion | None, default: str) -> str:
    if conclusion in (ReportConclusion.PASS, ReportConclusion.BASIC_PASS,
                      ReportConclusion.FAIL):
        return "inspection"
    if conclusion in (ReportConclusion.ACCEPTED, ReportConclusion.RETURNED):
        return "report"
    return default


def insert_reports(unit: Unit, office_id: str, rows: list[L.ReportRow], org_ids: dict[str, str],
                   batch_id: str, default_mode: str, now: datetime) -> None:
    unit.insert_rows(AnnualReport, [full_row(
        AnnualReport, now, id=new_id(), office_id=office_id, organization_id=org_ids[r.uscc],
        report_year=r.report_year, mode=report_mode(r.conclusion, default_mode),
        submitted_on=r.submitted_on, conclusion=r.conclusion.value if r.conclusion else None,
        concluded_on=r.submitted_on if r.conclusion and r.conclusion not in (
            ReportConclusion.NOT_SUBMITTED,) else None,
        import_batch_id=batch_id, source_sheet=L.SHEET_REPORTS, source_row=r.row)
        for r in rows])


def insert_records(unit: Unit, office_id: str, rows: list[L.SupervisionRow],
                   org_ids: dict[str, str], batch_id: str, now: datetime) -> None:
    unit.insert_rows(SupervisionRecord, [full_row(
        SupervisionRecord, now, id=new_id(), office_id=office_id,
        organization_id=org_ids[sr.uscc], kind=sr.kind.value, record_date=sr.record_date,
        description=sr.description, due_on=sr.due_on,
        # A rectification is open until completed; other kinds are done on the day.
        completed_on=sr.completed_on or (
            sr.record_date if sr.kind != SupervisionKind.RECTIFICATION else None),
        import_batch_id=batch_id, source_sheet=L.SHEET_SUPERVISION, source_row=sr.row)
        for sr in rows])
