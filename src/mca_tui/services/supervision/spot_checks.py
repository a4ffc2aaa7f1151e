"""Random spot checks (双随机、一公开, 《社会组织抽查暂行办法》, 民发〔2017〕45号, domain.md §8).

A plan (``SpotCheckPlanRow``) goes through the table ``SPOT_CHECK_PLAN``: planned (filters
and ratio, the ratio refused below the floor) → approved (another person) → drawn (the
population frozen and hashed, the seed recorded, the organizations and the inspector
pairs drawn by ``domain.supervision.spot_check.make_plan``) → notified (an inspection
notice per organization) → results recorded per organization (Art 6 items, at least two
inspectors present, none with a declared conflict; a rectification where needed) →
checked → published (the publication list, 公示).

Inspectors are the enforcement officers: active users with the role ``enforcement``. An
officer declares a conflict of interest (回避) with an organization before the draw
(``declare_conflict``); the draw never assigns them to it. ``verify`` re-runs every
recorded draw from its seed and frozen population (``mca-tui spotcheck verify``).

A result is a ``SupervisionRecord`` of kind ``spot_check`` (``record_date`` the check
day, ``outcome`` one of ``RESULTS``; ``details_json``: ``plan_id``, ``inspectors``,
``items``, ``findings``, ``rectification_id``): statistics count organizations checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.enums import (
    OrgStatus,
    OrgType,
    RectificationSource,
    Role,
    SpotCheckKind,
    SupervisionKind,
)
from mca_tui.domain.params import LegalParams
from mca_tui.domain.supervision import spot_check as rules
from mca_tui.domain.supervision.common import SPOT_CHECK, OrgFacts, Reason, SupervisionRuleError
from mca_tui.domain.supervision.workflows import SPOT_CHECK_PLAN, SpotCheckPlanState
from mca_tui.domain.workflow import NEW
from mca_tui.i18n import t
from mca_tui.services import documents
from mca_tui.services import workflow as wf
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import FieldProblem, NotFound, ValidationFailed
from mca_tui.services.supervision import _rows
from mca_tui.services.supervision import rectification as orders
from mca_tui.storage.audit import Subject
from mca_tui.storage.engine import Database
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    Organization,
    SpotCheckPlanRow,
    SupervisionRecord,
    UserAccount,
    UserRole,
)

KIND = SupervisionKind.SPOT_CHECK.value
SP = SpotCheckPlanState
# Result of a check (label sv.spot.result.<value>).
RESULTS = ("no_problem", "fixed_on_site", "rectification_ordered", "referred")

__all__ = [
    "RESULTS",
    "Officer",
    "PlanView",
    "PublicationRow",
    "approve",
    "available",
    "cancel",
    "create_plan",
    "declare_conflict",
    "draw",
    "enforcement_officers",
    "finish",
    "get_plan",
    "list_plans",
    "find_organization",
    "notify",
    "officers",
    "plan_of",
    "publication_list",
    "publish",
    "record_result",
    "verify",
]


@dataclass(frozen=True)
class Officer:
    id: str
    username: str
    name: str


def enforcement_officers(s: Session) -> list[Officer]:
    """Active users holding the enforcement role (执法人员), by user name."""
    rows = s.exec(select(UserAccount).join(UserRole, col(UserRole.user_id) == col(UserAccount.id))
                  .where(UserRole.role == Role.ENFORCEMENT.value,
                         UserAccount.disabled == False)  # noqa: E712 - SQL
                  .order_by(UserAccount.username)).all()
    return [Officer(u.id, u.username, u.display_name) for u in rows]


def _load(s: Session, plan_id: str) -> SpotCheckPlanRow:
    row = s.get(SpotCheckPlanRow, plan_id)
    if row is None:
        raise NotFound(what=plan_id)
    return row


def _steps(row: SpotCheckPlanRow) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = json.loads(row.steps_json or "[]")
    return steps


def _add_step(ctx: ServiceContext, row: SpotCheckPlanRow, step: str, on: date,
              **extra: object) -> None:
    steps = _steps(row)
    steps.append({"step": step, "on": on.isoformat(), "user_id": ctx.actor.user_id,
                  "name": ctx.actor.name, **extra})
    row.steps_json = json.dumps(steps, ensure_ascii=False)


def _state_label(state: str) -> str:
    return t(f"enum.SpotCheckPlanState.{state}") if state in {s.value for s in SP} else state


def _move(ctx: ServiceContext, action: str, row: SpotCheckPlanRow, on: date,
          **extra: object) -> None:
    tr = wf.apply_transition(ctx, SPOT_CHECK_PLAN, action, row,
                             history=_rows.history(SPOT_CHECK_PLAN, _steps(row)),
                             state_label=_state_label)
    if tr.step:
        _add_step(ctx, row, tr.step, on, **extra)


def plan_of(row: SpotCheckPlanRow) -> rules.SpotCheckPlan:
    """The domain plan of a stored row (what ``verify_draw`` re-runs)."""
    return rules.SpotCheckPlan(
        year=row.year, kind=SpotCheckKind(row.kind), ratio_percent=Decimal(row.ratio_percent),
        population=tuple(json.loads(row.population_json or "[]")),
        population_hash=row.population_hash, seed=row.seed,
        drawn=tuple(json.loads(row.drawn_json or "[]")),
        officers=tuple(json.loads(row.officers_json or "[]")),
        conflicts={k: tuple(v) for k, v in json.loads(row.conflicts_json or "{}").items()},
        inspectors={k: tuple(v) for k, v in json.loads(row.inspectors_json or "{}").items()},
        per_org=row.per_org, algorithm=row.algorithm or rules.ALGORITHM)


def _filter(row: SpotCheckPlanRow) -> rules.PopulationFilter:
    f = json.loads(row.filter_json or "{}")
    before = f.get("registered_before")
    return rules.PopulationFilter(
        org_types=frozenset(OrgType(x) for x in f.get("org_types", [])),
        subdistricts=frozenset(f.get("subdistricts", [])),
        statuses=frozenset(OrgStatus(x) for x in f.get("statuses", ["active"])),
        registered_before=date.fromisoformat(before) if before else None,
        exclusions=frozenset(f.get("exclusions", [])))


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanView:
    id: str
    year: int
    kind: str
    title: str
    status: str
    ratio_percent: str
    per_org: int
    filter: dict[str, Any]
    population_size: int
    population_hash: str
    seed: str
    drawn: tuple[tuple[str, str], ...]  # (organization id, name)
    inspectors: dict[str, Any]  # organization id -> tuple[Any, ...] of officer display names
    conflicts: dict[str, Any]  # organization id -> tuple[Any, ...] of officer ids
    results: dict[str, Any]  # organization id -> result
    drawn_on: date | None
    published_on: date | None
    actions: tuple[str, ...]
    cancel_reason: str = ""  # a cancelled plan: the approver's reason


def _view(ctx: ServiceContext, s: Session, row: SpotCheckPlanRow) -> PlanView:
    drawn_ids = json.loads(row.drawn_json or "[]")
    names = dict(s.exec(select(Organization.id, Organization.name)
                        .where(col(Organization.id).in_(drawn_ids))).all()) if drawn_ids else {}
    officers = {u.id: u.display_name for u in s.exec(select(UserAccount)).all()}
    results = {}
    for rec in s.exec(select(SupervisionRecord).where(SupervisionRecord.kind == KIND)).all():
        if _rows.details(rec).get("plan_id") == row.id:
            results[rec.organization_id] = rec.outcome
    inspectors = {k: tuple(officers.get(o, o) for o in v)
                  for k, v in json.loads(row.inspectors_json or "{}").items()}
    return PlanView(
        row.id, row.year, row.kind, row.title, row.status, row.ratio_percent, row.per_org,
        json.loads(row.filter_json or "{}"), len(json.loads(row.population_json or "[]")),
        row.population_hash, row.seed, tuple((i, names.get(i, i)) for i in drawn_ids),
        inspectors, {k: tuple(v) for k, v in json.loads(row.conflicts_json or "{}").items()},
        results, row.drawn_on, row.published_on,
        wf.available_actions(ctx, SPOT_CHECK_PLAN, row.status,
                             _rows.history(SPOT_CHECK_PLAN, _steps(row))),
        next((str(x.get("reason") or "") for x in reversed(_steps(row))
              if x.get("step") == "cancelled"), ""))


def officers(ctx: ServiceContext) -> list[Officer]:
    """The enforcement officers (for the conflict declaration and the results form)."""
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        return enforcement_officers(s)


def find_organization(ctx: ServiceContext, text: str) -> str:
    """The id of the organization with this credit code or exact name (NotFound)."""
    ctx.permit("supervision.read")
    text = (text or "").strip()
    with ctx.db.read() as s:
        oid = s.exec(select(Organization.id).where(
            (Organization.uscc == text.upper()) | (Organization.name == text))).first()
    if oid is None:
        raise ValidationFailed([FieldProblem("organization", "sv.error.no_organization",
                                             {"text": text})])
    return oid


def get_plan(ctx: ServiceContext, plan_id: str) -> PlanView:
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        return _view(ctx, s, _load(s, plan_id))


def list_plans(ctx: ServiceContext, year: int | None = None) -> list[PlanView]:
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        q = select(SpotCheckPlanRow).order_by(col(SpotCheckPlanRow.created_at).desc())
        if year is not None:
            q = q.where(SpotCheckPlanRow.year == year)
        return [_view(ctx, s, r) for r in s.exec(q).all()]


def available(ctx: ServiceContext) -> tuple[str, ...]:
    """Whether the user may plan a new check (``spot_check.plan``)."""
    return wf.available_actions(ctx, SPOT_CHECK_PLAN, NEW)


# -- writing ------------------------------------------------------------------------------------


def _filter_json(org_types: tuple[str, ...], subdistricts: tuple[str, ...],
                 statuses: tuple[str, ...], registered_before: date | None,
                 exclusions: tuple[str, ...]) -> str:
    problems = []
    for value in org_types:
        if value not in OrgType._value2member_map_:
            problems.append(FieldProblem("org_types", "sv.error.choice", {"value": value}))
    for value in statuses:
        if value not in OrgStatus._value2member_map_:
            problems.append(FieldProblem("statuses", "sv.error.choice", {"value": value}))
    if problems:
        raise ValidationFailed(problems)
    return json.dumps({
        "org_types": sorted(org_types), "subdistricts": sorted(subdistricts),
        "statuses": sorted(statuses) or ["active"],
        "registered_before": registered_before.isoformat() if registered_before else None,
        "exclusions": sorted(exclusions)}, ensure_ascii=False)


def create_plan(ctx: ServiceContext, year: int, kind: SpotCheckKind | str,
                ratio_percent: Decimal | str | int, *, title: str = "",
                org_types: tuple[str, ...] = (), subdistricts: tuple[str, ...] = (),
                statuses: tuple[str, ...] = ("active",), registered_before: date | None = None,
                exclusions: tuple[str, ...] = ()) -> str:
    """Plan a spot check (reviewer). The ratio is refused below the floor (3 % at district
    level for a regular check, or the configured higher value; Art 5)."""
    try:
        kind = SpotCheckKind(kind)
    except ValueError:
        raise ValidationFailed([FieldProblem("kind", "sv.error.choice",
                                             {"value": str(kind)})]) from None
    try:
        ratio = rules.check_ratio(ratio_percent, kind, ctx.settings.legal)
    except SupervisionRuleError as exc:
        raise _rows.from_rule_error("ratio", exc) from None
    filter_json = _filter_json(org_types, subdistricts, statuses, registered_before, exclusions)
    pid = new_id()
    with ctx.unit("spot_check.plan", subject=Subject("spot_check_plan", pid)) as unit:
        wf.check_transition(ctx, SPOT_CHECK_PLAN, "spot_check.plan", NEW)
        row = SpotCheckPlanRow(
            id=pid, office_id=ctx.actor.office_id, year=year, kind=kind.value,
            title=title.strip() or t("sv.spot.default_title", year=year,
                                     kind=t(f"enum.SpotCheckKind.{kind.value}")),
            status=SP.DRAFT.value, ratio_percent=str(ratio),
            per_org=max(rules.MIN_INSPECTORS, ctx.settings.legal.spot_check_inspectors_per_org),
            filter_json=filter_json)
        _add_step(ctx, row, "planned", ctx.today())
        unit.session.add(row)
        unit.record("spot_check_plan", pid, None,
                    {"year": year, "kind": kind.value, "ratio_percent": str(ratio),
                     "filter": json.loads(filter_json)})
    return pid


def declare_conflict(ctx: ServiceContext, plan_id: str, officer_id: str, org_id: str,
                     reason: str) -> None:
    """An officer's declared conflict of interest with an organization (回避), before the
    draw: the draw never assigns them to it (Art 7)."""
    reason = _rows.require_text("reason", reason)
    with ctx.unit("spot_check.declare_conflict",
                  subject=Subject("spot_check_plan", plan_id)) as unit:
        s = unit.session
        row = _load(s, plan_id)
        if row.status not in (SP.DRAFT.value, SP.APPROVED.value):
            raise wf.WrongState(status=_state_label(row.status), expected="/".join(
                _state_label(x) for x in (SP.DRAFT.value, SP.APPROVED.value)))
        _rows.organization(s, org_id)
        if officer_id not in {o.id for o in enforcement_officers(s)}:
            raise ValidationFailed([FieldProblem("officer", "sv.error.not_officer")])
        conflicts = json.loads(row.conflicts_json or "{}")
        names = set(conflicts.get(org_id, []))
        names.add(officer_id)
        conflicts[org_id] = sorted(names)
        row.conflicts_json = json.dumps(conflicts, sort_keys=True)
        s.add(row)
        unit.about("organization", org_id)
        unit.record("spot_check_plan", plan_id, None,
                    {"conflict": {"officer": officer_id, "organization": org_id,
                                  "reason": reason}})


def approve(ctx: ServiceContext, plan_id: str) -> None:
    """The approver approves the plan (not the one who planned it)."""
    with ctx.unit("spot_check.approve", subject=Subject("spot_check_plan", plan_id)) as unit:
        row = _load(unit.session, plan_id)
        _move(ctx, "spot_check.approve", row, ctx.today())
        unit.session.add(row)
        unit.record("spot_check_plan", plan_id, {"status": SP.DRAFT.value},
                    {"status": SP.APPROVED.value})


def cancel(ctx: ServiceContext, plan_id: str, reason: str) -> None:
    """The approver cancels a plan before its draw (a draft or an approved plan; once
    drawn, the draw is public and stays: the SPOT_CHECK_PLAN table refuses), always with
    its reason, kept in the plan's steps and the event."""
    reason = _rows.require_text("reason", reason)
    with ctx.unit("spot_check.cancel", subject=Subject("spot_check_plan", plan_id),
                  note=reason) as unit:
        row = _load(unit.session, plan_id)
        before = row.status
        _move(ctx, "spot_check.cancel", row, ctx.today(), reason=reason)
        unit.session.add(row)
        unit.record("spot_check_plan", plan_id, {"status": before},
                    {"status": SP.CANCELLED.value, "reason": reason})


def _population(s: Session) -> list[OrgFacts]:
    # seven columns: more than sqlmodel's typed select() overloads cover
    rows = s.exec(select(Organization.id, Organization.org_type,  # type: ignore[call-overload]
                         Organization.established_on,
                         Organization.status, Organization.deregistered_on,
                         Organization.revoked_on, Organization.subdistrict_code)).all()
    out = []
    for oid, otype, est, status, dereg, revoked, sub in rows:
        out.append(OrgFacts(id=oid, org_type=OrgType(otype), registered_on=est,
                                  status=OrgStatus(status), deregistered_on=dereg,
                                  revoked_on=revoked, subdistrict_code=sub))
    return out


def draw(ctx: ServiceContext, plan_id: str, seed: str | None = None) -> PlanView:
    """Freeze the population, record the seed (a fresh random one unless given), draw
    the organizations and the inspector pairs (``spot_check.make_plan``), in one unit."""
    with ctx.unit("spot_check.draw", subject=Subject("spot_check_plan", plan_id)) as unit:
        s = unit.session
        row = _load(s, plan_id)
        _move(ctx, "spot_check.draw", row, ctx.today())
        officers = [o.id for o in enforcement_officers(s)]
        conflicts = json.loads(row.conflicts_json or "{}")
        try:
            plan = rules.make_plan(row.year, SpotCheckKind(row.kind), row.ratio_percent,
                                   _population(s), _filter(row), officers, conflicts,
                                   seed=seed, params=ctx.settings.legal, per_org=row.per_org)
        except SupervisionRuleError as exc:
            raise _rows.from_rule_error("draw", exc) from None
        row.population_json = json.dumps(list(plan.population))
        row.population_hash = plan.population_hash
        row.seed = plan.seed
        row.algorithm = plan.algorithm
        row.drawn_json = json.dumps(list(plan.drawn))
        row.officers_json = json.dumps(list(plan.officers))
        row.conflicts_json = json.dumps({k: list(v) for k, v in plan.conflicts.items()},
                                        sort_keys=True)
        row.inspectors_json = json.dumps({k: list(v) for k, v in plan.inspectors.items()},
                                         sort_keys=True)
        row.drawn_on = ctx.today()
        s.add(row)
        unit.record("spot_check_plan", plan_id, {"status": SP.APPROVED.value}, {
            "status": SP.DRAWN.value, "population": len(plan.population),
            "population_hash": plan.population_hash, "seed": plan.seed,
            "algorithm": plan.algorithm, "drawn": list(plan.drawn)})
        s.flush()
        return _view(ctx, s, row)


def notify(ctx: ServiceContext, plan_id: str, *, issue_documents: bool = True) -> list[str]:
    """Issue the inspection notice (检查通知书) to every drawn organization, in one unit.
    Returns the document numbers. ``issue_documents=False`` records that the notices went
    out through another channel (e.g. the city's 双随机 platform) without issuing them here."""
    numbers: list[str] = []
    with ctx.unit("spot_check.notify", subject=Subject("spot_check_plan", plan_id)) as unit:
        s = unit.session
        row = _load(s, plan_id)
        _move(ctx, "spot_check.notify", row, ctx.today())
        names = {u.id: u.display_name for u in s.exec(select(UserAccount)).all()}
        inspectors = json.loads(row.inspectors_json or "{}")
        items = ([t(f"supervision.check_item.{i}", "zh") for i in rules.CHECK_ITEMS]
                 if row.kind == SpotCheckKind.REGULAR.value else [])
        for org_id in json.loads(row.drawn_json or "[]") if issue_documents else ():
            org = _rows.organization(s, org_id)
            doc = documents.issue(unit, ctx, "inspection_notice", issued_on=ctx.today(), data={
                "org_name": org.name, "org_type": org.org_type, "uscc": org.uscc or "",
                "plan_year": row.year, "plan_title": row.title, "seed": row.seed,
                "inspectors": "、".join(names.get(o, o) for o in inspectors.get(org_id, [])),
                "check_items": items})
            numbers.append(doc.number)
            unit.about("organization", org_id)
        s.add(row)
        unit.record("spot_check_plan", plan_id, {"status": SP.DRAWN.value},
                    {"status": SP.NOTIFIED.value, "notices": numbers or "external"})
    return numbers


def record_result(ctx: ServiceContext, plan_id: str, org_id: str, *, checked_on: date,
                  inspectors_present: list[str], items_checked: list[str], findings: str,
                  result: str, rectify_items: list[str] | None = None,
                  rectify_by: date | None = None) -> str:
    """The result of the check of one drawn organization (Art 6 items; at least two
    inspectors present, none with a declared conflict, Art 7); ``rectification_ordered``
    writes the order (source ``spot_check``) in the same unit. Returns the record id."""
    problems: list[FieldProblem] = []
    if result not in RESULTS:
        problems.append(FieldProblem("result", "sv.error.choice", {"value": result}))
    if checked_on > ctx.today():
        problems.append(FieldProblem("checked_on", "sv.error.date_in_future",
                                     {"on": checked_on.isoformat()}))
    items = [i.strip() for i in (rectify_items or []) if i and i.strip()]
    if result == "rectification_ordered" and (not items or rectify_by is None):
        problems.append(FieldProblem("rectify_by", "sv.error.rectification_needed"))
    with ctx.db.read() as s:
        plan = plan_of(_load(s, plan_id))
    problems += [_rows.reason_problem("inspectors", r)
                 for r in rules.check_result(plan, org_id, inspectors_present, items_checked)]
    if problems:
        raise ValidationFailed(problems)
    rid = new_id()
    with ctx.unit("spot_check.record_result", subject=Subject("supervision_record", rid,
                                                              organization_id=org_id)) as unit:
        s = unit.session
        row = _load(s, plan_id)
        wf.check_transition(ctx, SPOT_CHECK_PLAN, "spot_check.record_result", row.status,
                            state_label=_state_label)
        org = _rows.organization(s, org_id)
        for rec in s.exec(select(SupervisionRecord).where(
                SupervisionRecord.kind == KIND,
                SupervisionRecord.organization_id == org_id)).all():
            if _rows.details(rec).get("plan_id") == plan_id:
                raise ValidationFailed([FieldProblem("result", "sv.error.result_exists")])
        rec = SupervisionRecord(id=rid, office_id=ctx.actor.office_id, organization_id=org_id,
                                kind=KIND, record_date=checked_on, trigger=row.kind,
                                outcome=result, description=findings.strip()[:500])
        data = {"plan_id": plan_id, "inspectors": sorted(inspectors_present),
                "items": sorted(items_checked), "findings": findings.strip(), "status": "checked"}
        _rows.set_details(rec, data)
        _rows.add_step(ctx, rec, "result_recorded", checked_on)
        s.add(rec)
        s.flush()
        if items:
            assert rectify_by is not None
            order = orders.open_order(unit, ctx, org, source=RectificationSource.SPOT_CHECK,
                                      items=items, due_on=rectify_by, ordered_on=checked_on,
                                      source_ref=rid)
            data = _rows.details(rec)
            data["rectification_id"] = order.id
            _rows.set_details(rec, data)
            s.add(rec)
        unit.about("spot_check_plan", plan_id)
        unit.record("supervision_record", rid, None,
                    {"kind": KIND, "plan": plan_id, "checked_on": checked_on.isoformat(),
                     "result": result, "inspectors": sorted(inspectors_present)},
                    organization_id=org_id)
        from mca_tui.services import dormancy  # a check finding it operating is activity (Z2)

        dormancy.refresh(unit, ctx, org_id)
    return rid


def finish(ctx: ServiceContext, plan_id: str) -> None:
    """Every drawn organization has its result: the checks are done (reviewer)."""
    with ctx.unit("spot_check.finish", subject=Subject("spot_check_plan", plan_id)) as unit:
        s = unit.session
        row = _load(s, plan_id)
        view = _view(ctx, s, row)
        missing = [name for oid, name in view.drawn if oid not in view.results]
        if missing:
            raise ValidationFailed([FieldProblem("results", "sv.error.results_missing",
                                                 {"count": len(missing), "name": missing[0]})])
        _move(ctx, "spot_check.finish", row, ctx.today())
        s.add(row)
        unit.record("spot_check_plan", plan_id, {"status": SP.NOTIFIED.value},
                    {"status": SP.CHECKED.value})


def publish(ctx: ServiceContext, plan_id: str, on: date | None = None) -> None:
    """The approver publishes the results (一公开)."""
    on = on or ctx.today()
    with ctx.unit("spot_check.publish", subject=Subject("spot_check_plan", plan_id)) as unit:
        row = _load(unit.session, plan_id)
        _move(ctx, "spot_check.publish", row, on)
        row.published_on = on
        unit.session.add(row)
        unit.record("spot_check_plan", plan_id, {"status": SP.CHECKED.value},
                    {"status": SP.PUBLISHED.value, "published_on": on.isoformat()})


@dataclass(frozen=True)
class PublicationRow:
    name: str
    uscc: str
    checked_on: date | None
    result: str  # label in the UI language
    findings: str
    rectification_due: date | None


def publication_list(ctx: ServiceContext, plan_id: str) -> list[PublicationRow]:
    """The publication list of results (抽查结果公示): one row per drawn organization."""
    ctx.permit("supervision.read")
    out = []
    with ctx.db.read() as s:
        row = _load(s, plan_id)
        recs: dict[str, SupervisionRecord] = {}
        for found in s.exec(select(SupervisionRecord).where(SupervisionRecord.kind == KIND)).all():
            if _rows.details(found).get("plan_id") == plan_id:
                recs[found.organization_id] = found
        for org_id in json.loads(row.drawn_json or "[]"):
            org = _rows.organization(s, org_id)
            rec = recs.get(org_id)
            due = None
            if rec is not None and _rows.details(rec).get("rectification_id"):
                order = s.get(SupervisionRecord, _rows.details(rec)["rectification_id"])
                due = order.due_on if order else None
            out.append(PublicationRow(
                org.name, org.uscc or "", rec.record_date if rec else None,
                t(f"sv.spot.result.{rec.outcome}") if rec else t("sv.spot.result.pending"),
                _rows.details(rec).get("findings", "") if rec else "", due))
    return out


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    plan_id: str
    title: str
    population: int
    drawn: int
    seed: str
    reason: Reason | None  # None: the draw is reproduced exactly


def verify(db: Database, plan_id: str | None = None,
           params: LegalParams | None = None) -> list[Verification]:
    """Re-run every recorded draw (or one plan's) from its seed and frozen population."""
    out = []
    with db.read() as s:
        q = select(SpotCheckPlanRow).where(col(SpotCheckPlanRow.drawn_on).is_not(None))
        if plan_id:
            q = select(SpotCheckPlanRow).where(
                (SpotCheckPlanRow.id == plan_id) | (SpotCheckPlanRow.id.startswith(plan_id)))
        rows = s.exec(q.order_by(col(SpotCheckPlanRow.year), col(SpotCheckPlanRow.created_at))).all()
        if plan_id and not rows:
            raise NotFound(what=plan_id)
        for row in rows:
            plan = plan_of(row)
            reason = (rules.verify_draw(plan, params) if row.drawn_on is not None
                      else Reason("verify_not_drawn", SPOT_CHECK))
            out.append(Verification(row.id, row.title, len(plan.population), len(plan.drawn),
                                    row.seed, reason))
    return out
