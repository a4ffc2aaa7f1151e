"""The abnormal-list proposal for overdue rectification orders says why each order is
proposed: still open (what the 整改到期 queue counts) or completed after its deadline
(Order 60 ground (三): not completed on time); the open ones come first."""

from __future__ import annotations

from datetime import timedelta

from mca_tui.services.supervision import rectification
from tests.supervision.h10_helpers import TODAY, org, people


def test_open_orders_first_then_late_completions_with_their_day(ctx, make_ctx):
    p = people(make_ctx)
    late = org(ctx, "逾期完成协会")
    still = org(ctx, "仍未完成协会")
    on_time = org(ctx, "按期完成协会")
    r_late = rectification.order(p["reviewer"], late, source="other", items=["甲"],
                                 due_on=TODAY - timedelta(days=20),
                                 ordered_on=TODAY - timedelta(days=50))
    rectification.record_item(p["clerk"], r_late, 0, TODAY - timedelta(days=10))
    rectification.order(p["reviewer"], still, source="other", items=["乙"],
                        due_on=TODAY - timedelta(days=30), ordered_on=TODAY - timedelta(days=60))
    r_ok = rectification.order(p["reviewer"], on_time, source="other", items=["丙"],
                               due_on=TODAY - timedelta(days=5),
                               ordered_on=TODAY - timedelta(days=40))
    rectification.record_item(p["clerk"], r_ok, 0, TODAY - timedelta(days=6))
    rectification.report_completed(p["clerk"], r_ok, TODAY - timedelta(days=6))
    rectification.verify(p["reviewer2"], r_ok, passed=True, on=TODAY - timedelta(days=1))
    rows = rectification.overdue_proposals(ctx, TODAY)
    assert [(r.organization_name, r.completed_on) for r in rows] == [
        ("仍未完成协会", None), ("逾期完成协会", TODAY - timedelta(days=10))]
    assert not any(r.verification_failed for r in rows)
