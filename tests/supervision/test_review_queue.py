"""The reviewer's home queue of annual reports awaiting a conclusion (issue 10): the
count equals the list, and Enter on a row opens that report's page ready to conclude."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import OptionList

from mca_tui.domain.enums import Role
from mca_tui.services import queues, users
from mca_tui.services.supervision import annual_reports

from ..ui.conftest import sign_in, wait_until

SIZE = (80, 24)
TODAY = date(2025, 6, 16)
PASSWORD = "review-pass-1"


@pytest.fixture
def make_app(db, settings):
    from mca_tui.ui.app import McaApp

    return lambda: McaApp(settings, lambda: db, today=lambda: TODAY)


async def test_reviewer_opens_a_report_awaiting_its_conclusion_from_home(
        make_app, ctx, add_org, make_ctx):
    users.add_user(ctx, "rev", "黄丽芳", PASSWORD, ["reviewer"])
    first = add_org("海沧区书法协会", date(2020, 1, 1))
    second = add_org("海沧区篮球协会", date(2020, 1, 1))
    desk = make_ctx("desk", Role.CLERK, today=TODAY)
    annual_reports.receive(desk, second, 2024, received_on=date(2025, 3, 2))
    annual_reports.receive(desk, first, 2024, received_on=date(2025, 5, 20))
    concluded = annual_reports.receive(desk, add_org("海沧区围棋协会", date(2020, 1, 1)), 2024,
                                       received_on=date(2025, 3, 1))
    annual_reports.conclude(make_ctx("rev2", Role.REVIEWER, today=TODAY), concluded, "accepted",
                            concluded_on=TODAY)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "rev", PASSWORD)
        await wait_until(pilot, lambda: bool(getattr(app.screen, "summaries", None)))
        home = app.screen
        counts = {s.id: s.count for s in home.summaries}
        assert counts["reports_awaiting_conclusion"] == 2
        listed = queues.items(app.ctx, "reports_awaiting_conclusion")
        assert [(i.organization_id, i.year) for i in listed] == [(second, 2024), (first, 2024)]
        ids = [s.id for s in home.summaries]
        home.query_one("#queue-list", OptionList).highlighted = ids.index(
            "reports_awaiting_conclusion")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(getattr(app.screen, "items", [])) == 2)
        await pilot.press("enter")  # the first row: the report received first
        from mca_tui.ui.screens.annual_report import AnnualReportScreen

        await wait_until(pilot, lambda: isinstance(app.screen, AnnualReportScreen)
                         and app.screen.info is not None)
        page = app.screen
        assert page.organization_id == second and page.year == 2024
        assert page._mode() == "conclude"
