"""The revocation case (撤销登记, an administrative penalty case; domain.md §6.2, §10.7) and
the batch that opens cases for several dormant organizations (§6.3).

The rules are ``domain.penalty_case`` (the ``PENALTY_CASE`` transition table, the dated
guards :func:`~mca_tui.domain.penalty_case.refusal`, the clocks, :func:`offered`) and
``domain.casework`` (service, custody). This module writes them, each step one unit with
one audit event (action ``penalty_case.<step>``, subject the case):

- :func:`open_case` — 立案 with at least two enforcement officers; the 立案审批表
  (``case_filing``); the organization leaves the dormant list (a case is open).
- :func:`take_step` — every later step, with the input it needs (:class:`StepData`):
  evidence; the 行政处罚事先告知书 (``advance_notice``); its service in person, by post,
  electronically with consent or by announcement (``service_announcement`` + an
  ``Announcement`` row; effective after ``legal.announcement_service_days``); statement
  or waiver; hearing request, notice (``hearing_notice``, 7 working days ahead) and
  hearing; collective discussion; legal review; the head's extension; the decision
  (``penalty_decision``, by the approver); its service; publication
  (``revocation_announcement``); custody or void announcement (``services.custody``);
  the serious list (a ``CreditListEntry``, ground (七), with its listing notice); status
  已撤销 (``Organization.revoked_on`` and ``revocation_kind``, which ``mca-tui stats``
  counts); closing the case when the organization comes forward.

A step is refused — nothing written — by the workflow (state, role, four eyes: the case
officers never decide, review, chair the hearing or close) and by the dated rules (no
decision while the statement or hearing window is open or before the announcement took
effect, …): :class:`RefusedByRule` names the article. :func:`case_view` gives the screen
the clocks, late flags and the steps offered today (``penalty_case.offered``).

Batch: :func:`preview_batch` writes nothing; :func:`run_batch` opens one case per
candidate and produces its first-step documents (立案审批表, 事先告知书 and, for an
organization that cannot be reached, the 送达公告), each case in its own units; a
failure on one stops none of the others and is reported by name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain import clocks
from mca_tui.domain import penalty_case as pc
from mca_tui.domain.calendar import Deadline
from mca_tui.domain.casework import CustodyRecord, LegalRefusal, ServiceFacts
from mca_tui.domain.enums import (
    CaseStatus,
    CaseStepKind,
    CreditListKind,
    DormancySignal,
    OrgStatus,
    RevocationKind,
    Role,
    SeriousListGround,
    ServiceMethod,
)
from mca_tui.domain.workflow import NEW
from mca_tui.i18n import label, t
from mca_tui.services import documents as docs
from mca_tui.services import dormancy
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.custody import RefusedByRule, apply_custody, records_of
from mca_tui.services.errors import NotFound, ServiceError
from mca_tui.services.workflow import actor_roles, check_transition, history_from_steps, me
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    Announcement,
    CaseStep,
    DocumentService,
    IssuedDocument,
    Organization,
    PenaltyCase,
    UserAccount,
)

__all__ = [
    "BatchOutcome",
    "CaseView",
    "RefusedByRule",
    "StepData",
    "case_view",
    "cases_of",
    "open_case",
    "open_cases",
    "preview_batch",
    "run_batch",
    "take_step",
]

K = CaseStepKind
PROPOSED = "revoke_registration"
_DOC_OF_STEP = {K.FILE: "case_filing", K.ISSUE_NOTICE: "advance_notice",
                K.NOTIFY_HEARING: "hearing_notice", K.DECIDE: "penalty_decision",
                K.PUBLISH: "revocation_announcement"}


class CaseNotFound(NotFound):
    key = "case.error.not_found"


class FutureDate(ServiceError):
    key = "case.error.future"


@dataclass(frozen=True)
class StepData:
    """What the clerk entered for a step (only what the step needs)."""

    note: str = ""  # evidence description, statement text, discussion / review minutes
    officers: tuple[str, ...] = ()  # file: user ids of the enforcement officers
    method: ServiceMethod | None = None  # serve_*: how
    addressee: str = ""
    sent_on: date | None = None
    served_on: date | None = None
    published_on: date | None = None
    returned: bool = False
    consented: bool = False
    other_methods_failed: bool = False
    hearing_on: date | None = None  # notify_hearing
    hearing_place: str = ""
    party_absent: bool = False  # hold_hearing
    waiver: bool = False  # statement: the party waives statement and hearing in writing
    custody: tuple[CustodyRecord, ...] = ()
    reasons: tuple[str, ...] = ()  # close

    def service(self) -> ServiceFacts | None:
        if self.method is None:
            return None
        return ServiceFacts(self.method, sent_on=self.sent_on, served_on=self.served_on,
                            published_on=self.published_on, returned=self.returned,
                            consented=self.consented,
                            other_methods_failed=self.other_methods_failed)


# --------------------------------------------------------------------------- reading


def _details(case: PenaltyCase) -> dict[str, Any]:
    try:
        data = json.loads(case.details_json or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _set_details(case: PenaltyCase, data: dict[str, Any]) -> None:
    case.details_json = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _d(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _services(s: Session, document_id: str | None) -> tuple[ServiceFacts, ...]:
    if not document_id:
        return ()
    out = []
    for row in s.exec(select(DocumentService).where(DocumentService.document_id == document_id)):
        try:
            proof = json.loads(row.proof or "{}")
        except ValueError:
            proof = {}
        out.append(ServiceFacts(ServiceMethod(row.method), sent_on=row.sent_on,
                                served_on=row.served_on, published_on=row.published_on,
                                returned=row.returned,
                                consented=bool(proof.get("consented")),
                                other_methods_failed=bool(proof.get("other_methods_failed"))))
    return tuple(out)


def facts_of(s: Session, case: PenaltyCase) -> pc.CaseFacts:
    """The case as the rules need it: the case row, its details and the services of its
    advance notice and decision."""
    d = _details(case)
    h = d.get("hearing") or {}
    officers = tuple(pc.Officer(o) for o in (case.officer1_id, case.officer2_id, *d.get(
        "more_officers", [])) if o)
    return pc.CaseFacts(
        filed_on=case.filed_on,
        officers=officers,
        evidence_on=tuple(date.fromisoformat(x) for x in d.get("evidence_on", [])),
        notice_issued_on=_d(d.get("notice_issued_on")),
        notice_services=_services(s, d.get("notice_document_id")),
        statement_on=_d(d.get("statement_on")),
        waived_on=_d(d.get("waived_on")),
        hearing=pc.Hearing(requested_on=_d(h.get("requested_on")),
                           notified_on=_d(h.get("notified_on")),
                           scheduled_on=_d(h.get("scheduled_on")),
                           held_on=_d(h.get("held_on")), presiding=str(h.get("presiding", "")),
                           party_absent=bool(h.get("party_absent"))),
        collective_discussion_on=_d(d.get("collective_discussion_on")),
        legal_review_on=_d(d.get("legal_review_on")),
        extended_on=_d(d.get("extended_on")),
        decided_on=case.decided_on,
        decided_by=d.get("decided_by"),
        decision_services=_services(s, d.get("decision_document_id")),
        published_on=_d(d.get("published_on")),
        custody=records_of(case),
        serious_listed_on=_d(d.get("serious_listed_on")),
        revoked_on=_d(d.get("revoked_on")),
        closed_on=case.closed_on,
        closing_reasons=tuple(x for x in (case.closing_reason or "").split("\n") if x),
    )


def _history(s: Session, case_id: str) -> dict[str, frozenset[str]]:
    steps = s.exec(select(CaseStep).where(CaseStep.case_id == case_id))
    names = {}
    rows = list(steps)
    for r in rows:
        if r.actor_id and r.actor_id not in names:
            user = s.get(UserAccount, r.actor_id)
            names[r.actor_id] = user.username if user else ""
    return dict(history_from_steps(pc.PENALTY_CASE,
                                   [(r.step, r.actor_id, names.get(r.actor_id or "", "") or
                                     _details_actor(r)) for r in rows]))


def _details_actor(step: CaseStep) -> str:
    """The login name of a command-line actor (no user id) kept in the step's note."""
    try:
        return str(json.loads(step.note or "{}").get("actor", ""))
    except ValueError:
        return ""


def _state_label(state: str) -> str:
    try:
        return label(CaseStatus(state))
    except ValueError:
        return state


def _state(case: PenaltyCase | None) -> str:
    return NEW if case is None or case.filed_on is None else case.status


@dataclass(frozen=True)
class CaseView:
    """One case for the screen: the case, the organization, the clocks, the late flags,
    the steps offered today, its steps and documents."""

    case_id: str
    organization_id: str
    org_name: str
    uscc: str
    case_number: str
    status: str
    facts: pc.CaseFacts
    clocks: pc.CaseClocks
    late: tuple[str, ...]
    offered: tuple[CaseStepKind, ...]
    steps: tuple[tuple[str, date, str], ...]  # (step, date, document number)
    documents: tuple[tuple[str, str, str], ...]  # (id, number, title)
    complete: bool
    ground: tuple[str, ...] = field(default_factory=tuple)

    def running(self, today: date) -> tuple[Deadline, ...]:
        return self.clocks.running(today)


def case_view(ctx: ServiceContext, case_id: str, today: date | None = None) -> CaseView:
    ctx.permit("penalty_case.read")
    day = today or ctx.today()
    with ctx.db.read() as s:
        case = s.get(PenaltyCase, case_id)
        if case is None:
            raise CaseNotFound(id=case_id)
        org = s.get(Organization, case.organization_id)
        facts = facts_of(s, case)
        history = _history(s, case_id)
        steps = []
        for r in s.exec(select(CaseStep).where(CaseStep.case_id == case_id)
                        .order_by(col(CaseStep.on_date))):
            number = ""
            if r.document_id:
                doc = s.get(IssuedDocument, r.document_id)
                number = doc.number if doc else ""
            steps.append((r.step, r.on_date, number))
        documents = tuple((d.id, d.number, d.title) for d in s.exec(
            select(IssuedDocument).where(IssuedDocument.case_id == case_id)
            .order_by(col(IssuedDocument.issued_on), col(IssuedDocument.number))))
    cal, params = ctx.calendar, ctx.settings.legal
    offered = pc.offered(facts, actor_roles(ctx.actor), me(ctx.actor), history, day, cal,
                         params, actor_id=_actor_id(ctx))
    return CaseView(
        case_id=case.id, organization_id=case.organization_id,
        org_name=org.name if org else "", uscc=(org.uscc or "") if org else "",
        case_number=case.case_number or "", status=case.status, facts=facts,
        clocks=pc.case_clocks(facts, cal, params),
        late=pc.late_flags(facts, day, cal, params), offered=offered,
        steps=tuple(steps), documents=documents, complete=pc.is_complete(facts),
        ground=tuple(x for x in (case.ground or "").split(",") if x))


def cases_of(ctx: ServiceContext, *, open_only: bool = False,
             organization_id: str | None = None) -> list[PenaltyCase]:
    ctx.permit("penalty_case.read")
    with ctx.db.read() as s:
        q = select(PenaltyCase)
        if open_only:
            q = q.where(col(PenaltyCase.status).in_((CaseStatus.OPEN.value,
                                                     CaseStatus.DECIDED.value)))
        if organization_id:
            q = q.where(PenaltyCase.organization_id == organization_id)
        return list(s.exec(q.order_by(col(PenaltyCase.filed_on))))


# --------------------------------------------------------------------------- writing


def _lang(ctx: ServiceContext) -> str:
    """The catalog of the document language (documents never speak the UI language)."""
    from mca_tui.i18n import normalize_language

    try:
        return normalize_language(ctx.settings.documents.language)
    except ValueError:
        return "zh"


def _actor_id(ctx: ServiceContext) -> str:
    """The id the dated rules compare with the case officers."""
    return ctx.actor.user_id or ""


def _refuse(problem: LegalRefusal | None) -> None:
    if problem is not None:
        raise RefusedByRule(problem)


def _check_date(ctx: ServiceContext, on: date) -> None:
    if on > ctx.today():
        raise FutureDate(date=on.isoformat())


def _step_row(unit: Unit, ctx: ServiceContext, case: PenaltyCase, step: CaseStepKind,
              on: date, *, document_id: str | None = None, note: str = "") -> CaseStep:
    payload = {"note": note} if note else {}
    if not ctx.actor.user_id:
        payload["actor"] = ctx.actor.name
    row = CaseStep(office_id=ctx.actor.office_id, case_id=case.id, step=step.value,
                   on_date=on, actor_id=ctx.actor.user_id, document_id=document_id,
                   note=json.dumps(payload, ensure_ascii=False) if payload else "")
    unit.session.add(row)
    return row


def _org_data(org: Organization) -> dict[str, Any]:
    return {"org_name": org.name, "uscc": org.uscc or "", "org_type": org.org_type,
            "domicile": org.domicile, "legal_rep": org.legal_rep_name}


def _grounds(case: PenaltyCase) -> list[dict[str, Any]]:
    """The grounds as catalog messages (rendered in the document language)."""
    out = []
    for code in (case.ground or "").split(","):
        if code:
            out.append({"message": f"dormancy.signal.{code}", "params": {}})
    return out


def _legal_basis(org: Organization) -> str:
    return {
        "social_group": f"{clocks.S1}第二十九条、第三十条",
        "private_non_enterprise": f"{clocks.S2}第二十四条、第二十五条",
        "foundation": f"{clocks.S3}第四十一条、第四十二条",
    }.get(org.org_type, pc.ART_REVOKE)


def _officer_names(s: Session, ids: Iterable[str]) -> str:
    names = []
    for i in ids:
        u = s.get(UserAccount, i)
        names.append(u.display_name if u else i)
    return "、".join(names)


def open_case(ctx: ServiceContext, organization_id: str, *, filed_on: date,
              officers: Sequence[str], grounds: Sequence[str] = (), note: str = "",
              case_id: str | None = None) -> str:
    """立案: a revocation case against ``organization_id`` with at least two enforcement
    officers (user ids) and its grounds (dormancy signal codes); issues the 立案审批表.
    Refused: fewer than two officers holding the enforcement role, a case already open,
    an organization no longer on the register."""
    _check_date(ctx, filed_on)
    cid = case_id or new_id()
    with ctx.unit(pc.action_for(K.FILE), subject=Subject("penalty_case", cid,
                                                           organization_id)) as u:
        s = u.session
        org = s.get(Organization, organization_id)
        if org is None:
            raise NotFound("org.not_found", id=organization_id)
        if org.status in (OrgStatus.DEREGISTERED.value, OrgStatus.REVOKED.value):
            raise RefusedByRule(LegalRefusal("case.refusal.org_closed", pc.ART_REVOKE,
                                             {"status": label(OrgStatus(org.status))}))
        existing = s.exec(select(PenaltyCase.id).where(
            PenaltyCase.organization_id == organization_id,
            col(PenaltyCase.status).in_((CaseStatus.OPEN.value, CaseStatus.DECIDED.value))
        )).first()
        if existing is not None:
            raise RefusedByRule(LegalRefusal("case.refusal.case_open", pc.ART_OFFICERS))
        check_transition(ctx, pc.PENALTY_CASE, pc.action_for(K.FILE), NEW)
        enforcement = []
        for uid in dict.fromkeys(officers):
            user = s.get(UserAccount, uid)
            roles = set()
            if user is not None:
                from mca_tui.storage.models import UserRole

                roles = {r.role for r in s.exec(select(UserRole).where(UserRole.user_id == uid))}
            enforcement.append(pc.Officer(uid, Role.ENFORCEMENT.value in roles
                                          and user is not None and not user.disabled))
        _refuse(pc.refusal(K.FILE, pc.CaseFacts(), filed_on, ctx.calendar,
                           actor=_actor_id(ctx), data=pc.StepInput(officers=tuple(enforcement)),
                           params=ctx.settings.legal))
        ids = [o.user_id for o in enforcement]
        ground = ",".join(dict.fromkeys(g for g in grounds if g))
        case = PenaltyCase(id=cid, office_id=ctx.actor.office_id,
                           organization_id=organization_id, ground=ground,
                           proposed_penalty=PROPOSED, filed_on=filed_on, officer1_id=ids[0],
                           officer2_id=ids[1], status=CaseStatus.OPEN.value)
        _set_details(case, {"more_officers": ids[2:], "note": note})
        s.add(case)
        s.flush()
        due = clocks.penalty_decision_deadline(filed_on, ctx.calendar).due
        doc = docs.issue(u, ctx, "case_filing", issued_on=filed_on, organization_id=org.id,
                         case_id=cid, data={
                             **_org_data(org), "grounds": _grounds(case),
                             "legal_basis": _legal_basis(org), "filed_on": filed_on,
                             "officers": _officer_names(s, ids), "decision_due": due})
        case.case_number = doc.number
        _step_row(u, ctx, case, K.FILE, filed_on, document_id=doc.id, note=note)
        u.record("penalty_case", cid, None,
                 {"status": CaseStatus.OPEN.value, "filed_on": filed_on, "ground": ground,
                  "officers": ids, "case_number": doc.number, "decision_due": due})
        dormancy.refresh(u, ctx, organization_id)
    return cid


def _service_row(unit: Unit, ctx: ServiceContext, case: PenaltyCase, org: Organization,
                 document_id: str, data: StepData, served_title: str) -> str | None:
    """One DocumentService row; an announcement also issues the 送达公告 and its
    Announcement row. Returns the announcement's number."""
    s = unit.session
    service = data.service()
    assert service is not None
    effective = None
    from mca_tui.domain.casework import service_effective_on

    effective = service_effective_on(service, ctx.calendar, ctx.settings.legal)
    row = DocumentService(office_id=ctx.actor.office_id, document_id=document_id,
                          method=service.method.value, addressee=data.addressee,
                          sent_on=data.sent_on, served_on=data.served_on,
                          published_on=data.published_on, effective_on=effective,
                          returned=data.returned,
                          proof=json.dumps({"consented": data.consented,
                                            "other_methods_failed": data.other_methods_failed,
                                            "note": data.note}, ensure_ascii=False))
    s.add(row)
    number = None
    if service.method is ServiceMethod.ANNOUNCEMENT and data.published_on is not None:
        served = s.get(IssuedDocument, document_id)
        ann_doc = docs.issue(unit, ctx, "service_announcement", issued_on=data.published_on,
                             organization_id=org.id, case_id=case.id, data={
                                 **_org_data(org), "served_title": served_title,
                                 "served_number": served.number if served else "",
                                 "published_on": data.published_on,
                                 "effective_days": ctx.settings.legal.announcement_service_days,
                                 "effective_on": effective,
                                 "legal_basis": f"{clocks.ORDER_68}第四十七条",
                                 "rights_sentence": ""})
        ann = Announcement(office_id=ctx.actor.office_id, organization_id=org.id,
                           kind="service", created_on=data.published_on,
                           published_on=data.published_on, text=ann_doc.preview_text,
                           document_id=ann_doc.id)
        s.add(ann)
        number = ann_doc.number
    unit.record("document_service", row.id, None,
                {"method": service.method.value, "sent_on": data.sent_on,
                 "served_on": data.served_on, "published_on": data.published_on,
                 "effective_on": effective, "announcement": number})
    return number


def take_step(ctx: ServiceContext, case_id: str, step: CaseStepKind | str, *, on: date,
              data: StepData = StepData(), view: bool = True) -> CaseView:
    """Take one step of the case on ``on`` (see the module docstring). Refused before
    anything is written: wrong state, role or four eyes (``PermissionDenied`` /
    ``WrongState``), a dated rule (:class:`RefusedByRule` with the article), a date in
    the future."""
    k = CaseStepKind(step)
    if k is K.FILE:
        raise ValueError("open a case with open_case")
    _check_date(ctx, on)
    with ctx.db.read() as s:
        case = s.get(PenaltyCase, case_id)
        if case is None:
            raise CaseNotFound(id=case_id)
        org_id = case.organization_id
    with ctx.unit(pc.action_for(k), subject=Subject("penalty_case", case_id, org_id)) as u:
        s = u.session
        case = s.get(PenaltyCase, case_id)
        assert case is not None
        org = s.get(Organization, case.organization_id)
        assert org is not None
        facts = facts_of(s, case)
        tr = check_transition(ctx, pc.PENALTY_CASE, pc.action_for(k), _state(case),
                              history=_history(s, case_id), state_label=_state_label)
        probe = pc.StepInput(service=data.service(), hearing_on=data.hearing_on,
                             custody=data.custody[0] if data.custody else None,
                             reasons=data.reasons, waiver=data.waiver)
        _refuse(pc.refusal(k, facts, on, ctx.calendar, actor=_actor_id(ctx), data=probe,
                           params=ctx.settings.legal))
        before_status = case.status
        d = _details(case)
        doc_id = None
        after: dict[str, Any] = {"step": k.value, "on": on}
        if k is K.EVIDENCE:
            d.setdefault("evidence", []).append({"on": on.isoformat(), "text": data.note})
            d["evidence_on"] = sorted({*d.get("evidence_on", []), on.isoformat()})
        elif k is K.ISSUE_NOTICE:
            legal = ctx.settings.legal
            info = docs.issue(u, ctx, "advance_notice", issued_on=on, organization_id=org.id,
                              case_id=case_id, data={
                                  **_org_data(org), "grounds": _grounds(case),
                                  "evidence": _evidence_text(d),
                                  "legal_basis": _legal_basis(org),
                                  "statement_days": legal.statement_defence_working_days,
                                  "hearing_days": max(5, legal.hearing_request_working_days)})
            doc_id = info.id
            d["notice_issued_on"] = on.isoformat()
            d["notice_document_id"] = info.id
            after["document"] = info.number
        elif k in (K.SERVE_NOTICE, K.SERVE_DECISION):
            key = "notice_document_id" if k is K.SERVE_NOTICE else "decision_document_id"
            title = t("case.doc.advance_notice" if k is K.SERVE_NOTICE
                      else "case.doc.penalty_decision", _lang(ctx))
            number = _service_row(u, ctx, case, org, d[key], data, title)
            doc_id = d[key]
            after["method"] = data.method.value if data.method else None
            after["announcement"] = number
        elif k is K.STATEMENT:
            d["statement_on"] = on.isoformat()
            d.setdefault("statements", []).append({"on": on.isoformat(), "text": data.note})
            if data.waiver:
                d["waived_on"] = on.isoformat()
        elif k is K.REQUEST_HEARING:
            d.setdefault("hearing", {})["requested_on"] = on.isoformat()
        elif k is K.NOTIFY_HEARING:
            assert data.hearing_on is not None
            h = d.setdefault("hearing", {})
            info = docs.issue(u, ctx, "hearing_notice", issued_on=on, organization_id=org.id,
                              case_id=case_id, data={
                                  **_org_data(org), "requested_on": _d(h.get("requested_on")),
                                  "hearing_on": data.hearing_on,
                                  "hearing_place": data.hearing_place or
                                  ctx.settings.office.name})
            doc_id = info.id
            h.update(notified_on=on.isoformat(), scheduled_on=data.hearing_on.isoformat(),
                     place=data.hearing_place)
            after["document"] = info.number
        elif k is K.HOLD_HEARING:
            d.setdefault("hearing", {}).update(held_on=on.isoformat(),
                                               presiding=_actor_id(ctx),
                                               party_absent=data.party_absent,
                                               minutes=data.note)
        elif k is K.COLLECTIVE_DISCUSSION:
            d["collective_discussion_on"] = on.isoformat()
            d["discussion"] = data.note
        elif k is K.LEGAL_REVIEW:
            d["legal_review_on"] = on.isoformat()
            d["legal_review"] = data.note
        elif k is K.EXTEND:
            d["extended_on"] = on.isoformat()
        elif k is K.DECIDE:
            served = pc.case_clocks(facts, ctx.calendar, ctx.settings.legal).notice_served_on
            statement = (t("case.doc.statement_received", _lang(ctx)) if facts.statement_on
                         and not facts.waived_on else t("case.doc.statement_none", _lang(ctx)))
            if facts.hearing.held_on is not None:
                statement = t("case.doc.hearing_held", _lang(ctx),
                              date=f"{facts.hearing.held_on:%Y年%-m月%-d日}")
            info = docs.issue(u, ctx, "penalty_decision", issued_on=on,
                              organization_id=org.id, case_id=case_id, data={
                                  **_org_data(org), "grounds": _grounds(case),
                                  "evidence": _evidence_text(d), "filed_on": case.filed_on,
                                  "notice_served_on": served, "decided_on": on,
                                  "statement_sentence": statement,
                                  "legal_basis": _legal_basis(org),
                                  "review_body": ctx.settings.documents.review_body,
                                  "court": ctx.settings.documents.court})
            doc_id = info.id
            case.decided_on = on
            case.decision = PROPOSED
            d["decided_by"] = _actor_id(ctx) or ctx.actor.name
            d["decision_document_id"] = info.id
            after["document"] = info.number
        elif k is K.PUBLISH:
            dec = s.get(IssuedDocument, d.get("decision_document_id"))
            info = docs.issue(u, ctx, "revocation_announcement", issued_on=on,
                              organization_id=org.id, case_id=case_id, data={
                                  **_org_data(org), "decision_number": dec.number if dec else "",
                                  "decided_on": case.decided_on,
                                  "ground_summary": _ground_summary(case)})
            doc_id = info.id
            s.add(Announcement(office_id=ctx.actor.office_id, organization_id=org.id,
                               kind="revocation", created_on=on, published_on=on,
                               text=info.preview_text, document_id=info.id))
            d["published_on"] = on.isoformat()
            after["document"] = info.number
        elif k is K.CUSTODY:
            _set_details(case, d)
            in_force = pc.case_clocks(facts, ctx.calendar, ctx.settings.legal).decision_served_on
            result = apply_custody(u, ctx, case, data.custody, organization_id=org.id,
                                   earliest=in_force, case_id=case_id)
            d = _details(case)
            doc_id = result.document_id
            after["complete"] = result.status.complete
        elif k is K.SERIOUS_LIST:
            _serious_list(u, ctx, org, case, on)
            d["serious_listed_on"] = on.isoformat()
        elif k is K.REVOKE:
            org.status = OrgStatus.REVOKED.value
            org.revoked_on = on
            org.revocation_kind = (RevocationKind.DORMANT.value if _is_dormant(case)
                                   else RevocationKind.OTHER.value)
            org.version += 1
            s.add(org)
            d["revoked_on"] = on.isoformat()
            u.record("organization", org.id, {"status": OrgStatus.ACTIVE.value},
                     {"status": org.status, "revoked_on": on,
                      "revocation_kind": org.revocation_kind})
        elif k is K.CLOSE:
            case.closed_on = on
            case.closing_reason = "\n".join(r.strip() for r in data.reasons if r.strip())
        case.status = tr.to_state
        _set_details(case, d)
        s.add(case)
        _step_row(u, ctx, case, k, on, document_id=doc_id, note=data.note)
        u.record("penalty_case", case_id, {"status": before_status} if
                 before_status != case.status else None,
                 {**after, "status": case.status})
        if k in (K.CLOSE, K.REVOKE):  # the dormancy inputs: an open case, the status
            dormancy.refresh(u, ctx, org.id)
        clocks_after = pc.case_clocks(facts_of(s, case), ctx.calendar, ctx.settings.legal)
    if not view:  # a batch or the demo: the clocks only (no reads after the unit)
        return _ClocksOnly(clocks_after)  # type: ignore[return-value]
    return case_view(ctx, case_id, on if on > ctx.today() else None)


@dataclass(frozen=True)
class _ClocksOnly:
    clocks: pc.CaseClocks


def _evidence_text(d: dict[str, Any]) -> str:
    texts = [str(e.get("text", "")).strip() for e in d.get("evidence", [])]
    return "；".join(x for x in texts if x) or "年度报告记录、挂号信退回凭证"


def _is_dormant(case: PenaltyCase) -> bool:
    codes = {c for c in (case.ground or "").split(",") if c}
    return bool(codes & {s.value for s in DormancySignal})


def _ground_summary(case: PenaltyCase) -> list[dict[str, Any]]:
    return _grounds(case) or [{"message": "case.doc.ground_other", "params": {}}]


def _serious_list(u: Unit, ctx: ServiceContext, org: Organization, case: PenaltyCase,
                  on: date) -> None:
    """Ground (七) of the serious list (Order 60: registration revoked), written in the
    case's unit (one event) through the credit-list service's listing: the same
    transition and rule checks, listing notice and publication-list entry as any
    other listing."""
    from mca_tui.services.supervision import credit_lists

    dec = u.session.get(IssuedDocument, _details(case).get("decision_document_id"))
    reason = t("case.doc.serious_reason", _lang(ctx), number=dec.number if dec else "")
    credit_lists.list_in_unit(u, ctx, org.id, CreditListKind.SERIOUS,
                              SeriousListGround.REGISTRATION_REVOKED.value, on=on,
                              evidence=reason, case_id=case.id)


# --------------------------------------------------------------------------- batch


def _candidate(ctx: ServiceContext, organization_id: str, as_of: date) -> pc.BatchCandidate:
    a = dormancy.assess_one(ctx, organization_id, as_of)
    if a is None:
        return pc.BatchCandidate(organization_id, "", "", exclusions=())
    reachable = False
    s_ = dormancy.summary_of(ctx, organization_id)
    if s_ is not None:
        from mca_tui.domain.enums import ContactFate

        last = sorted(s_.contacts, key=lambda c: c.fate_on or c.on)
        reachable = bool(last) and last[-1].fate is ContactFate.REACHED
    return pc.BatchCandidate(organization_id, a.uscc, a.name,
                             signals=tuple(x.kind for x in a.signals),
                             exclusions=tuple(e.kind for e in a.exclusions),
                             reachable=reachable)


def preview_batch(ctx: ServiceContext, organization_ids: Sequence[str], start_on: date
                  ) -> tuple[pc.CasePreview, ...]:
    """What opening cases for these organizations on ``start_on`` will do (documents,
    dates, deadlines). Writes nothing."""
    ctx.permit("dormancy.read")
    cands = [_candidate(ctx, oid, start_on) for oid in organization_ids]
    return pc.preview_batch(cands, start_on, ctx.calendar, ctx.settings.legal)


@dataclass(frozen=True)
class BatchOutcome:
    organization_id: str
    name: str
    case_id: str | None = None
    documents: tuple[str, ...] = ()  # numbers
    error: str = ""  # why this one failed (plain, in the UI language)
    skipped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.case_id is not None and not self.error


def _message(exc: Exception, lang: str | None) -> str:
    if isinstance(exc, RefusedByRule):
        return exc.message(lang)
    msg = getattr(exc, "message", None)
    if callable(msg):
        try:
            return str(msg(lang))
        except TypeError:
            return str(msg())
    return str(exc)


def run_batch(ctx: ServiceContext, organization_ids: Sequence[str], start_on: date, *,
              officers: Sequence[str], lang: str | None = None) -> list[BatchOutcome]:
    """Open a case for each organization on ``start_on`` and produce its first-step
    documents: 立案审批表, then the evidence (the dormancy signals on file), the 事先告知书
    and, for an organization that cannot be reached, its service by announcement (送达
    公告). Each act is its own unit; a failure on one organization stops none of the
    others and is reported with its name."""
    previews = preview_batch(ctx, organization_ids, start_on)
    out = []
    for p in previews:
        c = p.candidate
        if not p.opens_case:
            out.append(BatchOutcome(c.organization_id, c.name, skipped=p.skipped))
            continue
        numbers: list[str] = []
        case_id = None
        try:
            case_id = open_case(ctx, c.organization_id, filed_on=start_on, officers=officers,
                                grounds=[x.value for x in c.signals])
            evidence = "；".join(t(f"dormancy.signal.{x.value}", _lang(ctx))
                                 for x in c.signals)
            take_step(ctx, case_id, K.EVIDENCE, on=start_on, data=StepData(note=evidence))
            take_step(ctx, case_id, K.ISSUE_NOTICE, on=start_on)
            if p.service_method is ServiceMethod.ANNOUNCEMENT:
                take_step(ctx, case_id, K.SERVE_NOTICE, on=start_on, data=StepData(
                    method=ServiceMethod.ANNOUNCEMENT, published_on=start_on,
                    other_methods_failed=True))
            view = case_view(ctx, case_id)
            numbers = [n for _, n, _ in view.documents]
            out.append(BatchOutcome(c.organization_id, c.name, case_id, tuple(numbers)))
        except Exception as exc:  # noqa: BLE001 - reported by name, the others go on
            out.append(BatchOutcome(c.organization_id, c.name, case_id, tuple(numbers),
                                    error=_message(exc, lang)))
    return out


def open_cases(ctx: ServiceContext, as_of: date | None = None) -> list[CaseView]:
    """Every open or decided case with its clocks (for the home queues)."""
    return [case_view(ctx, c.id, as_of) for c in cases_of(ctx, open_only=True)]



# --------------------------------------------------------------------------- home queues

QUEUE_ROLES: dict[str, tuple[Role, ...]] = {
    # every running clock of an open case (decision, hearing notice, decision service)
    "revocation_cases": (Role.ENFORCEMENT, Role.APPROVER, Role.REVIEWER),
    # the dormancy list (the summary's indexed range)
    "dormant_candidates": (Role.REVIEWER, Role.ENFORCEMENT),
}


_CLOCK_SUBJECT = {
    "penalty_decision": "queue.subject.case_decision",
    "penalty_decision_extended": "queue.subject.case_decision",
    "hearing_notice": "queue.subject.case_hearing_notice",
    "decision_service": "queue.subject.case_decision_service",
    "statement_defence": "queue.subject.case_window",
    "hearing_request": "queue.subject.case_window",
}


@dataclass(frozen=True)
class QueueRow:
    organization_id: str
    application_id: str | None  # always None (the queue item's shape)
    case_id: str | None
    name: str
    uscc: str
    subject: str  # i18n key
    deadline: Deadline | None


def queue_count(ctx: ServiceContext, queue: str, today: date | None = None) -> int:
    """The count the home screen shows: the dormant candidates by one indexed count of
    the summary; the open cases by their rows."""
    if queue == "dormant_candidates":
        return dormancy.count_candidates(ctx, today or ctx.today())
    return len(queue_rows(ctx, queue, limit=10_000, today=today))


def queue_rows(ctx: ServiceContext, queue: str, *, limit: int = 200,
               today: date | None = None) -> list[QueueRow]:
    """The rows of a revocation queue, most urgent first: each open case with the clock
    that runs out first (the office's deadlines, then the party's windows), or the
    dormant candidates (from the summary; no scan of the report table)."""
    day = today or ctx.today()
    if queue == "dormant_candidates":
        return [QueueRow(c.organization_id, None, None, c.name, c.uscc,
                         "queue.subject.dormant_candidates", None)
                for c in dormancy.candidates(ctx, day, include_excluded=False, limit=limit)]
    if queue != "revocation_cases":
        raise KeyError(queue)
    ctx.permit("penalty_case.read")
    # the facts and clocks of each open case only (not the whole case view: its steps,
    # documents and offered actions are not needed here), in one session, the
    # organization's name and code joined (issue 12: home queue counts)
    with ctx.db.read() as s:
        rows = [(case, name, uscc, facts_of(s, case)) for case, name, uscc in s.exec(
            select(PenaltyCase, Organization.name, Organization.uscc)
            .join(Organization, col(Organization.id) == col(PenaltyCase.organization_id))
            .where(col(PenaltyCase.status).in_((CaseStatus.OPEN.value,
                                                CaseStatus.DECIDED.value)))
            .order_by(col(PenaltyCase.filed_on)).limit(limit))]
    cal, params = ctx.calendar, ctx.settings.legal
    out = []
    for case, name, uscc, facts in rows:
        if pc.is_complete(facts):
            continue
        case_clocks = pc.case_clocks(facts, cal, params)
        running = sorted(case_clocks.running(day), key=lambda d: d.due)
        waiting = sorted(case_clocks.waiting(day), key=lambda d: d.due)
        clock = running[0] if running else waiting[0] if waiting else None
        subject = _CLOCK_SUBJECT.get(clock.rule.rsplit(".", 1)[-1] if clock else "",
                                     "queue.subject.revocation_cases")
        out.append(QueueRow(case.organization_id, None, case.id, name or "", uscc or "",
                            subject, clock))
    out.sort(key=lambda r: (r.deadline is None, r.deadline.due if r.deadline else date.max))
    return out


def enforcement_officers(ctx: ServiceContext) -> list[tuple[str, str]]:
    """(user id, display name) of the enabled users holding the enforcement role (the
    officers a case can be filed with)."""
    from mca_tui.storage.models import UserRole

    ctx.permit("penalty_case.read")
    with ctx.db.read() as s:
        rows = s.exec(select(UserAccount.id, UserAccount.display_name)
                      .join(UserRole, col(UserRole.user_id) == col(UserAccount.id))
                      .where(UserRole.role == Role.ENFORCEMENT.value,
                             UserAccount.disabled == False)  # noqa: E712 - SQL
                      .order_by(UserAccount.username)).all()
    return [(str(i), str(n)) for i, n in rows]


def latest_case_of(ctx: ServiceContext, organization_id: str) -> str | None:
    """The organization's open case, else its latest one (the record's action)."""
    cases = cases_of(ctx, organization_id=organization_id)
    open_ = [c for c in cases if c.status != CaseStatus.CLOSED.value]
    chosen = (open_ or cases)[-1:] if cases else []
    return chosen[0].id if chosen else None
