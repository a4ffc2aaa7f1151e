"""Deregistration (注销登记, domain.md §3, §10.1, §10.3) end to end.

The rules are ``domain.deregistration`` (the transition table :data:`DEREGISTRATION`,
the checklist, the 15-day application deadline, the 20-working-day decision clock,
custody); this module writes them, each step one ``ctx.unit`` (one transaction, one audit
event about the application, one ``ApplicationStep`` row):

    start (clerk) -> draft --accept (clerk, 受理)--> accepted --review (reviewer)--> reviewed
                              correction (reviewer) <-> correction_complete (clerk)
                              extend (approver, +10 working days, with reason)
    reviewed --approve / refuse (approver; never the acceptor)--> approved | refused
    approved: custody (clerk, each item collected or declared void) and announce (clerk)

Storage: an ``Application`` of kind ``deregistration`` for the organization. Its
``form_json`` keeps what the clerk typed — ``trigger``, ``liquidation`` (``formed_on``,
``members``, ``guided_by``, ``ended_on``), ``materials`` (checklist code -> received),
``applied_on``, ``direct_registration``, the liquidation audit (``audit_firm``,
``audit_on``, ``audit_result``), ``residual_assets`` — and what the steps add:
``extension`` (approved_on, approved_by, reason), ``custody`` (``services.custody``) and
``announced_on``. The columns hold the dates the queues and statistics read:
``received_on`` (the application date), ``accepted_on``, ``liquidation_end_on``, ``late``
(applied more than 15 days after the liquidation ended: flagged, never refused),
``reviewed_on``, ``decided_on``.

On approval the organization becomes 已注销 with ``deregistered_on`` = the decision date
(``services.organizations.update_organization``: it stays in the registry and the search
index, marked closed), so ``mca-tui stats`` counts it. Acceptance opens the liquidation
audit (财务审计, trigger ``deregistration``): recorded as done when the clerk typed the
audit report (firm, date, opinion), otherwise as required — the same row
``services.supervision.audits`` lists and completes.

Documents (numbered in the unit, rendered after commit): 注销登记申请受理通知书 (accept),
延长注销登记审查期限告知书 (extend), 准予注销登记决定书 — also the 注销证明文件 — or
不予注销登记决定书 (decide), 证书印章作废公告 (custody, items declared void), 注销登记公告
(announce).

The package, by concern: :mod:`.record` (the file as read: facts, info, reads,
documents), :mod:`.intake` (draft, 受理, review, 补正, extension), :mod:`.decision`
(approve / refuse, custody, announcement), :mod:`.queues` (home queues). Import from
the package: ``from mca_tui.services import deregistration``.
"""

from __future__ import annotations

from mca_tui.services.deregistration.decision import (
    announce,
    approve,
    record_custody,
    refuse,
)
from mca_tui.services.deregistration.intake import (
    accept,
    complete_correction,
    extend,
    new_form,
    request_correction,
    review,
    save,
    start,
    withdraw,
)
from mca_tui.services.deregistration.queues import (
    QUEUE_ROLES,
    QueueRow,
    custody_input,
    queue_rows,
)
from mca_tui.services.deregistration.record import (
    AUDIT_RESULTS,
    DEREGISTRABLE,
    IN_FLIGHT,
    KIND,
    LICENSING_LAW,
    OPEN,
    DeregistrationInfo,
    WrongStatus,
    facts_of,
    get,
    in_progress_for,
    list_open,
)
from mca_tui.services.registration.dto import DocumentRef, StepInfo

__all__ = [
    "AUDIT_RESULTS",
    "DEREGISTRABLE",
    "IN_FLIGHT",
    "KIND",
    "LICENSING_LAW",
    "OPEN",
    "QUEUE_ROLES",
    "DeregistrationInfo",
    "DocumentRef",
    "QueueRow",
    "StepInfo",
    "WrongStatus",
    "accept",
    "announce",
    "approve",
    "complete_correction",
    "custody_input",
    "extend",
    "facts_of",
    "get",
    "in_progress_for",
    "list_open",
    "new_form",
    "queue_rows",
    "record_custody",
    "refuse",
    "request_correction",
    "review",
    "save",
    "start",
    "withdraw",
]
