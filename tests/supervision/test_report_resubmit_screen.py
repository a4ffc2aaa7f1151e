"""Pilot test at 80x24 (report mode: accepted / returned): a report returned without a
grade and brought back is received on the day it comes back (the intake date is not the
first submission's, which would read as on time); once received, the page says it waits
for the reviewer and offers only the correction of the intake."""

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
