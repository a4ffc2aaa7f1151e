"""Pilot tests of the spot-check screen at 80x24: the reviewer draws an approved plan from
the keyboard (F9, then Enter on the confirmation); the drawn organizations, their
inspectors and the seed appear, and the draw is the one the seed reproduces. The
organization supervision screen opens from the record with F8."""

from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable, Static

from mca_tui.domain.enums import Role
from mca_tui.services import users
from mca_tui.services.supervision import spot_checks
from mca_tui.storage.models import SpotCheckPlanRow
from tests.supervision.h10_helpers import org
from tests.ui.conftest import TODAY, settle, sign_in, wait_until

SIZE = (80, 24)
PASSWORD = "reviewer-pass-1"


@pytest.fixture
def make_app(db, settings):
    from mca_tui.ui.app import McaApp

    def make(**kw) -> McaApp:
        return McaApp(kw.pop("settings", settings), lambda: db, today=lambda: TODAY, **kw)

    return make


@pytest.fixture
def approved_plan(ctx, make_ctx):
    for i in range(30):
        org(ctx, f"海沧抽查测试协会{i:02d}")
    users.add_user(ctx, "reviewer", "黄丽芳", PASSWORD, ["reviewer"])
    for i in range(3):
        make_ctx(f"officer{i}", Role.ENFORCEMENT, today=TODAY)
    planner = make_ctx("planner", Role.REVIEWER, today=TODAY)
    approver = make_ctx("boss", Role.APPROVER, today=TODAY)
    pid = spot_checks.create_plan(planner, TODAY.year, "regular", "10")
    spot_checks.approve(approver, pid)
    return pid


def _text(app, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    rendered = widget.render()
    return getattr(rendered, "plain", str(rendered))


async def test_reviewer_draws_the_plan_from_the_keyboard(make_app, approved_plan, ctx):
    from mca_tui.ui.screens.spot_check import SpotCheckScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "reviewer", PASSWORD)
        app.open_procedure("spot_checks")
        await wait_until(pilot, lambda: isinstance(app.screen, SpotCheckScreen)
                         and app.screen.query_one("#spot-plans", DataTable).row_count == 1)
        assert "F9" in _text(app, "#spot-status")
        await pilot.press("f9")
        await wait_until(pilot, lambda: not isinstance(app.screen, SpotCheckScreen))
        await pilot.press("enter")  # confirm the draw
        await wait_until(pilot, lambda: isinstance(app.screen, SpotCheckScreen)
                         and app.screen.query_one("#spot-drawn", DataTable).row_count == 3)
        await settle(app, pilot)
        with ctx.db.read() as s:
            row = s.get(SpotCheckPlanRow, approved_plan)
        assert row.status == "drawn" and row.seed
        assert row.seed in _text(app, "#spot-info")
        table = app.screen.query_one("#spot-drawn", DataTable)
        inspectors = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert all(len(x.split("、")) == 2 for x in inspectors)
        # the draw the seed reproduces
        [check] = spot_checks.verify(ctx.db)
        assert check.reason is None and check.drawn == len(json.loads(row.drawn_json)) == 3


async def test_escape_on_the_confirmation_draws_nothing(make_app, approved_plan, ctx):
    from mca_tui.ui.screens.spot_check import SpotCheckScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "reviewer", PASSWORD)
        app.open_procedure("spot_checks")
        await wait_until(pilot, lambda: isinstance(app.screen, SpotCheckScreen)
                         and app.screen.query_one("#spot-plans", DataTable).row_count == 1)
        await pilot.press("f9")
        await wait_until(pilot, lambda: not isinstance(app.screen, SpotCheckScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SpotCheckScreen))
        await settle(app, pilot)
        with ctx.db.read() as s:
            assert s.get(SpotCheckPlanRow, approved_plan).status == "approved"


async def test_an_officer_records_a_result_and_exports_the_list(make_app, approved_plan, ctx,
                                                               make_ctx, settings):
    from mca_tui.ui.screens.spot_check import SpotCheckScreen
    from mca_tui.ui.screens.supervision_forms import SupervisionForm

    reviewer = make_ctx("planner", Role.REVIEWER, today=TODAY)
    spot_checks.draw(reviewer, approved_plan, seed="screen-seed")
    spot_checks.notify(make_ctx("clerk9", Role.CLERK, today=TODAY), approved_plan)
    plan = spot_checks.get_plan(ctx, approved_plan)
    first_org = plan.drawn[0][0]
    with ctx.db.read() as s:
        officer_id = json.loads(s.get(SpotCheckPlanRow, approved_plan).inspectors_json)[
            first_org][0]
    username = next(u.username for u in users.list_users(ctx) if u.id == officer_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, username, "password-123")
        app.open_procedure("spot_checks")
        await wait_until(pilot, lambda: isinstance(app.screen, SpotCheckScreen)
                         and app.screen.query_one("#spot-drawn", DataTable).row_count == 3)
        app.screen.query_one("#spot-drawn", DataTable).focus()
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, SupervisionForm))
        await pilot.press("f9")  # the assigned pair present, all items, no problem
        await wait_until(pilot, lambda: isinstance(app.screen, SpotCheckScreen))
        await wait_until(pilot, lambda: spot_checks.get_plan(ctx, approved_plan).results.get(
            first_org) == "no_problem")
        await pilot.press("f7")
        await settle(app, pilot)
        exports = list((settings.documents_path() / "exports").glob("spot-check-results-*"))
        assert len(exports) == 1
