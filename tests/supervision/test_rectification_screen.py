"""Pilot tests at 80x24: a reviewer orders a rectification from an organization's
supervision screen (opened from its record with F8); a refused form keeps what was
typed; the clerk records the item done with F9. The overdue proposal screen writes
nothing until it is confirmed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from mca_tui.services import users
from mca_tui.services.supervision import rectification
from mca_tui.storage.models import AuditEvent, CreditListEntry, SupervisionRecord
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
    users.add_user(ctx, "reviewer", "黄丽芳", "reviewer-pass-1", ["reviewer"])
    users.add_user(ctx, "approver", "郑建国", "approver-pass-1", ["approver"])
    users.add_user(ctx, "clerk", "陈晓燕", "clerk-pass-1", ["clerk"])


def _text(widget: Static) -> str:
    rendered = widget.render()
    return getattr(rendered, "plain", str(rendered))


async def test_order_from_the_record_then_complete_the_item(make_app, staff, ctx):
    from mca_tui.ui.screens.supervision_forms import SupervisionForm
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

    a = org(ctx, "海沧整改测试协会")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "reviewer", "reviewer-pass-1")
        app.open_record(a)
        await settle(app, pilot)
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen))
        await settle(app, pilot)
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, SupervisionForm))
        # source stays "other"; the items are left blank: refused, the form stays
        app.screen.query_one("#svf-due_on", Input).value = (
            TODAY + timedelta(days=30)).isoformat()
        await pilot.press("f9")
        await wait_until(pilot, lambda: _text(app.screen.query_one("#svf-problem-items",
                                                                   Static)) != "")
        assert isinstance(app.screen, SupervisionForm)
        assert app.screen.query_one("#svf-due_on", Input).value == (
            TODAY + timedelta(days=30)).isoformat()
        app.screen.query_one("#svf-items", Input).focus()
        await type_text(pilot, "补开理事会")
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen)
                         and app.screen.query_one(DataTable).row_count == 1)
    with ctx.db.read() as s:
        [order] = s.exec(select(SupervisionRecord)).all()
    assert order.kind == "rectification" and order.description == "补开理事会"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk", "clerk-pass-1")
        app.push_screen(OrgSupervisionScreen(app.ctx, a))
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen)
                         and app.screen.query_one(DataTable).row_count == 1)
        await pilot.press("f9")  # the item completed today
        await wait_until(pilot, lambda: isinstance(app.screen, SupervisionForm))
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen))
        await settle(app, pilot)
    view = rectification.load_order(ctx, order.id)
    assert view.items[0][1] == TODAY


async def test_overdue_proposal_writes_nothing_until_confirmed(make_app, staff, ctx, make_ctx):
    from mca_tui.domain.enums import Role
    from mca_tui.ui.screens.supervision_overdue import RectificationOverdueScreen

    a = org(ctx, "逾期整改测试协会")
    past = make_ctx("rev9", Role.REVIEWER, today=date(2026, 3, 2))
    rectification.order(past, a, source="other", items=["补报材料"], due_on=date(2026, 4, 1))
    with ctx.db.read() as s:
        events = len(s.exec(select(AuditEvent)).all())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "approver", "approver-pass-1")
        app.open_procedure("rectification_overdue")
        await wait_until(pilot, lambda: isinstance(app.screen, RectificationOverdueScreen)
                         and app.screen.query_one(DataTable).row_count == 1)
        await settle(app, pilot)
        with ctx.db.read() as s:  # the dry run wrote nothing (sign-in events aside)
            written = [e.action for e in s.exec(select(AuditEvent)).all()][events:]
        assert all(a.startswith("user.") for a in written), written
        await pilot.press("f9")
        await wait_until(pilot, lambda: not isinstance(app.screen, RectificationOverdueScreen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "1" in _text(app.screen.query_one("#svd-status",
                                                                           Static))
                         and isinstance(app.screen, RectificationOverdueScreen)
                         and "已列入" in _text(app.screen.query_one("#svd-status", Static)))
    with ctx.db.read() as s:
        [entry] = s.exec(select(CreditListEntry)).all()
    assert entry.organization_id == a and entry.ground == "rectification_overdue"


async def test_the_approver_extends_the_deadline_with_f9(make_app, staff, ctx, make_ctx):
    from mca_tui.domain.enums import Role
    from mca_tui.ui.screens.supervision_forms import SupervisionForm
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

    a = org(ctx, "延期整改测试协会")
    rev = make_ctx("rev8", Role.REVIEWER, today=TODAY)
    rid = rectification.order(rev, a, source="other", items=["补报材料"],
                              due_on=TODAY + timedelta(days=10))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "approver", "approver-pass-1")
        app.push_screen(OrgSupervisionScreen(app.ctx, a))
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen)
                         and app.screen.query_one(DataTable).row_count == 1)
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, SupervisionForm))
        assert app.screen.query_one("#svf-due_on", Input).value == (
            TODAY + timedelta(days=40)).isoformat()
        app.screen.query_one("#svf-reason", Input).focus()
        await type_text(pilot, "受疫情影响")
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen))
        await settle(app, pilot)
    assert rectification.load_order(ctx, rid).due_on == TODAY + timedelta(days=40)
