"""Batch preview of revocation cases (pure: nothing is written): what opening cases for
several candidates on one day will produce (documents, dates, deadlines).
See :mod:`mca_tui.domain.penalty_case`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, WorkingCalendar
from mca_tui.domain.casework import ServiceFacts, service_effective_on
from mca_tui.domain.enums import CaseStepKind, DormancyExclusion, DormancySignal, ServiceMethod
from mca_tui.domain.params import LegalParams
from mca_tui.domain.penalty_case_clocks import earliest_decision_on, hearing_window
from mca_tui.domain.penalty_case_facts import DEFAULT_PARAMS, CaseFacts

K = CaseStepKind


@dataclass(frozen=True)
class BatchCandidate:
    organization_id: str
    uscc: str
    name: str
    signals: tuple[DormancySignal, ...] = ()
    exclusions: tuple[DormancyExclusion, ...] = ()
    reachable: bool = False  # True: the notice can be handed over; False: announcement


@dataclass(frozen=True)
class PlannedDocument:
    kind: str  # document kind: case_filing | advance_notice | service_announcement
    step: CaseStepKind
    issued_on: date


@dataclass(frozen=True)
class CasePreview:
    candidate: BatchCandidate
    skipped: tuple[str, ...] = ()  # why no case is opened (exclusions, no signal)
    documents: tuple[PlannedDocument, ...] = ()
    filed_on: date | None = None
    service_method: ServiceMethod | None = None
    notice_effective_on: date | None = None
    statement_due: date | None = None
    hearing_request_due: date | None = None
    earliest_decision_on: date | None = None
    decision_due: date | None = None
    decision_service_method: ServiceMethod | None = None
    decision_effective_on: date | None = None  # if decided on the earliest day, served alike
    fits: bool = True  # the earliest decision (and its announcement) fits in 90 days
    provisional: bool = False  # a date used a year whose holidays are not known
    deadlines: tuple[Deadline, ...] = field(default_factory=tuple)

    @property
    def opens_case(self) -> bool:
        return not self.skipped


def preview_case(
    candidate: BatchCandidate,
    start_on: date,
    cal: WorkingCalendar,
    params: LegalParams = DEFAULT_PARAMS,
) -> CasePreview:
    """What opening a revocation case for ``candidate`` on ``start_on`` will do: the case
    filed and the advance notice issued that day; a reachable organization is served the
    same day in person, otherwise the notice is published that day and takes effect after
    the announcement period; then the party's windows, the first possible decision day
    and the 90-day decision deadline. Assumptions, not records: nothing is written."""
    skipped = tuple(e.value for e in candidate.exclusions)
    if not candidate.signals and not skipped:
        skipped = ("no_signal",)
    if skipped:
        return CasePreview(candidate, skipped=skipped)
    method = ServiceMethod.IN_PERSON if candidate.reachable else ServiceMethod.ANNOUNCEMENT
    docs = [
        PlannedDocument("case_filing", K.FILE, start_on),
        PlannedDocument("advance_notice", K.ISSUE_NOTICE, start_on),
    ]
    if method is ServiceMethod.ANNOUNCEMENT:
        docs.append(PlannedDocument("service_announcement", K.SERVE_NOTICE, start_on))
        service = ServiceFacts(method, published_on=start_on, other_methods_failed=True)
    else:
        service = ServiceFacts(method, served_on=start_on)
    facts = CaseFacts(filed_on=start_on, notice_issued_on=start_on, notice_services=(service,))
    effective = service_effective_on(service, cal, params)
    assert effective is not None
    statement = clocks.statement_defence_deadline(effective, cal, params)
    hearing = hearing_window(effective, cal, params)
    decision = clocks.penalty_decision_deadline(start_on, cal)
    earliest = earliest_decision_on(facts, cal, params)
    assert earliest is not None
    if method is ServiceMethod.ANNOUNCEMENT:
        decision_effective = clocks.announcement_service_effective(earliest, cal, params).due
    else:
        decision_effective = earliest
    deadlines: list[Deadline] = [decision, statement, hearing]
    if method is ServiceMethod.ANNOUNCEMENT:
        deadlines.insert(0, clocks.announcement_service_effective(start_on, cal, params))
    return CasePreview(
        candidate,
        documents=tuple(docs),
        filed_on=start_on,
        service_method=method,
        notice_effective_on=effective,
        statement_due=statement.due,
        hearing_request_due=hearing.due,
        earliest_decision_on=earliest,
        decision_due=decision.due,
        decision_service_method=method,
        decision_effective_on=decision_effective,
        fits=earliest <= decision.due,
        provisional=any(d.provisional for d in deadlines),
        deadlines=tuple(deadlines),
    )


def preview_batch(
    candidates: Sequence[BatchCandidate],
    start_on: date,
    cal: WorkingCalendar,
    params: LegalParams = DEFAULT_PARAMS,
) -> tuple[CasePreview, ...]:
    """:func:`preview_case` for each candidate, in the given order (one per candidate)."""
    return tuple(preview_case(c, start_on, cal, params) for c in candidates)
