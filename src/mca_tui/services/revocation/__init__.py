"""The revocation case (撤销登记, an administrative penalty case; domain.md §6.2, §10.7) and
the batch that opens cases for several dormant organizations (§6.3).

The rules are ``domain.penalty_case`` (the ``PENALTY_CASE`` transition table, the dated
guards :func:`~mca_tui.domain.penalty_case.refusal`, the clocks, :func:`offered`) and
``domain.casework`` (service, custody). This module writes them, each step one unit with
one audit event (action ``penalty_case.<step>``, subject the case):

- :func:`open_case` — 立案 with at least two enforcement officers; the 立案审批表
  (``case_filing``); the organization leaves the dormant list (a case is open).
- :func:`take_step` — every later step, with the input it needs (:class:`StepData`):
  evidence; the 行政处罚事先告知书 (``advance_notice``); its service in person, by post,
  electronically with consent or by announcement (``service_announcement`` + an
  ``Announcement`` row; effective after ``legal.announcement_service_days``); statement
  or waiver; hearing request, notice (``hearing_notice``, 7 working days ahead) and
  hearing; collective discussion; legal review; the head's extension; the decision
  (``penalty_decision``, by the approver); its service; publication
  (``revocation_announcement``); custody or void announcement (``services.custody``);
  the serious list (a ``CreditListEntry``, ground (七), with its listing notice); status
  已撤销 (``Organization.revoked_on`` and ``revocation_kind``, which ``mca-tui stats``
  counts); closing the case when the organization comes forward.

A step is refused — nothing written — by the workflow (state, role, four eyes: the case
officers never decide, review, chair the hearing or close) and by the dated rules (no
decision while the statement or hearing window is open or before the announcement took
effect, …): :class:`RefusedByRule` names the article. :func:`case_view` gives the screen
the clocks, late flags and the steps offered today (``penalty_case.offered``).

Batch: :func:`preview_batch` writes nothing; :func:`run_batch` opens one case per
candidate and produces its first-step documents (立案审批表, 事先告知书 and, for an
organization that cannot be reached, the 送达公告), each case in its own units; a
failure on one stops none of the others and is reported by name.

The package, by concern: :mod:`.view` (the step input, the facts, the case view),
:mod:`.steps` (open_case, take_step), :mod:`.batch` (preview_batch, run_batch),
:mod:`.queues` (home queues and look-ups). Import from the package:
``from mca_tui.services import revocation``.
"""

from __future__ import annotations

from mca_tui.services.custody import RefusedByRule
from mca_tui.services.revocation.batch import BatchOutcome, open_cases, preview_batch, run_batch
from mca_tui.services.revocation.queues import (
    QUEUE_ROLES,
    QueueRow,
    enforcement_officers,
    latest_case_of,
    queue_count,
    queue_rows,
)
from mca_tui.services.revocation.steps import open_case, take_step
from mca_tui.services.revocation.view import (
    PROPOSED,
    CaseNotFound,
    CaseView,
    FutureDate,
    StepData,
    case_view,
    cases_of,
    facts_of,
)

__all__ = [
    "PROPOSED",
    "QUEUE_ROLES",
    "BatchOutcome",
    "CaseNotFound",
    "CaseView",
    "FutureDate",
    "QueueRow",
    "RefusedByRule",
    "StepData",
    "case_view",
    "cases_of",
    "enforcement_officers",
    "facts_of",
    "latest_case_of",
    "open_case",
    "open_cases",
    "preview_batch",
    "queue_count",
    "queue_rows",
    "run_batch",
    "take_step",
]
