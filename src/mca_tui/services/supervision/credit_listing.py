"""Credit lists (信用名录, Order 60): listing an organization on the 活动异常名录 or the
严重违法失信名单 (or adding a ground to its current listing) with the listing notice, also
inside another service's unit; and the promotion from the abnormal to the serious list the
day after two full years. See :mod:`mca_tui.services.supervision.credit_lists`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, select

from mca_tui.domain.enums import (
    CreditListKind,
    SeriousListGround,
)
from mca_tui.domain.supervision import credit_list as cl
from mca_tui.domain.supervision.workflows import ABNORMAL_LISTING, ListingState
from mca_tui.i18n import t
from mca_tui.services import documents as docs
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.services.supervision import (
    history_of,
    org_facts,
    rule_problems,
)
from mca_tui.services.supervision._credit_common import (
    LISTING_DOC,
    RECORD_LANG,
    ListingResult,
    _current,
    _issue,
    _kind,
    _listing,
    _open_entries,
    _removal_reason,
    _state_label,
    _Stateful,
    _workflow,
)
from mca_tui.services.supervision._rows import organization as _org
from mca_tui.services.workflow import apply_transition
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    CreditListEntry,
)


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
