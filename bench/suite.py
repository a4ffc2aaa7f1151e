"""The benchmark suite: ``python3 tasks.py bench --size 10k|100k|1m [--json FILE]``.

Opens (building first if missing, ``bench/generate.py``) the cached synthetic registry
of that size and measures what a clerk does, each figure the median and p95 of repeated
runs beside a baseline measured in the same run on the same data (the raw indexed query
that gives the same answer), against the target of issue 12. Prints a table; ``--json``
writes ``{"size": N, "results": [{"metric", "median_ms", "p95_ms", "baseline": {"what",
"median_ms", "p95_ms"}, "target", "met"}, ...]}``. Metrics that are rates or sizes say
their unit in the metric's name and give the figure in ``value``.

Not a test and not part of the test run. Timings depend on the machine and its load;
the ratios to the baselines are what count.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

from mca_tui.config import Settings  # noqa: E402
from mca_tui.services import dormancy, queues, records  # noqa: E402
from mca_tui.services import statistics as stats_service
from mca_tui.services.context import cli_context  # noqa: E402
from mca_tui.services.search import search_organizations  # noqa: E402
from mca_tui.storage.engine import Database  # noqa: E402

QUERIES = {
    "search.1char": ["海", "社", "协", "会", "茶", "龙", "陈", "莆", "厦", "长"],
    "search.2char": ["社工", "老年", "志愿", "书画", "天竺", "慈善", "商会", "莆田"],
    "search.3plus": ["社会工作", "体育协会", "兴旺社区", "服务中心", "餐饮行业", "沧林路1"],
    "search.uscc_fragment": ["M000012", "3502", "0205M00", "M0009", "5135", "M00001"],
    "search.pinyin": ["hcqsg", "xm", "hcq", "zyz", "cq", "sh", "xmshcq", "lnr", "pt"],
    "search.legal_rep": ["陈伟", "林芳", "黄敏", "张强", "蔡明"],
}
TARGETS = {k: 20.0 for k in QUERIES}
TODAY = generate.TODAY


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95 + 0.5) - 1)]


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


class Suite:
    def __init__(self, path: Path, n: int, repeat: int) -> None:
        self.path, self.n, self.repeat = path, n, repeat
        self.results: list[dict[str, Any]] = []
        self.db = Database.open(path)
        self.settings = Settings(documents_dir=str(path.parent / "documents"))
        self.ctx = cli_context(self.db, self.settings)
        self.raw = sqlite3.connect(path)

    def add(self, metric: str, ms: list[float], what: str, base: list[float] | None,
            target: float | None, note: str = "") -> None:
        row: dict[str, Any] = {"metric": metric, "median_ms": round(statistics.median(ms), 2),
                               "p95_ms": round(_p95(ms), 2)}
        if base is not None:
            row["baseline"] = {"what": what, "median_ms": round(statistics.median(base), 2),
                               "p95_ms": round(_p95(base), 2)}
        else:
            row["baseline"] = {"what": what, "median_ms": None, "p95_ms": None}
        row["target"] = f"p95 <= {target:g} ms" if target is not None else None
        row["met"] = (row["p95_ms"] <= target) if target is not None else None
        if note:
            row["note"] = note
        self.results.append(row)

    def add_value(self, metric: str, value: float, what: str, base: float | None,
                  target: str | None, met: bool | None) -> None:
        self.results.append({"metric": metric, "value": round(value, 2), "median_ms": None,
                             "p95_ms": None, "baseline": {"what": what, "value": base},
                             "target": target, "met": met})

    # ------------------------------------------------------------------ search

    def _raw_match(self, q: str) -> str:
        from mca_tui.storage import search, sqlite_search
        return sqlite_search.match_all(search.parse_query(q).terms)

    def search(self) -> None:
        for metric, qs in QUERIES.items():
            ms: list[float] = []
            base: list[float] = []
            for q in qs:
                ms += timed(lambda q=q: search_organizations(self.ctx, q, limit=50),
                            self.repeat)
                m = self._raw_match(q)
                base += timed(lambda m=m: self.raw.execute(
                    "SELECT rowid FROM organization_fts WHERE organization_fts MATCH ? "
                    "LIMIT 51", (m,)).fetchall(), self.repeat)
            self.add(metric, ms, "FTS match, first 51 rowids (no ranking)", base,
                     TARGETS[metric])

    def paging(self) -> None:
        """Page 40 (rows 2,001-2,050) of a broad query, by keyset from the page before."""
        page = search_organizations(self.ctx, "会", limit=50, with_count=False)
        for _ in range(38):
            if page.next_after is None:
                break
            page = search_organizations(self.ctx, "会", limit=50, after=page.next_after,
                                        with_count=False)
        after = page.next_after
        ms = timed(lambda: search_organizations(self.ctx, "会", limit=50, after=after,
                                                with_count=False), self.repeat * 3)
        key = self.raw.execute("SELECT name_sort_key, id FROM organization "
                               "ORDER BY name_sort_key, id LIMIT 1 OFFSET ?",
                               (min(2000, self.n // 2),)).fetchone()
        base = timed(lambda: self.raw.execute(
            "SELECT id, name FROM organization WHERE (name_sort_key, id) > (?, ?) "
            "ORDER BY name_sort_key, id LIMIT 51", key).fetchall(), self.repeat * 3)
        self.add("search.deep_page", ms, "keyset page on the sort-key index (no match)",
                 base, 20.0)

    # ------------------------------------------------------------------ record, home

    def record(self) -> None:
        ids = [r[0] for r in self.raw.execute(
            "SELECT entity_id FROM audit_subject WHERE entity = 'organization' "
            "ORDER BY event_id DESC LIMIT 10")]
        ms: list[float] = []
        base: list[float] = []
        for oid in ids:
            ms += timed(lambda oid=oid: records.get_record(self.ctx, oid), self.repeat)
            base += timed(lambda oid=oid: self.raw.execute(
                "SELECT e.* FROM audit_subject s JOIN audit_event e ON e.id = s.event_id "
                "WHERE s.entity = 'organization' AND s.entity_id = ? ORDER BY s.at",
                (oid,)).fetchall(), self.repeat)
        self.add("record.open_with_timeline", ms, "timeline events by the subject index",
                 base, 20.0)

    def home(self) -> None:
        ms = timed(lambda: (queues.summaries(self.ctx, TODAY),
                            queues.items(self.ctx, "reports_overdue", TODAY)
                            if "reports_overdue" in queues.visible_queues(self.ctx) else None),
                   max(3, self.repeat // 2))
        base = timed(lambda: self.raw.execute(
            "SELECT count(*) FROM dormancy_summary WHERE watch_from <= ?",
            (TODAY.isoformat(),)).fetchone(), self.repeat)
        # the profile: each visible queue's count once, slowest first
        per = []
        for q in queues.visible_queues(self.ctx):
            t0 = time.perf_counter()
            queues._count(self.ctx, q, TODAY)  # noqa: SLF001 - profile only
            per.append((time.perf_counter() - t0, q))
        note = ", ".join(f"{q} {sec * 1000:.0f} ms" for sec, q in sorted(per, reverse=True)[:6])
        self.add("home.queue_counts", ms, "one indexed count on a per-organization summary",
                 base, 100.0, note=note)

    def stats(self) -> None:
        ms = timed(lambda: stats_service.year_stats(self.ctx, 2022), max(3, self.repeat // 2))
        base = timed(lambda: [self.raw.execute(sql, (2022,)).fetchone() for sql in (
            "SELECT count(*) FROM annual_report WHERE report_year = ?",
            "SELECT count(*) FROM annual_report WHERE report_year = ? "
            "AND conclusion = 'accepted'",
            "SELECT count(*) FROM organization WHERE established_on < date(? || '-12-31')")],
            max(3, self.repeat // 2))
        self.add("stats.year_2022", ms, "index-only counts of the same figures", base, 500.0)

    def dormancy_list(self) -> None:
        ms = timed(lambda: dormancy.candidates(self.ctx, TODAY), max(3, self.repeat // 2))
        base = timed(lambda: self.raw.execute(
            "SELECT * FROM dormancy_summary WHERE watch_from <= ?",
            (TODAY.isoformat(),)).fetchall(), max(3, self.repeat // 2))
        self.add("dormancy.list", ms, "summary rows by the watch_from index", base, 500.0)

    # ------------------------------------------------------------------ process-level

    def startup(self) -> None:
        """Process start -> database opened, migrated and the office read (what the app
        waits for before sign-in), beside a bare Textual import."""
        code = ("import time; t=time.perf_counter(); from mca_tui.storage.engine import "
                "Database; from mca_tui.config import Settings; from mca_tui.services.context "
                f"import ensure_office; db=Database.open({str(self.path)!r}); ensure_office(db, Settings()); "
                "print((time.perf_counter()-t)*1000)")
        bare = ("import time; t=time.perf_counter(); import textual.app; "
                "print((time.perf_counter()-t)*1000)")
        ms = [float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(3)]
        base = [float(subprocess.check_output([sys.executable, "-c", bare])) for _ in range(3)]
        self.add("startup.database_ready", ms, "import of a bare Textual app", base, 600.0,
                 note="in-process time from the first import, not the first frame")

    def keystroke(self) -> None:
        """Keystroke -> results repainted in the search screen (bench/keystroke.py), beside
        the same screen repainting a cursor move (the frame alone)."""
        out = subprocess.check_output([sys.executable, str(Path(__file__).parent / "keystroke.py"),
                                       str(self.path)])
        got = json.loads(out)
        self.add("ui.keystroke_to_repaint", got["keys_ms"], "cursor move repaint (no search)",
                 got["frames_ms"], 50.0)

    def reindex(self) -> None:
        """search --reindex on a copy: organizations per second and peak memory."""
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "copy.db"
            shutil.copy(self.path, copy)
            code = ("import resource,time; from mca_tui.storage.engine import Database; "
                    f"from mca_tui.storage import search; db=Database.open({str(copy)!r}); "
                    "t=time.perf_counter()\nwith db.write() as s: search.reindex_all(s)\n"
                    "print((time.perf_counter()-t)*1000, resource.getrusage("
                    "resource.RUSAGE_SELF).ru_maxrss/1024)")
            out = subprocess.check_output([sys.executable, "-c", code]).split()
        ms, mb = float(out[0]), float(out[1])
        self.add_value("reindex.seconds", ms / 1000, "-", None, "<= 60 s at 1M",
                       ms / 1000 * (1_000_000 / self.n) <= 60)
        self.add_value("reindex.peak_mb", mb, "-", None, "<= 250 MB", mb <= 250)

    def ledger_import(self, rows: int = 3000) -> None:
        """Ledger import of ``rows`` new organizations (plus a report each) into a copy:
        rows per second and peak memory, beside executemany of the same organization
        rows (the raw write rate)."""
        import bench_import

        with tempfile.TemporaryDirectory() as tmp:
            book = Path(tmp) / "ledger.xlsx"
            bench_import.build(book, rows, rows, 0)
            copy = Path(tmp) / "copy.db"
            shutil.copy(self.path, copy)
            code = ("import resource,time; from mca_tui.storage.engine import Database; "
                    "from mca_tui.config import Settings; from mca_tui.services.context import "
                    "cli_context; from mca_tui.services.ledger_import import import_ledger; "
                    f"db=Database.open({str(copy)!r}); ctx=cli_context(db, Settings("
                    f"documents_dir={tmp!r})); t=time.perf_counter(); "
                    f"r=import_ledger(ctx, {str(book)!r}); assert r.written; "
                    "print(time.perf_counter()-t, resource.getrusage("
                    "resource.RUSAGE_SELF).ru_maxrss/1024)")
            out = subprocess.check_output([sys.executable, "-c", code]).split()
            seconds, mb = float(out[0]), float(out[1])
            raw = sqlite3.connect(copy)
            cols = [r[1] for r in raw.execute("PRAGMA table_info(organization)")]
            sample = raw.execute("SELECT * FROM organization LIMIT 1").fetchone()
            batch = []
            for i in range(rows):
                row = list(sample)
                row[cols.index("id")] = f"bench{i:027d}"
                row[cols.index("uscc")] = f"X{i:017d}"
                row[cols.index("search_rowid")] = None
                batch.append(row)
            t0 = time.perf_counter()
            raw.execute("BEGIN")
            raw.executemany(f"INSERT INTO organization ({','.join(cols)}) VALUES "
                            f"({','.join('?' * len(cols))})", batch)
            raw.execute("ROLLBACK")
            raw_rate = rows / (time.perf_counter() - t0)
            raw.close()
        rate = 2 * rows / seconds
        self.add_value("import.rows_per_s", rate, "executemany rows/s (organization rows)",
                       round(raw_rate), ">= 30 % of raw", rate >= 0.3 * raw_rate)
        self.add_value("import.peak_mb", mb, "-", None, "<= 250 MB", mb <= 250)

    def sizes(self) -> None:
        total = self.path.stat().st_size
        fts = self.raw.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat "
                               "WHERE name LIKE 'organization_fts%'").fetchone()[0]
        self.add_value("db.bytes_per_org", total / self.n, "search index bytes per org",
                       round(fts / self.n), "<= 2 GiB at 1M (2147 bytes/org)",
                       total / self.n <= 2 * 1024**3 / 1_000_000)

    def memory(self) -> None:
        mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.add_value("memory.peak_mb_browsing_searching", mb, "-", None, None, None)


def run(size: str, repeat: int, json_path: str | None, skip: set[str]) -> int:
    path = generate.ensure(size)
    n = generate.SIZES[size]
    suite = Suite(path, n, repeat)
    steps = [("search", suite.search), ("paging", suite.paging), ("record", suite.record),
             ("home", suite.home), ("stats", suite.stats), ("dormancy", suite.dormancy_list),
             ("startup", suite.startup), ("keystroke", suite.keystroke), ("reindex", suite.reindex),
             ("import", suite.ledger_import),
             ("size", suite.sizes),
             ("memory", suite.memory)]
    for name, step in steps:
        if name in skip:
            continue
        t0 = time.perf_counter()
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - a failing metric is reported, not fatal
            suite.results.append({"metric": name, "error": repr(exc), "met": False})
        print(f"  {name} measured in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    suite.db.dispose()
    report = {"size": n, "results": suite.results}
    print_table(report)
    if json_path:
        Path(json_path).write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def print_table(report: dict[str, Any]) -> None:
    print(f"\nmca-tui bench, {report['size']:,} organizations")
    print(f"{'metric':34s} {'p50':>9s} {'p95':>9s}   {'baseline p50/p95':>18s}  "
          f"{'target':>22s} met")
    for r in report["results"]:
        if "error" in r:
            print(f"{r['metric']:34s} ERROR {r['error']}")
            continue
        b = r["baseline"]
        if r.get("value") is not None:
            cur, base = f"{r['value']:>9,.1f} {'':>9s}", f"{b.get('value') or '-':>18}"
        else:
            cur = f"{r['median_ms']:>9.1f} {r['p95_ms']:>9.1f}"
            base = (f"{b['median_ms']:>8.2f} / {b['p95_ms']:<7.2f}"
                    if b.get("median_ms") is not None else f"{'-':>18s}")
        met = {True: "yes", False: "NO", None: "-"}[r["met"]]
        print(f"{r['metric']:34s} {cur}   {base}  {str(r['target'] or '-'):>22s} {met}")
        if r.get("note"):
            print(f"{'':34s} ({r['note']})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(generate.SIZES), default="10k")
    ap.add_argument("--json", dest="json_path", help="write the JSON report here")
    ap.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "7")))
    ap.add_argument("--skip", default="", help="comma-separated steps to leave out")
    args = ap.parse_args()
    return run(args.size, args.repeat, args.json_path, set(filter(None, args.skip.split(","))))


if __name__ == "__main__":
    sys.exit(main())
