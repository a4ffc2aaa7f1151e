"""Pieces shared by deregistration (注销登记) and the revocation case (撤销登记):
refusals that name their article, custody of the certificate, seals and vouchers, the
service (送达) of a document and the remedy periods printed on a decision.

Pure Python (no sqlalchemy, no textual). How the next layers use it:
- services build :class:`ServiceFacts` and :class:`CustodyRecord` values from the
  ``DocumentService`` rows and the case or application details, call the functions here
  and refuse with the returned :class:`LegalRefusal` (its ``key`` is an i18n key formatted
  with ``params``; ``article`` is printed next to it);
- screens call the same functions to decide what to offer and to show dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, WorkingCalendar
from mca_tui.domain.enums import CustodyItem, CustodyOutcome, ServiceMethod
from mca_tui.domain.params import LegalParams
from mca_tui.i18n import t

_DEFAULT_PARAMS = LegalParams()

PENALTY_LAW = clocks.PENALTY_LAW
ORDER_68 = clocks.ORDER_68
S1 = clocks.S1
S2 = clocks.S2
S3 = clocks.S3
RECONSIDERATION_LAW = "《中华人民共和国行政复议法》"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》"
# The text read at [S16c] (domain.md §6.1); whether it is Order 44 or Order 68 is
# UNCONFIRMED, so the article is cited with its source marked.
VOID_ANNOUNCEMENT_RULE = "《社会组织登记管理机关行政处罚程序规定》第三十二条（[S16c]）"


@dataclass(frozen=True)
class LegalRefusal:
    """Why an act cannot be done (yet): an i18n ``key`` (formatted with ``params``) and the
    ``article`` it rests on. ``until`` is the first day the act becomes possible when the
    refusal is only a matter of waiting (a period that has not run out)."""

    key: str
    article: str
    params: Mapping[str, object] = field(default_factory=dict)
    until: date | None = None

    def message(self, lang: str | None = None) -> str:
        values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.params.items()}
        return t(self.key, lang, **values)

    def describe(self, lang: str | None = None) -> str:
        """The message followed by its article, e.g. "…（《行政处罚法》第六十四条）"."""
        return t("case.refusal.with_article", lang, message=self.message(lang), article=self.article)


# -- custody of certificate, seals and vouchers ---------------------------------------

REQUIRED_CUSTODY: tuple[CustodyItem, ...] = tuple(CustodyItem)


@dataclass(frozen=True)
class CustodyRecord:
    """One item to hand in: collected (收缴) on a date, or declared void by announcement
    (公告作废) published on a date. Several records of one kind are allowed (a group may
    have several seals); each must be settled."""

    item: CustodyItem
    outcome: CustodyOutcome = CustodyOutcome.PENDING
    on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class CustodyStatus:
    complete: bool
    outstanding: tuple[CustodyItem, ...]  # kinds with no record or an unsettled record
    settled_on: date | None  # the day the last item was settled, when complete


def custody_status(records: Iterable[CustodyRecord]) -> CustodyStatus:
    """Complete only when every item (certificate 正本 and 副本, seals, financial vouchers)
    has at least one record and every record is collected or declared void by
    announcement ([S1] Art 21, 33; [S2] Art 17, 28; void announcement: procedure rule
    Art 32, domain.md §6.1)."""
    records = tuple(records)
    outstanding = []
    for item in REQUIRED_CUSTODY:
        mine = [r for r in records if r.item is item]
        if not mine or any(
            r.outcome is CustodyOutcome.PENDING or r.on is None for r in mine
        ):
            outstanding.append(item)
    complete = not outstanding
    settled_on = max((r.on for r in records if r.on), default=None) if complete else None
    return CustodyStatus(complete, tuple(outstanding), settled_on)


def check_custody_record(record: CustodyRecord, earliest: date | None) -> LegalRefusal | None:
    """A settled record needs its date, not before ``earliest`` (the decision)."""
    if record.outcome is CustodyOutcome.PENDING:
        return None
    article = VOID_ANNOUNCEMENT_RULE if record.outcome is CustodyOutcome.VOID_ANNOUNCED else (
        f"{S1}第二十一条、第三十三条"
    )
    if record.on is None:
        return LegalRefusal("case.refusal.custody_date_missing", article)
    if earliest is not None and record.on < earliest:
        return LegalRefusal(
            "case.refusal.custody_before_decision", article, {"date": earliest}
        )
    return None


# -- service of a document (送达) -----------------------------------------------------


@dataclass(frozen=True)
class ServiceFacts:
    """One service of one document, as recorded in ``DocumentService``.

    ``served_on``: the day of the proof of service (送达回证, postal receipt, electronic
    arrival). ``published_on``: the day an announcement was published. ``returned``: the
    mail came back unsigned. ``consented``: the party agreed in writing to electronic
    service. ``other_methods_failed``: an earlier attempt failed (needed before service by
    announcement)."""

    method: ServiceMethod
    sent_on: date | None = None
    served_on: date | None = None
    published_on: date | None = None
    returned: bool = False
    consented: bool = False
    other_methods_failed: bool = False


def check_service(service: ServiceFacts) -> LegalRefusal | None:
    """Whether the service may be recorded as it is: electronic service needs the party's
    consent (Order 68 Art 46); announcement only once other methods failed (Art 47) and
    with its publication date; the other methods need the date of the proof."""
    if service.method is ServiceMethod.ELECTRONIC and not service.consented:
        return LegalRefusal("case.refusal.electronic_without_consent", f"{ORDER_68}第四十六条")
    if service.method is ServiceMethod.ANNOUNCEMENT:
        if not service.other_methods_failed:
            return LegalRefusal("case.refusal.announcement_too_early", f"{ORDER_68}第四十七条")
        if service.published_on is None:
            return LegalRefusal("case.refusal.announcement_date_missing", f"{ORDER_68}第四十七条")
    return None


def service_effective_on(
    service: ServiceFacts, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> date | None:
    """The day the document counts as served, or None if it is not (yet) served.

    Announcement: N days after publication, rolled off a rest day
    (:func:`clocks.announcement_service_effective`, 30 by default, 60 in Fujian practice).
    Other methods: the day of the proof of service; mail returned unsigned is not served.
    """
    if service.method is ServiceMethod.ANNOUNCEMENT:
        if service.published_on is None:
            return None
        return clocks.announcement_service_effective(service.published_on, cal, params).due
    if service.returned:
        return None
    if service.method is ServiceMethod.ELECTRONIC and not service.consented:
        return None
    return service.served_on


def first_effective_service(
    services: Iterable[ServiceFacts], cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> date | None:
    """The earliest effective service among several attempts (None if none took effect)."""
    days = [d for s in services if (d := service_effective_on(s, cal, params)) is not None]
    return min(days, default=None)


# -- remedy periods printed on a decision ------------------------------------------


@dataclass(frozen=True)
class RemedyPeriods:
    reconsideration: Deadline  # 行政复议: 60 days from knowing of the act
    lawsuit: Deadline  # 行政诉讼: 6 months from knowing of the act


def remedy_periods(served_on: date, cal: WorkingCalendar) -> RemedyPeriods:
    """For display on the decision and the case: administrative reconsideration within
    60 days (行政复议法 2023 Art 20) and a lawsuit within 6 months (行政诉讼法 Art 46), both
    counted from the day the decision was served (the party knows of it); periods of the
    party, they roll off a rest day."""
    return RemedyPeriods(
        reconsideration=cal.deadline(
            served_on,
            60,
            "days",
            rule="case.clock.reconsideration",
            article=f"{RECONSIDERATION_LAW}第二十条",
        ),
        lawsuit=cal.deadline(
            served_on,
            6,
            "months",
            rule="case.clock.lawsuit",
            article=f"{LITIGATION_LAW}第四十六条",
        ),
    )
