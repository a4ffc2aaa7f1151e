"""The demo's 2022 random spot check, written through the spot-check services (called at
the end of ``demo.ensure_demo``; the demo ledger then carries no 2022 抽查 rows).

The reviewer plans a regular check of the organizations registered before 2022 at the
ratio that draws the bureau's 30, the approver approves it, the reviewer draws it with a
fixed seed (so the demo stays deterministic and ``mca-tui --demo spotcheck verify``
proves the draw), the clerk sends the notices, the two enforcement officers record the
results in April 2022 (three with a rectification order), the reviewer finishes and the
approver publishes.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from sqlmodel import col, select

from mca_tui.config import Settings
from mca_tui.domain.enums import OrgStatus, Role, SupervisionKind
from mca_tui.domain.supervision.spot_check import CHECK_ITEMS
from mca_tui.services import users
from mca_tui.services.context import ServiceContext, cli_context, ensure_office
from mca_tui.services.supervision import spot_checks
from mca_tui.storage.engine import Database
from mca_tui.storage.models import Organization, SpotCheckPlanRow, SupervisionRecord

log = logging.getLogger(__name__)

SEED = "haicang-2022-spot-check"
DRAWN = 30  # the bureau's 2022 figure
PLANNED_ON = date(2022, 3, 1)
DRAWN_ON = date(2022, 3, 7)
CHECKED_FROM = date(2022, 4, 6)
FINISHED_ON = date(2022, 5, 16)
PUBLISHED_ON = date(2022, 5, 20)
# What the inspectors found that could not be put right on the spot (民发〔2017〕45号第六条
# items): the order's items, due in RECTIFY_DAYS; completed and verified by
# demo.supervision with the other 2022 orders.
RECTIFY = (("未按规定建立会计账簿，财务收支未全部纳入单位账户核算",),
           ("理事会未按章程每年召开，会议记录不全", "重大事项未按规定报告登记管理机关"),
           ("年度工作报告所报活动与实际开展情况不符",))
RECTIFY_DAYS = 60


def _ctx(db: Database, settings: Settings, info: users.UserInfo, office_id: str,
         day: date) -> ServiceContext:
    return ServiceContext(db=db, settings=settings, actor=users.actor_for(db, info, office_id),
                          today=lambda: day)


def _working_days(start: date, n: int) -> list[date]:
    """``n`` weekdays from ``start`` (two organizations checked a day)."""
    out: list[date] = []
    day = start
    while len(out) < n:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def ratio_for(population: int, wanted: int) -> Decimal:
    """A ratio (percent, 4 decimals, rounded down) whose ``ceil`` draws ``wanted``."""
    ratio = (Decimal(wanted * 100) / population).quantize(Decimal("0.0001"),
                                                         rounding=ROUND_FLOOR)
    assert math.ceil(ratio * population / 100) == wanted
    return ratio


def _ordered_in(db: Database, year: int) -> set[str]:
    """The organizations that already have a rectification order dated in ``year``."""
    with db.read() as s:
        return set(s.exec(select(SupervisionRecord.organization_id).where(
            SupervisionRecord.kind == SupervisionKind.RECTIFICATION.value,
            col(SupervisionRecord.record_date) >= date(year, 1, 1),
            col(SupervisionRecord.record_date) <= date(year, 12, 31))))


def _order_positions(drawn: list[str], ordered: set[str]) -> list[int]:
    """The drawn positions whose result orders a rectification: every tenth (10th, 20th,
    30th), moved on to the next drawn organization without an order this year (the draw
    ranks by record ids, which differ between builds; an organization must not get a
    second order of the year, or the year's figure would count one order too many)."""
    out: list[int] = []
    for want in range(9, len(drawn), 10):
        free = [j for j in (*range(want, len(drawn)), *range(want - 1, -1, -1))
                if j not in out and drawn[j] not in ordered]
        if free:
            out.append(free[0])
    return out


def seed_demo_spot_check(db: Database, settings: Settings,
                         avoid: frozenset[str] | set[str] = frozenset()) -> str | None:
    """Write the 2022 plan and its results; None when the demo users are missing or a
    plan exists already."""
    with db.read() as s:
        if s.exec(select(SpotCheckPlanRow.id)).first() is not None:
            return None
        population = len(s.exec(select(Organization.id).where(
            Organization.status == OrgStatus.ACTIVE.value,
            col(Organization.established_on) < date(2022, 1, 1))).all())
    office = ensure_office(db, settings)
    infos = {u.username: u for u in users.list_users(cli_context(db, settings))}
    officers = [u for u in infos.values() if Role.ENFORCEMENT in u.roles and not u.disabled]
    need = ("reviewer", "approver", "clerk")
    if any(n not in infos for n in need) or len(officers) < 2 or population < DRAWN:
        log.warning("demo spot check skipped: users or organizations missing")
        return None

    def as_(name: str, day: date) -> ServiceContext:
        return _ctx(db, settings, infos[name], office.id, day)

    ratio = ratio_for(population, DRAWN)
    pid = spot_checks.create_plan(as_("reviewer", PLANNED_ON), 2022, "regular", ratio,
                                  title="2022年度社会组织「双随机、一公开」定期抽查",
                                  registered_before=date(2022, 1, 1))
    spot_checks.approve(as_("approver", PLANNED_ON), pid)
    plan = spot_checks.draw(as_("reviewer", DRAWN_ON), pid, seed=SEED)
    # the notices went out through Xiamen's 双随机 platform (domain.md §8): recorded, not
    # issued here (30 documents would slow the demo's first start)
    spot_checks.notify(as_("clerk", DRAWN_ON), pid, issue_documents=False)
    with db.read() as s:
        plan_row = s.get(SpotCheckPlanRow, pid)
        assert plan_row is not None
        inspectors = json.loads(plan_row.inspectors_json)
    by_id = {u.id: u for u in officers}
    days = _working_days(CHECKED_FROM, (len(plan.drawn) + 1) // 2)
    order_at = _order_positions([org_id for org_id, _name in plan.drawn],
                                _ordered_in(db, DRAWN_ON.year) | set(avoid))
    for i, (org_id, _name) in enumerate(plan.drawn):
        pair = inspectors[org_id]
        who = _ctx(db, settings, by_id[pair[0]], office.id, FINISHED_ON)
        checked_on = days[i // 2]
        if i in order_at:  # three problems that need time: a rectification order each
            items = list(RECTIFY[order_at.index(i) % len(RECTIFY)])
            spot_checks.record_result(
                who, pid, org_id, checked_on=checked_on, inspectors_present=list(pair),
                items_checked=list(CHECK_ITEMS), findings="；".join(items),
                result="rectification_ordered", rectify_items=items,
                rectify_by=checked_on + timedelta(days=RECTIFY_DAYS))
            continue
        fixed = i % 6 == 5
        spot_checks.record_result(
            who, pid, org_id, checked_on=checked_on, inspectors_present=list(pair),
            items_checked=list(CHECK_ITEMS),
            findings="档案管理不规范，已当场指出并整改" if fixed else "",
            result="fixed_on_site" if fixed else "no_problem")
    spot_checks.finish(as_("reviewer", FINISHED_ON), pid)
    spot_checks.publish(as_("approver", PUBLISHED_ON), pid, PUBLISHED_ON)
    return pid
