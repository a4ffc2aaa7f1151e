"""The statistics and ledger screens, driven with Pilot in a bare App."""

from __future__ import annotations

from datetime import date

from textual.app import App
from textual.widgets import Input, Log, Static

from mca_tui.ui.screens.ledger import LedgerScreen
from mca_tui.ui.screens.statistics import StatisticsScreen

from .helpers import code, org, write_xlsx


class Harness(App):
    def __init__(self, screen) -> None:  # noqa: ANN001
        super().__init__()
        self._screen = screen

    def on_mount(self) -> None:
        self.push_screen(self._screen)


async def _settle(app, pilot) -> None:  # noqa: ANN001
    """Wait (bounded) until the app is quiet: workers finished, what they posted handled
    (tests/ui/waiting.settled); no fixed pause."""
    from ..ui.waiting import settled

    await settled(app, pilot)


async def test_ledger_screen_check_then_import(ctx, tmp_path):
    ctx.today = lambda: date(2024, 1, 31)
    path = tmp_path / "l.xlsx"
    write_xlsx(path, [org(1), org(2, 类型="合作社")],
               [{"统一社会信用代码": code(1), "报告年度": 2021, "结论": "通过"}])
    screen = LedgerScreen(ctx, str(path))
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f9")  # not checked yet: refused
        await _settle(app, pilot)
        assert "F5" in str(screen.query_one("#ledger-status", Static).render())
        await pilot.press("f5")
        await _settle(app, pilot)
        text = "\n".join(screen.query_one("#ledger-log", Log).lines)
        assert "第3行" in text and "「类型」列" in text and "合作社" in text
        screen.query_one("#ledger-skip").value = True
        await pilot.press("f9")  # options changed: check again first
        await _settle(app, pilot)
        await pilot.press("f5")
        await _settle(app, pilot)
        await pilot.press("f9")
        await _settle(app, pilot)
        assert "导入完成" in "\n".join(screen.query_one("#ledger-log", Log).lines)
    from mca_tui.reports import stats

    assert stats.register_as_of(ctx.db, date(2024, 1, 1)).total() == 1


async def test_statistics_screen_shows_table_and_paragraph(ctx, tmp_path):
    from mca_tui.services.ledger_import import import_ledger

    from .helpers import ledger

    ctx.today = lambda: date(2023, 3, 1)
    import_ledger(ctx, ledger([org(1, established="2022-05-05"), org(2, established="2021-02-02")]))
    screen = StatisticsScreen(ctx)
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(app, pilot)
        paragraph = str(screen.query_one("#stats-paragraph", Static).render())
        assert "2022年，全区新成立社会组织1家（社会团体1家）" in paragraph
        out = tmp_path / "s.csv"
        screen.query_one("#stats-file", Input).value = str(out)
        await pilot.press("f7")  # F7 exports on every list screen
        await _settle(app, pilot)
    assert out.exists() and "新成立社会组织" in out.read_text(encoding="utf-8-sig")
