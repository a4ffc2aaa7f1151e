"""Evaluation (社会组织评估, MCA Order 39, domain.md §7), through the table ``EVALUATION``:
application (the eligibility check of Art 6–7: refused with its reasons, nothing
written) → assessment (reviewer, not the clerk who took the application) → grade decided
and publicized (approver) → review requested during the publicity period (Art 20) and
decided → confirmed (the grade is granted, valid 5 years, Art 28) → lowered or cancelled
with its reason.

Storage: a ``SupervisionRecord`` of kind ``evaluation``: ``record_date`` the application
day until the grant, then the grant day; ``grade`` and ``valid_until`` once granted
(``trigger`` is ``application`` until then: statistics count granted grades in the
year of the grant; the expiry queue reads ``valid_until``); ``details_json``: ``status`` (``EvaluationState``), ``applied_on``,
``proposed_grade``, ``publicity_from`` / ``publicity_to``, ``review``, ``changes``
(lowering / cancelling with reason), ``steps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from mca_tui.domain.calendar import add_years
from mca_tui.domain.enums import (
    AnnualReportStatus,
    CreditListKind,
    EvaluationGrade,
    ReportConclusion,
    SupervisionKind,
)
from mca_tui.domain.supervision import annual_report as ar
from mca_tui.domain.supervision import evaluation as rules
from mca_tui.domain.supervision.common import Reason, SupervisionRuleError
from mca_tui.domain.supervision.workflows import EVALUATION, EvaluationState
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.services.supervision import _rows
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    AnnualReport,
    CreditListEntry,
    Organization,
    PenaltyCase,
    SupervisionRecord,
)

KIND = SupervisionKind.EVALUATION.value
PENDING_TRIGGER = "application"  # reports.stats.PENDING_EVALUATION_TRIGGER: not counted
EV = EvaluationState

__all__ = ["EvaluationView", "apply", "assess", "cancel", "confirm", "decide_grade",
           "decide_review", "eligibility", "evaluations_of", "expiring", "lower",
           "refuse", "request_review"]


@dataclass(frozen=True)
class EvaluationView:
    id: str
    organization_id: str
    organization_name: str
    status: str
    applied_on: date | None
    proposed_grade: str | None
    grade: str | None
    granted_on: date | None
    valid_until: date | None
    publicity: tuple[date, date] | None
    actions: tuple[str, ...]


def _view(ctx: ServiceContext, row: SupervisionRecord, org: Organization) -> EvaluationView:
    d = _rows.details(row)
    status = str(d.get("status") or (EV.GRANTED.value if row.grade else ""))
    pub = (date.fromisoformat(d["publicity_from"]), date.fromisoformat(d["publicity_to"])) \
        if d.get("publicity_from") and d.get("publicity_to") else None
    from mca_tui.services import workflow as wf

    return EvaluationView(
        row.id, org.id, org.name, status,
        date.fromisoformat(d["applied_on"]) if d.get("applied_on") else None,
        d.get("proposed_grade"), row.grade,
        row.record_date if row.grade else None, row.valid_until, pub,
        wf.available_actions(ctx, EVALUATION, status,
                             _rows.history(EVALUATION, d.get("steps", []))) if status else ())


def evaluations_of(ctx: ServiceContext, org_id: str) -> list[EvaluationView]:
    ctx.permit("supervision.read")
    with ctx.db.read() as s:
        org = _rows.organization(s, org_id)
        rows = s.exec(select(SupervisionRecord).where(
            SupervisionRecord.organization_id == org_id, SupervisionRecord.kind == KIND)
            .order_by(col(SupervisionRecord.record_date).desc())).all()
        return [_view(ctx, r, org) for r in rows]


def _last_grant(s: Session, org_id: str) -> rules.Grant | None:
    rows = s.exec(select(SupervisionRecord).where(
        SupervisionRecord.organization_id == org_id, SupervisionRecord.kind == KIND,
        col(SupervisionRecord.grade).is_not(None))
        .order_by(col(SupervisionRecord.record_date).desc())).all()
    for row in rows:
        try:
            grade = EvaluationGrade(row.grade or "")  # no grade: not a grant
        except ValueError:
            continue
        d = _rows.details(row)
        cancelled = d.get("cancelled_on")
        return rules.Grant(grade, row.record_date,
                           date.fromisoformat(cancelled) if cancelled else None)
    return None


def _facts(ctx: ServiceContext, s: Session, org: Organization, on: date) -> rules.EvaluationFacts:
    facts = _rows.facts(org)
    reports: dict[int, AnnualReportStatus | ReportConclusion | None] = {}
    rows = {r.report_year: r for r in s.exec(select(AnnualReport).where(
        AnnualReport.organization_id == org.id, AnnualReport.report_year >= on.year - 3))}
    for year in range(on.year - 3, on.year):
        r = rows.get(year)
        conclusion = None
        if r is not None and r.conclusion:
            try:
                conclusion = ReportConclusion(r.conclusion)
            except ValueError:
                conclusion = None
        if conclusion is not None and conclusion is not ReportConclusion.NOT_SUBMITTED:
            reports[year] = conclusion
            continue
        report = ar.ReportFacts(r.submitted_on, conclusion) if r is not None else None
        status = ar.report_status(facts, year, report, on, ctx.calendar, ctx.settings.legal)
        reports[year] = (ReportConclusion.NOT_SUBMITTED if conclusion is not None
                         and status is AnnualReportStatus.OVERDUE else status)
    penalties = [rules.PenaltyFact(p.decided_on, p.closed_on is not None)
                 for p in s.exec(select(PenaltyCase).where(
                     PenaltyCase.organization_id == org.id,
                     col(PenaltyCase.decided_on).is_not(None))).all()
                 if p.decided_on is not None  # selected above (for the type checker)
                 and p.decision and p.decision not in ("no_penalty", "dropped")]
    open_cases = s.exec(select(PenaltyCase.id).where(
        PenaltyCase.organization_id == org.id, PenaltyCase.status == "open")).first()
    listed = s.exec(select(CreditListEntry.id).where(
        CreditListEntry.organization_id == org.id,
        CreditListEntry.listed_on <= on,
        col(CreditListEntry.list_kind).in_([k.value for k in CreditListKind]),
        (col(CreditListEntry.removed_on).is_(None)) | (col(CreditListEntry.removed_on) > on))).first()
    return rules.EvaluationFacts(org=facts, reports=reports, penalties=penalties,
                                 under_investigation=open_cases is not None,
                                 on_credit_list=listed is not None,
                                 last_grant=_last_grant(s, org.id))


def eligibility(ctx: ServiceContext, org_id: str, applied_on: date | None = None) -> list[Reason]:
    """Reasons the organization may not be evaluated (empty: eligible), each naming its
    article (Order 39 Art 6–7). Nothing is written."""
    ctx.permit("supervision.read")
    on = applied_on or ctx.today()
    with ctx.db.read() as s:
        org = _rows.organization(s, org_id)
        return rules.check_eligibility(_facts(ctx, s, org, on), on, ctx.calendar,
                                       ctx.settings.legal)


def apply(ctx: ServiceContext, org_id: str, applied_on: date | None = None) -> str:
    """Take an application (clerk) after the eligibility check; an ineligible
    organization is refused with every reason (ValidationFailed, nothing written)."""
    on = applied_on or ctx.today()
    _rows.not_future(ctx, "applied_on", on)
    reasons = eligibility(ctx, org_id, on)
    if reasons:
        raise _rows.rule_failed("eligibility", reasons)
    rid = new_id()
    with ctx.unit("evaluation.apply", subject=Subject("supervision_record", rid,
                                                      organization_id=org_id)) as unit:
        _rows.check_new(ctx, EVALUATION, "evaluation.apply")
        row = SupervisionRecord(id=rid, office_id=ctx.actor.office_id, organization_id=org_id,
                                kind=KIND, record_date=on, trigger=PENDING_TRIGGER)
        _rows.set_details(row, {"status": EV.APPLIED.value, "applied_on": on.isoformat()})
        _rows.add_step(ctx, row, "applied", on)
        unit.session.add(row)
        unit.record("supervision_record", rid, None,
                    {"kind": KIND, "status": EV.APPLIED.value, "applied_on": on.isoformat()},
                    organization_id=org_id)
        from mca_tui.services import dormancy  # applying for evaluation is activity (Z2)

        dormancy.refresh(unit, ctx, org_id)
    return rid


def _step(ctx: ServiceContext, action: str, record_id: str, on: date, *,
          update: dict[str, Any] | None = None, **extra: object) -> SupervisionRecord:
    with ctx.unit(action, subject=Subject("supervision_record", record_id)) as unit:
        row = _rows.load(unit.session, record_id, KIND)
        before = _rows.details(row).get("status")
        _rows.move(ctx, EVALUATION, action, row, on, **extra)
        data = _rows.details(row)
        data.update(update or {})
        _rows.set_details(row, data)
        unit.session.add(row)
        unit.record("supervision_record", record_id, {"status": before},
                    {"status": data["status"], **{k: str(v) for k, v in (update or {}).items()}})
        return row


def refuse(ctx: ServiceContext, record_id: str, reason: str) -> None:
    """The reviewer refuses the application (a fact found after it was taken)."""
    reason = _rows.require_text("reason", reason)
    _step(ctx, "evaluation.refuse", record_id, ctx.today(), update={"refusal": reason})


def assess(ctx: ServiceContext, record_id: str, *, on: date, note: str = "",
           score: int | None = None) -> None:
    """Field visit and preliminary view (实地考察、初评), by a reviewer."""
    _rows.not_future(ctx, "on", on)
    _step(ctx, "evaluation.assess", record_id, on,
          update={"assessed_on": on.isoformat(), "assessment": note.strip(), "score": score})


def _grade(value: str) -> EvaluationGrade:
    try:
        return EvaluationGrade(value)
    except ValueError:
        raise ValidationFailed([FieldProblem("grade", "sv.error.choice",
                                             {"value": value})]) from None


def decide_grade(ctx: ServiceContext, record_id: str, grade: str, *, on: date,
                 publicity_to: date) -> None:
    """The evaluation committee's grade, publicized from ``on`` to ``publicity_to``
    (approver)."""
    g = _grade(grade)
    if publicity_to < on:
        raise ValidationFailed([FieldProblem("publicity_to", "sv.error.publicity_end")])
    _step(ctx, "evaluation.decide_grade", record_id, on,
          update={"proposed_grade": g.value, "publicity_from": on.isoformat(),
                  "publicity_to": publicity_to.isoformat()})


def request_review(ctx: ServiceContext, record_id: str, *, requested_on: date,
                   reason: str) -> None:
    """A written review request (复核) during the publicity period (Art 20), by the clerk."""
    reason = _rows.require_text("reason", reason)
    with ctx.db.read() as s:
        d = _rows.details(_rows.load(s, record_id, KIND))
    if d.get("publicity_from") and d.get("publicity_to"):
        found = rules.check_review_request(requested_on, date.fromisoformat(d["publicity_from"]),
                                           date.fromisoformat(d["publicity_to"]))
        if found is not None:
            raise _rows.rule_failed("requested_on", [found])
    _step(ctx, "evaluation.request_review", record_id, requested_on,
          update={"review": {"requested_on": requested_on.isoformat(), "reason": reason}})


def decide_review(ctx: ServiceContext, record_id: str, *, on: date, grade: str,
                  note: str) -> date:
    """The review decision (approver, not the one who decided the grade); returns the day
    by which it must be notified in writing (15 days, Art 23)."""
    g = _grade(grade)
    note = _rows.require_text("note", note)
    with ctx.db.read() as s:
        d = _rows.details(_rows.load(s, record_id, KIND))
    review = dict(d.get("review") or {})
    due = rules.review_notice_deadline(on, ctx.calendar).due
    review.update({"decided_on": on.isoformat(), "grade": g.value, "note": note,
                   "notify_by": due.isoformat()})
    _step(ctx, "evaluation.decide_review", record_id, on,
          update={"review": review, "proposed_grade": g.value})
    return due


def confirm(ctx: ServiceContext, record_id: str, *, on: date) -> date:
    """The bureau confirms and announces the grade (approver): granted on ``on``, valid
    through 5 years (Art 28). Returns the last day of validity."""
    with ctx.unit("evaluation.confirm", subject=Subject("supervision_record", record_id)) as unit:
        row = _rows.load(unit.session, record_id, KIND)
        d = _rows.details(row)
        g = _grade(str(d.get("proposed_grade") or ""))
        _rows.move(ctx, EVALUATION, "evaluation.confirm", row, on)
        until = rules.grade_valid_until(on, ctx.calendar)
        row.grade, row.record_date, row.valid_until = g.value, on, until
        row.trigger = "granted"  # counted by the statistics from now on
        row.outcome = "granted"
        unit.session.add(row)
        unit.record("supervision_record", record_id, {"grade": None},
                    {"grade": g.value, "granted_on": on.isoformat(),
                     "valid_until": until.isoformat(),
                     "certificate_and_plaque": rules.gets_certificate_and_plaque(g)})
    return until


def _change(ctx: ServiceContext, action: str, record_id: str, new_grade: str | None,
            reason: str, reason_text: str, on: date) -> None:
    with ctx.unit(action, subject=Subject("supervision_record", record_id)) as unit:
        row = _rows.load(unit.session, record_id, KIND)
        d = _rows.details(row)
        if not row.grade:
            raise ValidationFailed([FieldProblem("grade", "sv.error.no_grade")])
        cancelled = d.get("cancelled_on")
        current = rules.Grant(EvaluationGrade(row.grade), row.record_date,
                              date.fromisoformat(cancelled) if cancelled else None)
        g = _grade(new_grade) if new_grade is not None else None
        try:
            rules.check_grade_change(current, g, reason, reason_text)
        except SupervisionRuleError as exc:
            raise _rows.from_rule_error("reason", exc) from None
        if not d.get("status"):  # an imported grade: it was granted
            d["status"] = EV.GRANTED.value
            _rows.set_details(row, d)
        _rows.move(ctx, EVALUATION, action, row, on, reason=reason)
        d = _rows.details(row)
        d.setdefault("changes", []).append({
            "on": on.isoformat(), "from": row.grade, "to": g.value if g else None,
            "reason": reason, "text": reason_text.strip()})
        before = row.grade
        if g is None:
            d["cancelled_on"] = on.isoformat()
            row.outcome = "cancelled"
        else:
            row.grade = g.value
            row.outcome = "lowered"
        _rows.set_details(row, d)
        unit.session.add(row)
        unit.record("supervision_record", record_id, {"grade": before},
                    {"grade": g.value if g else None, "reason": reason,
                     "text": reason_text.strip(), "on": on.isoformat()})


def lower(ctx: ServiceContext, record_id: str, new_grade: str, *, reason: str,
          reason_text: str = "", on: date | None = None) -> None:
    """Lower a grade (approver) for 不合格 last year, 基本合格 two years running, a
    penalty, or another reason written out (domain.md §7)."""
    _change(ctx, "evaluation.lower", record_id, new_grade, reason, reason_text,
            on or ctx.today())


def cancel(ctx: ServiceContext, record_id: str, *, reason: str, reason_text: str,
           on: date | None = None) -> None:
    """Cancel a grade (approver), always with its reason written out."""
    _change(ctx, "evaluation.cancel", record_id, None, reason, reason_text, on or ctx.today())


@dataclass(frozen=True)
class ExpiringRow:
    record_id: str
    organization_id: str
    name: str
    grade: str
    valid_until: date
    days_left: int


def expiring(ctx: ServiceContext, today: date | None = None) -> list[ExpiringRow]:
    """Grades expiring within the configured window or expired (the home queue)."""
    ctx.permit("supervision.read")
    today = today or ctx.today()
    # Only grades granted early enough to expire within the window can be listed (the
    # validity is 5 years, rolled forward to a working day, so never earlier than the
    # anniversary; two days' margin for 29 February), and only an organization's latest
    # grade counts: read those alone, over the (kind, record_date) index, instead of
    # every evaluation of the register (issue 12: home queue counts).
    window = ctx.settings.legal.evaluation_expiry_queue_days
    horizon = add_years(today + timedelta(days=window), -5) + timedelta(days=2)
    newer = aliased(SupervisionRecord)
    superseded = exists().where(col(newer.organization_id) == col(SupervisionRecord.organization_id),
                                col(newer.kind) == KIND, col(newer.grade).is_not(None),
                                col(newer.record_date) > col(SupervisionRecord.record_date))
    with ctx.db.read() as s:
        rows = s.exec(select(SupervisionRecord, Organization)
                      .join(Organization, col(Organization.id) == col(SupervisionRecord.organization_id))
                      .where(SupervisionRecord.kind == KIND,
                             col(SupervisionRecord.grade).is_not(None),
                             col(SupervisionRecord.record_date) <= horizon, ~superseded,
                             Organization.status == "active")
                      .order_by(col(SupervisionRecord.record_date))).all()
    latest: dict[str, tuple[SupervisionRecord, Organization]] = {}
    for rec, org in rows:
        latest[org.id] = (rec, org)
    grants = {}
    for oid, (rec, _org) in latest.items():
        try:
            grade = EvaluationGrade(rec.grade or "")  # no grade: not a grant
        except ValueError:
            continue
        c = _rows.details(rec).get("cancelled_on")
        grants[oid] = rules.Grant(grade, rec.record_date, date.fromisoformat(c) if c else None)
    queue = rules.expiry_queue(grants, today, ctx.calendar, ctx.settings.legal)
    return [ExpiringRow(latest[e.organization_id][0].id, e.organization_id,
                        latest[e.organization_id][1].name, e.grade.value, e.valid_until,
                        e.days_left) for e in queue]
