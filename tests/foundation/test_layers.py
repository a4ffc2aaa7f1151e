"""The layer order of the package, read from the source (every import, also those inside
functions; imports under ``if TYPE_CHECKING:`` are for the type checker and do not count).

    domain, i18n  ->  config  ->  storage  ->  reports / services  ->  commands, ui, demo, cli

``reports`` renders and parses and never imports ``services``; ``ui`` never imports ``storage``
(screens talk to services, never SQL); and no two modules import each other, directly or
through others (an import cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import mca_tui

SRC = Path(mca_tui.__file__).resolve().parent

# layer of each top-level part of the package; a module may import its own layer or lower
LAYER = {
    "": 0, "domain": 0, "i18n": 0, "locale": 0,
    "config": 1,
    "storage": 2,
    "reports": 3, "services": 3,
    "commands": 4, "ui": 4, "demo": 4, "cli": 4, "__main__": 5,
}
FORBIDDEN = {("reports", "services"), ("ui", "storage")}


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = ["mca_tui", *path.relative_to(SRC).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.AST):
    """Every node, skipping the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    edges: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        out: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in mods else module
                           for a in node.names]
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target.startswith("mca_tui") and target != name:
                    out.add(target)
        edges[name] = out
    return edges


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_imports_follow_the_layer_order():
    wrong = []
    for module, targets in _graph().items():
        for target in targets:
            a, b = _part(module), _part(target)
            if LAYER[b] > LAYER[a] or (a, b) in FORBIDDEN:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against the layer order:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles():
    edges = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_graph_is_read():
    edges = _graph()
    assert "mca_tui.services.context" in edges["mca_tui.services.users"]
    assert "mca_tui.domain.identifiers" in {t for ts in edges.values() for t in ts}


def test_demo_data_lives_in_the_demo_package():
    """Services are the product's use cases; the demo's seeders live in ``mca_tui.demo``."""
    stray = [m for m in _modules() if m.startswith("mca_tui.services") and "demo" in m]
    assert not stray, f"demo code under services/: {stray}"
