"""The idle lock (锁屏): covers the screen until the signed-in user's password is typed
again; the screens underneath keep everything they held."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.ui.calls import ServiceCalls


class LockScreen(ServiceCalls, ModalScreen[bool]):
    BINDINGS = [Binding("f9", "unlock", t("ui.key.unlock"), id="lock.unlock")]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box", classes="panel"):
            yield Static(t("ui.lock.title"), classes="title")
            yield Static(Text(t("ui.lock.explain", name=self.ctx.actor.display_name)))
            yield Label(t("ui.sign_in.password"))
            yield Input(id="lock-password", password=True)
            yield Static("", id="lock-status", classes="status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_unlock()

    def action_unlock(self) -> None:
        from mca_tui.services import users

        password = self.query_one(Input).value
        self.call_service(users.verify_unlock, self.ctx, password, then=self._checked)

    def _checked(self, ok: bool) -> None:
        if ok:
            self.dismiss(True)
            return
        self.query_one(Input).value = ""
        status = self.query_one("#lock-status", Static)
        status.update(t("ui.lock.wrong"))
        status.add_class("error")
