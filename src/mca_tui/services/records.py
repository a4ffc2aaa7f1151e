"""The organization record (组织档案): registered items, certificates, status and flags,
annual reports by year, credit-list entries, supervision records, cases, applications,
documents — and the full timeline read from the audit trail (when, who, which office,
what changed before → after). Read-only; returns frozen DTOs for the screens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.domain.identifiers import mask_id_number, mask_phone
from mca_tui.domain.money import format_fen
from mca_tui.i18n import catalog, get_language, t
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import NotFound
from mca_tui.storage import audit
from mca_tui.storage.models import (
    AnnualReport,
    Application,
    AuditEvent,
    CaseStep,
    Certificate,
    CreditListEntry,
    IssuedDocument,
    Office,
    Organization,
    OrganizationPerson,
    PenaltyCase,
    Person,
    SupervisionRecord,
    UserAccount,
)

# Registered items per type (domain.md §1.4), in the order of the certificate.
ITEMS_BY_TYPE: dict[str, tuple[str, ...]] = {
    OrgType.SOCIAL_GROUP.value: ("name", "domicile", "purpose", "business_scope",
                                 "activity_area", "legal_rep_name", "funds_fen",
                                 "supervisory_unit"),
    OrgType.PRIVATE_NON_ENTERPRISE.value: ("name", "civil_form", "domicile", "purpose",
                                           "business_scope", "legal_rep_name", "funds_fen",
                                           "supervisory_unit"),
    OrgType.FOUNDATION.value: ("name", "domicile", "foundation_kind", "purpose",
                               "business_scope", "funds_fen", "legal_rep_name",
                               "supervisory_unit"),
}
OTHER_FIELDS = ("subdistrict_code", "phone", "individual_members", "unit_members", "is_charity")


@dataclass(frozen=True)
class Item:
    field: str  # column name; label key ``field.<field>``
    value: str  # display text (user data: never markup)


@dataclass(frozen=True)
class PersonLine:
    role: str
    title: str
    name: str
    id_number_masked: str
    from_date: date | None
    to_date: date | None


@dataclass(frozen=True)
class CertificateLine:
    kind: str
    serial_original: str
    serial_duplicate: str
    issued_on: date
    valid_from: date | None
    valid_to: date | None
    status: str


@dataclass(frozen=True)
class ReportLine:
    year: int
    submitted_on: date | None
    conclusion: str | None
    mode: str
    note: str


@dataclass(frozen=True)
class ListingLine:
    list_kind: str
    ground: str
    listed_on: date
    removed_on: date | None
    reason: str


@dataclass(frozen=True)
class SupervisionLine:
    kind: str
    record_date: date
    description: str
    due_on: date | None
    completed_on: date | None
    grade: str | None


@dataclass(frozen=True)
class CaseLine:
    id: str
    case_number: str | None
    ground: str
    filed_on: date | None
    status: str
    decision: str
    steps: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class ApplicationLine:
    id: str
    kind: str
    status: str
    received_on: date | None
    decided_on: date | None
    late: bool


@dataclass(frozen=True)
class DocumentLine:
    id: str
    kind: str
    number: str
    title: str
    issued_on: date
    file_path: str


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # aware UTC
    actor: str
    office: str
    action: str  # i18n key ``action.<action>`` (falls back to the raw action name)
    changes: tuple[Change, ...]
    note: str = ""


@dataclass(frozen=True)
class OrgRecord:
    id: str
    name: str
    uscc: str | None
    org_type: str
    status: str
    established_on: date | None
    deregistered_on: date | None
    revoked_on: date | None
    revocation_kind: str | None
    legacy_code_reason: str | None
    version: int
    items: tuple[Item, ...]
    other: tuple[Item, ...]
    flags: tuple[str, ...]  # i18n keys ``flag.<flag>``
    persons: tuple[PersonLine, ...]
    certificates: tuple[CertificateLine, ...]
    reports: tuple[ReportLine, ...]
    listings: tuple[ListingLine, ...]
    supervision: tuple[SupervisionLine, ...]
    cases: tuple[CaseLine, ...]
    applications: tuple[ApplicationLine, ...]
    documents: tuple[DocumentLine, ...]
    timeline: tuple[TimelineEntry, ...]

    @property
    def is_closed(self) -> bool:
        return self.status in (OrgStatus.DEREGISTERED.value, OrgStatus.REVOKED.value)


# --------------------------------------------------------------------------- display


def display_value(field_name: str, value: object, lang: str | None = None) -> str:
    """A column value as the clerk reads it."""
    if value is None or value == "":
        return ""
    if field_name.endswith("_fen") and isinstance(value, int):
        return t("record.yuan", lang, amount=format_fen(value))
    if field_name == "org_type":
        return t(f"enum.OrgType.{value}", lang)
    if field_name == "civil_form":
        return t(f"enum.CivilForm.{value}", lang)
    if field_name == "status":
        for enum_name in ("OrgStatus", "ApplicationStatus", "CaseStatus"):
            if f"enum.{enum_name}.{value}" in catalog(lang or get_language()):
                return t(f"enum.{enum_name}.{value}", lang)
        return str(value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={display_value(k, v, lang)}" for k, v in value.items()
                         if v not in (None, "", [], {}))
    if isinstance(value, list):
        return ", ".join(display_value(field_name, v, lang) for v in value)
    if field_name == "revocation_kind":
        return t(f"enum.RevocationKind.{value}", lang)
    if isinstance(value, bool):
        return t("record.yes" if value else "record.no", lang)
    if field_name == "phone":
        return mask_phone(str(value))
    if field_name == "id_number":
        return mask_id_number(str(value))
    return str(value)


def _subdistrict_name(ctx: ServiceContext, code: str | None) -> str:
    for s in ctx.settings.office.subdistricts:
        if s.code == code:
            return s.name
    return code or ""


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[Change, ...]:
    out = []
    for key in list(dict.fromkeys([*before.keys(), *after.keys()])):
        b, a = before.get(key), after.get(key)
        if isinstance(a, dict) or isinstance(b, dict):
            for sub, sa in (a or {}).items():
                sb = (b or {}).get(sub) if isinstance(b, dict) else None
                out.append(Change(sub, display_value(sub, sb), display_value(sub, sa)))
            continue
        out.append(Change(key, display_value(key, b), display_value(key, a)))
    return tuple(out)


def timeline_events(session: Session, org_id: str) -> list[AuditEvent]:
    """Every event about an organization and its applications, oldest first: one index
    search of ``audit_subject`` per subject (the organization, each of its applications;
    an establishment application's events before approval are indexed under it only),
    merged here in (time, id) order."""
    app_ids = session.exec(select(Application.id).where(
        Application.organization_id == org_id)).all()
    seen: dict[str, AuditEvent] = {}
    for entity, entity_id in [("organization", org_id), *(("application", a) for a in app_ids)]:
        for event in audit.events_about(session, entity, entity_id):
            seen.setdefault(event.id, event)
    return sorted(seen.values(), key=lambda e: (_naive(e.at), e.id))


def _naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def _timeline(session: Session, org_id: str) -> list[TimelineEntry]:
    from mca_tui.services.ledger_import import ACTION as IMPORT_ACTION
    from mca_tui.services.ledger_import import import_history

    offices = {o.code: o.name for o in session.exec(select(Office))}
    names = {u.id: u.display_name for u in session.exec(select(UserAccount))}
    out = []
    for e in timeline_events(session, org_id):
        if e.action == IMPORT_ACTION:
            continue  # shown below with this organization's own rows of the import
        try:
            before, after = json.loads(e.before_json or "{}"), json.loads(e.after_json or "{}")
        except ValueError:
            before, after = {}, {}
        if not before and not after and e.hash_version >= 2:
            before, after = _headline_from_changes(session, e.id)
        actor = names.get(e.actor_id or "", e.actor_name)
        out.append(TimelineEntry(e.at, actor, offices.get(e.office_code, e.office_code),
                                 e.action, _changes(before, after), e.note))
    for touch in import_history(session, org_id):
        changes = _changes(*_without_bookkeeping(touch.before or {}, touch.after or {}))
        note = touch.file_name + (f" #{touch.source_row}" if touch.source_row else "")
        out.append(TimelineEntry(touch.imported_at, touch.actor_name, "",
                                 f"import.{touch.what}", changes, note))
    out.sort(key=lambda x: _naive(x.at))
    return out


# Columns every write touches: not news on a timeline.
_BOOKKEEPING = frozenset({"version", "updated_at", "name_sort_key", "search_rowid"})


def _headline_from_changes(session: Session, event_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """For an event the service gave no headline: the columns its updates changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for change in audit.changes_of(session, event_id):
        if change.operation != audit.UPDATE:
            continue
        b, a = _without_bookkeeping(json.loads(change.before_json),
                                    json.loads(change.after_json))
        before.update(b)
        after.update(a)
    return before, after


def _shown(key: str) -> bool:
    return key not in _BOOKKEEPING and not key.endswith("_id")  # ids are not for people


def _without_bookkeeping(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return ({k: v for k, v in before.items() if _shown(k)},
            {k: v for k, v in after.items() if _shown(k)})


def _flags(session: Session, org: Organization, today: date) -> list[str]:
    flags = []
    if org.uscc_override_reason:
        flags.append("legacy_code")
    open_listing = {row.list_kind for row in session.exec(
        select(CreditListEntry).where(CreditListEntry.organization_id == org.id,
                                      col(CreditListEntry.removed_on).is_(None)))}
    if "abnormal" in open_listing:
        flags.append("abnormal_list")
    if "serious" in open_listing:
        flags.append("serious_list")
    if session.exec(select(PenaltyCase.id).where(PenaltyCase.organization_id == org.id,
                                                 PenaltyCase.status == "open")).first():
        flags.append("case_open")
    if session.exec(select(Application.id).where(
            Application.organization_id == org.id,
            col(Application.status).in_(("accepted", "correction", "reviewed")))).first():
        flags.append("application_pending")
    if session.exec(select(SupervisionRecord.id).where(
            SupervisionRecord.organization_id == org.id,
            SupervisionRecord.kind == "financial_audit",
            col(SupervisionRecord.trigger).in_(("change_of_legal_rep", "change_of_term")),
            col(SupervisionRecord.completed_on).is_(None))).first():
        # opened by a change of legal representative or a recorded change of term (§2)
        flags.append("audit_required")
    for app in session.exec(select(Application).where(
            Application.organization_id == org.id, Application.kind == "deregistration",
            Application.status == "approved")):
        from mca_tui.services.custody import status_of

        if not status_of(app).complete:  # deregistered; certificate, seals, vouchers due
            flags.append("custody_outstanding")
            break
    if any(c.valid_to and c.valid_to < today and c.status == "valid" for c in session.exec(
            select(Certificate).where(Certificate.organization_id == org.id))):
        flags.append("certificate_expired")
    return flags


def get_record(ctx: ServiceContext, org_id: str) -> OrgRecord:
    """Everything about one organization (any signed-in role may read it)."""
    ctx.permit("record.read")
    today = ctx.today()
    with ctx.db.read() as s:
        org = s.get(Organization, org_id)
        if org is None:
            raise NotFound("org.not_found", id=org_id)
        fields = ITEMS_BY_TYPE.get(org.org_type, ITEMS_BY_TYPE[OrgType.SOCIAL_GROUP.value])
        items = []
        for f in fields:
            value = getattr(org, f)
            if f == "supervisory_unit" and not value and org.direct_category:
                value = t("record.direct", category=org.direct_category)
            items.append(Item(f, display_value(f, value)))
        other = [Item("subdistrict_code", _subdistrict_name(ctx, org.subdistrict_code))]
        other += [Item(f, display_value(f, getattr(org, f))) for f in OTHER_FIELDS[1:]
                  if getattr(org, f) not in (None, "")]
        persons = []
        for link, person in s.exec(
                select(OrganizationPerson, Person)
                .join(Person, col(Person.id) == col(OrganizationPerson.person_id))
                .where(OrganizationPerson.organization_id == org.id)
                .order_by(OrganizationPerson.role, col(OrganizationPerson.from_date).desc())):
            persons.append(PersonLine(link.role, link.title, person.name,
                                      mask_id_number(person.id_number or ""), link.from_date,
                                      link.to_date))
        certs = [CertificateLine(c.kind, c.serial_original, c.serial_duplicate, c.issued_on,
                                 c.valid_from, c.valid_to, c.status)
                 for c in s.exec(select(Certificate).where(Certificate.organization_id == org.id)
                                 .order_by(col(Certificate.issued_on).desc()))]
        reports = [ReportLine(r.report_year, r.submitted_on, r.conclusion, r.mode, r.note)
                   for r in s.exec(select(AnnualReport).where(AnnualReport.organization_id == org.id)
                                   .order_by(col(AnnualReport.report_year).desc()))]
        # the reason of the listing and, once removed, of the removal (列入/移出事由)
        listings = [ListingLine(x.list_kind, x.ground, x.listed_on, x.removed_on,
                                "；".join(r for r in (x.listing_reason, x.removal_reason) if r))
                    for x in s.exec(select(CreditListEntry)
                                    .where(CreditListEntry.organization_id == org.id)
                                    .order_by(col(CreditListEntry.listed_on).desc()))]
        supervision = [SupervisionLine(r.kind, r.record_date, r.description, r.due_on,
                                       r.completed_on, r.grade)
                       for r in s.exec(select(SupervisionRecord)
                                       .where(SupervisionRecord.organization_id == org.id)
                                       .order_by(col(SupervisionRecord.record_date).desc()))]
        cases = []
        for c in s.exec(select(PenaltyCase).where(PenaltyCase.organization_id == org.id)
                        .order_by(col(PenaltyCase.filed_on).desc())):
            steps = tuple((st.on_date, st.step) for st in s.exec(
                select(CaseStep).where(col(CaseStep.case_id) == c.id).order_by(col(CaseStep.on_date))))
            cases.append(CaseLine(c.id, c.case_number, c.ground, c.filed_on, c.status,
                                  c.decision, steps))
        apps = [ApplicationLine(a.id, a.kind, a.status, a.received_on, a.decided_on, a.late)
                for a in s.exec(select(Application).where(Application.organization_id == org.id)
                                .order_by(col(Application.created_at).desc()))]
        docs = [DocumentLine(d.id, d.kind, d.number, d.title, d.issued_on, d.file_path)
                for d in s.exec(select(IssuedDocument)
                                .where(IssuedDocument.organization_id == org.id)
                                .order_by(col(IssuedDocument.issued_on).desc()))]
        return OrgRecord(
            id=org.id, name=org.name, uscc=org.uscc, org_type=org.org_type, status=org.status,
            established_on=org.established_on, deregistered_on=org.deregistered_on,
            revoked_on=org.revoked_on, revocation_kind=org.revocation_kind,
            legacy_code_reason=org.uscc_override_reason, version=org.version,
            items=tuple(items), other=tuple(other), flags=tuple(_flags(s, org, today)),
            persons=tuple(persons), certificates=tuple(certs), reports=tuple(reports),
            listings=tuple(listings), supervision=tuple(supervision), cases=tuple(cases),
            applications=tuple(apps), documents=tuple(docs),
            timeline=tuple(_timeline(s, org.id)),
        )


def record_tables(rec: OrgRecord, lang: str | None = None) -> dict[str, tuple[list[Any], list[Any]]]:
    """The record as spreadsheet sheets (name -> (headers, rows)), in the order of the
    record screen's tabs; personal data stays masked as the record shows it."""
    def h(*keys: str) -> list[str]:
        return [t(f"record.col.{k}", lang) for k in keys]

    def d(value: date | None) -> str:
        return value.isoformat() if value else ""

    items = [[t(f"field.{i.field}", lang), i.value] for i in (*rec.items, *rec.other)]
    people = [[t(f"record.role.{p.role}", lang), p.title, p.name, p.id_number_masked,
               d(p.from_date), d(p.to_date)] for p in rec.persons]
    certs = [[c.serial_original, c.serial_duplicate, d(c.issued_on), d(c.valid_from),
              d(c.valid_to), c.status] for c in rec.certificates]
    reports = [[r.year, d(r.submitted_on),
                t(f"enum.ReportConclusion.{r.conclusion}", lang) if r.conclusion else "",
                r.note] for r in rec.reports]
    lists = [[t(f"enum.CreditListKind.{x.list_kind}", lang), x.ground, d(x.listed_on),
              d(x.removed_on), x.reason] for x in rec.listings]
    supervision = [[t(f"enum.SupervisionKind.{x.kind}", lang), d(x.record_date), x.description,
                    d(x.due_on), d(x.completed_on), x.grade or ""] for x in rec.supervision]
    cases = [[c.case_number or "", c.ground, d(c.filed_on), c.status, c.decision]
             for c in rec.cases]
    timeline = [[e.at.isoformat(timespec="minutes"), e.actor, e.office, e.action,
                 "; ".join(f"{t(f'field.{c.field}', lang)}: {c.before} -> {c.after}"
                           for c in e.changes), e.note] for e in rec.timeline]
    return {
        t("ui.record.tab_items", lang): (h("item", "value"), items),
        t("record.sheet.persons", lang): (h("role", "title", "name", "id_number", "from", "to"),
                                          people),
        t("record.sheet.certificates", lang): (
            h("serial_original", "serial_duplicate", "issued_on", "valid_from", "valid_to",
              "status"), certs),
        t("ui.record.tab_reports", lang): (h("year", "submitted_on", "conclusion", "note"),
                                           reports),
        t("record.sheet.lists", lang): (h("list", "ground", "listed_on", "removed_on", "reason"),
                                        lists),
        t("record.sheet.supervision", lang): (
            h("kind", "date", "description", "due_on", "completed_on", "grade"), supervision),
        t("record.sheet.cases", lang): (h("case_number", "ground", "filed_on", "status",
                                          "decision"), cases),
        t("ui.record.tab_timeline", lang): (h("at", "actor", "office", "action", "changes",
                                              "note"), timeline),
    }
