"""Crash harness (issue 13): real processes perform service operations on one registry
and are killed (SIGKILL) at random moments. After every kill: each acknowledged operation
is present, no operation is half-applied, ``PRAGMA integrity_check`` passes and the audit
chain verifies. A handful of trials run by default; ``python3 tasks.py test --slow`` runs
the 200-trial test."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mca_tui import cli

from ..reports.helpers import code
from .crash_worker import codes_of, holiday_of

pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]
OPS_PER_TRIAL = 1000  # numbering space of one trial


def _run_trial(registry: Path, start: int, rng: random.Random) -> tuple[set[int], int]:
    """One worker, killed after a random time once it is ready; (acknowledged, last)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.crash_worker",
                             str(registry), str(start)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.strip())
            if line.strip() == "ready":
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(timeout=120):
        proc.kill()
        raise AssertionError(f"worker never got ready: {proc.stderr.read() if proc.stderr else ''}")
    time.sleep(rng.uniform(0.0, 1.5))  # the kill lands anywhere in the operations
    if proc.poll() is not None:
        raise AssertionError(f"worker died by itself: {proc.stderr.read() if proc.stderr else ''}")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    reader.join(timeout=60)
    acked = {int(x.split()[1]) for x in lines if x.startswith("ack ")}
    return acked, start + OPS_PER_TRIAL - 1


def _check(registry: Path, acked: set[int], starts: list[int]) -> None:
    conn = sqlite3.connect(registry, timeout=30)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        holidays = {r[0] for r in conn.execute(
            "select note from calendar_override where note like 'op-%'")}
        usccs = {r[0] for r in conn.execute("select uscc from organization")}
        reps = {r[0] for r in conn.execute("select legal_rep_name from organization")}
        batches = conn.execute("select count(*) from import_batch").fetchone()[0]
    finally:
        conn.close()
    imported_ops = 0
    for start in starts:
        for n in range(start, start + OPS_PER_TRIAL):
            if n % 2 == 0:
                present = f"op-{n}" in holidays
                assert present or n not in acked, f"acknowledged holiday op {n} lost"
            else:
                found = [code(c) in usccs for c in codes_of(n)]
                assert all(found) or not any(found), f"import op {n} half-applied: {found}"
                assert all(found) or n not in acked, f"acknowledged import op {n} lost"
                if all(found):
                    assert all(f"代表{c}" in reps for c in codes_of(n))
                    imported_ops += 1
    assert batches == imported_ops  # each import is one batch, written whole or not at all
    assert holiday_of(0).year == 2041
    assert cli.main(["--db", str(registry), "audit", "verify"]) == 0


def _harness(tmp_path: Path, trials: int, seed: int) -> None:
    registry = tmp_path / "crash.db"
    assert cli.main(["--db", str(registry), "init"]) == 0
    rng = random.Random(seed)
    acked: set[int] = set()
    starts: list[int] = []
    for trial in range(trials):
        start = trial * OPS_PER_TRIAL
        starts.append(start)
        got, _last = _run_trial(registry, start, rng)
        acked |= got
        _check(registry, acked, starts)
    assert acked, "no operation was ever acknowledged"


def test_crash_harness_a_handful_of_kills(tmp_path):
    _harness(tmp_path, trials=4, seed=13)


@pytest.mark.slow
def test_crash_harness_200_kills(tmp_path):
    _harness(tmp_path, trials=200, seed=2026)
