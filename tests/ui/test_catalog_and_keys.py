"""House rules of the UI: every catalog key used by the UI exists in both languages,
every binding has an id, and no binding sits on a bare printable key."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import mca_tui.ui as ui_pkg
from mca_tui.i18n import catalog

UI_DIR = Path(ui_pkg.__file__).parent
KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)+)["']""")
LABEL_KEY = re.compile(r"""["'](ui\.(?:proc|key)\.[a-z0-9_]+)["']""")


def ui_sources() -> dict[str, str]:
    return {str(p.relative_to(UI_DIR)): p.read_text(encoding="utf-8")
            for p in UI_DIR.rglob("*.py")}


def test_every_key_used_by_the_ui_exists_in_both_languages():
    zh, en = catalog("zh"), catalog("en")
    missing = []
    for name, source in ui_sources().items():
        for key in set(KEY_CALL.findall(source)) | set(LABEL_KEY.findall(source)):
            for lang, cat in (("zh", zh), ("en", en)):
                if key not in cat:
                    missing.append(f"{name}: {key} ({lang})")
    assert not missing, "missing catalog keys:\n" + "\n".join(sorted(missing))


def test_dynamic_keys_of_the_shell_exist():
    zh, en = catalog("zh"), catalog("en")
    from mca_tui.ui import procedures
    from mca_tui.ui.screens.record import TABS

    keys = [f"ui.record.tab_{tab}" for tab in TABS]
    keys += [p.label_key for p in procedures.PROCEDURES]
    for key in keys:
        assert key in zh and key in en, key


def test_ui_catalog_files_have_the_same_keys():
    import tomllib
    from importlib import resources

    for area in ("ui", "search"):
        tables = []
        for lang in ("zh", "en"):
            text = (resources.files("mca_tui") / "locale" / lang / f"{area}.toml").read_text(
                encoding="utf-8")
            flat: set[str] = set()

            def walk(prefix: str, table: dict, flat: set[str] = flat) -> None:
                for k, v in table.items():
                    name = f"{prefix}.{k}" if prefix else k
                    if isinstance(v, dict):
                        walk(name, v)
                    else:
                        flat.add(name)

            walk("", tomllib.loads(text))
            tables.append(flat)
        assert tables[0] == tables[1], area


def test_no_ambiguous_width_symbols_in_the_shell_catalog():
    from importlib import resources

    for lang in ("zh", "en"):
        for area in ("ui", "search"):
            text = (resources.files("mca_tui") / "locale" / lang / f"{area}.toml").read_text(
                encoding="utf-8")
            for ch in "…“”·×①→":
                assert ch not in text, (lang, area, ch)


def _ui_classes():
    from textual.dom import DOMNode

    for info in pkgutil.walk_packages(ui_pkg.__path__, "mca_tui.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                yield cls


def test_every_binding_has_an_id_and_no_bare_letter_keys():
    from textual.binding import Binding

    problems = []
    classes = list(_ui_classes())
    assert any(c.__name__ == "McaApp" for c in classes)
    for cls in classes:
        for b in cls.__dict__.get("BINDINGS", []):
            if not isinstance(b, Binding):
                problems.append(f"{cls.__name__}: {b!r} is not a Binding with an id")
                continue
            if not b.id:
                problems.append(f"{cls.__name__}: {b.key} has no id")
            for key in b.key.split(","):
                key = key.strip()
                if len(key) == 1 and key.isprintable():
                    problems.append(f"{cls.__name__}: bare key {key!r}")
                if key in ("ctrl+h", "ctrl+i", "ctrl+j", "ctrl+m"):
                    problems.append(f"{cls.__name__}: {key} is not usable in terminals")
    assert not problems, "\n".join(problems)


def test_binding_ids_are_unique_per_class():
    for cls in _ui_classes():
        ids = [b.id for b in cls.__dict__.get("BINDINGS", []) if getattr(b, "id", None)]
        assert len(ids) == len(set(ids)), cls.__name__
