"""The clerk sees the state of the file (issue 14): the 补正 date given to the applicant
shows in the 待补正材料 queue, in the applications list and on the application page;
after 补正完成 the old missing items are gone and 通知补正 is not offered."""

from __future__ import annotations

from datetime import date

from mca_tui.domain.enums import ApplicationStatus, Role
from mca_tui.services import queues
from mca_tui.services import registration as reg
from mca_tui.ui.screens.application import ApplicationScreen, _due_text

from .helpers import TODAY, sg_form
from .test_correction_dialog import accepted  # noqa: F401 - fixture
from .test_screens import people  # noqa: F401 - fixture

DUE = date(2025, 3, 20)


def test_applicant_due_in_queue_list_and_page(accepted, make_ctx):  # noqa: F811
    app_id, reviewer = accepted
    reg.request_correction(reviewer, app_id, ["章程草案"], due_on=DUE)
    info = reg.get_application(reviewer, app_id)
    assert info.status is ApplicationStatus.CORRECTION and info.applicant_due == DUE
    clerk = make_ctx("clerk", Role.CLERK, today=TODAY)
    [item] = queues.items(clerk, "correction")
    assert item.due == DUE and item.days_left == (DUE - TODAY).days
    [row] = [r for r in reg.list_applications(clerk) if r.id == app_id]
    assert row.applicant_due == DUE and _due_text(row, TODAY).startswith("2025-03-20")
    page = ApplicationScreen(clerk, app_id).render_info(info).plain
    assert "补正期限" in page and "2025-03-20" in page and "章程草案" in page


def test_default_due_is_the_one_printed_on_the_notice(accepted, settings):  # noqa: F811
    app_id, reviewer = accepted
    reg.request_correction(reviewer, app_id, ["章程草案"])
    info = reg.get_application(reviewer, app_id)
    from datetime import timedelta

    assert info.applicant_due == TODAY + timedelta(days=settings.documents.correction_days)


def test_after_correction_complete_old_items_gone_and_no_second_notice(accepted, make_ctx):  # noqa: F811
    app_id, reviewer = accepted
    reg.request_correction(reviewer, app_id, ["章程草案"], due_on=DUE)
    clerk = make_ctx("clerk", Role.CLERK, today=TODAY)
    reg.complete_correction(clerk, app_id, sg_form())
    info = reg.get_application(reviewer, app_id)
    assert info.status is ApplicationStatus.ACCEPTED and info.applicant_due is None
    assert "application.correction" not in info.actions
    page = ApplicationScreen(reviewer, app_id).render_info(info).plain
    assert "章程草案" not in page and "补正期限" not in page


async def test_f9_correction_complete_does_not_pop_the_old_notice(accepted, make_ctx):  # noqa: F811
    from textual.widgets import Checkbox

    from mca_tui.ui.dialogs.registration_dialogs import PreviewDialog
    from mca_tui.ui.screens.correction import CorrectionScreen

    from ..ui.waiting import wait_until
    from .test_screens import Harness

    app_id, reviewer = accepted
    reg.request_correction(reviewer, app_id, ["章程草案"], due_on=DUE)
    clerk = make_ctx("clerk", Role.CLERK, today=TODAY)
    app = Harness(CorrectionScreen(clerk, application_id=app_id))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query("#m-charter_draft")))
        app.screen.query_one("#m-charter_draft", Checkbox).value = True
        await pilot.pause()
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationScreen)
                         and app.screen.info is not None, timeout=15)
        # the toast of the completed 补正 is shown, and nothing the F9 started still runs
        # (a notice would be pushed from the end of that work)
        await wait_until(pilot, lambda: any("补正完成" in n.message
                                            for n in app._notifications))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, PreviewDialog)
        messages = [n.message for n in app._notifications]
        assert not any("已受理" in m for m in messages)
    assert reg.get_application(clerk, app_id).status is ApplicationStatus.ACCEPTED


def test_duplicate_id_warning_names_the_person_holding_it(people):  # noqa: F811
    from .helpers import FOUNDER_ID
    from .test_workflow import accept, establish

    establish(people)  # 林芳 (FOUNDER_ID) is a founder of the registered group
    form = sg_form(name="海沧区（老年人体育）联合会", domicile="厦门市海沧区钟林路9号",
                   persons=[{"name": "张海燕", "id_number": FOUNDER_ID, "title": "秘书长",
                             "role": "founder"}])
    app = accept(people["clerk"], form)
    [linked] = [f for f in app.findings if f.code == "person_linked"]
    assert "林芳" in linked.message() and "张海燕" not in linked.message()
