"""Pilot tests at 80x24, keyboard only: the dormancy list (Space selects, F9 previews and
writes nothing, F9 again opens the cases) and the case screen (only the offered steps; a
step whose window is still open is not offered; the approver decides with F9)."""

from __future__ import annotations

from datetime import date

from sqlmodel import func, select
from textual.app import App
from textual.widgets import Input, Select, Static

from mca_tui.domain.enums import CaseStepKind as K
from mca_tui.domain.enums import ServiceMethod
from mca_tui.services import revocation
from mca_tui.services.revocation import StepData
from mca_tui.storage.models import AuditEvent, PenaltyCase
from mca_tui.ui.screens.revocation import CaseScreen, DormancyScreen
from tests.revocation.conftest import add_org, at, good_years
from tests.ui.conftest import wait_until

D = date.fromisoformat


class Harness(App):
    def __init__(self, screen) -> None:  # noqa: ANN001
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)


def _text(screen, widget_id: str) -> str:  # noqa: ANN001
    return str(screen.query_one(widget_id, Static).render())


def _count(db, model) -> int:  # noqa: ANN001
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


async def test_dormancy_list_preview_then_batch(ctx, db, people, officers):
    for i in range(3):
        add_org(ctx, f"沉睡协会{i}", reports=good_years(2016, 2022))
    officer = at(people["officer1"], D("2026-03-02"))
    screen = DormancyScreen(officer)
    app = Harness(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(screen.rows) == 3)
        await wait_until(pilot, lambda: screen.query_one("#dm-officer", Select).value
                         == officers[1])
        screen.query_one("#dm-table").focus()
        await pilot.press("space", "down", "space")
        assert len(screen.selected) == 2
        events = _count(db, AuditEvent)
        await pilot.press("f9")
        await wait_until(pilot, lambda: bool(screen.previewed))
        text = _text(screen, "#dm-detail")
        assert "不写入" in text and "立案审批表" in text and "2026-04-01" in text
        assert _count(db, AuditEvent) == events and _count(db, PenaltyCase) == 0
        await pilot.press("f9")
        await wait_until(pilot, lambda: "已立案 2 件" in _text(screen, "#dm-detail"))
        assert _count(db, PenaltyCase) == 2
        await wait_until(pilot, lambda: sum(1 for c in screen.rows
                                            if not c.assessment.exclusions) == 1)


async def test_case_screen_offers_only_what_the_rules_allow(ctx, db, people, officers):
    org = add_org(ctx, "厦门市海沧区沉睡协会", reports=good_years(2016, 2022))
    o1 = people["officer1"]
    day = D("2026-02-09")
    case_id = revocation.open_case(at(o1, day), org, filed_on=day, officers=officers)
    revocation.take_step(at(o1, day), case_id, K.EVIDENCE, on=day, data=StepData(note="截图"))
    revocation.take_step(at(o1, day), case_id, K.ISSUE_NOTICE, on=day)
    revocation.take_step(at(o1, D("2026-02-11")), case_id, K.SERVE_NOTICE, on=D("2026-02-11"),
                         data=StepData(method=ServiceMethod.IN_PERSON,
                                       served_on=D("2026-02-11")))
    approver = people["approver"]
    # the window is open on 25 Feb: nothing for the approver to do, no F9
    early = CaseScreen(at(approver, D("2026-02-25")), case_id)
    app = Harness(early)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: early.view is not None)
        info = _text(early, "#cs-info")
        assert "2026-02-26" in info and "2026-05-11" in info  # earliest decision, 90 days
        assert K.COLLECTIVE_DISCUSSION not in early.view.offered
        assert K.DECIDE not in early.view.offered
    revocation.take_step(at(approver, D("2026-02-26")), case_id, K.COLLECTIVE_DISCUSSION,
                         on=D("2026-02-26"))
    revocation.take_step(at(people["reviewer"], D("2026-02-26")), case_id, K.LEGAL_REVIEW,
                         on=D("2026-02-26"))
    screen = CaseScreen(at(approver, D("2026-02-26")), case_id)
    app = Harness(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen.view is not None)
        assert K.DECIDE in screen.view.offered
        screen.query_one("#cs-step", Select).value = K.DECIDE.value
        screen.query_one("#cs-note", Input).focus()
        await pilot.press("f9")
        await wait_until(pilot, lambda: screen.view is not None
                         and screen.view.status == "decided")
        assert "处罚决定书" in _text(screen, "#cs-info") or screen.view.documents
    # an officer's screen never offers the decision
    officer_screen = CaseScreen(at(o1, D("2026-02-26")), case_id)
    app = Harness(officer_screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: officer_screen.view is not None)
        assert K.DECIDE not in officer_screen.view.offered
        assert K.SERVE_DECISION in officer_screen.view.offered


async def test_contact_attempts_recorded_from_the_keyboard(ctx, people):
    from mca_tui.services import dormancy
    from mca_tui.ui.screens.revocation import ContactScreen

    org = add_org(ctx, "无法联系协会", reports=good_years(2016, 2024))
    clerk = at(people["clerk"], D("2025-09-30"))
    screen = ContactScreen(clerk, org)
    app = Harness(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for on, fate_on in (("2025-08-01", "2025-08-10"), ("2025-09-05", "2025-09-15")):
            screen.query_one("#ct-kind", Select).value = "registered_letter"
            screen.query_one("#ct-fate", Select).value = "unsigned"
            screen.query_one("#ct-on", Input).value = ""
            screen.query_one("#ct-on", Input).focus()
            await pilot.press(*on)
            screen.query_one("#ct-fate-on", Input).value = ""
            screen.query_one("#ct-fate-on", Input).focus()
            await pilot.press(*fate_on)
            before = screen.recorded
            await pilot.press("f9")
            await wait_until(pilot, lambda b=before: screen.recorded == b + 1)
        # a date in the future is refused under the form; what was typed stays
        screen.query_one("#ct-on", Input).value = "2025-10-09"
        await pilot.press("f9")
        await wait_until(pilot, lambda: "不能晚于今天" in _text(screen, "#ct-error"))
        assert screen.query_one("#ct-on", Input).value == "2025-10-09"
    signals = {s.kind.value for c in dormancy.candidates(ctx, D("2025-09-30"))
               for s in c.assessment.signals}
    assert signals == {"unreachable"}
