"""The demo's supervision work of 2022 (issue 10), written through the supervision services
by the demo users instead of being imported as ledger rows: the financial audits, the
rectification orders, the interviews and the evaluations. ``demo._build`` writes them in
date order in two parts (``SupervisionSeeder``): what happened before the spot check's
visits, then — after the spot check (``demo.spot_check``, whose results order three
rectifications) and the deregistrations (``demo.deregistrations``, whose liquidation
audits count among the year's audits) — the rest of the year, each kind up to the
bureau's 2022 figure (``demo.FIGURES_2022``: audited 34, rectifications 35, interviews
3, evaluated 11). So the notices are numbered in the order of their dates.

The plan is the rows the ledger would have held (``DemoPlan.supervision_2022``: the
organizations, days and descriptions drawn from the demo's seed), so the rest of the
demo is unchanged. What the services write:

- interviews (民发〔2016〕39号): the reviewer notifies the legal representative (理事长/
  会长) and the secretary general a week ahead with the notice; the enforcement officer
  records the interview, which orders a rectification (source ``interview``);
- financial audits with their triggers (change of term or of the legal representative,
  [S1] Art 27 / [S2] Art 22; the spot check; other): firm, findings, opinion; a qualified
  opinion orders a rectification (source ``financial_audit``);
- rectification orders of other checks (source ``other``: a change not registered, a term
  not renewed, finances not in order), with their notices;
- every 2022 order, whoever ordered it, completed by the organization before its deadline
  (the clerk records each item and the completion) and verified by the reviewer;
- evaluations (MCA Order 39): applied for in June–July after the eligibility check of
  Art 6–7 (an ineligible organization of the plan is replaced by the next eligible one),
  assessed by the reviewer, graded and publicized, and confirmed by the approver in
  November 2022 (valid five years).

Dates are fixed (2022) and do not depend on today. Document files are rendered when first
opened (``documents.files_deferred``). A record the rules refuse is logged and skipped,
never failing the demo; the build's test checks the figures.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from sqlmodel import col, select

from mca_tui.config import Settings
from mca_tui.demo.spot_check import RECTIFY as SPOT_CHECK_ORDERS
from mca_tui.domain.enums import AuditTrigger, InterviewRole, RectificationSource, SupervisionKind
from mca_tui.domain.supervision.rectification import Interviewee, InterviewOutcome
from mca_tui.services import documents
from mca_tui.services.context import ServiceContext, ensure_office
from mca_tui.services.errors import ServiceError, ValidationFailed
from mca_tui.services.supervision import audits, evaluation, interviews, rectification
from mca_tui.storage.engine import Database
from mca_tui.storage.models import Organization, SupervisionRecord

log = logging.getLogger(__name__)

YEAR = 2022
TARGETS = {"财务审计": 34, "整改": 35, "约谈": 3, "评估": 11}  # demo.FIGURES_2022
KIND_OF = {"财务审计": SupervisionKind.FINANCIAL_AUDIT, "整改": SupervisionKind.RECTIFICATION,
           "约谈": SupervisionKind.INTERVIEW, "评估": SupervisionKind.EVALUATION}

AUDIT_FIRMS = ("厦门鹭江联合会计师事务所有限公司", "厦门海韵会计师事务所（普通合伙）",
               "福建闽信会计师事务所有限公司厦门分所", "厦门嘉禾会计师事务所有限公司")
# every QUALIFIED_EVERY-th audit finds what must be put right (a qualified opinion)
QUALIFIED_EVERY = 5
AUDIT_FINDINGS = (
    ("部分支出未取得合法票据", "建立健全票据管理制度，补齐支出凭证"),
    ("会费收入未全部纳入单位账户核算", "会费收入全部纳入单位账户，规范会计核算"),
    ("固定资产未登记入账", "清查固定资产并登记入账"),
)
# what the interviews are about (their reasons, in turn) -> the items each orders
INTERVIEW_ITEMS = {
    "未按时报送年度报告": ("报送2021年度工作报告", "建立年度报告工作责任制度"),
    "负责人超龄任职": ("按章程程序调整超龄负责人",),
    "擅自设立分支机构": ("撤销擅自设立的分支机构并报告处理情况",),
}
# a stand-alone order's description (the plan's) -> its items
ORDER_ITEMS = {
    "年度报告": ("按要求更正年度工作报告中与实际不符的内容",),
    "变更登记": ("办理住所变更登记",),
    "财务管理": ("规范财务管理，建立健全财务收支审批制度",),
    "换届": ("按章程召开会员（代表）大会完成换届",),
    "内部治理": ("按章程定期召开理事会，完善会议记录",),
}
SECRETARIES = ("林志远", "陈雅琴", "黄少斌", "吴丽清", "郑明华", "蔡文静")

APPLIED_FROM = date(2022, 6, 15)  # after the 2021 reports' deadline (1 June 2022)
ASSESSED_FROM = date(2022, 9, 5)
GRADED_ON = date(2022, 11, 7)
PUBLICITY_TO = date(2022, 11, 14)
CONFIRMED_ON = date(2022, 11, 21)


class _People:
    """The demo users' contexts, one per user, moved to the day of each step (the
    calendar read once per user)."""

    def __init__(self, db: Database, settings: Settings) -> None:
        from mca_tui.services import users
        from mca_tui.services.context import cli_context

        office = ensure_office(db, settings)
        self.ctx = {u.username: ServiceContext(db=db, settings=settings,
                                               actor=users.actor_for(db, u, office.id))
                    for u in users.list_users(cli_context(db, settings)) if not u.disabled}

    def has(self, *names: str) -> bool:
        return all(n in self.ctx for n in names)

    def on(self, name: str, day: date) -> ServiceContext:
        ctx = self.ctx[name]
        ctx.today = lambda: day
        return ctx


class SupervisionSeeder:
    """Writes the plan in two parts around the spot check (``demo._build``), each in date
    order, so the notices are numbered in the order of their dates (文号按年度和文书种类
    连续编号): ``before(day)`` what happened before the spot check's visits, ``rest()``
    everything after (up to the bureau's figures, counting what the spot check and the
    deregistrations wrote meanwhile), then the orders' completion and the evaluations."""

    def __init__(self, db: Database, settings: Settings, plan: dict[str, list[dict]]) -> None:
        people = _People(db, settings)
        self.ok = people.has("clerk", "reviewer", "approver", "enforcer")
        if not self.ok:
            log.warning("demo users missing: the 2022 supervision records are not seeded")
            return
        with db.read() as s:
            orgs = {o.uscc: o for o in s.exec(select(Organization)) if o.uscc}
        self.seeder = _Seeder(db, people, orgs, plan)

    def before(self, day: date) -> None:
        if self.ok:
            with documents.files_deferred():  # rendered from their records when opened
                self.seeder.write(until=day)

    def interviewed(self) -> set[str]:
        """The organizations the plan's interviews will order to rectify (the spot check
        leaves them out of its own orders: one order of the year per organization)."""
        if not self.ok:
            return set()
        orgs = (self.seeder._org(uscc) for uscc, _day, _desc in self.seeder.plan["约谈"])  # noqa: SLF001
        return {org.id for org in orgs if org is not None}

    def rest(self) -> dict[str, int]:
        """The rest of the year; returns, per ledger kind, how many organizations have one."""
        if not self.ok:
            return {}
        seeder = self.seeder
        with documents.files_deferred():
            seeder.write(until=None)
            seeder.close_orders()
            seeder.evaluations()
        return {kind: seeder.count(kind) for kind in TARGETS}


def seed_demo_supervision(db: Database, settings: Settings,
                          plan: dict[str, list[dict]]) -> dict[str, int]:
    """Write the 2022 interviews, audits, rectification orders and evaluations in one go
    (see the module docstring; ``demo._build`` uses ``SupervisionSeeder`` in two parts)."""
    return SupervisionSeeder(db, settings, plan).rest()


def _rows(plan_rows: Iterable[dict]) -> list[tuple[str, date, str]]:
    return [(r["统一社会信用代码"], r["日期"], str(r.get("说明") or "")) for r in plan_rows]


class _Seeder:
    def __init__(self, db: Database, people: _People, orgs: dict[str, Organization],
                 plan: dict[str, list[dict]]) -> None:
        self.db = db
        self.people = people
        self.orgs = orgs
        self.plan = {kind: _rows(plan.get(kind, [])) for kind in TARGETS}
        self.cal = people.ctx["clerk"].calendar
        self.rng = random.Random(f"demo-supervision-{YEAR}")
        self.taken: set[tuple[str, int]] = set()  # (kind, plan row) scheduled already
        self.audited: dict[str, date] = {}  # org id -> its first audit's day
        self.ordered: set[str] = set()  # org ids with a 2022 order scheduled here
        self.split = date(YEAR, 1, 1)  # where the first part ended

    # ---- counting what is there (the other seeders write some of each kind)

    def _orgs_with(self, kind: SupervisionKind) -> set[str]:
        with self.db.read() as s:
            rows = s.exec(select(SupervisionRecord).where(
                SupervisionRecord.kind == kind.value,
                col(SupervisionRecord.record_date) >= date(YEAR, 1, 1),
                col(SupervisionRecord.record_date) <= date(YEAR, 12, 31))).all()
        return {r.organization_id for r in rows if self._counts(r)}

    @staticmethod
    def _counts(row: SupervisionRecord) -> bool:
        """Counted by the statistics (reports.stats): an audit once done, an evaluation
        once granted."""
        if row.kind == SupervisionKind.FINANCIAL_AUDIT.value:
            return row.completed_on is not None
        if row.kind == SupervisionKind.EVALUATION.value:
            return row.grade is not None
        return True

    def count(self, kind: str) -> int:
        return len(self._orgs_with(KIND_OF[kind]))

    def _org(self, uscc: str) -> Organization | None:
        org = self.orgs.get(uscc)
        return org if org is not None and org.status == "active" else None

    def _skip(self, what: str, uscc: str, exc: Exception) -> None:
        message = exc.message("en") if isinstance(exc, ServiceError) else str(exc)
        log.warning("demo %s of %s skipped: %s", what, uscc, message)

    # ---- the schedule: interviews, audits and orders of a part, written in date order

    def write(self, until: date | None) -> None:
        """Schedule the plan's rows dated before ``until`` (all the rest: None) up to the
        figures, then write them in date order."""
        ops: list[tuple[date, int, Callable[[], None]]] = []
        self._interviews(until, ops)
        self._audits(until, ops)
        self._orders(until, ops)
        for _day, _seq, op in sorted(ops, key=lambda o: (o[0], o[1])):
            op()
        self.split = until or self.split

    def _due(self, kind: str, until: date | None) -> list[tuple[int, str, date, str]]:
        """The plan's rows of ``kind`` not scheduled yet, dated before ``until`` (the
        rest: dated after the first part, so that no notice is numbered after a later
        one)."""
        return [(i, uscc, day, desc) for i, (uscc, day, desc) in enumerate(self.plan[kind])
                if (kind, i) not in self.taken
                and (day < until if until is not None else day >= self.split)]

    def _interviews(self, until: date | None, ops: list) -> None:
        """Interviews (约谈), each ordering a rectification."""
        reasons = list(INTERVIEW_ITEMS)
        done = len([1 for k, _i in self.taken if k == "约谈"])
        for i, uscc, day, _desc in self._due("约谈", until):
            org = self._org(uscc)
            if org is None or done >= TARGETS["约谈"]:
                continue
            self.taken.add(("约谈", i))
            self.ordered.add(org.id)
            reason = reasons[done % len(reasons)]
            persons = [Interviewee(org.legal_rep_name or "法定代表人", InterviewRole.CHAIR),
                       Interviewee(self.rng.choice(SECRETARIES), InterviewRole.SECRETARY_GENERAL)]
            done += 1
            notified = self.cal.subtract_working_days(day, 5)
            made: dict[str, str] = {}

            def notify(org: Organization = org, day: date = day, reason: str = reason,
                       persons: list[Interviewee] = persons, notified: date = notified,
                       made: dict[str, str] = made) -> None:
                try:
                    made["id"] = interviews.notify(
                        self.people.on("reviewer", notified), org.id, interview_on=day,
                        reason=reason, persons=persons, place="区民政局社会组织管理科会议室")
                except ServiceError as exc:
                    self._skip("interview notice", org.uscc or org.id, exc)

            def hold(org: Organization = org, day: date = day, reason: str = reason,
                     persons: list[Interviewee] = persons, made: dict[str, str] = made) -> None:
                if "id" not in made:
                    return
                try:
                    interviews.record(
                        self.people.on("enforcer", day), made["id"], held_on=day,
                        record_text=f"约谈{persons[0].name}、{persons[1].name}，指出{reason}的问题，"
                                    "宣讲有关法规，当事人表示接受并限期整改。",
                        outcome=InterviewOutcome.RECTIFICATION_ORDERED,
                        rectify_items=list(INTERVIEW_ITEMS[reason]),
                        rectify_by=day + timedelta(days=30))
                except ServiceError as exc:
                    self._skip("interview", org.uscc or org.id, exc)

            ops.append((notified, len(ops), notify))
            ops.append((day, len(ops), hold))

    def _trigger(self, org: Organization, desc: str, drawn: set[str]) -> AuditTrigger:
        social_group = org.org_type == "social_group"
        if org.id in drawn:
            return AuditTrigger.SPOT_CHECK
        if "换届" in desc:
            return AuditTrigger.CHANGE_OF_TERM if social_group else AuditTrigger.LEGAL_REP_CHANGE
        if "离任" in desc:
            return AuditTrigger.LEGAL_REP_CHANGE
        return AuditTrigger.OTHER

    def _audits(self, until: date | None, ops: list) -> None:
        """Financial audits (财务审计) with their triggers; every QUALIFIED_EVERY-th finds
        what must be put right and orders it. Before the spot check, every audit of the
        plan dated then; afterwards, up to the figure (the deregistrations' liquidation
        audits count)."""
        existing = self._orgs_with(SupervisionKind.FINANCIAL_AUDIT)
        drawn = self._orgs_with(SupervisionKind.SPOT_CHECK)
        # one order of the year per organization (the figure counts organizations)
        with_order = self._orgs_with(SupervisionKind.RECTIFICATION) | self.ordered
        need = TARGETS["财务审计"] - len(existing)
        new = 0  # organizations first audited in this part
        for i, uscc, day, desc in self._due("财务审计", until):
            org = self._org(uscc)
            if org is None:
                continue
            again = org.id in self.audited  # the plan's second audit of an organization
            if again and day <= self.audited[org.id]:
                continue  # a re-audit before the audit: not written
            if not again and (org.id in existing or (until is None and new >= need)):
                continue
            self.taken.add(("财务审计", i))
            qualified = (not again and len(self.audited) % QUALIFIED_EVERY == 2
                         and org.id not in with_order)
            if not again:
                self.audited[org.id] = day
                new += 1
            if qualified:
                self.ordered.add(org.id)
            finding, item = AUDIT_FINDINGS[i % len(AUDIT_FINDINGS)]
            trigger = self._trigger(org, desc, drawn)

            def audit(org: Organization = org, day: date = day, trigger: AuditTrigger = trigger,
                      qualified: bool = qualified, again: bool = again, finding: str = finding,
                      item: str = item, firm: str = AUDIT_FIRMS[i % len(AUDIT_FIRMS)]) -> None:
                try:
                    audits.record_audit(
                        self.people.on("reviewer" if qualified else "clerk", day), org.id,
                        trigger=trigger, audited_on=day, auditor=firm,
                        findings=(finding if qualified else
                                  "复审：前次审计指出的问题已整改" if again else
                                  "财务收支基本规范，未发现重大问题"),
                        result="qualified" if qualified else "unqualified",
                        rectify_items=[item] if qualified else None,
                        rectify_by=day + timedelta(days=60) if qualified else None)
                except ServiceError as exc:
                    self._skip("audit", org.uscc or org.id, exc)

            ops.append((day, len(ops), audit))

    def _orders(self, until: date | None, ops: list) -> None:
        """Rectification orders of other checks (source ``other``), up to the figure with
        the orders of the spot check, the interviews and the audits."""
        have = self._orgs_with(SupervisionKind.RECTIFICATION) | self.ordered
        # before the spot check its three orders are still to come
        need = TARGETS["整改"] - len(have) - (len(SPOT_CHECK_ORDERS) if until else 0)
        for i, uscc, day, desc in self._due("整改", until):
            if need <= 0:
                break
            org = self._org(uscc)
            if org is None or org.id in have:
                continue
            self.taken.add(("整改", i))
            have.add(org.id)
            self.ordered.add(org.id)
            need -= 1
            items = next((v for k, v in ORDER_ITEMS.items() if k in desc),
                         ORDER_ITEMS["内部治理"])
            due = day + timedelta(days=(30, 60, 90)[i % 3])

            def order(org: Organization = org, day: date = day, items: tuple[str, ...] = items,
                      due: date = due) -> None:
                try:
                    rectification.order(self.people.on("reviewer", day), org.id,
                                        source=RectificationSource.OTHER, items=list(items),
                                        due_on=due, ordered_on=day)
                except ServiceError as exc:
                    self._skip("rectification order", org.uscc or org.id, exc)

            ops.append((day, len(ops), order))
        if need > 0 and until is None:
            log.warning("demo: %d rectification orders of 2022 short of the figure", need)

    def close_orders(self) -> None:
        """Every 2022 order completed before its deadline and verified."""
        with self.db.read() as s:
            rows = s.exec(select(SupervisionRecord).where(
                SupervisionRecord.kind == SupervisionKind.RECTIFICATION.value,
                col(SupervisionRecord.record_date) >= date(YEAR, 1, 1),
                col(SupervisionRecord.record_date) <= date(YEAR, 12, 31),
                col(SupervisionRecord.verified_on).is_(None))
                .order_by(col(SupervisionRecord.record_date), col(SupervisionRecord.id))).all()
        for row in rows:
            view = rectification.to_rule(row)
            due = row.due_on or row.record_date + timedelta(days=30)
            span = max(1, (due - row.record_date).days - 2)
            finished = row.record_date + timedelta(days=max(1, span * 2 // 3))
            verified = self.cal.roll_forward(finished + timedelta(days=4))
            try:
                clerk = self.people.on("clerk", finished)
                for index, item in enumerate(view.items):
                    if item.completed_on is None:
                        rectification.record_item(clerk, row.id, index, finished)
                rectification.report_completed(clerk, row.id, finished)
                rectification.verify(self.people.on("reviewer", verified), row.id,
                                     passed=True, on=verified, note="经核查，整改事项均已完成")
            except ServiceError as exc:
                self._skip("rectification closure", row.organization_id, exc)

    # ---- evaluations (评估): one round, confirmed in November

    def _candidates(self) -> list[tuple[Organization, str]]:
        """The plan's organizations with their grades first, then the other active ones
        registered at least two full years before the round (in a fixed order)."""
        out: list[tuple[Organization, str]] = []
        seen: set[str] = set()
        for uscc, _day, desc in self.plan["评估"]:
            org = self._org(uscc)
            m = re.search(r"评为(\dA)级", desc)
            if org is not None and org.id not in seen:
                out.append((org, m.group(1) if m else "3A"))
                seen.add(org.id)
        rest = sorted((o for o in self.orgs.values() if o.status == "active"
                       and o.id not in seen and o.established_on is not None
                       and o.established_on <= date(YEAR - 2, 6, 1)), key=lambda o: o.uscc or "")
        self.rng.shuffle(rest)
        out += [(o, ("3A", "3A", "4A", "2A")[i % 4]) for i, o in enumerate(rest)]
        return out

    def evaluations(self) -> None:
        need = TARGETS["评估"] - self.count("评估")
        written = 0
        for org, grade in self._candidates():
            if written >= need:
                break
            applied = self.cal.add_working_days(APPLIED_FROM, 2 * written)
            try:
                rid = evaluation.apply(self.people.on("clerk", applied), org.id, applied)
            except ValidationFailed:
                continue  # not eligible (Order 39 Art 6-7): the next organization instead
            try:
                assessed = self.cal.add_working_days(ASSESSED_FROM, written)
                evaluation.assess(self.people.on("reviewer", assessed), rid, on=assessed,
                                  note="实地考察：材料齐全，内部治理和业务活动情况良好",
                                  score=assessment_score(grade))
                evaluation.decide_grade(self.people.on("approver", GRADED_ON), rid, grade,
                                        on=GRADED_ON, publicity_to=PUBLICITY_TO)
                evaluation.confirm(self.people.on("approver", CONFIRMED_ON), rid,
                                   on=CONFIRMED_ON)
            except ServiceError as exc:
                self._skip("evaluation", org.uscc or org.id, exc)
                continue
            written += 1
        if written < need:
            log.warning("demo: %d evaluations of 2022 short of the figure", need - written)


def assessment_score(grade: str) -> int:
    """A plausible assessment score (of 1000) for the grade the committee gives."""
    return {"5A": 920, "4A": 830, "3A": 720, "2A": 640, "1A": 560}.get(grade, 700)


__all__ = ["SupervisionSeeder", "seed_demo_supervision"]
