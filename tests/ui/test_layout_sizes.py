"""Every main screen at 80x24, 100x30 and 120x36, in Chinese and English (issue 14):
rendered with Pilot and read as the terminal shows it, row by row. A column carrying a
deadline or a status never disappears or wraps into a separate-looking row; the footer
keeps the palette key; the idle lock hides what is behind it. (The layout equivalent of
snapshot tests: pytest-textual-snapshot pins an older pytest than ours.)"""

from __future__ import annotations

from datetime import date

import pytest

from mca_tui.domain.enums import OrgType, Role
from mca_tui.i18n import set_language, t
from mca_tui.services import registration as reg

from ..registration.helpers import sg_form
from .conftest import TODAY, settle, sign_in
from .waiting import screen_lines, wait_until

SIZES = [(80, 24), (100, 30), (120, 36)]
DUE = date(2026, 6, 20)


@pytest.fixture
def in_correction(registry, make_ctx, settings):
    """An application waiting for 补正 with a date given to the applicant."""
    clerk = make_ctx("clerk2", Role.CLERK, today=TODAY)
    reviewer = make_ctx("reviewer", Role.REVIEWER, today=TODAY)
    form = sg_form(received_on=TODAY.isoformat())
    form["materials"] = {**form["materials"], "charter_draft": False}
    draft = reg.save_draft(clerk, form, org_type=OrgType.SOCIAL_GROUP)
    reg.submit(clerk, draft.id, on_the_spot=False)
    reg.request_correction(reviewer, draft.id, ["章程草案"], due_on=DUE)
    return reg.get_application(clerk, draft.id)


def _footer_keeps_palette(app) -> None:  # noqa: ANN001
    last = screen_lines(app)[-1]
    assert "^p" in last, last


def _row_with(app, needle: str) -> str:  # noqa: ANN001
    rows = [line for line in screen_lines(app) if needle in line]
    assert rows, "\n".join(screen_lines(app))
    return rows[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES)
async def test_main_screens_fit(make_app, in_correction, lang, size):
    set_language(lang)
    app = make_app()
    number = in_correction.number
    async with app.run_test(size=size) as pilot:
        await sign_in(app, pilot)
        # home: each queue on one line with its count and overdue count
        await wait_until(pilot, lambda: bool(app.screen.summaries))
        _footer_keeps_palette(app)
        label = t("queue.correction")[:6]  # a long label is cut, never wrapped
        row = _row_with(app, label)
        assert "1" in row.split(label)[1], "\n".join(screen_lines(app))
        # the applications list: number, status and the 补正 date on one row
        app.open_procedure("applications")
        await wait_until(pilot, lambda: bool(getattr(app.screen, "rows", None)))
        await settle(app, pilot)
        head = _row_with(app, t("registration.ui.col_status"))
        assert t("registration.ui.col_due") in head
        row = _row_with(app, number)
        assert t("enum.ApplicationStatus.correction") in row and DUE.isoformat() in row
        _footer_keeps_palette(app)
        app.pop_screen()
        # the 待补正材料 queue: the applicant's date and the days left, on the same row
        from mca_tui.ui.screens.queue import QueueScreen

        app.push_screen(QueueScreen(app.ctx, "correction"))
        await wait_until(pilot, lambda: bool(app.screen.items))
        await settle(app, pilot)
        row = _row_with(app, DUE.isoformat())
        assert t("clock.describe.left", n=(DUE - TODAY).days) in row
        _footer_keeps_palette(app)
        app.pop_screen()
        # the intake form and the search screen keep the palette key too
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: bool(app.screen.query("#f-name")))
        await settle(app, pilot)
        _footer_keeps_palette(app)


async def test_idle_lock_hides_the_screen_behind(make_app, registry):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot)
        app.action_lock()
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LockScreen")
        await settle(app, pilot)
        assert app.screen.styles.background.a == 1.0
        shot = app.export_screenshot()
        assert "待办事项" not in shot and "成立登记受理" not in shot


async def test_toasts_sit_at_the_top_right_not_over_panel_borders(make_app, registry):
    from textual.widgets._toast import ToastRack

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(app, pilot)
        rack = app.screen.query_one(ToastRack)
        assert rack.styles.dock == "top"  # over the title rows, not the panels' borders
        assert (rack.styles.align_horizontal, rack.styles.align_vertical) == ("right", "top")
