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
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain import deregistration as rules
from mca_tui.domain.calendar import Deadline
from mca_tui.domain.casework import CustodyRecord, CustodyStatus, LegalRefusal, custody_status
from mca_tui.domain.dates import parse_date
from mca_tui.domain.deregistration import (
    DEREGISTRATION,
    DeregistrationFacts,
    Extension,
    Liquidation,
    MaterialFinding,
)
from mca_tui.domain.enums import (
    ApplicationKind,
    ApplicationStatus,
    AuditTrigger,
    CustodyItem,
    CustodyOutcome,
    DeregistrationMaterial,
    DeregistrationTrigger,
    OrgStatus,
    OrgType,
    Role,
    SupervisionKind,
)
from mca_tui.domain.text import normalize_name, normalize_text
from mca_tui.domain.workflow import NEW, History, Transition, actor_key
from mca_tui.i18n import label, t
from mca_tui.services import codes
from mca_tui.services import custody as custody_service
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.custody import RefusedByRule
from mca_tui.services.documents import IssuedDocumentInfo
from mca_tui.services.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    ValidationFailed,
)
from mca_tui.services.organizations import update_organization
from mca_tui.services.workflow import (
    WrongState,
    apply_transition,
    history_from_steps,
)
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    Announcement,
    Application,
    ApplicationStep,
    IssuedDocument,
    Organization,
    SupervisionRecord,
    UserAccount,
    utcnow,
)

__all__ = [
    "DeregistrationInfo",
    "DocumentRef",
    "accept",
    "announce",
    "approve",
    "complete_correction",
    "extend",
    "facts_of",
    "get",
    "in_progress_for",
    "list_open",
    "queue_rows",
    "record_custody",
    "refuse",
    "request_correction",
    "review",
    "save",
    "start",
    "withdraw",
]

KIND = ApplicationKind.DEREGISTRATION.value
IN_FLIGHT = (ApplicationStatus.ACCEPTED, ApplicationStatus.CORRECTION,
             ApplicationStatus.REVIEWED)
OPEN = (ApplicationStatus.DRAFT, *IN_FLIGHT)
LICENSING_LAW = rules.LICENSING_LAW
# Who may be deregistered: an active organization, or one revoked, which must still
# liquidate and deregister (domain.md §3).
DEREGISTRABLE = (OrgStatus.ACTIVE.value, OrgStatus.REVOKED.value)
AUDIT_RESULTS = ("unqualified", "qualified", "adverse", "disclaimer")


class WrongStatus(WrongState):
    key = "dereg.error.wrong_status"


# --------------------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class DocumentRef:
    id: str
    kind: str
    number: str
    title: str
    file_path: str
    issued_on: date


@dataclass(frozen=True)
class StepInfo:
    step: str
    on_date: date
    actor_name: str
    note: str


@dataclass(frozen=True)
class DeregistrationInfo:
    """One deregistration file as the screen shows it."""

    id: str
    number: str | None
    organization_id: str
    org_name: str
    uscc: str | None
    org_type: OrgType
    org_status: str
    status: ApplicationStatus
    version: int
    form: dict[str, Any]
    facts: DeregistrationFacts
    applied_on: date | None
    accepted_on: date | None
    reviewed_on: date | None
    decided_on: date | None
    decision_reasons: str
    late: bool
    application_deadline: Deadline | None  # 15 days after the liquidation ended
    decision_deadline: Deadline | None  # 20 (30) working days from acceptance, while open
    missing: tuple[MaterialFinding, ...]
    liquidation_problems: tuple[LegalRefusal, ...]
    custody: tuple[CustodyRecord, ...]
    custody_status: CustodyStatus
    announced_on: date | None
    complete: bool
    audit_status: str | None  # liquidation audit: required / done / None
    accepted_by: str
    reviewed_by: str
    decided_by: str
    steps: tuple[StepInfo, ...]
    documents: tuple[DocumentRef, ...]
    actions: tuple[str, ...] = field(default=())
    """The actions the user who read it may take now (table + dated rules)."""

    @property
    def extension(self) -> Extension | None:
        return self.facts.extension


# --------------------------------------------------------------------------- reading the row


def _form(app: Application) -> dict[str, Any]:
    try:
        data = json.loads(app.form_json or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _dump(form: dict[str, Any]) -> str:
    return json.dumps(form, ensure_ascii=False, sort_keys=True, default=str)


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return parse_date(value) if value else None


def _trigger(form: dict[str, Any]) -> DeregistrationTrigger | None:
    try:
        return DeregistrationTrigger(str(form.get("trigger") or ""))
    except ValueError:
        return None


def _members(value: object) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        raw = [str(v) for v in value]
    else:
        raw = str(value or "").replace("，", "、").replace(",", "、").replace(";", "、") \
            .replace("；", "、").split("、")
    return tuple(n for n in (normalize_name(r) for r in raw) if n)


def _materials(form: dict[str, Any]) -> frozenset[DeregistrationMaterial]:
    given = form.get("materials") or {}
    out = set()
    for code, ok in (given.items() if isinstance(given, dict) else []):
        try:
            if ok:
                out.add(DeregistrationMaterial(code))
        except ValueError:
            continue
    return frozenset(out)


def _extension(form: dict[str, Any]) -> Extension | None:
    ext = form.get("extension")
    if not isinstance(ext, dict) or not _day(ext.get("approved_on")):
        return None
    return Extension(_day(ext["approved_on"]), str(ext.get("approved_by") or ""),  # type: ignore[arg-type]
                     str(ext.get("reason") or ""))


def facts_of(app: Application, org: Organization | None) -> DeregistrationFacts:
    """The rules' view of a deregistration row (``domain.deregistration``)."""
    form = _form(app)
    liq = form.get("liquidation") or {}
    direct = bool(form.get("direct_registration")) if "direct_registration" in form else (
        bool(org is not None and not (org.supervisory_unit or "").strip()))
    status = ApplicationStatus(app.status)
    return DeregistrationFacts(
        org_type=OrgType(app.org_type),
        trigger=_trigger(form),
        direct_registration=direct,
        liquidation=Liquidation(
            formed_on=_day(liq.get("formed_on")), members=_members(liq.get("members")),
            guided_by=normalize_text(liq.get("guided_by")), ended_on=_day(liq.get("ended_on"))),
        materials=_materials(form),
        applied_on=_day(form.get("applied_on")) or app.received_on,
        accepted_on=app.accepted_on,
        extension=_extension(form),
        decided_on=app.decided_on,
        approved=True if status is ApplicationStatus.APPROVED else (
            False if status is ApplicationStatus.REFUSED else None),
        custody=custody_service.records_of(app),
        announced_on=_day(form.get("announced_on")),
    )


def _load(session: Session, app_id: str) -> Application:
    app = session.get(Application, app_id)
    if app is None or app.kind != KIND:
        raise NotFound("dereg.error.not_found", id=app_id)
    return app


def _org(session: Session, org_id: str | None) -> Organization:
    org = session.get(Organization, org_id) if org_id else None
    if org is None:
        raise NotFound("org.not_found", id=org_id or "")
    return org


def _steps(session: Session, app_id: str) -> list[ApplicationStep]:
    return list(session.exec(select(ApplicationStep).where(
        ApplicationStep.application_id == app_id).order_by(col(ApplicationStep.created_at))))


def _history(session: Session, app: Application,
             steps: list[ApplicationStep] | None = None) -> History:
    rows = [(st.step, st.actor_id, json.loads(st.data_json or "{}").get("actor_name"))
            for st in (steps if steps is not None else _steps(session, app.id))]
    history = dict(history_from_steps(DEREGISTRATION, rows))
    if app.accepted_by_id:
        history["deregistration.accept"] = history.get(
            "deregistration.accept", frozenset()) | {actor_key(app.accepted_by_id, "")}
    return history


def _status_label(state: str) -> str:
    try:
        return label(ApplicationStatus(state))
    except ValueError:
        return state


def _refuse_if(refusal: LegalRefusal | None) -> None:
    if refusal is not None:
        raise RefusedByRule(refusal)


def _move(ctx: ServiceContext, unit: Unit, app: Application, action: str,
          expected_version: int | None, on: date, note: str = "",
          data: dict[str, Any] | None = None) -> Transition:
    """Check the version, then state, role and four eyes against the table; move the
    application and record the step."""
    if expected_version is not None and app.version != expected_version:
        raise Conflict(name=app.number or app.id)
    tr = apply_transition(ctx, DEREGISTRATION, action, app,
                          history=_history(unit.session, app) if app.id else None,
                          wrong_state=WrongStatus, state_label=_status_label)
    app.version += 1
    app.updated_at = utcnow()
    unit.session.add(app)
    if tr.step:
        payload = {"actor_name": ctx.actor.name,
                   "actor_display": ctx.actor.display_name, **(data or {})}
        unit.session.add(ApplicationStep(
            office_id=app.office_id, application_id=app.id, step=tr.step, on_date=on,
            actor_id=ctx.actor.user_id, note=normalize_text(note),
            data_json=json.dumps(payload, ensure_ascii=False, default=str)))
    if app.organization_id:  # an open deregistration (liquidation) excludes it from the
        _refresh_dormancy(unit, ctx, app.organization_id)  # dormancy list (§6.3)
    return tr


def _refresh_dormancy(unit: Unit, ctx: ServiceContext, organization_id: str) -> None:
    from mca_tui.services import dormancy

    dormancy.refresh(unit, ctx, organization_id)


def _user_names(session: Session, ids: set[str | None]) -> dict[str, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.exec(select(UserAccount).where(col(UserAccount.id).in_(wanted))).all()
    return {u.id: u.display_name for u in rows}


def _audit_status(session: Session, app: Application) -> str | None:
    for row in session.exec(select(SupervisionRecord).where(
            SupervisionRecord.organization_id == app.organization_id,
            SupervisionRecord.kind == SupervisionKind.FINANCIAL_AUDIT.value,
            SupervisionRecord.trigger == AuditTrigger.DEREGISTRATION.value)):
        try:
            data = json.loads(row.details_json or "{}")
        except ValueError:
            data = {}
        if data.get("application_id") == app.id:
            return "done" if row.completed_on is not None else "required"
    return None


def _deadline(ctx: ServiceContext, facts: DeregistrationFacts, status: ApplicationStatus
              ) -> Deadline | None:
    if status not in IN_FLIGHT:
        return None
    return rules.decision_clock(facts, ctx.calendar, ctx.settings.legal)


def _offered(ctx: ServiceContext, session: Session, app: Application,
             facts: DeregistrationFacts, history: History | None = None) -> tuple[str, ...]:
    """The table's actions for this user, less those the dated rules refuse now; custody
    and announcement only while outstanding."""
    from mca_tui.services.workflow import actor_roles, me

    out = []
    for tr in rules.offered(facts, app.status, actor_roles(ctx.actor), me(ctx.actor),
                            dict(history if history is not None else _history(session, app)),
                            ctx.today(), ctx.calendar,
                            ctx.settings.legal):
        if tr.action == "deregistration.custody" and facts.custody and \
                custody_status(facts.custody).complete:
            continue
        if tr.action == "deregistration.announce" and facts.announced_on is not None:
            continue
        out.append(tr.action)
    return tuple(out)


def _info(ctx: ServiceContext, session: Session, app: Application) -> DeregistrationInfo:
    org = _org(session, app.organization_id)
    facts = facts_of(app, org)
    form = _form(app)
    status = ApplicationStatus(app.status)
    cal = ctx.calendar
    found = rules.findings(facts, cal)
    steps = _steps(session, app.id)
    names = _user_names(session, {app.accepted_by_id, app.reviewed_by_id, app.decided_by_id,
                                  *(s.actor_id for s in steps)})

    def step_actor(st: ApplicationStep) -> str:
        if st.actor_id and st.actor_id in names:
            return names[st.actor_id]
        data = json.loads(st.data_json or "{}")
        return str(data.get("actor_display") or data.get("actor_name") or "")

    docs = session.exec(select(IssuedDocument).where(
        IssuedDocument.application_id == app.id).order_by(col(IssuedDocument.issued_on),
                                                           col(IssuedDocument.id))).all()
    return DeregistrationInfo(
        id=app.id, number=app.number, organization_id=org.id, org_name=org.name,
        uscc=org.uscc, org_type=OrgType(app.org_type), org_status=org.status, status=status,
        version=app.version, form=form, facts=facts, applied_on=facts.applied_on,
        accepted_on=app.accepted_on, reviewed_on=app.reviewed_on, decided_on=app.decided_on,
        decision_reasons=app.decision_reasons,
        late=app.late if app.accepted_on else rules.is_late(facts, cal),
        application_deadline=found.application_deadline,
        decision_deadline=_deadline(ctx, facts, status),
        missing=found.missing, liquidation_problems=found.liquidation_problems,
        custody=facts.custody, custody_status=found.custody,
        announced_on=facts.announced_on, complete=rules.is_complete(facts),
        audit_status=_audit_status(session, app),
        accepted_by=names.get(app.accepted_by_id or "", ""),
        reviewed_by=names.get(app.reviewed_by_id or "", ""),
        decided_by=names.get(app.decided_by_id or "", ""),
        steps=tuple(StepInfo(st.step, st.on_date, step_actor(st), st.note) for st in steps),
        documents=tuple(DocumentRef(d.id, d.kind, d.number, d.title, d.file_path,
                                    d.issued_on) for d in docs),
        actions=_offered(ctx, session, app, facts, _history(session, app, steps)),
    )


# --------------------------------------------------------------------------- reads


def get(ctx: ServiceContext, app_id: str) -> DeregistrationInfo:
    ctx.permit("application.read")
    with ctx.db.read() as s:
        return _info(ctx, s, _load(s, app_id))


def in_progress_for(ctx: ServiceContext, organization_id: str) -> DeregistrationInfo | None:
    """The organization's deregistration not refused or withdrawn (the newest), if any."""
    ctx.permit("application.read")
    with ctx.db.read() as s:
        app = s.exec(select(Application).where(
            Application.organization_id == organization_id, Application.kind == KIND,
            col(Application.status).in_([*(st.value for st in OPEN),
                                         ApplicationStatus.APPROVED.value]))
            .order_by(col(Application.created_at).desc())).first()
        return _info(ctx, s, app) if app is not None else None


def list_open(ctx: ServiceContext, limit: int = 200) -> list[DeregistrationInfo]:
    """Deregistrations of the office not finished: drafts, in flight, and approved files
    whose custody or announcement is outstanding; oldest first."""
    ctx.permit("application.read")
    with ctx.db.read() as s:
        rows = s.exec(select(Application).where(
            Application.office_id == ctx.actor.office_id, Application.kind == KIND,
            col(Application.status).in_([*(st.value for st in OPEN),
                                         ApplicationStatus.APPROVED.value]))
            .order_by(col(Application.created_at)).limit(limit)).all()
        out = [_info(ctx, s, app) for app in rows]
    return [i for i in out if i.status is not ApplicationStatus.APPROVED or not i.complete]


# --------------------------------------------------------------------------- input


def _clean(form: dict[str, Any], org: Organization) -> dict[str, Any]:
    """The form as typed, normalised: text NFKC-normalised, dates kept as typed (checked
    by the rules), materials as a code -> bool map."""
    out = dict(form)
    liq = dict(form.get("liquidation") or {})
    for key in ("guided_by",):
        liq[key] = normalize_text(liq.get(key))
    if "members" in liq:
        liq["members"] = list(_members(liq.get("members")))
    out["liquidation"] = liq
    mats = form.get("materials") or {}
    out["materials"] = {m.value: bool(mats.get(m.value)) for m in DeregistrationMaterial}
    for key in ("audit_firm", "residual_assets", "applicant"):
        if key in out:
            out[key] = normalize_text(out.get(key))
    out.setdefault("applicant", org.legal_rep_name or org.name)
    return out


def _date_problems(form: dict[str, Any]) -> list[FieldProblem]:
    problems = []
    liq = form.get("liquidation") or {}
    for name, value in (("applied_on", form.get("applied_on")),
                        ("liquidation.formed_on", liq.get("formed_on")),
                        ("liquidation.ended_on", liq.get("ended_on")),
                        ("audit_on", form.get("audit_on"))):
        if value not in (None, "") and _day(value) is None:
            problems.append(FieldProblem(name, "dereg.error.date", {"value": str(value)}))
    return problems


def new_form(org: Organization | None, today: date) -> dict[str, Any]:
    return {"applied_on": today.isoformat(), "trigger": "",
            "liquidation": {"formed_on": "", "members": [], "guided_by": "", "ended_on": ""},
            "materials": {m.value: False for m in DeregistrationMaterial},
            "direct_registration": bool(org is not None
                                        and not (org.supervisory_unit or "").strip())}


# --------------------------------------------------------------------------- draft


def start(ctx: ServiceContext, organization_id: str, form: dict[str, Any] | None = None
          ) -> DeregistrationInfo:
    """申请注销: open a draft for an active (or revoked) organization; refused while
    another deregistration of it is open."""
    ctx.permit("deregistration.draft")
    app_id = new_id()
    today = ctx.today()
    with ctx.unit("deregistration.draft", subject=Subject(
            "application", app_id, organization_id=organization_id)) as unit:
        s = unit.session
        # the organization row locked (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises
        # already) so that two clerks never open two files for it
        org = s.get(Organization, organization_id, with_for_update=True)
        if org is None:
            raise NotFound("org.not_found", id=organization_id)
        if org.status not in DEREGISTRABLE:
            raise WrongStatus("dereg.error.org_status", name=org.name,
                              status=label(OrgStatus(org.status)))
        busy = s.exec(select(Application.id).where(
            Application.organization_id == org.id, Application.kind == KIND,
            col(Application.status).in_([st.value for st in OPEN]))).first()
        if busy:
            raise WrongStatus("dereg.error.already_open", name=org.name)
        typed = _clean({**new_form(org, today), **(form or {})}, org)
        problems = _date_problems(typed)
        if problems:
            raise ValidationFailed(problems)
        app = Application(id=app_id, office_id=org.office_id, kind=KIND,
                          org_type=org.org_type, organization_id=org.id, status=NEW,
                          form_json=_dump(typed), received_on=_day(typed.get("applied_on")),
                          created_by_id=ctx.actor.user_id)
        s.add(app)
        s.flush()
        _move(ctx, unit, app, "deregistration.draft", None, today)
        unit.record("application", app.id, None,
                    {"kind": KIND, "status": app.status, "form": typed},
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def save(ctx: ServiceContext, app_id: str, form: dict[str, Any], *,
         expected_version: int | None = None) -> DeregistrationInfo:
    """Save the draft as typed (F2): trigger, liquidation, checklist, dates."""
    today = ctx.today()
    with ctx.unit("deregistration.draft_save", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        before = _form(app)
        typed = _clean({**before, **form}, org)
        problems = _date_problems(typed)
        if problems:
            raise ValidationFailed(problems)
        _move(ctx, unit, app, "deregistration.draft_save", expected_version, today)
        app.form_json = _dump(typed)
        app.received_on = _day(typed.get("applied_on"))
        unit.record("application", app.id, {"form": before}, {"form": typed},
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def withdraw(ctx: ServiceContext, app_id: str, *, note: str = "",
             expected_version: int | None = None) -> DeregistrationInfo:
    """The applicant withdraws (撤回) before the decision; every clock stops."""
    today = ctx.today()
    with ctx.unit("deregistration.withdraw", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        before = app.status
        _move(ctx, unit, app, "deregistration.withdraw", expected_version, today, note)
        unit.record("application", app.id, {"status": before}, {"status": app.status},
                    organization_id=app.organization_id)
        s.flush()
        return _info(ctx, s, app)


# --------------------------------------------------------------------------- 受理


def accept(ctx: ServiceContext, app_id: str, form: dict[str, Any] | None = None, *,
           expected_version: int | None = None, note: str = "") -> DeregistrationInfo:
    """受理 (clerk): refused (nothing written) unless the trigger is one the type's
    regulation lists, the liquidation body is recorded and its liquidation ended, the
    application is not dated before that end, and the statutory materials are in
    (``domain.deregistration.refusal``). A late application (more than 15 days after the
    liquidation ended) is flagged, not refused. Issues the 受理通知书 with the decision
    date (20 working days) and opens the liquidation audit."""
    today = ctx.today()
    with ctx.unit("deregistration.accept", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        if form is not None:
            typed = _clean({**_form(app), **form}, org)
            problems = _date_problems(typed)
            if problems:
                raise ValidationFailed(problems)
            app.form_json = _dump(typed)
        typed = _form(app)
        applied = _day(typed.get("applied_on")) or today
        if applied > today:
            raise ValidationFailed([FieldProblem("applied_on", "dereg.error.future",
                                                 {"date": applied.isoformat()})])
        app.received_on = applied
        tr = _move(ctx, unit, app, "deregistration.accept", expected_version, today, note)
        facts = facts_of(app, org)
        _refuse_if(rules.refusal(tr.action, facts, today, ctx.calendar, actor=ctx.actor.name,
                                 params=ctx.settings.legal))
        seq = codes.next_value(s, f"application:{ctx.actor.office_code}:{today.year}")
        app.number = f"{ctx.actor.office_code}-{today.year}-{seq:05d}"
        app.accepted_on = today
        app.complete_on = today
        app.accepted_by_id = ctx.actor.user_id
        app.liquidation_end_on = facts.liquidation.ended_on
        facts = facts_of(app, org)
        app.late = rules.is_late(facts, ctx.calendar)
        deadline = rules.application_deadline(facts, ctx.calendar)
        clock = rules.decision_clock(facts, ctx.calendar, ctx.settings.legal)
        assert clock is not None
        doc = _issue(unit, ctx, "dereg_acceptance_notice", today, app, org, {
            "decision_due": clock.due, "late": app.late,
            "liquidation_end_on": facts.liquidation.ended_on,
            "application_due": deadline.due if deadline else None})
        audit = _open_liquidation_audit(unit, ctx, app, org, typed, today)
        unit.record("application", app.id, {"status": "draft"},
                    {"status": app.status, "number": app.number, "received_on": applied,
                     "accepted_on": today, "late": app.late,
                     "liquidation_end_on": facts.liquidation.ended_on,
                     "decision_due": clock.due, "document": doc.number,
                     "liquidation_audit": audit, "form": typed},
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def _open_liquidation_audit(unit: Unit, ctx: ServiceContext, app: Application,
                            org: Organization, form: dict[str, Any], today: date) -> str:
    """The liquidation audit (财务审计, trigger deregistration; domain.md §3, §9): done when
    the clerk typed the audit report (firm, date, opinion), else required — a row
    ``services.supervision.audits`` lists as pending and completes."""
    s = unit.session
    firm = normalize_text(form.get("audit_firm"))
    audited = _day(form.get("audit_on"))
    result = str(form.get("audit_result") or "")
    done = bool(firm and audited and result in AUDIT_RESULTS and audited <= today)
    details = {"status": "done" if done else "required", "application_id": app.id,
               "required_on": today.isoformat(),
               "article": rules.trigger_article(OrgType(org.org_type),
                                                DeregistrationTrigger.OTHER)}
    if done:
        details.update({"auditor": firm, "findings": ""})
    row = SupervisionRecord(
        office_id=org.office_id, organization_id=org.id,
        kind=SupervisionKind.FINANCIAL_AUDIT.value,
        record_date=audited if done and audited else today,
        trigger=AuditTrigger.DEREGISTRATION.value,
        completed_on=audited if done else None, outcome=result if done else "",
        description=normalize_text(form.get("audit_firm")) if done else "",
        details_json=json.dumps(details, ensure_ascii=False))
    s.add(row)
    s.flush()
    unit.record("supervision_record", row.id, None,
                {"kind": row.kind, "trigger": row.trigger, "status": details["status"]},
                organization_id=org.id)
    return str(details["status"])


# --------------------------------------------------------------------------- 审查 / 补正 / 延长


def review(ctx: ServiceContext, app_id: str, *, note: str = "",
           expected_version: int | None = None) -> DeregistrationInfo:
    """审查 (reviewer): the file goes to the approver; the findings at that moment (what is
    missing of local practice, the late flag) are kept on the step."""
    today = ctx.today()
    with ctx.unit("deregistration.review", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        facts = facts_of(app, org)
        _move(ctx, unit, app, "deregistration.review", expected_version, today, note,
              {"missing": [f.material.value for f in rules.missing_materials(facts)],
               "late": app.late})
        app.reviewed_on = today
        app.reviewed_by_id = ctx.actor.user_id
        unit.record("application", app.id, {"status": "accepted"},
                    {"status": app.status, "reviewed_on": today}, organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def request_correction(ctx: ServiceContext, app_id: str, items: list[str], *,
                       note: str = "", expected_version: int | None = None
                       ) -> DeregistrationInfo:
    """补正 (reviewer): every item to hand in, at once (行政许可法 Art 32)."""
    items = [normalize_text(i) for i in items if normalize_text(i)]
    if not items:
        raise ValidationFailed([FieldProblem("items", "dereg.error.no_items")])
    today = ctx.today()
    with ctx.unit("deregistration.correction", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        before = app.status
        _move(ctx, unit, app, "deregistration.correction", expected_version, today, note,
              {"items": items})
        app.correction_requested_on = today
        app.correction_items_json = json.dumps(items, ensure_ascii=False)
        unit.record("application", app.id, {"status": before},
                    {"status": app.status, "items": items},
                    organization_id=app.organization_id)
        s.flush()
        return _info(ctx, s, app)


def complete_correction(ctx: ServiceContext, app_id: str, form: dict[str, Any] | None = None, *,
                        note: str = "", expected_version: int | None = None
                        ) -> DeregistrationInfo:
    """The applicant handed in what was asked: back to review (clerk). The decision clock
    runs from acceptance (the file was complete in law when accepted)."""
    today = ctx.today()
    with ctx.unit("deregistration.correction_complete",
                  subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        before = _form(app)
        if form is not None:
            typed = _clean({**before, **form}, org)
            problems = _date_problems(typed)
            if problems:
                raise ValidationFailed(problems)
            app.form_json = _dump(typed)
        _move(ctx, unit, app, "deregistration.correction_complete", expected_version, today,
              note)
        app.correction_completed_on = today
        unit.record("application", app.id, {"status": "correction", "form": before},
                    {"status": app.status, "form": _form(app)}, organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def extend(ctx: ServiceContext, app_id: str, reason: str, *, approved_on: date | None = None,
           expected_version: int | None = None) -> DeregistrationInfo:
    """The head (approver) extends the 20 working days by 10, once, before they run out,
    with the reason told to the applicant (行政许可法 Art 42 ¶1): the approval is recorded
    on the file and the 延长审查期限告知书 issued."""
    reason = normalize_text(reason)
    today = ctx.today()
    approved_on = approved_on or today
    if approved_on > today:
        raise ValidationFailed([FieldProblem("approved_on", "dereg.error.future",
                                             {"date": approved_on.isoformat()})])
    with ctx.unit("deregistration.extend", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        action = ("deregistration.extend_after_review"
                  if app.status == ApplicationStatus.REVIEWED.value else "deregistration.extend")
        if action != "deregistration.extend":
            unit.action = action
        facts = facts_of(app, org)
        ext = Extension(approved_on, ctx.actor.display_name or ctx.actor.name, reason)
        before = rules.decision_clock(facts, ctx.calendar, ctx.settings.legal)
        _move(ctx, unit, app, action, expected_version, approved_on, reason)
        _refuse_if(rules.refusal(action, facts, approved_on, ctx.calendar,
                                 actor=ctx.actor.name, extension=ext,
                                 params=ctx.settings.legal))
        form = _form(app)
        form["extension"] = {"approved_on": approved_on.isoformat(),
                             "approved_by": ext.approved_by, "reason": reason}
        app.form_json = _dump(form)
        after = rules.decision_clock(facts_of(app, org), ctx.calendar, ctx.settings.legal)
        assert before is not None and after is not None
        doc = _issue(unit, ctx, "dereg_extension_notice", approved_on, app, org, {
            "reason": reason, "decision_due": after.due, "accepted_on": app.accepted_on})
        unit.record("application", app.id, {"decision_due": before.due},
                    {"decision_due": after.due, "extension": form["extension"],
                     "document": doc.number}, organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


# --------------------------------------------------------------------------- decision


def _check_decision_date(ctx: ServiceContext, app: Application, on: date) -> None:
    if on > ctx.today():
        raise ValidationFailed([FieldProblem("decided_on", "dereg.error.future",
                                             {"date": on.isoformat()})])


def approve(ctx: ServiceContext, app_id: str, *, decided_on: date | None = None,
            note: str = "", expected_version: int | None = None) -> DeregistrationInfo:
    """准予注销登记 (approver; never the user who accepted the file): the organization
    becomes 已注销 on ``decided_on`` and stays in the registry; issues the 准予注销登记决定书
    (the 注销证明文件), which asks for the certificate, seals and vouchers."""
    on = decided_on or ctx.today()
    with ctx.unit("deregistration.approve", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        _check_decision_date(ctx, app, on)
        facts = facts_of(app, org)
        tr = _move(ctx, unit, app, "deregistration.approve", expected_version, on, note)
        _refuse_if(rules.refusal(tr.action, facts, on, ctx.calendar, actor=ctx.actor.name,
                                 params=ctx.settings.legal))
        app.decided_on = on
        app.decided_by_id = ctx.actor.user_id
        before_status = org.status
        update_organization(unit, org.id, {"status": OrgStatus.DEREGISTERED.value,
                                           "deregistered_on": on})
        # custody a revocation case already settled is carried over, not asked again
        carried = custody_service.inherit_settled(unit, app, org.id)
        outstanding = [i.value for i in CustodyItem if i not in carried]
        doc = _issue(unit, ctx, "dereg_approval_decision", on, app, org, {
            "decided_on": on, "custody_items": outstanding,
            "custody_request": t("dereg.doc.custody_request", "zh") if outstanding else "",
            "custody_settled": t("dereg.doc.custody_settled", "zh", items="、".join(
                label(i, "zh") for i in carried), cases="、".join(
                sorted(set(carried.values())))) if carried else "",
            "note": normalize_text(note) or None})
        after: dict[str, Any] = {
            "status": app.status, "decided_on": on, "document": doc.number,
            "organization_status": {"before": before_status,
                                    "after": OrgStatus.DEREGISTERED.value}}
        # a serious listing on ground (七) (registration revoked) ends with the
        # deregistration (Order 60), with its removal notice, in this unit
        from mca_tui.services.supervision import credit_lists

        removed = credit_lists.remove_on_deregistration_in_unit(unit, ctx, org.id,
                                                                removed_on=on)
        if removed is not None:
            after["serious_list_removed"] = removed.document_number
        _refresh_dormancy(unit, ctx, org.id)
        unit.record("application", app.id, {"status": "reviewed"}, after,
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


def refuse(ctx: ServiceContext, app_id: str, reasons: str, *, decided_on: date | None = None,
           expected_version: int | None = None) -> DeregistrationInfo:
    """不予注销登记 with written reasons (approver; never the acceptor); issues the
    不予注销登记决定书 with the remedies."""
    reasons = normalize_text(reasons)
    if not reasons:
        raise ValidationFailed([FieldProblem("reasons", "dereg.error.no_reasons")])
    on = decided_on or ctx.today()
    with ctx.unit("deregistration.refuse", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        _check_decision_date(ctx, app, on)
        before = app.status
        facts = facts_of(app, org)
        tr = _move(ctx, unit, app, "deregistration.refuse", expected_version, on, reasons)
        _refuse_if(rules.refusal(tr.action, facts, on, ctx.calendar, actor=ctx.actor.name,
                                 params=ctx.settings.legal))
        app.decided_on = on
        app.decided_by_id = ctx.actor.user_id
        app.decision_reasons = reasons
        doc = _issue(unit, ctx, "dereg_refusal_decision", on, app, org, {"reasons": reasons})
        unit.record("application", app.id, {"status": before},
                    {"status": app.status, "decided_on": on, "reasons": reasons,
                     "document": doc.number}, organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


# --------------------------------------------------------------------------- after approval


def record_custody(ctx: ServiceContext, app_id: str, records: list[CustodyRecord], *,
                   expected_version: int | None = None) -> DeregistrationInfo:
    """收缴 (clerk): record items collected, or declared void by announcement (the
    证书印章作废公告 is issued for those), each dated not before the decision
    (``services.custody.apply_custody``)."""
    with ctx.unit("deregistration.custody", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        facts = facts_of(app, org)
        on = max((r.on for r in records if r.on), default=ctx.today())
        tr = _move(ctx, unit, app, "deregistration.custody", expected_version, on, "",
                   {"records": [{"item": r.item.value, "outcome": r.outcome.value,
                                 "on": r.on} for r in records]})
        for r in records:
            _refuse_if(rules.refusal(tr.action, facts, on, ctx.calendar, custody=r,
                                     params=ctx.settings.legal))
        custody_service.apply_custody(unit, ctx, app, records, organization_id=org.id,
                                      earliest=app.decided_on, application_id=app.id)
        s.flush()
        return _info(ctx, s, app)


def announce(ctx: ServiceContext, app_id: str, *, published_on: date | None = None,
             expected_version: int | None = None) -> DeregistrationInfo:
    """注销登记公告 (clerk): published on ``published_on`` (not before the decision);
    issues the announcement document and its ``Announcement`` row."""
    on = published_on or ctx.today()
    if on > ctx.today():
        raise ValidationFailed([FieldProblem("published_on", "dereg.error.future",
                                             {"date": on.isoformat()})])
    with ctx.unit("deregistration.announce", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        org = _org(s, app.organization_id)
        facts = facts_of(app, org)
        if facts.announced_on is not None:
            raise WrongStatus("dereg.error.already_announced",
                              date=facts.announced_on.isoformat())
        tr = _move(ctx, unit, app, "deregistration.announce", expected_version, on)
        _refuse_if(rules.refusal(tr.action, facts, on, ctx.calendar,
                                 params=ctx.settings.legal))
        status = custody_status(facts.custody)
        doc = _issue(unit, ctx, "dereg_announcement", on, app, org, {
            "decided_on": app.decided_on, "legal_rep": org.legal_rep_name,
            "domicile": org.domicile, "supervisory_unit": org.supervisory_unit or "",
            "direct_category": org.direct_category or "",
            "custody_outstanding": not status.complete})
        ann = Announcement(office_id=org.office_id, organization_id=org.id,
                           kind="deregistration", created_on=on, published_on=on,
                           text=doc.preview_text, document_id=doc.id)
        s.add(ann)
        form = _form(app)
        form["announced_on"] = on.isoformat()
        app.form_json = _dump(form)
        s.flush()
        unit.record("announcement", ann.id, None, {"kind": "deregistration",
                                                   "document": doc.number},
                    organization_id=org.id)
        unit.record("application", app.id, None, {"announced_on": on},
                    organization_id=org.id)
        s.flush()
        return _info(ctx, s, app)


# --------------------------------------------------------------------------- documents


def _legal_basis(org_type: OrgType) -> str:
    return {
        OrgType.SOCIAL_GROUP: "《社会团体登记管理条例》第十九条、第二十一条",
        OrgType.PRIVATE_NON_ENTERPRISE: "《民办非企业单位登记管理暂行条例》第十六条、第十七条",
        OrgType.FOUNDATION: "《基金会管理条例》第十六条、第十八条",
    }[org_type]


def _issue(unit: Unit, ctx: ServiceContext, kind: str, on: date, app: Application,
           org: Organization, extra: dict[str, Any]) -> IssuedDocumentInfo:
    """Number and record a deregistration document in this unit (codes and dates only;
    the document language supplies the words)."""
    from mca_tui.services import documents

    form = _form(app)
    data = {"registration_kind": KIND, "org_name": org.name, "uscc": org.uscc or "",
            "org_type": org.org_type, "civil_form": org.civil_form,
            "applicant": normalize_text(form.get("applicant")) or org.legal_rep_name
            or org.name, "received_on": app.received_on,
            "application_number": app.number, "trigger": str(form.get("trigger") or ""),
            **extra}
    if kind != "dereg_announcement":
        data.setdefault("legal_basis", _legal_basis(OrgType(org.org_type)))
    return documents.issue(unit, ctx, kind, issued_on=on, organization_id=org.id,
                           application_id=app.id, data=data, office_id=app.office_id)


# --------------------------------------------------------------------------- queues


@dataclass(frozen=True)
class QueueRow:
    application_id: str
    organization_id: str
    name: str
    uscc: str | None
    subject: str  # i18n key
    deadline: Deadline | None


QUEUE_ROLES: dict[str, tuple[Role, ...]] = {
    # files waiting for the signed-in user's step towards the decision: review
    # (reviewer), the decision (approver; not the files the user accepted)
    "deregistration_decision": (Role.REVIEWER, Role.APPROVER),
    # approved files whose certificate, seals, vouchers or announcement are outstanding
    "custody_outstanding": (Role.CLERK,),
}


def queue_rows(ctx: ServiceContext, queue: str, limit: int = 200) -> list[QueueRow]:
    """The rows of a deregistration home queue, most urgent first."""
    from mca_tui.services.workflow import actor_roles, me

    if queue not in QUEUE_ROLES:
        raise KeyError(queue)
    roles = actor_roles(ctx.actor)
    if queue == "deregistration_decision":
        wanted = ("deregistration.review", "deregistration.approve")
        states = sorted({st for a in wanted for st in DEREGISTRATION.transition(a).from_states
                         if roles is None or DEREGISTRATION.transition(a).roles & roles})
    else:
        states = [ApplicationStatus.APPROVED.value]
    if not states:
        return []
    out: list[QueueRow] = []
    with ctx.db.read() as s:
        rows = s.exec(select(Application, Organization)
                      .join(Organization,
                            col(Organization.id) == col(Application.organization_id))
                      .where(Application.office_id == ctx.actor.office_id,
                             Application.kind == KIND,
                             col(Application.status).in_(states))
                      .order_by(col(Application.accepted_on), Application.id)
                      .limit(limit)).all()
        for app, org in rows:
            facts = facts_of(app, org)
            if queue == "deregistration_decision":
                offered = DEREGISTRATION.available(app.status, roles, me(ctx.actor),
                                                   _history(s, app))
                if not any(tr.action in wanted for tr in offered):
                    continue
                deadline = rules.decision_clock(facts, ctx.calendar, ctx.settings.legal)
                subject = f"queue.subject.deregistration_{app.status}"
            else:
                if rules.is_complete(facts):
                    continue
                deadline = None
                subject = ("queue.subject.custody_outstanding"
                           if not custody_status(facts.custody).complete
                           else "queue.subject.announcement_outstanding")
            out.append(QueueRow(app.id, org.id, org.name, org.uscc, subject, deadline))
    out.sort(key=lambda r: (r.deadline is None, r.deadline.due if r.deadline else date.max))
    return out


def custody_input(item: CustodyItem | str, outcome: CustodyOutcome | str, on: date | None,
                  note: str = "") -> CustodyRecord:
    """A custody record from screen input (codes)."""
    return CustodyRecord(CustodyItem(item), CustodyOutcome(outcome), on, note)
