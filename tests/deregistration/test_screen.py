"""Pilot tests of the 注销登记 screen at 80x24, keyboard only: the clerk fills the form and
accepts with F9 (late flag and the 20-working-day clock with its article on screen), the
reviewer reviews, the acceptor is not offered the decision, the approver approves, the
clerk records custody in the dialog and publishes the announcement."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Checkbox, Input, Select, Static

from mca_tui.domain.enums import ApplicationStatus, DeregistrationMaterial
from mca_tui.services import deregistration as dereg
from mca_tui.ui.screens.deregistration import CustodyDialog, DeregistrationScreen
from tests.deregistration.conftest import dereg_form
from tests.ui.conftest import wait_until


class Harness(App):
    def __init__(self, screen) -> None:  # noqa: ANN001
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)


def _info_text(screen) -> str:  # noqa: ANN001
    return str(screen.query_one("#dr-info", Static).render())


def _keys(app) -> dict[str, str]:  # noqa: ANN001
    """Active bindings of the screen: key -> description (what the footer shows)."""
    return {b.binding.key: b.binding.description
            for b in app.active_bindings.values() if b.enabled}


async def _type(pilot, widget_id: str, text: str) -> None:  # noqa: ANN001
    pilot.app.screen.query_one(f"#{widget_id}", Input).focus()
    await pilot.pause()
    await pilot.press(*list(text))


async def test_clerk_accepts_a_late_application_from_the_keyboard(people, org_id):
    clerk = people["clerk"]
    screen = DeregistrationScreen(clerk, org_id)
    app = Harness(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen._loaded)
        assert "f9" in _keys(app) and "f2" in _keys(app)
        await _type(pilot, "f-applied_on", "2025-03-03")
        await _type(pilot, "f-formed_on", "2025-01-06")
        await _type(pilot, "f-members", "陈明,林芳")  # any separator: 、，, ；
        await _type(pilot, "f-guided_by", "厦门市海沧区文化和旅游局")
        await _type(pilot, "f-ended_on", "2025-02-10")  # 15 days ran out on 25 Feb
        screen.query_one("#f-trigger", Select).value = "self_dissolution"
        for m in DeregistrationMaterial:
            box = screen.query_one(f"#m-{m.value}", Checkbox)
            box.focus()
            await pilot.press("space")
        await pilot.press("f9")
        await wait_until(pilot, lambda: screen.info is not None
                         and screen.info.status is ApplicationStatus.ACCEPTED)
        await wait_until(pilot, lambda: len(app.screen_stack) > 2)  # the notice preview
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        text = _info_text(screen)
        assert "逾期申请" in text and "2025-02-25" in text
        assert "20个工作日" in text and "第四十二条" in text
        assert screen.query_one("#dr-form").has_class("hidden")
        assert "f9" not in _keys(app)  # the clerk does not review
        info = screen.info
        assert info.late and info.form["liquidation"]["members"] == ["陈明", "林芳"]
        assert info.documents[0].kind == "dereg_acceptance_notice"


async def test_review_decision_custody_and_announcement_on_screen(people, org_id):
    both = people["both"]  # a clerk who is also an approver accepts
    draft = dereg.start(both, org_id, dereg_form())
    info = dereg.accept(both, draft.id)

    reviewer_screen = DeregistrationScreen(people["reviewer"], application_id=info.id)
    app = Harness(reviewer_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: reviewer_screen.info is not None)
        assert _keys(app)["f9"] == "审查通过"
        assert _keys(app)["f8"] == "通知补正"
        await pilot.press("f9")
        await wait_until(pilot, lambda: len(app.screen_stack) > 2)
        await pilot.press("f9")  # confirm the review (note optional)
        await wait_until(pilot, lambda: reviewer_screen.info.status
                         is ApplicationStatus.REVIEWED)

    acceptor = DeregistrationScreen(both, application_id=info.id)
    app = Harness(acceptor)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: acceptor.info is not None)
        assert "f9" not in _keys(app) and "f8" not in _keys(app)  # four eyes

    approver = DeregistrationScreen(people["approver"], application_id=info.id)
    app = Harness(approver)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: approver.info is not None)
        assert _keys(app)["f9"] == "准予注销" and _keys(app)["f8"] == "不予注销"
        assert _keys(app)["f6"] == "延长期限"
        await pilot.press("f9")
        await wait_until(pilot, lambda: len(app.screen_stack) > 2)
        await pilot.press("f9")  # confirm
        await wait_until(pilot, lambda: approver.info.status is ApplicationStatus.APPROVED)
        await wait_until(pilot, lambda: len(app.screen_stack) > 2)  # the decision preview
        await pilot.press("escape")
        assert approver.info.org_status == "deregistered"

    clerk = people["clerk"]
    screen = DeregistrationScreen(clerk, application_id=info.id)
    app = Harness(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen.info is not None)
        assert "待收缴或公告作废" in _info_text(screen)
        assert _keys(app)["f9"] == "收缴登记"
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, CustodyDialog))
        dialog = app.screen
        # the duplicate could not be collected: declared void by announcement
        dialog.query_one("#o-certificate_duplicate", Select).value = "void_announced"
        await pilot.press("f9")
        await wait_until(pilot, lambda: screen.info.custody_status.complete)
        await wait_until(pilot, lambda: len(app.screen_stack) > 2)  # the void announcement
        await pilot.press("escape")
        assert "已全部收缴或公告作废" in _info_text(screen)
        assert _keys(app)["f6"] == "发布公告"
        await pilot.press("f6")
        await wait_until(pilot, lambda: len(app.screen_stack) > 2)
        await pilot.press("f9")
        await wait_until(pilot, lambda: screen.info.complete)
        assert "本注销登记已办结" in _info_text(screen)
        kinds = [d.kind for d in screen.info.documents]
        assert "void_announcement" in kinds and "dereg_announcement" in kinds


async def test_a_refresh_that_comes_back_after_the_review_does_not_undo_it(
        people, org_id, monkeypatch):
    """A fast reviewer presses F9 (open the review) and F9 (confirm) at once. The page
    refreshes itself when the dialog closes while the review is being written; that
    refresh read the application before the review committed, came back after it, and
    showed it "accepted" again, offering the review a second time (seen once in a loaded
    whole-suite run). Here the refresh is made to come back late on purpose: the older
    version of the record is not shown over the newer one (ui.calls.stale)."""
    from tests.ui.waiting import late_reader, settled

    both = people["both"]
    info = dereg.accept(both, dereg.start(both, org_id, dereg_form()).id)
    screen = DeregistrationScreen(people["reviewer"], application_id=info.id)
    app = Harness(screen)
    get_late, late = late_reader(dereg.get)
    monkeypatch.setattr(dereg, "get", get_late)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen.info is not None)
        late.set()
        await pilot.press("f9", "f9")  # no wait for the dialog between the two
        await wait_until(pilot, lambda: len(app.screen_stack) == 2
                         and screen.info.status is ApplicationStatus.REVIEWED)
        await settled(app, pilot)  # the late refresh has come back
        assert screen.info.status is ApplicationStatus.REVIEWED
        assert "f9" not in _keys(app)  # not offered the review again


async def test_escape_keeps_what_was_typed(people, org_id):
    clerk = people["clerk"]
    screen = DeregistrationScreen(clerk, org_id)
    app = Harness(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen._loaded)
        assert not screen.dirty
        await _type(pilot, "f-guided_by", "厦门市海沧区民政局")
        assert screen.dirty
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not screen)
    saved = dereg.in_progress_for(clerk, org_id)
    assert saved is not None and saved.status is ApplicationStatus.DRAFT
    assert saved.form["liquidation"]["guided_by"] == "厦门市海沧区民政局"


async def test_f9_on_an_incomplete_draft_says_what_is_missing_and_keeps_it(people, org_id):
    clerk = people["clerk"]
    materials = {**dereg_form()["materials"], "application": False}
    draft = dereg.start(clerk, org_id, dereg_form(materials=materials))
    screen = DeregistrationScreen(clerk, application_id=draft.id)
    app = Harness(screen)
    messages: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen.info is not None)
        assert _keys(app)["f9"] == "受理"
        original = screen.show_error
        screen.show_error = lambda m: (messages.append(m), original(m))  # type: ignore[method-assign]
        await pilot.press("f9")
        await wait_until(pilot, lambda: bool(messages))
        assert "尚缺1项法定材料" in messages[0] and "第二十一条" in messages[0]
        assert screen.info.status is ApplicationStatus.DRAFT
        box = screen.query_one("#m-application", Checkbox)
        box.focus()
        await pilot.press("space")
        await pilot.press("f9")
        await wait_until(pilot, lambda: screen.info.status is ApplicationStatus.ACCEPTED)
