"""The clocks of a revocation case (撤销登记): the 90-day decision period (and its extension),
the party's statement/defence and hearing-request windows after the advance notice took
effect, the hearing notice, the first possible decision day, serving the decision within
7 working days and the remedy periods; the deadlines the office missed (flags, never a
reason to refuse). See :mod:`mca_tui.domain.penalty_case`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, WorkingCalendar
from mca_tui.domain.casework import RemedyPeriods, first_effective_service, remedy_periods
from mca_tui.domain.params import LegalParams
from mca_tui.domain.penalty_case_facts import (
    ART_EXTENSION,
    DEFAULT_PARAMS,
    ONE_DAY,
    CaseFacts,
    service_date,
)


@dataclass(frozen=True)
class CaseClocks:
    """Every clock of a case, computed from its dates; all None before they start."""

    decision: Deadline | None = None  # 90 days from filing
    notice_served_on: date | None = None  # the advance notice took effect
    statement: Deadline | None = None  # statement and defence window
    hearing_request: Deadline | None = None  # 5 working days, statutory
    hearing_notice: Deadline | None = None  # last day to notify a scheduled hearing
    earliest_decision_on: date | None = None  # no decision before this day
    decision_service: Deadline | None = None  # serve within 7 working days
    decision_served_on: date | None = None
    remedies: RemedyPeriods | None = None
    stopped_on: date | None = None  # the case was closed: every clock stopped

    def running(self, today: date) -> tuple[Deadline, ...]:
        """The deadlines still to be met on ``today`` (for the case and the home queues);
        none once the case is closed."""
        if self.stopped_on is not None and self.stopped_on <= today:
            return ()
        out: list[Deadline] = []
        if self.decision is not None and self.decision_service is None:
            out.append(self.decision)
        if self.hearing_notice is not None:
            out.append(self.hearing_notice)
        if self.decision_service is not None and self.decision_served_on is None:
            out.append(self.decision_service)
        return tuple(out)

    def waiting(self, today: date) -> tuple[Deadline, ...]:
        """The party's windows still open on ``today`` (statement, hearing request)."""
        if self.stopped_on is not None and self.stopped_on <= today:
            return ()
        return tuple(d for d in (self.statement, self.hearing_request)
                     if d is not None and today <= d.due)


def hearing_window(served_on: date, cal: WorkingCalendar, params: LegalParams) -> Deadline:
    """The hearing-request window (行政处罚法 Art 64(1)): ``clocks.hearing_request_deadline``,
    never shorter than the statutory 5 working days whatever the settings say."""
    dl = clocks.hearing_request_deadline(served_on, cal, params)
    floor = cal.add_working_days(served_on, 5)
    if dl.due < floor:  # a setting tried to shorten it: the law wins
        return clocks.hearing_request_deadline(served_on, cal, LegalParams())
    return dl


def decision_deadline(
    facts: CaseFacts, cal: WorkingCalendar, params: LegalParams = DEFAULT_PARAMS
) -> Deadline | None:
    """Decide within 90 days of filing (行政处罚法 Art 60); when the head approved an
    extension, 90 + ``params.penalty_decision_extension_days`` (Order 68's extension rule is
    UNCONFIRMED, so the extra days are a setting, 0 = none)."""
    if facts.filed_on is None:
        return None
    base = clocks.penalty_decision_deadline(facts.filed_on, cal)
    extra = params.penalty_decision_extension_days
    if facts.extended_on is None or extra <= 0:
        return base
    return cal.deadline(facts.filed_on, base.amount + extra, "days",
                        rule="case.clock.penalty_decision_extended", article=ART_EXTENSION)


def late_flags(
    facts: CaseFacts, today: date, cal: WorkingCalendar, params: LegalParams = DEFAULT_PARAMS
) -> tuple[str, ...]:
    """Deadlines the office missed, for display (they are flagged, never a reason to refuse
    the overdue act): ``decision_overdue`` (decided, or still undecided, after the decision
    deadline) and ``decision_service_overdue`` (decision not served within 7 working days).
    A closed case has none."""
    if facts.closed_on is not None or facts.filed_on is None:
        return ()
    out = []
    deadline = decision_deadline(facts, cal, params)
    assert deadline is not None
    if (facts.decided_on or today) > deadline.due:
        out.append("decision_overdue")
    if facts.decided_on is not None:
        service = clocks.decision_service_deadline(facts.decided_on, cal)
        sent = [d for s in facts.decision_services if (d := service_date(s)) is not None]
        if (min(sent) if sent else today) > service.due:
            out.append("decision_service_overdue")
    return tuple(out)


def earliest_decision_on(
    facts: CaseFacts, cal: WorkingCalendar, params: LegalParams = DEFAULT_PARAMS
) -> date | None:
    """The first day a decision may be made, or None while it cannot be known (the
    advance notice not yet served, a requested hearing not yet held):

    - the advance notice must have taken effect (service; announcement N days after
      publication) — no decision without it (Art 62);
    - the statement/defence and hearing-request windows must have run out (the day after
      the later one), unless the party expressly waived both in writing;
    - a requested hearing must have been held (or the party failed to attend), and the
      decision comes after it (Art 64, 65).
    """
    served = first_effective_service(facts.notice_services, cal, params)
    if served is None:
        return None
    if facts.waived_on is not None:
        earliest = max(served, facts.waived_on)
    else:
        st = clocks.statement_defence_deadline(served, cal, params).due
        hr = hearing_window(served, cal, params).due
        earliest = max(st, hr) + ONE_DAY
    if facts.hearing.requested_on is not None:
        if facts.hearing.held_on is None:
            return None
        earliest = max(earliest, facts.hearing.held_on)
    return earliest


def case_clocks(
    facts: CaseFacts, cal: WorkingCalendar, params: LegalParams = DEFAULT_PARAMS
) -> CaseClocks:
    if facts.filed_on is None:
        return CaseClocks()
    decision = decision_deadline(facts, cal, params)
    served = first_effective_service(facts.notice_services, cal, params)
    statement = hearing = hearing_notice = None
    if served is not None and facts.waived_on is None:
        statement = clocks.statement_defence_deadline(served, cal, params)
        hearing = hearing_window(served, cal, params)
    if facts.hearing.scheduled_on is not None and facts.hearing.notified_on is None:
        hearing_notice = clocks.latest_hearing_notice_date(facts.hearing.scheduled_on, cal)
    decision_service = dec_served = remedies = None
    if facts.decided_on is not None:
        decision_service = clocks.decision_service_deadline(facts.decided_on, cal)
        dec_served = first_effective_service(facts.decision_services, cal, params)
        if dec_served is not None:
            remedies = remedy_periods(dec_served, cal)
    return CaseClocks(
        decision=decision,
        notice_served_on=served,
        statement=statement,
        hearing_request=hearing,
        hearing_notice=hearing_notice,
        earliest_decision_on=earliest_decision_on(facts, cal, params),
        decision_service=decision_service,
        decision_served_on=dec_served,
        remedies=remedies,
        stopped_on=facts.closed_on,
    )
