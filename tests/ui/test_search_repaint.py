"""Issue 12, keystroke to repaint: a keystroke in the search box, and new results of the
same length, repaint the box and the list without laying out the whole screen again (a
layout pass re-renders every widget and was most of a keystroke's cost at 1M)."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import OptionList

from ..search.helpers import add_orgs, code
from .conftest import sign_in, type_text, wait_until

SIZE = (100, 30)


def _add_more_than_a_page(ctx) -> None:  # noqa: ANN001
    """PAGE + 10 organizations that "海沧", "志愿者" and "第" all find."""
    from mca_tui.ui.screens.search import PAGE

    add_orgs(ctx, [{"name": f"海沧区第{i}社区志愿者协会", "rep": "林志伟",
                    "domicile": f"厦门市海沧区沧林路{i}号", "uscc": code(500 + i)}
                   for i in range(1, PAGE + 11)])


async def _open_search(app, pilot):  # noqa: ANN001, ANN202
    """Sign in, F3: the search screen."""
    from mca_tui.ui.screens.search import SearchScreen

    await sign_in(app, pilot)
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
    return app.screen


async def test_typing_with_a_full_page_of_results_does_not_lay_out_the_screen(
        make_app, ctx, registry, monkeypatch):  # noqa: ANN001
    from mca_tui.ui.screens.search import PAGE

    _add_more_than_a_page(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_search(app, pilot)
        results = screen.query_one("#results", OptionList)
        await type_text(pilot, "海沧")
        await wait_until(pilot, lambda: not screen.searching and screen.query_text == "海沧")
        await pilot.pause()
        assert results.option_count == PAGE
        # count the whole-screen layout passes from here on (Textual's own method)
        layouts: list[int] = []
        original = Screen._refresh_layout

        def counted(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            layouts.append(1)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        for typed in ("海沧区", "海沧区第"):
            await type_text(pilot, typed[-1])
            await wait_until(pilot, lambda typed=typed: not screen.searching
                             and screen.query_text == typed)
            await pilot.pause()
            assert results.option_count == PAGE
        assert layouts == [], f"{len(layouts)} layout passes for two keystrokes"



async def test_the_first_page_is_shown_before_its_count(
        make_app, ctx, registry, monkeypatch):  # noqa: ANN001
    """A result longer than its first page is painted without its count (counting a
    phrase of common characters can take longer than the page at a million
    organizations); the count follows in the status line. A result that fits on its
    page needs no count."""
    from textual.widgets import Static

    from mca_tui.ui.screens import search as search_module
    from mca_tui.ui.screens.search import PAGE

    _add_more_than_a_page(ctx)
    pages: list[int] = []
    search_all = search_module.search_all

    def recorded(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        page, apps = search_all(*args, **kwargs)
        pages.append(page.total)
        return page, apps

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_search(app, pilot)
        monkeypatch.setattr(search_module, "search_all", recorded)
        await type_text(pilot, "志愿者")
        await wait_until(pilot, lambda: not screen.searching
                         and screen.query_text == "志愿者")
        status = str(screen.query_one("#search-status", Static).render())
        assert pages[-1] == -1  # the page came without its count
        assert f"共 {PAGE + 10} 个结果" in status and "正在计数" not in status
        box = screen.query_one("#query")
        box.value = ""
        await type_text(pilot, "第7社区")
        await wait_until(pilot, lambda: not screen.searching
                         and screen.query_text == "第7社区")
        assert pages[-1] == 1  # one match: the page is the count
        assert "共 1 个结果" in str(screen.query_one("#search-status", Static).render())
