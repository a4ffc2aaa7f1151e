"""A confirmation: Enter or F9 confirms, Esc cancels (no y/n keys, design.md §3)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from mca_tui.i18n import t
from mca_tui.ui.widgets.footer import ShellFooter


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("enter,f9", "confirm", t("ui.key.confirm"), id="confirm.yes"),
        Binding("escape", "cancel", t("ui.key.cancel"), id="confirm.no"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="panel"):
            yield Static(Text(self.title_text), classes="title")
            yield Static(Text(self.message))
            yield Static(t("ui.confirm.hint"), classes="status")
        yield ShellFooter()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
