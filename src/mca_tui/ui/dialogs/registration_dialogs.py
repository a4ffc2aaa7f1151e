"""Dialogs of the registration workflow: a text prompt (refusal reasons, a note), the 补正
notice (items and an optional deadline), a confirmation, and a document preview. Keys:
F9 confirm, Esc cancel; no y/n."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from mca_tui.domain.dates import parse_date
from mca_tui.i18n import t
from mca_tui.ui.widgets.footer import ShellFooter

_DIALOG_CSS = """
RegistrationDialog, TextPromptDialog, CorrectionDialog, ConfirmDialog, PreviewDialog {
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
.reg-dialog Input { width: 30; }
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
        yield ShellFooter()

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


@dataclass(frozen=True)
class CorrectionAnswer:
    """What the reviewer gave in the 补正 dialog: the items, and the date by which the
    applicant is asked to hand them in (None: no deadline)."""

    items: list[str]
    due_on: date | None


def due_date_problem(text: str, today: date) -> tuple[date | None, str | None]:
    """The deadline typed in the 补正 dialog: (date, None) if usable, (None, None) if blank,
    else (None, message)."""
    if not text.strip():
        return None, None
    day = parse_date(text)
    if day is None:
        return None, t("registration.ui.correction_due_invalid", value=text.strip())
    if day < today:
        return None, t("registration.ui.correction_due_past", today=today.isoformat())
    return day, None


class CorrectionDialog(ModalScreen[CorrectionAnswer | None]):
    """补正: every item to correct (one per line, prefilled) and an optional deadline for
    the applicant, checked on leaving the field and again on F9."""

    DEFAULT_CSS = _DIALOG_CSS
    BINDINGS = [
        Binding("f9", "confirm", t("registration.ui.key_confirm"), id="registration.dialog.confirm"),
        Binding("escape", "cancel", t("registration.ui.key_cancel"), id="registration.dialog.cancel"),
    ]

    def __init__(self, items: str, today: date) -> None:
        super().__init__()
        self._items, self._today = items, today

    def compose(self) -> ComposeResult:
        with Vertical(classes="reg-dialog"):
            yield Static(Text(t("registration.ui.correction_title_dialog")),
                         classes="reg-dialog-title")
            yield Static(Text(t("registration.ui.correction_prompt")))
            yield TextArea(self._items, id="dialog-text", soft_wrap=True)
            yield Static("", id="dialog-error", classes="reg-dialog-error")
            yield Static(Text(t("registration.ui.correction_due_label")))
            yield Input(placeholder=t("registration.ui.correction_due_hint"), id="dialog-due")
            yield Static("", id="dialog-due-error", classes="reg-dialog-error")
        yield ShellFooter()

    def on_mount(self) -> None:
        self.query_one("#dialog-text", TextArea).focus()

    def _check_due(self) -> tuple[date | None, bool]:
        """(deadline, usable); shows or clears the message under the field."""
        day, message = due_date_problem(self.query_one("#dialog-due", Input).value, self._today)
        self.query_one("#dialog-due-error", Static).update(Text(message or ""))
        return day, message is None

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id == "dialog-due":
            self._check_due()

    def action_confirm(self) -> None:
        text = self.query_one("#dialog-text", TextArea).text
        items = [x.strip() for x in text.splitlines() if x.strip()]
        if not items:
            self.query_one("#dialog-error", Static).update(t("registration.ui.dialog_empty"))
            self.query_one("#dialog-text", TextArea).focus()
            return
        self.query_one("#dialog-error", Static).update("")
        day, ok = self._check_due()
        if not ok:
            self.query_one("#dialog-due", Input).focus()
            return
        self.dismiss(CorrectionAnswer(items, day))

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
        yield ShellFooter()

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
        yield ShellFooter()

    def on_mount(self) -> None:
        self.query_one("#preview-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
