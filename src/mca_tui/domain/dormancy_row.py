"""A dormancy summary as the columns of its row (``dormancy_summary``) and back: scalars as
they are, the contact attempts as a compact JSON text (``domain.dormancy`` describes the
storage plan)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from mca_tui.domain.dormancy import ContactAttempt, DormancySummary, ReportYear
from mca_tui.domain.enums import ContactFate, ContactKind, OrgStatus, OrgType, ReportConclusion


def encode(s: DormancySummary) -> dict[str, object]:
    """The summary as the columns of its row: scalars as they are, the contacts as a
    compact JSON text. The report years are not a column of the row (the organization's
    own rows hold them: :func:`decode` takes them back as an argument). ``watch_from`` is added by the service (it needs the calendar)."""
    return {
        "organization_id": s.organization_id,
        "org_type": s.org_type.value,
        "registered_on": s.registered_on,
        "status": s.status.value,
        "uscc": s.uscc,
        "name": s.name,
        "reports_since_year": s.reports_since_year,
        "first_activity_on": s.first_activity_on,
        "contacts_json": json.dumps(
            [[c.kind.value, c.on.isoformat(), c.fate.value, _iso(c.fate_on), c.note]
             for c in s.contacts],
            ensure_ascii=False, separators=(",", ":")),
        "certificate_valid_until": s.certificate_valid_until,
        "abnormal_listed_on": s.abnormal_listed_on,
        "open_case_filed_on": s.open_case_filed_on,
        "liquidation_started_on": s.liquidation_started_on,
        "delay_until": s.delay_until,
    }


def decode(row: Mapping[str, object],
           reports: tuple[ReportYear, ...] | None = None) -> DormancySummary:
    """The inverse of :func:`encode` with the organization's ``reports`` (extra keys such
    as ``watch_from`` are ignored). Without them, the row's own ``reports_json`` is read
    where it has one (rows written before revision 0021_compact_storage)."""
    if reports is None:
        reports = tuple(
            ReportYear(y, ReportConclusion(c) if c else None, _date(sub), _date(con))
            for y, c, sub, con in json.loads(str(row.get("reports_json") or "[]"))
        )
    contacts = tuple(
        ContactAttempt(ContactKind(k), date.fromisoformat(on), ContactFate(f), _date(fo), note)
        for k, on, f, fo, note in json.loads(str(row.get("contacts_json") or "[]"))
    )
    return DormancySummary(
        organization_id=str(row["organization_id"]),
        org_type=OrgType(str(row["org_type"])),
        registered_on=row.get("registered_on"),  # type: ignore[arg-type]
        status=OrgStatus(str(row.get("status") or OrgStatus.ACTIVE.value)),
        uscc=str(row.get("uscc") or ""),
        name=str(row.get("name") or ""),
        reports=reports,
        reports_since_year=row.get("reports_since_year"),  # type: ignore[arg-type]
        first_activity_on=row.get("first_activity_on"),  # type: ignore[arg-type]
        contacts=contacts,
        certificate_valid_until=row.get("certificate_valid_until"),  # type: ignore[arg-type]
        abnormal_listed_on=row.get("abnormal_listed_on"),  # type: ignore[arg-type]
        open_case_filed_on=row.get("open_case_filed_on"),  # type: ignore[arg-type]
        liquidation_started_on=row.get("liquidation_started_on"),  # type: ignore[arg-type]
        delay_until=row.get("delay_until"),  # type: ignore[arg-type]
    )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(text: object) -> date | None:
    return date.fromisoformat(str(text)) if text else None
