"""Keystroke -> results repainted, in the app itself (issue 12's "keystroke" row).

Runs the real search screen headless (Textual's Pilot) on a registry and types each
query one key at a time, as a clerk does. For every key it measures from the key press
to the frame after the screen showed the results of everything typed so far (marked by
the app itself, so the test harness's own waits after a key are not counted): the search worker, the stale-result handling and the option list repaint
are all inside the figure. The baseline is the same screen repainting without a search
(the cursor moved in the result list), i.e. the cost of the terminal frame alone.

``python bench/keystroke.py PATH|URL`` prints the figures (a PostgreSQL URL: the registry
on that server); ``bench/suite.py`` calls
``measure`` in a subprocess.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

QUERIES = ["海沧区社会", "社工", "老年协会", "hcq", "M0000", "陈伟", "莆田商会", "3502"]


async def _measure(path: Path | str, queries: list[str]) -> tuple[list[float], list[float]]:
    from textual.app import App
    from textual.widgets import Input, OptionList

    from mca_tui.config import Settings
    from mca_tui.services.context import cli_context
    from mca_tui.storage.engine import Database
    from mca_tui.ui.screens.search import SearchScreen

    db = Database.open(path)
    docs = Path(__file__).resolve().parent / "out" / "documents" if isinstance(path, str) \
        else path.parent / "documents"
    ctx = cli_context(db, Settings(documents_dir=str(docs)))

    from mca_tui.ui import app as app_module

    class Bench(App[None]):
        # the app's own style sheet: the sizes it gives the widgets decide whether new
        # results repaint the list alone or lay out the whole screen again
        CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))

        def on_mount(self) -> None:
            self.push_screen(SearchScreen(ctx))

    async def until(pilot, cond, timeout: float = 30.0) -> None:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise TimeoutError("the search screen did not settle")
            await asyncio.sleep(0.0005)

    keys: list[float] = []
    frames: list[float] = []
    painted: dict[str, float] = {}
    app = Bench()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        screen = app.screen
        box = screen.query_one("#query", Input)
        results = screen.query_one("#results", OptionList)
        show = screen._show  # noqa: SLF001 - the bench marks the repaint of a shown result

        def marked_show(seq, query, both) -> None:  # noqa: ANN001
            show(seq, query, both)
            if screen.query_text == query:  # shown, not dropped as stale
                screen.call_after_refresh(
                    lambda: painted.setdefault(query, time.perf_counter()))

        screen._show = marked_show  # noqa: SLF001
        moved: list[float] = []
        screen.watch(results, "highlighted", lambda _value: screen.call_after_refresh(
            lambda: moved.append(time.perf_counter())), init=False)
        # not timed: the first search of a process loads the pinyin tables and warms the
        # statement cache (once per session, at sign-in time in the app)
        await pilot.press("协")
        await until(pilot, lambda: "协" in painted)
        for q in queries:
            box.value = ""
            await until(pilot, lambda: not screen.searching and screen.query_text == "")
            await pilot.pause()
            typed = ""
            for ch in q:
                typed += ch
                painted.pop(typed, None)
                # from the key's arrival to the frame after the results were shown
                # (the harness's own waits after the key are not counted)
                t0 = time.perf_counter()
                await pilot.press(ch)
                await until(pilot, lambda typed=typed: typed in painted)
                keys.append((painted[typed] - t0) * 1000)
            if results.option_count > 1:
                results.focus()
                results.highlighted = 0
                await pilot.pause()
                for key, want in (("down", 1), ("up", 0), ("down", 1)):
                    moved.clear()
                    t0 = time.perf_counter()
                    await pilot.press(key)
                    await until(pilot, lambda want=want: results.highlighted == want
                                and bool(moved))
                    frames.append((moved[-1] - t0) * 1000)
                box.focus()
    db.dispose()
    return keys, frames


def measure(path: Path | str, queries: list[str] | None = None) -> tuple[list[float], list[float]]:
    return asyncio.run(_measure(path, queries or QUERIES))


if __name__ == "__main__":
    arg = sys.argv[1]
    ks, fs = measure(arg if "://" in arg else Path(arg))
    print(json.dumps({"keys_ms": ks, "frames_ms": fs}))
