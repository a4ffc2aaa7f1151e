"""Credit lists (信用名录, Order 60), what the listing, removal and read modules share: the
documents' kinds, the list's workflow and labels, the current listing of an organization
(its open rows, anchor, state replayed from the audit events), what is left to rectify,
and issuing a listing or removal notice. See :mod:`mca_tui.services.supervision.credit_lists`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.enums import (
    AbnormalListGround,
    AnnualReportStatus,
    CreditListKind,
    SupervisionKind,
)
from mca_tui.domain.supervision import annual_report as ar
from mca_tui.domain.supervision import credit_list as cl
from mca_tui.domain.supervision.common import SupervisionRuleError
from mca_tui.domain.supervision.workflows import ABNORMAL_LISTING, SERIOUS_LISTING, ListingState
from mca_tui.domain.workflow import Workflow
from mca_tui.i18n import t
from mca_tui.services import documents as docs
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.services.supervision import (
    events_of,
    org_facts,
    state_from_events,
)
from mca_tui.services.supervision._rows import organization as _org
from mca_tui.storage.models import (
    AnnualReport,
    AuditEvent,
    CreditListEntry,
    Organization,
    SupervisionRecord,
)

LISTING_DOC = "credit_listing_notice"
RECORD_LANG = "zh"  # reasons written on the register are in its language, whatever the UI
REMOVAL_DOC = "credit_removal_notice"


def _workflow(kind: CreditListKind) -> Workflow:
    return ABNORMAL_LISTING if kind is CreditListKind.ABNORMAL else SERIOUS_LISTING


def _kind(kind: str | CreditListKind) -> CreditListKind:
    try:
        return CreditListKind(kind)
    except ValueError:
        raise ValidationFailed([FieldProblem("kind", "supervision.ui.error.kind",
                                             {"value": str(kind)})]) from None


def grounds(kind: str | CreditListKind) -> list[tuple[str, str, str]]:
    """(ground, label, article) of every ground of the list, in Order 60's order."""
    table = cl.ABNORMAL_GROUNDS if _kind(kind) is CreditListKind.ABNORMAL else cl.SERIOUS_GROUNDS
    return [(g.value, t(info.label_key), info.article) for g, info in table.items()]


def _label(kind: CreditListKind, ground: str) -> str:
    try:
        return t(cl.ground_info(kind, ground).label_key)
    except SupervisionRuleError:
        return ground


def _state_label(state: str) -> str:
    if state in {s.value for s in ListingState}:
        return t(f"enum.ListingState.{state}")
    return t("supervision.ui.not_listed") if state == "new" else state


@dataclass
class _Stateful:
    status: str


def _open_entries(s: Session, org_id: str, kind: CreditListKind) -> list[CreditListEntry]:
    return list(s.exec(select(CreditListEntry).where(
        CreditListEntry.organization_id == org_id, CreditListEntry.list_kind == kind.value,
        col(CreditListEntry.removed_on).is_(None))
        .order_by(col(CreditListEntry.listed_on), col(CreditListEntry.id))).all())


def _listing(kind: CreditListKind, entries: list[CreditListEntry]) -> cl.Listing | None:
    if not entries:
        return None
    return cl.Listing(kind, tuple(cl.ListingEvent(e.ground, e.listed_on) for e in entries))


@dataclass(frozen=True)
class _Current:
    entries: list[CreditListEntry]
    listing: cl.Listing | None
    events: list[AuditEvent]
    state: str

    @property
    def anchor(self) -> CreditListEntry:
        return self.entries[0]


def _current(s: Session, org_id: str, kind: CreditListKind) -> _Current:
    entries = _open_entries(s, org_id, kind)
    if not entries:
        return _Current([], None, [], "new")
    events = events_of(s, "credit_list_entry", entries[0].id)
    state = state_from_events(_workflow(kind), events, ListingState.LISTED.value)
    if state not in (ListingState.LISTED.value, ListingState.REMOVAL_APPLIED.value,
                     ListingState.REMOVAL_VERIFIED.value):
        state = ListingState.LISTED.value  # the rows are open: listed whatever came before
    return _Current(entries, _listing(kind, entries), events, state)


def _verified_on(events: list[AuditEvent]) -> date | None:
    """The verification date of the latest ``verify_removal`` still in force."""
    found: date | None = None
    for ev in events:
        if ev.action == "credit.abnormal.verify_removal":
            found = date.fromisoformat(json.loads(ev.after_json).get("verified_on"))
        elif ev.action in ("credit.abnormal.reject_removal", "credit.abnormal.add_ground",
                           "credit.abnormal.apply_removal"):
            found = None
    return found


# --------------------------------------------------------------------------- outstanding


def outstanding_reasons(ctx: ServiceContext, s: Session, org_id: str,
                        entries: list[CreditListEntry]) -> list[str]:
    """What is left to fulfil or rectify (plain text, UI language): an open rectification
    order, or — for a listing on ground (一) — the report of the year it was listed for
    still not received."""
    out: list[str] = []
    open_orders = s.exec(select(SupervisionRecord).where(
        SupervisionRecord.organization_id == org_id,
        SupervisionRecord.kind == SupervisionKind.RECTIFICATION.value,
        col(SupervisionRecord.completed_on).is_(None),
        col(SupervisionRecord.due_on).is_not(None),
        col(SupervisionRecord.outcome) != "cancelled")).all()  # rectification.cancel
    for order in open_orders:
        assert order.due_on is not None  # selected above
        out.append(t("supervision.ui.outstanding_rectification", on=order.due_on.isoformat()))
    org = _org(s, org_id)
    for e in entries:
        if e.ground != AbnormalListGround.REPORT_NOT_SUBMITTED.value:
            continue
        year = _report_year_of(e)
        report = s.exec(select(AnnualReport).where(AnnualReport.organization_id == org_id,
                                                   AnnualReport.report_year == year)).first()
        facts = None
        if report is not None and report.submitted_on is not None:
            facts = ar.ReportFacts(report.submitted_on, None)
        status = ar.report_status(org_facts(org), year, facts, ctx.today(), ctx.calendar,
                                  ctx.settings.legal)
        if status in (AnnualReportStatus.OVERDUE, AnnualReportStatus.DUE):
            out.append(t("supervision.ui.outstanding_report", year=year))
    return out


def _report_year_of(entry: CreditListEntry) -> int:
    """The report year a ground (一) listing is about: written at the start of its reason
    as ``[N]``; otherwise the last year whose deadline had passed on the listing day."""
    text = entry.listing_reason or ""
    if text.startswith("[") and "]" in text:
        try:
            return int(text[1:text.index("]")])
        except ValueError:
            pass
    year = entry.listed_on.year - 1
    return year if entry.listed_on > date(year + 1, 5, 31) else year - 1


# --------------------------------------------------------------------------- documents


def _issue(u: Unit, ctx: ServiceContext, doc_kind: str, org: Organization,
           kind: CreditListKind, *, on: date, grounds_: list[str], reason: str,
           article: str, extra: dict[str, Any] | None = None) -> docs.IssuedDocumentInfo:
    data = {
        "org_name": org.name, "uscc": org.uscc or "", "org_type": org.org_type,
        "list_kind": kind.value, "ground_codes": grounds_, "reason": reason,
        "legal_basis": article, "action_on": on, **(extra or {}),
    }
    return docs.issue(u, ctx, doc_kind, issued_on=on, data=data, organization_id=org.id)


@dataclass(frozen=True)
class ListingResult:
    entry_id: str | None
    document_id: str | None
    document_number: str | None


def _removal_reason(way: str, text: str) -> str:
    head = t(f"supervision.ui.removal_way.{way}", RECORD_LANG)
    return f"{head}：{text.strip()}" if text.strip() else head
