"""Exports: any list screen's table (``write_table``) and the whole register in the
ledger format (``export_ledger``), which re-imports cleanly into an empty registry.

Personal data: ID numbers and phone numbers are masked by default (350205********1234,
138****5678). The unmasked export needs the approver or administrator role (checked
here, in the service) and is recorded in the audit trail. Text cells that a spreadsheet
would run as formulas (starting with = + - @, their full-width forms, tab or CR) are
prefixed with "'" (``reports.ledger.neutralise``), in .xlsx and .csv alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from mca_tui.domain.enums import (
    OrgStatus,
    OrgType,
    ReportConclusion,
    RevocationKind,
    Role,
    SupervisionKind,
)
from mca_tui.domain.identifiers import mask_id_number, mask_phone
from mca_tui.reports import ledger as L
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import ServiceError
from mca_tui.storage.models import AnnualReport, Organization, Person, SupervisionRecord

MASKERS = {"id_number": mask_id_number, "phone": mask_phone}
PAGE = 2000


class UnsupportedExport(ServiceError):
    key = "export.unsupported_suffix"


def _masked_rows(headers: list[str], rows: Iterable[list],
                 mask: Mapping[str, str] | None) -> Iterator[list]:
    if not mask:
        yield from rows
        return
    idx = {headers.index(h): MASKERS[kind] for h, kind in mask.items() if h in headers}
    for row in rows:
        row = list(row)
        for i, fn in idx.items():
            if i < len(row) and row[i]:
                row[i] = fn(str(row[i]))
        yield row


def write_table(path: str | Path, headers: list[str], rows: Iterable[list], *,
                mask: Mapping[str, str] | None = None, sheet: str = "Sheet1") -> Path:
    """Write one table to .xlsx or .csv (by suffix) — for any list screen's export.
    ``mask`` maps a header to "id_number" or "phone" to mask that column; text cells
    that would run as formulas are neutralised."""
    path = Path(path)
    suffix = path.suffix.lower()
    data = _masked_rows(list(headers), rows, mask)
    if suffix == ".csv":
        L.write_csv(path, list(headers), data)
    elif suffix == ".xlsx":
        L.write_workbook(path, {sheet: (list(headers), data)})
    else:
        raise UnsupportedExport(suffix=suffix or path.name)
    return path


# --------------------------------------------------------------------------- ledger


def _yuan(fen: int | None) -> int | float | None:
    if fen is None:
        return None
    return fen // 100 if fen % 100 == 0 else fen / 100


def _word(words: dict, value: str | None, enum) -> str:  # noqa: ANN001
    if not value:
        return ""
    try:
        return words[enum(value)]
    except (ValueError, KeyError):
        return value


def _org_rows(session: Session, subdistricts: dict[str, str], unmasked: bool,
              counter: dict) -> Iterator[list]:
    stmt = (select(Organization, Person.id_number)
            .outerjoin(Person, Person.id == Organization.legal_rep_person_id)
            .where(Organization.uscc.is_not(None), Organization.established_on.is_not(None),
                   Organization.status != OrgStatus.APPLYING.value)
            .order_by(Organization.established_on, Organization.uscc)
            .execution_options(yield_per=PAGE))
    for org, id_number in session.execute(stmt):
        counter["orgs"] += 1
        rep_id = id_number or ""
        phone = org.phone or ""
        if not unmasked:
            rep_id = mask_id_number(rep_id) if rep_id else ""
            phone = mask_phone(phone) if phone else ""
        yield [
            org.uscc, org.name, _word(L.ORG_TYPE_WORD, org.org_type, OrgType),
            org.established_on, _word(L.STATUS_WORD, org.status, OrgStatus),
            org.deregistered_on, org.revoked_on,
            _word(L.REVOCATION_WORD, org.revocation_kind, RevocationKind),
            org.legal_rep_name, rep_id, org.domicile,
            subdistricts.get(org.subdistrict_code or "", org.subdistrict_code or ""),
            org.supervisory_unit, _yuan(org.funds_fen), org.business_scope, phone,
        ]
        session.expunge(org)


def _report_rows(session: Session, counter: dict) -> Iterator[list]:
    stmt = (select(Organization.uscc, AnnualReport.report_year, AnnualReport.submitted_on,
                   AnnualReport.conclusion)
            .join(Organization, Organization.id == AnnualReport.organization_id)
            .where(Organization.uscc.is_not(None))
            .order_by(Organization.uscc, AnnualReport.report_year)
            .execution_options(yield_per=PAGE))
    for uscc, year, submitted, conclusion in session.execute(stmt):
        counter["reports"] += 1
        yield [uscc, year, submitted, _word(L.CONCLUSION_WORD, conclusion, ReportConclusion)]


def _record_rows(session: Session, counter: dict) -> Iterator[list]:
    stmt = (select(Organization.uscc, SupervisionRecord.record_date, SupervisionRecord.kind,
                   SupervisionRecord.description, SupervisionRecord.due_on,
                   SupervisionRecord.completed_on)
            .join(Organization, Organization.id == SupervisionRecord.organization_id)
            .where(Organization.uscc.is_not(None))
            .order_by(SupervisionRecord.record_date, Organization.uscc, SupervisionRecord.kind)
            .execution_options(yield_per=PAGE))
    for uscc, day, kind, description, due_on, completed_on in session.execute(stmt):
        counter["records"] += 1
        if kind != SupervisionKind.RECTIFICATION.value and completed_on == day:
            completed_on = None  # done on the day: the import's default
        yield [uscc, day, _word(L.SUPERVISION_WORD, kind, SupervisionKind), description,
               due_on, completed_on]


@dataclass(frozen=True)
class ExportResult:
    path: str
    orgs: int
    reports: int
    records: int
    masked: bool


def _headers(sheet: str) -> list[str]:
    return [c.header for c in L.SHEETS[sheet]]


def _write(ctx: ServiceContext, path: Path, unmasked: bool, sheet: str | None) -> dict:
    counter = {"orgs": 0, "reports": 0, "records": 0}
    subs = {s.code: s.name for s in ctx.settings.office.subdistricts}
    with ctx.db.read() as s:
        makers = {
            L.SHEET_ORGS: lambda: _org_rows(s, subs, unmasked, counter),
            L.SHEET_REPORTS: lambda: _report_rows(s, counter),
            L.SHEET_SUPERVISION: lambda: _record_rows(s, counter),
        }
        if path.suffix.lower() == ".csv":
            name = sheet or L.SHEET_ORGS
            if name not in makers:
                raise UnsupportedExport(suffix=name)
            L.write_csv(path, _headers(name), makers[name]())
        elif path.suffix.lower() == ".xlsx":
            L.write_workbook(path, {name: (_headers(name), make())
                                    for name, make in makers.items()})
        else:
            raise UnsupportedExport(suffix=path.suffix or path.name)
    return counter


def export_ledger(ctx: ServiceContext, path: str | Path, *, unmasked: bool = False,
                  sheet: str | None = None) -> ExportResult:
    """Write the register in the ledger format: .xlsx with the three sheets, or .csv of
    one ``sheet`` (default 社会组织). Masked unless ``unmasked`` (approver/admin only,
    audited as ``ledger.export_unmasked``)."""
    path = Path(path)
    if sheet is not None:
        sheet = L.sheet_name_for(sheet) or sheet
    if not unmasked:
        ctx.require(*Role)
        counter = _write(ctx, path, False, sheet)
    else:
        ctx.require(Role.APPROVER, Role.ADMIN)
        with ctx.unit("ledger.export_unmasked") as unit:
            counter = _write(ctx, path, True, sheet)
            unit.record("export", None, None, {"file": str(path), "unmasked": True,
                                               "sheet": sheet or "all", **counter})
    return ExportResult(str(path), counter["orgs"], counter["reports"], counter["records"],
                        not unmasked)
