"""Dialogs of the registration workflow: a text prompt (补正 items, refusal reasons, a
note), a confirmation, and a document preview. Keys: F9 confirm, Esc cancel; no y/n."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

from mca_tui.i18n import t

_DIALOG_CSS = """
RegistrationDialog, TextPromptDialog, ConfirmDialog, PreviewDialog {
    align: center middle;
}
.reg-dialog {
    width: 90;
    max-width: 96%;
    height: auto;
    max-height: 90%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
.reg-dialog-title { text-style: bold; margin-bottom: 1; }
.reg-dialog TextArea { height: 10; }
.reg-dialog-error { color: $error; }
.reg-dialog-body { height: auto; max-height: 20; }
"""


class TextPromptDialog(ModalScreen[str | None]):
    """Ask for a text (one item per line when ``lines``): F9 confirms, Esc cancels.
    Refuses an empty answer when ``required`` (the message stays in the dialog)."""

    DEFAULT_CSS = _DIALOG_CSS
    BINDINGS = [
        Binding("f9", "confirm", t("registration.ui.key_confirm"), id="registration.dialog.confirm"),
        Binding("escape", "cancel", t("registration.ui.key_cancel"), id="registration.dialog.cancel"),
    ]

    def __init__(self, title: str, prompt: str, initial: str = "", *,
                 required: bool = True) -> None:
        super().__init__()
        self._title, self._prompt, self._initial = title, prompt, initial
        self._required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="reg-dialog"):
            yield Static(Text(self._title), classes="reg-dialog-title")
            yield Static(Text(self._prompt))
            yield TextArea(self._initial, id="dialog-text", soft_wrap=True)
            yield Static("", id="dialog-error", classes="reg-dialog-error")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#dialog-text", TextArea).focus()

    def action_confirm(self) -> None:
        text = self.query_one("#dialog-text", TextArea).text.strip()
        if self._required and not text:
            self.query_one("#dialog-error", Static).update(t("registration.ui.dialog_empty"))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A question answered with F9 (yes) or Esc (no)."""

    DEFAULT_CSS = _DIALOG_CSS
    BINDINGS = [
        Binding("f9", "confirm", t("registration.ui.key_confirm"), id="registration.dialog.confirm"),
        Binding("escape", "cancel", t("registration.ui.key_cancel"), id="registration.dialog.cancel"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self._title, self._body = title, body

    def compose(self) -> ComposeResult:
        with Vertical(classes="reg-dialog"):
            yield Static(Text(self._title), classes="reg-dialog-title")
            with VerticalScroll(classes="reg-dialog-body"):
                yield Static(Text(self._body))
            yield Static(t("registration.ui.confirm_hint"))
        yield Footer(show_command_palette=False)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class PreviewDialog(ModalScreen[None]):
    """The plain text of an issued document, with its number and file path."""

    DEFAULT_CSS = _DIALOG_CSS
    BINDINGS = [
        Binding("escape", "close", t("registration.ui.key_close"), id="registration.dialog.close"),
        Binding("enter", "close", t("registration.ui.key_close"), show=False,
                id="registration.dialog.close_enter"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._title, self._text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="reg-dialog"):
            yield Static(Text(self._title), classes="reg-dialog-title")
            with VerticalScroll(classes="reg-dialog-body", id="preview-body"):
                yield Static(Text(self._text))
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#preview-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
