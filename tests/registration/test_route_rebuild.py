"""Choosing a direct-registration category rebuilds the checklist once (the rebuilt Select
posts Changed again; that must not start another rebuild, and so on while the form is
open)."""

from __future__ import annotations

from textual.widgets import Checkbox, Select

from mca_tui.domain.enums import Role
from mca_tui.ui.screens.intake import IntakeScreen

from .helpers import TODAY
from .test_screens import Harness, settle


async def test_choosing_a_category_rebuilds_the_checklist_once(make_ctx):
    screen = IntakeScreen(make_ctx("clerk", Role.CLERK, today=TODAY))
    rebuilds = []
    original = screen.rebuild

    async def counted() -> None:
        rebuilds.append(1)
        await original()

    screen.rebuild = counted  # type: ignore[method-assign]
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        start = len(rebuilds)
        screen.query_one("#f-direct_category", Select).value = "community_service"
        await settle(app, pilot)
        assert not screen.query("#m-supervisory_approval")
        assert len(rebuilds) - start == 1
        # another direct category: same checklist, nothing rebuilt
        screen.query_one("#f-direct_category", Select).value = "public_welfare"
        await settle(app, pilot)
        assert len(rebuilds) - start == 1
        # back to a supervisory unit: the approval is needed again
        screen.query_one("#f-direct_category", Select).value = Select.NULL
        await settle(app, pilot)
        assert len(rebuilds) - start == 2
        assert len(list(screen.query("#m-supervisory_approval").results(Checkbox))) == 1
