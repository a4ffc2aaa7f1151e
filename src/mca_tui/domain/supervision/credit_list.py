"""Credit lists (信用名录) of MCA Order 60 (《社会组织信用信息管理办法》, 2018), domain.md §5
and §10.6.

Article numbers inside Order 60 are UNCONFIRMED (domain.md §13.3); each ground cites the
Order and its item number in the list of grounds, which the MCA summary and the Xiamen
rule confirm (7 abnormal-list grounds, 8 serious-list grounds).

How a listing is represented: one ``CreditListEntry`` row per ground. The open rows (not
removed) of one kind form the organization's current listing (:class:`Listing`). A new
ground while listed adds a row and restarts the listing period (§5.1: "a new listable
event while on the list restarts the listing period"), so the clocks run from
:attr:`Listing.period_start`, the latest ground's date. A removal closes every open row.

Clocks (``domain.clocks``, parameters in ``LegalParams``):
- abnormal list → serious list on the day after 2 full years (民法典 Art 201–203);
- abnormal list removal on application: within 5 working days of verifying the facts
  (UNCONFIRMED, ``abnormal_removal_working_days``); or once the configured period has passed
  (6 months, UNCONFIRMED, ``abnormal_auto_removal_months``) with nothing left to rectify;
- serious list removal: from the day after 2 years without a new ground, plus the
  rectification for ground (一); for ground (七) on completing deregistration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, WorkingCalendar, add_years
from mca_tui.domain.enums import AbnormalListGround, CreditListKind, SeriousListGround
from mca_tui.domain.params import LegalParams
from mca_tui.domain.supervision.common import (
    ORDER_60,
    OrgFacts,
    Reason,
    SupervisionRuleError,
    refuse,
)

__all__ = [
    "ABNORMAL_GROUNDS",
    "LARGE_FINE_FEN",
    "SERIOUS_GROUNDS",
    "GroundInfo",
    "Listing",
    "ListingEvent",
    "PromotionProposal",
    "RemovalAssessment",
    "abnormal_removal",
    "check_listing",
    "ground_info",
    "grounds_for_penalty",
    "promotion_date",
    "promotion_proposals",
    "serious_removal",
    "unreachable_evidence",
]

_CHINESE_ITEMS = "一二三四五六七八"


@dataclass(frozen=True)
class GroundInfo:
    """One ground of a list: its ``item`` number in Order 60's list, the ``article`` and
    the catalog key of its label (``enum.<Class>.<value>``)."""

    kind: CreditListKind
    ground: AbnormalListGround | SeriousListGround
    item: int

    @property
    def article(self) -> str:
        name = "活动异常名录" if self.kind is CreditListKind.ABNORMAL else "严重违法失信名单"
        return f"{ORDER_60}（列入{name}情形第{_CHINESE_ITEMS[self.item - 1]}项）"

    @property
    def label_key(self) -> str:
        return f"enum.{type(self.ground).__name__}.{self.ground.value}"


ABNORMAL_GROUNDS: dict[AbnormalListGround, GroundInfo] = {
    g: GroundInfo(CreditListKind.ABNORMAL, g, i) for i, g in enumerate(AbnormalListGround, 1)
}
SERIOUS_GROUNDS: dict[SeriousListGround, GroundInfo] = {
    g: GroundInfo(CreditListKind.SERIOUS, g, i) for i, g in enumerate(SeriousListGround, 1)
}


def ground_info(kind: CreditListKind | str, ground: str) -> GroundInfo:
    """The ground ``ground`` of list ``kind``; refuses a ground of the other list."""
    kind = CreditListKind(kind)
    table: Mapping[Any, GroundInfo] = ABNORMAL_GROUNDS if kind is CreditListKind.ABNORMAL else SERIOUS_GROUNDS
    for g, info in table.items():
        if g.value == str(ground):
            return info
    raise refuse("ground_not_of_list", ORDER_60, ground=str(ground), kind=kind.value)


# -- the current listing ------------------------------------------------------------------


@dataclass(frozen=True)
class ListingEvent:
    """One open ``CreditListEntry``: a ground and the day it was listed on that ground."""

    ground: str
    on: date


@dataclass(frozen=True)
class Listing:
    """An organization's current listing on one list: its open entries."""

    kind: CreditListKind
    events: tuple[ListingEvent, ...]

    def __post_init__(self) -> None:
        if not self.events:
            raise ValueError("a listing has at least one ground")

    @property
    def listed_on(self) -> date:
        """The first day of the current listing (列入日期)."""
        return min(e.on for e in self.events)

    @property
    def period_start(self) -> date:
        """The day the listing period runs from: the latest ground (a new ground while
        listed restarts the period, Order 60; domain.md §5.1, §10.6)."""
        return max(e.on for e in self.events)

    @property
    def grounds(self) -> tuple[str, ...]:
        return tuple(e.ground for e in sorted(self.events, key=lambda e: e.on))

    def with_ground(self, ground: str, on: date) -> Listing:
        """The listing after a new ground on ``on``: its period restarts then."""
        ground_info(self.kind, ground)
        if on < self.period_start:
            raise refuse("ground_before_period", ORDER_60, on=on.isoformat(),
                         start=self.period_start.isoformat())
        return Listing(self.kind, (*self.events, ListingEvent(str(ground), on)))


def check_listing(
    org: OrgFacts,
    kind: CreditListKind | str,
    ground: str,
    on: date,
    today: date,
    *,
    current: Listing | None = None,
) -> list[Reason]:
    """Reasons not to list ``org`` on ``kind`` for ``ground`` on ``on`` (empty: may list):
    the ground belongs to the list; the date is not in the future; the organization is
    registered and not closed before ``on``; ground (四) of the abnormal list only for a
    charity (慈善组织公开募捐管理办法 Art 21); the date not before the current period."""
    kind = CreditListKind(kind)
    try:
        info = ground_info(kind, ground)
    except SupervisionRuleError as exc:
        return [exc.reason]
    out: list[Reason] = []
    if on > today:
        out.append(Reason("date_in_future", info.article, {"on": on.isoformat()}))
    if org.registered_on is None or on < org.registered_on:
        out.append(Reason("not_registered_on", info.article, {"on": on.isoformat()}))
    closed = org.closed_on
    if closed is not None and closed <= on and info.ground is not SeriousListGround.REGISTRATION_REVOKED:
        out.append(Reason("closed_before", info.article, {"on": closed.isoformat()}))
    if info.ground is AbnormalListGround.FUNDRAISING_CONDITIONS and not org.is_charity:
        out.append(Reason("fundraising_not_charity",
                          f"{info.article}；《慈善组织公开募捐管理办法》第二十一条"))
    if current is not None and on < current.period_start:
        out.append(Reason("ground_before_period", info.article,
                          {"on": on.isoformat(), "start": current.period_start.isoformat()}))
    return out


# -- abnormal → serious --------------------------------------------------------------------


def promotion_date(
    listing: Listing, cal: WorkingCalendar, params: LegalParams | None = None
) -> Deadline:
    """The day an organization still on the abnormal list is proposed for the serious list:
    the day after 2 full years from the period start (Order 60, serious ground (一);
    民法典 Art 201–203). ``due`` is that day (a threshold, not rolled)."""
    if listing.kind is not CreditListKind.ABNORMAL:
        raise ValueError("promotion is from the abnormal list")
    return clocks.abnormal_list_promotion_date(listing.period_start, cal, params or LegalParams())


@dataclass(frozen=True)
class PromotionProposal:
    organization_id: str
    ground: SeriousListGround
    on: date  # the day the proposal became due
    article: str
    params: dict[str, Any] = field(default_factory=dict)


def promotion_proposals(
    listings: Mapping[str, Listing],
    today: date,
    cal: WorkingCalendar,
    params: LegalParams | None = None,
) -> list[PromotionProposal]:
    """Organizations whose abnormal listing reached the day after 2 full years by
    ``today``: proposals for the serious list on ground (一) (nothing is written)."""
    out = []
    for org_id, listing in sorted(listings.items()):
        if listing.kind is not CreditListKind.ABNORMAL:
            continue
        promo = promotion_date(listing, cal, params)
        if today >= promo.due:
            info = SERIOUS_GROUNDS[SeriousListGround.ABNORMAL_TWO_YEARS]
            out.append(PromotionProposal(
                org_id, SeriousListGround.ABNORMAL_TWO_YEARS, promo.due,
                f"{info.article}；{promo.article}",
                {"since": listing.period_start.isoformat()},
            ))
    return out


# -- removal -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemovalAssessment:
    """Whether the listing may be removed on ``today`` and how: ``way`` is
    ``verified`` (on application, after verification), ``period`` (the configured period
    passed with nothing left to rectify), ``two_years`` (serious list) or
    ``deregistered`` (serious ground (七)); ``remove_by`` the last day for the removal
    when the law sets one; ``blocking`` the reasons it may not be removed yet;
    ``earliest`` the first day it could be removed when that depends only on time."""

    allowed: bool
    way: str | None = None
    remove_by: Deadline | None = None
    earliest: date | None = None
    blocking: tuple[Reason, ...] = ()


def abnormal_removal(
    listing: Listing,
    today: date,
    cal: WorkingCalendar,
    params: LegalParams | None = None,
    *,
    outstanding: bool,
    verified_on: date | None = None,
) -> RemovalAssessment:
    """Removal from the abnormal list (Order 60; domain.md §5.2).

    ``outstanding``: something is left to fulfil or rectify (the report not yet filed,
    the rectification not completed ...). ``verified_on``: the day the authority verified,
    on the organization's application, that the obligation was fulfilled.

    - verified and nothing outstanding: remove within N working days of verification
      (``remove_by``; N = ``abnormal_removal_working_days``, UNCONFIRMED 5);
    - nothing outstanding and the configured period from the period start has passed
      (``abnormal_auto_removal_months``, UNCONFIRMED 6): remove;
    - otherwise not yet.
    """
    params = params or LegalParams()
    if listing.kind is not CreditListKind.ABNORMAL:
        raise ValueError("not an abnormal listing")
    auto = clocks.abnormal_auto_removal_date(listing.period_start, cal, params)
    if outstanding:
        return RemovalAssessment(False, blocking=(Reason("removal_outstanding", ORDER_60),))
    if verified_on is not None:
        if verified_on < listing.period_start or verified_on > today:
            return RemovalAssessment(False, blocking=(
                Reason("verification_date_invalid", ORDER_60, {"on": verified_on.isoformat()}),))
        due = clocks.abnormal_removal_after_verification(verified_on, cal, params)
        return RemovalAssessment(True, "verified", remove_by=due)
    if today >= auto.due:
        return RemovalAssessment(True, "period", earliest=auto.due)
    return RemovalAssessment(False, earliest=auto.due, blocking=(
        Reason("removal_period_running", auto.article, {"on": auto.due.isoformat()}),))


def serious_removal(
    listing: Listing,
    today: date,
    cal: WorkingCalendar,
    params: LegalParams | None = None,
    *,
    new_grounds_on: Iterable[date] = (),
    deregistered_on: date | None = None,
    obligations_fulfilled: bool = True,
) -> RemovalAssessment:
    """Removal from the serious list ("严进严出", Order 60; domain.md §5.3, §10.6).

    - a listing on ground (七) (registration revoked, certificate withdrawn) is removed once
      the organization has completed deregistration, and only then;
    - otherwise from the day after 2 years with no new ground for either list: the two
      years run from the latest of the period start and ``new_grounds_on`` (grounds of
      either list that arose while on the serious list);
    - a listing on ground (一) (two years on the abnormal list) also needs the obligations
      fulfilled or the rectification completed (``obligations_fulfilled``).
    """
    params = params or LegalParams()
    if listing.kind is not CreditListKind.SERIOUS:
        raise ValueError("not a serious listing")
    info = SERIOUS_GROUNDS
    grounds = {SeriousListGround(g) for g in listing.grounds}
    if SeriousListGround.REGISTRATION_REVOKED in grounds:
        article = info[SeriousListGround.REGISTRATION_REVOKED].article
        if deregistered_on is not None and deregistered_on <= today:
            return RemovalAssessment(True, "deregistered", earliest=deregistered_on)
        return RemovalAssessment(False, blocking=(Reason("removal_needs_deregistration", article),))
    start = max([listing.period_start, *new_grounds_on])
    earliest = clocks.serious_list_earliest_removal(start, cal, params)
    blocking: list[Reason] = []
    if today < earliest.due:
        blocking.append(Reason("removal_period_running", earliest.article,
                               {"on": earliest.due.isoformat()}))
    if SeriousListGround.ABNORMAL_TWO_YEARS in grounds and not obligations_fulfilled:
        blocking.append(Reason("removal_outstanding",
                               info[SeriousListGround.ABNORMAL_TWO_YEARS].article))
    if blocking:
        return RemovalAssessment(False, earliest=earliest.due, blocking=tuple(blocking))
    return RemovalAssessment(True, "two_years", earliest=earliest.due)


# -- grounds from other records ------------------------------------------------------------

LARGE_FINE_FEN = 5_000_000  # 50,000 yuan: the line between abnormal (五) and serious (四)


def grounds_for_penalty(
    on: date,
    *,
    warning: bool = False,
    fine_fen: int = 0,
    suspension: bool = False,
    registration_revoked: bool = False,
    earlier_minor_penalties: Iterable[date] = (),
) -> list[tuple[CreditListKind, str]]:
    """The list grounds an administrative penalty decided on ``on`` gives (Order 60):

    - a warning or a fine below 50,000 yuan → abnormal (五);
    - a fine of 50,000 yuan or more → serious (四);
    - suspension for a set period (限期停止活动) → serious (三);
    - revocation of registration (撤销登记) → serious (七);
    - a warning or small fine that is the second within 3 years (counting
      ``earlier_minor_penalties`` on or after the same day 3 years before) → serious (五).
    """
    out: list[tuple[CreditListKind, str]] = []
    minor = warning or 0 < fine_fen < LARGE_FINE_FEN
    if minor:
        out.append((CreditListKind.ABNORMAL, AbnormalListGround.WARNING_OR_SMALL_FINE.value))
        window_start = add_years(on, -3)
        if any(window_start <= d <= on for d in earlier_minor_penalties):
            out.append((CreditListKind.SERIOUS, SeriousListGround.REPEATED_PENALTIES.value))
    if fine_fen >= LARGE_FINE_FEN:
        out.append((CreditListKind.SERIOUS, SeriousListGround.LARGE_FINE.value))
    if suspension:
        out.append((CreditListKind.SERIOUS, SeriousListGround.SUSPENSION.value))
    if registration_revoked:
        out.append((CreditListKind.SERIOUS, SeriousListGround.REGISTRATION_REVOKED.value))
    return out


def unreachable_evidence(
    first_letter_on: date, second_letter_on: date, both_unsigned: bool, params: LegalParams | None = None
) -> list[Reason]:
    """Reasons the evidence for ground (六) "cannot be contacted through the registered
    domicile" falls short of the suggested practice (two registered letters, 20 to 60 days
    apart, both unsigned for: Order 60 draft, UNCONFIRMED, domain.md §5.1). Empty: enough."""
    params = params or LegalParams()
    article = ABNORMAL_GROUNDS[AbnormalListGround.UNREACHABLE].article
    gap = (second_letter_on - first_letter_on).days
    out = []
    if not both_unsigned:
        out.append(Reason("letters_signed_for", article))
    if not params.unreachable_letters_min_gap_days <= gap <= params.unreachable_letters_max_gap_days:
        out.append(Reason("letters_gap", article, {
            "gap": gap, "min": params.unreachable_letters_min_gap_days,
            "max": params.unreachable_letters_max_gap_days}))
    return out

