"""Rectification orders (整改), financial audits (财务审计) and interviews (约谈), domain.md §9.

Rectification: ordered by an annual-report conclusion (基本合格 / 不合格), a spot check, an
interview, a financial audit or another check; it lists items and a deadline set by the
authority (a date on the order, not a statutory period: it is not rolled). Each item is
completed on a date; the authority verifies the whole. An order not completed by its
deadline proposes the abnormal list on ground (三) of Order 60 (未按期完成整改).

Financial audits: required before a change of term or of the legal representative of a
social group ([S1] Art 27) and a foundation ([S3] Art 36–37), on a change of the legal
representative or responsible person of a 民非 ([S2] Art 22), on deregistration (audit of
the liquidation, practice), after a spot check or for another reason.

Interviews (民发〔2016〕39号): the authority may interview the 理事长 (会长), 副理事长 (副会长)
and 秘书长 (院长, 校长 …) of an organization that broke rules (Art 2, 4); the outcome may
order a rectification. An interview never replaces a penalty.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mca_tui.domain.enums import (
    AbnormalListGround,
    AuditTrigger,
    InterviewRole,
    OrgType,
    RectificationSource,
    ReportConclusion,
)
from mca_tui.domain.supervision.common import (
    INTERVIEW_RULES,
    ORDER_60,
    S1,
    S2,
    S3,
    Reason,
    refuse,
)

__all__ = [
    "AUDIT_CHANGE_ITEMS",
    "INTERVIEW_TITLES",
    "InterviewOutcome",
    "Interviewee",
    "OverdueProposal",
    "RectificationItem",
    "RectificationOrder",
    "audit_article",
    "audit_trigger_for_change",
    "check_interview_outcome",
    "check_interviewees",
    "check_order",
    "check_verification",
    "interview_role_for_title",
    "order_state",
    "overdue_proposals",
    "source_article",
]

RECTIFICATION_ARTICLE = "domain.md §9；§4.2"


# -- rectification orders --------------------------------------------------------------------


@dataclass(frozen=True)
class RectificationItem:
    """One thing to put right (整改事项) and the day the organization completed it."""

    text: str
    completed_on: date | None = None


@dataclass(frozen=True)
class RectificationOrder:
    """A rectification order as recorded (``SupervisionRecord`` kind ``rectification``:
    ``record_date`` = ``ordered_on``, ``due_on``, ``completed_on``, ``verified_on``; the
    items and the verification outcome in ``details_json``)."""

    source: RectificationSource
    ordered_on: date
    due_on: date
    items: tuple[RectificationItem, ...]
    verified_on: date | None = None
    verification_passed: bool | None = None

    @property
    def completed_on(self) -> date | None:
        """The day the last item was completed; None while any item is open."""
        if not self.items or any(i.completed_on is None for i in self.items):
            return None
        return max(i.completed_on for i in self.items)  # type: ignore[type-var]

    @property
    def completed_in_time(self) -> bool:
        done = self.completed_on
        return done is not None and done <= self.due_on

    def with_item_completed(self, index: int, on: date) -> RectificationOrder:
        """The order after item ``index`` was completed on ``on`` (not before the order)."""
        if on < self.ordered_on:
            raise refuse("completed_before_order", RECTIFICATION_ARTICLE, on=on.isoformat())
        items = list(self.items)
        items[index] = RectificationItem(items[index].text, on)
        return RectificationOrder(self.source, self.ordered_on, self.due_on, tuple(items),
                                  self.verified_on, self.verification_passed)


def source_for_conclusion(conclusion: ReportConclusion) -> RectificationSource:
    """A report conclusion that opens a rectification gives this source (§4.2)."""
    if conclusion not in (ReportConclusion.BASIC_PASS, ReportConclusion.FAIL):
        raise refuse("conclusion_opens_no_rectification", "domain.md §4.2",
                     conclusion=conclusion.value)
    return RectificationSource.REPORT_CONCLUSION


def source_article(source: RectificationSource) -> str:
    return {
        RectificationSource.REPORT_CONCLUSION: "domain.md §4.2（年检结论）",
        RectificationSource.SPOT_CHECK: "《社会组织抽查暂行办法》（民发〔2017〕45号）",
        RectificationSource.INTERVIEW: f"{INTERVIEW_RULES}第二条",
        RectificationSource.FINANCIAL_AUDIT: "domain.md §9",
        RectificationSource.OTHER: "domain.md §9",
    }[source]


def check_order(order: RectificationOrder, today: date) -> list[Reason]:
    """Reasons the order cannot be issued as it stands (empty: it can): at least one
    item, no blank item, ordered not in the future, a deadline after the order day."""
    article = source_article(order.source)
    out = []
    if not order.items or any(not i.text.strip() for i in order.items):
        out.append(Reason("rectification_items_missing", article))
    if order.ordered_on > today:
        out.append(Reason("date_in_future", article, {"on": order.ordered_on.isoformat()}))
    if order.due_on <= order.ordered_on:
        out.append(Reason("rectification_due_not_after_order", article,
                          {"on": order.due_on.isoformat()}))
    return out


def check_verification(order: RectificationOrder, verified_on: date, today: date) -> list[Reason]:
    """Reasons the order cannot be verified on ``verified_on`` (empty: it can): every
    item completed, verification not before the last completion, nor in the future."""
    article = source_article(order.source)
    done = order.completed_on
    out = []
    if done is None:
        out.append(Reason("rectification_items_open", article))
    elif verified_on < done:
        out.append(Reason("verified_before_completion", article, {"on": done.isoformat()}))
    if verified_on > today:
        out.append(Reason("date_in_future", article, {"on": verified_on.isoformat()}))
    return out


def order_state(order: RectificationOrder, today: date) -> str:
    """``verified`` (passed), ``failed`` (verification did not pass), ``completed``
    (all items done, waiting for verification), ``overdue`` (deadline passed, items open)
    or ``open``."""
    if order.verified_on is not None:
        return "verified" if order.verification_passed else "failed"
    if order.completed_on is not None:
        return "completed"
    return "overdue" if today > order.due_on else "open"


@dataclass(frozen=True)
class OverdueProposal:
    """A proposal to list an organization on the abnormal list for an overdue order."""

    organization_id: str
    order_ref: str
    ground: AbnormalListGround
    article: str
    due_on: date


def overdue_proposals(
    orders: Iterable[tuple[str, str, RectificationOrder]],
    today: date,
    *,
    exclude: Iterable[str] = (),
) -> list[OverdueProposal]:
    """Orders (``(organization_id, order_ref, order)``) not completed by their deadline,
    the deadline having passed on ``today``: proposals for the abnormal list on ground
    (三) (Order 60: 未按期完成整改). An order completed late is also proposed (it was not
    completed on time) unless it was verified as passed; a failed verification after the
    deadline is proposed. ``exclude``: order refs already proposed or listed."""
    skip = set(exclude)
    out = []
    for org_id, ref, order in orders:
        if ref in skip or today <= order.due_on:
            continue
        if order.completed_in_time and order.verification_passed is not False:
            continue
        if order.verified_on is not None and order.verification_passed:
            continue
        out.append(OverdueProposal(
            org_id, ref, AbnormalListGround.RECTIFICATION_OVERDUE,
            f"{ORDER_60}（列入活动异常名录情形第三项）", order.due_on))
    return sorted(out, key=lambda p: (p.organization_id, p.order_ref))


# -- financial audits ------------------------------------------------------------------------

# Change-registration items (``RegistrationChange.item``) that require a financial audit.
AUDIT_CHANGE_ITEMS = frozenset({"legal_rep", "change_of_term"})


def audit_article(trigger: AuditTrigger, org_type: OrgType | None = None) -> str:
    """The article that requires (or the practice that suggests) the audit."""
    if trigger in (AuditTrigger.CHANGE_OF_TERM, AuditTrigger.LEGAL_REP_CHANGE):
        return {
            OrgType.SOCIAL_GROUP: f"{S1}第二十七条",
            OrgType.PRIVATE_NON_ENTERPRISE: f"{S2}第二十二条",
            OrgType.FOUNDATION: f"{S3}第三十六条、第三十七条",
            None: f"{S1}第二十七条；{S2}第二十二条；{S3}第三十六条、第三十七条",
        }[org_type]
    if trigger is AuditTrigger.DEREGISTRATION:
        return "domain.md §9（清算审计，实践）"
    if trigger is AuditTrigger.SPOT_CHECK:
        return "《社会组织抽查暂行办法》（民发〔2017〕45号）"
    return "domain.md §9"


def audit_trigger_for_change(items: Iterable[str], org_type: OrgType) -> AuditTrigger | None:
    """The audit a registered change proposes: a new legal representative (or, for a
    民非, responsible person) → ``legal_rep_change``; a change of term (换届) of a social
    group or foundation → ``change_of_term``; nothing else. A 民非 has no "term" in
    [S2] Art 22, so a change of term alone proposes nothing for it."""
    items = set(items)
    if "legal_rep" in items or "responsible_person" in items:
        return AuditTrigger.LEGAL_REP_CHANGE
    if "change_of_term" in items and org_type is not OrgType.PRIVATE_NON_ENTERPRISE:
        return AuditTrigger.CHANGE_OF_TERM
    return None


# -- interviews --------------------------------------------------------------------------------

# Titles as typed on the record (OrganizationPerson.title) → who may be interviewed
# (民发〔2016〕39号 Art 4: 理事长（会长）、副理事长（副会长）、秘书长（院长、校长等）).
INTERVIEW_TITLES: dict[str, InterviewRole] = {
    "理事长": InterviewRole.CHAIR,
    "会长": InterviewRole.CHAIR,
    "主席": InterviewRole.CHAIR,
    "副理事长": InterviewRole.VICE_CHAIR,
    "副会长": InterviewRole.VICE_CHAIR,
    "副主席": InterviewRole.VICE_CHAIR,
    "秘书长": InterviewRole.SECRETARY_GENERAL,
    "院长": InterviewRole.SECRETARY_GENERAL,
    "校长": InterviewRole.SECRETARY_GENERAL,
    "园长": InterviewRole.SECRETARY_GENERAL,
    "主任": InterviewRole.SECRETARY_GENERAL,
    "总干事": InterviewRole.SECRETARY_GENERAL,
}


def interview_role_for_title(title: str) -> InterviewRole | None:
    """The interview role of a person's title, or None when the title is not one Art 4
    names (the clerk then chooses the role explicitly)."""
    return INTERVIEW_TITLES.get(title.strip())


@dataclass(frozen=True)
class Interviewee:
    name: str
    role: InterviewRole
    attended: bool = True
    absence_in_writing: bool = False  # Art 4: someone unable to attend says so in writing


def check_interviewees(persons: Sequence[Interviewee]) -> list[Reason]:
    """Reasons the list of persons interviewed is not acceptable (empty: fine): at least
    one person, every name given, and an absent person's written explanation (Art 4)."""
    article = f"{INTERVIEW_RULES}第四条"
    out = []
    if not persons:
        out.append(Reason("interview_nobody", article))
    for p in persons:
        if not p.name.strip():
            out.append(Reason("interview_name_missing", article))
        if not p.attended and not p.absence_in_writing:
            out.append(Reason("interview_absence_unexplained", article, {"name": p.name}))
    return out


class InterviewOutcome(StrEnum):
    """What an interview led to (label ``enum.InterviewOutcome.*``)."""

    NO_FURTHER_ACTION = "no_further_action"  # 问题已说明，无需后续措施
    RECTIFICATION_ORDERED = "rectification_ordered"  # 责令整改
    CASE_PROPOSED = "case_proposed"  # 移送立案 (an interview never replaces a penalty)


def check_interview_outcome(
    outcome: InterviewOutcome, order: RectificationOrder | None, interviewed_on: date
) -> list[Reason]:
    """Reasons the outcome does not hold together (empty: fine): an ordered rectification
    needs its order, with source ``interview`` and made on or after the interview; the
    other outcomes carry no order."""
    article = f"{INTERVIEW_RULES}第二条"
    if outcome is InterviewOutcome.RECTIFICATION_ORDERED:
        if order is None:
            return [Reason("interview_order_missing", article)]
        out = []
        if order.source is not RectificationSource.INTERVIEW:
            out.append(Reason("interview_order_source", article, {"source": order.source.value}))
        if order.ordered_on < interviewed_on:
            out.append(Reason("interview_order_before", article,
                              {"on": order.ordered_on.isoformat()}))
        return out
    if order is not None:
        return [Reason("interview_order_unexpected", article, {"outcome": outcome.value})]
    return []
