"""Types are checked (issue 8): mypy runs in the lint step, strict for the core.

Running mypy itself is the lint step's job (``python3 tasks.py lint``); these tests keep
its configuration from being weakened unnoticed."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# the flags of ``mypy --strict`` that can be set per module
STRICT_FLAGS = {
    "disallow_any_generics", "disallow_subclassing_any", "disallow_untyped_calls",
    "disallow_untyped_defs", "disallow_incomplete_defs", "disallow_untyped_decorators",
    "no_implicit_reexport", "warn_return_any", "extra_checks",
}
CORE = {"mca_tui.domain.*", "mca_tui.storage.*", "mca_tui.services.*", "mca_tui.reports.*"}


def _mypy_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def test_core_packages_are_checked_strictly() -> None:
    config = _mypy_config()
    assert config["files"] == ["src/mca_tui"]
    for flag in ("warn_unused_ignores", "warn_redundant_casts", "strict_equality",
                 "check_untyped_defs"):
        assert config.get(flag) is True, flag
    strict = [o for o in config.get("overrides", []) if {
        k for k, v in o.items() if v is True} >= STRICT_FLAGS]
    covered = {m for o in strict for m in ([o["module"]] if isinstance(o["module"], str)
                                           else o["module"])}
    assert covered >= CORE, CORE - covered
    # nothing in the core is silenced
    for o in config.get("overrides", []):
        modules = [o["module"]] if isinstance(o["module"], str) else o["module"]
        if o.get("ignore_errors"):
            assert not any(m.startswith(tuple(c[:-2] for c in CORE)) for m in modules)


def test_lint_step_runs_mypy_after_ruff() -> None:
    tree = ast.parse((ROOT / "tasks.py").read_text(encoding="utf-8"))
    lint = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "lint")
    strings = [n.value for n in ast.walk(lint) if isinstance(n, ast.Constant)
               and isinstance(n.value, str)]
    assert "mypy" in strings and "check" in strings  # `python -m mypy` and `ruff check`
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["optional-dependencies"]["test"]
    assert any(e.startswith("mypy") for e in extras)
