"""Credit lists (信用名录, Order 60): removal from the lists — the application (clerk), its
verification or rejection (reviewer), the removal (approver), the removal after the period
(abnormal list) and on deregistration (serious ground 七), each with its removal notice.
See :mod:`mca_tui.services.supervision.credit_lists`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlmodel import Session, select

from mca_tui.domain.enums import (
    CreditListKind,
    SeriousListGround,
)
from mca_tui.domain.supervision import credit_list as cl
from mca_tui.domain.supervision.common import Reason
from mca_tui.domain.supervision.workflows import ListingState
from mca_tui.services import documents as docs
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.services.supervision import (
    history_of,
    rule_problems,
)
from mca_tui.services.supervision._credit_common import (
    REMOVAL_DOC,
    ListingResult,
    _Current,
    _current,
    _issue,
    _kind,
    _removal_reason,
    _state_label,
    _Stateful,
    _verified_on,
    _workflow,
    outstanding_reasons,
)
from mca_tui.services.supervision._rows import organization as _org
from mca_tui.services.workflow import apply_transition
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import (
    CreditListEntry,
    Organization,
)


def _not_listed() -> ValidationFailed:
    return ValidationFailed([FieldProblem("kind", "supervision.ui.error.not_listed")])


def _refused(field: str, blocking: Iterable[Reason], outstanding: list[str]) -> ValidationFailed:
    """The rules' reasons, and each thing left to rectify, on ``field``."""
    return ValidationFailed(rule_problems(field, blocking) + [
        FieldProblem(field, "supervision.ui.outstanding", {"what": w}) for w in outstanding])


def _listed(ctx: ServiceContext, s: Session, organization_id: str,
            k: CreditListKind) -> tuple[_Current, cl.Listing, list[str]]:
    """The current listing (refused when not listed) and what is left to rectify."""
    cur = _current(s, organization_id, k)
    if cur.listing is None:
        raise _not_listed()
    return cur, cur.listing, outstanding_reasons(ctx, s, organization_id, cur.entries)


def _step(ctx: ServiceContext, organization_id: str, kind: CreditListKind, action: str,
          after: dict[str, Any], note: str = "") -> None:
    """A removal step that writes no row: audited about the listing's anchor entry."""
    wf = _workflow(kind)
    with ctx.db.read() as s:
        cur = _current(s, organization_id, kind)
    if not cur.entries:
        raise _not_listed()
    with ctx.unit(action, subject=Subject("credit_list_entry", cur.anchor.id, organization_id),
                  note=note) as u:
        cur = _current(u.session, organization_id, kind)
        if not cur.entries:
            raise _not_listed()
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
        cur, listing, outstanding = _listed(ctx, s, organization_id, k)
    verdict = cl.abnormal_removal(listing, ctx.today(), ctx.calendar, ctx.settings.legal,
                                  outstanding=bool(outstanding), verified_on=verified_on)
    if not verdict.allowed:
        raise _refused("verified_on", verdict.blocking, outstanding)
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
            raise _not_listed()
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
        raise _refused("removed_on", verdict.blocking, outstanding)
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
        raise _not_listed()
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
        cur, listing, outstanding = _listed(ctx, s, organization_id, k)
    if removed_on > ctx.today():
        raise ValidationFailed([FieldProblem("removed_on", "supervision.ui.error.future",
                                             {"on": removed_on.isoformat()})])
    verdict = cl.abnormal_removal(listing, removed_on, ctx.calendar, ctx.settings.legal,
                                  outstanding=bool(outstanding))
    if not verdict.allowed:
        raise _refused("removed_on", verdict.blocking, outstanding)
    return _remove_unit(ctx, organization_id, k, "credit.abnormal.remove_after_period",
                        removed_on, _removal_reason("period", reason), "period", reason)


def remove_on_deregistration(ctx: ServiceContext, organization_id: str, *,
                             removed_on: date) -> ListingResult:
    """Serious list, ground (七): removed once deregistration is completed."""
    k = CreditListKind.SERIOUS
    with ctx.db.read() as s:
        cur = _current(s, organization_id, k)
        if cur.listing is None:
            raise _not_listed()
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
