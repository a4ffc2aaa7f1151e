"""Keys mean one thing (issue 14): sign-out is a key in the footer and in F1 help; the
command palette lists only this app's entries, in the UI language, and its Quit asks
about unsaved changes as Ctrl+Q does; every list screen exports with F7."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

from mca_tui.ui.screens.home import HomeScreen
from mca_tui.ui.screens.sign_in import SignInScreen

from .conftest import settle, sign_in
from .waiting import wait_until

SIZE = (100, 30)


def footer_text(app) -> str:  # noqa: ANN001
    """Every key the footer shows (those cut at the right edge too), in order."""
    from textual.widgets._footer import FooterKey

    footer = app.screen.query_one(Footer)
    return " ".join(str(k.render()) for k in footer.query(FooterKey))


async def test_sign_out_key_in_footer_and_help(make_app, registry):
    from mca_tui.ui.dialogs.help import key_lines

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "退出登录" in footer_text(app)
        assert ("^o", "退出登录") in [(k.lower(), d) for k, d in key_lines(app, app.screen)]
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert app.ctx is None


async def test_sign_out_asks_when_a_form_has_unsaved_changes(make_app, registry):
    class Form(Screen):
        dirty = True

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        app.push_screen(Form())
        await pilot.pause()
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, Form))
        assert app.ctx is not None


async def test_palette_lists_only_this_apps_entries_in_the_ui_language(make_app, registry):
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        from textual.widgets import Input

        prompt = app.screen.query_one(Input).placeholder
        assert "Search for commands" not in prompt and "拼音首字母" in prompt
        hits = []
        for provider_class in app.COMMANDS:
            provider = provider_class(app.screen_stack[-2])
            hits += [h.text async for h in provider.discover()]
        await pilot.press("escape")
    assert "退出程序" in hits and "退出登录" in hits
    for english in ("Keys", "Maximize", "Screenshot", "Theme", "Quit"):
        assert not any(english in (h or "") for h in hits), english


async def test_palette_quit_asks_about_unsaved_changes(make_app, registry):
    from mca_tui.ui.palette import ShellCommands

    class Form(Screen):
        dirty = True

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        app.push_screen(Form())
        await pilot.pause()
        provider = ShellCommands(app.screen)
        quit_hit = [h async for h in provider.search("退出程序")][0]
        app.call_next(quit_hit.command)
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        assert app.is_running
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, Form)
