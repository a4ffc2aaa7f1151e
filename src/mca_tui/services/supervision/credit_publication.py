"""Credit lists (信用名录, Order 60), reads: one organization's listing (state, dates, what
is left, what this user may do), the organizations currently listed, and the publication
list (公示) of listings and removals. See :mod:`mca_tui.services.supervision.credit_lists`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from mca_tui.domain.enums import (
    CreditListKind,
)
from mca_tui.domain.supervision import credit_list as cl
from mca_tui.domain.supervision.workflows import ListingState
from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.services.supervision import (
    history_of,
)
from mca_tui.services.supervision._credit_common import (
    LISTING_DOC,
    REMOVAL_DOC,
    _current,
    _kind,
    _label,
    _listing,
    _verified_on,
    _workflow,
    outstanding_reasons,
)
from mca_tui.services.supervision._rows import organization as _org
from mca_tui.services.workflow import available_actions
from mca_tui.storage.models import (
    CreditListEntry,
    IssuedDocument,
    Organization,
)


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
