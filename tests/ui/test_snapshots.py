"""Snapshot tests of the main screens (issue 14) with pytest-textual-snapshot: sign-in,
home, search results, record, intake and application, at 80x24 and 120x36, in Chinese and
English, compared with the SVG files committed under tests/ui/__snapshots__/ so that a
layout regression shows as a failed comparison (open the two SVGs in a browser to see it).

One Pilot session per language and size walks through the six screens and takes each
screen's SVG (pytest-textual-snapshot's SVGImageExtension on syrupy) once it has settled:
no worker runs and two successive paints agree. Deterministic data: the app's today
injected, fixed records; wall-clock times and the real date masked in the SVG text.
``pytest tests/ui/test_snapshots.py --snapshot-update`` rewrites the files.

Known limit: Textual reads a binding's label when the screen's module is imported, so
the English runs show the footer and tab labels of the language the test process
imported first (Chinese); the body text is English. tests/ui/test_footers.py reads the
English footers in a process started in English."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pytest_textual_snapshot import SVGImageExtension, normalize_svg

from mca_tui.domain.enums import OrgType, Role
from mca_tui.i18n import set_language
from mca_tui.services import registration as reg

from ..registration.helpers import sg_form
from .conftest import TODAY, sign_in, type_text
from .waiting import screen_lines, wait_until

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


def _masked_text(text: str) -> str:
    """Text without what changes from run to run: clock times and the real date (event
    times), each replaced by as many characters."""
    real = date.today()
    text = re.sub(r"\b\d{1,2}:\d{2}(:\d{2})?\b", lambda m: re.sub(r"\d", "0", m.group()), text)
    text = text.replace(real.isoformat(), "YYYY-MM-DD")
    return text.replace(f"{real.year}年{real.month}月{real.day}日", "YYYY年MM月DD日")


def _masked_svg(svg: str) -> str:
    """The SVG with its random id removed (as pytest-textual-snapshot compares) and the
    text of its <text> elements masked."""
    return re.sub(r">([^<>]*)</text>", lambda m: f">{_masked_text(m.group(1))}</text>",
                  normalize_svg(svg))


async def _settled(app, pilot) -> str:  # noqa: ANN001
    """The screen's SVG once no worker runs and two successive paints agree (bounded).
    Text cursors do not blink (a blink would make two paints differ)."""
    from textual.widgets import Input, TextArea

    previous = None
    for _ in range(60):
        await app.workers.wait_for_complete()
        for box in app.screen.query(Input):
            box.cursor_blink = False
        for area in app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()
        svg = _masked_svg(app.export_screenshot(simplify=True))
        if svg == previous:
            return svg
        previous = svg
    raise AssertionError("the screen never settled:\n" + "\n".join(screen_lines(app)))


@pytest.fixture
def svg_snapshot(snapshot):  # noqa: ANN001 - syrupy's SnapshotAssertion
    return snapshot.use_extension(SVGImageExtension)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_main_screens_match_their_snapshots(make_app, registry, application, lang,
                                                  size, svg_snapshot):  # noqa: ANN001
    from mca_tui.ui import router
    from mca_tui.ui.screens.search import SearchScreen

    set_language(lang)
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
    # every screen compared (or written with --snapshot-update), then one verdict
    matches = {name: svg_snapshot(name=name) == svg for name, svg in shots.items()}
    differ = [name for name, same in matches.items() if not same]
    assert not differ, (f"screens unlike their snapshots: {differ} (tests/ui/__snapshots__; "
                        "--snapshot-update rewrites them once the change is meant)")
