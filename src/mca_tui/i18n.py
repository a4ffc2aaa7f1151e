"""The message catalog: Simplified Chinese by default, English on request.

Catalogs are TOML files under ``locale/<lang>/``, one file per area (identifiers,
clocks, ui, ...), merged at first use. Keys are flat dotted strings; values are
``str.format`` templates. Used by the core (error messages) and the UI alike, so it
imports nothing heavy.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_current = DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Switch the process-wide language (``zh`` or ``en``)."""
    global _current
    lang = normalize_language(lang)
    _current = lang


def get_language() -> str:
    return _current


def normalize_language(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANGUAGE
    lang = lang.lower().replace("_", "-")
    if lang.startswith("en"):
        return "en"
    if lang.startswith("zh"):
        return "zh"
    raise ValueError(f"unsupported language: {lang!r} (use zh or en)")


def _flatten(prefix: str, table: dict, out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, merged from every file of its folder."""
    out: dict[str, str] = {}
    folder = resources.files("mca_tui") / "locale" / lang
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            _flatten("", tomllib.loads(entry.read_text(encoding="utf-8")), out)
    return out


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """Translate ``key``; a missing key shows itself rather than crashing a screen
    (a test guarantees no key is missing in either language)."""
    text = catalog(lang or _current).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def label(enum_value: object, lang: str | None = None) -> str:
    """Label of an enum member: key ``enum.<ClassName>.<value>``."""
    return t(f"enum.{type(enum_value).__name__}.{enum_value.value}", lang)  # type: ignore[attr-defined]
