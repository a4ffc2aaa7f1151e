"""The demo registry's revocation cases (撤销登记), written through ``services.revocation``
by the demo users instead of being imported as revoked:

- the 7 dormant revocations of 2022 (the bureau's report), each a full case: filed by the
  two enforcement officers about three months before the revocation date the ledger
  would have given, evidence, the 事先告知书 served by announcement (the organization
  cannot be reached), collective discussion and legal review once the windows ran out,
  the decision by the approver, served by announcement, published, certificate and seals
  declared void, the serious list and status 已撤销 on that date;
- one case of 2026 at the serious-list step (decided, served, published, custody done):
  the approver lists it and revokes it from the case screen (the end-to-end test);
- then the dormancy summary of every organization (the other demo seeds write reports
  and listings after the import).

Dates are fixed and do not depend on today. A case the rules refuse is logged and
skipped, never failing the demo. Document files are rendered when opened.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlmodel import col, select

from mca_tui.config import Settings
from mca_tui.domain.casework import CustodyRecord
from mca_tui.domain.enums import CaseStepKind as K
from mca_tui.domain.enums import CustodyItem, CustodyOutcome, ServiceMethod
from mca_tui.services import documents, dormancy, revocation
from mca_tui.services.context import ServiceContext, ensure_office
from mca_tui.services.errors import ServiceError
from mca_tui.services.revocation import StepData
from mca_tui.storage.engine import Database
from mca_tui.storage.models import AnnualReport, Organization

log = logging.getLogger(__name__)

E2E_CASE_FILED = date(2026, 3, 2)  # the case waiting for the serious list and 已撤销


def _contexts(db: Database, settings: Settings) -> dict[str, ServiceContext]:
    from mca_tui.services import users
    from mca_tui.services.context import cli_context

    office = ensure_office(db, settings)
    cli = cli_context(db, settings)
    return {u.username: ServiceContext(db=db, settings=settings,
                                       actor=users.actor_for(db, u, office.id))
            for u in users.list_users(cli)}


def _on(ctx: ServiceContext, day: date) -> ServiceContext:
    """The user's context moved to ``day`` (the same object: its working-day calendar is
    read once per user, not once per step)."""
    ctx.today = lambda: day
    return ctx


def seed_demo_revocations(db: Database, settings: Settings,
                          plan: list[tuple[str, date]]) -> int:
    """Write the cases (see the module docstring); returns how many revocations were
    completed."""
    people = _contexts(db, settings)
    need = ("enforcer", "enforcer2", "approver", "reviewer", "admin")
    if not all(n in people for n in need):
        return 0
    done = 0
    with documents.files_deferred():
        for uscc, day in plan:
            if _case(db, people, uscc, day, finish=True):
                done += 1
        target = _e2e_candidate(db)
        if target is not None:
            _case(db, people, target, None, finish=False)
    dormancy.rebuild_all(_on(people["admin"], date(2026, 6, 30)))
    return done


def _e2e_candidate(db: Database) -> str | None:
    """An active organization without reports for 2024 and 2025 (the demo's dormant
    candidates), the first by code."""
    with db.read() as s:
        orgs = s.exec(select(Organization.id, Organization.uscc)
                      .where(Organization.status == "active",
                             col(Organization.established_on) <= date(2020, 12, 31))
                      .order_by(Organization.uscc)).all()
        have = {(o, y) for o, y in s.exec(select(AnnualReport.organization_id,
                                                 AnnualReport.report_year)
                                          .where(AnnualReport.report_year >= 2024)
                                          .where(AnnualReport.conclusion.in_(  # type: ignore[union-attr]
                                              ("accepted", "pass", "basic_pass"))))}
    for oid, uscc in orgs:
        if (oid, 2024) not in have and (oid, 2025) not in have:
            return uscc
    return None


def _case(db: Database, people: dict[str, ServiceContext], uscc: str, revoked_on: date | None,
          *, finish: bool) -> bool:
    o1, o2 = people["enforcer"], people["enforcer2"]
    approver, reviewer = people["approver"], people["reviewer"]
    with db.read() as s:
        org = s.exec(select(Organization).where(Organization.uscc == uscc)).first()
    if org is None:
        return False
    cal = o1.calendar
    officers = [o1.actor.user_id or "", o2.actor.user_id or ""]
    filed = cal.roll_forward(revoked_on - timedelta(days=95)) if revoked_on else E2E_CASE_FILED

    def step(ctx: ServiceContext, day: date, k: K,
             data: StepData = StepData()) -> revocation.CaseView:
        return revocation.take_step(_on(ctx, day), case_id, k, on=day, data=data, view=False)

    try:
        case_id = revocation.open_case(_on(o1, filed), org.id, filed_on=filed,
                                       officers=officers, grounds=["no_report_two_years"])
        notes = "年度报告系统截图；年度检查（年报）催报通知；挂号信退回凭证"
        step(o1, filed, K.EVIDENCE, StepData(note=notes))
        step(o1, filed, K.ISSUE_NOTICE)
        published = cal.add_working_days(filed, 1)
        view = step(o2, published, K.SERVE_NOTICE, _announced(published))
        assert view.clocks.earliest_decision_on is not None  # the notice was served
        decide = cal.roll_forward(view.clocks.earliest_decision_on)
        step(approver, decide, K.COLLECTIVE_DISCUSSION,
             StepData(note="局务会集体讨论，同意撤销登记"))
        step(reviewer, decide, K.LEGAL_REVIEW,
             StepData(note="法制审核：事实清楚、证据确凿、程序合法"))
        step(approver, decide, K.DECIDE)
        view = step(o1, decide, K.SERVE_DECISION, _announced(decide))
        step(o1, decide, K.PUBLISH)
        in_force = view.clocks.decision_served_on
        assert in_force is not None
        records = tuple(CustodyRecord(i, CustodyOutcome.VOID_ANNOUNCED, in_force)
                        for i in CustodyItem)
        step(o1, in_force, K.CUSTODY, StepData(custody=records))
        if not finish:
            return False
        day = max(revoked_on or in_force, in_force)
        step(approver, day, K.SERIOUS_LIST)
        step(approver, day, K.REVOKE)
        return True
    except (ServiceError, AssertionError, TypeError) as exc:  # never fail the demo
        log.warning("demo revocation of %s skipped: %s", uscc, exc)
        return False


def _announced(day: date) -> StepData:
    """Service by announcement published on ``day`` (the letters came back unsigned)."""
    return StepData(method=ServiceMethod.ANNOUNCEMENT, published_on=day,
                    other_methods_failed=True)
