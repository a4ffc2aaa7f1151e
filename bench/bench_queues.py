"""The home screen, the record and the statistics at scale (issue 12).

``python bench/bench_queues.py --db COPY.db [--repeat N] [--json FILE]`` measures on a
generated registry (a COPY: opening migrates it to head, the per-organization report
summary included), e.g. a copy of ``bench/out/registry-100k-v3.db`` in a scratch
directory, never the file in ``bench/out``. It prints the median and p95 of:

- ``home.overview``: what the home screen computes when it appears
  (``ui.screens.home.queue_overview``: every visible queue's count, and the first page of
  each queue that has clocks, for the overdue / nearest note), signed in with every role;
- ``home.counts``: the counts alone (``services.queues.summaries``);
- each queue's count and first page (200 items), so the slowest one stands out;
- ``record.open``: ``services.records.get_record`` of the ten organizations with the
  latest events (the suite's choice), and ``stats.year_2022`` (``services.statistics``).

The suite (``bench/suite.py``) measures ``home.queue_counts`` as the counts plus the
overdue-report list; this script adds the whole home overview. Not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from mca_tui.config import Settings
from mca_tui.services import queues, records
from mca_tui.services import statistics as stats_service
from mca_tui.services.context import cli_context
from mca_tui.storage.engine import Database

TODAY = date(2026, 6, 30)  # bench/generate.py's day


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95 + 0.5) - 1)]


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm: the first call compiles statements and reads the calendar
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="a COPY of a generated registry")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", dest="json_path")
    args = ap.parse_args()
    path = Path(args.db)
    t0 = time.perf_counter()
    db = Database.open(path)
    opened = (time.perf_counter() - t0) * 1000
    ctx = cli_context(db, Settings(documents_dir=str(path.parent / "documents")))
    ctx.today = lambda: TODAY  # type: ignore[method-assign]
    from mca_tui.ui.screens.home import queue_overview

    results: list[dict[str, Any]] = []

    def add(metric: str, ms: list[float], note: str = "") -> None:
        row = {"metric": metric, "median_ms": round(statistics.median(ms), 2),
               "p95_ms": round(_p95(ms), 2)}
        if note:
            row["note"] = note
        results.append(row)
        print(f"{metric:42s} {row['median_ms']:9.2f} / {row['p95_ms']:9.2f} ms  {note}")

    print(f"opened (and migrated) in {opened:.0f} ms; median / p95 of {args.repeat} runs")
    add("home.overview", timed(lambda: queue_overview(ctx), args.repeat))
    add("home.counts", timed(lambda: queues.summaries(ctx, TODAY), args.repeat))
    for q in queues.visible_queues(ctx):
        n = queues._count(ctx, q, TODAY)  # noqa: SLF001 - per-queue profile
        add(f"queue.{q}.count", timed(lambda q=q: queues._count(ctx, q, TODAY),  # noqa: SLF001
                                      args.repeat), f"{n:,} items")
        add(f"queue.{q}.first_page", timed(lambda q=q: queues.items(ctx, q, TODAY),
                                           args.repeat))
    with db.read() as s:
        from sqlalchemy import text

        ids = [r[0] for r in s.execute(text(
            "SELECT entity_id FROM audit_subject WHERE entity = 'organization' "
            "ORDER BY event_id DESC LIMIT 10"))]
    ms: list[float] = []
    for oid in ids:
        ms += timed(lambda oid=oid: records.get_record(ctx, oid), args.repeat)
    add("record.open", ms)
    add("stats.year_2022", timed(lambda: stats_service.year_stats(ctx, 2022), args.repeat))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"db": str(path), "results": results},
                                                   ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
