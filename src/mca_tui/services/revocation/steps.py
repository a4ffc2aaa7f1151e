"""Writing the revocation case: 立案 (:func:`open_case`) and every later step (:func:`take_step`), each one unit with one audit event (action ``penalty_case.<step>``, subject the case), refused with the article before anything is written."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain import clocks
from mca_tui.domain import penalty_case as pc
from mca_tui.domain.casework import LegalRefusal
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
from mca_tui.services.custody import RefusedByRule, apply_custody
from mca_tui.services.errors import NotFound
from mca_tui.services.revocation.view import (
    PROPOSED,
    CaseNotFound,
    CaseView,
    FutureDate,
    K,
    StepData,
    _actor_id,
    _d,
    _details,
    _history,
    _lang,
    _set_details,
    _state,
    _state_label,
    case_view,
    facts_of,
)
from mca_tui.services.workflow import check_transition
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


# --------------------------------------------------------------------------- writing
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
