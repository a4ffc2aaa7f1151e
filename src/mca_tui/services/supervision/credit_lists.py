"""Credit lists (信用名录, MCA Order 60; domain.md §5, §10.6): the 活动异常名录 and the
严重违法失信名单.

A listing is stored as one ``CreditListEntry`` per ground (``domain.supervision.credit_list``):
the open rows of one kind are the organization's current listing; a new ground while
listed adds a row and restarts the period; a removal closes every open row (移出日期 and
reason). The earliest open row is the listing's *anchor*: the removal steps (application,
verification, rejection) are audited about it, and the listing's workflow state
(``ABNORMAL_LISTING`` / ``SERIOUS_LISTING``) and four-eyes history are replayed from the
events indexed under it (the table has no status column; nothing else is needed).

Writes, each one unit with one audit event whose action is the transition's:

- :func:`list_organization` — list on one of the 7 / 8 grounds with its evidence and date
  (``credit.<kind>.list``), or add a ground to a current listing (``…add_ground``);
  the listing notice (.docx, kind ``credit_listing_notice``) is issued in the same unit;
- :func:`apply_removal` (clerk), :func:`verify_removal` / :func:`reject_removal`
  (reviewer), :func:`remove` (approver; the abnormal list within 5 working days of the
  verification, the serious list from the day after two years without a new ground);
- :func:`remove_after_period` — abnormal list, the configured period passed and nothing
  left to rectify; :func:`remove_on_deregistration` — serious ground (七);
- :func:`promote` — the day after two full years on the abnormal list: to the serious list
  on ground (一).

Every removal issues its notice (``credit_removal_notice``). Reads: :func:`current_listings`,
:func:`listing_info`, :func:`promotion_proposals`, :func:`publication_list` (公示, the rows
the clerk exports with F7).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.enums import (
    AbnormalListGround,
    AnnualReportStatus,
    CreditListKind,
    SeriousListGround,
    SupervisionKind,
)
from mca_tui.domain.supervision import annual_report as ar
from mca_tui.domain.supervision import credit_list as cl
from mca_tui.domain.supervision.common import Reason, SupervisionRuleError
from mca_tui.domain.supervision.workflows import ABNORMAL_LISTING, SERIOUS_LISTING, ListingState
from mca_tui.domain.workflow import Workflow
from mca_tui.i18n import t
from mca_tui.services import documents as docs
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, NotFound, ValidationFailed
from mca_tui.services.supervision import (
    events_of,
    history_of,
    org_facts,
    rule_problems,
    state_from_events,
)
from mca_tui.services.workflow import apply_transition, available_actions
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    AnnualReport,
    AuditEvent,
    CreditListEntry,
    IssuedDocument,
    Organization,
    SupervisionRecord,
)

__all__ = [
    "ListingInfo",
    "ListingResult",
    "PublicationRow",
    "apply_removal",
    "current_listings",
    "grounds",
    "list_organization",
    "listing_info",
    "promote",
    "promotion_proposals",
    "publication_list",
    "reject_removal",
    "remove",
    "remove_after_period",
    "remove_on_deregistration",
    "verify_removal",
]

LISTING_DOC = "credit_listing_notice"
RECORD_LANG = "zh"  # reasons written on the register are in its language, whatever the UI
REMOVAL_DOC = "credit_removal_notice"


def _workflow(kind: CreditListKind) -> Workflow:
    return ABNORMAL_LISTING if kind is CreditListKind.ABNORMAL else SERIOUS_LISTING


def _kind(kind: str | CreditListKind) -> CreditListKind:
    try:
        return CreditListKind(kind)
    except ValueError:
        raise ValidationFailed([FieldProblem("kind", "supervision.ui.error.kind",
                                             {"value": str(kind)})]) from None


def grounds(kind: str | CreditListKind) -> list[tuple[str, str, str]]:
    """(ground, label, article) of every ground of the list, in Order 60's order."""
    table = cl.ABNORMAL_GROUNDS if _kind(kind) is CreditListKind.ABNORMAL else cl.SERIOUS_GROUNDS
    return [(g.value, t(info.label_key), info.article) for g, info in table.items()]


def _label(kind: CreditListKind, ground: str) -> str:
    try:
        return t(cl.ground_info(kind, ground).label_key)
    except SupervisionRuleError:
        return ground


def _state_label(state: str) -> str:
    if state in {s.value for s in ListingState}:
        return t(f"enum.ListingState.{state}")
    return t("supervision.ui.not_listed") if state == "new" else state


@dataclass
class _Stateful:
    status: str


def _open_entries(s: Session, org_id: str, kind: CreditListKind) -> list[CreditListEntry]:
    return list(s.exec(select(CreditListEntry).where(
        CreditListEntry.organization_id == org_id, CreditListEntry.list_kind == kind.value,
        col(CreditListEntry.removed_on).is_(None))
        .order_by(col(CreditListEntry.listed_on), col(CreditListEntry.id))).all())


def _listing(kind: CreditListKind, entries: list[CreditListEntry]) -> cl.Listing | None:
    if not entries:
        return None
    return cl.Listing(kind, tuple(cl.ListingEvent(e.ground, e.listed_on) for e in entries))


@dataclass(frozen=True)
class _Current:
    entries: list[CreditListEntry]
    listing: cl.Listing | None
    events: list[AuditEvent]
    state: str

    @property
    def anchor(self) -> CreditListEntry:
        return self.entries[0]


def _current(s: Session, org_id: str, kind: CreditListKind) -> _Current:
    entries = _open_entries(s, org_id, kind)
    if not entries:
        return _Current([], None, [], "new")
    events = events_of(s, "credit_list_entry", entries[0].id)
    state = state_from_events(_workflow(kind), events, ListingState.LISTED.value)
    if state not in (ListingState.LISTED.value, ListingState.REMOVAL_APPLIED.value,
                     ListingState.REMOVAL_VERIFIED.value):
        state = ListingState.LISTED.value  # the rows are open: listed whatever came before
    return _Current(entries, _listing(kind, entries), events, state)


def _verified_on(events: list[AuditEvent]) -> date | None:
    """The verification date of the latest ``verify_removal`` still in force."""
    found: date | None = None
    for ev in events:
        if ev.action == "credit.abnormal.verify_removal":
            found = date.fromisoformat(json.loads(ev.after_json).get("verified_on"))
        elif ev.action in ("credit.abnormal.reject_removal", "credit.abnormal.add_ground",
                           "credit.abnormal.apply_removal"):
            found = None
    return found


def _org(s: Session, org_id: str) -> Organization:
    org = s.get(Organization, org_id)
    if org is None:
        raise NotFound(what=org_id)
    return org


# --------------------------------------------------------------------------- outstanding


def outstanding_reasons(ctx: ServiceContext, s: Session, org_id: str,
                        entries: list[CreditListEntry]) -> list[str]:
    """What is left to fulfil or rectify (plain text, UI language): an open rectification
    order, or — for a listing on ground (一) — the report of the year it was listed for
    still not received."""
    out: list[str] = []
    open_orders = s.exec(select(SupervisionRecord).where(
        SupervisionRecord.organization_id == org_id,
        SupervisionRecord.kind == SupervisionKind.RECTIFICATION.value,
        col(SupervisionRecord.completed_on).is_(None),
        col(SupervisionRecord.due_on).is_not(None),
        col(SupervisionRecord.outcome) != "cancelled")).all()  # rectification.cancel
    for order in open_orders:
        assert order.due_on is not None  # selected above
        out.append(t("supervision.ui.outstanding_rectification", on=order.due_on.isoformat()))
    org = _org(s, org_id)
    for e in entries:
        if e.ground != AbnormalListGround.REPORT_NOT_SUBMITTED.value:
            continue
        year = _report_year_of(e)
        report = s.exec(select(AnnualReport).where(AnnualReport.organization_id == org_id,
                                                   AnnualReport.report_year == year)).first()
        facts = None
        if report is not None and report.submitted_on is not None:
            facts = ar.ReportFacts(report.submitted_on, None)
        status = ar.report_status(org_facts(org), year, facts, ctx.today(), ctx.calendar,
                                  ctx.settings.legal)
        if status in (AnnualReportStatus.OVERDUE, AnnualReportStatus.DUE):
            out.append(t("supervision.ui.outstanding_report", year=year))
    return out


def _report_year_of(entry: CreditListEntry) -> int:
    """The report year a ground (一) listing is about: written at the start of its reason
    as ``[N]``; otherwise the last year whose deadline had passed on the listing day."""
    text = entry.listing_reason or ""
    if text.startswith("[") and "]" in text:
        try:
            return int(text[1:text.index("]")])
        except ValueError:
            pass
    year = entry.listed_on.year - 1
    return year if entry.listed_on > date(year + 1, 5, 31) else year - 1


# --------------------------------------------------------------------------- documents


def _issue(u: Unit, ctx: ServiceContext, doc_kind: str, org: Organization,
           kind: CreditListKind, *, on: date, grounds_: list[str], reason: str,
           article: str, extra: dict[str, Any] | None = None) -> docs.IssuedDocumentInfo:
    data = {
        "org_name": org.name, "uscc": org.uscc or "", "org_type": org.org_type,
        "list_kind": kind.value, "ground_codes": grounds_, "reason": reason,
        "legal_basis": article, "action_on": on, **(extra or {}),
    }
    return docs.issue(u, ctx, doc_kind, issued_on=on, data=data, organization_id=org.id)


# --------------------------------------------------------------------------- listing


@dataclass(frozen=True)
class ListingResult:
    entry_id: str | None
    document_id: str | None
    document_number: str | None


def list_organization(ctx: ServiceContext, organization_id: str, kind: str, ground: str, *,
                      on: date, evidence: str, report_year: int | None = None) -> ListingResult:
    """List ``organization_id`` on ``kind`` for ``ground`` on ``on`` with its evidence
    (证据/事实). A current listing on the same list gets the ground added and its period
    restarts. The notice is issued in the same unit."""
    k = _kind(kind)
    problems: list[FieldProblem] = []
    if not evidence.strip():
        problems.append(FieldProblem("evidence", "supervision.ui.error.evidence"))
    with ctx.db.read() as s:
        org = _org(s, organization_id)
        cur = _current(s, organization_id, k)
    problems += rule_problems("ground", cl.check_listing(
        org_facts(org), k, ground, on, ctx.today(), current=cur.listing))
    if problems:
        raise ValidationFailed(problems)
    adding = cur.listing is not None
    action = f"credit.{k.value}.add_ground" if adding else f"credit.{k.value}.list"
    entry_id = new_id()
    with ctx.unit(action, subject=Subject("credit_list_entry", entry_id, organization_id)) as u:
        return list_in_unit(u, ctx, organization_id, k, ground, on=on, evidence=evidence,
                            report_year=report_year, entry_id=entry_id, adding=adding)


def list_in_unit(u: Unit, ctx: ServiceContext, organization_id: str, kind: str | CreditListKind,
                 ground: str, *, on: date, evidence: str, report_year: int | None = None,
                 entry_id: str | None = None, adding: bool | None = None,
                 case_id: str | None = None) -> ListingResult:
    """The listing written inside another service's unit (a revocation case's 列入严重违法
    失信名单 step, Order 60): the same transition check, rule check, listing notice and
    entry (so the publication list shows it) as :func:`list_organization`. ``adding``
    (None: whatever the current listing says) guards against a listing that changed
    since the caller read it."""
    k = _kind(kind)
    wf = _workflow(k)
    s = u.session
    entry_id = entry_id or new_id()
    cur = _current(s, organization_id, k)
    if adding is not None and (cur.listing is not None) != adding:
        from mca_tui.services.workflow import WrongState

        raise WrongState(status=_state_label(cur.state), expected="-")
    adding = cur.listing is not None
    action = f"credit.{k.value}.add_ground" if adding else f"credit.{k.value}.list"
    org = _org(s, organization_id)
    problems = rule_problems("ground", cl.check_listing(
        org_facts(org), k, ground, on, ctx.today(), current=cur.listing))
    if problems:
        raise ValidationFailed(problems)
    if adding:
        u.about("credit_list_entry", cur.anchor.id)
        apply_transition(ctx, wf, action, _Stateful(cur.state),
                         history=history_of(wf, cur.events), state_label=_state_label)
    else:
        # the proposal shown to the clerk is the 拟列入 step (nothing written); with
        # the written notice before listing (legal.notice_before_listing) the notice
        # issued here is that notice
        start = (ListingState.NOTIFIED.value if ctx.settings.legal.notice_before_listing
                 else ListingState.PROPOSED.value)
        apply_transition(ctx, wf, action, _Stateful(start), state_label=_state_label)
    info = cl.ground_info(k, ground)
    reason = evidence.strip()
    if report_year is not None:
        reason = f"[{report_year}] {reason}"
    extra: dict[str, Any] = {"restarted": adding}
    data = {"org_name": org.name, "uscc": org.uscc or "", "org_type": org.org_type,
            "list_kind": k.value, "ground_codes": [str(ground)], "reason": evidence.strip(),
            "legal_basis": info.article, "action_on": on, **extra}
    doc = docs.issue(u, ctx, LISTING_DOC, issued_on=on, data=data, organization_id=org.id,
                     **({"case_id": case_id} if case_id else {}))
    entry = CreditListEntry(id=entry_id, office_id=ctx.actor.office_id,
                            organization_id=organization_id, list_kind=k.value,
                            ground=str(ground), listed_on=on, listing_reason=reason,
                            notice_document_id=doc.id)
    s.add(entry)
    u.about("credit_list_entry", entry_id)
    from mca_tui.services import dormancy

    dormancy.refresh(u, ctx, organization_id)  # an abnormal listing is a dormancy input
    u.record("credit_list_entry", entry_id, None,
             {"list_kind": k.value, "ground": str(ground), "listed_on": on,
              "listing_reason": reason, "notice": doc.number, "article": info.article})
    return ListingResult(entry_id, doc.id, doc.number)


def _step(ctx: ServiceContext, organization_id: str, kind: CreditListKind, action: str,
          after: dict[str, Any], note: str = "") -> None:
    """A removal step that writes no row: audited about the listing's anchor entry."""
    wf = _workflow(kind)
    with ctx.db.read() as s:
        cur = _current(s, organization_id, kind)
    if not cur.entries:
        raise ValidationFailed([FieldProblem("kind", "supervision.ui.error.not_listed")])
    with ctx.unit(action, subject=Subject("credit_list_entry", cur.anchor.id, organization_id),
                  note=note) as u:
        cur = _current(u.session, organization_id, kind)
        if not cur.entries:
            raise ValidationFailed([FieldProblem("kind", "supervision.ui.error.not_listed")])
        apply_transition(ctx, wf, action, _Stateful(cur.state),
                         history=history_of(wf, cur.events), state_label=_state_label)
        for e in cur.entries[1:]:
            u.about("credit_list_entry", e.id)
        u.record("credit_list_entry", cur.anchor.id, None, after)


def apply_removal(ctx: ServiceContext, organization_id: str, kind: str, *, applied_on: date,
                  note: str = "") -> None:
    """The organization applies to be removed (移出申请), recorded by the clerk."""
    if applied_on > ctx.today():
        raise ValidationFailed([FieldProblem("applied_on", "supervision.ui.error.future",
                                             {"on": applied_on.isoformat()})])
    k = _kind(kind)
    _step(ctx, organization_id, k, f"credit.{k.value}.apply_removal",
          {"applied_on": applied_on}, note)


def verify_removal(ctx: ServiceContext, organization_id: str, *, verified_on: date,
                   note: str = "") -> date:
    """The reviewer verified the facts of the application (abnormal list): refused while
    something is left to rectify. Returns the last day for the removal (5 working days)."""
    k = CreditListKind.ABNORMAL
    with ctx.db.read() as s:
        cur = _current(s, organization_id, k)
        if cur.listing is None:
            raise ValidationFailed([FieldProblem("kind", "supervision.ui.error.not_listed")])
        outstanding = outstanding_reasons(ctx, s, organization_id, cur.entries)
    verdict = cl.abnormal_removal(cur.listing, ctx.today(), ctx.calendar, ctx.settings.legal,
                                  outstanding=bool(outstanding), verified_on=verified_on)
    if not verdict.allowed:
        raise ValidationFailed(rule_problems("verified_on", verdict.blocking) + [
            FieldProblem("verified_on", "supervision.ui.outstanding", {"what": w})
            for w in outstanding])
    assert verdict.remove_by is not None
    _step(ctx, organization_id, k, "credit.abnormal.verify_removal",
          {"verified_on": verified_on, "remove_by": verdict.remove_by.due}, note)
    return verdict.remove_by.due


def reject_removal(ctx: ServiceContext, organization_id: str, kind: str, *, reason: str) -> None:
    if not reason.strip():
        raise ValidationFailed([FieldProblem("reason", "supervision.ui.error.reason")])
    k = _kind(kind)
    _step(ctx, organization_id, k, f"credit.{k.value}.reject_removal",
          {"rejected": reason.strip()}, reason.strip())


def _close(u: Unit, ctx: ServiceContext, org: Organization, kind: CreditListKind,
           cur: _Current, *, on: date, reason: str, way: str,
           text: str = "") -> docs.IssuedDocumentInfo:
    article = (cl.SERIOUS_GROUNDS[SeriousListGround.ABNORMAL_TWO_YEARS].article
               if way == "promoted" else cl.ground_info(kind, cur.anchor.ground).article)
    doc = _issue(u, ctx, REMOVAL_DOC, org, kind, on=on,
                 grounds_=list(dict.fromkeys(e.ground for e in cur.entries)),
                 reason=text.strip(), article=article,
                 extra={"listed_on": cur.listing.listed_on if cur.listing else on, "way": way})
    for e in cur.entries:
        e.removed_on = on
        e.removal_reason = reason
        u.session.add(e)
        u.about("credit_list_entry", e.id)
    return doc


def _removal_reason(way: str, text: str) -> str:
    head = t(f"supervision.ui.removal_way.{way}", RECORD_LANG)
    return f"{head}：{text.strip()}" if text.strip() else head


def remove(ctx: ServiceContext, organization_id: str, kind: str, *, removed_on: date,
           reason: str = "") -> ListingResult:
    """Remove on application (the approver): the abnormal list after the verification
    (within 5 working days of it), the serious list from the day after two years without
    a new ground (and, for ground (一), nothing left to rectify)."""
    k = _kind(kind)
    if removed_on > ctx.today():
        raise ValidationFailed([FieldProblem("removed_on", "supervision.ui.error.future",
                                             {"on": removed_on.isoformat()})])
    action = f"credit.{k.value}.remove"
    with ctx.db.read() as s:
        cur = _current(s, organization_id, k)
        if cur.listing is None:
            raise ValidationFailed([FieldProblem("kind", "supervision.ui.error.not_listed")])
        outstanding = outstanding_reasons(ctx, s, organization_id, cur.entries)
        org = _org(s, organization_id)
        new_grounds = [e.listed_on for e in s.exec(select(CreditListEntry).where(
            CreditListEntry.organization_id == organization_id,
            CreditListEntry.list_kind != k.value,
            CreditListEntry.listed_on >= cur.listing.period_start)).all()]
    if k is CreditListKind.ABNORMAL:
        verdict = cl.abnormal_removal(cur.listing, removed_on, ctx.calendar, ctx.settings.legal,
                                      outstanding=bool(outstanding),
                                      verified_on=_verified_on(cur.events))
        way = "verified"
    else:
        verdict = cl.serious_removal(cur.listing, removed_on, ctx.calendar, ctx.settings.legal,
                                     new_grounds_on=new_grounds,
                                     deregistered_on=org.deregistered_on,
                                     obligations_fulfilled=not outstanding)
        way = "two_years"
    if not verdict.allowed or (k is CreditListKind.ABNORMAL and verdict.way != "verified"
                               and cur.state == ListingState.REMOVAL_VERIFIED.value):
        raise ValidationFailed(rule_problems("removed_on", verdict.blocking) + [
            FieldProblem("removed_on", "supervision.ui.outstanding", {"what": w})
            for w in outstanding])
    return _remove_unit(ctx, organization_id, k, action, removed_on,
                        _removal_reason(way, reason), way, reason)


def _remove_unit(ctx: ServiceContext, organization_id: str, k: CreditListKind, action: str,
                 removed_on: date, reason: str, way: str, text: str = "") -> ListingResult:
    with ctx.db.read() as s:
        anchor = _current(s, organization_id, k).anchor
    with ctx.unit(action, subject=Subject("credit_list_entry", anchor.id, organization_id)) as u:
        cur, doc = _remove_in(u, ctx, organization_id, k, action, removed_on, reason, way, text)
        u.record("credit_list_entry", cur.anchor.id, None,
                 {"removed_on": removed_on, "removal_reason": reason, "notice": doc.number})
    return ListingResult(cur.anchor.id, doc.id, doc.number)


def _remove_in(u: Unit, ctx: ServiceContext, organization_id: str, k: CreditListKind,
               action: str, removed_on: date, reason: str, way: str,
               text: str = "") -> tuple[_Current, docs.IssuedDocumentInfo]:
    wf = _workflow(k)
    s = u.session
    cur = _current(s, organization_id, k)
    if not cur.entries:
        raise ValidationFailed([FieldProblem("kind", "supervision.ui.error.not_listed")])
    apply_transition(ctx, wf, action, _Stateful(cur.state),
                     history=history_of(wf, cur.events), state_label=_state_label)
    org = _org(s, organization_id)
    doc = _close(u, ctx, org, k, cur, on=removed_on, reason=reason, way=way, text=text)
    from mca_tui.services import dormancy

    dormancy.refresh(u, ctx, organization_id)  # an abnormal listing is a dormancy input
    return cur, doc


def remove_on_deregistration_in_unit(u: Unit, ctx: ServiceContext, organization_id: str, *,
                                     removed_on: date) -> ListingResult | None:
    """Inside the deregistration approval's unit: a serious listing on ground (七)
    (registration revoked) is removed once deregistration is completed (Order 60), with
    its removal notice. None when the organization is not on the serious list for that
    ground (its other listings stay)."""
    k = CreditListKind.SERIOUS
    cur = _current(u.session, organization_id, k)
    if cur.listing is None:
        return None
    verdict = cl.serious_removal(cur.listing, removed_on, ctx.calendar, ctx.settings.legal,
                                 deregistered_on=removed_on)
    if not verdict.allowed or verdict.way != "deregistered":
        return None
    cur, doc = _remove_in(u, ctx, organization_id, k, "credit.serious.remove_on_deregistration",
                          removed_on, _removal_reason("deregistered", ""), "deregistered")
    u.about("credit_list_entry", cur.anchor.id)
    return ListingResult(cur.anchor.id, doc.id, doc.number)


def remove_after_period(ctx: ServiceContext, organization_id: str, *, removed_on: date,
                        reason: str = "") -> ListingResult:
    """Abnormal list: the configured period from the period start has passed and nothing
    is left to rectify (domain.md §5.2)."""
    k = CreditListKind.ABNORMAL
    with ctx.db.read() as s:
        cur = _current(s, organization_id, k)
        if cur.listing is None:
            raise ValidationFailed([FieldProblem("kind", "supervision.ui.error.not_listed")])
        outstanding = outstanding_reasons(ctx, s, organization_id, cur.entries)
    if removed_on > ctx.today():
        raise ValidationFailed([FieldProblem("removed_on", "supervision.ui.error.future",
                                             {"on": removed_on.isoformat()})])
    verdict = cl.abnormal_removal(cur.listing, removed_on, ctx.calendar, ctx.settings.legal,
                                  outstanding=bool(outstanding))
    if not verdict.allowed:
        raise ValidationFailed(rule_problems("removed_on", verdict.blocking) + [
            FieldProblem("removed_on", "supervision.ui.outstanding", {"what": w})
            for w in outstanding])
    return _remove_unit(ctx, organization_id, k, "credit.abnormal.remove_after_period",
                        removed_on, _removal_reason("period", reason), "period", reason)


def remove_on_deregistration(ctx: ServiceContext, organization_id: str, *,
                             removed_on: date) -> ListingResult:
    """Serious list, ground (七): removed once deregistration is completed."""
    k = CreditListKind.SERIOUS
    with ctx.db.read() as s:
        cur = _current(s, organization_id, k)
        if cur.listing is None:
            raise ValidationFailed([FieldProblem("kind", "supervision.ui.error.not_listed")])
        org = _org(s, organization_id)
    verdict = cl.serious_removal(cur.listing, removed_on, ctx.calendar, ctx.settings.legal,
                                 deregistered_on=org.deregistered_on)
    if not verdict.allowed or verdict.way != "deregistered":
        blocking = verdict.blocking or (Reason(
            "removal_needs_deregistration",
            cl.SERIOUS_GROUNDS[SeriousListGround.REGISTRATION_REVOKED].article),)
        raise ValidationFailed(rule_problems("removed_on", blocking))
    return _remove_unit(ctx, organization_id, k, "credit.serious.remove_on_deregistration",
                        removed_on, _removal_reason("deregistered", ""), "deregistered")


# --------------------------------------------------------------------------- promotion


def promotion_proposals(ctx: ServiceContext, today: date | None = None) -> list[cl.PromotionProposal]:
    """Abnormal listings on the day after two full years or later (nothing written)."""
    ctx.permit("credit.propose_read")
    today = today or ctx.today()
    with ctx.db.read() as s:
        rows = s.exec(select(CreditListEntry).where(
            CreditListEntry.list_kind == CreditListKind.ABNORMAL.value,
            col(CreditListEntry.removed_on).is_(None))
            .order_by(CreditListEntry.organization_id, col(CreditListEntry.listed_on))).all()
    by_org: dict[str, list[CreditListEntry]] = {}
    for r in rows:
        by_org.setdefault(r.organization_id, []).append(r)
    listings = {o: _listing(CreditListKind.ABNORMAL, es) for o, es in by_org.items()}
    return cl.promotion_proposals({o: li for o, li in listings.items() if li},
                                  today, ctx.calendar, ctx.settings.legal)


def promote(ctx: ServiceContext, organization_id: str, *, on: date) -> ListingResult:
    """To the serious list on ground (一): the abnormal listing is closed (移出: promoted)
    and the serious listing opened with its notice, in one unit."""
    if on > ctx.today():
        raise ValidationFailed([FieldProblem("on", "supervision.ui.error.future",
                                             {"on": on.isoformat()})])
    due = {p.organization_id: p for p in promotion_proposals(ctx, on)}
    proposal = due.get(organization_id)
    if proposal is None:
        with ctx.db.read() as s:
            cur = _current(s, organization_id, CreditListKind.ABNORMAL)
        if cur.listing is None:
            raise ValidationFailed([FieldProblem("on", "supervision.ui.error.not_listed")])
        promo = cl.promotion_date(cur.listing, ctx.calendar, ctx.settings.legal)
        raise ValidationFailed([FieldProblem("on", "supervision.reason.removal_period_running",
                                             {"on": promo.due.isoformat()})])
    with ctx.db.read() as s:
        anchor = _current(s, organization_id, CreditListKind.ABNORMAL).anchor
        org = _org(s, organization_id)
    problems = cl.check_listing(org_facts(org), CreditListKind.SERIOUS,
                                SeriousListGround.ABNORMAL_TWO_YEARS.value, on, ctx.today())
    if problems:
        raise ValidationFailed(rule_problems("on", problems))
    info = cl.SERIOUS_GROUNDS[SeriousListGround.ABNORMAL_TWO_YEARS]
    entry_id = new_id()
    with ctx.unit("credit.abnormal.promote",
                  subject=Subject("credit_list_entry", anchor.id, organization_id)) as u:
        s = u.session
        cur = _current(s, organization_id, CreditListKind.ABNORMAL)
        apply_transition(ctx, ABNORMAL_LISTING, "credit.abnormal.promote", _Stateful(cur.state),
                         history=history_of(ABNORMAL_LISTING, cur.events),
                         state_label=_state_label)
        org = _org(s, organization_id)
        if _open_entries(s, organization_id, CreditListKind.SERIOUS):
            raise ValidationFailed([FieldProblem("on", "supervision.ui.error.already_serious")])
        reason = t("supervision.ui.promoted_reason", RECORD_LANG, since=proposal.params["since"])
        for e in cur.entries:
            e.removed_on = on
            e.removal_reason = _removal_reason("promoted", "")
            s.add(e)
        doc = _issue(u, ctx, LISTING_DOC, org, CreditListKind.SERIOUS, on=on,
                     grounds_=[info.ground.value], reason="", article=proposal.article,
                     extra={"restarted": False, "promoted_since": proposal.params["since"]})
        entry = CreditListEntry(id=entry_id, office_id=ctx.actor.office_id,
                                organization_id=organization_id,
                                list_kind=CreditListKind.SERIOUS.value,
                                ground=SeriousListGround.ABNORMAL_TWO_YEARS.value,
                                listed_on=on, listing_reason=reason, notice_document_id=doc.id)
        s.add(entry)
        u.about("credit_list_entry", entry_id)
        from mca_tui.services import dormancy

        dormancy.refresh(u, ctx, organization_id)  # the abnormal listing ended
        u.record("credit_list_entry", anchor.id, None,
                 {"promoted_on": on, "serious_entry": entry_id, "notice": doc.number})
    return ListingResult(entry_id, doc.id, doc.number)


# --------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class ListingInfo:
    organization_id: str
    name: str
    uscc: str | None
    kind: str
    state: str  # new (not listed) | listed | removal_applied | removal_verified
    grounds: tuple[str, ...]  # labels, oldest first
    listed_on: date | None
    period_start: date | None
    promotion_on: date | None  # abnormal list: the day it goes to the serious list
    earliest_removal: date | None
    remove_by: date | None  # after verification
    outstanding: tuple[str, ...]
    actions: tuple[str, ...]  # what this user may do now (transition table)


def listing_info(ctx: ServiceContext, organization_id: str, kind: str,
                 today: date | None = None) -> ListingInfo:
    ctx.permit("supervision.read")
    k = _kind(kind)
    wf = _workflow(k)
    today = today or ctx.today()
    cal, params = ctx.calendar, ctx.settings.legal
    with ctx.db.read() as s:
        org = _org(s, organization_id)
        cur = _current(s, organization_id, k)
        outstanding = tuple(outstanding_reasons(ctx, s, organization_id, cur.entries)) \
            if cur.entries else ()
    promotion = earliest = remove_by = None
    if cur.listing is not None:
        if k is CreditListKind.ABNORMAL:
            promotion = cl.promotion_date(cur.listing, cal, params).due
            verdict = cl.abnormal_removal(cur.listing, today, cal, params,
                                          outstanding=bool(outstanding),
                                          verified_on=_verified_on(cur.events))
            earliest = verdict.earliest
            remove_by = verdict.remove_by.due if verdict.remove_by else None
        else:
            verdict = cl.serious_removal(cur.listing, today, cal, params,
                                         deregistered_on=org.deregistered_on,
                                         obligations_fulfilled=not outstanding)
            earliest = verdict.earliest
    actions = available_actions(ctx, wf, cur.state, history_of(wf, cur.events)) \
        if cur.entries else tuple(a for a in (f"credit.{k.value}.list",)
                                  if available_actions(ctx, wf, ListingState.NOTIFIED.value))
    return ListingInfo(
        org.id, org.name, org.uscc, k.value, cur.state,
        tuple(_label(k, e.ground) for e in cur.entries),
        cur.listing.listed_on if cur.listing else None,
        cur.listing.period_start if cur.listing else None,
        promotion, earliest, remove_by, outstanding, actions)


@dataclass(frozen=True)
class ListedRow:
    organization_id: str
    name: str
    uscc: str | None
    kind: str
    grounds: str
    listed_on: date
    period_start: date
    promotion_on: date | None


def current_listings(ctx: ServiceContext, kind: str) -> list[ListedRow]:
    """Every organization currently on ``kind``, oldest listing first."""
    ctx.permit("supervision.read")
    k = _kind(kind)
    with ctx.db.read() as s:
        rows = s.exec(select(CreditListEntry, Organization)
                      .join(Organization, col(Organization.id) == col(CreditListEntry.organization_id))
                      .where(CreditListEntry.list_kind == k.value,
                             col(CreditListEntry.removed_on).is_(None))
                      .order_by(col(CreditListEntry.listed_on), col(CreditListEntry.id))).all()
    by_org: dict[str, tuple[Organization, list[CreditListEntry]]] = {}
    for entry, org in rows:
        by_org.setdefault(org.id, (org, []))[1].append(entry)
    out = []
    for org, entries in by_org.values():
        listing = _listing(k, entries)
        assert listing is not None
        promo = (cl.promotion_date(listing, ctx.calendar, ctx.settings.legal).due
                 if k is CreditListKind.ABNORMAL else None)
        out.append(ListedRow(org.id, org.name, org.uscc, k.value,
                             "、".join(_label(k, g) for g in dict.fromkeys(listing.grounds)),
                             listing.listed_on, listing.period_start, promo))
    return out


@dataclass(frozen=True)
class PublicationRow:
    """One line of the publication list (公示): a listing or a removal."""

    on: date
    event: str  # listed | removed
    kind: str
    name: str
    uscc: str | None
    ground: str
    reason: str
    document_number: str

    def cells(self) -> list[object]:
        return [self.on, t(f"supervision.ui.pub_event.{self.event}"),
                t(f"enum.CreditListKind.{self.kind}"), self.name, self.uscc or "",
                self.ground, self.reason, self.document_number]


PUBLICATION_HEADERS = ("on", "event", "kind", "name", "uscc", "ground", "reason", "number")


def publication_headers() -> list[str]:
    return [t(f"supervision.ui.pub.{h}") for h in PUBLICATION_HEADERS]


def publication_list(ctx: ServiceContext, *, since: date | None = None,
                     until: date | None = None, kind: str | None = None) -> list[PublicationRow]:
    """Every listing and removal between ``since`` and ``until`` (公示), newest first."""
    ctx.permit("supervision.read")
    q = (select(CreditListEntry, Organization)
         .join(Organization, col(Organization.id) == col(CreditListEntry.organization_id)))
    if kind:
        q = q.where(CreditListEntry.list_kind == _kind(kind).value)
    out: list[PublicationRow] = []
    with ctx.db.read() as s:
        rows = s.exec(q).all()
        numbers = {d.id: d.number for d in s.exec(select(IssuedDocument).where(
            col(IssuedDocument.kind).in_((LISTING_DOC, REMOVAL_DOC))))}
        removal_docs: dict[tuple[str, date], str] = {}
        for d in s.exec(select(IssuedDocument).where(IssuedDocument.kind == REMOVAL_DOC)):
            if d.organization_id:
                removal_docs[(d.organization_id, d.issued_on)] = d.number
    for entry, org in rows:
        k = CreditListKind(entry.list_kind)
        label = _label(k, entry.ground)
        reason = entry.listing_reason
        if reason.startswith("[") and "]" in reason:
            reason = reason[reason.index("]") + 1:].strip()
        out.append(PublicationRow(entry.listed_on, "listed", k.value, org.name, org.uscc,
                                  label, reason, numbers.get(entry.notice_document_id or "", "")))
        if entry.removed_on is not None:
            out.append(PublicationRow(entry.removed_on, "removed", k.value, org.name, org.uscc,
                                      label, entry.removal_reason,
                                      removal_docs.get((org.id, entry.removed_on), "")))
    out = [r for r in out if (since is None or r.on >= since) and (until is None or r.on <= until)]
    # one removal line per listing closed on the same day (several grounds, one notice)
    seen: set[object] = set()
    unique = []
    for r in sorted(out, key=lambda r: (r.on, r.name, r.event), reverse=True):
        key = (r.on, r.event, r.kind, r.name, r.document_number) if r.event == "removed" else id(r)
        if key in seen:
            continue
        seen.add(key)
        unique.append(r)
    return unique
