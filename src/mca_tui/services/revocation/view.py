"""The revocation case as the rules and the screen read it: the step input (:class:`StepData`), the case's facts from its rows (:func:`facts_of`), :class:`CaseView` with its clocks and the steps offered today (:func:`case_view`), and the cases of the office."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain import penalty_case as pc
from mca_tui.domain.calendar import Deadline
from mca_tui.domain.casework import CustodyRecord, ServiceFacts
from mca_tui.domain.enums import (
    CaseStatus,
    CaseStepKind,
    ServiceMethod,
)
from mca_tui.domain.workflow import NEW
from mca_tui.i18n import label
from mca_tui.services.context import ServiceContext
from mca_tui.services.custody import records_of
from mca_tui.services.errors import NotFound, ServiceError
from mca_tui.services.workflow import actor_roles, history_from_steps, me
from mca_tui.storage.models import (
    CaseStep,
    DocumentService,
    IssuedDocument,
    Organization,
    PenaltyCase,
    UserAccount,
)

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
