"""The demo's current report cycle and credit lists, written through the services (called
at the end of ``demo.ensure_demo``; the ledger is not changed, so the 2022 figures stay
the bureau's).

- Report year 2025 (filed in 2026): a few of the organizations the ledger leaves without a
  report file late in June 2026; the clerk receives them, another reviewer concludes most,
  two wait for the conclusion (they head the reviewer's list).
- Abnormal list: of the organizations without a report for 2024, proposed after the
  deadline, the approver listed three on 2025-07-15 (ground (一), each with its notice;
  the others are still proposed, for the proposal screen);
  one organization whose letters came back is listed on 2024-06-20 on ground (六) and so
  reaches two years on the list on 2026-06-21 (the promotion queue).

Deterministic: the organizations are taken in the order of their codes.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlmodel import col, select

from mca_tui.config import Settings
from mca_tui.services import users
from mca_tui.services.context import ServiceContext, cli_context, ensure_office
from mca_tui.services.supervision import annual_reports, credit_lists
from mca_tui.storage.engine import Database
from mca_tui.storage.models import CreditListEntry, Organization

log = logging.getLogger(__name__)

LATE_FILERS = 4  # late 2025 reports received in June 2026
AWAITING = 2  # of which still waiting for the conclusion
LISTED_2024 = 3  # of the 2024 non-filers, listed (the others stay proposed: the screen)
LISTED_ON = date(2025, 7, 15)  # the 2024 non-filers listed (after the 2 June 2025 deadline)
UNREACHABLE_ON = date(2024, 6, 20)  # two years on the list on 2026-06-21


def _ctx(db: Database, settings: Settings, username: str, day: date) -> ServiceContext | None:
    office = ensure_office(db, settings)
    info = next((u for u in users.list_users(cli_context(db, settings))
                 if u.username == username), None)
    if info is None:
        return None
    return ServiceContext(db=db, settings=settings, actor=users.actor_for(db, info, office.id),
                          today=lambda: day)


def seed_demo_reports(db: Database, settings: Settings) -> None:
    clerk = _ctx(db, settings, "clerk", date(2026, 6, 30))
    reviewer = _ctx(db, settings, "reviewer", date(2026, 6, 30))
    approver_2025 = _ctx(db, settings, "approver", LISTED_ON)
    approver_2024 = _ctx(db, settings, "approver", UNREACHABLE_ON)
    if not (clerk and reviewer and approver_2025 and approver_2024):
        log.warning("demo users missing: the report cycle is not seeded")
        return
    # ---- abnormal list: the 2024 non-filers (ground (一)), proposed then confirmed
    proposals = annual_reports.abnormal_proposals(approver_2025, 2024, LISTED_ON)
    annual_reports.list_missing_reports(approver_2025, 2024,
                                        [p.organization_id for p in proposals][:LISTED_2024],
                                        listed_on=LISTED_ON)
    # ---- one listing on ground (六), two years on the list in June 2026
    with db.read() as s:
        listed = set(s.exec(select(CreditListEntry.organization_id)).all())
        orgs = s.exec(select(Organization).where(
            col(Organization.status) == "active", col(Organization.established_on) <= date(2020, 1, 1))
            .order_by(Organization.uscc)).all()
        candidates = [o.id for o in orgs if o.id not in listed]
    if candidates:
        credit_lists.list_organization(
            approver_2024, candidates[-1], "abnormal", "unreachable", on=UNREACHABLE_ON,
            evidence="2024年4月、5月两次以挂号信按登记住所寄送通知，均被退回（查无此单位）。")
    # ---- report year 2025: late filers received by the clerk, concluded by the reviewer
    rows = [r for r in annual_reports.due_list(clerk, 2025, date(2026, 6, 30))
            if r.status.value == "overdue" and r.organization_id not in listed]
    rows.sort(key=lambda r: r.uscc or "")
    for i, row in enumerate(rows[:LATE_FILERS]):
        received = date(2026, 6, 8 + 2 * i)
        report_id = annual_reports.receive(
            clerk, row.organization_id, 2025, received_on=received,
            supervisory_opinion="同意报送" if i % 2 == 0 else "",
            supervisory_opinion_on=date(2026, 6, 5) if i % 2 == 0 else None,
            materials="年度工作报告书、年度财务会计报告")
        if i >= AWAITING:
            annual_reports.conclude(reviewer, report_id, "accepted",
                                    concluded_on=date(2026, 6, 26))
