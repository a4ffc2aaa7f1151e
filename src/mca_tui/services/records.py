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
    AuditChange,
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
    # True when older events were left out (the newest ``timeline_limit`` are shown;
    # ``get_record(..., timeline_limit=None)`` reads them all)
    timeline_more: bool = False

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


TIMELINE_LIMIT = 300  # events read when a record opens (the newest); the rest on request


def timeline_events(session: Session, org_id: str, limit: int | None = None,
                    app_ids: list[str] | None = None) -> list[AuditEvent]:
    """Every event about an organization and its applications, oldest first (the newest
    ``limit`` of them when given): one index search of ``audit_subject`` per subject
    (the organization, each of its applications; an establishment application's events
    before approval are indexed under it only), newest first and bounded, merged here in
    (time, id) order."""
    if app_ids is None:
        app_ids = list(session.exec(select(Application.id).where(
            Application.organization_id == org_id)).all())
    seen: dict[str, AuditEvent] = {}
    for entity, entity_id in [("organization", org_id), *(("application", a) for a in app_ids)]:
        q = audit.events_about_query(entity, entity_id, newest_first=True)
        if limit is not None:
            q = q.limit(limit)
        for event in session.exec(q):
            seen.setdefault(event.id, event)
    events = sorted(seen.values(), key=lambda e: (_naive(e.at), e.id))
    return events[-limit:] if limit is not None else events


def _naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def _timeline(session: Session, org_id: str, limit: int | None = None,
              app_ids: list[str] | None = None, imported: bool = True
              ) -> tuple[list[TimelineEntry], bool]:
    """The timeline entries (oldest first) and whether older events were left out.
    ``imported`` False: the caller knows no ledger import touched the organization's
    own rows (its import history is then read only if an import event is about it)."""
    from mca_tui.services.ledger.history import import_history
    from mca_tui.services.ledger_import import ACTION as IMPORT_ACTION

    offices = {o.code: o.name for o in session.exec(select(Office))}
    names = {u.id: u.display_name for u in session.exec(select(UserAccount))}
    events = timeline_events(session, org_id, None if limit is None else limit + 1, app_ids)
    more = limit is not None and len(events) > limit
    if more:
        events = events[1:]
    decoded = []
    for e in events:
        if e.action == IMPORT_ACTION:
            continue  # shown below with this organization's own rows of the import
        try:
            before, after = json.loads(e.before_json or "{}"), json.loads(e.after_json or "{}")
        except ValueError:
            before, after = {}, {}
        decoded.append((e, before, after))
    # events the service gave no headline: the columns their updates changed (one query)
    headlines = _headlines_from_changes(session, [
        e.id for e, b, a in decoded if not b and not a and e.hash_version >= 2])
    out = []
    for e, before, after in decoded:
        if e.id in headlines:
            before, after = headlines[e.id]
        actor = names.get(e.actor_id or "", e.actor_name)
        out.append(TimelineEntry(e.at, actor, offices.get(e.office_code, e.office_code),
                                 e.action, _changes(before, after), e.note))
    if imported or more or any(e.action == IMPORT_ACTION for e in events):
        touches = import_history(session, org_id)
    else:
        touches = []
    for touch in touches:
        changes = _changes(*_without_bookkeeping(touch.before or {}, touch.after or {}))
        note = touch.file_name + (f" #{touch.source_row}" if touch.source_row else "")
        out.append(TimelineEntry(touch.imported_at, touch.actor_name, "",
                                 f"import.{touch.what}", changes, note))
    out.sort(key=lambda x: _naive(x.at))
    return out, more


# Columns every write touches: not news on a timeline.
_BOOKKEEPING = frozenset({"version", "updated_at", "name_sort_key", "search_rowid"})


def _headlines_from_changes(session: Session, event_ids: list[str]
                            ) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """For events the service gave no headline: the columns their updates changed, by
    event (the change rows of all of them in one query per chunk)."""
    out: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        i: ({}, {}) for i in event_ids}
    for start in range(0, len(event_ids), 500):
        chunk = event_ids[start:start + 500]
        for change in session.exec(select(AuditChange)
                                   .where(col(AuditChange.event_id).in_(chunk),
                                          AuditChange.operation == audit.UPDATE)
                                   .order_by(col(AuditChange.event_id),
                                             col(AuditChange.ordinal))):
            b, a = _without_bookkeeping(json.loads(change.before_json),
                                        json.loads(change.after_json))
            before, after = out[change.event_id]
            before.update(b)
            after.update(a)
    return out


def _shown(key: str) -> bool:
    return key not in _BOOKKEEPING and not key.endswith("_id")  # ids are not for people


def _without_bookkeeping(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return ({k: v for k, v in before.items() if _shown(k)},
            {k: v for k, v in after.items() if _shown(k)})


def _flags(org: Organization, listings: list[CreditListEntry], cases: list[PenaltyCase],
           apps: list[Application], supervision: list[SupervisionRecord],
           certs: list[Certificate], today: date) -> list[str]:
    """The record's flags, from the rows the record has already read."""
    flags = []
    if org.uscc_override_reason:
        flags.append("legacy_code")
    open_listing = {row.list_kind for row in listings if row.removed_on is None}
    if "abnormal" in open_listing:
        flags.append("abnormal_list")
    if "serious" in open_listing:
        flags.append("serious_list")
    if any(c.status == "open" for c in cases):
        flags.append("case_open")
    if any(a.status in ("accepted", "correction", "reviewed") for a in apps):
        flags.append("application_pending")
    if any(r.kind == "financial_audit"
           and r.trigger in ("change_of_legal_rep", "change_of_term")
           and r.completed_on is None for r in supervision):
        # opened by a change of legal representative or a recorded change of term (§2)
        flags.append("audit_required")
    for app in apps:
        if app.kind == "deregistration" and app.status == "approved":
            from mca_tui.services.custody import status_of

            if not status_of(app).complete:  # deregistered; certificate, seals, vouchers due
                flags.append("custody_outstanding")
                break
    if any(c.valid_to and c.valid_to < today and c.status == "valid" for c in certs):
        flags.append("certificate_expired")
    return flags


def get_record(ctx: ServiceContext, org_id: str, *,
               timeline_limit: int | None = TIMELINE_LIMIT) -> OrgRecord:
    """Everything about one organization (any signed-in role may read it); the timeline
    holds the newest ``timeline_limit`` events (None: all), ``timeline_more`` says
    whether older ones were left out. Each kind of row is read once, by index."""
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
        cert_rows = list(s.exec(select(Certificate)
                                .where(Certificate.organization_id == org.id)
                                .order_by(col(Certificate.issued_on).desc())))
        certs = [CertificateLine(c.kind, c.serial_original, c.serial_duplicate, c.issued_on,
                                 c.valid_from, c.valid_to, c.status) for c in cert_rows]
        report_rows = list(s.exec(select(AnnualReport)
                                  .where(AnnualReport.organization_id == org.id)
                                  .order_by(col(AnnualReport.report_year).desc())))
        reports = [ReportLine(r.report_year, r.submitted_on, r.conclusion, r.mode, r.note)
                   for r in report_rows]
        # the reason of the listing and, once removed, of the removal (列入/移出事由)
        listing_rows = list(s.exec(select(CreditListEntry)
                                   .where(CreditListEntry.organization_id == org.id)
                                   .order_by(col(CreditListEntry.listed_on).desc())))
        listings = [ListingLine(x.list_kind, x.ground, x.listed_on, x.removed_on,
                                "；".join(r for r in (x.listing_reason, x.removal_reason) if r))
                    for x in listing_rows]
        supervision_rows = list(s.exec(select(SupervisionRecord)
                                       .where(SupervisionRecord.organization_id == org.id)
                                       .order_by(col(SupervisionRecord.record_date).desc())))
        supervision = [SupervisionLine(r.kind, r.record_date, r.description, r.due_on,
                                       r.completed_on, r.grade) for r in supervision_rows]
        case_rows = list(s.exec(select(PenaltyCase).where(PenaltyCase.organization_id == org.id)
                                .order_by(col(PenaltyCase.filed_on).desc())))
        steps_of: dict[str, list[tuple[date, str]]] = {}
        if case_rows:  # the steps of every case in one query
            for st in s.exec(select(CaseStep)
                             .where(col(CaseStep.case_id).in_([c.id for c in case_rows]))
                             .order_by(col(CaseStep.on_date))):
                steps_of.setdefault(st.case_id, []).append((st.on_date, st.step))
        cases = [CaseLine(c.id, c.case_number, c.ground, c.filed_on, c.status, c.decision,
                          tuple(steps_of.get(c.id, ()))) for c in case_rows]
        app_rows = list(s.exec(select(Application)
                               .where(Application.organization_id == org.id)
                               .order_by(col(Application.created_at).desc())))
        apps = [ApplicationLine(a.id, a.kind, a.status, a.received_on, a.decided_on, a.late)
                for a in app_rows]
        docs = [DocumentLine(d.id, d.kind, d.number, d.title, d.issued_on, d.file_path)
                for d in s.exec(select(IssuedDocument)
                                .where(IssuedDocument.organization_id == org.id)
                                .order_by(col(IssuedDocument.issued_on).desc()))]
        # a ledger import shows on the timeline through the organization's rows it wrote
        # (or an import event about it): only then is its import history read
        imported = (bool(org.import_batch_id)
                    or any(r.import_batch_id for r in report_rows)
                    or any(r.import_batch_id for r in supervision_rows))
        timeline, more = _timeline(s, org.id, timeline_limit, [a.id for a in app_rows],
                                   imported)
        flags = _flags(org, listing_rows, case_rows, app_rows, supervision_rows, cert_rows,
                       today)
        return OrgRecord(
            id=org.id, name=org.name, uscc=org.uscc, org_type=org.org_type, status=org.status,
            established_on=org.established_on, deregistered_on=org.deregistered_on,
            revoked_on=org.revoked_on, revocation_kind=org.revocation_kind,
            legacy_code_reason=org.uscc_override_reason, version=org.version,
            items=tuple(items), other=tuple(other), flags=tuple(flags),
            persons=tuple(persons), certificates=tuple(certs), reports=tuple(reports),
            listings=tuple(listings), supervision=tuple(supervision), cases=tuple(cases),
            applications=tuple(apps), documents=tuple(docs),
            timeline=tuple(timeline), timeline_more=more,
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
