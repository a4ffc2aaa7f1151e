"""Interviews (约谈, 《社会组织登记管理机关行政执法约谈工作规定（试行）》, 民发〔2016〕39号).

Two steps, each one unit with one audit event:

1. ``notify``: the persons to interview and their roles (理事长/会长, 副理事长/副会长,
   秘书长 …, Art 4), the reason, the day and place; the notice (约谈通知书) is issued.
2. ``record``: who attended (an absent person explains in writing, Art 4), the record
   (约谈记录), the outcome (``InterviewOutcome``) and, when it orders one, the
   rectification (source ``interview``), written in the same unit. An interview never
   replaces a penalty (outcome ``case_proposed``).

Storage: a ``SupervisionRecord`` of kind ``interview``: ``record_date`` the interview day,
``trigger`` the reason (short), ``outcome``; ``details_json``: ``status``
(``notified`` / ``held``), ``persons`` ``[{"name", "role", "attended",
"absence_in_writing"}]``, ``reason``, ``place``, ``record``, ``document_id``,
``rectification_id``, ``steps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select

from mca_tui.domain.enums import InterviewRole, RectificationSource, SupervisionKind
from mca_tui.domain.supervision import rectification as rules
from mca_tui.domain.supervision.rectification import Interviewee, InterviewOutcome
from mca_tui.i18n import label
from mca_tui.services import documents
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.services.supervision import _rows
from mca_tui.services.supervision import rectification as orders
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import Organization, OrganizationPerson, Person, SupervisionRecord

KIND = SupervisionKind.INTERVIEW.value

__all__ = ["InterviewView", "candidates", "interviews_of", "notify", "record"]


@dataclass(frozen=True)
class InterviewView:
    id: str
    organization_id: str
    organization_name: str
    interview_on: date
    reason: str
    place: str
    persons: tuple[Interviewee, ...]
    status: str
    outcome: str
    record_text: str
    document_id: str | None
    rectification_id: str | None


def _persons(raw: list[Any]) -> tuple[Interviewee, ...]:
    out = []
    for p in raw:
        try:
            role = InterviewRole(p.get("role"))
        except ValueError:
            role = InterviewRole.SECRETARY_GENERAL
        out.append(Interviewee(str(p.get("name", "")), role, bool(p.get("attended", True)),
                               bool(p.get("absence_in_writing", False))))
    return tuple(out)


def _view(row: SupervisionRecord, org: Organization) -> InterviewView:
    d = _rows.details(row)
    return InterviewView(row.id, org.id, org.name, row.record_date, str(d.get("reason", "")),
                         str(d.get("place", "")), _persons(d.get("persons", [])),
                         str(d.get("status", "held")), row.outcome, str(d.get("record", "")),
                         d.get("document_id"), d.get("rectification_id"))


def interviews_of(ctx: ServiceContext, org_id: str) -> list[InterviewView]:
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        org = _rows.organization(s, org_id)
        rows = s.exec(select(SupervisionRecord).where(
            SupervisionRecord.organization_id == org_id, SupervisionRecord.kind == KIND)
            .order_by(col(SupervisionRecord.record_date).desc())).all()
        return [_view(r, org) for r in rows]


def candidates(ctx: ServiceContext, org_id: str) -> list[Interviewee]:
    """The organization's responsible persons Art 4 names, from their titles on the
    record (the clerk may add others with a role chosen explicitly)."""
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        rows = s.exec(select(OrganizationPerson, Person)
                      .join(Person, col(Person.id) == col(OrganizationPerson.person_id))
                      .where(OrganizationPerson.organization_id == org_id)).all()
    out = []
    for link, person in rows:
        if link.to_date is not None:
            continue
        role = rules.interview_role_for_title(link.title or "")
        if role is not None:
            out.append(Interviewee(person.name, role))
    return out


def notify(ctx: ServiceContext, org_id: str, *, interview_on: date, reason: str,
           persons: list[Interviewee], place: str = "") -> str:
    """Schedule the interview and issue its notice (约谈通知书). Returns the record id."""
    problems: list[FieldProblem] = []
    if not (reason or "").strip():
        problems.append(FieldProblem("reason", "sv.error.required"))
    problems += [_rows.reason_problem("persons", r)
                 for r in rules.check_interviewees(persons)]
    if problems:
        raise ValidationFailed(problems)
    rid = new_id()
    with ctx.unit("interview.notify", subject=Subject("supervision_record", rid,
                                                      organization_id=org_id)) as unit:
        s = unit.session
        org = _rows.organization(s, org_id)
        row = SupervisionRecord(id=rid, office_id=ctx.actor.office_id, organization_id=org_id,
                                kind=KIND, record_date=interview_on,
                                trigger=reason.strip()[:60], description=reason.strip())
        doc = documents.issue(unit, ctx, "interview_notice", issued_on=ctx.today(), data={
            "org_name": org.name, "org_type": org.org_type, "uscc": org.uscc or "",
            "reason": reason.strip(), "interview_on": interview_on,
            "place_text": f"在{place.strip()}" if place.strip() else "",
            "persons": [f"{p.name}（{label(p.role, 'zh')}）" for p in persons]})
        _rows.set_details(row, {
            "status": "notified", "reason": reason.strip(), "place": place.strip(),
            "persons": [{"name": p.name.strip(), "role": p.role.value, "attended": True,
                         "absence_in_writing": False} for p in persons],
            "document_id": doc.id})
        _rows.add_step(ctx, row, "notified", ctx.today())
        s.add(row)
        s.flush()
        unit.record("supervision_record", row.id, None,
                    {"kind": KIND, "interview_on": interview_on.isoformat(),
                     "reason": reason.strip(), "persons": [p.name for p in persons],
                     "notice": doc.number}, organization_id=org_id)
    return rid


def record(ctx: ServiceContext, interview_id: str, *, held_on: date, record_text: str,
           outcome: InterviewOutcome | str, attendance: list[Interviewee] | None = None,
           rectify_items: list[str] | None = None, rectify_by: date | None = None) -> str | None:
    """Record the interview held: attendance, record, outcome; an outcome
    ``rectification_ordered`` writes the order (source ``interview``) in the same unit.
    Returns the rectification id, if any."""
    problems: list[FieldProblem] = []
    try:
        outcome = InterviewOutcome(outcome)
    except ValueError:
        raise ValidationFailed([FieldProblem("outcome", "sv.error.choice",
                                             {"value": str(outcome)})]) from None
    if not (record_text or "").strip():
        problems.append(FieldProblem("record", "sv.error.required"))
    if held_on > ctx.today():
        problems.append(FieldProblem("held_on", "sv.error.date_in_future",
                                     {"on": held_on.isoformat()}))
    if attendance is not None:
        problems += [_rows.reason_problem("persons", r)
                     for r in rules.check_interviewees(attendance)]
    items = [i.strip() for i in (rectify_items or []) if i and i.strip()]
    draft = None
    if outcome is InterviewOutcome.RECTIFICATION_ORDERED or items:
        draft = rules.RectificationOrder(RectificationSource.INTERVIEW, held_on,
                                         rectify_by or held_on,
                                         tuple(rules.RectificationItem(i) for i in items))
        if rectify_by is None:
            problems.append(FieldProblem("rectify_by", "sv.error.required"))
    problems += [_rows.reason_problem("outcome", r)
                 for r in rules.check_interview_outcome(outcome, draft, held_on)]
    if problems:
        raise ValidationFailed(problems)
    rect_id = None
    with ctx.unit("interview.record", subject=Subject("supervision_record",
                                                      interview_id)) as unit:
        s = unit.session
        row = _rows.load(s, interview_id, KIND)
        data = _rows.details(row)
        if data.get("status") == "held":
            raise ValidationFailed([FieldProblem("interview", "sv.error.interview_held")])
        org = _rows.organization(s, row.organization_id)
        row.record_date = held_on
        row.outcome = outcome.value
        if attendance is not None:
            data["persons"] = [{"name": p.name.strip(), "role": p.role.value,
                                "attended": p.attended,
                                "absence_in_writing": p.absence_in_writing} for p in attendance]
        data.update({"status": "held", "record": record_text.strip()})
        _rows.set_details(row, data)
        _rows.add_step(ctx, row, "held", held_on)
        s.add(row)
        if draft is not None:
            assert rectify_by is not None
            rect = orders.open_order(unit, ctx, org, source=RectificationSource.INTERVIEW,
                                     items=items, due_on=rectify_by, ordered_on=held_on,
                                     source_ref=row.id)
            rect_id = rect.id
            data = _rows.details(row)
            data["rectification_id"] = rect_id
            _rows.set_details(row, data)
            s.add(row)
        unit.record("supervision_record", row.id, {"status": "notified"},
                    {"status": "held", "held_on": held_on.isoformat(),
                     "outcome": outcome.value, "rectification": rect_id})
    return rect_id
