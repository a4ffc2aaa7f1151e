"""The Textual application: sign-in, home, search, record; global keys, key map, themes,
idle lock and the command palette.

The first screen paints before any database work: the database is opened (and migrated,
and the demo registry created with ``--demo``) in a thread worker while the sign-in
screen already shows, and a "started in N ms" marker goes to the log.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")

import logging  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.binding import Binding  # noqa: E402

from mca_tui.config import Settings  # noqa: E402
from mca_tui.i18n import get_language, t  # noqa: E402
from mca_tui.ui import procedures  # noqa: E402
from mca_tui.ui.calls import ServiceCalls  # noqa: E402
from mca_tui.ui.keys import ENTER_NEXT  # noqa: E402
from mca_tui.ui.palette import ShellCommands  # noqa: E402
from mca_tui.ui.themes import DEFAULT, HIGH_CONTRAST, theme_name  # noqa: E402

if TYPE_CHECKING:  # imported when needed: they are not needed to draw the first screen
    from textual.notifications import SeverityLevel

    from mca_tui.services.context import ServiceContext
    from mca_tui.storage.engine import Database

log = logging.getLogger("mca_tui.ui")

SWITCH_LANGUAGE = 75  # exit code: restart in the other language
IDLE_CHECK_SECONDS = 5.0


class McaApp(ServiceCalls, App[int]):
    """社会组织登记管理终端."""

    CSS_PATH = "app.tcss"
    # only this app's commands, in the UI language: Textual's built-in system commands
    # (Keys, Maximize, Screenshot, Theme, Quit in English) are replaced by ShellCommands
    COMMANDS = {ShellCommands}
    BINDINGS = [
        Binding("f1", "help", t("ui.key.help"), id="app.help"),
        Binding("f3", "search", t("ui.key.search"), id="app.search"),
        # shown once, docked at the right of every footer (Footer(show_command_palette=
        # True)), so it stays visible however many keys a screen has, even at 80 columns
        Binding("ctrl+p", "command_palette", t("ui.key.palette"), id="app.palette",
                show=False),
        Binding("ctrl+l", "lock", t("ui.key.lock"), id="app.lock", show=False),
        Binding("ctrl+o", "sign_out", t("ui.key.sign_out"), id="app.sign_out"),
        Binding("ctrl+q", "quit", t("ui.key.quit"), id="app.quit", priority=True),
        # Focus moves before the next key of a burst is routed (design.md §3): Textual
        # sends each key to the widget focused when the key is dispatched, so Tab handled
        # by the focused widget would move focus too late for the keys queued behind it.
        Binding("tab", "next_field", show=False, priority=True, id="app.next_field"),
        Binding("shift+tab", "previous_field", show=False, priority=True,
                id="app.previous_field"),
        Binding("enter", "enter_next_field", show=False, priority=True,
                id="app.enter_next_field"),
        # priority too: Ctrl+N takes effect (the form is pushed) before the text typed right
        # after it is routed, so that text reaches the new form, not the screen behind
        *[Binding(p.key, f"procedure('{p.id}')", t(p.label_key), id=f"procedure.{p.id}",
                  show=False, priority=True) for p in procedures.PROCEDURES if p.key],
    ]

    def __init__(self, settings: Settings, open_db: Callable[[], object], *,
                 demo: bool = False, started: float | None = None,
                 today: Callable[[], date] | None = None) -> None:
        super().__init__()
        self.settings = settings
        self._open_db = open_db
        self.demo = demo
        self.started = started if started is not None else time.perf_counter()
        self._today = today
        self.db: Database | None = None
        self.ctx: ServiceContext | None = None
        self.locked = False
        self.keymap_problem: str | None = None
        self._last_input = time.monotonic()
        self.title = t("ui.app_title")

    # ------------------------------------------------------------------ start

    def on_mount(self) -> None:
        from mca_tui.ui.keys import load_keymap
        from mca_tui.ui.screens.sign_in import SignInScreen

        self.register_theme(DEFAULT)
        self.register_theme(HIGH_CONTRAST)
        self.theme = theme_name(self.settings.ui.theme)
        keymap, problem = load_keymap(self.settings)
        if keymap:
            self.set_keymap(keymap)
        self.keymap_problem = problem
        demo_users = None
        if self.demo:
            try:
                from mca_tui.demo import DEMO_USERS

                demo_users = DEMO_USERS
            except ImportError:
                demo_users = None
        self.push_screen(SignInScreen(demo_users))
        self.call_after_refresh(self._painted)
        self.call_service(self._open_db, then=self._database_open, failed=self._open_failed,
                          group="open-db")
        self.set_interval(IDLE_CHECK_SECONDS, self._check_idle)

    def _painted(self) -> None:
        ms = (time.perf_counter() - self.started) * 1000
        log.info("started in %d ms", ms)
        if self.keymap_problem:
            self.notify(t("ui.keymap_problem", problem=self.keymap_problem),
                        severity="warning", markup=False)

    def _registry_busy(self, reason: str) -> None:
        """Called from a worker whose write waits for another writer: tell the clerk (the
        form stays as typed; the write goes on by itself when the registry is free)."""
        key = "registry_file.busy_import" if reason == "import" else "registry_file.busy_wait"
        self.call_from_thread(self.notify, t(key), severity="warning", markup=False)

    def _database_open(self, db) -> None:  # noqa: ANN001
        from mca_tui.services.users import has_users

        self.db = db
        db.on_busy = self._registry_busy  # a write waiting for the lock says so (issue 13)
        log.info("database ready after %d ms", (time.perf_counter() - self.started) * 1000)
        self.call_service(has_users, db, then=self._users_known, group="open-db")

    def _users_known(self, any_user: bool) -> None:
        from mca_tui.domain.pinyin import preload
        from mca_tui.ui.screens.sign_in import BootstrapScreen, SignInScreen

        # the pinyin dictionaries load while the clerk signs in, not at the first search
        self.call_service(preload, group="preload")
        screen = self.screen
        if not any_user:
            self.switch_screen(BootstrapScreen())
        elif isinstance(screen, SignInScreen):
            screen.database_ready()

    def _open_failed(self, message: str) -> None:
        from mca_tui.ui.screens.sign_in import SignInScreen

        if isinstance(self.screen, SignInScreen):
            self.screen.set_status(t("ui.sign_in.open_failed", error=message), error=True)

    def anonymous_context(self):  # noqa: ANN201 - for sign-in and the first administrator
        from mca_tui.services.context import cli_context

        assert self.db is not None  # the sign-in screen is shown once the database is open
        ctx = cli_context(self.db, self.settings)
        if self._today is not None:
            ctx.today = self._today
        return ctx

    def signed_in(self, actor) -> None:  # noqa: ANN001 - domain.actor.Actor
        from mca_tui.services.context import ServiceContext
        from mca_tui.ui.screens.home import HomeScreen

        assert self.db is not None  # signing in needs the open database
        self.ctx = ServiceContext(db=self.db, settings=self.settings, actor=actor)
        if self._today is not None:
            self.ctx.today = self._today
        self._last_input = time.monotonic()
        self.switch_screen(HomeScreen(self.ctx))
        self.notify(t("ui.welcome", name=actor.display_name), markup=False, timeout=3)

    def action_sign_out(self) -> None:
        """Ctrl+O (and the palette): sign out, asking first when a form has unsaved
        changes, exactly as Ctrl+Q does."""
        from mca_tui.ui.dialogs.confirm import ConfirmScreen

        if self.ctx is None or self.locked:
            return
        if not self.unsaved_screens():
            self.sign_out()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.sign_out()

        self.push_screen(ConfirmScreen(t("ui.sign_out.title"), t("ui.sign_out.unsaved")), answered)

    def sign_out(self) -> None:
        from mca_tui.ui.screens.sign_in import SignInScreen

        if self.locked:
            return
        self.ctx = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        screen = SignInScreen(None)
        self.switch_screen(screen)
        self.call_after_refresh(screen.database_ready)

    # ------------------------------------------------------------------ navigation

    def go_home(self) -> None:
        from mca_tui.ui.screens.home import HomeScreen

        if self.locked:
            return
        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def open_search(self, query: str = "") -> None:
        from mca_tui.ui.screens.search import SearchScreen

        if self.ctx is None or self.locked:
            return
        if isinstance(self.screen, SearchScreen) and not query:
            self.screen.action_focus_query()
            return
        self.push_screen(SearchScreen(self.ctx, query))

    def open_record(self, organization_id: str) -> None:
        if self.ctx is not None:
            self.push_screen(procedures.RECORD(self.ctx, organization_id))

    def open_procedure(self, procedure_id: str) -> None:
        if self.ctx is None or self.locked:
            return
        proc = procedures.get(procedure_id)
        if not proc.allowed(self.ctx.actor):
            roles = "/".join(t(f"enum.Role.{r.value}") for r in proc.allowed_roles)
            self.notify(t("error.permission_denied", roles=roles), severity="warning",
                        markup=False)
            return
        if proc.needs_organization:
            self.notify(t("ui.needs_organization"), markup=False)
            return
        self.push_screen(proc.build(self.ctx, None))

    # ------------------------------------------------------------------ actions

    # Toasts sit over the top rows of the screen: a long message (a list of findings, a
    # multi-line error) is cut to TOAST_LINES lines of at most TOAST_CELLS cells so that it
    # never covers the panels below; the whole text goes to the log.
    TOAST_LINES = 3
    TOAST_CELLS = 44  # Toast max-width 60% of 80 columns, less its padding

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        plain = message
        if markup:
            from rich.errors import MarkupError
            from rich.text import Text

            try:
                plain = Text.from_markup(message).plain
            except MarkupError:
                plain = message
        short = toast_text(plain, self.TOAST_LINES, self.TOAST_CELLS)
        if short != plain:  # shortened: shown as plain text (a cut never splits a tag)
            log.info("notification (shown shortened): %s", message)
            message, markup = short, False
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.locked:  # nothing but the password (or quitting) while locked
            return
        # (Textual annotates the app as App[object]; McaApp is an App[int])
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            # the prompt in the UI language (Textual's own reads "Search for commands…")
            self.push_screen(CommandPalette(placeholder=t("ui.palette.placeholder"),
                                            id="--command-palette"))

    def action_search(self) -> None:
        self.open_search()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign_out":
            return self.ctx is not None and not self.locked
        if action == "enter_next_field":
            # only where Enter means "next field" (an Input marked ENTER_NEXT); elsewhere
            # Enter goes on to the focused widget and the screen as usual
            focused = self.focused
            return focused is not None and focused.has_class(ENTER_NEXT)
        return True

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def action_previous_field(self) -> None:
        self.screen.focus_previous()

    def action_enter_next_field(self) -> None:
        self.screen.focus_next()

    def action_procedure(self, procedure_id: str) -> None:
        from textual.screen import ModalScreen

        if isinstance(self.screen, ModalScreen):  # a priority key: not over a dialog
            return
        self.open_procedure(procedure_id)

    def action_help(self) -> None:
        from mca_tui.ui.dialogs.help import HelpScreen, key_lines

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(key_lines(self, self.screen)))

    def unsaved_screens(self) -> list:
        return [s for s in self.screen_stack
                if getattr(s, "dirty", False) or getattr(s, "unsaved", False)]

    async def action_quit(self) -> None:
        from mca_tui.ui.dialogs.confirm import ConfirmScreen

        if not self.unsaved_screens():
            self.exit(0)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        self.push_screen(ConfirmScreen(t("ui.quit.title"), t("ui.quit.unsaved")), answered)

    def toggle_theme(self) -> None:
        self.theme = (HIGH_CONTRAST.name if self.theme != HIGH_CONTRAST.name
                      else DEFAULT.name)

    def switch_language(self) -> None:
        """Restart in the other language (catalog texts are read as screens load)."""
        self.exit(SWITCH_LANGUAGE)

    # ------------------------------------------------------------------ idle lock

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self._last_input = time.monotonic()
        if (isinstance(event, events.Key) and event.key not in ("ctrl+q", "ctrl+c")
                and not getattr(self.screen, "keys_ready", True)):
            # a form still being built takes the keys itself, in order (see
            # RegistrationFormScreen.keys_ready): none lost, none in the wrong field
            key = events.Key(event.key, event.character)
            key.set_sender(self)
            self.screen.post_message(key)
            return
        await super().on_event(event)

    def _check_idle(self) -> None:
        minutes = self.settings.ui.idle_lock_minutes
        if (minutes > 0 and self.ctx is not None and not self.locked
                and time.monotonic() - self._last_input > minutes * 60):
            self.action_lock()

    def action_lock(self) -> None:
        from mca_tui.ui.dialogs.lock import LockScreen

        if self.ctx is None or self.locked:
            return
        self.locked = True

        def unlocked(_ok: bool | None) -> None:
            self.locked = False
            self._last_input = time.monotonic()

        self.push_screen(LockScreen(self.ctx), unlocked)


def toast_text(message: str, lines: int, cells: int) -> str:
    """``message`` as at most ``lines`` display lines of ``cells`` terminal cells (CJK
    characters are 2 wide); a cut is marked with an ellipsis."""
    from rich.cells import cell_len

    out: list[str] = []
    for raw in message.splitlines() or [""]:
        row, used = "", 0
        for ch in raw:
            w = cell_len(ch)
            if used + w > cells:
                out.append(row)
                row, used = "", 0
            row += ch
            used += w
        out.append(row)
    if len(out) <= lines:
        return message if all(cell_len(r) <= cells for r in out) else "\n".join(out)
    kept = out[:lines]
    last = kept[-1]
    while last and cell_len(last) + 1 > cells:
        last = last[:-1]
    kept[-1] = last + "…"
    return "\n".join(kept)


def _restart_argv(lang: str) -> list[str]:
    args, skip = [], False
    for a in sys.argv[1:]:
        if skip:
            skip = False
            continue
        if a == "--lang":
            skip = True
            continue
        if a.startswith("--lang="):
            continue
        args.append(a)
    return [sys.executable, "-m", "mca_tui", "--lang", lang, *args]


def run_app(runtime, started: float) -> int:  # noqa: ANN001 - cli.Runtime
    """Run the terminal UI; returns the process exit code."""
    app = McaApp(runtime.settings, runtime.database, demo=runtime.demo, started=started)
    code = app.run()
    from mca_tui.ui.calls import wait_for_closing_calls

    wait_for_closing_calls()  # a form's last draft save, started as it closed
    if code == SWITCH_LANGUAGE:
        other = "en" if get_language() == "zh" else "zh"
        argv = _restart_argv(other)
        os.execv(argv[0], argv)
    if isinstance(code, int):
        return code
    return 0


__all__ = ["McaApp", "run_app"]
