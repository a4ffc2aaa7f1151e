"""The dormancy list at scale.

``python bench/bench_dormancy.py --db COPY.db [--as-of DATE] [--repeat N]`` measures on a
generated registry (a COPY: opening migrates it to head): e.g. a copy of
``bench/out/registry-100k-v3.db`` in a scratch directory, never the file in ``bench/out``.

``python bench/bench_dormancy.py [N]`` (default 1000000) builds N organizations and their rows of the per-organization summary
(``dormancy_summary``), with the organizations and their annual reports (a row assessed
again reads its report years by key), in a temporary SQLite file with raw
``executemany`` (about 3 % dormant: a ``watch_from`` in the
past and two missing report years; the others a ``watch_from`` at a future report
deadline or NULL for deregistered / revoked ones), as the services keep it. Then prints
the time of what the screens and the command ask (``services.dormancy``):

- the home screen's count (``count_candidates``: one count over the index range);
- the list's first page of 200 (``candidates(limit=200)``: index range, decode, assess);
- the whole list (``candidates``: every candidate assessed, ``mca-tui dormant --json``).

The list reads no annual report (a row whose stored assessment ran out reads its report
years by key). Not a test: it prints figures.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from mca_tui.config import Settings
from mca_tui.services import dormancy
from mca_tui.services.context import cli_context
from mca_tui.storage.engine import Database

AS_OF = date(2026, 6, 30)
DORMANT_SHARE = 0.03


def _rows(n: int, rng: random.Random):  # noqa: ANN202 - generator of tuples
    for i in range(n):
        registered = date(2001, 1, 1) + timedelta(days=rng.randrange(0, 8000))
        kind = rng.random()
        reports = [[y, "accepted", f"{y + 1}-04-01", f"{y + 1}-04-20"]
                   for y in range(max(2016, registered.year), 2025)]
        status, watch = "active", date(2027, 6, 1)
        if kind < DORMANT_SHARE:
            reports = [r for r in reports if r[0] < 2023]
            watch = date(2025, 6, 4)
        elif kind < DORMANT_SHARE + 0.05:
            status, watch = "deregistered", None
        yield (f"o{i:011d}", "social_group", registered.isoformat(), status, "",
               f"组织{i}", None, None, "[]", None, None, None, None, None,
               watch.isoformat() if watch else None, AS_OF.isoformat()), reports


def build(path: Path, n: int) -> None:
    db = Database.open(path)  # migrated schema
    db.dispose()
    conn = sqlite3.connect(path)  # raw: no foreign keys, one transaction
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    rng = random.Random(20260630)
    started = time.perf_counter()
    summaries: list[tuple[object, ...]] = []
    reports: list[tuple[object, ...]] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO dormancy_summary (organization_id, org_type, registered_on, status,"
            " uscc, name, reports_since_year, first_activity_on, contacts_json,"
            " certificate_valid_until, abnormal_listed_on, open_case_filed_on,"
            " liquidation_started_on, delay_until, watch_from, computed_on)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", summaries)
        # their annual reports (a row assessed again reads them by key)
        conn.executemany(
            "INSERT INTO annual_report (id, office_id, organization_id, report_year, mode,"
            " submitted_on, supervisory_opinion, conclusion, concluded_on, note)"
            " VALUES (?, 'bench', ?, ?, 'report', ?, '', ?, ?, '')", reports)
        summaries.clear()
        reports.clear()

    for row, years in _rows(n, rng):
        summaries.append(row)
        reports.extend((f"r{row[0]}-{y}", row[0], y, submitted, verdict, concluded)
                       for y, verdict, submitted, concluded in years)
        if len(summaries) >= 20_000:
            flush()
    flush()
    # the organizations themselves
    conn.executemany(
        "INSERT INTO organization (id, office_id, org_type, name, name_sort_key, domicile,"
        " purpose, business_scope, activity_area, supervisory_unit, is_charity,"
        " legal_rep_name, phone, status, created_at, updated_at, version)"
        " SELECT organization_id, 'bench', org_type, name, '', '', '', '', '', '', 0, '', '',"
        " status, '2026-06-30 00:00:00', '2026-06-30 00:00:00', 1 FROM dormancy_summary"
        " WHERE ? = 1", [(1,)])
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    print(f"built {n:,} summary rows in {time.perf_counter() - started:.1f} s")


def timed(label: str, fn, repeat: int = 5) -> object:  # noqa: ANN001
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{label:<40} median {statistics.median(times) * 1000:8.1f} ms"
          f"   p95 {p95 * 1000:8.1f} ms   (n={len(times)})")
    return result


def on_registry(path: Path, as_of: date | None, repeat: int) -> None:
    """Measure on a generated registry (a copy): open (migrates), then the three figures
    and the whole list's JSON as ``mca-tui dormant --json`` prints it."""
    t0 = time.perf_counter()
    db = Database.open(path)
    print(f"opened (migrated to head) in {time.perf_counter() - t0:.1f} s")
    ctx = cli_context(db, Settings(documents_dir=str(path.parent / "documents")))
    ctx.calendar  # noqa: B018 - load the calendar once, as a running app has it
    day = as_of or ctx.today()
    if dormancy.needs_rebuild(ctx):
        t0 = time.perf_counter()
        dormancy.rebuild_all(ctx)
        print(f"rebuilt the summary in {time.perf_counter() - t0:.1f} s")
    print(f"as of {day.isoformat()}")
    count = timed("home count (count_candidates)",
                  lambda: dormancy.count_candidates(ctx, day), repeat)
    page = timed("first page of 200 (candidates limit)",
                 lambda: dormancy.candidates(ctx, day, limit=200), repeat)
    full = timed("whole list (candidates)", lambda: dormancy.candidates(ctx, day), repeat)
    timed("whole list as JSON (dormant --json)", lambda: dormancy.encode_json(
        dormancy.candidates(ctx, day)), max(1, repeat // 4))
    print(f"candidates (no exclusion): {count:,}; first page {len(page)};"  # type: ignore[arg-type]
          f" whole list {len(full):,}")  # type: ignore[arg-type]
    db.dispose()


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--db":
        as_of = date.fromisoformat(args[args.index("--as-of") + 1]) if "--as-of" in args else None
        repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 20
        on_registry(Path(args[1]), as_of, repeat)
        return
    n = int(args[0]) if args else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        build(path, n)
        db = Database.open(path)
        ctx = replace(cli_context(db, Settings(documents_dir=str(Path(tmp) / "documents"))),
                      today=lambda: AS_OF)
        ctx.calendar  # noqa: B018 - load the calendar once, as a running app has it
        started = time.perf_counter()  # the rows' stored assessments, as the services keep them
        rolled = dormancy.roll_forward(ctx)
        print(f"assessed {rolled:,} rows of the list in {time.perf_counter() - started:.1f} s")
        count = timed("home count (count_candidates)", lambda: dormancy.count_candidates(
            ctx, AS_OF))
        page = timed("first page of 200 (candidates limit)", lambda: dormancy.candidates(
            ctx, AS_OF, limit=200))
        full = timed("whole list (candidates)", lambda: dormancy.candidates(ctx, AS_OF))
        print(f"candidates: {count:,}; first page {len(page)}; whole list {len(full):,}")
        db.dispose()


if __name__ == "__main__":
    main()
