"""The Textual face of mca-tui. Importing this package first makes sure the Kitty
keyboard protocol is off before Textual loads (some terminals drop IME text with it)."""

import os

os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")

# The screens' wiring: fills the procedure registry and the screen router (ui.routes).
from mca_tui.ui import routes  # noqa: E402, F401
