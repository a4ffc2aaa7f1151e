"""The whole app (Pilot, 100x30): a 社会团体 from intake by a clerk, review by a reviewer,
approval by an approver, then found by search with its new code."""

from __future__ import annotations

from textual.widgets import Input, Static

from mca_tui.domain.enums import ApplicationStatus
from mca_tui.services import registration as reg
from mca_tui.services import users
from mca_tui.ui.screens.application import ApplicationScreen, ApplicationsScreen
from mca_tui.ui.screens.intake import IntakeScreen

from .helpers import FOUNDER_ID, TODAY, sg_form
from .test_screens import fill, settle

SIZE = (100, 30)
PASSWORD = "password-123"


def make_app(db, settings):  # noqa: ANN001, ANN201
    from mca_tui.ui.app import McaApp

    return McaApp(settings, lambda: db, today=lambda: TODAY)


async def sign_in(app, pilot, username: str) -> None:  # noqa: ANN001
    await settle(app, pilot, 0.2)
    await pilot.press(*username, "enter")
    await pilot.pause()
    await pilot.press(*PASSWORD, "enter")
    await settle(app, pilot, 0.2)


def text_of(app) -> str:  # noqa: ANN001
    out = []
    for w in app.screen.query(Static):
        r = w.render()
        out.append(getattr(r, "plain", str(r)))
    return "\n".join(out)


async def test_intake_review_approval_then_search_by_the_new_code(db, settings, ctx):
    users.add_user(ctx, "clerk", "陈晓燕", PASSWORD, ["clerk"])
    users.add_user(ctx, "reviewer", "黄丽芳", PASSWORD, ["reviewer"])
    users.add_user(ctx, "approver", "郑建国", PASSWORD, ["approver"])

    app = make_app(db, settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk")
        await pilot.press("ctrl+n")
        await settle(app, pilot, 0.2)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        screen.query_one("#f-name", Input).focus()
        await pilot.press(*"厦门市海沧区老年人体育协会", "tab")
        fill(screen, {k: v for k, v in sg_form(persons=[
            {"name": "林芳", "id_number": FOUNDER_ID}]).items() if k != "name"})
        await pilot.press("f9")
        await settle(app, pilot, 0.3)
        await pilot.press("escape")  # the acceptance notice
        await settle(app, pilot)
        assert isinstance(app.screen, ApplicationScreen)
        app_id = app.screen.application_id
        assert "已受理" in text_of(app)

    app = make_app(db, settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "reviewer")
        app.open_procedure("applications")
        await settle(app, pilot, 0.3)
        assert isinstance(app.screen, ApplicationsScreen)
        await pilot.press("enter")
        await settle(app, pilot, 0.3)
        assert isinstance(app.screen, ApplicationScreen)
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press(*"材料齐全", "f9")
        await settle(app, pilot, 0.3)
        assert "已审查" in text_of(app)

    app = make_app(db, settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "approver")
        app.open_procedure("applications")
        await settle(app, pilot, 0.3)
        await pilot.press("enter")
        await settle(app, pilot, 0.3)
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot, 0.3)
        await pilot.press("escape")  # the documents preview
        await settle(app, pilot)
        info = reg.get_application(ctx, app_id)
        assert info.status is ApplicationStatus.APPROVED and info.uscc
        assert info.accepted_by == "陈晓燕" and info.decided_by == "郑建国"
        # found by search with its new code
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press(*info.uscc)
        await settle(app, pilot, 0.3)
        assert [h.name for h in app.screen.hits] == ["厦门市海沧区老年人体育协会"]
        assert info.uscc in [h.uscc for h in app.screen.hits]
