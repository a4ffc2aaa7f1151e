"""The key map file: ``binding-id = "key"`` lines in TOML (settings.ui.keymap_file, else
``<config dir>/keymap.toml``), applied with ``App.set_keymap``. Every binding of the app
has an id (e.g. ``app.search = "f4"``); the help screen (F1) lists the keys in force."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from mca_tui import config as cfg

log = logging.getLogger(__name__)

# CSS class of an Input in which Enter moves to the next field (handled by the app's
# priority binding, so that the move happens before the next key of a burst is routed)
ENTER_NEXT = "enter-next"


def keymap_path(settings: cfg.Settings) -> Path:
    return Path(settings.ui.keymap_file) if settings.ui.keymap_file else (
        cfg.config_dir() / "keymap.toml")


def load_keymap(settings: cfg.Settings) -> tuple[dict[str, str], str | None]:
    """(binding id -> key, problem message or None). A broken file is reported, not fatal;
    bare printable letters are refused (design.md §3: no bindings on bare letters)."""
    path = keymap_path(settings)
    if not path.exists():
        return {}, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.warning("key map %s unreadable: %s", path, exc)
        return {}, f"{path}: {exc}"
    out: dict[str, str] = {}
    flat: dict[str, object] = {}

    def walk(prefix: str, table: dict) -> None:
        for k, v in table.items():
            name = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                walk(name, v)
            else:
                flat[name] = v

    walk("", data)
    bad = []
    for binding_id, key in flat.items():
        keys = str(key).strip()
        if not keys or any(len(k.strip()) == 1 and k.strip().isprintable()
                           for k in keys.split(",")):
            bad.append(binding_id)
            continue
        out[binding_id] = keys
    return out, (f"{path}: {', '.join(bad)}" if bad else None)
