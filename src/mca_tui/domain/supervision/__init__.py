"""Supervision rules (监督管理, issue 10): pure domain, no database, no user interface.

Modules
-------
- ``common``: :class:`~.common.OrgFacts` (what the rules read about an organization),
  :class:`~.common.Reason` (a refusal or finding: stable code, article, message params;
  message ``supervision.reason.<code>``) and :class:`~.common.SupervisionRuleError`.
- ``annual_report``: who must report for year N, the rolled deadlines, a report's status
  (not due / due / on time / late / overdue), conclusions per mode, which open a
  rectification, the abnormal-list proposal (ground (一)), the two-year count (§10.5).
- ``credit_list``: the 7 + 8 grounds (item, article, label key), the current listing as
  its open entries (a new ground restarts the period), promotion on the day after two
  years, removal rules for both lists, grounds given by a penalty, unreachable evidence.
- ``rectification``: orders, items, verification, overdue → ground (三); financial-audit
  triggers; who may be interviewed.
- ``spot_check``: population filter, frozen list and SHA-256, ratio floor, the seeded
  draw ("sha256-rank-v1"), inspector pairs without conflicts, :func:`~.spot_check.verify_draw`.
- ``evaluation``: eligibility (Order 39 Art 6–7), validity, expiry queue, review,
  lowering and cancelling.
- ``workflows``: the transition tables (``domain.workflow``) of the annual report, both
  listings, rectification, the spot-check plan and evaluation, with their state enums.

How the services and screens use them (the next session's work)
----------------------------------------------------------------
Services (``services/supervision/…``) load rows, build the frozen facts, call the rule,
and write in one unit of work with one audit event whose action is the transition's
``action`` (``services.workflow.apply_transition`` checks state, role and four eyes from
``workflows``; add :data:`~.workflows.SUPERVISION_WORKFLOWS` to
``domain.permissions.WORKFLOWS`` when the first service exists). A rule that refuses
raises :class:`~.common.SupervisionRuleError` or returns ``Reason`` values; the service
passes them up unchanged and the screen shows ``reason.message()`` under the field or
in the findings panel, so that nothing the clerk typed is lost.

- Storage mapping, no model change needed: ``AnnualReport`` (``submitted_on``,
  ``conclusion``) → :class:`~.annual_report.ReportFacts`; ``CreditListEntry`` (one row per
  ground; open rows of one kind) → :class:`~.credit_list.Listing`; ``SupervisionRecord``
  kind ``rectification`` (``record_date``, ``due_on``, ``completed_on``, ``verified_on``,
  items and verification in ``details_json``) → :class:`~.rectification.RectificationOrder`;
  kind ``evaluation`` (``grade``, ``record_date``, ``valid_until``) →
  :class:`~.evaluation.Grant`. A spot-check plan needs a table (or ``details_json``)
  holding every field of :class:`~.spot_check.SpotCheckPlan` — the frozen ids, hash, seed,
  algorithm, officers and conflicts — so that ``mca-tui spotcheck verify`` can re-run it.
- Proposals (abnormal list for missing reports or overdue orders, promotion to the
  serious list) are computed without writing; the screen shows them and a confirming
  action lists each in its own unit (with its notice document when
  ``legal.notice_before_listing``).
- Queues: report status ``overdue`` after the deadline, ``order_state == "overdue"``,
  :func:`~.credit_list.promotion_proposals`, :func:`~.evaluation.expiry_queue`.
- Statistics keep reading the records: ``annual_report.is_accepted`` is the same
  definition as ``domain.enums.ACCEPTED_CONCLUSIONS``.

Where the services are: ``services.supervision.{annual_reports,credit_lists}`` (report
cycle, lists) and ``services.supervision.{audits,rectification,interviews,spot_checks,
evaluation}``; a ``SupervisionRecord``'s workflow state and steps are in its
``details_json`` (``services.supervision._rows``); spot-check plans are the table
``spot_check_plan``; ``mca-tui spotcheck verify`` re-runs every recorded draw.
"""
