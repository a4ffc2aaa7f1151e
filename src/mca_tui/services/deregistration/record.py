"""The deregistration file as the rules and the screen read it: what may be deregistered, :class:`DeregistrationInfo` (its steps and documents are the registration DTOs), the rules' facts from the row (:func:`facts_of`), the transition helper every step goes through, the reads, and the documents a step issues."""

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
    DeregistrationMaterial,
    DeregistrationTrigger,
    OrgStatus,
    OrgType,
    SupervisionKind,
)
from mca_tui.domain.text import normalize_name, normalize_text
from mca_tui.domain.workflow import History, Transition, actor_key
from mca_tui.i18n import label
from mca_tui.services import custody as custody_service
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.custody import RefusedByRule
from mca_tui.services.documents import IssuedDocumentInfo
from mca_tui.services.errors import (
    Conflict,
    NotFound,
)
from mca_tui.services.registration.base import _form  # the application's form JSON
from mca_tui.services.registration.dto import DocumentRef, StepInfo
from mca_tui.services.workflow import (
    WrongState,
    apply_transition,
    history_from_steps,
)
from mca_tui.storage.models import (
    Application,
    ApplicationStep,
    IssuedDocument,
    Organization,
    SupervisionRecord,
    UserAccount,
    utcnow,
)

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
# (its steps and documents are services.registration.dto.StepInfo and DocumentRef)


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
