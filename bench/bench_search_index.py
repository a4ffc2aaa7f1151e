"""Search index size, rebuild and query latency on a COPY of a registry:
``python bench/bench_search_index.py REGISTRY.db [--repeat N] [--no-rebuild]``.

Copies the file to a temporary directory (the registry itself is never written), then
prints: bytes per organization of the index tables (``dbstat``), the seconds and peak MB
of ``sqlite_search_write.rebuild_index`` (the migration / ``search --reindex`` path) with its
CPU time split between Python (the worker thread) and SQLite, and the p50/p95 of one
search keystroke (first page of 51 rows with the capped count, ``storage.search`` as the
service calls it) for the queries of ``bench/suite.py``. Runs on the file as it is (no migration), so it can
compare an index built by older code with one rebuilt by the current code.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite import QUERIES  # noqa: E402

from mca_tui.storage import search, sqlite_search, sqlite_search_write  # noqa: E402


def index_bytes(path: Path) -> tuple[int, dict[str, int]]:
    raw = sqlite3.connect(path)
    n = raw.execute("SELECT count(*) FROM organization").fetchone()[0]
    rows = dict(raw.execute(
        "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE ? GROUP BY name",
        (sqlite_search.FTS_TABLE + "%",)).fetchall())
    raw.close()
    return n, rows


def rebuild(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    # the rebuild writes through the sqlite3 connection itself (no SQLAlchemy statement
    # events) and computes documents in a worker thread when a core is idle: wall time,
    # the process's CPU time (both threads) and the documents' share tell where it goes
    worker = [0.0]
    compute = sqlite_search_write._chunk_documents

    def _timed(*args):  # noqa: ANN002, ANN202
        t = time.thread_time()
        try:
            return compute(*args)
        finally:
            worker[0] += time.thread_time() - t

    sqlite_search_write._chunk_documents = _timed
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        with engine.begin() as conn:
            n = sqlite_search_write.rebuild_index(conn)
    finally:
        sqlite_search_write._chunk_documents = compute
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rebuild: {n:,} organizations in {seconds:.1f} s, peak {mb:.0f} MB; CPU {cpu:.1f} s, "
          f"of which {worker[0]:.1f} s readings and documents (Python), "
          "the rest SQLite writing the index")
    engine.dispose()


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95 + 0.5) - 1)]


def latency(path: Path, repeat: int) -> None:
    engine = create_engine(f"sqlite:///{path}")
    print(f"{'metric':22s} {'p50 ms':>8s} {'p95 ms':>8s}   slowest query (p50)")
    for metric, queries in QUERIES.items():
        every: list[float] = []
        worst = ("", 0.0)
        for q in queries:
            parsed = search.parse_query(q)
            ms = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                with Session(engine) as s:
                    search.find(s, parsed, limit=51)
                    search.count(s, parsed, 1000)
                ms.append((time.perf_counter() - t0) * 1000)
            every += ms
            if statistics.median(ms) > worst[1]:
                worst = (q, statistics.median(ms))
        print(f"{metric:22s} {statistics.median(every):8.2f} {_p95(every):8.2f}   "
              f"{worst[0]} ({worst[1]:.1f})")
    engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("registry", type=Path)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-rebuild", action="store_true", help="measure the index as it is")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.db"
        shutil.copy(args.registry, copy)
        n, before = index_bytes(copy)
        print(f"index as found: {sum(before.values()) / n:,.0f} bytes/org "
              + ", ".join(f"{k} {v / n:,.0f}" for k, v in sorted(before.items())))
        if not args.no_rebuild:
            rebuild(copy)
            n, after = index_bytes(copy)
            print(f"index rebuilt:  {sum(after.values()) / n:,.0f} bytes/org "
                  + ", ".join(f"{k} {v / n:,.0f}" for k, v in sorted(after.items())))
        latency(copy, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
