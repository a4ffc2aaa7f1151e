"""The registration workflow: 成立登记 and 变更登记 from intake to certificate.

Steps (each one ``ctx.unit`` = one transaction, one audit event, one ApplicationStep row):

    draft ──submit (clerk, 受理)──> accepted ──review (reviewer, 审查)──> reviewed
      │                              │   ^                                  │
      │             request_correction│   │complete_correction (clerk)      │
      │               (reviewer, 补正)v   │                                 │
      │                            correction                               │
      └─discard──> withdrawn                      approve / refuse (approver)─┘
                                                  -> approved | refused

Dates kept on the application (domain.md §10.1): ``received_on`` (收到申请, typed on the
form), ``accepted_on`` (受理, the counter act), ``complete_on`` (all materials in: the
day received for a complete file, the day the last missing material arrived after a
补正), ``correction_requested_on`` (the one 补正 notice), ``correction_completed_on``,
``reviewed_on``, ``decided_on``. Clocks are computed from them (``domain.clocks``), never
stored. The law of the decision clock (行政许可法 Art 32, 42):

- the clock starts on ``clocks.decision_clock_start``: the day a complete file was
  received; the day the last missing material arrived after a timely 补正 notice; the day
  received when no notice came within 5 working days (deemed accepted; a later completion
  does not restart it). 60 days for an establishment (30 for a charity), 20 working days
  for a change (30 with the head's extension, ``extend_decision_period``);
- at the counter a complete file gets the 受理通知书; an incomplete one the 补正材料通知书
  on the spot or a 材料接收凭证 (``submit(on_the_spot=False)``), never a 受理通知书;
- 补正 is told once: no second notice, none for a complete file (``RefusedByLaw``);
- no refusal of a file whose missing materials were never notified; a decision is dated
  neither before 受理 nor in the future.

The states, the roles and the four-eyes rule (the user who accepted an application may
not decide it) are the transition table ``domain.registration.REGISTRATION``; every
status change goes through ``_move`` (``services.workflow.apply_transition``), and the
screens ask ``available_actions`` what to offer.

Drafts: everything the clerk typed is kept as typed in ``form_json``. Creating a draft and
saving it explicitly (F2) are audited; the autosave that runs while the clerk types
(``save_draft(..., autosave=True)``) writes ``form_json`` only, without an audit event,
because a draft is the clerk's scratch pad, not an act of the office, and auditing every
keystroke batch would bury the trail. The act that matters, acceptance, records the
whole form in its audit event.

Change of legal representative (§2, [S1] Art 27, [S2] Art 22): the approval records
``RegistrationChange.audit_required = True`` on the change row *and* opens a pending
financial audit: a ``SupervisionRecord`` of kind ``financial_audit`` with trigger
``change_of_legal_rep``, ``record_date`` = decision date, ``completed_on`` = None and
``details_json.status = "required"``. The audit is done when ``completed_on`` is set.
"""

from __future__ import annotations

from mca_tui.domain.eligibility import check_field
from mca_tui.domain.registration import REGISTRATION
from mca_tui.services.registration.actions import available_actions
from mca_tui.services.registration.base import EXTENSION_STEP, IN_FLIGHT
from mca_tui.services.registration.correction import (
    complete_correction,
    default_correction_items,
    request_correction,
)
from mca_tui.services.registration.deadlines import applicant_due
from mca_tui.services.registration.decisions import approve, extend_decision_period, refuse
from mca_tui.services.registration.drafts import (
    DraftConflict,
    discard_draft,
    new_form,
    save_draft,
    start_change,
)
from mca_tui.services.registration.dto import (
    ApplicationInfo,
    ApplicationSummary,
    DecisionResult,
    DocumentRef,
    StepInfo,
)
from mca_tui.services.registration.errors import (
    FoundationNotRegistered,
    MaterialsMissing,
    NotReady,
    RefusedByLaw,
    WrongStatus,
)
from mca_tui.services.registration.findings import check_name, field_message
from mca_tui.services.registration.intake import submit
from mca_tui.services.registration.lookups import current_items, current_items_in
from mca_tui.services.registration.read import get_application, list_applications, summarize
from mca_tui.services.registration.review import review

__all__ = [
    "ApplicationInfo",
    "ApplicationSummary",
    "DecisionResult",
    "DocumentRef",
    "EXTENSION_STEP",
    "FoundationNotRegistered",
    "IN_FLIGHT",
    "MaterialsMissing",
    "NotReady",
    "REGISTRATION",
    "RefusedByLaw",
    "StepInfo",
    "WrongStatus",
    "applicant_due",
    "approve",
    "available_actions",
    "check_field",
    "check_name",
    "complete_correction",
    "current_items",
    "current_items_in",
    "default_correction_items",
    "DraftConflict",
    "discard_draft",
    "extend_decision_period",
    "field_message",
    "get_application",
    "list_applications",
    "new_form",
    "refuse",
    "request_correction",
    "review",
    "save_draft",
    "start_change",
    "submit",
    "summarize",
]
