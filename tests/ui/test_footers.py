"""Issue 14, "at 80x24 ... footers keep the palette key": on every main screen at 80x24,
in Chinese and in English, the footer row shows F1 help first and the command palette key
(Ctrl+P) at its right end, whole, however many keys the screen has; the keys that do not
fit are cut from the middle (all of them are in F1 help and the palette).

The rows are read in a process per language (tests/ui/footer_probe.py), started as
``mca-tui --lang en`` starts: the key labels are read from the catalog when the screens'
modules are imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from mca_tui.i18n import set_language, t

from .footer_probe import PROCEDURE_SCREENS

ROOT = Path(__file__).resolve().parents[2]
MAIN_SCREENS = {"signin", "home", "search", "record", "application", "intake",
                *(name for name, _proc, _org in PROCEDURE_SCREENS)}
# the key a screen is for is never the one clipped at 80 columns
PRIMARY_KEYS = {"intake": ("f9", "registration.ui.key_submit")}


def _labels(lang: str) -> tuple[str, str]:
    set_language(lang)
    try:
        return f"^p {t('ui.key.palette')}", f"f1 {t('ui.key.help')}"
    finally:
        set_language("zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_footers_at_80x24_keep_help_and_the_palette_key(lang, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tests.ui.footer_probe", lang, str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows: dict[str, str] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(rows) == MAIN_SCREENS
    palette, help_key = _labels(lang)
    problems = []
    for screen, row in rows.items():
        shown = row.rstrip()
        if cell_len(row) != 80:
            problems.append(f"{screen}: the row is {cell_len(row)} cells: {row!r}")
        if not shown.endswith(palette):  # whole, at the right end, nothing written over it
            problems.append(f"{screen}: no {palette!r} at the right end: {row!r}")
        if not shown.lstrip().startswith(help_key):
            problems.append(f"{screen}: no {help_key!r} first: {row!r}")
    set_language(lang)
    try:
        primary = {screen: f"{key} {t(label)}" for screen, (key, label) in PRIMARY_KEYS.items()}
    finally:
        set_language("zh")
    for screen, key in primary.items():
        if key not in rows[screen]:
            problems.append(f"{screen}: {key!r} is not shown: {rows[screen]!r}")
    assert not problems, "\n".join(problems)
