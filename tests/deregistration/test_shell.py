"""注销登记 reached in the real shell at 80x24: from the organization record (F10 申请注销)
and from the home queue of an approver (the file opens its own page)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, OptionList

from mca_tui.services import deregistration as dereg
from mca_tui.services import users
from mca_tui.ui.screens.deregistration import DeregistrationScreen
from mca_tui.ui.screens.record import RecordScreen
from tests.deregistration.conftest import add_org, dereg_form
from tests.ui.conftest import settle, sign_in, wait_until

SIZE = (80, 24)
PASSWORD = "dereg-pass-1"


@pytest.fixture
def make_app(db, settings):
    from mca_tui.ui.app import McaApp

    from .conftest import TODAY

    def make() -> McaApp:
        return McaApp(settings, lambda: db, today=lambda: TODAY)

    return make


async def test_record_offers_deregistration_to_the_clerk(make_app, ctx):
    users.add_user(ctx, "clerk", "陈晓燕", PASSWORD, ["clerk"])
    org_id = add_org(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk", PASSWORD)
        app.open_record(org_id)
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        assert "deregistration" in [p.id for p in app.screen.actions]
        keys = {b.binding.key: b.binding.description
                for b in app.active_bindings.values() if b.enabled}
        assert keys.get("f10") == "申请注销"
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, DeregistrationScreen)
                         and app.screen._loaded)
        assert app.screen.organization_id == org_id


async def test_approver_opens_the_file_from_the_home_queue(make_app, ctx, people):
    org_id = add_org(ctx)
    info = dereg.accept(people["clerk"], dereg.start(people["clerk"], org_id,
                                                     dereg_form()).id)
    dereg.review(people["reviewer"], info.id)
    users.add_user(ctx, "head", "郑建国", PASSWORD, ["approver"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "head", PASSWORD)
        home = app.screen
        counts = {s.id: s.count for s in home.summaries}
        assert counts["deregistration_decision"] == 1
        queue_list = home.query_one("#queue-list", OptionList)
        queue_list.highlighted = [s.id for s in home.summaries].index(
            "deregistration_decision")
        await pilot.press("enter")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[1]) == "注销登记待决定（行政许可法第四十二条）"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DeregistrationScreen)
                         and app.screen.info is not None)
        assert app.screen.info.id == info.id
        assert "deregistration.approve" in app.screen.info.actions
