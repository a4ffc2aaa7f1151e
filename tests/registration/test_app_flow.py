"""The whole app (Pilot, 100x30): a 社会团体 from intake by a clerk, review by a reviewer,
approval by an approver, then found by search with its new code."""

from __future__ import annotations

from textual.widgets import Input, Static

from mca_tui.domain.enums import ApplicationStatus
from mca_tui.services import registration as reg
from mca_tui.services import users
from mca_tui.ui.screens.application import ApplicationScreen, ApplicationsScreen
from mca_tui.ui.screens.intake import IntakeScreen

from ..ui.waiting import wait_until
from .helpers import FOUNDER_ID, TODAY, sg_form
from .test_screens import fill, settle

SIZE = (100, 30)
PASSWORD = "password-123"


def make_app(db, settings):  # noqa: ANN001, ANN201
    from mca_tui.ui.app import McaApp

    return McaApp(settings, lambda: db, today=lambda: TODAY)


async def sign_in(app, pilot, username: str) -> None:  # noqa: ANN001
    from mca_tui.ui.screens.home import HomeScreen

    await wait_until(pilot, lambda: app.db is not None)
    await pilot.press(*username, "enter", *PASSWORD, "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
    await settle(app, pilot)


def text_of(app) -> str:  # noqa: ANN001
    out = []
    for w in app.screen.query(Static):
        r = w.render()
        out.append(getattr(r, "plain", str(r)))
    return "\n".join(out)


async def test_intake_review_approval_then_search_by_the_new_code(db, settings, ctx):
    """Each step waits (bounded) for the state it needs — never for a fixed time."""
    from mca_tui.ui.dialogs.registration_dialogs import PreviewDialog, TextPromptDialog

    users.add_user(ctx, "clerk", "陈晓燕", PASSWORD, ["clerk"])
    users.add_user(ctx, "reviewer", "黄丽芳", PASSWORD, ["reviewer"])
    users.add_user(ctx, "approver", "郑建国", PASSWORD, ["approver"])

    app = make_app(db, settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: bool(app.screen.query("#f-name")))
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        screen.query_one("#f-name", Input).focus()
        await pilot.press(*"厦门市海沧区老年人体育协会", "tab")
        fill(screen, {k: v for k, v in sg_form(persons=[
            {"name": "林芳", "id_number": FOUNDER_ID}]).items() if k != "name"})
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, PreviewDialog), timeout=15)
        await pilot.press("escape")  # the acceptance notice
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationScreen)
                         and "已受理" in text_of(app))
        app_id = app.screen.application_id

    app = make_app(db, settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "reviewer")
        app.open_procedure("applications")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationsScreen)
                         and bool(app.screen.rows))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationScreen)
                         and app.screen.info is not None)
        await pilot.press("f9")
        # the dialog is the screen as soon as it is pushed, but its text box takes the
        # focus only when it has mounted: keys sent before that reach no field (a loaded
        # run lost them and F9 met an empty reason)
        await wait_until(pilot, lambda: isinstance(app.screen, TextPromptDialog)
                         and getattr(app.focused, "id", None) == "dialog-text")
        await pilot.press(*"材料齐全")
        await wait_until(pilot, lambda: app.focused.text == "材料齐全")
        await pilot.press("f9")
        await wait_until(pilot, lambda: "已审查" in text_of(app), timeout=15)

    app = make_app(db, settings)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "approver")
        app.open_procedure("applications")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationsScreen)
                         and bool(app.screen.rows))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationScreen)
                         and app.screen.info is not None)
        await pilot.press("f9")
        await wait_until(pilot, lambda: app.screen.is_modal)
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, PreviewDialog), timeout=15)
        await pilot.press("escape")  # the documents preview
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationScreen))
        info = reg.get_application(ctx, app_id)
        assert info.status is ApplicationStatus.APPROVED and info.uscc
        assert info.accepted_by == "陈晓燕" and info.decided_by == "郑建国"
        # found by search with its new code
        await pilot.press("f3")
        await wait_until(pilot, lambda: app.screen.query("#query"))
        await pilot.press(*info.uscc)
        await wait_until(pilot, lambda: [h.name for h in app.screen.hits]
                         == ["厦门市海沧区老年人体育协会"])
        assert info.uscc in [h.uscc for h in app.screen.hits]
