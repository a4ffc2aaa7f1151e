"""Pilot test at 80x24: an evaluation application for an organization concluded 基本合格 two
years running is refused in the form with the reason and its article (Order 39 Art 7);
nothing is written and the form stays open with what was typed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from mca_tui.services import users
from mca_tui.storage.models import AnnualReport, SupervisionRecord
from tests.supervision.h10_helpers import add, org
from tests.ui.conftest import TODAY, settle, sign_in, wait_until

SIZE = (80, 24)


@pytest.fixture
def make_app(db, settings):
    from mca_tui.ui.app import McaApp

    def make(**kw) -> McaApp:
        return McaApp(kw.pop("settings", settings), lambda: db, today=lambda: TODAY, **kw)

    return make


def _text(widget: Static) -> str:
    rendered = widget.render()
    return getattr(rendered, "plain", str(rendered))


async def test_refused_application_shows_the_reason_and_keeps_the_form(make_app, ctx):
    from mca_tui.ui.screens.supervision_forms import SupervisionForm
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

    users.add_user(ctx, "clerk", "陈晓燕", "clerk-pass-1", ["clerk"])
    a = org(ctx, "两年基本合格协会", date(2015, 3, 1))
    for year in (TODAY.year - 2, TODAY.year - 1):
        add(ctx, AnnualReport(office_id=ctx.actor.office_id, organization_id=a,
                              report_year=year, submitted_on=date(year + 1, 3, 10),
                              conclusion="basic_pass", concluded_on=date(year + 1, 4, 20)))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk", "clerk-pass-1")
        app.push_screen(OrgSupervisionScreen(app.ctx, a))
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen))
        await settle(app, pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, SupervisionForm))
        app.screen.query_one("#svf-applied_on", Input).value = "2026-05-29"
        await pilot.press("f9")
        await wait_until(pilot, lambda: "基本合格" in _text(
            app.screen.query_one("#svf-status", Static)))
        assert "第七条" in _text(app.screen.query_one("#svf-status", Static))
        assert isinstance(app.screen, SupervisionForm)
        assert app.screen.query_one("#svf-applied_on", Input).value == "2026-05-29"
    with ctx.db.read() as s:
        assert s.exec(select(SupervisionRecord)).first() is None
