"""One way for screens to call services (issue 8): no thread workers of their own, no
private Textual API; unexpected errors reach the clerk as a plain sentence."""

from __future__ import annotations

import re
from pathlib import Path

import mca_tui.ui

UI = Path(mca_tui.ui.__file__).parent
PRIVATE = re.compile(r"\._bindings\b|_add_binding|\._keymap\b|@work\b|from textual import work")


def test_no_private_textual_api_nor_own_workers_in_the_ui():
    offenders = [f"{p.relative_to(UI)}:{i}" for p in UI.rglob("*.py")
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if PRIVATE.search(line)]
    assert offenders == []


def test_unexpected_errors_are_plain():
    from mca_tui.ui.calls import plain_message

    text = plain_message(RuntimeError("(sqlite3.OperationalError) no such column: x.y"))
    assert "sqlite3" not in text and "RuntimeError" not in text and "日志" in text
    busy = plain_message(RuntimeError("(sqlite3.OperationalError) database is locked"))
    assert "数据库正忙" in busy and "sqlite3" not in busy
