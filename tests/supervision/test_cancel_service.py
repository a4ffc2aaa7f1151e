"""Cancelling a rectification order made in error and a spot-check plan before its draw
(the RECTIFICATION and SPOT_CHECK_PLAN tables' ``cancel``): the approver only, always with
a reason; refused in a state the table does not allow; one audit event each; a cancelled
order leaves the deadline queue, the abnormal-list proposal and what is left to rectify."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from mca_tui.services import queues
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.services.supervision import rectification, spot_checks
from mca_tui.services.workflow import WrongState
from mca_tui.storage.models import AuditEvent
from tests.supervision.h10_helpers import TODAY, officers, org, people


def _events(ctx, action):
    with ctx.db.read() as s:
        return s.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_approver_cancels_an_order_with_its_reason(ctx, make_ctx):
    a = org(ctx, "海沧书法协会")
    p = people(make_ctx)
    rid = rectification.order(p["reviewer"], a, source="other", items=["完善财务制度"],
                              due_on=TODAY - timedelta(days=1),
                              ordered_on=TODAY - timedelta(days=40))
    assert [i.name for i in queues.items(ctx, "rectifications", TODAY)] == ["海沧书法协会"]
    assert [r.proposal.order_ref for r in rectification.overdue_proposals(ctx, TODAY)] == [rid]
    with pytest.raises(PermissionDenied):  # the reviewer who ordered it may not
        rectification.cancel(p["reviewer"], rid, "误发")
    with pytest.raises(ValidationFailed) as err:  # no reason
        rectification.cancel(p["approver"], rid, "  ")
    assert err.value.problems[0].field == "reason"
    assert _events(ctx, "rectification.cancel") == []
    rectification.cancel(p["approver"], rid, "年报结论已调整为合格，误发整改通知")
    view = rectification.load_order(p["clerk"], rid)
    assert (view.status, view.state) == ("cancelled", "cancelled")
    assert view.cancel_reason == "年报结论已调整为合格，误发整改通知"
    [event] = _events(ctx, "rectification.cancel")
    assert event.note == "年报结论已调整为合格，误发整改通知"
    assert queues.items(ctx, "rectifications", TODAY) == []
    assert rectification.overdue_proposals(ctx, TODAY) == []
    with pytest.raises(WrongState):  # cancelled already: terminal
        rectification.cancel(p["approver"], rid, "再次撤回")
    assert len(_events(ctx, "rectification.cancel")) == 1


def test_a_verified_order_cannot_be_cancelled(ctx, make_ctx):
    a = org(ctx, "海沧书法协会")
    p = people(make_ctx)
    rid = rectification.order(p["reviewer"], a, source="other", items=["甲"],
                              due_on=TODAY + timedelta(days=30),
                              ordered_on=TODAY - timedelta(days=5))
    rectification.record_item(p["clerk"], rid, 0, TODAY - timedelta(days=1))
    rectification.report_completed(p["clerk"], rid, TODAY)
    rectification.verify(p["reviewer2"], rid, passed=True, on=TODAY)
    with pytest.raises(WrongState):
        rectification.cancel(p["approver"], rid, "误发")
    assert rectification.load_order(p["clerk"], rid).state == "verified"


def test_a_plan_is_cancelled_before_its_draw_only(ctx, make_ctx):
    for i in range(5):
        org(ctx, f"海沧测试社团{i}", date(2015, 1, 1))
    p = people(make_ctx)
    officers(make_ctx, 2)
    pid = spot_checks.create_plan(p["reviewer"], 2024, "regular", "50")
    with pytest.raises(PermissionDenied):
        spot_checks.cancel(p["reviewer"], pid, "重复")
    with pytest.raises(ValidationFailed):
        spot_checks.cancel(p["approver"], pid, "")
    spot_checks.cancel(p["approver"], pid, "与市局联合抽查重复")
    view = spot_checks.get_plan(p["clerk"], pid)
    assert view.status == "cancelled" and view.cancel_reason == "与市局联合抽查重复"
    assert view.actions == ()
    [event] = _events(ctx, "spot_check.cancel")
    assert event.note == "与市局联合抽查重复"
    # a drawn plan stays: the draw is public
    pid2 = spot_checks.create_plan(p["reviewer"], 2024, "regular", "50")
    spot_checks.approve(p["approver"], pid2)
    assert "spot_check.cancel" in spot_checks.get_plan(p["approver"], pid2).actions
    spot_checks.draw(p["reviewer"], pid2, seed="s")
    with pytest.raises(WrongState):
        spot_checks.cancel(p["approver"], pid2, "不抽了")
    assert spot_checks.get_plan(p["clerk"], pid2).status == "drawn"
