"""The annual report cycle (年检 / 年度工作报告, domain.md §4, §10.4, §10.10): the list of
report year N, the intake of a report, its conclusion, and the abnormal-list proposal for
the organizations that did not report.

- :func:`due_list` — who must report for year N, each with its (rolled) deadlines, what
  arrived and its status (``domain.supervision.annual_report.report_status``); the screen
  and ``mca-tui reports due --year N`` print the same list.
- :func:`receive` — the clerk records a report: the day received, the supervisory unit's
  opinion and its date, the materials (action ``annual_report.receive``; a report returned
  without a grade comes back with ``annual_report.resubmit``).
- :func:`conclude` — the reviewer concludes (``annual_report.conclude``, never the person
  who recorded it): 合格 / 基本合格 / 不合格 in inspection mode, accepted / returned in report
  mode (``legal.annual_report_mode``). 基本合格 and 不合格 open a rectification order in the
  same unit (a ``SupervisionRecord`` of kind ``rectification``: ``record_date`` the order
  day, ``due_on``, ``trigger`` = its source, items and the report in ``details_json``, as
  ``domain.supervision.rectification.RectificationOrder`` reads it).
- :func:`abnormal_proposals` (nothing written) and :func:`list_missing_reports` (each
  confirmed organization listed in its own unit with its notice, through
  ``credit_lists.list_organization``). 不合格 is not "not submitted".

The report row has no status column: its workflow state is ``received`` while it has no
conclusion and ``concluded`` once it has one; the four-eyes history comes from the audit
events indexed under the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.calendar import Deadline
from mca_tui.domain.enums import (
    AbnormalListGround,
    AnnualReportStatus,
    CreditListKind,
    OrgType,
    RectificationSource,
    ReportConclusion,
    SupervisionKind,
)
from mca_tui.domain.supervision import annual_report as ar
from mca_tui.domain.supervision.common import SupervisionRuleError
from mca_tui.domain.supervision.rectification import (
    RectificationItem,
    RectificationOrder,
    check_order,
)
from mca_tui.domain.supervision.workflows import ANNUAL_REPORT, RECTIFICATION, AnnualReportState
from mca_tui.domain.workflow import NEW, History
from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, NotFound, ValidationFailed
from mca_tui.services.supervision import (
    events_of,
    history_of,
    org_facts,
    rule_error,
    rule_problems,
)
from mca_tui.services.workflow import apply_transition, available_actions, check_transition
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import AnnualReport, Organization, SupervisionRecord

__all__ = [
    "DueRow",
    "ProposalRow",
    "ReportInfo",
    "abnormal_proposals",
    "adjust",
    "conclude",
    "due_list",
    "get_report",
    "list_missing_reports",
    "receive",
]


@dataclass(frozen=True)
class DueRow:
    """One organization due to report for ``year``."""

    organization_id: str
    name: str
    uscc: str | None
    org_type: str
    supervisory_due: date
    authority_due: date
    status: AnnualReportStatus
    report_id: str | None
    submitted_on: date | None
    conclusion: str | None
    days_left: int  # to the authority deadline; negative when passed

    def as_json(self) -> dict[str, Any]:
        return {
            "organization_id": self.organization_id, "name": self.name, "uscc": self.uscc,
            "org_type": self.org_type, "supervisory_due": self.supervisory_due.isoformat(),
            "authority_due": self.authority_due.isoformat(), "status": self.status.value,
            "report_id": self.report_id,
            "submitted_on": self.submitted_on.isoformat() if self.submitted_on else None,
            "conclusion": self.conclusion,
        }


def _state(report: AnnualReport | None) -> str:
    if report is None:
        return NEW
    return AnnualReportState.CONCLUDED.value if report.conclusion else AnnualReportState.RECEIVED.value


def _facts(report: AnnualReport | None) -> ar.ReportFacts | None:
    if report is None:
        return None
    try:
        conclusion = ReportConclusion(report.conclusion) if report.conclusion else None
    except ValueError:
        conclusion = None
    return ar.ReportFacts(report.submitted_on, conclusion)


def due_list(ctx: ServiceContext, year: int, today: date | None = None) -> list[DueRow]:
    """Every organization that must report for ``year`` (§10.4: registered by the cut-off
    of that year, not closed before N+1), with its deadlines and where its report stands,
    sorted overdue first, then by deadline and name."""
    ctx.permit("supervision.read")
    today = today or ctx.today()
    cal, params = ctx.calendar, ctx.settings.legal
    cycles = {ot: ar.cycle_for(year, ot, cal) for ot in OrgType}
    out: list[DueRow] = []
    with ctx.db.read() as s:
        reports = {r.organization_id: r for r in s.exec(
            select(AnnualReport).where(AnnualReport.report_year == year))}
        orgs = s.exec(select(Organization).where(
            col(Organization.established_on).is_not(None),
            col(Organization.established_on) <= date(year, 12, 31))
            .order_by(Organization.name_sort_key, Organization.id)).all()
        for org in orgs:
            facts = org_facts(org)
            if not ar.must_report(facts, year, params):
                continue
            report = reports.get(org.id)
            cycle = cycles[facts.org_type]
            status = ar._status(_facts(report), today, cycle.authority)  # noqa: SLF001
            submitted = report.submitted_on if report and _facts(report).submitted else None  # type: ignore[union-attr]
            out.append(DueRow(org.id, org.name, org.uscc, org.org_type, cycle.supervisory.due,
                              cycle.authority.due, status, report.id if report else None,
                              submitted, report.conclusion if report else None,
                              cycle.authority.days_left(today)))
    order = {AnnualReportStatus.OVERDUE: 0, AnnualReportStatus.DUE: 1,
             AnnualReportStatus.LATE: 2, AnnualReportStatus.ON_TIME: 3}
    out.sort(key=lambda r: (order.get(r.status, 4), r.authority_due))
    return out


# --------------------------------------------------------------------------- one report


@dataclass(frozen=True)
class ReportInfo:
    """One organization's report for one year, as the intake screen shows it."""

    organization_id: str
    org_name: str
    uscc: str | None
    org_type: str
    year: int
    mode: str
    report_id: str | None
    state: str  # new | received | concluded
    status: AnnualReportStatus
    supervisory_due: Deadline
    authority_due: Deadline
    submitted_on: date | None
    supervisory_opinion: str
    supervisory_opinion_on: date | None
    materials: str
    conclusion: str | None
    concluded_on: date | None
    conclusions: tuple[str, ...]  # the conclusions the configured mode allows
    actions: tuple[str, ...]  # what this user may do now (the transition table)
    rectification_id: str | None


def _load_org(s: Session, organization_id: str) -> Organization:
    org = s.get(Organization, organization_id)
    if org is None:
        raise NotFound(what=organization_id)
    return org


def _report(s: Session, organization_id: str, year: int) -> AnnualReport | None:
    return s.exec(select(AnnualReport).where(AnnualReport.organization_id == organization_id,
                                             AnnualReport.report_year == year)).first()


def _actions(ctx: ServiceContext, report: AnnualReport | None,
             history: History | None) -> tuple[str, ...]:
    acts = available_actions(ctx, ANNUAL_REPORT, _state(report), history)
    if report is None or report.conclusion != ReportConclusion.RETURNED.value:
        acts = tuple(a for a in acts if a != "annual_report.resubmit")
    return acts


def get_report(ctx: ServiceContext, organization_id: str, year: int) -> ReportInfo:
    ctx.permit("supervision.read")
    cal, params = ctx.calendar, ctx.settings.legal
    mode = ar.mode_of(params)
    with ctx.db.read() as s:
        org = _load_org(s, organization_id)
        report = _report(s, organization_id, year)
        history = history_of(ANNUAL_REPORT, events_of(s, "annual_report", report.id)) if report else {}
        cycle = ar.cycle_for(year, OrgType(org.org_type), cal)
        status = ar.report_status(org_facts(org), year, _facts(report), ctx.today(), cal, params)
        rect = None
        if report is not None:
            rect = s.exec(select(SupervisionRecord.id).where(
                SupervisionRecord.organization_id == organization_id,
                SupervisionRecord.kind == SupervisionKind.RECTIFICATION.value,
                col(SupervisionRecord.details_json).contains(report.id))).first()
        return ReportInfo(
            org.id, org.name, org.uscc, org.org_type, year,
            report.mode if report else mode.value, report.id if report else None,
            _state(report), status, cycle.supervisory, cycle.authority,
            report.submitted_on if report else None,
            report.supervisory_opinion if report else "",
            report.supervisory_opinion_on if report else None,
            report.note if report else "",
            report.conclusion if report else None, report.concluded_on if report else None,
            tuple(c.value for c in ar.conclusions_for(mode)),
            _actions(ctx, report, history), rect)


def receive(ctx: ServiceContext, organization_id: str, year: int, *, received_on: date,
            supervisory_opinion: str = "", supervisory_opinion_on: date | None = None,
            materials: str = "") -> str:
    """Record the report of ``year`` received on ``received_on`` (the clerk). Returns
    the report's id. A report returned without a grade is resubmitted the same way."""
    today = ctx.today()
    problems: list[FieldProblem] = []
    if received_on > today:
        problems.append(FieldProblem("received_on", "supervision.ui.error.future",
                                     {"on": received_on.isoformat()}))
    if received_on < date(year + 1, 1, 1):
        problems.append(FieldProblem("received_on", "supervision.ui.error.before_year_end",
                                     {"year": year}))
    if supervisory_opinion_on is not None and supervisory_opinion_on > today:
        problems.append(FieldProblem("supervisory_opinion_on", "supervision.ui.error.future",
                                     {"on": supervisory_opinion_on.isoformat()}))
    mode = ar.mode_of(ctx.settings.legal)
    with ctx.db.read() as s:
        org = _load_org(s, organization_id)
        existing = _report(s, organization_id, year)
        if not ar.must_report(org_facts(org), year, ctx.settings.legal):
            problems.append(FieldProblem("year", "supervision.ui.error.not_due",
                                         {"year": year, "name": org.name}))
    if problems:
        raise ValidationFailed(problems)
    if existing is None or (existing.submitted_on is None and not existing.conclusion) or (
            existing.conclusion == ReportConclusion.NOT_SUBMITTED.value):
        action = "annual_report.receive"
    elif existing.conclusion == ReportConclusion.RETURNED.value:
        action = "annual_report.resubmit"
    elif existing.conclusion is None:
        action = "annual_report.amend"
    else:
        action = "annual_report.resubmit"  # refused by the table below: already concluded
    report_id = existing.id if existing is not None else new_id()
    with ctx.unit(action, subject=Subject("annual_report", report_id, organization_id)) as u:
        s = u.session
        report = s.get(AnnualReport, report_id) if existing is not None else None
        state = _state(report)
        if action == "annual_report.receive" and report is not None:
            state = NEW  # a ledger row saying 未提交: the report arrives now
        if action == "annual_report.resubmit" and (
                report is None or report.conclusion != ReportConclusion.RETURNED.value):
            state = "-"  # only a returned report comes back
        history = history_of(ANNUAL_REPORT, events_of(s, "annual_report", report_id))
        check_transition(ctx, ANNUAL_REPORT, action, state, history=history,
                         state_label=_state_label)
        before = {} if report is None else {
            "submitted_on": report.submitted_on, "conclusion": report.conclusion}
        if report is None:
            report = AnnualReport(id=report_id, office_id=ctx.actor.office_id,
                                  organization_id=organization_id, report_year=year,
                                  mode=mode.value)
        report.mode = mode.value
        report.submitted_on = received_on
        report.supervisory_opinion = supervisory_opinion.strip()
        report.supervisory_opinion_on = supervisory_opinion_on
        report.note = materials.strip()
        report.conclusion = None
        report.concluded_on = None
        s.add(report)
        _refresh_dormancy(u, ctx, organization_id)
        u.record("annual_report", report_id, before,
                 {"report_year": year, "submitted_on": received_on,
                  "supervisory_opinion": report.supervisory_opinion})
    return report_id


def _state_label(state: str) -> str:
    if state in {s.value for s in AnnualReportState}:
        return t(f"enum.AnnualReportState.{state}")
    return t("supervision.ui.state_new") if state == NEW else state


def conclude(ctx: ServiceContext, report_id: str, conclusion: str, *, concluded_on: date,
             items: list[str] | None = None, rectify_by: date | None = None,
             note: str = "") -> str | None:
    """The reviewer's conclusion on a received report. 基本合格 / 不合格 need the items to
    rectify and the deadline, and open the rectification order in the same unit. Returns
    the rectification order's id, if one was opened."""
    mode = ar.mode_of(ctx.settings.legal)
    try:
        value = ReportConclusion(conclusion)
        ar.check_conclusion(mode, value)
    except ValueError as exc:
        if isinstance(exc, SupervisionRuleError):
            raise rule_error("conclusion", exc) from None
        raise ValidationFailed([FieldProblem("conclusion", "supervision.ui.error.conclusion",
                                             {"value": conclusion})]) from None
    problems: list[FieldProblem] = []
    today = ctx.today()
    if concluded_on > today:
        problems.append(FieldProblem("concluded_on", "supervision.ui.error.future",
                                     {"on": concluded_on.isoformat()}))
    order: RectificationOrder | None = None
    if ar.opens_rectification(value):
        order = _draft_order(concluded_on, items, rectify_by, today, problems)
    with ctx.db.read() as s:
        report = s.get(AnnualReport, report_id)
        if report is None:
            raise NotFound(what=report_id)
        if report.submitted_on and concluded_on < report.submitted_on:
            problems.append(FieldProblem("concluded_on", "supervision.ui.error.before_received",
                                         {"on": report.submitted_on.isoformat()}))
    if problems:
        raise ValidationFailed(problems)
    rect_id: str | None = None
    with ctx.unit("annual_report.conclude",
                  subject=Subject("annual_report", report_id, report.organization_id)) as u:
        s = u.session
        report = s.get(AnnualReport, report_id)
        assert report is not None
        history = history_of(ANNUAL_REPORT, events_of(s, "annual_report", report_id))
        apply_transition(ctx, ANNUAL_REPORT, "annual_report.conclude",
                         _Stateful(_state(report)), history=history, state_label=_state_label)
        report.conclusion = value.value
        report.concluded_on = concluded_on
        report.mode = mode.value
        if note.strip():
            u.note = note.strip()
        s.add(report)
        after: dict[str, Any] = {"conclusion": value.value, "concluded_on": concluded_on}
        if order is not None:
            # the order is the reviewer's (RECTIFICATION table: 下达整改 by a reviewer)
            check_transition(ctx, RECTIFICATION, "rectification.order", NEW)
            rect_id = _open_report_order(u, ctx, report, order, after)
        _refresh_dormancy(u, ctx, report.organization_id)
        u.record("annual_report", report_id, {"conclusion": None}, after)
    return rect_id


@dataclass
class _Stateful:
    status: str


def _draft_order(on: date, items: list[str] | None, rectify_by: date | None, today: date,
                 problems: list[FieldProblem]) -> RectificationOrder:
    """The rectification order a conclusion (or an adjusted one) of 基本合格 / 不合格 opens,
    checked: the deadline is required and the order must pass ``check_order`` (its
    problems are appended to ``problems``)."""
    order = RectificationOrder(
        RectificationSource.REPORT_CONCLUSION, on, rectify_by or on,
        tuple(RectificationItem(i.strip()) for i in (items or []) if i.strip()))
    if rectify_by is None:
        problems.append(FieldProblem("rectify_by", "supervision.ui.error.rectify_by"))
    problems += rule_problems("items", check_order(order, today))
    return order


def _open_report_order(u: Unit, ctx: ServiceContext, report: AnnualReport,
                       order: RectificationOrder, after: dict[str, Any]) -> str:
    """Write ``order`` in the caller's unit through the rectification service (with its
    notice), its source the report; the event's headline gets the order. Returns its id."""
    from mca_tui.services.supervision.rectification import open_order

    org = u.session.get(Organization, report.organization_id)
    assert org is not None
    rect = open_order(u, ctx, org, source=RectificationSource.REPORT_CONCLUSION,
                      items=[i.text for i in order.items], due_on=order.due_on,
                      ordered_on=order.ordered_on, source_ref=report.id)
    after["rectification"] = {"due_on": order.due_on, "items": [i.text for i in order.items]}
    return rect.id


def _refresh_dormancy(u: Unit, ctx: ServiceContext, organization_id: str) -> None:
    """A report filed, concluded or adjusted changes the dormancy signals (§6.3: two years
    without a report or with a failed one): the summary is rewritten in the same unit."""
    from mca_tui.services import dormancy

    dormancy.refresh(u, ctx, organization_id)


def adjust(ctx: ServiceContext, report_id: str, conclusion: str, *, adjusted_on: date,
           reason: str, items: list[str] | None = None,
           rectify_by: date | None = None) -> str | None:
    """The approver adjusts a concluded report's conclusion, with the reason (the 2026
    社团 inspection Order; details UNCONFIRMED, domain.md §4.2), never the reviewer who
    concluded it. A conclusion that now opens a rectification (基本合格 / 不合格, where the
    old one did not) orders it in the same unit, as a conclusion does. Returns the order's
    id, if one was opened."""
    mode = ar.mode_of(ctx.settings.legal)
    problems: list[FieldProblem] = []
    try:
        value = ReportConclusion(conclusion)
        ar.check_conclusion(mode, value)
    except ValueError as exc:
        if isinstance(exc, SupervisionRuleError):
            raise rule_error("conclusion", exc) from None
        raise ValidationFailed([FieldProblem("conclusion", "supervision.ui.error.conclusion",
                                             {"value": conclusion})]) from None
    if not reason.strip():
        problems.append(FieldProblem("reason", "supervision.ui.error.reason"))
    if adjusted_on > ctx.today():
        problems.append(FieldProblem("concluded_on", "supervision.ui.error.future",
                                     {"on": adjusted_on.isoformat()}))
    with ctx.db.read() as s:
        report = s.get(AnnualReport, report_id)
        if report is None:
            raise NotFound(what=report_id)
        old = report.conclusion
    order: RectificationOrder | None = None
    if ar.opens_rectification(value) and not ar.opens_rectification(old):
        order = _draft_order(adjusted_on, items, rectify_by, ctx.today(), problems)
    if problems:
        raise ValidationFailed(problems)
    rect_id: str | None = None
    with ctx.unit("annual_report.adjust",
                  subject=Subject("annual_report", report_id, report.organization_id),
                  note=reason.strip()) as u:
        s = u.session
        report = s.get(AnnualReport, report_id)
        assert report is not None
        history = history_of(ANNUAL_REPORT, events_of(s, "annual_report", report_id))
        apply_transition(ctx, ANNUAL_REPORT, "annual_report.adjust", _Stateful(_state(report)),
                         history=history, state_label=_state_label)
        before = {"conclusion": report.conclusion, "concluded_on": report.concluded_on}
        report.conclusion = value.value
        report.concluded_on = adjusted_on
        s.add(report)
        after: dict[str, Any] = {"conclusion": value.value, "concluded_on": adjusted_on,
                       "reason": reason.strip()}
        if order is not None:
            rect_id = _open_report_order(u, ctx, report, order, after)
        _refresh_dormancy(u, ctx, report.organization_id)
        u.record("annual_report", report_id, before, after)
    return rect_id


# --------------------------------------------------------------------------- abnormal list


_DOC_LANG = "zh"  # the catalog of the documents' language (zh-CN: the only one built in)


@dataclass(frozen=True)
class ProposalRow:
    organization_id: str
    name: str
    uscc: str | None
    ground: str
    deadline: date
    reason: str  # in the UI language
    article: str
    evidence: str = ""  # the same in the document language (the listing notice's facts)


def abnormal_proposals(ctx: ServiceContext, year: int, today: date | None = None, *,
                       include_late: bool = False) -> list[ProposalRow]:
    """Every organization to propose for the abnormal list for not reporting on ``year``
    (Order 60 ground (一)): nothing is written. Organizations already listed on that
    ground since the deadline are left out."""
    ctx.permit("credit.propose_read")
    today = today or ctx.today()
    cal, params = ctx.calendar, ctx.settings.legal
    from mca_tui.storage.models import CreditListEntry

    with ctx.db.read() as s:
        orgs = {o.id: o for o in s.exec(select(Organization).where(
            col(Organization.established_on).is_not(None),
            col(Organization.established_on) <= date(year, 12, 31)))}
        reports = {r.organization_id: _facts(r) for r in s.exec(
            select(AnnualReport).where(AnnualReport.report_year == year))}
        listed = set(s.exec(select(CreditListEntry.organization_id).where(
            CreditListEntry.list_kind == CreditListKind.ABNORMAL.value,
            CreditListEntry.ground == AbnormalListGround.REPORT_NOT_SUBMITTED.value,
            CreditListEntry.listed_on > date(year + 1, 1, 1))).all())
    proposals = ar.abnormal_list_proposals(
        [org_facts(o) for o in orgs.values()], year,
        {k: v for k, v in reports.items() if v is not None}, today, cal, params,
        exclude=listed, include_late=include_late)
    out = []
    for p in proposals:
        org = orgs[p.organization_id]
        out.append(ProposalRow(org.id, org.name, org.uscc, p.ground.value,
                               date.fromisoformat(p.params["deadline"]),
                               t(p.reason_key, **p.params), p.article,
                               t(p.reason_key, _DOC_LANG, **p.params)))
    out.sort(key=lambda r: (r.deadline, r.name))
    return out


@dataclass(frozen=True)
class ListingOutcome:
    organization_id: str
    name: str
    entry_id: str | None
    document_number: str | None
    error: str | None  # the plain message when this one was not listed


def list_missing_reports(ctx: ServiceContext, year: int, organization_ids: list[str], *,
                         listed_on: date | None = None,
                         include_late: bool = False) -> list[ListingOutcome]:
    """List each confirmed organization on the abnormal list on ground (一), each in its
    own unit with its notice. An organization no longer proposed (it reported meanwhile,
    closed, or was listed by someone else) is skipped with its reason."""
    from mca_tui.services.errors import ServiceError
    from mca_tui.services.supervision import credit_lists

    ctx.permit("credit.abnormal.list")  # the approver's decision: refused before any
    listed_on = listed_on or ctx.today()
    current = {p.organization_id: p for p in abnormal_proposals(
        ctx, year, listed_on, include_late=include_late)}
    out = []
    for org_id in organization_ids:
        p = current.get(org_id)
        if p is None:
            out.append(ListingOutcome(org_id, org_id, None, None,
                                      t("supervision.ui.no_longer_proposed")))
            continue
        try:
            res = credit_lists.list_organization(
                ctx, org_id, CreditListKind.ABNORMAL.value,
                AbnormalListGround.REPORT_NOT_SUBMITTED.value, on=listed_on,
                evidence=p.evidence or p.reason, report_year=year)
        except ServiceError as exc:
            out.append(ListingOutcome(org_id, p.name, None, None, exc.message()))
            continue
        out.append(ListingOutcome(org_id, p.name, res.entry_id, res.document_number, None))
    return out
