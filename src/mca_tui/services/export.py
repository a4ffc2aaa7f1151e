"""Exporting the register in the ledger format (台账导出): reading it, checking the
role, and auditing the unmasked export. The files are rendered by ``reports.export``.

Personal data: ID numbers and phone numbers are masked by default (350205********1234,
138****5678); any role may export masked. The unmasked export needs the approver or
administrator role and is recorded in the audit trail in a short unit: the file is
written to a temporary file beside the target first (outside any write transaction),
then the audit event is committed, then the file is renamed into place. A failure at
any step leaves no unmasked file behind; a target that appears always has its event.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from sqlalchemy import or_, select
from sqlmodel import Session, col

from mca_tui.domain.enums import (
    OrgStatus,
    OrgType,
    ReportConclusion,
    RevocationKind,
    SupervisionKind,
)
from mca_tui.domain.identifiers import mask_id_number, mask_phone
from mca_tui.reports import ledger as L
from mca_tui.reports import stats
from mca_tui.reports.export import UnsupportedFormat, file_format, write_ledger
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import ServiceError
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import AnnualReport, Organization, Person, SupervisionRecord

ACTION = "ledger.export"
ACTION_UNMASKED = "ledger.export_unmasked"
PAGE = 2000
E = TypeVar("E", bound=StrEnum)
Counter = dict[str, int]
Row = list[object]


class UnsupportedExport(ServiceError):
    key = "export.unsupported_suffix"


@dataclass(frozen=True)
class ExportResult:
    path: str
    orgs: int
    reports: int
    records: int
    masked: bool


def _yuan(fen: int | None) -> int | float | None:
    if fen is None:
        return None
    return fen // 100 if fen % 100 == 0 else fen / 100


def _word(words: dict[E, str], value: str | None, enum: type[E]) -> str:
    """The ledger's word for a stored enum value (the value itself if unknown)."""
    if not value:
        return ""
    try:
        return words[enum(value)]
    except (ValueError, KeyError):
        return value


def _org_rows(session: Session, subdistricts: dict[str, str], unmasked: bool,
              counter: Counter) -> Iterator[Row]:
    stmt = (select(Organization, col(Person.id_number))
            .outerjoin(Person, col(Person.id) == col(Organization.legal_rep_person_id))
            .where(col(Organization.uscc).is_not(None),
                   col(Organization.established_on).is_not(None),
                   col(Organization.status) != OrgStatus.APPLYING.value)
            .order_by(col(Organization.established_on), col(Organization.uscc))
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


def _report_rows(session: Session, counter: Counter) -> Iterator[Row]:
    stmt = (select(col(Organization.uscc), col(AnnualReport.report_year),
                   col(AnnualReport.submitted_on), col(AnnualReport.conclusion))
            .join(Organization, col(Organization.id) == col(AnnualReport.organization_id))
            .where(col(Organization.uscc).is_not(None))
            .order_by(col(Organization.uscc), col(AnnualReport.report_year))
            .execution_options(yield_per=PAGE))
    for uscc, year, submitted, conclusion in session.execute(stmt):
        counter["reports"] += 1
        yield [uscc, year, submitted, _word(L.CONCLUSION_WORD, conclusion, ReportConclusion)]


def _record_rows(session: Session, counter: Counter) -> Iterator[Row]:
    stmt = (select(col(Organization.uscc), col(SupervisionRecord.record_date),
                   col(SupervisionRecord.kind), col(SupervisionRecord.description),
                   col(SupervisionRecord.due_on), col(SupervisionRecord.completed_on))
            .join(Organization, col(Organization.id) == col(SupervisionRecord.organization_id))
            .where(col(Organization.uscc).is_not(None),
                   # an audit only required (a change of legal representative, a
                   # deregistration's liquidation) is not an act done: not a ledger row,
                   # as it is not counted (reports.stats)
                   or_(col(SupervisionRecord.trigger).not_in(stats.REQUIRED_AUDIT_TRIGGERS),
                       col(SupervisionRecord.completed_on).is_not(None)))
            .order_by(col(SupervisionRecord.record_date), col(Organization.uscc),
                      col(SupervisionRecord.kind))
            .execution_options(yield_per=PAGE))
    for uscc, day, kind, description, due_on, completed_on in session.execute(stmt):
        counter["records"] += 1
        if kind != SupervisionKind.RECTIFICATION.value and completed_on == day:
            completed_on = None  # done on the day: the import's default
        yield [uscc, day, _word(L.SUPERVISION_WORD, kind, SupervisionKind), description,
               due_on, completed_on]


def _write(ctx: ServiceContext, target: Path, fmt: str, unmasked: bool,
           sheet: str | None) -> Counter:
    """Read the register (one read transaction) and render it to ``target``."""
    counter: Counter = {"orgs": 0, "reports": 0, "records": 0}
    subs = {s.code: s.name for s in ctx.settings.office.subdistricts}
    with ctx.db.read() as s:
        makers = {
            L.SHEET_ORGS: lambda: _org_rows(s, subs, unmasked, counter),
            L.SHEET_REPORTS: lambda: _report_rows(s, counter),
            L.SHEET_SUPERVISION: lambda: _record_rows(s, counter),
        }
        try:
            write_ledger(target, fmt, makers, sheet)
        except UnsupportedFormat as exc:
            raise UnsupportedExport(**exc.params) from None
    return counter


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")


def export_ledger(ctx: ServiceContext, path: str | Path, *, unmasked: bool = False,
                  sheet: str | None = None) -> ExportResult:
    """Write the register in the ledger format: .xlsx with the three sheets, or .csv of
    one ``sheet`` (default 社会组织). Masked unless ``unmasked`` (approver/admin only,
    audited as ``ledger.export_unmasked``; see the module docstring)."""
    path = Path(path)
    ctx.permit(ACTION_UNMASKED if unmasked else ACTION)
    try:
        fmt = file_format(path)
    except UnsupportedFormat as exc:
        raise UnsupportedExport(**exc.params) from None
    if sheet is not None:
        sheet = L.sheet_name_for(sheet) or sheet
    path.parent.mkdir(parents=True, exist_ok=True)
    part = _temporary(path)
    try:
        counter = _write(ctx, part, fmt, unmasked, sheet)
        if unmasked:
            with ctx.unit(ACTION_UNMASKED, subject=Subject("export", None)) as unit:
                unit.record("export", None, None, {
                    "file": str(path), "unmasked": True, "sheet": sheet or "all",
                    **counter})
            os.chmod(part, 0o600)  # unmasked personal data: readable by its owner only
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    write_export_receipt(ctx)
    return ExportResult(str(path), counter["orgs"], counter["reports"], counter["records"],
                        not unmasked)


def write_export_receipt(ctx: ServiceContext) -> None:
    """Every export leaves a receipt of the audit chain heads in the data folder's
    ``anchors/`` (storage.anchor): the trail as it was when data left the registry."""
    from mca_tui.storage import anchor

    with ctx.db.read() as s:
        anchor.write_receipt(s, registry=anchor.registry_name(ctx.db), reason="export")
