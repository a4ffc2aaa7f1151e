"""The 补正 dialog: the deadline for the applicant is checked on leaving the field and
reaches the correction notice; blank means no deadline."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, Static

from mca_tui.domain.enums import ApplicationStatus, OrgType, Role
from mca_tui.reports.documents import preview_text
from mca_tui.services import registration as reg
from mca_tui.services.errors import ValidationFailed
from mca_tui.ui.dialogs.registration_dialogs import CorrectionDialog, due_date_problem
from mca_tui.ui.screens.application import ApplicationScreen

from .helpers import TODAY, sg_form
from .test_screens import Harness, settle


@pytest.fixture
def accepted(make_ctx):
    """An application received with a material missing (no notice yet), and the
    reviewer's context."""
    clerk = make_ctx("clerk", Role.CLERK, today=TODAY)
    reviewer = make_ctx("reviewer", Role.REVIEWER, today=TODAY)
    form = sg_form()
    form["materials"] = {**form["materials"], "charter_draft": False}
    draft = reg.save_draft(clerk, form, org_type=OrgType.SOCIAL_GROUP)
    # a 材料接收凭证 at the counter: the reviewer gives the one 补正 notice
    reg.submit(clerk, draft.id, on_the_spot=False)
    return draft.id, reviewer


def notice_text(ctx, app_id: str) -> str:  # noqa: ANN001
    info = reg.get_application(ctx, app_id)
    assert info.status is ApplicationStatus.CORRECTION
    [doc] = [d for d in info.documents if d.kind == "correction_notice"]
    return preview_text(ctx.settings.documents_path() / doc.file_path)


def due_error(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#dialog-due-error", Static).render())


@pytest.mark.parametrize("typed", ["2025-03-20", "2025/3/20", "2025年3月20日",
                                   "２０２５年３月２０日"])
def test_due_date_formats(typed):
    assert due_date_problem(typed, TODAY) == (date(2025, 3, 20), None)


def test_due_date_blank_past_and_nonsense():
    assert due_date_problem("  ", TODAY) == (None, None)
    day, message = due_date_problem("2025-03-04", TODAY)
    assert day is None and "不能早于今天" in message and "2025-03-05" in message
    day, message = due_date_problem("下周一", TODAY)
    assert day is None and "不是有效日期" in message and "下周一" in message
    assert due_date_problem("2025-02-30", TODAY)[1] is not None
    assert due_date_problem("2025-03-05", TODAY) == (TODAY, None)  # today is allowed


async def test_deadline_typed_in_the_dialog_reaches_the_notice(accepted):
    app_id, reviewer = accepted
    app = Harness(ApplicationScreen(reviewer, app_id))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        assert isinstance(app.screen, CorrectionDialog)
        due = app.screen.query_one("#dialog-due", Input)
        due.focus()
        await pilot.pause()
        # checked on leaving the field
        due.value = "明天"
        await pilot.press("shift+tab")
        await pilot.pause()
        assert "不是有效日期" in due_error(app)
        due.focus()
        due.value = "2025/3/1"
        await pilot.press("shift+tab")
        await pilot.pause()
        assert "不能早于今天" in due_error(app)
        # F9 with a bad date keeps the dialog open
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, CorrectionDialog)
        due.value = "２０２５年３月２０日"
        await pilot.press("shift+tab")
        await pilot.pause()
        assert due_error(app) == ""
        await pilot.press("f9")
        await settle(app, pilot)
        # the notice is previewed on screen with the deadline
        assert "请于2025年3月20日前将上述全部补正材料一并提交" in str(
            app.screen.query_one("#preview-body Static").render())
    text = notice_text(reviewer, app_id)
    assert "请于2025年3月20日前将上述全部补正材料一并提交" in text
    assert "章程草案" in text


async def test_blank_deadline_asks_for_everything_at_once(accepted):
    app_id, reviewer = accepted
    app = Harness(ApplicationScreen(reviewer, app_id))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
    text = notice_text(reviewer, app_id)
    # the notice always has a deadline (documents.correction_days, default 30 days from
    # the notice) and says what happens when it passes
    assert "请于2025年4月4日前将上述全部补正材料一并提交" in text
    assert "视为放弃本次申请" in text


def test_service_refuses_a_past_deadline(accepted):
    app_id, reviewer = accepted
    with pytest.raises(ValidationFailed) as exc:
        reg.request_correction(reviewer, app_id, ["章程草案"], due_on=date(2025, 3, 4))
    assert "不能早于今天" in exc.value.message()
    assert reg.get_application(reviewer, app_id).status is ApplicationStatus.ACCEPTED
