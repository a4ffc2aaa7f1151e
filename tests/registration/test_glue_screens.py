"""Screens for two registration rules that had only a service: the approver extends a
change's decision period (行政许可法 Art 42), and the clerk gives a 材料接收凭证 instead of
the 补正材料通知书 for an incomplete file (Art 32)."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import TextArea

from mca_tui.domain.enums import ApplicationStatus, Role
from mca_tui.domain.forms import materials_for
from mca_tui.services import registration as reg
from mca_tui.ui.screens.application import ApplicationScreen

from ..ui.waiting import wait_until
from .helpers import TODAY, sg_form
from .test_screens import Harness, settle

SG = "social_group"


@pytest.fixture
def people(make_ctx):
    return {
        "clerk": make_ctx("clerk", Role.CLERK, today=TODAY),
        "reviewer": make_ctx("reviewer", Role.REVIEWER, today=TODAY),
        "approver": make_ctx("approver", Role.APPROVER, today=TODAY),
    }


def _change(people, make_ctx) -> str:
    draft = reg.save_draft(people["clerk"], sg_form(), org_type=SG)
    app = reg.submit(people["clerk"], draft.id)
    reg.review(people["reviewer"], app.id)
    org_id = reg.approve(people["approver"], app.id).organization_id
    clerk = make_ctx("clerk2", Role.CLERK, today=TODAY)
    change = reg.start_change(clerk, org_id)
    form = {**change.form, "domicile": "厦门市海沧区沧林路8号",
            "received_on": TODAY.isoformat(), "supervisory_approval_on": "2025-02-20",
            "materials": {m.key: True for m in materials_for(SG, change=True)}}
    reg.save_draft(clerk, form, application_id=change.id)
    return reg.submit(clerk, change.id).id


async def test_the_approver_extends_a_change_decision_period_from_the_page(people, make_ctx):
    app_id = _change(people, make_ctx)
    head = make_ctx("head", Role.APPROVER, today=date(2025, 3, 20))
    # the clerk is not offered the extension; the approver is, once
    assert not ApplicationScreen(people["clerk"], app_id).check_action("extend", ())
    app = Harness(ApplicationScreen(head, app_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.check_action("extend", ())
        await pilot.press("f10")
        # the dialog is the screen as soon as it is pushed, but its text box takes the
        # focus (and is set up) only when it has mounted: a loaded whole-suite run wrote
        # the reason before that and F9 met an empty box
        await wait_until(pilot, lambda: getattr(app.focused, "id", None) == "dialog-text")
        box = app.screen.query_one("#dialog-text", TextArea)
        box.text = "需征求业务主管单位意见"
        await wait_until(pilot, lambda: app.focused is box and box.text == "需征求业务主管单位意见")
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationScreen)
                         and not app.screen.check_action("extend", ()))  # once
        await settle(app, pilot)
    info = reg.get_application(head, app_id)
    assert info.decision_deadline.amount == 30
    [step] = [s for s in info.steps if s.step == reg.EXTENSION_STEP]
    assert step.note == "需征求业务主管单位意见"
    assert info.status is ApplicationStatus.ACCEPTED


async def test_the_clerk_gives_a_receipt_for_an_incomplete_file_from_the_form(people):
    from textual.widgets import Input

    from mca_tui.domain.enums import OrgType
    from mca_tui.ui.screens.intake import IntakeScreen

    clerk = people["clerk"]
    form = sg_form(name="厦门市海沧区凭证协会")
    form["materials"] = {**form["materials"], "charter_draft": False}
    draft = reg.save_draft(clerk, form, org_type=OrgType.SOCIAL_GROUP)
    app = Harness(IntakeScreen(clerk, application_id=draft.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.screen.query_one("#f-name", Input).value
                         == "厦门市海沧区凭证协会")
        assert app.screen.check_action("submit_receipt", ())
        await pilot.press("f10")
        await wait_until(pilot, lambda: reg.get_application(clerk, draft.id).status
                         is not ApplicationStatus.DRAFT)
        await settle(app, pilot)
    info = reg.get_application(clerk, draft.id)
    # received, not complete: a 材料接收凭证, the 补正 notice still to come within 5 working
    # days (行政许可法 Art 32), no 受理通知书 and no 补正材料通知书 on the spot
    assert info.status is ApplicationStatus.ACCEPTED
    assert [d.kind for d in info.documents] == ["receipt"]
    assert info.correction_deadline is not None


async def test_a_late_refresh_does_not_offer_the_extension_again(people, make_ctx, monkeypatch):
    """The page refreshes itself when the dialog closes, while the extension is being
    written; a refresh that read the application before the extension committed and
    came back after it must not show the older version (ui.calls.stale): the extension
    is not offered a second time."""
    from ..ui.waiting import late_reader, settled

    app_id = _change(people, make_ctx)
    head = make_ctx("head", Role.APPROVER, today=date(2025, 3, 20))
    get_late, late = late_reader(reg.get_application)
    monkeypatch.setattr(reg, "get_application", get_late)
    app = Harness(ApplicationScreen(head, app_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f10")
        await wait_until(pilot, lambda: getattr(app.focused, "id", None) == "dialog-text")
        box = app.screen.query_one("#dialog-text", TextArea)
        box.text = "需征求业务主管单位意见"
        await wait_until(pilot, lambda: app.focused is box and box.text == "需征求业务主管单位意见")
        late.set()
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationScreen)
                         and not app.screen.check_action("extend", ()))
        await settled(app, pilot)  # the late refresh has come back
        assert not app.screen.check_action("extend", ())
        assert app.screen.info.decision_deadline.amount == 30
