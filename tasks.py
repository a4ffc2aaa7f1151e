#!/usr/bin/env python3
"""Developer and CI entry point; needs only Python >= 3.11.

    python3 tasks.py demo    # set up .venv if needed, start mca-tui on the demo database
    python3 tasks.py test    # set up .venv if needed, run lint and the whole test suite
                             # (in parallel: pytest-xdist, -n 2..4; ``-n 0`` for one process)
    python3 tasks.py test --slow   # the same plus the long reliability runs (marked slow)
    python3 tasks.py lint    # ruff, then mypy (config in pyproject.toml)
    python3 tasks.py bench   # run the benchmarks in bench/ (prints figures)
    python3 tasks.py bench --size 10k|100k|1m [--json FILE]  # the suite (bench/suite.py)
    python3 tasks.py bench --size 10k --db postgresql+psycopg://USER@HOST:PORT/DB
                             # the same suite on PostgreSQL (the registry copied into
                             # that empty database with mca-tui copy-registry)
    python3 tasks.py docs-check  # every kind of document as .docx (+ PDF via LibreOffice
                                 # when soffice is installed) in bench/out/docs, to look at

Set-up creates ``.venv`` beside this file and installs the project with its test
extras (re-installing only when pyproject.toml changed).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".setup-stamp"


def setup() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may run on an old python3
        sys.exit("mca-tui needs Python 3.11 or newer")
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want:
        return
    print("installing mca-tui and its dependencies into .venv ...", flush=True)
    subprocess.check_call([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    subprocess.check_call([str(PY), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"])
    STAMP.write_text(want)


def run(*cmd: str) -> int:
    return subprocess.call(list(cmd), cwd=ROOT)


def lint() -> int:
    paths = [p for p in ("src", "tests", "bench", "tasks.py") if (ROOT / p).exists()]
    code = run(str(BIN / "ruff"), "check", *paths)
    # types: strict for domain, storage, services and reports; the rest in default mode
    # ([tool.mypy] in pyproject.toml says which files and how)
    return code or run(str(PY), "-m", "mypy")


def main() -> int:
    what = sys.argv[1] if len(sys.argv) > 1 else "help"
    rest = sys.argv[2:]
    if what not in ("demo", "test", "lint", "bench", "docs-check"):
        print(__doc__)
        return 0 if what == "help" else 2
    setup()
    if what == "demo":
        return run(str(BIN / "mca-tui"), "--demo", *rest)
    if what == "lint":
        return lint()
    if what == "docs-check":
        return run(str(PY), str(ROOT / "bench" / "docs_check.py"), *rest)
    if what == "bench":
        # the suite: bench --size 10k|100k|1m [--json FILE] (bench/suite.py); with no
        # options, the older per-topic scripts bench/bench_*.py as well
        if rest:
            return run(str(PY), str(ROOT / "bench" / "suite.py"), *rest)
        code = run(str(PY), str(ROOT / "bench" / "suite.py"))
        for script in sorted((ROOT / "bench").glob("bench_*.py")):
            code |= run(str(PY), str(script))
        return code
    code = lint()
    if code:
        print("lint failed", file=sys.stderr)
        return code
    if "--slow" in rest:  # also the tests marked slow (pyproject's addopts leave them out)
        rest = ["-m", "", *(a for a in rest if a != "--slow")]
    return run(str(PY), "-m", "pytest", "-q", *parallel(rest), *rest)


def parallel(rest: list[str]) -> list[str]:
    """pytest-xdist options: tests run on several worker processes (each test is isolated:
    its own temporary folder, MCA_TUI_HOME, registry and tmux server), as many as there
    are CPUs, between 2 and 4; ``--dist loadgroup`` keeps the tests marked
    ``xdist_group`` together on one worker. ``-n N`` on the command line wins (``-n 0``:
    one process)."""
    if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in rest):
        return []
    workers = min(4, max(2, os.cpu_count() or 2))
    return ["-n", str(workers), "--dist", "loadgroup"]


if __name__ == "__main__":
    sys.exit(main())
