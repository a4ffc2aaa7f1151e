"""Snapshot tests of the main screens (issue 14): sign-in, home, search results, record,
intake and application, at 80x24 and 120x36, in Chinese and English, compared with the
committed text files under tests/ui/snapshots/ so that a layout regression shows as a diff.

pytest-textual-snapshot 1.1.0 pins syrupy 4.8.0, which requires pytest < 9 (ours is 9), so
this is the equivalent: the screen as the terminal shows it (its text, row by row, read
from the compositor once the screen has settled), deterministic data (the app's today
injected, fixed records; wall-clock times and the real date masked), no cursor in the
text. ``pytest tests/ui/test_snapshots.py --snapshot-update`` rewrites the files."""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path

import pytest

from mca_tui.domain.enums import OrgType, Role
from mca_tui.i18n import set_language
from mca_tui.services import registration as reg

from ..registration.helpers import sg_form
from .conftest import TODAY, sign_in, type_text
from .waiting import screen_lines, wait_until

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZES = [(80, 24), (120, 36)]


@pytest.fixture
def application(registry, make_ctx):  # noqa: ANN001
    """An application waiting for 补正 (fixed dates)."""
    clerk = make_ctx("clerk2", Role.CLERK, today=TODAY)
    reviewer = make_ctx("reviewer", Role.REVIEWER, today=TODAY)
    form = sg_form(received_on=TODAY.isoformat())
    form["materials"] = {**form["materials"], "charter_draft": False}
    draft = reg.save_draft(clerk, form, org_type=OrgType.SOCIAL_GROUP)
    reg.submit(clerk, draft.id, on_the_spot=False)
    reg.request_correction(reviewer, draft.id, ["章程草案"], due_on=date(2026, 6, 20))
    return draft.id


def _masked(lines: list[str]) -> str:
    """The screen's text without what changes from run to run: clock times and the
    real date (event times), trailing blanks."""
    real = date.today()
    out = []
    for line in lines:
        line = re.sub(r"\d{1,2}:\d{2}(:\d{2})?", "hh:mm", line)
        line = line.replace(real.isoformat(), "<today>")
        line = line.replace(f"{real.year}年{real.month}月{real.day}日", "<today>")
        out.append(line.rstrip())
    return "\n".join(out) + "\n"


async def _settled(app, pilot) -> str:  # noqa: ANN001
    """The screen's text once no worker runs and two successive paints agree (bounded)."""
    previous = None
    for _ in range(60):
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = _masked(screen_lines(app))
        if text == previous:
            return text
        previous = text
    raise AssertionError("the screen never settled:\n" + (previous or ""))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_main_screens_match_their_snapshots(make_app, registry, application, lang,
                                                  size, request):  # noqa: ANN001
    from mca_tui.ui import router
    from mca_tui.ui.screens.search import SearchScreen

    set_language(lang)
    update = request.config.getoption("--snapshot-update")
    shots: dict[str, str] = {}
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.db is not None and app.focused is not None)
        shots["signin"] = await _settled(app, pilot)
        await sign_in(app, pilot)
        await wait_until(pilot, lambda: bool(getattr(app.screen, "summaries", None)))
        shots["home"] = await _settled(app, pilot)
        app.open_search()
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        search = app.screen
        await type_text(pilot, "海沧")
        await wait_until(pilot, lambda: not search.searching and search.query_text == "海沧")
        shots["search"] = await _settled(app, pilot)
        app.open_record(registry[0])
        await wait_until(pilot, lambda: getattr(app.screen, "record", None) is not None)
        shots["record"] = await _settled(app, pilot)
        app.push_screen(router.screen("application", app.ctx, application))
        await wait_until(pilot, lambda: getattr(app.screen, "info", None) is not None)
        shots["application"] = await _settled(app, pilot)
        app.push_screen(router.screen("intake", app.ctx))
        await wait_until(pilot, lambda: bool(app.screen.query("#f-name")))
        shots["intake"] = await _settled(app, pilot)
    set_language("zh")
    problems = []
    for name, text in shots.items():
        path = SNAPSHOTS / f"{name}-{lang}-{size[0]}x{size[1]}.txt"
        if update:
            path.write_text(text, encoding="utf-8")
            continue
        if not path.exists():
            problems.append(f"{path.name}: no snapshot (run with --snapshot-update)")
            continue
        expected = path.read_text(encoding="utf-8")
        if text != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                                f"{path.name} (committed)", "now"))
            problems.append(diff)
    assert not problems, "\n".join(problems)
