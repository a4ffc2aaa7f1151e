"""Evaluation of social organizations (社会组织评估, MCA Order 39, 2011), domain.md §7.

- Who may apply (Art 6): holds its certificate for 2 full years (满两个年度) and was never
  evaluated, or its grade reaches the end of its validity. "Full years" are counted as
  report years (calendar years, 年度) the organization was registered for from 1 January
  to 31 December: registered on 1 January 2021 → 2021 and 2022 are full, it may apply in
  2023; registered on 2 January 2021 → from 2024.
- Who is not evaluated (Art 7; the 2021 national rule adds the credit lists): missed last
  year's report, 不合格 last year, 基本合格 two years running, penalized last year or a
  penalty not executed, under investigation, on the abnormal or serious list.
  "Last year" is the latest report year whose outcome is known on the day of application:
  the previous year once its authority deadline has passed or its report is concluded,
  otherwise the year before.
- Grades 1A–5A (Art 26), valid 5 years (Art 28): the grade is valid through the
  corresponding day 5 years after the grant (民法典 Art 201–203), then expired.
- The expiry queue lists grades expiring within ``evaluation_expiry_queue_days``
  (parameter) or expired; an organization in that window may apply again (Art 6(b)).
- Review (复核, Art 20–23): requested in writing during the publicity period; the review
  decision is notified within 15 days.
- Lowering or cancelling a grade needs a reason: 不合格 last year, 基本合格 two years
  running, an administrative penalty (domain.md §7, MCA 2017 cases), or another reason
  written out (grounds for cancelling are UNCONFIRMED, §13.7).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, WorkingCalendar
from mca_tui.domain.enums import (
    AnnualReportStatus,
    EvaluationGrade,
    OrgStatus,
    ReportConclusion,
)
from mca_tui.domain.params import LegalParams
from mca_tui.domain.supervision.annual_report import cycle_for
from mca_tui.domain.supervision.common import ORDER_39, OrgFacts, Reason, refuse

__all__ = [
    "GRADE_CHANGE_REASONS",
    "EvaluationFacts",
    "ExpiringGrade",
    "Grant",
    "PenaltyFact",
    "check_eligibility",
    "check_grade_change",
    "check_review_request",
    "expiry_queue",
    "full_years_registered",
    "gets_certificate_and_plaque",
    "grade_valid_until",
    "last_known_report_year",
    "review_notice_deadline",
]

ART_6 = f"{ORDER_39}第六条"
ART_7 = f"{ORDER_39}第七条"
ART_7_LISTS = f"{ORDER_39}第七条；《全国性社会组织评估管理规定》（2021）"
ART_20_23 = f"{ORDER_39}第二十条至第二十三条"
ART_26 = f"{ORDER_39}第二十六条"
REVIEW_NOTICE_DAYS = 15  # Art 23: review decision notified within 15 days

Outcome = AnnualReportStatus | ReportConclusion | None


@dataclass(frozen=True)
class Grant:
    """An evaluation grade as recorded (``SupervisionRecord`` kind ``evaluation``:
    ``grade``, ``record_date`` = ``granted_on``, ``valid_until``)."""

    grade: EvaluationGrade
    granted_on: date
    cancelled_on: date | None = None


@dataclass(frozen=True)
class PenaltyFact:
    decided_on: date
    executed: bool = True


@dataclass(frozen=True)
class EvaluationFacts:
    """What the eligibility check reads. ``reports``: per report year, the conclusion when
    concluded, else the status (``annual_report.report_status``)."""

    org: OrgFacts
    reports: Mapping[int, Outcome]
    penalties: Sequence[PenaltyFact] = ()
    under_investigation: bool = False
    on_credit_list: bool = False
    last_grant: Grant | None = None


def full_years_registered(registered_on: date, on: date) -> int:
    """Calendar years wholly inside [registered_on, on): years Y with registered_on on or
    before 1 January of Y and 31 December of Y before ``on``."""
    first = registered_on.year if (registered_on.month, registered_on.day) == (1, 1) else (
        registered_on.year + 1)
    last = on.year - 1  # 31 Dec of on.year - 1 is before ``on``
    return max(0, last - first + 1)


def grade_valid_until(granted_on: date, cal: WorkingCalendar) -> date:
    """Last day the grade is valid: 5 years after the grant (Order 39 Art 28; the clock
    ``domain.clocks.evaluation_grade_expiry``)."""
    return clocks.evaluation_grade_expiry(granted_on, cal).due


def gets_certificate_and_plaque(grade: EvaluationGrade) -> bool:
    """3A and above receive a certificate and a plaque (domain.md §7)."""
    return grade.rank >= 3


def last_known_report_year(
    facts: EvaluationFacts, on: date, cal: WorkingCalendar
) -> int:
    """The report year Art 7's "last year" refers to on ``on``."""
    year = on.year - 1
    outcome = _norm(facts.reports.get(year))
    concluded = isinstance(outcome, ReportConclusion) and outcome not in (
        ReportConclusion.RETURNED, ReportConclusion.NOT_SUBMITTED)
    deadline = cycle_for(year, facts.org.org_type, cal).authority
    if concluded or deadline.is_overdue(on):
        return year
    return year - 1


def _norm(outcome: object) -> Outcome:
    """An outcome as its enum (services may pass the stored strings)."""
    if outcome is None:
        return None
    text = str(outcome)
    if text in ReportConclusion._value2member_map_:
        return ReportConclusion(text)
    return AnnualReportStatus(text)


def _grade_open(grant: Grant | None, on: date) -> bool:
    return grant is not None and (grant.cancelled_on is None or grant.cancelled_on > on)


def check_eligibility(
    facts: EvaluationFacts,
    applied_on: date,
    cal: WorkingCalendar,
    params: LegalParams | None = None,
) -> list[Reason]:
    """Reasons ``facts.org`` may not be evaluated on an application of ``applied_on``
    (empty: eligible), each naming its article (Order 39 Art 6–7)."""
    params = params or LegalParams()
    org = facts.org
    out: list[Reason] = []
    if org.status is not OrgStatus.ACTIVE or org.registered_on is None:
        return [Reason("eval_not_active", ART_6)]
    years = full_years_registered(org.registered_on, applied_on)
    if years < 2:
        out.append(Reason("eval_not_two_years", ART_6, {"years": years}))
    grant = facts.last_grant
    if _grade_open(grant, applied_on):
        assert grant is not None
        until = grade_valid_until(grant.granted_on, cal)
        window = getattr(params, "evaluation_expiry_queue_days", 180)
        if (until - applied_on).days > window:
            out.append(Reason("eval_grade_valid", ART_6,
                              {"grade": grant.grade.value, "until": until.isoformat()}))
    last = last_known_report_year(facts, applied_on, cal)
    outcome = _norm(facts.reports.get(last))
    if outcome in (AnnualReportStatus.OVERDUE, ReportConclusion.NOT_SUBMITTED):
        out.append(Reason("eval_report_missed", ART_7, {"year": last}))
    if outcome is ReportConclusion.FAIL:
        out.append(Reason("eval_failed_last_year", ART_7, {"year": last}))
    before = _norm(facts.reports.get(last - 1))
    if outcome is ReportConclusion.BASIC_PASS and before is ReportConclusion.BASIC_PASS:
        out.append(Reason("eval_basic_pass_two_years", ART_7, {"first": last - 1, "last": last}))
    for p in facts.penalties:
        if p.decided_on.year == applied_on.year - 1 or not p.executed:
            out.append(Reason("eval_penalized", ART_7, {"on": p.decided_on.isoformat()}))
            break
    if facts.under_investigation:
        out.append(Reason("eval_under_investigation", ART_7))
    if facts.on_credit_list:
        out.append(Reason("eval_on_credit_list", ART_7_LISTS))
    return out


@dataclass(frozen=True)
class ExpiringGrade:
    organization_id: str
    grade: EvaluationGrade
    valid_until: date
    days_left: int  # negative once expired


def expiry_queue(
    grants: Mapping[str, Grant],
    today: date,
    cal: WorkingCalendar,
    params: LegalParams | None = None,
) -> list[ExpiringGrade]:
    """Organizations whose latest grade (``grants``) expires within the configured number
    of days or has expired, not cancelled; soonest first."""
    window = getattr(params or LegalParams(), "evaluation_expiry_queue_days", 180)
    out = []
    for org_id, grant in grants.items():
        if not _grade_open(grant, today):
            continue
        until = grade_valid_until(grant.granted_on, cal)
        left = (until - today).days
        if left <= window:
            out.append(ExpiringGrade(org_id, grant.grade, until, left))
    return sorted(out, key=lambda e: (e.valid_until, e.organization_id))


def check_review_request(
    requested_on: date, publicity_from: date, publicity_to: date
) -> Reason | None:
    """A review (复核) is requested in writing during the publicity period (Art 20)."""
    if publicity_from <= requested_on <= publicity_to:
        return None
    return Reason("eval_review_outside_publicity", ART_20_23, {
        "start": publicity_from.isoformat(), "end": publicity_to.isoformat()})


def review_notice_deadline(decided_on: date, cal: WorkingCalendar) -> Deadline:
    """Notify the review decision in writing within 15 days of the decision (Art 23;
    rolled off a rest day like every period counted in days)."""
    return cal.deadline(decided_on, REVIEW_NOTICE_DAYS, "days",
                        rule="supervision.clock.review_notice", article=ART_20_23)


# Reasons for lowering or cancelling a grade (domain.md §7).
GRADE_CHANGE_REASONS = ("failed_last_year", "basic_pass_two_years", "penalty", "other")


def check_grade_change(
    current: Grant, new_grade: EvaluationGrade | None, reason: str, reason_text: str = ""
) -> None:
    """Refuse a lowering (``new_grade`` lower than the current one) or a cancellation
    (``new_grade`` None) without a known reason, without a written text for ``other`` or
    for a cancellation (its grounds are UNCONFIRMED), or a "lowering" that is not lower."""
    if reason not in GRADE_CHANGE_REASONS:
        raise refuse("grade_change_reason_unknown", ART_26, reason=reason)
    if current.cancelled_on is not None:
        raise refuse("grade_already_cancelled", ART_26, on=current.cancelled_on.isoformat())
    if new_grade is not None and new_grade.rank >= current.grade.rank:
        raise refuse("grade_not_lower", ART_26, current=current.grade.value, new=new_grade.value)
    if (reason == "other" or new_grade is None) and not reason_text.strip():
        raise refuse("grade_change_reason_text", ART_26)
