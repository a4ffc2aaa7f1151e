"""Evaluation (Order 39) through the services: the eligibility check at application
(基本合格 two years running refused; two full years registered), the process with four
eyes, review during publicity, five-year validity, expiry queue, lowering and cancelling
with a reason; statistics count granted grades only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from mca_tui.reports.stats import year_stats
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.services.supervision import evaluation
from mca_tui.storage.models import AnnualReport, AuditEvent, SupervisionRecord
from tests.supervision.h10_helpers import add, org, people, reasons

ON = date(2024, 9, 2)


def _report(ctx, org_id, year, conclusion):
    add(ctx, AnnualReport(office_id=ctx.actor.office_id, organization_id=org_id,
                          report_year=year, submitted_on=date(year + 1, 4, 10),
                          conclusion=conclusion, concluded_on=date(year + 1, 5, 20)))


def _keys(err):
    return reasons(err)


def test_refused_for_basic_pass_two_years_running_nothing_written(ctx, make_ctx):
    a = org(ctx, "两年基本合格协会", date(2015, 3, 1))
    _report(ctx, a, 2022, "basic_pass")
    _report(ctx, a, 2023, "basic_pass")
    p = people(make_ctx, today=ON)
    with ctx.db.read() as s:
        before = len(s.exec(select(AuditEvent)).all())
    with pytest.raises(ValidationFailed) as err:
        evaluation.apply(p["clerk"], a, ON)
    assert "supervision.reason.eval_basic_pass_two_years" in _keys(err)
    with ctx.db.read() as s:
        assert len(s.exec(select(AuditEvent)).all()) == before
        assert s.exec(select(SupervisionRecord)).first() is None
    # 合格 then 基本合格 is eligible
    b = org(ctx, "一年基本合格协会", date(2015, 3, 1))
    _report(ctx, b, 2022, "pass")
    _report(ctx, b, 2023, "basic_pass")
    assert evaluation.eligibility(p["clerk"], b, ON) == []


def test_two_full_years_registered(ctx, make_ctx):
    p = people(make_ctx, today=ON)
    early = org(ctx, "元旦成立协会", date(2022, 1, 1))
    late = org(ctx, "一月二日成立协会", date(2022, 1, 2))
    for o in (early, late):
        _report(ctx, o, 2022, "pass")
        _report(ctx, o, 2023, "pass")
    assert evaluation.eligibility(p["clerk"], early, ON) == []
    assert [r.code for r in evaluation.eligibility(p["clerk"], late, ON)] == [
        "eval_not_two_years"]


def test_whole_process_validity_expiry_and_grade_changes(ctx, make_ctx, settings):
    a = org(ctx, "海沧评估协会", date(2015, 3, 1))
    _report(ctx, a, 2022, "pass")
    _report(ctx, a, 2023, "pass")
    p = people(make_ctx, today=ON)
    rid = evaluation.apply(p["clerk"], a, ON)
    assert year_stats(ctx.db, settings, 2024).evaluation == 0  # an application
    with pytest.raises(PermissionDenied):
        evaluation.assess(p["clerk"], rid, on=ON)
    evaluation.assess(p["reviewer"], rid, on=ON, note="实地考察", score=920)
    with pytest.raises(PermissionDenied):
        evaluation.decide_grade(p["reviewer"], rid, "4A", on=ON, publicity_to=date(2024, 9, 9))
    evaluation.decide_grade(p["approver"], rid, "4A", on=ON, publicity_to=date(2024, 9, 9))
    with pytest.raises(ValidationFailed) as err:  # after the publicity period
        evaluation.request_review(p["clerk"], rid, requested_on=date(2024, 9, 10),
                                  reason="对扣分有异议")
    assert "supervision.reason.eval_review_outside_publicity" in _keys(err)
    evaluation.request_review(p["clerk"], rid, requested_on=date(2024, 9, 9), reason="对扣分有异议")
    boss2 = make_ctx("boss2", *p["approver"].actor.roles, today=ON)
    with pytest.raises(PermissionDenied):  # the approver who decided may not review
        evaluation.decide_review(p["approver"], rid, on=ON, grade="5A", note="维持")
    notify_by = evaluation.decide_review(boss2, rid, on=ON, grade="4A", note="维持原等级")
    assert notify_by >= date(2024, 9, 17)
    until = evaluation.confirm(p["approver"], rid, on=date(2024, 9, 20))
    assert until.year == 2029
    [view] = evaluation.evaluations_of(p["clerk"], a)
    assert view.status == "granted" and view.grade == "4A" and view.valid_until == until
    assert year_stats(ctx.db, settings, 2024).evaluation == 1
    # expiry queue: not now, but within the window before the end
    assert evaluation.expiring(p["clerk"], date(2025, 1, 1)) == []
    [row] = evaluation.expiring(p["clerk"], date(2029, 6, 1))
    assert row.record_id == rid and row.days_left > 0
    # lowering needs a known reason and a lower grade; cancelling a written reason
    with pytest.raises(ValidationFailed):
        evaluation.lower(p["approver"], rid, "5A", reason="penalty")
    with pytest.raises(ValidationFailed):
        evaluation.lower(p["approver"], rid, "3A", reason="other")
    evaluation.lower(p["approver"], rid, "3A", reason="penalty", on=date(2024, 10, 1))
    assert evaluation.evaluations_of(p["clerk"], a)[0].grade == "3A"
    with pytest.raises(ValidationFailed):
        evaluation.cancel(p["approver"], rid, reason="other", reason_text="")
    evaluation.cancel(p["approver"], rid, reason="other", reason_text="弄虚作假骗取等级",
                      on=date(2024, 10, 8))
    assert evaluation.evaluations_of(p["clerk"], a)[0].status == "cancelled"
    assert evaluation.expiring(p["clerk"], date(2029, 6, 1)) == []
