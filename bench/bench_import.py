"""Benchmark: the audited ledger import against the raw write rate of the same rows.

    .venv/bin/python bench/bench_import.py [--rows 100000 | --orgs 60000 --reports 30000
        --records 10000] [--file LEDGER.xlsx] [--db REGISTRY.db] [--work DIR]
        [--no-reimport] [--no-dry-run] [--profile N] [--read-only]

Writes the workbook (``build``; or takes ``--file``), then in a fresh registry (or in a
COPY of ``--db``, made in ``--work``) runs a dry run (read + validate + plan) and the
audited import, each in a subprocess of its own, and prints rows/s and the peak memory
of that process (VmHWM: the workbook built here does not count). ``--profile N`` runs the
import under cProfile and prints its top N entries by own and by cumulative time (the
rate is then the profiled one); ``--read-only`` only times the import's own reader over
the workbook (the floor under any import). Then the raw baseline: ``executemany`` of the very rows
the import wrote (organizations, annual reports, supervision records, re-keyed) in one
transaction on the same registry, rolled back. The target (issue 12) is an import at
>= 30 % of the raw rate and <= 250 MB. Not part of the tests; never point ``--db`` at a
file you need (it is copied, not written, but keep bench/out read-only anyway).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import cast


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


def raw_rate(db_file: Path, batch_id: str) -> tuple[int, float, float]:
    """(rows, rows/s, rows per CPU second) of executemany of the rows the import wrote,
    re-keyed (new ids, codes and report years), in one transaction that is rolled
    back."""
    raw = sqlite3.connect(db_file, isolation_level=None)
    tables: list[tuple[str, list[str], list[list[object]]]] = []
    for table in ("organization", "annual_report", "supervision_record"):
        cols = [r[1] for r in raw.execute(f"PRAGMA table_info({table})")]
        rows = [list(r) for r in raw.execute(
            f"SELECT * FROM {table} WHERE import_batch_id = ?", (batch_id,))]
        for n, row in enumerate(rows):
            row[cols.index("id")] = f"raw{n:029d}"
            if table == "organization":
                row[cols.index("uscc")] = f"X{n:017d}"
                row[cols.index("search_rowid")] = None
            elif table == "annual_report":
                row[cols.index("report_year")] = 5000 + n  # (organization, year) is unique
        tables.append((table, cols, rows))
    t0, c0 = time.perf_counter(), time.process_time()
    raw.execute("BEGIN")
    total = 0
    for table, cols, rows in tables:
        raw.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES "
                        f"({','.join('?' * len(cols))})", rows)
        total += len(rows)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    raw.execute("ROLLBACK")
    raw.close()
    return total, total / elapsed, total / cpu


def _vmhwm_mb() -> float:
    """Peak resident memory of this process (VmHWM), in MB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: argparse.Namespace) -> int:
    """One import in this (fresh) process: prints a JSON line with its figures; the
    peak memory is this process's own (the workbook was built by the parent)."""
    tmp = Path(args.work)
    os.environ["MCA_TUI_HOME"] = str(tmp / "home")
    from mca_tui.config import Settings
    from mca_tui.services.context import cli_context
    from mca_tui.services.ledger_import import import_ledger
    from mca_tui.storage.engine import Database

    db = Database.open(Path(args.child))
    ctx = cli_context(db, Settings(documents_dir=str(tmp / "docs")))
    phases: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        phases.setdefault(stage, time.perf_counter())

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    base = _vmhwm_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = import_ledger(ctx, Path(args.file), dry_run=args.dry_run, progress=progress)
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert args.dry_run or result.written or args.again, [
        p.describe("en") for p in result.errors[:5]]
    if profiler:
        import pstats

        for order in ("tottime", "cumulative"):
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(
                args.profile)
    print(json.dumps({"rows": result.total_rows, "seconds": seconds, "cpu": cpu,
                      "peak_mb": _vmhwm_mb(), "base_mb": base, "batch_id": result.batch_id,
                      "written": result.written, "errors": len(result.errors),
                      "phases": {k: v - t0 for k, v in phases.items()}}))
    db.dispose()
    return 0


def _run_child(args: argparse.Namespace, db_file: Path, path: Path, tmp: Path,
               *extra: str) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", str(db_file), "--file", str(path),
           "--work", str(tmp), *extra]
    if args.profile:
        cmd += ["--profile", str(args.profile)]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return cast(dict[str, object], json.loads(out.strip().splitlines()[-1]))


def read_only(path: Path) -> int:
    """The CPU time of reading every row of the workbook with the import's own reader
    (``reports.ledger.read.open_ledger``), nothing else: the floor under any import."""
    from mca_tui.reports.ledger.read import open_ledger

    cpu, rows = time.process_time(), 0
    with open_ledger(path) as stream:
        for name in list(stream.sheets):
            for _ in stream.rows(name):
                rows += 1
    cpu = time.process_time() - cpu
    print(f"reading only: {rows} rows in {cpu:.2f} s CPU = {rows / cpu:,.0f} rows per CPU "
          f"second ({1e6 * cpu / rows:.0f} us per row)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, help="total rows, 60/30/10 %% organizations/"
                    "reports/records (overrides the three counts)")
    ap.add_argument("--orgs", type=int, default=60_000)
    ap.add_argument("--reports", type=int, default=30_000)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--file", help="an existing ledger workbook (else one is built)")
    ap.add_argument("--db", help="a registry to import into (a copy is made in --work)")
    ap.add_argument("--work", help="folder for the workbook, the registry and its home")
    ap.add_argument("--no-reimport", action="store_true")
    ap.add_argument("--no-dry-run", action="store_true")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="cProfile the import; print its top N entries (stderr)")
    ap.add_argument("--read-only", action="store_true",
                    help="only time the app's own reader over the workbook (no registry)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--dry-run", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--again", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    if args.rows:
        args.orgs, args.reports = args.rows * 6 // 10, args.rows * 3 // 10
        args.records = args.rows - args.orgs - args.reports
    tmp = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="mca-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    os.environ["MCA_TUI_HOME"] = str(tmp / "home")
    t0 = time.perf_counter()
    if args.file:
        path = Path(args.file)
    else:
        path = tmp / "ledger.xlsx"
        build(path, args.orgs, args.reports, args.records)
        print(f"workbook written in {time.perf_counter() - t0:.1f} s "
              f"({path.stat().st_size >> 20} MB)")
    if args.read_only:
        return read_only(path)
    db_file = tmp / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    if args.db:
        shutil.copy(args.db, db_file)
    else:
        from mca_tui.storage.engine import Database

        Database.open(db_file).dispose()
    if not args.no_dry_run:
        dry = _run_child(args, db_file, path, tmp, "--dry-run")
        rows, secs = cast(int, dry["rows"]), cast(float, dry["seconds"])
        print(f"dry run (read + validate + plan): {rows} rows in {secs:.1f} s, "
              f"{rows / secs:,.0f} rows/s ({rows / cast(float, dry['cpu']):,.0f} per CPU "
              f"second), peak {dry['peak_mb']:.0f} MB, errors {dry['errors']}")
    run = _run_child(args, db_file, path, tmp)
    rows, secs, cpu = (cast(int, run["rows"]), cast(float, run["seconds"]),
                       cast(float, run["cpu"]))
    rate = rows / secs
    print(f"import: {rows} rows in {secs:.1f} s = {rate:,.0f} rows/s "
          f"({rows / cpu:,.0f} per CPU second); peak (VmHWM) {run['peak_mb']:.0f} MB "
          f"(after the imports: {run['base_mb']:.0f} MB)")
    for stage, started in cast(dict[str, float], run["phases"]).items():
        print(f"  phase {stage} started at {started:.1f} s")
    n_raw, raw, raw_cpu = raw_rate(db_file, cast(str, run["batch_id"]))
    print(f"raw executemany of the same {n_raw} rows: {raw:,.0f} rows/s ({raw_cpu:,.0f} per "
          f"CPU second); import at {100 * rate / raw:.1f} % of raw "
          f"({100 * rows / cpu / raw_cpu:.1f} % in CPU time; target >= 30 %, <= 250 MB)")
    if not args.no_reimport:
        again = _run_child(args, db_file, path, tmp, "--again")
        print(f"re-import of the same file: {cast(float, again['seconds']):.1f} s, "
              f"written={again['written']}, peak {again['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
