"""F1 help (帮助): the keys in force on the current screen, with their descriptions from
the catalog, and the general rules of the keyboard."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from mca_tui.i18n import t


def key_lines(app, screen: Screen) -> list[tuple[str, str]]:  # noqa: ANN001
    """(key as displayed, description) of the bindings of ``screen`` and the app that
    mca-tui defines (Textual's built-in widget keys are explained in the rules text)."""
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        # mca-tui's own bindings all carry an id; Textual's built-in ones do not
        if not binding.id or not binding.description:
            continue
        display = app.get_key_display(binding)
        if (display, binding.description) in seen:
            continue
        seen.add((display, binding.description))
        out.append((display or key, binding.description))
    return out


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1", "close", t("ui.key.close"), id="help.close"),
    ]

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="panel"):
            yield Static(t("ui.help.title"), classes="title")
            body = Text()
            width = max((cell_len(k) for k, _ in self.lines), default=4) + 3
            for key, description in self.lines:
                body.append(key, style="bold")
                body.append(" " * (width - cell_len(key)))
                body.append(description + "\n")
            body.append("\n")
            body.append(t("ui.help.rules"))
            with VerticalScroll():
                yield Static(body)

    def action_close(self) -> None:
        self.dismiss(None)
