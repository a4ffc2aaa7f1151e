"""The registration workflow: 成立登记 and 变更登记 from intake to certificate.

Steps (each one ``ctx.unit`` = one transaction, one audit event, one ApplicationStep row):

    draft ──submit (clerk, 受理)──> accepted ──review (reviewer, 审查)──> reviewed
      │                              │   ^                                  │
      │             request_correction│   │complete_correction (clerk)      │
      │               (reviewer, 补正)v   │                                 │
      │                            correction                               │
      └─discard──> withdrawn                      approve / refuse (approver)─┘
                                                  -> approved | refused

Dates kept on the application (domain.md §10.1): ``received_on`` (收到申请, typed on the
form), ``accepted_on`` (受理, the counter act), ``complete_on`` (all materials in: the
day received for a complete file, the day the last missing material arrived after a
补正), ``correction_requested_on`` (the one 补正 notice), ``correction_completed_on``,
``reviewed_on``, ``decided_on``. Clocks are computed from them (``domain.clocks``), never
stored. The law of the decision clock (行政许可法 Art 32, 42):

- the clock starts on ``clocks.decision_clock_start``: the day a complete file was
  received; the day the last missing material arrived after a timely 补正 notice; the day
  received when no notice came within 5 working days (deemed accepted; a later completion
  does not restart it). 60 days for an establishment (30 for a charity), 20 working days
  for a change (30 with the head's extension, ``extend_decision_period``);
- at the counter a complete file gets the 受理通知书; an incomplete one the 补正材料通知书
  on the spot or a 材料接收凭证 (``submit(on_the_spot=False)``), never a 受理通知书;
- 补正 is told once: no second notice, none for a complete file (``RefusedByLaw``);
- no refusal of a file whose missing materials were never notified; a decision is dated
  neither before 受理 nor in the future.

The states, the roles and the four-eyes rule (the user who accepted an application may
not decide it) are the transition table ``domain.registration.REGISTRATION``; every
status change goes through ``_move`` (``services.workflow.apply_transition``), and the
screens ask ``available_actions`` what to offer.

Drafts: everything the clerk typed is kept as typed in ``form_json``. Creating a draft and
saving it explicitly (F2) are audited; the autosave that runs while the clerk types
(``save_draft(..., autosave=True)``) writes ``form_json`` only, without an audit event,
because a draft is the clerk's scratch pad, not an act of the office, and auditing every
keystroke batch would bury the trail. The act that matters, acceptance, records the
whole form in its audit event.

Change of legal representative (§2, [S1] Art 27, [S2] Art 22): the approval records
``RegistrationChange.audit_required = True`` on the change row *and* opens a pending
financial audit: a ``SupervisionRecord`` of kind ``financial_audit`` with trigger
``change_of_legal_rep``, ``record_date`` = decision date, ``completed_on`` = None and
``details_json.status = "required"``. The audit is done when ``completed_on`` is set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, add_years
from mca_tui.domain.dates import parse_date
from mca_tui.domain.eligibility import (
    BLOCK,
    WARN,
    FindingDTO,
    check_field,
    division_names_for,
    evaluate_change,
    evaluate_establishment,
    parse_count,
)
from mca_tui.domain.enums import (
    ApplicationKind,
    ApplicationStatus,
    OrgStatus,
    OrgType,
    SupervisionKind,
)
from mca_tui.domain.forms import DIRECT_CATEGORIES, PRINTED_ITEMS, materials_for
from mca_tui.domain.identifiers import mask_id_number, validate_id_number
from mca_tui.domain.money import format_fen, parse_yuan
from mca_tui.domain.registration import REGISTRATION
from mca_tui.domain.text import (
    name_similarity_key,
    normalize_code,
    normalize_name,
    normalize_phone,
    normalize_text,
)
from mca_tui.domain.workflow import NEW, History, Transition, actor_key
from mca_tui.i18n import label, t
from mca_tui.services import codes
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    ServiceError,
    ValidationFailed,
)
from mca_tui.services.organizations import (
    PersonInput,
    insert_organization,
    set_legal_rep,
    update_organization,
    upsert_person,
)
from mca_tui.services.workflow import (
    WrongState,
    apply_transition,
    check_transition,
    history_from_steps,
    settle,
)
from mca_tui.services.workflow import available_actions as _workflow_actions
from mca_tui.storage import locks
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    Announcement,
    Application,
    ApplicationStep,
    Certificate,
    IssuedDocument,
    Organization,
    OrganizationPerson,
    Person,
    RegistrationChange,
    SupervisionRecord,
    UserAccount,
    utcnow,
)

__all__ = [
    "ApplicationInfo",
    "ApplicationSummary",
    "DecisionResult",
    "DocumentRef",
    "StepInfo",
    "approve",
    "available_actions",
    "extend_decision_period",
    "check_field",
    "check_name",
    "complete_correction",
    "current_items",
    "discard_draft",
    "field_message",
    "get_application",
    "list_applications",
    "new_form",
    "refuse",
    "request_correction",
    "review",
    "save_draft",
    "start_change",
    "submit",
]

IN_FLIGHT = (ApplicationStatus.ACCEPTED, ApplicationStatus.CORRECTION, ApplicationStatus.REVIEWED)
# The step recording the head's extension of a change decision period (行政许可法 Art 42).
EXTENSION_STEP = "decision_extended"
LICENSING_LAW = "《中华人民共和国行政许可法》"
ART_32 = f"{LICENSING_LAW}第三十二条"

# Change items (form field -> organization column). Legal rep and funds are special.
_CHANGE_COLUMNS = {
    "name": "name", "civil_form": "civil_form", "domicile": "domicile",
    "subdistrict_code": "subdistrict_code", "purpose": "purpose",
    "business_scope": "business_scope", "activity_area": "activity_area",
    "funds": "funds_fen", "direct_category": "direct_category",
    "supervisory_unit": "supervisory_unit", "legal_rep_name": "legal_rep_name",
}
# Items whose change is announced ([S1] Art 23, [S2] Art 18).
_ANNOUNCED_ITEMS = frozenset({"name", "domicile", "legal_rep"})


class FoundationNotRegistered(ServiceError):
    """A district office does not register new foundations ([S3] Art 6)."""

    key = "registration.error.foundation"


class WrongStatus(WrongState):
    key = "registration.error.wrong_status"


class NotReady(ServiceError):
    """The application still has blocking findings."""

    key = "registration.error.not_ready"

    def __init__(self, findings: list[FindingDTO]) -> None:
        self.findings = list(findings)
        super().__init__(self.key, count=len(self.findings))

    def message(self, lang: str | None = None) -> str:
        head = t(self.key, lang, count=len(self.findings))
        return "\n".join([head, *(f"- {f.message(lang)}" for f in self.findings)])


class MaterialsMissing(NotReady):
    """The file is not complete: it cannot go to the approver before the 补正 (行政许可法
    Art 32: every missing item is told to the applicant at once)."""

    key = "registration.error.materials_missing"


# --------------------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class StepInfo:
    step: str
    on_date: date
    actor_name: str
    note: str
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentRef:
    id: str
    kind: str
    number: str
    title: str
    file_path: str
    issued_on: date


@dataclass(frozen=True)
class ApplicationSummary:
    id: str
    number: str | None
    kind: ApplicationKind
    org_type: OrgType
    status: ApplicationStatus
    org_name: str
    organization_id: str | None
    received_on: date | None
    accepted_on: date | None
    complete_on: date | None
    updated_at: object
    decision_deadline: Deadline | None
    correction_deadline: Deadline | None
    late: bool
    version: int
    applicant_due: date | None = None
    """While in 补正: the date by which the applicant was asked to hand the items in."""


@dataclass(frozen=True)
class ApplicationInfo:
    """An application as the screens show it: the form as typed, the dates, the clocks,
    the findings (eligibility + register look-ups), the steps and the documents."""

    id: str
    number: str | None
    kind: ApplicationKind
    org_type: OrgType
    status: ApplicationStatus
    form: dict
    organization_id: str | None
    org_name: str
    received_on: date | None
    accepted_on: date | None
    complete_on: date | None
    correction_requested_on: date | None
    correction_items: tuple[str, ...]
    correction_completed_on: date | None
    reviewed_on: date | None
    decided_on: date | None
    decision_reasons: str
    supervisory_approval_on: date | None
    late: bool
    is_charity: bool
    created_by: str
    accepted_by: str
    reviewed_by: str
    decided_by: str
    version: int
    decision_deadline: Deadline | None
    correction_deadline: Deadline | None
    correction_notice_late: bool
    findings: tuple[FindingDTO, ...]
    steps: tuple[StepInfo, ...]
    documents: tuple[DocumentRef, ...]
    current: dict  # change: the organization's present values (display text)
    uscc: str | None
    actions: tuple[str, ...] = ()
    """The actions the user who read it may take now (``available_actions``)."""
    applicant_due: date | None = None
    """While in 补正: the date by which the applicant was asked to hand the items in."""

    @property
    def blocking(self) -> tuple[FindingDTO, ...]:
        return tuple(f for f in self.findings if f.blocks)

    @property
    def warnings(self) -> tuple[FindingDTO, ...]:
        return tuple(f for f in self.findings if not f.blocks)


@dataclass(frozen=True)
class DecisionResult:
    application: ApplicationInfo
    organization_id: str | None
    uscc: str | None
    documents: tuple[DocumentRef, ...]
    preview: str  # plain text of the main document, for the terminal preview


# --------------------------------------------------------------------------- helpers


def _form(app: Application) -> dict:
    try:
        data = json.loads(app.form_json or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _dump(form: dict) -> str:
    return json.dumps(form, ensure_ascii=False, sort_keys=True, default=str)


def _load(session: Session, app_id: str) -> Application:
    app = session.get(Application, app_id)
    # a deregistration has its own table and service (services.deregistration)
    if app is None or app.kind == ApplicationKind.DEREGISTRATION:
        raise NotFound("registration.error.not_found", id=app_id)
    return app


def _check(app: Application, expected_version: int | None, *allowed: ApplicationStatus) -> None:
    if expected_version is not None and app.version != expected_version:
        raise Conflict(name=app.number or _form(app).get("name") or app.id)
    if allowed and ApplicationStatus(app.status) not in allowed:
        raise WrongStatus(status=label(ApplicationStatus(app.status)),
                          expected="/".join(label(s) for s in allowed))


def _status_label(state: str) -> str:
    try:
        return label(ApplicationStatus(state))
    except ValueError:  # the pseudo-state of an application not yet created
        return state


def _history(session: Session, app: Application,
             steps: list[ApplicationStep] | None = None) -> History:
    """Who took which action on this application (for the four-eyes rule), from its
    steps (read unless given); the acceptor recorded on the application counts too."""
    rows = [(st.step, st.actor_id, json.loads(st.data_json or "{}").get("actor_name"))
            for st in (steps if steps is not None else _steps(session, app.id))]
    history = dict(history_from_steps(REGISTRATION, rows))
    if app.accepted_by_id:
        history["application.accept"] = history.get("application.accept", frozenset()) | {
            actor_key(app.accepted_by_id, "")}
    return history


def _move(ctx: ServiceContext, session: Session, app: Application, action: str,
          expected_version: int | None = None) -> Transition:
    """Apply a transition of the registration table (``domain.registration``) to ``app``:
    the version (Conflict), then from-state, role and four eyes (``services.workflow``);
    the application takes the transition's to-state."""
    _check(app, expected_version)
    return apply_transition(ctx, REGISTRATION, action, app, history=_history(session, app),
                            wrong_state=WrongStatus, state_label=_status_label)


def available_actions(ctx: ServiceContext, app_id: str) -> list[str]:
    """The registration actions the signed-in user may take on this application now
    (what the screens offer: the table's from-states, roles and four eyes)."""
    ctx.permit("application.read")
    with ctx.db.read() as s:
        app = _load(s, app_id)
        return list(_actions(ctx, s, app))


def _actions(ctx: ServiceContext, session: Session, app: Application, *,
             steps: list[ApplicationStep] | None = None,
             findings: list[FindingDTO] | None = None) -> tuple[str, ...]:
    """The table's actions for this user (state, role, four eyes) less those a rule of
    law refuses on this file now (the service's own guards), so nothing is offered that
    the service would then refuse."""
    guards = {
        "application.correction": lambda: _tell_once(app),
        "application.refuse": lambda: _no_refusal_for_unnotified_defects(
            session, ctx, app, findings=findings),
    }
    out = []
    for action in _workflow_actions(ctx, REGISTRATION, str(app.status),
                                    _history(session, app, steps)):
        try:
            guards.get(action, lambda: None)()
        except RefusedByLaw:
            continue
        out.append(action)
    return tuple(out)


def _step(ctx: ServiceContext, unit: Unit, app: Application, step: str, on_date: date,
          note: str = "", data: dict | None = None) -> None:
    payload = {"actor_name": ctx.actor.name, "actor_display": ctx.actor.display_name,
               **(data or {})}
    unit.session.add(ApplicationStep(office_id=app.office_id, application_id=app.id, step=step,
                                     on_date=on_date, actor_id=ctx.actor.user_id,
                                     note=normalize_text(note),
                                     data_json=json.dumps(payload, ensure_ascii=False,
                                                          default=str)))


def _touch(app: Application) -> None:
    app.version += 1
    app.updated_at = utcnow()


def _divisions(ctx: ServiceContext) -> tuple[str, ...]:
    return division_names_for(ctx.settings.office.name)


def field_message(ctx: ServiceContext, org_type: OrgType | str, field_name: str, value: object,
                  form: dict | None = None, *, change: bool = False) -> str | None:
    """``check_field`` with the context's parameters, date and division names: what the
    screen shows under a field when the clerk leaves it."""
    return check_field(org_type, field_name, value, form=form, params=ctx.settings.legal,
                       today=ctx.today(), division_names=_divisions(ctx), change=change)


def new_form(org_type: OrgType, today: date, *, persons: int = 3) -> dict:
    """A blank establishment form: received today, the checklist unticked, a few empty
    rows for founders / responsible persons."""
    return {
        "received_on": today.isoformat(),
        "persons": [{"name": "", "id_number": "", "title": "", "role": "founder"}
                    for _ in range(persons)],
        "materials": {m.key: False for m in materials_for(org_type)},
    }


def _org_name(app: Application, form: dict, session: Session) -> str:
    if app.kind in (ApplicationKind.CHANGE, ApplicationKind.DEREGISTRATION) \
            and app.organization_id:
        org = session.get(Organization, app.organization_id)
        if org is not None:
            return org.name
    return normalize_name(form.get("name"))


def _clock_start(ctx: ServiceContext, app: Application) -> date | None:
    """The day the decision clock starts (``clocks.decision_clock_start``): the day a
    complete file was received, the day the last missing material arrived after a timely
    补正 notice, or the day received when no notice came within 5 working days
    (行政许可法 Art 32); None while it has not started."""
    return clocks.decision_clock_start(app.received_on, app.correction_requested_on,
                                       app.complete_on, ctx.today(), ctx.calendar)


def _extension(session: Session | None, app: Application) -> ApplicationStep | None:
    """The recorded extension of a change decision period (行政许可法 Art 42), if any."""
    if session is None or app.kind != ApplicationKind.CHANGE or not app.id:
        return None
    return session.exec(select(ApplicationStep).where(
        ApplicationStep.application_id == app.id,
        ApplicationStep.step == EXTENSION_STEP)).first()


def _decision_deadline(ctx: ServiceContext, app: Application, start: date,
                       session: Session | None = None) -> Deadline:
    """60 days for an establishment (30 for a charity), 20 working days for a change
    (30 with the head's recorded extension: 行政许可法 Art 42), from ``start``."""
    if app.kind == ApplicationKind.CHANGE:
        return clocks.change_decision_deadline(start, ctx.calendar,
                                               extended=_extension(session, app) is not None,
                                               params=ctx.settings.legal)
    if app.kind == ApplicationKind.DEREGISTRATION:  # listed here, run by services.deregistration
        return clocks.deregistration_decision_deadline(
            app.accepted_on or start, ctx.calendar,
            extended=bool(_form(app).get("extension")), params=ctx.settings.legal)
    return clocks.decision_deadline(start, ctx.calendar, charity=app.is_charity,
                                    org_type=OrgType(app.org_type), params=ctx.settings.legal)


def _deadlines(ctx: ServiceContext, app: Application, session: Session | None = None
               ) -> tuple[Deadline | None, Deadline | None]:
    """(decision clock, 补正-notice clock). The decision clock runs once it has started
    (``_clock_start``); the notice clock only while a notice is still possible: the file
    is incomplete and no notice has been given (一次性告知, 行政许可法 Art 32)."""
    cal = ctx.calendar
    decision = correction = None
    start = _clock_start(ctx, app)
    if start and app.status in IN_FLIGHT:
        decision = _decision_deadline(ctx, app, start, session)
    if app.received_on and app.status == ApplicationStatus.ACCEPTED \
            and app.correction_requested_on is None and app.complete_on is None:
        correction = clocks.correction_notice_deadline(app.received_on, cal)
    return decision, correction


def _user_names(session: Session, ids: set[str]) -> dict[str, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.exec(select(UserAccount).where(col(UserAccount.id).in_(ids))).all()
    return {u.id: u.display_name for u in rows}


def _steps(session: Session, app_id: str) -> list[ApplicationStep]:
    return list(session.exec(select(ApplicationStep).where(
        ApplicationStep.application_id == app_id).order_by(ApplicationStep.created_at)))


def _step_actor(step: ApplicationStep | None) -> tuple[str | None, str]:
    if step is None:
        return None, ""
    data = json.loads(step.data_json or "{}")
    return step.actor_id, data.get("actor_display") or data.get("actor_name") or ""


# --------------------------------------------------------------------------- register checks


def _registry_findings(session: Session, ctx: ServiceContext, app: Application, form: dict,
                       org_type: OrgType) -> list[FindingDTO]:
    """Findings that need the register: duplicate and similar names, a legal rep of
    another social group, persons and addresses linked to other organizations."""
    out: list[FindingDTO] = []
    exclude = app.organization_id
    name = normalize_name(form.get("name"))
    divisions = _divisions(ctx)
    if name:
        taken = session.exec(select(Organization).where(Organization.name == name)).all()
        for other in taken:
            if other.id == exclude:
                continue
            if other.status in (OrgStatus.ACTIVE, OrgStatus.APPLYING):
                out.append(FindingDTO("name_taken", BLOCK, f"{ORDER_69}第十六条第一项",
                                      "registration.finding.name_taken",
                                      {"name": name, "uscc": other.uscc or ""}, "name", True))
            elif (recent := _recently_closed(other, ctx.today())) is not None:
                # Order 69 Art 16 (2)(3): a name stays barred for 1 year after
                # deregistration and 3 years after revocation
                item, until = recent
                out.append(FindingDTO("name_recently_closed", BLOCK,
                                      f"{ORDER_69}第十六条第{item}项",
                                      "registration.finding.name_recently_closed",
                                      {"name": name, "status": label(OrgStatus(other.status)),
                                       "until": until.isoformat()}, "name", True))
            else:
                out.append(FindingDTO("name_used_before", WARN, "",
                                      "registration.finding.name_used_before",
                                      {"name": name, "status": label(OrgStatus(other.status))},
                                      "name"))
        for other_app in session.exec(select(Application).where(
                col(Application.status).in_([s.value for s in IN_FLIGHT]),
                Application.kind == ApplicationKind.ESTABLISHMENT, Application.id != app.id)):
            if normalize_name(_form(other_app).get("name")) == name:
                out.append(FindingDTO("name_pending", WARN, "",
                                      "registration.finding.name_pending",
                                      {"name": name, "number": other_app.number or ""}, "name"))
        key = name_similarity_key(name, divisions + ("厦门市", "福建省"))
        if len(key) >= 2:
            probe = key[:2]
            candidates = session.exec(select(Organization.id, Organization.name,
                                             Organization.status).where(
                col(Organization.name).contains(probe)).limit(2000)).all()
            for oid, other_name, status in candidates:
                if oid == exclude or other_name == name:
                    continue
                if name_similarity_key(other_name, divisions + ("厦门市", "福建省")) == key:
                    out.append(FindingDTO("name_similar", WARN, "《社会组织名称管理办法》（民政部令第69号）",
                                          "registration.finding.name_similar",
                                          {"other": other_name,
                                           "status": label(OrgStatus(status))}, "name"))
    # persons: the legal representative, then founders / responsible persons
    people: list[tuple[str, str, str]] = []  # (name, id_number, form role)
    rep_id = normalize_code(form.get("legal_rep_id_number"))
    if rep_id:
        people.append((normalize_name(form.get("legal_rep_name")), rep_id, "legal_rep"))
    for p in form.get("persons") or []:
        number = normalize_code(p.get("id_number"))
        if number:
            people.append((normalize_name(p.get("name")), number, p.get("role") or "founder"))
    seen: set[tuple[str, str]] = set()
    for person_name, number, form_role in people:
        person = session.exec(select(Person).where(Person.id_number == number)).first()
        if person is None:
            continue
        links = session.exec(select(OrganizationPerson, Organization).where(
            OrganizationPerson.person_id == person.id, OrganizationPerson.to_date.is_(None),
            OrganizationPerson.organization_id == Organization.id,
            Organization.status == OrgStatus.ACTIVE)).all()
        for link, org in links:
            if org.id == exclude:
                continue
            if (form_role == "legal_rep" and org_type is OrgType.SOCIAL_GROUP
                    and link.role == "legal_rep" and org.org_type == OrgType.SOCIAL_GROUP):
                out.append(FindingDTO("legal_rep_other_group", BLOCK,
                                      "《社会团体登记管理条例》第十二条",
                                      "registration.finding.legal_rep_other_group",
                                      # the person who holds the number in the register
                                      {"name": person.name or person_name, "other": org.name},
                                      "legal_rep_id_number"))
                continue
            if (number, org.id) in seen:
                continue
            seen.add((number, org.id))
            out.append(FindingDTO("person_linked", WARN, "",
                                  "registration.finding.person_linked",
                                  {"name": person.name or person_name,  # the holder
                                   "id": mask_id_number(number), "other": org.name,
                                   "role": t(f"registration.person_role.{link.role}")},
                                  "persons" if form_role != "legal_rep"
                                  else "legal_rep_id_number"))
    domicile = normalize_text(form.get("domicile"))
    if domicile:
        for other in session.exec(select(Organization).where(
                Organization.domicile == domicile, Organization.status == OrgStatus.ACTIVE)
                .limit(20)):
            if other.id != exclude:
                out.append(FindingDTO("address_linked", WARN, "",
                                      "registration.finding.address_linked",
                                      {"address": domicile, "other": other.name}, "domicile"))
    return out


ORDER_69 = "《社会组织名称管理办法》（民政部令第69号）"


def _recently_closed(org: Organization, today: date) -> tuple[str, date] | None:
    """(item of Order 69 Art 16, last barred day) while a closed organization's name is
    still barred: deregistered less than 1 year ago (item 二), revoked less than 3 years
    ago (item 三); None otherwise."""
    if org.revoked_on and today < add_years(org.revoked_on, 3):
        return "三", add_years(org.revoked_on, 3) - timedelta(days=1)
    if org.deregistered_on and today < add_years(org.deregistered_on, 1):
        return "二", add_years(org.deregistered_on, 1) - timedelta(days=1)
    return None


def check_name(ctx: ServiceContext, name: str, org_type: OrgType | str, *,
               application_id: str | None = None,
               organization_id: str | None = None) -> list[FindingDTO]:
    """Register look-ups for a name as the clerk leaves the field: already registered
    (blocks), used before, pending in another application, similar (possible duplicate)."""
    ctx.permit("application.read")
    from types import SimpleNamespace

    probe = SimpleNamespace(id=application_id or "", organization_id=organization_id)
    with ctx.db.read() as s:
        return _registry_findings(s, ctx, probe, {"name": name},  # type: ignore[arg-type]
                                  OrgType(org_type))


def _all_findings(session: Session, ctx: ServiceContext, app: Application) -> list[FindingDTO]:
    form = _form(app)
    org_type = OrgType(app.org_type)
    if app.kind == ApplicationKind.CHANGE:
        current = current_items_in(session, app.organization_id) if app.organization_id else {}
        findings = evaluate_change(org_type, form, current, params=ctx.settings.legal,
                                   today=ctx.today(), division_names=_divisions(ctx))
        # register checks only for the items being changed
        probe = {k: form.get(k) for k in ("name", "domicile", "legal_rep_name",
                                          "legal_rep_id_number")
                 if normalize_text(str(form.get(k) or ""))}
        if probe.get("name") and normalize_name(probe["name"]) == current.get("name"):
            probe.pop("name")
        findings += _registry_findings(session, ctx, app, probe, org_type)
    else:
        findings = evaluate_establishment(org_type, form, params=ctx.settings.legal,
                                          today=ctx.today(), division_names=_divisions(ctx))
        findings += _registry_findings(session, ctx, app, form, org_type)
    return findings


def _info(session: Session, ctx: ServiceContext, app: Application,
          with_findings: bool = True) -> ApplicationInfo:
    form = _form(app)
    steps = _steps(session, app.id)
    found = _all_findings(session, ctx, app) if with_findings else None
    by_step = {s.step: s for s in steps}  # the latest of each kind wins
    names = _user_names(session, {app.created_by_id, app.accepted_by_id, app.reviewed_by_id,
                                  app.decided_by_id})

    def who(user_id: str | None, step: str) -> str:
        if user_id and user_id in names:
            return names[user_id]
        return _step_actor(by_step.get(step))[1]

    decision, correction = _deadlines(ctx, app, session)
    notice_late = False
    if app.received_on and app.correction_requested_on:
        notice_late = clocks.deemed_accepted(app.received_on, app.correction_requested_on,
                                             ctx.today(), ctx.calendar)
    # in the order issued (ids are time-ordered): the newest document is the last
    docs = session.exec(select(IssuedDocument).where(
        IssuedDocument.application_id == app.id).order_by(IssuedDocument.issued_on,
                                                           IssuedDocument.id)).all()
    uscc = None
    if app.organization_id:
        org = session.get(Organization, app.organization_id)
        uscc = org.uscc if org else None
    current = current_items_in(session, app.organization_id) \
        if app.kind == ApplicationKind.CHANGE and app.organization_id else {}
    return ApplicationInfo(
        id=app.id, number=app.number, kind=ApplicationKind(app.kind),
        org_type=OrgType(app.org_type), status=ApplicationStatus(app.status), form=form,
        organization_id=app.organization_id, org_name=_org_name(app, form, session),
        received_on=app.received_on, accepted_on=app.accepted_on, complete_on=app.complete_on,
        correction_requested_on=app.correction_requested_on,
        correction_items=tuple(json.loads(app.correction_items_json or "[]")),
        correction_completed_on=app.correction_completed_on, reviewed_on=app.reviewed_on,
        decided_on=app.decided_on, decision_reasons=app.decision_reasons,
        supervisory_approval_on=app.supervisory_approval_on, late=app.late,
        is_charity=app.is_charity,
        created_by=who(app.created_by_id, "draft_created"),
        accepted_by=who(app.accepted_by_id, "accepted"),
        reviewed_by=who(app.reviewed_by_id, "reviewed"),
        decided_by=who(app.decided_by_id, "approved") or who(app.decided_by_id, "refused"),
        version=app.version, decision_deadline=decision, correction_deadline=correction,
        correction_notice_late=notice_late,
        findings=tuple(found or ()),
        steps=tuple(StepInfo(s.step, s.on_date, _step_actor(s)[1], s.note,
                             json.loads(s.data_json or "{}")) for s in steps),
        documents=tuple(DocumentRef(d.id, d.kind, d.number, d.title, d.file_path, d.issued_on)
                        for d in docs),
        current=current, uscc=uscc,
        actions=_actions(ctx, session, app, steps=steps, findings=found),
        applicant_due=applicant_due(session, app),
    )


# --------------------------------------------------------------------------- reading


def get_application(ctx: ServiceContext, app_id: str) -> ApplicationInfo:
    ctx.permit("application.read")
    with ctx.db.read() as s:
        return _info(s, ctx, _load(s, app_id))


def list_applications(ctx: ServiceContext, *, statuses: tuple[ApplicationStatus, ...] = (),
                      kind: ApplicationKind | None = None, organization_id: str | None = None,
                      limit: int = 200, text: str = "") -> list[ApplicationSummary]:
    """Applications of the office, most recently changed first (bounded by ``limit``).
    ``text``: only those whose application number, proposed name or applicant (legal
    representative, as typed on the form) contains it — drafts included."""
    ctx.permit("application.read")
    with ctx.db.read() as s:
        q = select(Application).where(Application.office_id == ctx.actor.office_id)
        wanted = normalize_text(text)
        if wanted:
            like = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            q = q.where(col(Application.number).like(like, escape="\\")
                        | col(Application.form_json).like(like, escape="\\"))
        if statuses:
            q = q.where(col(Application.status).in_([st.value for st in statuses]))
        if kind:
            q = q.where(Application.kind == kind.value)
        if organization_id:
            q = q.where(Application.organization_id == organization_id)
        q = q.order_by(col(Application.updated_at).desc()).limit(limit)
        out = [summarize(ctx, s, app) for app in s.exec(q)]
        if wanted:  # the LIKE above also matched other fields of the form
            forms = {a.id: _form(a) for a in s.exec(select(Application).where(
                col(Application.id).in_([r.id for r in out])))}
            out = [r for r in out if any(wanted in normalize_text(str(v or "")) for v in (
                r.number, r.org_name, forms[r.id].get("name"),
                forms[r.id].get("legal_rep_name"), forms[r.id].get("applicant")))]
        return out


def summarize(ctx: ServiceContext, session: Session, app: Application) -> ApplicationSummary:
    """One application as lists show it: its name and both clocks (also used by the
    home queues, so a list and a queue never disagree on a deadline)."""
    decision, correction = _deadlines(ctx, app, session)
    return ApplicationSummary(
        app.id, app.number, ApplicationKind(app.kind), OrgType(app.org_type),
        ApplicationStatus(app.status), _org_name(app, _form(app), session),
        app.organization_id, app.received_on, app.accepted_on, app.complete_on,
        app.updated_at, decision, correction, app.late, app.version,
        applicant_due=applicant_due(session, app))


def applicant_due(session: Session, app: Application) -> date | None:
    """While the application waits in 补正: the date given to the applicant on the
    correction notice (recorded with the 补正 step), for the lists and the page."""
    if app.status != ApplicationStatus.CORRECTION:
        return None
    step = session.exec(select(ApplicationStep).where(
        ApplicationStep.application_id == app.id,
        ApplicationStep.step == "correction_requested")
        .order_by(col(ApplicationStep.created_at).desc())).first()
    due = json.loads(step.data_json or "{}").get("due_on") if step else None
    return date.fromisoformat(due) if due else None


def current_items_in(session: Session, org_id: str) -> dict:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("org.not_found", id=org_id)
    rep = session.get(Person, org.legal_rep_person_id) if org.legal_rep_person_id else None
    return {
        "name": org.name, "civil_form": org.civil_form or "", "domicile": org.domicile,
        "subdistrict_code": org.subdistrict_code or "", "purpose": org.purpose,
        "business_scope": org.business_scope, "activity_area": org.activity_area,
        "funds": format_fen(org.funds_fen) if org.funds_fen is not None else "",
        "funds_fen": org.funds_fen, "direct_category": org.direct_category or "",
        "supervisory_unit": org.supervisory_unit, "legal_rep_name": org.legal_rep_name,
        "legal_rep_id_number": mask_id_number(rep.id_number) if rep and rep.id_number else "",
        "org_type": org.org_type, "uscc": org.uscc or "", "status": org.status,
    }


def current_items(ctx: ServiceContext, org_id: str) -> dict:
    """The registered items of an organization as the change form shows them (现登记事项)."""
    ctx.permit("application.read")
    with ctx.db.read() as s:
        return current_items_in(s, org_id)


# --------------------------------------------------------------------------- drafts


def save_draft(ctx: ServiceContext, form: dict, *, org_type: OrgType | str | None = None,
               application_id: str | None = None,
               kind: ApplicationKind = ApplicationKind.ESTABLISHMENT,
               organization_id: str | None = None, autosave: bool = False) -> ApplicationInfo:
    """Create or update a draft with everything typed, as typed. ``autosave`` updates an
    existing draft's form without an audit event (see the module docstring)."""
    ctx.permit("application.draft" if application_id is None else "application.draft_save")
    if application_id is None:
        if org_type is None:
            raise ValueError("org_type is needed for a new draft")
        org_type = OrgType(org_type)
        if kind == ApplicationKind.ESTABLISHMENT and org_type is OrgType.FOUNDATION:
            raise FoundationNotRegistered()
        new_app_id = new_id()
        with ctx.unit("application.draft", subject=Subject(
                "application", new_app_id, organization_id=organization_id)) as unit:
            app = Application(id=new_app_id, office_id=ctx.actor.office_id, kind=kind.value,
                              org_type=org_type.value, organization_id=organization_id,
                              status=NEW, form_json=_dump(form),
                              created_by_id=ctx.actor.user_id)
            tr = _move(ctx, unit.session, app, "application.draft")
            unit.session.add(app)
            unit.session.flush()
            _step(ctx, unit, app, tr.step, ctx.today())
            unit.record("application", app.id, None,
                        {"kind": kind.value, "org_type": org_type.value, "status": "draft",
                         "form": form}, organization_id=organization_id)
            unit.session.flush()
            return _info(unit.session, ctx, app, with_findings=False)
    if autosave:
        with ctx.db.write() as s:
            app = _load(s, application_id)
            check_transition(ctx, REGISTRATION, "application.draft_save", app.status,
                             wrong_state=WrongStatus, state_label=_status_label)
            if _dump(form) != app.form_json:
                app.form_json = _dump(form)
                app.updated_at = utcnow()
                s.add(app)
            s.flush()
            return _info(s, ctx, app, with_findings=False)
    with ctx.unit("application.draft_save",
                  subject=Subject("application", application_id)) as unit:
        app = _load(unit.session, application_id)
        _move(ctx, unit.session, app, "application.draft_save")
        before = _form(app)
        app.form_json = _dump(form)
        _touch(app)
        unit.session.add(app)
        unit.record("application", app.id, {"form": before}, {"form": form},
                    organization_id=app.organization_id)
        unit.session.flush()
        return _info(unit.session, ctx, app, with_findings=False)


def discard_draft(ctx: ServiceContext, app_id: str) -> None:
    """Withdraw a draft (it stays on file as 已撤回)."""
    with ctx.unit("application.withdraw", subject=Subject("application", app_id)) as unit:
        app = _load(unit.session, app_id)
        tr = _move(ctx, unit.session, app, "application.withdraw")
        _touch(app)
        unit.session.add(app)
        _step(ctx, unit, app, tr.step, ctx.today())
        unit.record("application", app.id, {"status": "draft"}, {"status": "withdrawn"},
                    organization_id=app.organization_id)


def start_change(ctx: ServiceContext, org_id: str) -> ApplicationInfo:
    """Open a 变更登记 draft for an active organization."""
    ctx.permit("application.draft")
    with ctx.db.read() as s:
        org = s.get(Organization, org_id)
        if org is None:
            raise NotFound("org.not_found", id=org_id)
        if org.status != OrgStatus.ACTIVE:
            raise WrongStatus("registration.error.org_not_active", name=org.name,
                              status=label(OrgStatus(org.status)))
        org_type = OrgType(org.org_type)
    form = {"received_on": ctx.today().isoformat(),
            "materials": {m.key: False for m in materials_for(org_type, change=True)}}
    return save_draft(ctx, form, org_type=org_type, kind=ApplicationKind.CHANGE,
                      organization_id=org_id)


# --------------------------------------------------------------------------- 受理


def _applicant(form: dict, org_name: str) -> str:
    return normalize_name(form.get("legal_rep_name")) or org_name


def submit(ctx: ServiceContext, app_id: str, *, expected_version: int | None = None,
           note: str = "", on_the_spot: bool = True) -> ApplicationInfo:
    """受理: the clerk accepts a draft. Refused while a finding blocks intake (a field that
    cannot be read, a required item missing, a foundation, a name already registered).
    Sets received/accepted/complete dates. A complete file gets the acceptance notice
    (受理通知书) and its decision clock runs from the day it was received. An incomplete
    file gets the 补正材料通知书 on the spot (``on_the_spot``, status ``correction``) or a
    材料接收凭证 (``on_the_spot=False``: the reviewer tells within 5 working days), never
    a 受理通知书 (行政许可法 Art 32)."""
    today = ctx.today()
    with ctx.unit("application.accept", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        tr = _move(ctx, s, app, "application.accept", expected_version)
        org_type = OrgType(app.org_type)
        if app.kind == ApplicationKind.ESTABLISHMENT and org_type is OrgType.FOUNDATION:
            raise FoundationNotRegistered()
        findings = _all_findings(s, ctx, app)
        stop = [f for f in findings if f.blocks and f.at_intake]
        if stop:
            raise NotReady(stop)
        # Materials still missing: received, but not complete (行政许可法 Art 32). Every
        # missing item is told at once, on the spot (补正材料通知书, the default) or within 5
        # working days (材料接收凭证 now, the notice later); the decision clock starts when
        # the last missing material arrives (clocks.decision_clock_start). Other blocking
        # findings (funds, members, name) do not make a file incomplete: the decision
        # settles them.
        incomplete = [f for f in findings if f.code == "material_missing"]
        form = _form(app)
        received = parse_date(form.get("received_on")) or today
        year = today.year
        seq = codes.next_value(s, f"application:{ctx.actor.office_code}:{year}")
        app.number = f"{ctx.actor.office_code}-{year}-{seq:05d}"
        app.received_on = received
        app.accepted_on = today
        # a complete file: the clock runs from the day it was received, not from 受理
        app.complete_on = None if incomplete else received
        app.accepted_by_id = ctx.actor.user_id
        app.is_charity = bool(form.get("is_charity"))
        if app.kind == ApplicationKind.CHANGE:
            approval = parse_date(form.get("supervisory_approval_on"))
            app.supervisory_approval_on = approval
            if approval and org_type is not OrgType.FOUNDATION:
                app.late = clocks.is_change_late(received, approval, ctx.calendar,
                                                 org_type=org_type)
        _touch(app)
        s.add(app)
        s.flush()
        org_name = _org_name(app, form, s)
        doc = _intake_document(unit, ctx, app, form, org_name, today, incomplete, on_the_spot)
        _step(ctx, unit, app, tr.step, today, note,
              {"document": doc.number, "warnings": [f.as_dict() for f in findings
                                                    if not f.blocks]})
        unit.record("application", app.id, {"status": "draft"},
                    {"status": app.status, "number": app.number, "received_on": received,
                     "accepted_on": today, "complete_on": app.complete_on,
                     "document": doc.number, "late": app.late, "form": form},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)


def _intake_document(unit: Unit, ctx: ServiceContext, app: Application, form: dict,
                     org_name: str, today: date, missing: list[FindingDTO],
                     on_the_spot: bool):  # noqa: ANN202 - IssuedDocumentInfo
    """The written voucher due at the counter (行政许可法 Art 32 last ¶; domain.md §10.1):
    a 受理通知书 only for a complete file; for an incomplete one the 补正材料通知书 on the
    spot (the application waits for the materials, status ``correction``) or, when the
    office needs the 5 working days, a 材料接收凭证 naming the day by which it will tell."""
    applicant = _applicant(form, org_name)
    common = {"org_name": org_name, "applicant": applicant, "received_on": app.received_on,
              "org_type": app.org_type, "application_number": app.number}
    if not missing:
        start = _clock_start(ctx, app) or app.received_on
        decision = _decision_deadline(ctx, app, start, unit.session)
        return _issue(unit, ctx, "acceptance_notice", today, app, data={
            **common, "accepted_on": today, "decision_due": decision.due,
            "materials_complete": True})
    if on_the_spot:
        items = [f.message() for f in missing]
        settle(REGISTRATION, "application.accept", app, ApplicationStatus.CORRECTION.value)
        app.correction_requested_on = today
        app.correction_items_json = json.dumps(items, ensure_ascii=False)
        unit.session.add(app)
        # the document holds the findings as messages (key, params, article): worded in
        # the document language, not the clerk's UI language
        return _issue(unit, ctx, "correction_notice", today, app,
                      data={**common, "missing_items": [
                          {"message": f.key, "params": dict(f.params), "article": f.article}
                          for f in missing]})
    notice_due = clocks.correction_notice_deadline(app.received_on, ctx.calendar).due
    received_items = [{"message": m.label_key}
                      for m in materials_for(OrgType(app.org_type),
                                             change=app.kind == ApplicationKind.CHANGE)
                      if (form.get("materials") or {}).get(m.key)]
    return _issue(unit, ctx, "receipt", today, app, data={
        **common, "notice_due": notice_due, "received_items": received_items or None})


def _issue(unit: Unit, ctx: ServiceContext, kind: str, on: date, app: Application,
           data: dict, organization_id: str | None = None):  # noqa: ANN202
    """Number and record a document in this unit; services.documents renders its file
    after the commit. The data holds codes (registration_kind = the application's kind),
    the document language supplies the words."""
    from mca_tui.services import documents

    data = {"registration_kind": ApplicationKind(app.kind).value, **data}
    return documents.issue(unit, ctx, kind, issued_on=on,
                           organization_id=organization_id or app.organization_id,
                           application_id=app.id, data=data, office_id=app.office_id)


# --------------------------------------------------------------------------- 审查 / 补正


def review(ctx: ServiceContext, app_id: str, *, note: str = "",
           expected_version: int | None = None) -> ApplicationInfo:
    """审查: the reviewer records the review; the findings at that moment are kept on the
    step so the approver sees what the reviewer saw. Refused (MaterialsMissing) while
    materials are missing: the reviewer must send it back for 补正 first. Other blocking
    findings do not stop the review: the approver refuses, or approve() refuses."""
    today = ctx.today()
    with ctx.unit("application.review", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        tr = _move(ctx, s, app, "application.review", expected_version)
        findings = _all_findings(s, ctx, app)
        missing = [f for f in findings if f.code == "material_missing"]
        if missing:
            raise MaterialsMissing(missing)
        app.reviewed_on = today
        app.reviewed_by_id = ctx.actor.user_id
        _touch(app)
        s.add(app)
        _step(ctx, unit, app, tr.step, today, note,
              {"findings": [f.as_dict() for f in findings]})
        unit.record("application", app.id, {"status": "accepted"},
                    {"status": "reviewed", "reviewed_on": today,
                     "findings": [f.code for f in findings]},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)


def default_correction_items(info: ApplicationInfo, lang: str | None = None) -> list[str]:
    """Every blocking finding as one line of the 补正 notice (all at once, 行政许可法 Art 32)."""
    return [f.message(lang) for f in info.findings if f.blocks and f.code != "name_taken"]


class RefusedByLaw(ServiceError):
    """The law does not allow the act; the message names the article."""

    key = "registration.law.refused"


def _tell_once(app: Application) -> None:
    """补正 is told once, all of it (一次性告知, 行政许可法 Art 32): no notice after one has
    been given, nor once the file is complete; what the review finds after that is settled
    by the decision, never by restarting the clock."""
    if app.correction_requested_on is not None:
        raise RefusedByLaw("registration.law.second_notice",
                           date=app.correction_requested_on.isoformat(), article=ART_32)
    if app.complete_on is not None:
        raise RefusedByLaw("registration.law.notice_complete_file",
                           date=app.complete_on.isoformat(), article=ART_32)


def request_correction(ctx: ServiceContext, app_id: str, items: list[str] | None = None, *,
                       note: str = "", due_on: date | None = None,
                       expected_version: int | None = None) -> ApplicationInfo:
    """补正: the reviewer sends the application back listing every missing or defective
    item at once; issues the 补正材料通知书. Without ``items`` the blocking findings are
    listed. Refused (RefusedByLaw, Art 32) after a first notice or once the file is
    complete (``_tell_once``). A notice given after the 5-working-day clock is flagged: the application then
    counts as accepted on the day received (行政许可法 Art 32). ``due_on``: the date by which
    the applicant is asked to hand in the items (no statutory period; optional)."""
    today = ctx.today()
    with ctx.unit("application.correction", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        before = {"status": app.status}
        tr = _move(ctx, s, app, "application.correction", expected_version)
        _tell_once(app)
        if items is None:
            items = [f.message() for f in _all_findings(s, ctx, app)
                     if f.blocks and f.code != "name_taken"]
        items = [normalize_text(i) for i in items if normalize_text(i)]
        if not items:
            raise ValidationFailed([FieldProblem("items", "registration.error.no_items")])
        if due_on is not None and due_on < today:
            raise ValidationFailed([FieldProblem("due_on", "registration.error.due_past",
                                                 {"today": today.isoformat()})])
        notice_late = clocks.deemed_accepted(app.received_on or today, today, today,
                                             ctx.calendar)
        app.correction_requested_on = today
        app.correction_items_json = json.dumps(items, ensure_ascii=False)
        app.correction_completed_on = None
        app.reviewed_on = None
        _touch(app)
        s.add(app)
        form = _form(app)
        org_name = _org_name(app, form, s)
        doc = _issue(unit, ctx, "correction_notice", today, app, data={
            "org_name": org_name, "applicant": _applicant(form, org_name),
            "received_on": app.received_on or today, "missing_items": items,
            "org_type": app.org_type, "application_number": app.number, "note": note or None,
            "correction_due": due_on})
        # the date printed on the notice (the one given, else the documents default)
        shown_due = due_on or today + timedelta(days=ctx.settings.documents.correction_days)
        _step(ctx, unit, app, tr.step, today, note,
              {"items": items, "document": doc.number, "notice_late": notice_late,
               "due_on": shown_due.isoformat()})
        unit.record("application", app.id, before,
                    {"status": "correction", "correction_requested_on": today,
                     "items": items, "notice_late": notice_late},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)


def complete_correction(ctx: ServiceContext, app_id: str, form: dict | None = None, *,
                        completed_on: date | None = None, note: str = "",
                        expected_version: int | None = None) -> ApplicationInfo:
    """The applicant hands in what was missing: the clerk updates the form and the
    application goes back to review; the decision clock restarts from ``completed_on``."""
    today = ctx.today()
    completed_on = completed_on or today
    with ctx.unit("application.correction_complete", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        tr = _move(ctx, s, app, "application.correction_complete", expected_version)
        before_form = _form(app)
        if form is not None:
            app.form_json = _dump(form)
        all_findings = _all_findings(s, ctx, app)
        findings = [f for f in all_findings if f.blocks and f.at_intake]
        if findings:
            raise NotReady(findings)
        # The file is complete only when every missing material is in (行政许可法 Art 32):
        # otherwise the decision clock would start from a date the file was not complete.
        missing = [f for f in all_findings if f.code == "material_missing"]
        if missing:
            raise MaterialsMissing(missing)
        notice_on = app.correction_requested_on or app.received_on or today
        if completed_on < notice_on or completed_on > today:
            raise ValidationFailed([FieldProblem(
                "completed_on", "registration.law.completion_date",
                {"date": completed_on.isoformat(), "notice": notice_on.isoformat(),
                 "today": today.isoformat()})])
        app.correction_completed_on = completed_on
        # the last missing material arrived: the decision clock starts now, unless the
        # notice was late and the file already counts as accepted on the day received
        # (clocks.decision_clock_start)
        app.complete_on = completed_on
        if app.kind == ApplicationKind.CHANGE:
            approval = parse_date(_form(app).get("supervisory_approval_on"))
            app.supervisory_approval_on = approval
            org_type = OrgType(app.org_type)
            if approval and app.received_on and org_type is not OrgType.FOUNDATION:
                app.late = clocks.is_change_late(app.received_on, approval, ctx.calendar,
                                                 org_type=org_type)
        app.is_charity = bool(_form(app).get("is_charity"))
        _touch(app)
        s.add(app)
        # the file is complete: now the 受理通知书 (行政许可法 Art 32), with the decision due
        form_now = _form(app)
        org_name = _org_name(app, form_now, s)
        start = _clock_start(ctx, app) or completed_on
        doc = _issue(unit, ctx, "acceptance_notice", today, app, data={
            "org_name": org_name, "applicant": _applicant(form_now, org_name),
            "received_on": app.received_on or completed_on, "accepted_on": start,
            "org_type": app.org_type, "application_number": app.number,
            "decision_due": _decision_deadline(ctx, app, start, s).due,
            "materials_complete": True})
        _step(ctx, unit, app, tr.step, completed_on, note, {"document": doc.number})
        unit.record("application", app.id, {"status": "correction", "form": before_form},
                    {"status": "accepted", "complete_on": completed_on,
                     "clock_start": start, "document": doc.number, "form": _form(app)},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)


# --------------------------------------------------------------------------- decisions


def _docref(doc) -> DocumentRef:  # noqa: ANN001 - IssuedDocumentInfo
    return DocumentRef(doc.id, doc.kind, doc.number, doc.title, doc.file_path, doc.issued_on)


def refuse(ctx: ServiceContext, app_id: str, reasons: str, *, decided_on: date | None = None,
           expected_version: int | None = None) -> DecisionResult:
    """不予登记 with written reasons; issues the refusal decision (不予登记决定书)."""
    ctx.permit("application.refuse")
    reasons = normalize_text(reasons)
    if not reasons:
        raise ValidationFailed([FieldProblem("reasons", "registration.error.no_reasons")])
    today = decided_on or ctx.today()
    with ctx.unit("application.refuse", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        before = {"status": app.status}
        tr = _move(ctx, s, app, "application.refuse", expected_version)
        _check_decision_date(ctx, app, today)
        _no_refusal_for_unnotified_defects(s, ctx, app)
        app.decided_on = today
        app.decided_by_id = ctx.actor.user_id
        app.decision_reasons = reasons
        _touch(app)
        s.add(app)
        form = _form(app)
        org_name = _org_name(app, form, s)
        data = {"org_name": org_name, "applicant": _applicant(form, org_name),
                "received_on": app.received_on or today, "reasons": reasons,
                "org_type": app.org_type, "application_number": app.number}
        if app.kind == ApplicationKind.CHANGE:
            data["legal_basis"] = _change_basis(OrgType(app.org_type))
        doc = _issue(unit, ctx, "refusal_decision", today, app, data=data)
        _step(ctx, unit, app, tr.step, today, reasons, {"document": doc.number})
        unit.record("application", app.id, before,
                    {"status": "refused", "decided_on": today, "reasons": reasons},
                    organization_id=app.organization_id)
        s.flush()
        info = _info(s, ctx, app)
        return DecisionResult(info, app.organization_id, None, (_docref(doc),), doc.preview_text)


def _check_decision_date(ctx: ServiceContext, app: Application, decided_on: date) -> None:
    """A decision is dated neither before 受理 nor in the future (domain.md §10.1)."""
    today = ctx.today()
    if decided_on > today:
        raise RefusedByLaw("registration.law.decision_future", date=decided_on.isoformat(),
                           today=today.isoformat())
    accepted = app.accepted_on or app.received_on
    if accepted and decided_on < accepted:
        raise RefusedByLaw("registration.law.decision_before_acceptance",
                           date=decided_on.isoformat(), accepted=accepted.isoformat(),
                           article=f"{LICENSING_LAW}第三十四条、第三十七条")


def _refusal_article(app: Application) -> str:
    org_type = OrgType(app.org_type)
    if org_type is OrgType.PRIVATE_NON_ENTERPRISE:
        grounds = "《民办非企业单位登记管理暂行条例》第十一条第二款"
    else:
        grounds = "《社会团体登记管理条例》第十三条"
    return f"{ART_32}；{grounds}"


def _no_refusal_for_unnotified_defects(session: Session, ctx: ServiceContext,
                                       app: Application, *,
                                       findings: list[FindingDTO] | None = None) -> None:
    """Missing materials are not a ground for refusal ([S1] Art 13, [S2] Art 11 ¶2): a
    file whose defects were never told to the applicant (一次性告知, 行政许可法 Art 32)
    cannot be refused; it gets its 补正 notice first (or, if the 5 working days have
    passed, it counts as accepted and is decided on its merits)."""
    if app.correction_requested_on is not None:
        return
    if findings is None:  # (the caller may have them already)
        findings = _all_findings(session, ctx, app)
    missing = [f for f in findings if f.code == "material_missing"]
    if app.complete_on is None or missing:
        raise RefusedByLaw("registration.law.refuse_unnotified",
                           count=len(missing), article=_refusal_article(app))


def extend_decision_period(ctx: ServiceContext, app_id: str, reason: str, *,
                           approved_on: date | None = None,
                           expected_version: int | None = None) -> ApplicationInfo:
    """Record the head's approval (负责人批准) extending the 20-working-day decision period
    of a change registration by 10 working days (行政许可法 Art 42 ¶1), with the reason and
    who approved (the signed-in approver). Refused for an establishment (its 60 days are
    set by the regulations), before the clock has started, after the 20 working days
    have run out, or a second time."""
    reason = normalize_text(reason)
    if not reason:
        raise ValidationFailed([FieldProblem("reason", "registration.law.extension_reason")])
    today = ctx.today()
    approved_on = approved_on or today
    article = f"{LICENSING_LAW}第四十二条"
    with ctx.unit("application.extend_decision",
                  subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        _check(app, expected_version, *IN_FLIGHT)
        if app.kind != ApplicationKind.CHANGE:
            raise RefusedByLaw("registration.law.extension_not_change", article=article)
        previous = _extension(s, app)
        if previous is not None:
            raise RefusedByLaw("registration.law.extension_twice",
                               date=previous.on_date.isoformat(),
                               who=_step_actor(previous)[1], article=article)
        start = _clock_start(ctx, app)
        if start is None:
            raise RefusedByLaw("registration.law.extension_not_started")
        if approved_on > today or approved_on < start:
            raise RefusedByLaw("registration.law.extension_date",
                               date=approved_on.isoformat(), start=start.isoformat(),
                               today=today.isoformat())
        before = clocks.change_decision_deadline(start, ctx.calendar, params=ctx.settings.legal)
        if approved_on > before.due:
            raise RefusedByLaw("registration.law.extension_late", due=before.due.isoformat(),
                               article=article)
        after = clocks.change_decision_deadline(start, ctx.calendar, extended=True,
                                                params=ctx.settings.legal)
        _touch(app)
        s.add(app)
        _step(ctx, unit, app, EXTENSION_STEP, approved_on, reason,
              {"approved_by": ctx.actor.display_name or ctx.actor.name,
               "days": clocks.EXTENSION_WORKING_DAYS, "due_before": before.due.isoformat(),
               "due_after": after.due.isoformat(), "article": article})
        unit.record("application", app.id, {"decision_due": before.due},
                    {"decision_due": after.due, "extended_by": clocks.EXTENSION_WORKING_DAYS,
                     "approved_by": ctx.actor.display_name or ctx.actor.name,
                     "approved_on": approved_on, "reason": reason},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)


def _change_basis(org_type: OrgType) -> str:
    if org_type is OrgType.PRIVATE_NON_ENTERPRISE:
        return "《民办非企业单位登记管理暂行条例》第十五条"
    if org_type is OrgType.FOUNDATION:
        return "《基金会管理条例》第十五条"
    return "《社会团体登记管理条例》第十八条"


def approve(ctx: ServiceContext, app_id: str, *, note: str = "", decided_on: date | None = None,
            expected_version: int | None = None) -> DecisionResult:
    """核准. Refused while any finding blocks (send it back for 补正 or refuse it).
    Establishment: the organization is created (正常) with a new USCC, its persons, a
    certificate with 正本/副本 serials and validity, an announcement, and the approval
    decision, certificate data sheet and announcement documents. Change: see
    ``_apply_change``. All in one transaction."""
    today = decided_on or ctx.today()
    with ctx.unit("application.approve", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        _check_decision_date(ctx, app, today)
        tr = _move(ctx, s, app, "application.approve", expected_version)
        # approvers on a shared server: the name check and the write run one at a time
        # per name (Order 69 Art 16 (1); storage.locks, a no-op on SQLite)
        locks.lock_key(s, "organization-name:" + normalize_name(_form(app).get("name")))
        blocking = [f for f in _all_findings(s, ctx, app) if f.blocks]
        if blocking:
            raise NotReady(blocking)
        if app.kind == ApplicationKind.CHANGE:
            docs, main = _apply_change(unit, ctx, app, today)
        else:
            docs, main = _establish(unit, ctx, app, today)
        app.decided_on = today
        app.decided_by_id = ctx.actor.user_id
        _touch(app)
        s.add(app)
        _step(ctx, unit, app, tr.step, today, note,
              {"documents": [d.number for d in docs]})
        unit.record("application", app.id, {"status": "reviewed"},
                    {"status": "approved", "decided_on": today,
                     "organization_id": app.organization_id},
                    organization_id=app.organization_id)
        if app.organization_id:  # the dormancy summary (H12, services.dormancy)
            from mca_tui.services import dormancy

            dormancy.refresh(unit, ctx, app.organization_id)
        s.flush()
        info = _info(s, ctx, app, with_findings=False)
        org = s.get(Organization, app.organization_id)
        return DecisionResult(info, app.organization_id, org.uscc if org else None,
                              tuple(_docref(d) for d in docs), main.preview_text)


def _parsed(form: dict, org_type: OrgType) -> dict:
    """The organization columns from an (already checked) establishment form."""
    direct = str(form.get("direct_category") or "")
    direct = direct if direct in DIRECT_CATEGORIES else ""
    ind = unit_members = None
    if org_type is OrgType.SOCIAL_GROUP:
        ind = parse_count(form.get("individual_members"))
        unit_members = parse_count(form.get("unit_members"))
    return {
        "name": normalize_name(form.get("name")),
        "civil_form": (str(form.get("civil_form") or "") or None)
        if org_type is OrgType.PRIVATE_NON_ENTERPRISE else None,
        "domicile": normalize_text(form.get("domicile")),
        "subdistrict_code": normalize_code(form.get("subdistrict_code")) or None,
        "purpose": normalize_text(form.get("purpose")),
        "business_scope": normalize_text(form.get("business_scope")),
        "activity_area": normalize_text(form.get("activity_area"))
        if org_type is OrgType.SOCIAL_GROUP else "",
        "funds_fen": parse_yuan(str(form.get("funds"))),
        "supervisory_unit": "" if direct else normalize_text(form.get("supervisory_unit")),
        "direct_category": direct or None,
        "is_charity": bool(form.get("is_charity")),
        "individual_members": ind,
        "unit_members": unit_members,
        "phone": normalize_phone(form.get("phone")),
    }


def _certificate_kind(org_type: OrgType, civil_form: str | None) -> str:
    if org_type is OrgType.PRIVATE_NON_ENTERPRISE:
        return f"pne_{civil_form or 'legal_person'}"
    return org_type.value


def _new_certificate(unit: Unit, ctx: ServiceContext, org: Organization, app: Application,
                     on: date) -> Certificate:
    original, duplicate = codes.certificate_serials(unit.session, ctx.settings, on.year)
    years = ctx.settings.legal.certificate_validity_years
    cert = Certificate(office_id=org.office_id, organization_id=org.id,
                       kind=_certificate_kind(OrgType(org.org_type), org.civil_form),
                       serial_original=original, serial_duplicate=duplicate, issued_on=on,
                       valid_from=on if years else None,
                       valid_to=add_years(on, years) - timedelta(days=1) if years else None,
                       status="valid", status_on=on, application_id=app.id)
    unit.session.add(cert)
    unit.session.flush()
    unit.record("certificate", cert.id, None,
                {"serial_original": original, "serial_duplicate": duplicate,
                 "valid_from": cert.valid_from, "valid_to": cert.valid_to},
                organization_id=org.id)
    return cert


def _sheet_data(org: Organization, cert: Certificate) -> dict:
    """Certificate items for the 登记证书信息表 and the 公告: codes, dates and fen."""
    return {"org_name": org.name, "uscc": org.uscc, "org_type": org.org_type,
            "civil_form": org.civil_form, "legal_rep": org.legal_rep_name,
            "serial_original": cert.serial_original,
            "serial_duplicate": cert.serial_duplicate, "domicile": org.domicile,
            "purpose": org.purpose, "business_scope": org.business_scope,
            "activity_area": org.activity_area, "funds_fen": org.funds_fen,
            "supervisory_unit": org.supervisory_unit or "",
            "direct_category": org.direct_category or "",
            "established_on": org.established_on, "valid_from": cert.valid_from,
            "valid_to": cert.valid_to}


def _establish(unit: Unit, ctx: ServiceContext, app: Application, today: date):  # noqa: ANN202
    s = unit.session
    form = _form(app)
    org_type = OrgType(app.org_type)
    columns = _parsed(form, org_type)
    name = columns.pop("name")
    uscc = codes.assign_uscc(s, ctx.settings, org_type)
    rep = PersonInput(name=normalize_name(form.get("legal_rep_name")),
                      id_number=normalize_code(form.get("legal_rep_id_number")) or None,
                      phone=normalize_phone(form.get("legal_rep_phone")))
    org = insert_organization(unit, office_id=app.office_id, org_type=org_type, name=name,
                              legal_rep=rep, uscc=uscc, status=OrgStatus.ACTIVE,
                              established_on=today, **columns)
    for p in form.get("persons") or []:
        pname = normalize_name(p.get("name"))
        number = normalize_code(p.get("id_number"))
        if not pname or not validate_id_number(number, today=today).valid:
            continue
        person = upsert_person(s, app.office_id, PersonInput(pname, number))
        role = p.get("role") if p.get("role") in ("founder", "responsible") else "founder"
        s.add(OrganizationPerson(office_id=app.office_id, organization_id=org.id,
                                 person_id=person.id, role=role,
                                 title=normalize_text(p.get("title")), from_date=today))
    app.organization_id = org.id
    cert = _new_certificate(unit, ctx, org, app, today)
    data = _sheet_data(org, cert)
    decision = _issue(unit, ctx, "approval_decision", today, app, organization_id=org.id, data={
        "org_name": org.name, "applicant": _applicant(form, org.name), "uscc": uscc,
        "org_type": org.org_type, "received_on": app.received_on,
        "application_number": app.number, "legal_rep": org.legal_rep_name,
        "domicile": org.domicile})
    sheet = _issue(unit, ctx, "certificate_sheet", today, app, organization_id=org.id, data=data)
    notice = _issue(unit, ctx, "announcement", today, app, organization_id=org.id, data={
        k: data[k] for k in ("org_name", "uscc", "org_type", "civil_form", "legal_rep",
                             "domicile", "purpose", "business_scope", "activity_area",
                             "funds_fen", "supervisory_unit", "direct_category",
                             "established_on")})
    ann = Announcement(office_id=app.office_id, organization_id=org.id, kind="establishment",
                       created_on=today, text=notice.preview_text, document_id=notice.id)
    s.add(ann)
    s.flush()
    unit.record("announcement", ann.id, None, {"kind": "establishment", "document": notice.number},
                organization_id=org.id)
    return [decision, sheet, notice], sheet


# Free text stored in records (a certificate's reason, a supervision record's description)
# is written in the register's language, whatever the UI language of the user acting.
RECORD_LANGUAGE = "zh"


def _doc_change(ctx: ServiceContext, item: str, before: str, after: str,
                before_fen: int | None, after_fen: int | None) -> dict:
    """One changed item for a document: its code and values (amounts in fen, subdistrict
    codes as their names)."""
    if item == "funds":
        return {"item": item, "before_fen": before_fen, "after_fen": after_fen}
    if item == "subdistrict_code":
        names = {sd.code: sd.name for sd in ctx.settings.office.subdistricts}
        before, after = names.get(before, before), names.get(after, after)
    return {"item": item, "before": before, "after": after}


def _apply_change(unit: Unit, ctx: ServiceContext, app: Application, today: date):  # noqa: ANN202
    """Apply a 变更登记: RegistrationChange rows (before -> after, late flag), the new values
    on the organization, a reissued certificate if a printed item changed (the old one
    ``replaced``), a pending financial audit on a change of legal representative, an
    announcement for name/domicile/legal-rep changes, the approval decision document."""
    s = unit.session
    form = _form(app)
    org = s.get(Organization, app.organization_id)
    if org is None:
        raise NotFound("org.not_found", id=app.organization_id)
    org_type = OrgType(org.org_type)
    current = current_items_in(s, org.id)
    changes: dict = {}
    items: list[tuple[str, str, str]] = []  # (item, before text, after text)
    for fname, column in _CHANGE_COLUMNS.items():
        raw = form.get(fname)
        if raw is None or not normalize_text(str(raw)):
            continue
        if fname == "funds":
            new_fen = parse_yuan(str(raw))
            if new_fen != org.funds_fen:
                changes["funds_fen"] = new_fen
                items.append(("funds", current["funds"], format_fen(new_fen)))
            continue
        if fname in ("name", "legal_rep_name"):
            value = normalize_name(raw)
        elif fname == "subdistrict_code":
            value = normalize_code(raw)
        else:
            value = normalize_text(str(raw))
        if value == (getattr(org, column) or ""):
            continue
        changes[column] = value
        item = "legal_rep" if fname == "legal_rep_name" else fname
        items.append((item, str(getattr(org, column) or ""), value))
    if "direct_category" in changes and changes["direct_category"]:
        changes.setdefault("supervisory_unit", "")
    elif "supervisory_unit" in changes and changes["supervisory_unit"]:
        changes["direct_category"] = None
    rep_number = normalize_code(form.get("legal_rep_id_number"))
    rep_changed = "legal_rep_name" in changes or bool(
        rep_number and (org.legal_rep_person_id is None or rep_number != (
            s.get(Person, org.legal_rep_person_id).id_number or "")))
    if rep_changed and "legal_rep_name" not in changes:
        items.append(("legal_rep", org.legal_rep_name, org.legal_rep_name))
    previous_rep = org.legal_rep_name
    previous_funds_fen = org.funds_fen
    if changes:
        update_organization(unit, org.id, changes)
    if rep_changed:
        set_legal_rep(unit, org, PersonInput(
            name=normalize_name(form.get("legal_rep_name")) or org.legal_rep_name,
            id_number=rep_number or None,
            phone=normalize_phone(form.get("legal_rep_phone"))), today)
        s.add(org)
    late = bool(app.late)
    for item, before_text, after_text in items:
        change = RegistrationChange(office_id=app.office_id, application_id=app.id,
                                    organization_id=org.id, item=item, before_text=before_text,
                                    after_text=after_text,
                                    supervisory_approval_on=app.supervisory_approval_on,
                                    applied_on=app.received_on, approved_on=today, late=late,
                                    audit_required=item == "legal_rep")
        s.add(change)
        s.flush()
        unit.record("registration_change", change.id, {item: before_text}, {item: after_text},
                    organization_id=org.id)
    docs = []
    # Document data: codes and values, one entry per changed item (the words come from
    # the document language: "住所由 A 变更为 B。").
    doc_changes = [_doc_change(ctx, i, b, a, previous_funds_fen, org.funds_fen)
                   for i, b, a in items]
    reissue = any(i in PRINTED_ITEMS for i, _, _ in items)
    main = _issue(unit, ctx, "approval_decision", today, app, organization_id=org.id, data={
        "org_name": org.name, "applicant": org.name, "uscc": org.uscc or "",
        "org_type": org.org_type, "received_on": app.received_on,
        "application_number": app.number, "legal_rep": org.legal_rep_name,
        "domicile": org.domicile, "legal_basis": _change_basis(org_type),
        "changes": doc_changes, "certificate_reissued": reissue})
    docs.append(main)
    if reissue:
        for old in s.exec(select(Certificate).where(Certificate.organization_id == org.id,
                                                    Certificate.status == "valid")):
            old.status, old.status_on = "replaced", today
            # stored text is in the register's language, never the clerk's UI language
            old.reason = t("registration.cert_replaced", RECORD_LANGUAGE,
                           number=app.number or "")
            s.add(old)
            unit.record("certificate", old.id, {"status": "valid"}, {"status": "replaced"},
                        organization_id=org.id)
        cert = _new_certificate(unit, ctx, org, app, today)
        docs.append(_issue(unit, ctx, "certificate_sheet", today, app, organization_id=org.id,
                           data=_sheet_data(org, cert)))
    if rep_changed:
        record = SupervisionRecord(
            office_id=app.office_id, organization_id=org.id,
            kind=SupervisionKind.FINANCIAL_AUDIT.value, record_date=today,
            trigger="change_of_legal_rep",
            description=t("registration.audit_required", RECORD_LANGUAGE, before=previous_rep,
                          after=org.legal_rep_name),
            details_json=json.dumps({"status": "required", "application_id": app.id,
                                     "previous_legal_rep": previous_rep,
                                     "new_legal_rep": org.legal_rep_name},
                                    ensure_ascii=False))
        s.add(record)
        s.flush()
        unit.record("supervision_record", record.id, None,
                    {"kind": "financial_audit", "trigger": "change_of_legal_rep",
                     "status": "required"}, organization_id=org.id)
    announced = [i for i, _, _ in items if i in _ANNOUNCED_ITEMS]
    if announced:
        # 变更公告 (社团条例 Art 23, 民非条例 Art 18): name, domicile, legal representative.
        notice = _issue(unit, ctx, "change_announcement", today, app, organization_id=org.id,
                        data={"org_name": org.name, "uscc": org.uscc or "",
                              "org_type": org.org_type, "decided_on": today,
                              "changes": [c for c in doc_changes
                                          if c["item"] in _ANNOUNCED_ITEMS]})
        docs.append(notice)
        ann = Announcement(office_id=app.office_id, organization_id=org.id, kind="change",
                           created_on=today, text=notice.preview_text, document_id=notice.id)
        s.add(ann)
        s.flush()
        unit.record("announcement", ann.id, None, {"kind": "change", "items": announced},
                    organization_id=org.id)
    return docs, main
