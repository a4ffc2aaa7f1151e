"""The footer of every screen (issue 14, "footers keep the palette key"): F1 help first and
the command palette key (Ctrl+P) docked at the right, whatever the width; between them the
screen's own keys, most important first, then the app's. What does not fit at 80 columns
is cut from the right of that middle part; every key is listed by F1 help and every
action is in the palette."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTION = "help"  # the app's F1 binding (id app.help; the key may be remapped)


class ShellFooter(Footer):
    """A compact footer: F1 help, the screen's keys (clipped at the right edge, never
    written under the palette key: a wide character cut there left half a glyph), the
    command palette key."""

    DEFAULT_CSS = """
    ShellFooter > .shell-footer-keys {
        width: 1fr;
        height: 1;
        layout: horizontal;
        overflow: hidden hidden;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("show_command_palette", True)
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action == HELP_ACTION:
                yield FooterKey(binding.key, self.app.get_key_display(binding),
                                binding.description, binding.action, disabled=not enabled,
                                tooltip=tooltip).data_bind(compact=Footer.compact)
                break
        # the rest as Textual lays it out (passed through as composed, so that a binding
        # group still gets its keys) in a clipped box; the palette key after it
        palette: list[FooterKey] = []
        with HorizontalGroup(classes="shell-footer-keys"):
            for widget in super().compose():
                if isinstance(widget, FooterKey) and widget.has_class("-command-palette"):
                    palette.append(widget)
                elif not (isinstance(widget, FooterKey) and widget.action == HELP_ACTION):
                    yield widget
        yield from palette
