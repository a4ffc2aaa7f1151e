"""Pilot tests at 80x24 of the report page: a report returned without a grade (report
mode) and brought back is received on the day it comes back (the intake date is not the
first submission's, which would read as on time); once received, the page says it waits
for the reviewer and offers only the correction of the intake. A conclusion that ordered a
rectification offers F8 to the organization's supervision screen (where the order is)."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, Static

from mca_tui.domain.enums import Role
from mca_tui.services import users
from mca_tui.services.supervision import annual_reports
from tests.ui.conftest import settle, sign_in, wait_until

TODAY = date(2025, 6, 16)


@pytest.fixture
def make_app(db, settings):
    from mca_tui.ui.app import McaApp

    def make():  # noqa: ANN202
        return McaApp(settings, lambda: db, today=lambda: TODAY)

    return make


def _text(widget: Static) -> str:
    rendered = widget.render()
    return getattr(rendered, "plain", str(rendered))


async def test_a_returned_report_brought_back_is_received_today(make_app, ctx, make_ctx,
                                                                add_org):
    from mca_tui.ui.screens.annual_report import AnnualReportScreen

    users.add_user(ctx, "clerk", "陈晓燕", "clerk-pass-1", ["clerk"])
    a = add_org("海沧区退回年报测试协会", date(2018, 3, 1))
    rid = annual_reports.receive(make_ctx("desk", Role.CLERK, today=date(2025, 3, 10)), a, 2024,
                                 received_on=date(2025, 3, 10))
    annual_reports.conclude(make_ctx("rev", Role.REVIEWER, today=date(2025, 3, 20)), rid,
                            "returned", concluded_on=date(2025, 3, 20))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "clerk", "clerk-pass-1")
        app.push_screen(AnnualReportScreen(app.ctx, a, 2024))
        await wait_until(pilot, lambda: isinstance(app.screen, AnnualReportScreen)
                         and app.screen.query_one("#rp-received_on", Input).value != "")
        assert app.screen.query_one("#rp-received_on", Input).value == TODAY.isoformat()
        await pilot.press("f9")
        await wait_until(pilot, lambda: app.screen.info is not None
                         and app.screen.info.state == "received")
        await settle(app, pilot)
        assert "等待审核人员" in _text(app.screen.query_one("#rp-hint", Static))
        assert "更正" in _text(app.screen.query_one("#rp-intake-head", Static))
    info = annual_reports.get_report(ctx, a, 2024)
    assert info.submitted_on == TODAY


async def test_f8_opens_the_order_a_conclusion_made(make_app, ctx, make_ctx, add_org,
                                                    inspection_settings):
    from mca_tui.ui.app import McaApp
    from mca_tui.ui.screens.annual_report import AnnualReportScreen
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

    users.add_user(ctx, "clerk", "陈晓燕", "clerk-pass-1", ["clerk"])
    a = add_org("海沧区基本合格测试协会", date(2018, 3, 1))
    b = add_org("海沧区合格测试协会", date(2018, 3, 1))
    desk = make_ctx("desk", Role.CLERK, today=date(2025, 3, 10))
    for org_id in (a, b):
        annual_reports.receive(desk, org_id, 2024, received_on=date(2025, 3, 10))
    ctx_i = make_ctx("rev2", Role.REVIEWER, today=date(2025, 3, 20))
    ctx_i.settings = inspection_settings  # 年检 mode: 基本合格 orders a rectification
    rid_a = annual_reports.get_report(ctx, a, 2024).report_id
    annual_reports.conclude(ctx_i, rid_a, "basic_pass", concluded_on=date(2025, 3, 20),
                            items=["完善财务制度"], rectify_by=date(2025, 6, 30))
    annual_reports.conclude(ctx_i, annual_reports.get_report(ctx, b, 2024).report_id, "pass",
                            concluded_on=date(2025, 3, 20))
    app = McaApp(inspection_settings, lambda: ctx.db, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "clerk", "clerk-pass-1")
        app.push_screen(AnnualReportScreen(app.ctx, b, 2024))
        await wait_until(pilot, lambda: isinstance(app.screen, AnnualReportScreen)
                         and app.screen.info is not None)
        await pilot.press("f8")  # no order: nothing to open
        await settle(app, pilot)
        assert isinstance(app.screen, AnnualReportScreen)
        app.pop_screen()
        app.push_screen(AnnualReportScreen(app.ctx, a, 2024))
        await wait_until(pilot, lambda: isinstance(app.screen, AnnualReportScreen)
                         and app.screen.info is not None)
        await settle(app, pilot)
        assert "F8" in _text(app.screen.query_one("#rp-info", Static))
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen))
