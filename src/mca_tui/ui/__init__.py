"""The Textual face of mca-tui. Importing this package first makes sure the Kitty
keyboard protocol is off before Textual loads (some terminals drop IME text with it)."""

import os

os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
