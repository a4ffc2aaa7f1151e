"""Changes of term (换届) filed with the registration authority: the new term's dates and
its leading persons, recorded on the organization's record in one unit that also
proposes the financial audit a change of term calls for (trigger ``change_of_term``,
离任审计), exactly as the approval of a change of legal representative proposes its audit
(``services.supervision.audits.propose_for_change``).

Why a recorded event and not a 变更登记: the term is not a registered item (domain.md
§1.4; [S1] Art 12, [S2] Art 12, [S3] Art 11); the audit is required before a change of
term of a social group ([S1] Art 27 ¶2) or a foundation ([S3] Art 37 ¶2; domain.md §2, §9).
A 民非's change of term alone proposes no audit ([S2] Art 22 ¶2 names only a new legal
representative or responsible person). A new chair who is not the registered legal
representative is pointed out: that change needs its own change registration.

Storage: ``OrganizationTerm`` (the term) and one ``OrganizationPerson`` row of role
``leader`` per leading person (title as written; the previous term's leaders end the day
the new term starts), which the interview form reads as the persons to interview.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.domain.identifiers import validate_id_number
from mca_tui.domain.supervision.term import (
    CHAIR_TITLES,
    Leader,
    TermFacts,
    check_term,
    term_audit_article,
)
from mca_tui.domain.text import normalize_code, normalize_name, normalize_text
from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import FieldProblem, NotFound, ValidationFailed
from mca_tui.services.organizations import PersonInput, upsert_person
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import Organization, OrganizationPerson
from mca_tui.storage.models_summary import OrganizationTerm

ACTION = "term.record"
LEADER_ROLE = "leader"
RECORD_LANGUAGE = "zh"  # free text stored in records is in the register's language

__all__ = ["ACTION", "Leader", "TermResult", "TermView", "record_change_of_term", "terms_of"]


@dataclass(frozen=True)
class TermResult:
    term_id: str
    audit_id: str | None  # the financial audit proposed (None: none called for)
    audit_article: str
    legal_rep_differs: bool  # the new chair is not the registered legal representative


@dataclass(frozen=True)
class TermView:
    id: str
    term_number: int | None
    elected_on: date
    starts_on: date
    ends_on: date | None
    filed_on: date
    leaders: tuple[Leader, ...]


def _leaders(raw: list[Leader]) -> tuple[list[Leader], list[FieldProblem]]:
    out, problems = [], []
    for i, p in enumerate(raw):
        name, title = normalize_name(p.name), normalize_text(p.title)
        if not name:
            continue
        number = normalize_code(p.id_number) if p.id_number else ""
        if number and not validate_id_number(number).valid:
            problems.append(FieldProblem(f"leader{i}", "term.error.id_number",
                                         {"name": name, "number": number}))
        out.append(Leader(title, name, number))
    return out, problems


def record_change_of_term(ctx: ServiceContext, org_id: str, *, elected_on: date,
                          starts_on: date | None = None, ends_on: date | None = None,
                          leaders: list[Leader], term_number: int | None = None,
                          note: str = "") -> TermResult:
    """Record a change of term filed today (clerk or reviewer): the term, its leading
    persons and, for a social group or a foundation, the financial audit proposed with
    trigger ``change_of_term`` (one pending audit at most). Refused, with every problem
    under its field, for an election in the future, a term ending before it starts, a
    foundation's term over five years ([S3] Art 20), no chair named, or an organization
    no longer active."""
    today = ctx.today()
    starts_on = starts_on or elected_on
    people, problems = _leaders(leaders)
    with ctx.db.read() as s:
        org = s.get(Organization, org_id)
        if org is None:
            raise NotFound(what=org_id)
        org_type = OrgType(org.org_type)
        if org.status != OrgStatus.ACTIVE.value:
            problems.append(FieldProblem("organization", "term.error.not_active",
                                         {"status": t(f"enum.OrgStatus.{org.status}")}))
    facts = TermFacts(org_type, elected_on, starts_on, ends_on, tuple(people))
    from mca_tui.services.supervision import _rows

    problems += [_rows.reason_problem(f, r) for f, r in check_term(facts, today)]
    if term_number is not None and term_number < 1:
        problems.append(FieldProblem("term_number", "term.error.term_number"))
    if problems:
        raise ValidationFailed(problems)
    tid = new_id()
    with ctx.unit(ACTION, subject=Subject("organization_term", tid,
                                          organization_id=org_id)) as unit:
        s = unit.session
        org = s.get(Organization, org_id)
        assert org is not None  # read above; organizations are never deleted
        term = OrganizationTerm(
            id=tid, office_id=ctx.actor.office_id, organization_id=org_id,
            term_number=term_number, elected_on=elected_on, starts_on=starts_on,
            ends_on=ends_on, filed_on=today, note=normalize_text(note),
            leaders_json=json.dumps([{"title": p.title, "name": p.name,
                                      "id_number": p.id_number} for p in people],
                                    ensure_ascii=False))
        s.add(term)
        for link in s.exec(select(OrganizationPerson).where(
                OrganizationPerson.organization_id == org_id,
                OrganizationPerson.role == LEADER_ROLE,
                col(OrganizationPerson.to_date).is_(None))).all():
            link.to_date = starts_on  # the previous term's leaders
            s.add(link)
        for p in people:
            person = upsert_person(s, org.office_id, PersonInput(p.name, p.id_number or None))
            s.add(OrganizationPerson(office_id=org.office_id, organization_id=org_id,
                                     person_id=person.id, role=LEADER_ROLE, title=p.title,
                                     from_date=starts_on))
        s.flush()
        from mca_tui.services.supervision.audits import propose_for_change

        chair = next(p.name for p in people if p.title in CHAIR_TITLES)
        audit = propose_for_change(
            unit, ctx, org, ["change_of_term"], today,
            description=t("term.audit_description", RECORD_LANGUAGE,
                          elected_on=elected_on.isoformat(), chair=chair),
            details={"term_id": tid, "elected_on": elected_on.isoformat()})
        unit.record("organization_term", tid, None, {
            "term_number": term_number, "elected_on": elected_on.isoformat(),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
            "leaders": [f"{p.title} {p.name}" for p in people],
            "audit": audit.id if audit else None}, organization_id=org_id)
        differs = bool(org.legal_rep_name) and chair != org.legal_rep_name
    return TermResult(tid, audit.id if audit else None, term_audit_article(org_type), differs)


def terms_of(ctx: ServiceContext, org_id: str) -> list[TermView]:
    """The organization's recorded terms, newest first."""
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        rows = s.exec(select(OrganizationTerm)
                      .where(OrganizationTerm.organization_id == org_id)
                      .order_by(col(OrganizationTerm.starts_on).desc())).all()
        return [TermView(r.id, r.term_number, r.elected_on, r.starts_on, r.ends_on, r.filed_on,
                         tuple(Leader(str(x.get("title", "")), str(x.get("name", "")),
                                      str(x.get("id_number", "")))
                               for x in json.loads(r.leaders_json or "[]")))
                for r in rows]
