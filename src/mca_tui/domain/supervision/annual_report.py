"""The annual report cycle (年度检查 / 年度工作报告), domain.md §4 and §10.4–10.5.

For report year N:

- who must report: registered on or before the cut-off of year N (30 June by default,
  ``LegalParams.report_cutoff_*``; MCA Order 27 Art 3 and local practice) and not
  deregistered or revoked before N+1-01-01 (:func:`must_report`, via ``domain.clocks``);
- deadlines: social groups and 民非 to the supervisory unit by N+1-03-31 and to the
  authority by N+1-05-31 ([S1] Art 28, [S2] Art 23); foundations to the authority by
  N+1-03-31 ([S3] Art 36); each rolled to the next working day (民事诉讼法 Art 85);
- the status of one organization's report (:func:`report_status`); "on time" is measured
  against the authority deadline, the last day the authority itself must have it;
- the conclusions each mode allows (:func:`conclusions_for`): inspection mode 合格 /
  基本合格 / 不合格, report mode accepted / returned without a grade (§4.2, §4.4);
- which conclusions open a rectification (基本合格, 不合格) and which count as accepted
  (``domain.enums.ACCEPTED_CONCLUSIONS``, §10.10);
- the abnormal-list proposal after the deadline (:func:`abnormal_list_proposals`): every
  organization due and not submitted, ground (一) of Order 60. 不合格 is not "not
  submitted": a failed report opens a rectification, never this listing;
- the two-year count of §10.5 (:func:`consecutive_missed_or_failed`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, WorkingCalendar
from mca_tui.domain.enums import (
    ACCEPTED_CONCLUSIONS,
    AbnormalListGround,
    AnnualReportMode,
    AnnualReportStatus,
    OrgType,
    ReportConclusion,
)
from mca_tui.domain.params import LegalParams
from mca_tui.domain.supervision.common import ORDER_27, ORDER_60, S1, S2, S3, OrgFacts, refuse

__all__ = [
    "OPENS_RECTIFICATION",
    "ReportFacts",
    "ReportCycle",
    "ListingProposal",
    "abnormal_list_proposals",
    "check_conclusion",
    "conclusions_for",
    "consecutive_missed_or_failed",
    "cycle_for",
    "is_accepted",
    "mode_of",
    "must_report",
    "opens_rectification",
    "report_status",
]

_INSPECTION_CONCLUSIONS = (ReportConclusion.PASS, ReportConclusion.BASIC_PASS, ReportConclusion.FAIL)
_REPORT_CONCLUSIONS = (ReportConclusion.ACCEPTED, ReportConclusion.RETURNED)

# 基本合格 and 不合格 are followed by an order to rectify (domain.md §4.2; MCA notices,
# Order 27, the 2026 社团 inspection Order).
OPENS_RECTIFICATION: frozenset[ReportConclusion] = frozenset(
    {ReportConclusion.BASIC_PASS, ReportConclusion.FAIL}
)


def _article_for(org_type: OrgType) -> str:
    return {
        OrgType.SOCIAL_GROUP: f"{S1}第二十八条",
        OrgType.PRIVATE_NON_ENTERPRISE: f"{S2}第二十三条；{ORDER_27}",
        OrgType.FOUNDATION: f"{S3}第三十六条",
    }[org_type]


def mode_of(params: LegalParams) -> AnnualReportMode:
    """The configured mode (``legal.annual_report_mode``; UNCONFIRMED for Haicang, §4.4)."""
    try:
        return AnnualReportMode(params.annual_report_mode)
    except ValueError:
        raise refuse("report_mode_unknown", "domain.md §4.4",
                     value=params.annual_report_mode) from None


def conclusions_for(mode: AnnualReportMode) -> tuple[ReportConclusion, ...]:
    """The conclusions a reviewer may give in ``mode``: 合格/基本合格/不合格 in inspection
    mode (§4.2); accepted or returned without a grade in report mode (§4.4)."""
    return _INSPECTION_CONCLUSIONS if mode is AnnualReportMode.INSPECTION else _REPORT_CONCLUSIONS


def check_conclusion(mode: AnnualReportMode, conclusion: ReportConclusion) -> None:
    """Refuse a conclusion the mode does not give (``not_submitted`` is a status, never a
    conclusion a reviewer gives)."""
    if conclusion not in conclusions_for(mode):
        raise refuse("conclusion_not_in_mode", "domain.md §4.2、§4.4",
                     conclusion=conclusion.value, mode=mode.value)


def opens_rectification(conclusion: ReportConclusion | str | None) -> bool:
    """True for 基本合格 and 不合格: the conclusion orders a rectification (§4.2, §9)."""
    return conclusion is not None and ReportConclusion(conclusion) in OPENS_RECTIFICATION


def is_accepted(conclusion: ReportConclusion | str | None) -> bool:
    """True for a conclusion counted as an accepted report (§10.10)."""
    return conclusion is not None and str(conclusion) in ACCEPTED_CONCLUSIONS


@dataclass(frozen=True)
class ReportCycle:
    """The deadlines of one organization type for report year ``year``."""

    year: int
    org_type: OrgType
    supervisory: Deadline  # to the supervisory unit (foundations: same as authority)
    authority: Deadline  # to the registration authority: the date "on time" is measured by

    @property
    def article(self) -> str:
        return _article_for(self.org_type)


def cycle_for(year: int, org_type: OrgType, cal: WorkingCalendar) -> ReportCycle:
    """Deadlines of report year ``year`` (rolled to working days, ``domain.clocks``)."""
    supervisory, authority = clocks.annual_report_deadlines(year, org_type, cal)
    return ReportCycle(year, org_type, supervisory, authority)


def must_report(org: OrgFacts, year: int, params: LegalParams | None = None) -> bool:
    """True if ``org`` is due to report on ``year`` (§10.4, §10.10): registered on or
    before the cut-off of that year and not closed before N+1-01-01."""
    if org.registered_on is None:
        return False
    return clocks.must_report(org.registered_on, year, org.closed_on, params or LegalParams())


@dataclass(frozen=True)
class ReportFacts:
    """What was recorded of one organization's report for one year
    (``storage.models.AnnualReport``): ``submitted_on`` the day the authority received
    it; a ledger row concluded ``not_submitted`` counts as no report."""

    submitted_on: date | None = None
    conclusion: ReportConclusion | None = None

    @property
    def submitted(self) -> bool:
        return self.submitted_on is not None and self.conclusion is not ReportConclusion.NOT_SUBMITTED


def report_status(
    org: OrgFacts,
    year: int,
    report: ReportFacts | None,
    today: date,
    cal: WorkingCalendar,
    params: LegalParams | None = None,
) -> AnnualReportStatus:
    """Where ``org`` stands for ``year`` on ``today``:

    - ``not_due``: not required to report (§10.4);
    - ``on_time``: received on or before the (rolled) authority deadline;
    - ``late``: received after it;
    - ``due``: nothing received and the deadline not passed;
    - ``overdue``: nothing received and the deadline passed (Order 60 ground (一)).
    """
    if not must_report(org, year, params):
        return AnnualReportStatus.NOT_DUE
    return _status(report, today, cycle_for(year, org.org_type, cal).authority)


def _status(report: ReportFacts | None, today: date, deadline: Deadline) -> AnnualReportStatus:
    """The status of an organization due to report, against its authority deadline."""
    if report is not None and report.submitted:
        assert report.submitted_on is not None
        if report.submitted_on <= deadline.due:
            return AnnualReportStatus.ON_TIME
        return AnnualReportStatus.LATE
    return AnnualReportStatus.OVERDUE if deadline.is_overdue(today) else AnnualReportStatus.DUE


@dataclass(frozen=True)
class ListingProposal:
    """A proposal to list ``organization_id`` on the abnormal list (nothing is written:
    the service shows the proposals and lists them when the clerk confirms)."""

    organization_id: str
    ground: AbnormalListGround
    article: str
    reason_key: str
    params: dict[str, Any]


def abnormal_list_proposals(
    orgs: Iterable[OrgFacts],
    year: int,
    reports: Mapping[str, ReportFacts],
    today: date,
    cal: WorkingCalendar,
    params: LegalParams | None = None,
    *,
    exclude: Collection[str] = (),
    include_late: bool = False,
) -> list[ListingProposal]:
    """Organizations to propose for the abnormal list for not reporting on ``year``
    (Order 60, ground (一) 未按照规定时限和要求报送年度工作报告).

    Only after the organization's deadline has passed, only organizations due to report
    and with no report received (``overdue``). A report received late is proposed only with
    ``include_late`` (the clerk's choice: it also missed the time limit). A submitted report
    concluded 不合格 is never proposed, nor an organization closed by ``today``.
    ``exclude``: organizations already listed on this ground for this year. Sorted by
    organization id.
    """
    wanted = {AnnualReportStatus.OVERDUE}
    if include_late:
        wanted.add(AnnualReportStatus.LATE)
    params = params or LegalParams()
    deadlines = {t: cycle_for(year, t, cal).authority for t in OrgType}  # once, not per org
    out = []
    for org in orgs:
        if org.id in exclude:
            continue
        if org.closed_on is not None and org.closed_on <= today:
            continue  # deregistered or revoked since: nothing to list
        if not must_report(org, year, params):
            continue
        deadline = deadlines[org.org_type]
        status = _status(reports.get(org.id), today, deadline)
        if status not in wanted:
            continue
        out.append(ListingProposal(
            organization_id=org.id,
            ground=AbnormalListGround.REPORT_NOT_SUBMITTED,
            article=f"{ORDER_60}（列入活动异常名录情形第一项）；{_article_for(org.org_type)}",
            reason_key=f"supervision.proposal.report_{status.value}",
            params={"year": year, "deadline": deadline.due.isoformat()},
        ))
    return sorted(out, key=lambda p: p.organization_id)


def consecutive_missed_or_failed(
    outcomes: Mapping[int, AnnualReportStatus | ReportConclusion | None], up_to_year: int
) -> int:
    """Consecutive report years ending with ``up_to_year`` that were not submitted (status
    ``overdue``, or a ``not_submitted`` conclusion) or concluded 不合格 (§10.5). A year
    missing from ``outcomes`` or ``not_due`` ends the run. At 2 the service proposes a
    revocation case (民非: Order 27 Art 10; 社团: [S1] Art 30(3) and local discretion);
    at 1 missing, the abnormal list."""
    count = 0
    year = up_to_year
    bad = {AnnualReportStatus.OVERDUE, ReportConclusion.NOT_SUBMITTED, ReportConclusion.FAIL}
    while outcomes.get(year) in bad:
        count += 1
        year -= 1
    return count
