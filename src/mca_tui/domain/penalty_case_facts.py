"""The revocation case (撤销登记) as the rules need it: its facts (officers, hearing, the
dates of its steps) and the articles its rules name (行政处罚法 2021, MCA Order 68, the
registration regulations). Read by the clocks (``penalty_case_clocks``), the transition
table (``penalty_case_table``), the guard and the batch preview; see
:mod:`mca_tui.domain.penalty_case` for the whole case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mca_tui.domain import clocks
from mca_tui.domain.casework import CustodyRecord, ServiceFacts
from mca_tui.domain.enums import CaseStatus, ServiceMethod
from mca_tui.domain.params import LegalParams

DEFAULT_PARAMS = LegalParams()
ONE_DAY = timedelta(days=1)

PL = clocks.PENALTY_LAW
ORDER_68 = clocks.ORDER_68
ART_OFFICERS = f"{PL}第四十二条第一款、第五十五条"
ART_NOTICE = f"{PL}第四十四条、第四十五条、第六十二条"
ART_HEARING_REQUEST = f"{PL}第六十三条、第六十四条第一项、第八十五条"
ART_HEARING_NOTICE = f"{PL}第六十四条第二项、第八十五条"
ART_HEARING_CHAIR = f"{PL}第六十四条第四项"
ART_DISCUSSION = f"{PL}第五十七条第二款"
ART_LEGAL_REVIEW = f"{PL}第五十八条"
ART_DECISION = f"{PL}第五十七条、第六十条、第六十二条"
ART_EXTENSION = f"{PL}第六十条；{ORDER_68}（延长规则未确认，设置 penalty_decision_extension_days）"
ART_SERVICE = f"{PL}第六十一条；{ORDER_68}第四十一条至第四十七条"
ART_PUBLISH = f"{PL}第四十八条"
ART_CUSTODY = f"{clocks.S1}第三十三条第二款；{clocks.S2}第二十八条第二款"
ART_SERIOUS = f"{clocks.ORDER_60}（严重违法失信名单：被撤销成立登记）"
ART_REVOKE = f"{clocks.S1}第二十九条、第三十条；{clocks.S2}第二十四条、第二十五条"
ART_CLOSE = f"{PL}第三十三条第一款、第五十七条第一款第（二）项"
ART_CLOSED = f"{PL}第五十七条"


@dataclass(frozen=True)
class Officer:
    """A case officer (承办人): a user holding an enforcement certificate (执法证)."""

    user_id: str
    enforcement: bool = True


@dataclass(frozen=True)
class Hearing:
    requested_on: date | None = None
    notified_on: date | None = None
    scheduled_on: date | None = None
    held_on: date | None = None
    presiding: str = ""  # user id of the presiding officer (主持人)
    party_absent: bool = False  # absence without reason counts as waiver (Art 64(8))


@dataclass(frozen=True)
class CaseFacts:
    """One penalty case as the rules need it."""

    filed_on: date | None = None
    officers: tuple[Officer, ...] = ()
    evidence_on: tuple[date, ...] = ()
    notice_issued_on: date | None = None
    notice_services: tuple[ServiceFacts, ...] = ()
    statement_on: date | None = None  # statement / defence received
    waived_on: date | None = None  # the party expressly waived statement and hearing
    hearing: Hearing = Hearing()
    collective_discussion_on: date | None = None
    legal_review_on: date | None = None
    extended_on: date | None = None  # the head approved extending the decision period
    decided_on: date | None = None
    decided_by: str | None = None
    decision_services: tuple[ServiceFacts, ...] = ()
    published_on: date | None = None
    custody: tuple[CustodyRecord, ...] = ()
    serious_listed_on: date | None = None
    revoked_on: date | None = None
    closed_on: date | None = None
    closing_reasons: tuple[str, ...] = ()

    @property
    def status(self) -> CaseStatus:
        if self.closed_on is not None:
            return CaseStatus.CLOSED
        if self.decided_on is not None:
            return CaseStatus.DECIDED
        return CaseStatus.OPEN

    @property
    def officer_ids(self) -> frozenset[str]:
        return frozenset(o.user_id for o in self.officers)


def service_date(service: ServiceFacts) -> date | None:
    """The day a service was made (an announcement: published; else served or sent)."""
    if service.method is ServiceMethod.ANNOUNCEMENT:
        return service.published_on
    return service.served_on or service.sent_on
