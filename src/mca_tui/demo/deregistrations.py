"""The demo registry's deregistrations of 2022 (the bureau's report: 10, 2 social groups and
8 民非), written through ``services.deregistration`` by the demo users instead of being
imported as closed: each file accepted by the clerk, reviewed, approved on the day the
ledger would have given as its deregistration date, the certificate, seals and vouchers
collected, and announced — so those organizations carry real files, documents and audit
events, and ``mca-tui --demo stats --year 2022`` counts them from what the service wrote.

Called by ``demo.ensure_demo`` after the ledger import (the organizations are in the
ledger as active). Dates are fixed (2022) and do not depend on today. The liquidation
audit report came with each application (firm, date, opinion typed at intake), so the
liquidation audit is recorded as done (trigger ``deregistration``) and counts among the
year's financial audits (``demo.supervision`` writes the others up to the bureau's 34).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlmodel import col, select

from mca_tui.config import Settings
from mca_tui.domain.casework import CustodyRecord
from mca_tui.domain.enums import CustodyItem, CustodyOutcome, DeregistrationMaterial
from mca_tui.services import deregistration as dereg
from mca_tui.services import documents
from mca_tui.services.context import ServiceContext, ensure_office
from mca_tui.services.errors import ServiceError
from mca_tui.storage.engine import Database
from mca_tui.storage.models import Organization

log = logging.getLogger(__name__)

# Accounting firms of the liquidation audits (fictitious names).
AUDIT_FIRMS = ("厦门鹭江联合会计师事务所有限公司", "厦门海韵会计师事务所（普通合伙）",
               "福建闽信会计师事务所有限公司厦门分所")


def _contexts(db: Database, settings: Settings) -> dict[str, ServiceContext]:
    from mca_tui.services import users
    from mca_tui.services.context import cli_context

    office = ensure_office(db, settings)
    cli = cli_context(db, settings)
    return {u.username: ServiceContext(db=db, settings=settings,
                                       actor=users.actor_for(db, u, office.id))
            for u in users.list_users(cli)}


def _on(ctx: ServiceContext, day: date) -> ServiceContext:
    ctx.today = lambda: day
    return ctx


def seed_demo_deregistrations(db: Database, settings: Settings,
                              plan: list[tuple[str, date]]) -> int:
    """Deregister each ``(uscc, day)`` of ``plan`` through the services (see the module
    docstring); returns how many were written. One that the rules refuse is logged and
    skipped, never failing the demo."""
    people = _contexts(db, settings)
    clerk, reviewer, approver = (people.get(n) for n in ("clerk", "reviewer", "approver"))
    if not (clerk and reviewer and approver):
        return 0
    with documents.files_deferred():  # rendered from their records when opened
        return _seed(db, plan, clerk, reviewer, approver)


def _seed(db: Database, plan: list[tuple[str, date]], clerk: ServiceContext,
          reviewer: ServiceContext, approver: ServiceContext) -> int:
    cal = clerk.calendar
    done = 0
    with db.read() as s:  # the plan's organizations, read once
        orgs = {o.uscc: o for o in s.exec(select(Organization).where(
            col(Organization.uscc).in_([u for u, _ in plan])))}
    for i, (uscc, day) in enumerate(plan):
        org = orgs.get(uscc)
        if org is None:
            continue
        accepted = cal.subtract_working_days(day, 12)
        reviewed = cal.subtract_working_days(day, 4)
        # two of them applied more than 15 days after their liquidation ended
        ended = accepted - timedelta(days=26 if i % 5 == 3 else 9)
        form = {
            "applied_on": accepted.isoformat(),
            "trigger": "self_dissolution" if i % 3 else "other",
            "liquidation": {"formed_on": (ended - timedelta(days=75)).isoformat(),
                            "members": [org.legal_rep_name or "清算组负责人", "财务负责人"],
                            "guided_by": org.supervisory_unit or "厦门市海沧区民政局",
                            "ended_on": ended.isoformat()},
            "materials": {m.value: True for m in DeregistrationMaterial},
            # the liquidation audit report came with the application: the audit is
            # recorded as done (trigger deregistration) and counts in its year
            "audit_firm": AUDIT_FIRMS[i % len(AUDIT_FIRMS)],
            "audit_on": (ended + timedelta(days=5)).isoformat(),
            "audit_result": "unqualified",
        }
        try:
            draft = dereg.start(_on(clerk, accepted), org.id, form)
            info = dereg.accept(clerk, draft.id)
            dereg.review(_on(reviewer, reviewed), info.id, note="清算完毕，材料齐全")
            dereg.approve(_on(approver, day), info.id)
            dereg.record_custody(_on(clerk, day), info.id, [
                CustodyRecord(item, CustodyOutcome.COLLECTED, day) for item in CustodyItem])
            dereg.announce(clerk, info.id, published_on=day)
            done += 1
        except ServiceError as exc:
            log.warning("demo deregistration of %s skipped: %s", uscc, exc.message("en"))
    return done
