"""Home work queues (首页待办): what needs the signed-in user, each item with its clock.

Every queue is computed from the records in SQL, bounded, and shows only what the data
says: a workflow that has no records yet simply yields an empty queue.

Queues and who sees them (an administrator sees all):
- ``acceptance``        drafts awaiting acceptance (受理)                     clerk
- ``correction_notice`` received incomplete, no 补正 notice yet: 5 working days from
                        receipt (行政许可法 Art 32; one notice only)             reviewer
- ``review``            accepted, awaiting review (审查); the decision clock (60 days
                        from a complete file, 20 working days for a change)     reviewer
- ``correction``        补正 requested, waiting for the applicant               clerk, reviewer
- ``approval``          reviewed, awaiting the decision (核准/不予登记)           approver
- ``reports_overdue``   no annual report submitted for the last report year whose
                        authority deadline has passed (§4, §10.4, §10.10; one graded
                        不合格 was submitted and is not listed); count and first page are
                        index ranges of ``report_summary`` (storage.report_summary),
                        the organizations longest without a report first  clerk, reviewer
- ``reports_awaiting_conclusion`` annual reports received and not yet concluded (§4.2,
                        §4.4; the action annual_report.conclude), oldest first   reviewer
- ``rectifications``    rectification orders not completed, by deadline (§9)   clerk, reviewer, enforcement
- ``case_steps``        penalty cases whose decision is due within 7 working days
                        (行政处罚法 Art 60)                                       enforcement
- ``abnormal_two_years`` abnormal-list entries reaching two years (Order 60)   reviewer, enforcement
- ``evaluation_expiring`` evaluation grades expiring within ``evaluation_expiry_queue_days`` (Order 39 Art 28) clerk, reviewer
- ``deregistration_decision`` deregistrations waiting for the user's review or decision,
                        20-working-day clock (行政许可法 Art 42; services.deregistration) reviewer, approver
- ``custody_outstanding`` deregistered, certificate/seals/vouchers or announcement
                        outstanding (services.deregistration)                 clerk
- ``revocation_cases``  open revocation cases with the clock that runs out first (decision
                        90 days, hearing notice, decision service 7 working days, the
                        party's windows; services.revocation)      enforcement, approver, reviewer
- ``dormant_candidates`` the dormancy list from its summary (services.dormancy) reviewer, enforcement
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from mca_tui.domain import clocks
from mca_tui.domain.actor import Actor
from mca_tui.domain.calendar import Deadline, add_years
from mca_tui.domain.enums import (
    ApplicationKind,
    ApplicationStatus,
    CaseStatus,
    CreditListKind,
    OrgStatus,
    OrgType,
    Role,
    SupervisionKind,
)
from mca_tui.domain.registration import REGISTRATION
from mca_tui.domain.supervision.workflows import ANNUAL_REPORT
from mca_tui.services.context import ServiceContext
from mca_tui.storage import report_summary
from mca_tui.storage.models import (
    AnnualReport,
    Application,
    CreditListEntry,
    Organization,
    PenaltyCase,
    SupervisionRecord,
)
from mca_tui.storage.models_summary import ReportSummary

ABNORMAL_WARNING_DAYS = 30


@dataclass(frozen=True)
class QueueSummary:
    id: str
    label_key: str  # i18n key: queue.<id>
    count: int


@dataclass(frozen=True)
class QueueItem:
    queue: str
    organization_id: str | None
    application_id: str | None
    name: str
    uscc: str | None
    subject: str  # i18n key of what is due, e.g. queue.subject.review
    due: date | None
    deadline: Deadline | None
    days_left: int | None  # negative when overdue
    year: int | None = None  # the report year of an annual-report item

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


# The application queues and the registration action each waits for (the transition
# table, domain.registration): the action's from-states select the rows, its roles see
# the queue and its four-eyes rule leaves out the files the user may not act on, so a
# queue offers exactly what the services will accept.
APPLICATION_QUEUES: dict[str, str] = {
    "acceptance": "application.accept",
    "correction_notice": "application.correction",
    "review": "application.review",
    "correction": "application.correction_complete",
    "approval": "application.approve",
}


def _roles(action: str, *watchers: Role) -> tuple[Role, ...]:
    return tuple(sorted(REGISTRATION.roles_for(action) | set(watchers)))


QUEUE_ROLES: dict[str, tuple[Role, ...]] = {
    "acceptance": _roles("application.accept"),
    "correction_notice": _roles("application.correction"),
    "review": _roles("application.review"),
    # the reviewer who asked for the 补正 follows it too
    "correction": _roles("application.correction_complete", Role.REVIEWER),
    "approval": _roles("application.approve"),
    "reports_overdue": (Role.CLERK, Role.REVIEWER),
    # the reviewer concludes what the clerk received (annual_report.conclude)
    "reports_awaiting_conclusion": tuple(sorted(ANNUAL_REPORT.roles_for("annual_report.conclude"))),
    "rectifications": (Role.CLERK, Role.REVIEWER, Role.ENFORCEMENT),
    "case_steps": (Role.ENFORCEMENT,),
    "abnormal_two_years": (Role.REVIEWER, Role.ENFORCEMENT),
    "evaluation_expiring": (Role.CLERK, Role.REVIEWER),
    # deregistration (services.deregistration.QUEUE_ROLES, its own transition table)
    "deregistration_decision": (Role.REVIEWER, Role.APPROVER),
    "custody_outstanding": (Role.CLERK,),
    # revocation cases and dormant candidates (services.revocation.QUEUE_ROLES)
    "revocation_cases": (Role.ENFORCEMENT, Role.APPROVER, Role.REVIEWER),
    "dormant_candidates": (Role.REVIEWER, Role.ENFORCEMENT),
}
# Queues computed by services.deregistration (bounded there).
_DEREGISTRATION_QUEUES = ("deregistration_decision", "custody_outstanding")
# Queues computed by services.revocation: every clock of an open case on the working-day
# calendar, and the dormancy list read from its summary (no scan of the report table).
_REVOCATION_QUEUES = ("revocation_cases", "dormant_candidates")
QUEUES = tuple(QUEUE_ROLES)
# What the home screen needs no list for: queues whose every item is overdue (their count
# is the number overdue: a report year whose deadline has passed) and queues whose items
# carry no clock.
ALL_OVERDUE = frozenset({"reports_overdue"})
NO_CLOCK = frozenset({"reports_awaiting_conclusion", "dormant_candidates"})


def visible_queues(ctx: ServiceContext) -> tuple[str, ...]:
    return tuple(q for q, roles in QUEUE_ROLES.items() if ctx.actor.has(*roles, Role.ADMIN))


# --------------------------------------------------------------------------- report cycle


def last_closed_report_year(ctx: ServiceContext, today: date) -> int:
    """The latest report year whose authority deadline (31 May, rolled) has passed."""
    year = today.year - 1
    _, authority = clocks.annual_report_deadlines(year, OrgType.SOCIAL_GROUP, ctx.calendar)
    return year if today > authority.due else year - 1


# A report counts as submitted once it is concluded (合格, 基本合格, 不合格 or accepted) or
# is in and awaiting its conclusion; 退回 (returned) and 未提交 mean it is not in.
SUBMITTED_CONCLUSIONS = report_summary.SUBMITTED_CONCLUSIONS


def _report_due_filter(ctx: ServiceContext, year: int) -> ColumnElement[bool]:
    """Organizations that must report for ``year`` (clocks.must_report, in SQL) and have
    not submitted it: Order 60 ground 1 is "not submitted on time"; a report graded
    不合格 was submitted and is a different matter (domain.md §10.10). The definition
    the queue's summary ranges (:func:`_overdue_ranges`) are tested against; it reads
    every organization, so the queue does not use it."""
    cutoff = clocks.report_cutoff(year, ctx.settings.legal)
    year_end = date(year, 12, 31)
    submitted = exists().where(
        col(AnnualReport.organization_id) == col(Organization.id), col(AnnualReport.report_year) == year,
        or_(col(AnnualReport.conclusion).in_(SUBMITTED_CONCLUSIONS),
            and_(col(AnnualReport.conclusion).is_(None),
                 col(AnnualReport.submitted_on).is_not(None))))
    return and_(
        col(Organization.established_on) <= cutoff,
        or_(col(Organization.deregistered_on).is_(None), col(Organization.deregistered_on) > year_end),
        or_(col(Organization.revoked_on).is_(None), col(Organization.revoked_on) > year_end),
        col(Organization.status) == OrgStatus.ACTIVE.value,
        ~submitted,
    )


def _overdue_ranges(ctx: ServiceContext, year: int) -> list[ColumnElement[bool]]:
    """:func:`_report_due_filter` on the per-organization summary: two ranges of its
    index ``(status, last_year, established_on, previous_year, closed_on)``. A report
    for year N is filed after N has ended (services.supervision.annual_reports.receive),
    so on a day whose last closed year is ``year`` no report later than ``year + 1``
    exists, and
    ``year`` is missing exactly when the latest submitted year is earlier, or later with
    the one before it earlier (storage.report_summary)."""
    t = ReportSummary.__table__  # type: ignore[attr-defined]
    due = and_(t.c.status == OrgStatus.ACTIVE.value,
               t.c.established_on <= clocks.report_cutoff(year, ctx.settings.legal),
               or_(t.c.closed_on.is_(None), t.c.closed_on > date(year, 12, 31)))
    return [and_(due, t.c.last_year < year),
            and_(due, t.c.last_year > year, t.c.previous_year < year)]


def _overdue_count(ctx: ServiceContext, year: int) -> int:
    t = ReportSummary.__table__  # type: ignore[attr-defined]
    with ctx.db.read() as s:
        return sum(int(s.exec(select(func.count()).select_from(t).where(r)).one())
                   for r in _overdue_ranges(ctx, year))


def _overdue_orgs(ctx: ServiceContext, year: int, limit: int) -> list[tuple[str, str, str | None, str]]:
    """The first ``limit`` organizations of the queue, longest without a submitted
    report first (then earliest registered): each range read in its index order.
    (id, name, uscc, org_type) each."""
    t = ReportSummary.__table__  # type: ignore[attr-defined]
    keyed: list[tuple[int, date, str]] = []
    with ctx.db.read() as s:
        for r in _overdue_ranges(ctx, year):
            keyed += [(int(last), on, str(oid)) for oid, last, on in s.exec(
                select(t.c.organization_id, t.c.last_year, t.c.established_on).where(r)
                .order_by(t.c.last_year, t.c.established_on).limit(limit))]
        keyed.sort(key=lambda k: (k[0], k[1]))
        ids = [oid for _, _, oid in keyed[:limit]]
        orgs = {r[0]: r for r in s.exec(
            select(Organization.id, Organization.name, Organization.uscc, Organization.org_type)
            .where(col(Organization.id).in_(ids)))} if ids else {}
    return [(str(o[0]), str(o[1]), o[2], str(o[3])) for i in ids if (o := orgs.get(i))]


def _awaiting_statement() -> Any:  # noqa: ANN401 - a select
    """Reports received and not concluded (the partial index ix_annual_report_awaiting)."""
    return (select(AnnualReport, Organization)
            .join(Organization, col(Organization.id) == col(AnnualReport.organization_id))
            .where(col(AnnualReport.conclusion).is_(None),
                   col(AnnualReport.submitted_on).is_not(None)))


# --------------------------------------------------------------------------- queries


STALE_DRAFT_DAYS = 30


def _app_statement(queue: str, office_id: str,
                   actor: Actor | None = None) -> SelectOfScalar[Application] | None:
    action = APPLICATION_QUEUES.get(queue)
    if action is None:
        return None
    tr = REGISTRATION.transition(action)
    q = select(Application).where(Application.office_id == office_id,
                                  Application.kind != ApplicationKind.DEREGISTRATION.value,
                                  col(Application.status).in_(sorted(tr.from_states)))
    if (actor is not None and actor.user_id and tr.four_eyes
            and "application.accept" in tr.four_eyes.not_after):
        # four eyes: not the files this user accepted
        q = q.where(or_(col(Application.accepted_by_id).is_(None),
                        col(Application.accepted_by_id) != actor.user_id))
    if queue == "acceptance":
        # a draft nobody touched for STALE_DRAFT_DAYS is not waiting at the counter: it
        # stays in the 登记申请 list (to resume or discard) but leaves 待受理
        from mca_tui.storage.models import utcnow

        return q.where(col(Application.updated_at)
                       >= utcnow() - timedelta(days=STALE_DRAFT_DAYS))
    if queue == "correction_notice":
        # a notice is still possible only for an incomplete file never notified
        # (一次性告知, 行政许可法 Art 32)
        return q.where(Application.status == ApplicationStatus.ACCEPTED.value,
                       col(Application.correction_requested_on).is_(None),
                       col(Application.complete_on).is_(None),
                       col(Application.received_on).is_not(None))
    return q


def _statement(ctx: ServiceContext, queue: str, today: date) -> tuple[Any, str]:
    """(select of rows, kind) for a queue, filtered SQL-side."""
    if (app_q := _app_statement(queue, ctx.actor.office_id, ctx.actor)) is not None:
        return app_q, "application"
    if queue == "rectifications":
        return (select(SupervisionRecord, Organization)
                .join(Organization, col(Organization.id) == col(SupervisionRecord.organization_id))
                .where(SupervisionRecord.kind == SupervisionKind.RECTIFICATION.value,
                       col(SupervisionRecord.due_on).is_not(None),
                       col(SupervisionRecord.completed_on).is_(None),
                       # an order cancelled by the approver (rectification.cancel)
                       col(SupervisionRecord.outcome) != "cancelled")), "record"
    if queue == "case_steps":
        return (select(PenaltyCase, Organization)
                .join(Organization, col(Organization.id) == col(PenaltyCase.organization_id))
                .where(PenaltyCase.status == CaseStatus.OPEN.value,
                       col(PenaltyCase.filed_on).is_not(None),
                       col(PenaltyCase.filed_on) <= _last_filed_due_soon(ctx, today))), "case"
    if queue == "abnormal_two_years":
        return (select(CreditListEntry, Organization)
                .join(Organization, col(Organization.id) == col(CreditListEntry.organization_id))
                .where(*_abnormal_two_years(ctx, today))), "listing"
    raise KeyError(queue)


def _abnormal_two_years(ctx: ServiceContext, today: date) -> tuple[ColumnElement[bool], ...]:
    """The open abnormal-list entries promoted within ABNORMAL_WARNING_DAYS, each
    organization's latest open ground only (the index ix_credit_list_entry_open_org holds
    every column both parts read)."""
    # promotion falls on the day after the anniversary (clocks, 民法典 Art 201-203)
    years = ctx.settings.legal.abnormal_to_serious_years
    limit = add_years(today + timedelta(days=ABNORMAL_WARNING_DAYS - 1), -years)
    # a new ground while listed restarts the period (Order 60): the latest open
    # ground of the organization gives the day, not its first one
    later = aliased(CreditListEntry)
    newer_ground = exists().where(
        col(later.list_kind) == CreditListKind.ABNORMAL.value,
        col(later.removed_on).is_(None),
        col(later.organization_id) == col(CreditListEntry.organization_id),
        or_(col(later.listed_on) > col(CreditListEntry.listed_on),
            and_(col(later.listed_on) == col(CreditListEntry.listed_on),
                 col(later.id) > col(CreditListEntry.id))))
    return (col(CreditListEntry.list_kind) == CreditListKind.ABNORMAL.value,
            col(CreditListEntry.removed_on).is_(None),
            col(CreditListEntry.listed_on) <= limit, ~newer_ground)


# Queues whose last filter needs the working-day calendar (applied in Python to a list
# that SQL has already bounded): their count is the length of that list.
_FILTERED_IN_PYTHON = {"evaluation_expiring"}  # evaluation.expiring


CASE_STEP_WORKING_DAYS = 7


def _case_step_due_soon(ctx: ServiceContext, filed_on: date, today: date) -> bool:
    d = clocks.penalty_decision_deadline(filed_on, ctx.calendar)
    return d.working_days_left(today, ctx.calendar) <= CASE_STEP_WORKING_DAYS


def _last_filed_due_soon(ctx: ServiceContext, today: date) -> date:
    """The latest filing date whose decision (90 days, rolled to a working day; 行政处罚法
    Art 60) falls within ``CASE_STEP_WORKING_DAYS`` working days of ``today`` or is past.
    The deadline and its working days left only grow with the filing date, so the cases
    of the queue are exactly ``filed_on <= this day``: one range, counted in SQL (found by
    bisection over the calendar, a few deadline computations)."""
    low, high = today - timedelta(days=400), today + timedelta(days=CASE_STEP_WORKING_DAYS)
    if not _case_step_due_soon(ctx, low, today):
        return low - timedelta(days=1)
    while low < high:  # invariant: due soon at low; find the last day that is
        mid = low + timedelta(days=(high - low).days // 2 + (high - low).days % 2)
        if _case_step_due_soon(ctx, mid, today):
            low = mid
        else:
            high = mid - timedelta(days=1)
    return low


def _revocation_count(ctx: ServiceContext) -> int:
    """The open revocation cases (one indexed count) less those carried through: a
    complete case has been decided (domain.penalty_case.is_complete), so only the decided
    ones are read: the length of ``revocation.queue_rows`` without building its rows."""
    from mca_tui.domain import penalty_case as pc
    from mca_tui.services import revocation

    ctx.permit("penalty_case.read")
    open_states = (CaseStatus.OPEN.value, CaseStatus.DECIDED.value)
    with ctx.db.read() as s:
        n = int(s.exec(select(func.count()).select_from(PenaltyCase)
                       .where(col(PenaltyCase.status).in_(open_states))).one())
        complete = sum(1 for case in s.exec(
            select(PenaltyCase).where(col(PenaltyCase.status).in_(open_states),
                                      col(PenaltyCase.decided_on).is_not(None)))
            if pc.is_complete(revocation.facts_of(s, case)))
    return n - complete


def _count(ctx: ServiceContext, queue: str, today: date) -> int:
    if queue == "revocation_cases":
        return _revocation_count(ctx)
    if queue == "reports_overdue":
        return _overdue_count(ctx, last_closed_report_year(ctx, today))
    if queue == "abnormal_two_years":  # the entries alone (each has its organization)
        with ctx.db.read() as s:
            return int(s.exec(select(func.count()).select_from(CreditListEntry)
                              .where(*_abnormal_two_years(ctx, today))).one())
    if queue == "reports_awaiting_conclusion":
        with ctx.db.read() as s:
            return int(s.exec(select(func.count()).select_from(AnnualReport)
                              .where(col(AnnualReport.conclusion).is_(None),
                                     col(AnnualReport.submitted_on).is_not(None))).one())
    if queue in _REVOCATION_QUEUES:
        from mca_tui.services import revocation

        return revocation.queue_count(ctx, queue, today)
    if queue in _DEREGISTRATION_QUEUES:
        from mca_tui.services import deregistration

        return len(deregistration.queue_rows(ctx, queue, limit=10_000))
    if queue in _FILTERED_IN_PYTHON:
        return len(items(ctx, queue, today, limit=10_000))
    stmt, _ = _statement(ctx, queue, today)
    with ctx.db.read() as s:
        return int(s.exec(select(func.count()).select_from(stmt.subquery())).one())


def summaries(ctx: ServiceContext, today: date | None = None) -> list[QueueSummary]:
    """The counts of the queues the signed-in user sees."""
    today = today or ctx.today()
    return [QueueSummary(q, f"queue.{q}", _count(ctx, q, today)) for q in visible_queues(ctx)]


def items(ctx: ServiceContext, queue: str, today: date | None = None,
          limit: int = 200) -> list[QueueItem]:
    """The items of one queue, most urgent first (at most ``limit``)."""
    if queue not in visible_queues(ctx):
        return []
    today = today or ctx.today()
    if queue in _REVOCATION_QUEUES:
        from mca_tui.services import revocation

        return [QueueItem(queue, r.organization_id, r.case_id, r.name, r.uscc, r.subject,
                          r.deadline.due if r.deadline else None, r.deadline,
                          r.deadline.days_left(today) if r.deadline else None)
                for r in revocation.queue_rows(ctx, queue, limit=limit, today=today)]
    if queue in _DEREGISTRATION_QUEUES:
        from mca_tui.services import deregistration

        return [QueueItem(queue, r.organization_id, r.application_id, r.name, r.uscc,
                          r.subject, r.deadline.due if r.deadline else None, r.deadline,
                          r.deadline.days_left(today) if r.deadline else None)
                for r in deregistration.queue_rows(ctx, queue, limit=limit)]
    if queue == "evaluation_expiring":
        return _evaluation_items(ctx, today, limit)
    cal = ctx.calendar
    if queue == "reports_overdue":
        year = last_closed_report_year(ctx, today)
        overdue: list[QueueItem] = []
        deadlines: dict[str, Deadline] = {}  # by type: the same for every organization
        for oid, name, uscc, org_type in _overdue_orgs(ctx, year, limit):
            if org_type not in deadlines:
                deadlines[org_type] = clocks.annual_report_deadlines(year, OrgType(org_type),
                                                                     cal)[1]
            authority = deadlines[org_type]
            overdue.append(QueueItem(queue, oid, None, name, uscc,
                                     "queue.subject.reports_overdue", authority.due, authority,
                                     authority.days_left(today), year=year))
        overdue.sort(key=lambda i: (i.due is None, i.due or date.max))
        return overdue
    if queue == "reports_awaiting_conclusion":
        with ctx.db.read() as s:
            rows = list(s.exec(_awaiting_statement()
                               .order_by(col(AnnualReport.submitted_on)).limit(limit)))
        return [QueueItem(queue, org.id, None, org.name, org.uscc,
                          "queue.subject.reports_awaiting_conclusion", None, None, None,
                          year=report.report_year)
                for report, org in rows]
    stmt, kind = _statement(ctx, queue, today)
    out: list[QueueItem] = []
    with ctx.db.read() as s:
        if kind == "application":
            from mca_tui.services.registration import summarize

            for app in s.exec(stmt.order_by(col(Application.received_on), Application.id)
                              .limit(limit)):
                summary = summarize(ctx, s, app)
                if queue == "correction" and summary.applicant_due is not None:
                    # 待补正材料: the date given to the applicant, not the decision date
                    due = summary.applicant_due
                    out.append(QueueItem(queue, app.organization_id, app.id,
                                         summary.org_name, None, f"queue.subject.{queue}",
                                         due, None, (due - today).days))
                    continue
                d = (summary.correction_deadline if queue == "correction_notice"
                     else summary.decision_deadline)
                out.append(QueueItem(queue, app.organization_id, app.id, summary.org_name,
                                     None, f"queue.subject.{queue}", d.due if d else None, d,
                                     d.days_left(today) if d else None))
        else:
            order = {
                "record": SupervisionRecord.due_on if queue == "rectifications"
                else SupervisionRecord.record_date,
                "case": PenaltyCase.filed_on,
                "listing": CreditListEntry.listed_on,
            }[kind]
            seen: set[str] = set()
            for row, org in s.exec(stmt.order_by(order).limit(limit)):
                d = _row_deadline(ctx, queue, row)
                if d is None or org.id in seen and queue == "evaluation_expiring":
                    continue
                # (case_steps: SQL selected the cases due soon, _last_filed_due_soon;
                # counting working days back to a long-overdue decision is not needed)
                seen.add(org.id)
                out.append(QueueItem(queue, org.id, None, org.name, org.uscc,
                                     f"queue.subject.{queue}", d.due, d, d.days_left(today)))
    out.sort(key=lambda i: (i.due is None, i.due or date.max))
    return out


def _evaluation_items(ctx: ServiceContext, today: date, limit: int) -> list[QueueItem]:
    """评估等级到期: the rows of ``services.supervision.evaluation.expiring`` (one rule: the
    latest grade of each organization, not cancelled, expiring within the setting
    ``evaluation_expiry_queue_days`` or expired; Order 39 Art 28)."""
    from mca_tui.services.supervision import evaluation

    rows = evaluation.expiring(ctx, today)[:limit]
    with ctx.db.read() as s:
        ids = [r.organization_id for r in rows]
        usccs = dict(s.exec(select(Organization.id, Organization.uscc)
                            .where(col(Organization.id).in_(ids))).all()) if ids else {}
    out = []
    for r in rows:
        d = Deadline(add_years(r.valid_until, -5), r.valid_until, "clock.evaluation_grade_expiry",
                     "《社会组织评估管理办法》第二十八条", "years", 5)
        out.append(QueueItem("evaluation_expiring", r.organization_id, None, r.name,
                             usccs.get(r.organization_id), "queue.subject.evaluation_expiring",
                             r.valid_until, d, (r.valid_until - today).days))
    return out


def _row_deadline(ctx: ServiceContext, queue: str, row: Any) -> Deadline | None:
    cal, params = ctx.calendar, ctx.settings.legal
    if queue == "rectifications":
        return Deadline(row.record_date, row.due_on, "queue.clock.rectification",
                        "《社会组织信用信息管理办法》", "days",
                        (row.due_on - row.record_date).days)
    if queue == "case_steps":
        return clocks.penalty_decision_deadline(row.filed_on, cal)
    if queue == "abnormal_two_years":
        return clocks.abnormal_list_promotion_date(row.listed_on, cal, params)
    return None
