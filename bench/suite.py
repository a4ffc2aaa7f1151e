"""The benchmark suite: ``python3 tasks.py bench --size 10k|100k|1m [--db URL] [--json FILE]``.

Opens (building first if missing, ``bench/generate.py``) the cached synthetic registry
of that size and measures what a clerk does, each figure the median and p95 of repeated
runs beside a baseline measured in the same run on the same data (the raw indexed query
that gives the same answer), against the target of issue 12. Prints a table; ``--json``
writes ``{"size": N, "results": [{"metric", "median_ms", "p95_ms", "baseline": {"what",
"median_ms", "p95_ms"}, "target", "met"}, ...]}``. Metrics that are rates or sizes say
their unit in the metric's name and give the figure in ``value``.

On PostgreSQL (``--db postgresql+psycopg://USER@HOST:PORT/DB``, an empty database): the
SQLite registry of that size is copied there by the app's own copy path (``mca-tui
copy-registry``), the copy is checked (search index, sequences, counters, audit chain,
the same search results as the SQLite file), and the metrics that apply are measured
against PostgreSQL-native baselines (the tsquery on the GIN index, the same indexed
queries, ``pg_database_size``); the ones that do not apply say why in the report. A
database already holding that registry's copy is reused.

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
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import select as sa_select  # noqa: E402

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
# A child process's own peak memory, as a Python expression for the ``-c`` code of the
# subprocess steps. Not ru_maxrss: on Linux a child started by (v)fork + exec keeps the
# parent's peak in it (a 500 MB parent makes every child report >= 500 MB); VmHWM is the
# high-water mark of the child's own memory image.
PEAK_MB = ("(int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) / 1024 "
           "if __import__('os').path.exists('/proc/self/status') else __import__('resource')"
           ".getrusage(__import__('resource').RUSAGE_SELF).ru_maxrss / 1024)")
# The largest peak of the process's child processes (the rebuild's worker processes),
# sampled from /proc while the code runs: a thread started first, read with CHILDREN_MB.
CHILDREN_SAMPLER = (
    "import os, threading, time as _t\n"
    "_peak = {}\n"
    "def _sample():\n"
    "    me = str(os.getpid())\n"
    "    while True:\n"
    "        for pid in filter(str.isdigit, os.listdir('/proc')):\n"
    "            try:\n"
    "                st = open(f'/proc/{pid}/status').read()\n"
    "            except OSError:\n"
    "                continue\n"
    "            if st.split('PPid:')[1].split()[0] == me:\n"
    "                _peak[pid] = max(_peak.get(pid, 0), int(st.split('VmHWM:')[1].split()[0]))\n"
    "        _t.sleep(0.2)\n"
    "if os.path.exists('/proc/self/status'):\n"
    "    threading.Thread(target=_sample, daemon=True).start()\n")
CHILDREN_MB = "(max(_peak.values(), default=0) / 1024)"
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
    def __init__(self, path: Path, n: int, repeat: int, url: str | None = None) -> None:
        """``path``: the SQLite registry; ``url``: the PostgreSQL database holding its copy
        (then every figure is measured there)."""
        self.path, self.n, self.repeat, self.url = path, n, repeat, url
        self.pg = url is not None
        self.results: list[dict[str, Any]] = []
        self.db = Database.open(url or path)
        self.settings = Settings(documents_dir=str(path.parent / "documents"))
        self.ctx = cli_context(self.db, self.settings)
        self.raw: Any = _pg_connect(url) if url else sqlite3.connect(path)

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> Any:
        """A raw query on the baseline connection (``?`` placeholders on both engines)."""
        return self.raw.execute(query.replace("?", "%s") if self.pg else query, params)

    def statements(self, fn: Callable[[], Any]) -> int:
        """How many SQL statements ``fn`` sends to the database."""
        from sqlalchemy import event

        seen = [0]

        def count(*_: Any) -> None:
            seen[0] += 1

        event.listen(self.db.engine, "before_cursor_execute", count)
        try:
            fn()
        finally:
            event.remove(self.db.engine, "before_cursor_execute", count)
        return seen[0]

    def not_applicable(self, metric: str, why: str) -> None:
        self.results.append({"metric": metric, "value": None, "median_ms": None,
                             "p95_ms": None, "baseline": {"what": "-", "value": None},
                             "target": None, "met": None, "note": why})

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
        from mca_tui.storage import postgres_search, search, sqlite_search
        engine = postgres_search if self.pg else sqlite_search
        return engine.match_all(search.parse_query(q).terms)

    def search(self) -> None:
        if self.pg:  # the GIN index, as the app reads it (postgres_search._SETTINGS)
            self.raw.execute("SET enable_seqscan = off")
            sql = ("SELECT rowid FROM organization_search WHERE doc @@ CAST(? AS tsquery) "
                   "LIMIT 51")
            what = "GIN tsquery match, first 51 rowids (no ranking)"
        else:
            sql = "SELECT rowid FROM organization_fts WHERE organization_fts MATCH ? LIMIT 51"
            what = "FTS match, first 51 rowids (no ranking)"
        try:
            self._search(sql, what)
        finally:
            if self.pg:
                self.raw.execute("RESET enable_seqscan")

    def _search(self, sql: str, what: str) -> None:
        for metric, qs in QUERIES.items():
            ms: list[float] = []
            base: list[float] = []
            for q in qs:
                ms += timed(lambda q=q: search_organizations(self.ctx, q, limit=50),
                            self.repeat)
                m = self._raw_match(q)
                base += timed(lambda m=m: self.sql(sql, (m,)).fetchall(), self.repeat)
            note = ""
            if self.pg:  # each statement is a round trip to the server process
                calls = self.statements(lambda qs=qs: [
                    search_organizations(self.ctx, q, limit=50) for q in qs])
                note = f"{calls / len(qs):.1f} SQL statements per search"
            self.add(metric, ms, what, base, TARGETS[metric], note=note)

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
        key = self.sql("SELECT name_sort_key, id FROM organization "
                               "ORDER BY name_sort_key, id LIMIT 1 OFFSET ?",
                               (min(2000, self.n // 2),)).fetchone()
        base = timed(lambda: self.sql(
            "SELECT id, name FROM organization WHERE (name_sort_key, id) > (?, ?) "
            "ORDER BY name_sort_key, id LIMIT 51", key).fetchall(), self.repeat * 3)
        self.add("search.deep_page", ms, "keyset page on the sort-key index (no match)",
                 base, 20.0)

    # ------------------------------------------------------------------ record, home

    def record(self) -> None:
        ids = [r[0] for r in self.sql(
            "SELECT entity_id FROM audit_subject WHERE entity = 'organization' "
            "ORDER BY event_id DESC LIMIT 10")]
        ms: list[float] = []
        base: list[float] = []
        for oid in ids:
            ms += timed(lambda oid=oid: records.get_record(self.ctx, oid), self.repeat)
            base += timed(lambda oid=oid: self.sql(
                "SELECT e.* FROM audit_subject s JOIN audit_event e ON e.id = s.event_id "
                "WHERE s.entity = 'organization' AND s.entity_id = ? ORDER BY s.at",
                (oid,)).fetchall(), self.repeat)
        self.add("record.open_with_timeline", ms, "timeline events by the subject index",
                 base, 20.0)

    def home(self) -> None:
        def once() -> object:
            return (queues.summaries(self.ctx, TODAY),
                    queues.items(self.ctx, "reports_overdue", TODAY)
                    if "reports_overdue" in queues.visible_queues(self.ctx) else None)

        # not timed: the first call imports the services behind the queues (the app has
        # imported them by the time its home screen asks)
        once()
        ms = timed(once, self.repeat)
        base = timed(lambda: self.sql(
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
        year_end = "make_date(?, 12, 31)" if self.pg else "date(? || '-12-31')"
        base = timed(lambda: [self.sql(sql, (2022,)).fetchone() for sql in (
            "SELECT count(*) FROM annual_report WHERE report_year = ?",
            "SELECT count(*) FROM annual_report WHERE report_year = ? "
            "AND conclusion = 'accepted'",
            f"SELECT count(*) FROM organization WHERE established_on < {year_end}")],
            max(3, self.repeat // 2))
        self.add("stats.year_2022", ms, "index-only counts of the same figures", base, 500.0)

    def dormancy_list(self) -> None:
        """The whole list on the registry's day. As in the app, the rows whose stored
        assessment ran out since they were written (a report deadline passed, or the
        registry was migrated on another day) are rewritten once that day first
        (``dormancy.roll_forward``, what the screen and ``mca-tui dormant`` do); that
        once-a-day cost is given in the note."""
        ctx = replace(self.ctx, today=lambda: TODAY)
        t0 = time.perf_counter()
        rolled = dormancy.roll_forward(ctx)
        roll_s = time.perf_counter() - t0
        ms = timed(lambda: dormancy.candidates(ctx, TODAY), max(3, self.repeat // 2))
        base = timed(lambda: self.sql(
            "SELECT * FROM dormancy_summary WHERE watch_from <= ?",
            (TODAY.isoformat(),)).fetchall(), max(3, self.repeat // 2))
        self.add("dormancy.list", ms, "summary rows by the watch_from index", base, 500.0,
                 note=f"{len(dormancy.candidates(ctx, TODAY)):,} rows; roll forward of "
                      f"{rolled:,} rows once that day: {roll_s:.1f} s")

    # ------------------------------------------------------------------ process-level

    def startup(self) -> None:
        """Process start -> database opened, migrated and the office read (what the app
        waits for before sign-in), beside a bare Textual import."""
        code = ("import time; t=time.perf_counter(); from mca_tui.storage.engine import "
                "Database; from mca_tui.config import Settings; from mca_tui.services.context "
                f"import ensure_office; db=Database.open({self.url or str(self.path)!r}); "
                "ensure_office(db, Settings()); "
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
                                       self.url or str(self.path)])
        got = json.loads(out)
        self.add("ui.keystroke_to_repaint", got["keys_ms"], "cursor move repaint (no search)",
                 got["frames_ms"], 50.0)

    def reindex(self) -> None:
        """search --reindex on a copy: organizations per second and peak memory (on
        PostgreSQL: in a transaction rolled back at the end, the database is left as it was)."""
        if self.pg:
            code = ("import resource,time; from sqlalchemy.orm import Session; from "
                    "mca_tui.storage.engine import Database; from mca_tui.storage import search; "
                    f"db=Database.open({self.url!r}); s=Session(db.engine); "
                    "t=time.perf_counter(); search.reindex_all(s); s.flush(); "
                    f"ms=(time.perf_counter()-t)*1000; s.rollback(); print(ms, {PEAK_MB})")
            out = subprocess.check_output([sys.executable, "-c", code]).split()
            self._reindex_figures(float(out[0]), float(out[1]))
            return
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "copy.db"
            shutil.copy(self.path, copy)
            code = (CHILDREN_SAMPLER
                    + "import resource,time; from mca_tui.storage.engine import Database; "
                    f"from mca_tui.storage import search; db=Database.open({str(copy)!r}); "
                    "t=time.perf_counter()\nwith db.write() as s: search.reindex_all(s)\n"
                    f"print((time.perf_counter()-t)*1000, {PEAK_MB}, {CHILDREN_MB})")
            out = subprocess.check_output([sys.executable, "-c", code]).split()
        self._reindex_figures(float(out[0]), float(out[1]), float(out[2]))

    def _reindex_figures(self, ms: float, mb: float, worker_mb: float = 0.0) -> None:
        self.add_value("reindex.seconds", ms / 1000, "-", None, "<= 60 s at 1M",
                       ms / 1000 * (1_000_000 / self.n) <= 60)
        self.add_value("reindex.peak_mb", mb, "-", None, "<= 250 MB", mb <= 250)
        if worker_mb:  # (the rebuild computed its documents in worker processes)
            self.add_value("reindex.worker_peak_mb", worker_mb, "-", None,
                           "<= 250 MB", worker_mb <= 250)

    def ledger_import(self, rows: int = 3000) -> None:
        """Ledger import of ``rows`` new organizations (plus a report each) into a copy:
        rows per second and peak memory, beside executemany of the same organization
        rows (the raw write rate)."""
        if self.pg:
            why = ("not run on PostgreSQL: it would write into the benchmark database "
                   "(the copy has no cheap file copy); the import path is the same code")
            self.not_applicable("import.rows_per_s", why)
            self.not_applicable("import.peak_mb", why)
            return
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
                    f"print(time.perf_counter()-t, {PEAK_MB})")
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
        if self.pg:
            total, idx = self.sql("SELECT pg_database_size(current_database()), "
                                  "pg_total_relation_size('organization_search')").fetchone()
            self.add_value("db.bytes_per_org", total / self.n,
                           "search index (table + GIN) bytes per org", round(idx / self.n),
                           "<= 2 GiB at 1M (2147 bytes/org)",
                           total / self.n <= 2 * 1024**3 / 1_000_000)
            return
        total = self.path.stat().st_size
        fts = self.raw.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat "
                               "WHERE name LIKE 'organization_fts%'").fetchone()[0]
        self.add_value("db.bytes_per_org", total / self.n, "search index bytes per org",
                       round(fts / self.n), "<= 2 GiB at 1M (2147 bytes/org)",
                       total / self.n <= 2 * 1024**3 / 1_000_000)

    def memory(self) -> None:
        mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.add_value("memory.peak_mb_browsing_searching", mb, "-", None, None, None)


# ---------------------------------------------------------------------- PostgreSQL


def _pg_connect(url: str) -> Any:
    """A plain psycopg connection (autocommit) for the raw baselines."""
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1),
                           autocommit=True)


def _check(metric: str, checked: int, what: str, problems: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {"metric": metric, "value": checked, "median_ms": None,
                           "p95_ms": None, "baseline": {"what": what, "value": None},
                           "target": "valid", "met": not problems}
    if problems:
        row["note"] = "; ".join(problems[:5]) + (" ..." if len(problems) > 5 else "")
    return row


def copy_to_postgres(path: Path, url: str, n: int) -> list[dict[str, Any]]:
    """Copy the SQLite registry ``path`` into the empty PostgreSQL database ``url`` with
    ``mca-tui copy-registry`` (or reuse the copy already there), then check that the copy
    is ready for the app: search index, sequences, counters, audit chain, and the same
    search results as the SQLite file. Returns the report rows."""
    target = Database.open(url)
    with target.read() as s:
        orgs = s.execute(text("SELECT count(*) FROM organization")).scalar_one()
        copies = s.execute(text("SELECT count(*) FROM audit_event "
                                "WHERE action = 'registry.copy'")).scalar_one()
    target.dispose()
    rows: list[dict[str, Any]] = []
    if orgs == 0:
        print(f"  copying {path.name} into {url.split('@')[-1]} (mca-tui copy-registry) ...",
              file=sys.stderr)
        # the CLI itself, then its own peak memory (PEAK_MB) on the last line of stderr
        code = ("import runpy, sys\n"
                f"sys.argv = ['mca-tui', '--db', {str(path)!r}, 'copy-registry', {url!r}]\n"
                "try:\n    runpy.run_module('mca_tui', run_name='__main__')\n"
                f"finally:\n    print({PEAK_MB}, file=sys.stderr)")
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], stdout=sys.stderr,
                              stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - t0
        *messages, peak = done.stderr.strip().splitlines() or ["0"]
        if messages:
            print("\n".join(messages), file=sys.stderr)
        if done.returncode:
            raise SystemExit(f"mca-tui copy-registry failed (exit {done.returncode})")
        rows.append({"metric": "copy.seconds", "value": round(seconds, 1), "median_ms": None,
                     "p95_ms": None, "baseline": {"what": "organizations per second",
                                                  "value": round(n / seconds)},
                     "target": None, "met": None,
                     "note": "mca-tui copy-registry: every row, search index, ANALYZE, "
                             "chain verified"})
        rows.append({"metric": "copy.peak_mb", "value": round(float(peak), 1),
                     "median_ms": None, "p95_ms": None, "baseline": {"what": "-", "value": None},
                     "target": None, "met": None})
    elif orgs == n and copies:
        rows.append({"metric": "copy.seconds", "value": None, "median_ms": None,
                     "p95_ms": None, "baseline": {"what": "-", "value": None},
                     "target": None, "met": None,
                     "note": "the database already held this registry's copy (reused)"})
    else:
        raise SystemExit(f"{url}: not empty and not a copy of the {n:,}-organization "
                         "registry; give an empty database")
    # in a child process: the audit verification holds a whole event's change rows (the
    # generator's dormancy events have 50,000), which would be this process's peak memory
    code = (f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            "from pathlib import Path; import suite; "
            f"print(json.dumps(suite.check_copy(Path({str(path)!r}), {url!r})))")
    return rows + json.loads(subprocess.check_output([sys.executable, "-c", code]))


# sequences the app numbers rows with, and the column each must stay ahead of
SEQUENCES = {"organization_search_rowid_seq": ("organization", "search_rowid")}


def check_copy(path: Path, url: str) -> list[dict[str, Any]]:
    from mca_tui.storage.audit import verify_chains
    from mca_tui.storage.models import AuditChainHead, CodeCounter, DocNumberCounter

    source, target = Database.open(path), Database.open(url)
    out: list[dict[str, Any]] = []
    try:
        with target.read() as s:
            q = s.execute
            problems: list[str] = []
            orgs = q(text("SELECT count(*) FROM organization")).scalar_one()
            indexed = q(text("SELECT count(*) FROM organization_search")).scalar_one()
            if indexed != orgs:
                problems.append(f"{indexed} index rows for {orgs} organizations")
            lost = q(text("SELECT count(*) FROM organization o LEFT JOIN organization_search "
                          "x ON x.rowid = o.search_rowid WHERE x.rowid IS NULL")).scalar_one()
            if lost:
                problems.append(f"{lost} organizations without their index row")
        # the same first page, order and count as the SQLite file, for every suite query
        settings = Settings(documents_dir=str(path.parent / "documents"))
        lite, pg = cli_context(source, settings), cli_context(target, settings)
        queries = [q for qs in QUERIES.values() for q in qs]
        for query in queries:
            a, b = search_organizations(lite, query), search_organizations(pg, query)
            if [h.id for h in a.items] != [h.id for h in b.items] or a.total != b.total:
                problems.append(f"{query}: {a.total} on SQLite, {b.total} on PostgreSQL"
                                if a.total != b.total else f"{query}: another page")
        out.append(_check("copy.search_index", len(queries) + 2,
                          "index rows = organizations; same pages as SQLite", problems))

        problems = []
        with target.read() as s:
            q = s.execute
            owned = q(text(
                "SELECT c.relname, t.relname, a.attname FROM pg_class c "
                "JOIN pg_depend d ON d.objid = c.oid AND d.deptype IN ('a', 'i') "
                "JOIN pg_class t ON t.oid = d.refobjid "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
                "WHERE c.relkind = 'S'")).fetchall()
            seqs = dict(SEQUENCES, **{r[0]: (r[1], r[2]) for r in owned})
            for seq, (table, column) in seqs.items():
                last, called = q(text(f"SELECT last_value, is_called FROM {seq}")).one()
                top = q(text(f"SELECT max({column}) FROM {table}")).scalar()
                nxt = last + 1 if called else last
                if top is not None and nxt <= top:
                    problems.append(f"{seq} would give {nxt}, {table}.{column} holds {top}")
        out.append(_check("copy.sequences", len(seqs), "next value > max of its column",
                          problems))

        problems = []
        checked = 0
        for model in (CodeCounter, DocNumberCounter):
            with source.read() as s:
                want = sorted(map(repr, (r.model_dump() for r in s.exec(sa_select(model)))))
            with target.read() as s:
                got = sorted(map(repr, (r.model_dump() for r in s.exec(sa_select(model)))))
            checked += len(want)
            if want != got:
                problems.append(f"{model.__tablename__}: rows differ from the source")
        with target.read() as s:
            for head in s.exec(sa_select(AuditChainHead)):
                checked += 1
                last_event = s.execute(text(
                    "SELECT seq, hash FROM audit_event WHERE chain = :c ORDER BY seq DESC "
                    "LIMIT 1"), {"c": head.chain}).one()
                if (head.seq, head.hash) != tuple(last_event):
                    problems.append(f"chain {head.chain}: head {head.seq}, last event "
                                    f"{last_event[0]}")
        out.append(_check("copy.counters", checked,
                          "code/document counters as the source; chain heads = last events",
                          problems))

        problems = []
        with source.read() as s:
            before = verify_chains(s)
        with target.read() as s:
            after = verify_chains(s)
            copies = s.execute(text("SELECT count(*) FROM audit_event "
                                    "WHERE action = 'registry.copy'")).scalar_one()
        if not after.ok:
            problems.append("the audit chain does not verify on PostgreSQL")
        if after.events != before.events + copies:
            problems.append(f"{after.events} events on PostgreSQL, {before.events} + "
                            f"{copies} copy event(s) expected")
        out.append(_check("copy.audit_chain", after.events, "mca-tui audit verify", problems))
    finally:
        source.dispose()
        target.dispose()
    return out


def run(size: str, repeat: int, json_path: str | None, skip: set[str],
        url: str | None = None) -> int:
    path = generate.ensure(size)
    n = generate.SIZES[size]
    copied: list[dict[str, Any]] = []
    if url is not None:
        copied = copy_to_postgres(path, url, n)
    suite = Suite(path, n, repeat, url)
    suite.results += copied
    steps = [("search", suite.search), ("paging", suite.paging), ("record", suite.record),
             ("home", suite.home), ("stats", suite.stats), ("dormancy", suite.dormancy_list),
             ("startup", suite.startup), ("keystroke", suite.keystroke),
             # size before reindex: on PostgreSQL the rolled-back rebuild leaves dead rows and
             # GIN entries behind until VACUUM (the database grows by ~40 %)
             ("size", suite.sizes), ("reindex", suite.reindex),
             ("import", suite.ledger_import),
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
    report: dict[str, Any] = {"size": n, "results": suite.results}
    if url is not None:
        report["engine"] = "postgresql"
    print_table(report)
    if json_path:
        Path(json_path).write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def print_table(report: dict[str, Any]) -> None:
    engine = " on PostgreSQL" if report.get("engine") == "postgresql" else ""
    print(f"\nmca-tui bench, {report['size']:,} organizations{engine}")
    print(f"{'metric':34s} {'p50':>9s} {'p95':>9s}   {'baseline p50/p95':>18s}  "
          f"{'target':>22s} met")
    for r in report["results"]:
        if "error" in r:
            print(f"{r['metric']:34s} ERROR {r['error']}")
            continue
        b = r["baseline"]
        if r.get("value") is None and r.get("median_ms") is None:
            cur, base = f"{'-':>9s} {'':>9s}", f"{b.get('value') or '-':>18}"
        elif r.get("value") is not None:
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
    ap.add_argument("--db", dest="url", help="an empty PostgreSQL database "
                    "(postgresql+psycopg://USER@HOST:PORT/DB): the registry is copied there "
                    "and measured on PostgreSQL")
    args = ap.parse_args()
    if args.url is not None and not args.url.startswith("postgresql"):
        ap.error("--db takes a PostgreSQL URL (postgresql+psycopg://USER@HOST:PORT/DB)")
    return run(args.size, args.repeat, args.json_path, set(filter(None, args.skip.split(","))),
               args.url)


if __name__ == "__main__":
    sys.exit(main())
