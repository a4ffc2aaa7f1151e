"""Benchmark: import a 100,000-row ledger into an empty registry.

    .venv/bin/python bench/bench_import.py [--orgs 60000] [--reports 30000] [--records 10000]

Writes the workbook to a temp folder, then runs the audited import (one transaction)
and prints the time of each phase, rows/s and the peak memory. Not part of the tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def build(path: Path, n_orgs: int, n_reports: int, n_records: int) -> int:
    from mca_tui.domain.identifiers import build_uscc
    from mca_tui.reports import ledger as L

    def code(i: int) -> str:
        return build_uscc("1" if i % 3 == 0 else "2", "350205", f"B{i:07d}")

    def orgs():
        for i in range(n_orgs):
            est = date(2005, 1, 3) + timedelta(days=i % 6000)
            yield [code(i), f"厦门市海沧区测试{i}号社会工作服务中心", "社会团体" if i % 3 == 0
                   else "民办非企业单位", est, "正常", None, None, None, f"张{i % 97}",
                   None, f"厦门市海沧区海沧大道{i % 1000}号", "嵩屿街道", "", 30000,
                   "社会工作服务", "0592-6012345"]

    def reports():
        for j in range(n_reports):
            i = j % n_orgs
            year = 2021 + j // n_orgs
            yield [code(i), year, date(year + 1, 4, 1), "通过"]

    def records():
        for k in range(n_records):
            yield [code(k % n_orgs), date(2022, 1, 3) + timedelta(days=k % 300), "抽查",
                   f"抽查{k}"]

    L.write_workbook(path, {
        L.SHEET_ORGS: ([c.header for c in L.SHEETS[L.SHEET_ORGS]], orgs()),
        L.SHEET_REPORTS: ([c.header for c in L.SHEETS[L.SHEET_REPORTS]][:4], reports()),
        L.SHEET_SUPERVISION: ([c.header for c in L.SHEETS[L.SHEET_SUPERVISION]][:4],
                              records()),
    })
    return n_orgs + n_reports + n_records


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, default=60_000)
    ap.add_argument("--reports", type=int, default=30_000)
    ap.add_argument("--records", type=int, default=10_000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mca-bench-"))
    os.environ["MCA_TUI_HOME"] = str(tmp / "home")
    from mca_tui.config import Settings
    from mca_tui.services.context import cli_context
    from mca_tui.services.ledger_import import import_ledger
    from mca_tui.storage.engine import Database

    path = tmp / "ledger.xlsx"
    t0 = time.perf_counter()
    rows = build(path, args.orgs, args.reports, args.records)
    t1 = time.perf_counter()
    print(f"workbook: {rows} rows written in {t1 - t0:.1f} s ({path.stat().st_size >> 20} MB)")
    db = Database.open(tmp / "bench.db")
    ctx = cli_context(db, Settings(documents_dir=str(tmp / "docs")))
    phases: dict[str, float] = {}
    last = [time.perf_counter()]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        phases.setdefault(stage, now)
        if total and (done == total or done % 20_000 == 0):
            print(f"  {stage:8s} {done:>7}/{total}  {now - t1:6.1f} s", file=sys.stderr)
        last[0] = now

    dry = import_ledger(ctx, path, dry_run=True)
    t2 = time.perf_counter()
    print(f"dry run (read + validate + plan): {t2 - t1:.1f} s, "
          f"{rows / (t2 - t1):,.0f} rows/s, errors {len(dry.errors)}")
    result = import_ledger(ctx, path, progress=progress)
    t3 = time.perf_counter()
    assert result.written, [p.describe("en") for p in result.errors[:5]]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    print(f"import: {rows} rows in {t3 - t2:.1f} s = {rows / (t3 - t2):,.0f} rows/s "
          f"(one transaction, one audit event); peak RSS {peak} MB")
    for stage, started in phases.items():
        print(f"  phase {stage} started at {started - t2:.1f} s")
    t4 = time.perf_counter()
    again = import_ledger(ctx, path)
    print(f"re-import of the same file: {time.perf_counter() - t4:.1f} s, written={again.written}")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
