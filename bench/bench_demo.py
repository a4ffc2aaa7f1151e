"""Benchmark: the demo registry's first build (``mca-tui --demo`` on a new home), by phase.

    python bench/bench_demo.py [RUNS]      (default 3)

Builds the demo RUNS times in fresh temporary folders and prints, per run and as medians,
the wall time and this process's CPU time of the whole build and of each phase (the
ledger import and each seeder of ``mca_tui.demo._build``). The CPU time is the build's
own cost; the wall time also carries the machine's load (on a 2-core machine shared by
other processes it is several times the CPU time). Not part of the test run; the test
``tests/demo/test_demo.py::test_demo_builds_fast_and_reproduces_2022`` bounds both.
"""

from __future__ import annotations

import functools
import importlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PHASES = (
    ("mca_tui.services.ledger_import", "import_ledger"),
    ("mca_tui.demo.applications", "seed_demo_applications"),
    ("mca_tui.demo.spot_check", "seed_demo_spot_check"),
    ("mca_tui.demo.annual_reports", "seed_demo_reports"),
    ("mca_tui.demo.deregistrations", "seed_demo_deregistrations"),
    ("mca_tui.demo.supervision", "SupervisionSeeder.before"),
    ("mca_tui.demo.supervision", "SupervisionSeeder.rest"),
    ("mca_tui.demo.revocations", "seed_demo_revocations"),
)


def _timed(times: dict[str, list[float]], name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            times[name] = [time.perf_counter() - wall, time.process_time() - cpu]
    return wrapper


def run_once(folder: Path) -> dict[str, list[float]]:
    """One build in ``folder``: {phase: [wall s, cpu s]}, with ``total``."""
    from mca_tui import demo
    from mca_tui.config import Settings
    from mca_tui.storage.engine import Database

    times: dict[str, list[float]] = {}
    originals = []
    for module, name in PHASES:  # the build imports each phase from its module when run
        owner: Any = importlib.import_module(module)
        attr = name
        if "." in name:  # a method: timed on its class
            cls, attr = name.split(".")
            owner = getattr(owner, cls)
        originals.append((owner, attr, getattr(owner, attr)))
        setattr(owner, attr, _timed(times, name, getattr(owner, attr)))
    try:
        os.environ["MCA_TUI_HOME"] = str(folder / "home")
        settings = Settings(documents_dir=str(folder / "documents"))
        db = Database.open(folder / "demo.db")
        wall, cpu = time.perf_counter(), time.process_time()
        demo.ensure_demo(db, settings)
        times["total"] = [time.perf_counter() - wall, time.process_time() - cpu]
        db.dispose()
    finally:
        for m, name, f in originals:
            setattr(m, name, f)
    return times


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 3
    results = []
    for i in range(runs):
        with tempfile.TemporaryDirectory(prefix="mca-demo-bench-") as tmp:
            t = run_once(Path(tmp))
        results.append(t)
        print(f"run {i + 1}: {t['total'][0]:.2f} s wall, {t['total'][1]:.2f} s CPU "
              f"(load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'phase':28} {'wall s':>8} {'CPU s':>8}  (medians of {runs})")
    for name in [n for _m, n in PHASES] + ["total"]:
        walls = [r[name][0] for r in results if name in r]
        cpus = [r[name][1] for r in results if name in r]
        if walls:
            print(f"{name:28} {statistics.median(walls):8.2f} {statistics.median(cpus):8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
