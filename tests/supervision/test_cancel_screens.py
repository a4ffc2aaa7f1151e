"""Pilot tests at 80x24: the approver withdraws a rectification order from the
organization's supervision screen (record, F8, then F10 on the order: a form asking the
reason is the confirmation; without a reason it is refused and stays) and cancels a
spot-check plan before its draw (F10 on the plan); a clerk is not offered the key; a
drawn plan is refused with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from mca_tui.domain.enums import Role
from mca_tui.services import users
from mca_tui.services.supervision import rectification, spot_checks
from mca_tui.storage.models import AuditEvent, SpotCheckPlanRow
from tests.supervision.h10_helpers import org
from tests.ui.conftest import TODAY, settle, sign_in, type_text, wait_until

SIZE = (80, 24)


@pytest.fixture
def make_app(db, settings):
    from mca_tui.ui.app import McaApp

    def make(**kw) -> McaApp:
        return McaApp(kw.pop("settings", settings), lambda: db, today=lambda: TODAY, **kw)

    return make


@pytest.fixture
def staff(ctx):
    users.add_user(ctx, "approver", "郑建国", "approver-pass-1", ["approver"])
    users.add_user(ctx, "clerk", "陈晓燕", "clerk-pass-1", ["clerk"])


def _text(widget: Static) -> str:
    rendered = widget.render()
    return getattr(rendered, "plain", str(rendered))


def _events(ctx, action: str) -> list[AuditEvent]:
    with ctx.db.read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


async def test_the_approver_withdraws_an_order_with_its_reason(make_app, staff, ctx, make_ctx):
    from mca_tui.ui.screens.supervision_forms import SupervisionForm
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

    a = org(ctx, "撤回整改测试协会")
    rev = make_ctx("rev7", Role.REVIEWER, today=TODAY)
    rid = rectification.order(rev, a, source="other", items=["补报材料"],
                              due_on=TODAY + timedelta(days=10))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "approver", "approver-pass-1")
        app.open_record(a)
        await settle(app, pilot)
        await pilot.press("f8")  # the record's 监督管理
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen)
                         and app.screen.query_one(DataTable).row_count == 1)
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, SupervisionForm))
        await pilot.press("f9")  # no reason: refused, the form stays
        await wait_until(pilot, lambda: _text(app.screen.query_one("#svf-problem-reason",
                                                                   Static)) != "")
        assert isinstance(app.screen, SupervisionForm) and _events(ctx, "rectification.cancel") == []
        app.screen.query_one("#svf-reason", Input).focus()
        await type_text(pilot, "误发")
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen)
                         and "已撤回" in str(app.screen.query_one(DataTable).get_row_at(0)[2]))
        await settle(app, pilot)
        assert "误发" in _text(app.screen.query_one("#svo-detail", Static))
        await pilot.press("f10")  # withdrawn already: said so, no form
        await wait_until(pilot, lambda: "不能撤回" in _text(app.screen.query_one("#svo-status",
                                                                              Static)))
        assert isinstance(app.screen, OrgSupervisionScreen)
    view = rectification.load_order(ctx, rid)
    assert view.status == "cancelled" and view.cancel_reason == "误发"
    [event] = _events(ctx, "rectification.cancel")
    assert event.note == "误发"


async def test_a_clerk_is_not_offered_the_withdrawal(make_app, staff, ctx, make_ctx):
    from mca_tui.ui.screens.supervision_forms import SupervisionForm
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

    a = org(ctx, "撤回整改测试协会")
    rev = make_ctx("rev7", Role.REVIEWER, today=TODAY)
    rectification.order(rev, a, source="other", items=["补报材料"],
                        due_on=TODAY + timedelta(days=10))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk", "clerk-pass-1")
        app.push_screen(OrgSupervisionScreen(app.ctx, a))
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen)
                         and app.screen.query_one(DataTable).row_count == 1)
        keys = {b.key for b in app.screen.active_bindings.values()
                if b.binding.action == "cancel_order" and b.enabled}
        assert keys == set()
        await pilot.press("f10")
        await settle(app, pilot)
        assert not isinstance(app.screen, SupervisionForm)
    assert _events(ctx, "rectification.cancel") == []


async def test_the_approver_cancels_a_plan_before_its_draw(make_app, staff, ctx, make_ctx):
    from mca_tui.ui.screens.spot_check import SpotCheckScreen
    from mca_tui.ui.screens.supervision_forms import SupervisionForm

    for i in range(10):
        org(ctx, f"海沧抽查测试协会{i:02d}")
    for i in range(2):
        make_ctx(f"officer{i}", Role.ENFORCEMENT, today=TODAY)
    planner = make_ctx("planner", Role.REVIEWER, today=TODAY)
    drawn = spot_checks.create_plan(planner, TODAY.year, "regular", "10", title="已抽取计划")
    spot_checks.approve(make_ctx("boss", Role.APPROVER, today=TODAY), drawn)
    spot_checks.draw(planner, drawn, seed="s")
    pid = spot_checks.create_plan(planner, TODAY.year, "regular", "10", title="重复的计划")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "approver", "approver-pass-1")
        app.open_procedure("spot_checks")
        await wait_until(pilot, lambda: isinstance(app.screen, SpotCheckScreen)
                         and app.screen.query_one("#spot-plans", DataTable).row_count == 2
                         and app.screen.plan is not None and app.screen.plan.id == pid)
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, SupervisionForm))
        await type_text(pilot, "与市局联合抽查重复")
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, SpotCheckScreen)
                         and app.screen.plan is not None
                         and app.screen.plan.status == "cancelled")
        await settle(app, pilot)
        assert "与市局联合抽查重复" in _text(app.screen.query_one("#spot-info", Static))
        await pilot.press("down")  # the drawn plan: refused with its reason, no form
        await wait_until(pilot, lambda: app.screen.plan is not None
                         and app.screen.plan.id == drawn)
        await pilot.press("f10")
        await wait_until(pilot, lambda: "不能取消" in _text(app.screen.query_one("#spot-status",
                                                                              Static)))
        assert isinstance(app.screen, SpotCheckScreen)
    with ctx.db.read() as s:
        assert s.get(SpotCheckPlanRow, pid).status == "cancelled"
        assert s.get(SpotCheckPlanRow, drawn).status == "drawn"
    assert len(_events(ctx, "spot_check.cancel")) == 1


async def test_the_deadline_queue_opens_the_order_due_first(make_app, ctx, make_ctx):
    """整改到期 (home queue of clerks and reviewers) -> Enter on the organization -> its
    supervision screen with the cursor on the open order due first (not the newest)."""
    from mca_tui.ui.screens.queue import QueueScreen
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

    users.add_user(ctx, "reviewer", "黄丽芳", "reviewer-pass-1", ["reviewer"])
    a = org(ctx, "整改到期测试协会")
    rev = make_ctx("rev7", Role.REVIEWER, today=TODAY)
    rectification.order(rev, a, source="other", items=["先到期的事项"],
                        due_on=TODAY + timedelta(days=5), ordered_on=TODAY - timedelta(days=9))
    rectification.order(rev, a, source="other", items=["后到期的事项"],
                        due_on=TODAY + timedelta(days=60))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "reviewer", "reviewer-pass-1")
        app.push_screen(QueueScreen(app.ctx, "rectifications"))
        await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen)
                         and app.screen.query_one(DataTable).row_count == 2)
        await settle(app, pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen)
                         and app.screen.query_one(DataTable).row_count == 2)
        await settle(app, pilot)
        assert app.screen.query_one(DataTable).cursor_row == 1  # newest first in the list
        assert "先到期的事项" in _text(app.screen.query_one("#svo-detail", Static))
