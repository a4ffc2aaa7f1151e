"""The intake form's last draft save when the app closes runs off the event loop and is
complete before the process goes on (issue 14)."""

from __future__ import annotations

import threading

from textual.app import App
from textual.widgets import Input

from mca_tui.domain.enums import ApplicationStatus, Role
from mca_tui.services import registration as reg
from mca_tui.ui.calls import wait_for_closing_calls
from mca_tui.ui.screens.intake import IntakeScreen

from ..registration.helpers import TODAY
from .conftest import sign_in
from .waiting import wait_until


class Harness(App):
    def __init__(self, screen) -> None:  # noqa: ANN001
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)


async def test_last_draft_save_on_exit_is_off_the_event_loop_and_complete(make_ctx):  # noqa: ANN001
    clerk = make_ctx("clerk", Role.CLERK, today=TODAY)
    screen = IntakeScreen(clerk)
    saves: list[tuple[str, dict]] = []
    original = screen._save

    def recording_save(form: dict, *, autosave: bool):  # noqa: ANN202
        info = original(form, autosave=autosave)
        saves.append((threading.current_thread().name, dict(form)))
        return info

    screen._save = recording_save  # type: ignore[method-assign]
    screen._autosave_tick = lambda: None  # type: ignore[method-assign] - only the close saves
    app = Harness(screen)
    loop_thread = threading.current_thread().name
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: screen.query_one("#f-name", Input).has_focus)
        await pilot.press(*"海沧区书法协会")
        await wait_until(pilot, lambda: screen.dirty)
        assert saves == []  # nothing saved yet: the app closes with the text unsaved
    assert wait_for_closing_calls(timeout=20)
    [(thread, form)] = saves
    assert thread != loop_thread and form["name"] == "海沧区书法协会"
    [draft] = reg.list_applications(clerk, statuses=(ApplicationStatus.DRAFT,))
    assert reg.get_application(clerk, draft.id).form["name"] == "海沧区书法协会"


async def test_ledger_progress_is_posted_not_called_into_the_loop(ctx, tmp_path):  # noqa: ANN001
    """The import's progress callback posts a message: it works from the worker thread
    and from the loop alike and never waits for the loop (call_from_thread raises on the
    loop's own thread and blocks the worker until the loop runs it)."""
    from textual.widgets import ProgressBar, Static

    from mca_tui.ui.screens.ledger import LedgerScreen

    screen = LedgerScreen(ctx, "")
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: screen.is_mounted)
        screen._progress("write", 3, 10)  # from the loop's thread
        bar = screen.query_one("#ledger-progress", ProgressBar)
        await wait_until(pilot, lambda: bar.progress == 3)
        worker = threading.Thread(target=screen._progress, args=("write", 7, 10))
        worker.start()
        worker.join(5)
        assert not worker.is_alive()  # returned without waiting for the loop
        await wait_until(pilot, lambda: bar.progress == 7)
        status = str(screen.query_one("#ledger-status", Static).render())
        assert "7" in status and "10" in status


async def test_a_long_error_toast_stays_in_the_top_rows(make_app, registry):  # noqa: ANN001
    """A multi-line message (findings, a long error) is cut to three lines of the toast's
    width: at 80x24 it covers at most the top rows, never the panels below."""
    from textual.widgets._toast import Toast

    from mca_tui.ui.app import McaApp, toast_text

    assert toast_text("短消息", 3, 44) == "短消息"
    long = "\n".join(f"第{i}项：法定代表人身份证号码校验码不正确，请核对后重新输入" for i in range(8))
    cut = toast_text(long, 3, 44)
    assert len(cut.splitlines()) == 3 and cut.endswith("…")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(app, pilot)
        app.notify(long, severity="error", markup=False)
        await wait_until(pilot, lambda: list(app.screen.query(Toast)))
        await wait_until(pilot, lambda: all(t.region.height > 0 for t in app.screen.query(Toast)))
        [toast] = list(app.screen.query(Toast))
        assert toast.region.bottom <= McaApp.TOAST_LINES + 2  # 3 lines + its padding
