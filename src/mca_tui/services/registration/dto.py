"""What the registration services return to the screens: an application, its
summary in lists, its steps and documents, a decision's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mca_tui.domain.calendar import Deadline
from mca_tui.domain.eligibility import FindingDTO
from mca_tui.domain.enums import ApplicationKind, ApplicationStatus, OrgType


@dataclass(frozen=True)
class StepInfo:
    step: str
    on_date: date
    actor_name: str
    note: str
    data: dict[str, Any] = field(default_factory=dict)



@dataclass(frozen=True)
class DocumentRef:
    id: str
    kind: str
    number: str
    title: str
    file_path: str
    issued_on: date



@dataclass(frozen=True)
class ApplicationSummary:
    id: str
    number: str | None
    kind: ApplicationKind
    org_type: OrgType
    status: ApplicationStatus
    org_name: str
    organization_id: str | None
    received_on: date | None
    accepted_on: date | None
    complete_on: date | None
    updated_at: object
    decision_deadline: Deadline | None
    correction_deadline: Deadline | None
    late: bool
    version: int
    applicant_due: date | None = None
    """While in 补正: the date by which the applicant was asked to hand the items in."""



@dataclass(frozen=True)
class ApplicationInfo:
    """An application as the screens show it: the form as typed, the dates, the clocks,
    the findings (eligibility + register look-ups), the steps and the documents."""

    id: str
    number: str | None
    kind: ApplicationKind
    org_type: OrgType
    status: ApplicationStatus
    form: dict[str, Any]
    organization_id: str | None
    org_name: str
    received_on: date | None
    accepted_on: date | None
    complete_on: date | None
    correction_requested_on: date | None
    correction_items: tuple[str, ...]
    correction_completed_on: date | None
    reviewed_on: date | None
    decided_on: date | None
    decision_reasons: str
    supervisory_approval_on: date | None
    late: bool
    is_charity: bool
    created_by: str
    accepted_by: str
    reviewed_by: str
    decided_by: str
    version: int
    decision_deadline: Deadline | None
    correction_deadline: Deadline | None
    correction_notice_late: bool
    findings: tuple[FindingDTO, ...]
    steps: tuple[StepInfo, ...]
    documents: tuple[DocumentRef, ...]
    current: dict[str, Any]  # change: the organization's present values (display text)
    uscc: str | None
    actions: tuple[str, ...] = ()
    """The actions the user who read it may take now (``available_actions``)."""
    applicant_due: date | None = None
    """While in 补正: the date by which the applicant was asked to hand the items in."""

    @property
    def blocking(self) -> tuple[FindingDTO, ...]:
        return tuple(f for f in self.findings if f.blocks)

    @property
    def warnings(self) -> tuple[FindingDTO, ...]:
        return tuple(f for f in self.findings if not f.blocks)



@dataclass(frozen=True)
class DecisionResult:
    application: ApplicationInfo
    organization_id: str | None
    uscc: str | None
    documents: tuple[DocumentRef, ...]
    preview: str  # plain text of the main document, for the terminal preview
