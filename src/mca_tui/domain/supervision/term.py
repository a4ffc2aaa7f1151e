"""A change of term (换届) of an organization's council or board, as filed with the
registration authority.

The law and domain.md say:
- The term is not a registered item (登记事项, domain.md §1.4: [S1] Art 12, [S2] Art 12,
  [S3] Art 11 list name, domicile, purpose, scope, area, legal representative, funds and
  supervisory unit), so a change of term is not a 变更登记: it is an event recorded on the
  organization's record. A new legal representative elected with the new term is a
  registered item and still needs its own change registration ([S1] Art 18).
- Before a change of term, the authority and the supervisory unit organize a financial
  audit of a social group ([S1] Art 27 ¶2) and of a foundation ([S3] Art 37 ¶2); for a 民非
  the audit is tied to a new legal representative or responsible person only ([S2] Art 22
  ¶2). ``rectification.audit_trigger_for_change(["change_of_term"], type)`` answers which.
- A foundation's directors serve terms of at most five years ([S3] Art 20; domain.md §1.1).
  For social groups and 民非 the length is the charter's (no national figure is checked).

``check_term`` is the pure check the service runs before writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mca_tui.domain.calendar import add_years
from mca_tui.domain.enums import OrgType
from mca_tui.domain.supervision.common import S1, S3, Reason

__all__ = ["CHAIR_TITLES", "FOUNDATION_MAX_TERM_YEARS", "SECRETARY_TITLE", "VICE_TITLE", "Leader",
           "TermFacts", "check_term", "leaders_from", "term_audit_article"]

FOUNDATION_MAX_TERM_YEARS = 5  # [S3] Art 20
# The titles a chair may carry (理事长、会长、主席): the one leader a term must name; the
# vice chair's title that goes with each, and the secretary general's (stored as written in
# the register's language: the interview rules read them, rectification.INTERVIEW_TITLES).
CHAIR_TITLES = frozenset({"理事长", "会长", "主席"})
VICE_TITLE = {"理事长": "副理事长", "会长": "副会长", "主席": "副主席"}
SECRETARY_TITLE = "秘书长"


@dataclass(frozen=True)
class Leader:
    """One leading person of the new term: title as written (理事长, 副会长, 秘书长 …)."""

    title: str
    name: str
    id_number: str = ""


@dataclass(frozen=True)
class TermFacts:
    org_type: OrgType
    elected_on: date  # 换届大会 / 理事会
    starts_on: date
    ends_on: date | None
    leaders: tuple[Leader, ...]


def term_audit_article(org_type: OrgType) -> str:
    """The article requiring the audit before a change of term (none for a 民非)."""
    if org_type is OrgType.FOUNDATION:
        return f"{S3}第三十七条"
    if org_type is OrgType.SOCIAL_GROUP:
        return f"{S1}第二十七条"
    return ""


def check_term(facts: TermFacts, today: date) -> list[tuple[str, Reason]]:
    """(field, reason) for every problem: the election not in the future; the term not
    starting before the election and ending after it starts; a foundation's term at most
    five years ([S3] Art 20); a chair named (the term's leading person)."""
    out: list[tuple[str, Reason]] = []
    basis = "domain.md §2、§9"
    if facts.elected_on > today:
        out.append(("elected_on", Reason("term_elected_in_future", basis,
                                         {"on": facts.elected_on.isoformat()})))
    if facts.starts_on < facts.elected_on:
        out.append(("starts_on", Reason("term_starts_before_election", basis,
                                        {"on": facts.elected_on.isoformat()})))
    if facts.ends_on is not None and facts.ends_on <= facts.starts_on:
        out.append(("ends_on", Reason("term_ends_before_start", basis,
                                      {"on": facts.starts_on.isoformat()})))
    if (facts.org_type is OrgType.FOUNDATION and facts.ends_on is not None
            and facts.ends_on > add_years(facts.starts_on, FOUNDATION_MAX_TERM_YEARS)):
        out.append(("ends_on", Reason("term_too_long", f"{S3}第二十条",
                                      {"years": FOUNDATION_MAX_TERM_YEARS})))
    if not any(p.name.strip() and p.title.strip() in CHAIR_TITLES for p in facts.leaders):
        out.append(("chair", Reason("term_no_chair", basis)))
    return out


def leaders_from(chair_title: str, chair: str, vice_chairs: list[str],
                 secretary: str) -> list[Leader]:
    """The leading persons as a form gives them: the chair with its title, the vice chairs
    (their title follows the chair's) and the secretary general; blank names left out."""
    out = [Leader(chair_title, chair.strip())] if chair.strip() else []
    vice = VICE_TITLE.get(chair_title, f"副{chair_title}")
    out += [Leader(vice, n.strip()) for n in vice_chairs if n.strip()]
    if secretary.strip():
        out.append(Leader(SECRETARY_TITLE, secretary.strip()))
    return out
