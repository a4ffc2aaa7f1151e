"""Rectification orders (整改, domain.md §9): ordered by an annual-report conclusion
(基本合格 / 不合格), a spot check, an interview, a financial audit or another check.

Storage: a ``SupervisionRecord`` of kind ``rectification``: ``record_date`` = the order day,
``due_on`` the deadline set by the authority, ``completed_on`` the day the last item was
completed, ``verified_on`` the verification; ``trigger`` the source
(``RectificationSource``); ``details_json``: ``status`` (``RectificationState``),
``items`` ``[{"text", "completed_on"}]``, ``verification_passed``, ``source_ref`` (the
record that ordered it), ``document_id`` of the notice (责令整改通知书), ``steps``.

``open_order`` writes an order inside the caller's unit (H9's report conclusion, an
interview, a spot-check result or an audit call it); ``order`` is the stand-alone action.
``overdue_proposals`` is the dry run (nothing written) of the abnormal-list proposal on
ground (三) (Order 60: 未按期完成整改); the confirming step lists them through the
credit-list service (``list_overdue``).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from mca_tui.domain.enums import RectificationSource, SupervisionKind
from mca_tui.domain.supervision import rectification as rules
from mca_tui.domain.supervision.common import Reason, SupervisionRuleError
from mca_tui.domain.supervision.workflows import RECTIFICATION, RectificationState
from mca_tui.services import documents
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.services.supervision import _rows
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import Organization, SupervisionRecord

KIND = SupervisionKind.RECTIFICATION.value
RS = RectificationState

__all__ = [
    "OrderView",
    "cancel",
    "extend",
    "list_overdue",
    "load_order",
    "open_order",
    "order",
    "overdue_proposals",
    "record_item",
    "report_completed",
    "verify",
]


def to_rule(row: SupervisionRecord) -> rules.RectificationOrder:
    """The domain order of a stored row (imported rows without items count as one)."""
    data = _rows.details(row)
    items = tuple(
        rules.RectificationItem(str(i.get("text", "")),
                                date.fromisoformat(i["completed_on"]) if i.get("completed_on")
                                else None)
        for i in data.get("items", []) if isinstance(i, dict))
    if not items:  # an imported order: one item, its completion the row's
        items = (rules.RectificationItem(row.description or "-", row.completed_on),)
    try:
        source = RectificationSource(row.trigger)
    except ValueError:
        source = RectificationSource.OTHER
    passed = data.get("verification_passed")
    if passed is None and row.verified_on is not None:
        passed = True
    return rules.RectificationOrder(source, row.record_date, row.due_on or row.record_date,
                                    items, row.verified_on, passed)


@dataclass(frozen=True)
class OrderView:
    id: str
    organization_id: str
    organization_name: str
    source: str
    ordered_on: date
    due_on: date | None
    items: tuple[tuple[str, date | None], ...]
    status: str
    state: str  # rules.order_state: open / overdue / completed / verified / failed; cancelled
    document_id: str | None
    cancel_reason: str = ""


CANCELLED_OUTCOME = RS.CANCELLED.value
"""``SupervisionRecord.outcome`` of a cancelled order: the readers of open orders (the
home queue, what is left to rectify before a removal from the abnormal list) leave it out
in SQL (the state itself lives in ``details_json``)."""


def _view(row: SupervisionRecord, org_name: str, today: date) -> OrderView:
    order_ = to_rule(row)
    data = _rows.details(row)
    status = str(data.get("status") or "")
    state = (RS.CANCELLED.value if status == RS.CANCELLED.value
             else rules.order_state(order_, today))
    return OrderView(row.id, row.organization_id, org_name, row.trigger, row.record_date,
                     row.due_on, tuple((i.text, i.completed_on) for i in order_.items),
                     status, state, data.get("document_id"), str(data.get("cancel_reason") or ""))


def load_order(ctx: ServiceContext, record_id: str) -> OrderView:
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        row = _rows.load(s, record_id, KIND)
        org = _rows.organization(s, row.organization_id)
        return _view(row, org.name, ctx.today())


def orders_of(ctx: ServiceContext, org_id: str) -> list[OrderView]:
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        org = _rows.organization(s, org_id)
        rows = s.exec(select(SupervisionRecord).where(
            SupervisionRecord.organization_id == org_id, SupervisionRecord.kind == KIND)
            .order_by(col(SupervisionRecord.record_date).desc())).all()
        return [_view(r, org.name, ctx.today()) for r in rows]


_SOURCE_SENTENCE = {
    RectificationSource.REPORT_CONCLUSION: "经年度检查，",
    RectificationSource.SPOT_CHECK: "经抽查，",
    RectificationSource.INTERVIEW: "经约谈，",
    RectificationSource.FINANCIAL_AUDIT: "经财务审计，",
    RectificationSource.OTHER: "经监督检查，",
}


def open_order(unit: Unit, ctx: ServiceContext, org: Organization, *,
               source: RectificationSource, items: list[str], due_on: date,
               ordered_on: date, source_ref: str | None = None,
               notice: bool = True) -> SupervisionRecord:
    """Write a rectification order inside the caller's unit: its row (status
    ``ordered``), its step, and its notice (责令整改通知书) when ``notice``. Refuses an
    order without items, dated in the future, or with a deadline not after the order day
    (``domain.supervision.rectification.check_order``)."""
    source = RectificationSource(source)
    texts = [i.strip() for i in items if i and i.strip()]
    draft = rules.RectificationOrder(source, ordered_on, due_on,
                                     tuple(rules.RectificationItem(t) for t in texts))
    problems = rules.check_order(draft, ctx.today())
    if problems:
        raise _rows.rule_failed("items", problems)
    s = unit.session
    row = SupervisionRecord(
        id=new_id(), office_id=ctx.actor.office_id, organization_id=org.id, kind=KIND,
        record_date=ordered_on, due_on=due_on, trigger=source.value,
        description="；".join(texts))
    _rows.set_details(row, {"status": RS.ORDERED.value, "source_ref": source_ref,
                            "items": [{"text": t, "completed_on": None} for t in texts]})
    _rows.add_step(ctx, row, "ordered", ordered_on)
    if notice:
        doc = documents.issue(unit, ctx, "rectification_notice", issued_on=ordered_on, data={
            "org_name": org.name, "org_type": org.org_type, "uscc": org.uscc or "",
            "items": texts, "due_on": due_on, "source": source.value,
            "source_sentence": _SOURCE_SENTENCE[source]})
        data = _rows.details(row)
        data["document_id"] = doc.id
        _rows.set_details(row, data)
    s.add(row)
    s.flush()
    unit.record("supervision_record", row.id, None,
                {"kind": KIND, "source": source.value, "due_on": due_on.isoformat(),
                 "items": texts}, organization_id=org.id)
    unit.about("organization", org.id)
    return row


def order(ctx: ServiceContext, org_id: str, *, source: RectificationSource, items: list[str],
          due_on: date, ordered_on: date | None = None, source_ref: str | None = None) -> str:
    """Order a rectification (reviewer): one unit, one event, the notice issued."""
    rid = new_id()
    with ctx.unit("rectification.order", subject=Subject("supervision_record", rid,
                                                         organization_id=org_id)) as unit:
        org = _rows.organization(unit.session, org_id)
        _rows.check_new(ctx, RECTIFICATION, "rectification.order")
        row = open_order(unit, ctx, org, source=source, items=items, due_on=due_on,
                         ordered_on=ordered_on or ctx.today(), source_ref=source_ref)
        unit.subject = Subject("supervision_record", row.id, organization_id=org_id)
    return row.id


def _write(ctx: ServiceContext, action: str, record_id: str) -> AbstractContextManager[Unit]:
    return ctx.unit(action, subject=Subject("supervision_record", record_id))


def record_item(ctx: ServiceContext, record_id: str, index: int, on: date) -> None:
    """The organization completed item ``index`` on ``on`` (clerk)."""
    with _write(ctx, "rectification.record_item", record_id) as unit:
        row = _rows.load(unit.session, record_id, KIND)
        _rows.not_future(ctx, "completed_on", on)
        current = to_rule(row)
        if not 0 <= index < len(current.items):
            raise ValidationFailed([FieldProblem("item", "sv.error.no_such_item",
                                                 {"index": index + 1})])
        try:
            done = current.with_item_completed(index, on)
        except SupervisionRuleError as exc:
            raise _rows.from_rule_error("completed_on", exc) from None
        _rows.move(ctx, RECTIFICATION, "rectification.record_item", row, on, item=index)
        data = _rows.details(row)
        data["items"] = [{"text": i.text, "completed_on": i.completed_on.isoformat()
                          if i.completed_on else None} for i in done.items]
        _rows.set_details(row, data)
        unit.session.add(row)
        unit.record("supervision_record", row.id, None,
                    {"item": done.items[index].text, "completed_on": on.isoformat()})


def report_completed(ctx: ServiceContext, record_id: str, on: date) -> None:
    """Every item is done: the order waits for verification (clerk)."""
    with _write(ctx, "rectification.report_completed", record_id) as unit:
        row = _rows.load(unit.session, record_id, KIND)
        current = to_rule(row)
        if current.completed_on is None:
            raise _rows.rule_failed("items", [Reason(
                "rectification_items_open", rules.source_article(current.source))])
        _rows.move(ctx, RECTIFICATION, "rectification.report_completed", row, on)
        row.completed_on = current.completed_on
        unit.session.add(row)
        unit.record("supervision_record", row.id, {"completed_on": None},
                    {"completed_on": row.completed_on.isoformat()})


def verify(ctx: ServiceContext, record_id: str, *, passed: bool, on: date,
           note: str = "") -> None:
    """Verification (验收) by a reviewer other than the one who reported completion: passed
    closes the order; failed sends it back (the original deadline still runs)."""
    action = "rectification.verify" if passed else "rectification.reject"
    with _write(ctx, action, record_id) as unit:
        row = _rows.load(unit.session, record_id, KIND)
        problems = rules.check_verification(to_rule(row), on, ctx.today())
        if problems and passed:
            raise _rows.rule_failed("verified_on", problems)
        _rows.move(ctx, RECTIFICATION, action, row, on, note=note)
        data = _rows.details(row)
        data["verification_passed"] = passed
        data["verification_note"] = note
        _rows.set_details(row, data)
        if passed:
            row.verified_on = on
        else:
            row.completed_on = None
        unit.session.add(row)
        unit.record("supervision_record", row.id, None,
                    {"verified_on": on.isoformat(), "passed": passed, "note": note})


def extend(ctx: ServiceContext, record_id: str, new_due: date, reason: str) -> None:
    """The approver extends the deadline (never the reviewer who ordered it), with a reason."""
    with _write(ctx, "rectification.extend", record_id) as unit:
        row = _rows.load(unit.session, record_id, KIND)
        reason = _rows.require_text("reason", reason)
        if row.due_on is not None and new_due <= row.due_on:
            raise ValidationFailed([FieldProblem("due_on", "sv.error.extend_not_later",
                                                 {"on": row.due_on.isoformat()})])
        before = row.due_on
        _rows.move(ctx, RECTIFICATION, "rectification.extend", row, ctx.today(),
                   reason=reason, due_on=new_due.isoformat())
        row.due_on = new_due
        unit.session.add(row)
        unit.record("supervision_record", row.id,
                    {"due_on": before.isoformat() if before else None},
                    {"due_on": new_due.isoformat(), "reason": reason})


def cancel(ctx: ServiceContext, record_id: str, reason: str, on: date | None = None) -> None:
    """The approver cancels an order made in error (撤回整改通知), always with its reason;
    only an order still open or waiting for verification (the RECTIFICATION table refuses
    a verified or cancelled one). The order leaves the deadline queue and the abnormal-list
    proposal; its notice and steps stay on the record."""
    on = on or ctx.today()
    with _write(ctx, "rectification.cancel", record_id) as unit:
        row = _rows.load(unit.session, record_id, KIND)
        reason = _rows.require_text("reason", reason)
        _rows.not_future(ctx, "on", on)
        before = _rows.details(row).get("status")
        _rows.move(ctx, RECTIFICATION, "rectification.cancel", row, on, reason=reason)
        data = _rows.details(row)
        data["cancel_reason"] = reason
        data["cancelled_on"] = on.isoformat()
        _rows.set_details(row, data)
        row.outcome = CANCELLED_OUTCOME
        unit.session.add(row)
        unit.note = reason
        unit.record("supervision_record", row.id, {"status": before},
                    {"status": RS.CANCELLED.value, "cancelled_on": on.isoformat(),
                     "reason": reason}, organization_id=row.organization_id)


# -- the abnormal-list proposal for overdue orders (ground (三)) ------------------------------


@dataclass(frozen=True)
class OverdueRow:
    proposal: rules.OverdueProposal
    organization_name: str
    completed_on: date | None = None  # completed after the deadline; None: still open
    verification_failed: bool = False  # completed, but the verification did not pass


def overdue_proposals(ctx: ServiceContext, today: date | None = None) -> list[OverdueRow]:
    """The dry run: every active organization with an order past its deadline and not
    completed on time, not already listed on ground (三) for it. Nothing is written."""
    ctx.permit("supervision.read")
    today = today or ctx.today()
    with ctx.db.read() as s:
        rows = s.exec(select(SupervisionRecord, Organization)
                      .join(Organization, col(Organization.id) == col(SupervisionRecord.organization_id))
                      .where(SupervisionRecord.kind == KIND,
                             col(SupervisionRecord.due_on).is_not(None),
                             col(SupervisionRecord.due_on) < today,
                             Organization.status == "active")).all()
        listed = _listed_refs(s)
        names = {org.id: org.name for _, org in rows}
        orders = [(org.id, rec.id, to_rule(rec)) for rec, org in rows
                  if _rows.details(rec).get("status") != RS.CANCELLED.value]
    found = rules.overdue_proposals(orders, today, exclude=listed)
    by_ref = {ref: order for _, ref, order in orders}
    out = [OverdueRow(p, names[p.organization_id], by_ref[p.order_ref].completed_on,
                      by_ref[p.order_ref].verification_passed is False) for p in found]
    # the orders still open first (those the 整改到期 queue counts), latest deadline first
    return sorted(out, key=lambda r: (r.completed_on is not None, -r.proposal.due_on.toordinal(),
                                      r.organization_name))


def _listed_refs(s: Session) -> set[str]:
    """Orders already proposed or listed (the credit-list entry's reason names the order)."""
    from mca_tui.storage.models import CreditListEntry

    out: set[str] = set()
    for entry in s.exec(select(CreditListEntry).where(
            CreditListEntry.list_kind == "abnormal",
            CreditListEntry.ground == "rectification_overdue")).all():
        for token in (entry.listing_reason or "").split():
            out.add(token)
    return out


@dataclass(frozen=True)
class ListingResult:
    organization_id: str
    name: str
    entry_id: str | None
    document_number: str | None
    error: str | None  # the plain message when this one was not listed


def list_overdue(ctx: ServiceContext, order_ids: list[str],
                 listed_on: date | None = None) -> list[ListingResult]:
    """The confirming step: list each confirmed organization on the abnormal list on
    ground (三), each in its own unit with its notice, through the credit-list service
    (``services.supervision.credit_lists.list_organization``, H9). The evidence names the
    order (its id first), so the order is not proposed again. An order no longer
    proposed (completed or listed meanwhile) is skipped with its reason."""
    from mca_tui.domain.enums import AbnormalListGround, CreditListKind
    from mca_tui.i18n import t
    from mca_tui.services.errors import ServiceError
    from mca_tui.services.supervision import credit_lists  # H9's service

    listed_on = listed_on or ctx.today()
    current = {r.proposal.order_ref: r for r in overdue_proposals(ctx, listed_on)}
    out = []
    for ref in order_ids:
        row = current.get(ref)
        if row is None:
            out.append(ListingResult(ref, ref, None, None, t("sv.rect.no_longer_proposed")))
            continue
        p = row.proposal
        evidence = t("sv.rect.listing_evidence", ref=p.order_ref, due=p.due_on.isoformat())
        try:
            res = credit_lists.list_organization(
                ctx, p.organization_id, CreditListKind.ABNORMAL.value,
                AbnormalListGround.RECTIFICATION_OVERDUE.value, on=listed_on,
                evidence=evidence)
        except ServiceError as exc:
            out.append(ListingResult(p.organization_id, row.organization_name, None, None,
                                     exc.message()))
            continue
        out.append(ListingResult(p.organization_id, row.organization_name, res.entry_id,
                                 res.document_number, None))
    return out
