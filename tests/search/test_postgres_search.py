"""PostgreSQL search index (storage.postgres_search): the start marks that hold a name's
first character and its initials' first letters, and the index rows' copy of the sort
key that orders a tier's matches. The database tests run only when the ``db`` fixture is
on PostgreSQL (MCA_TUI_TEST_PG / --pg); the document test runs in the SQLite pass."""

from __future__ import annotations

import bisect
import importlib.util
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, text

from mca_tui.services.organizations import update_organization
from mca_tui.services.search import search_organizations
from mca_tui.storage import postgres_search
from mca_tui.storage import search as index
from mca_tui.storage.audit import Subject
from tests.search.helpers import WORKERS, add_orgs, rebuild_workers_as

T = postgres_search.TABLE


def _lexemes(doc: str) -> dict[str, list[int]]:
    """{lexeme: positions} of a tsvector literal as ``document`` writes it."""
    return {m[1].replace("''", "'"): [int(p) for p in m[2].split(",")]
            for m in re.finditer(r"'((?:[^']|'')*)':([\d,]+)", doc)}


@contextmanager
def _sent(db) -> Iterator[list[str]]:  # noqa: ANN001
    """The SQL statements sent to the server within the block, in order."""
    statements: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def test_start_marks_hold_the_first_character_and_initials():
    lex = _lexemes(postgres_search.document("厦门市海沧区社工协会", "林伟", "沧林路1号",
                                            "51350205MJ0000012X"))
    # one mark per column start, just before its first token; no bare marks
    assert lex["n^厦"] == [lex["n厦"][0] - 1]
    assert lex["p^xms"] == [lex["pxmsh"][0] - 1]  # the first reading only (厦 also s)
    assert not {"n^", "p^", "p^sms"} & set(lex)
    assert [t for t in lex if t.startswith("n^")] == ["n^厦"]
    # a short first reading: the mark holds what there is; an empty name has none
    assert "p^hc" in _lexemes(postgres_search.document("海沧", None, None, None))
    assert not [t for t in _lexemes(postgres_search.document("", "林伟", None, None))
                if "^" in t]


def test_pairs_of_adjacent_characters_are_lexemes_at_the_first_ones_position():
    lex = _lexemes(postgres_search.document("海沧区社工协会", "林伟", "沧林路1号", None))
    for column, text_ in (("n", "海沧区社工协会"), ("r", "林伟"), ("a", "沧林路1号")):
        for i in range(len(text_) - 1):
            assert lex[column + text_[i:i + 2]] == lex[column + text_[i]], (column, i)
    assert not [t for t in lex if len(t) == 3 and t[0] in "nra" and t[1:] == "伟沧"]  # (not across columns)
    # two characters: one lexeme each column, no phrase (no check by position); more:
    # the phrase of the overlapping pairs
    assert "<->" not in postgres_search.match_all(["社工"])
    assert "'n社工'" in postgres_search.match_all(["社工"])
    assert "'n社会' <-> 'n会工' <-> 'n工作'" in postgres_search.match_all(["社会工作"])


def test_the_literal_escapes_quotes_and_clamps_positions_where_it_must():
    """Document tokens are letters, digits and marks, written without escaping; a token
    with a quote or a backslash (none today) is escaped, and positions stop at
    PostgreSQL's largest one."""
    doc = postgres_search._Doc()  # noqa: SLF001 - the literal's two paths
    doc.add(["a", "b", "a"])
    assert doc.literal() == "'a':1,3 'b':2"
    doc.add(["o'k", "c\\d"])
    assert doc.literal() == "'a':1,3 'b':2 'o''k':7 'c\\\\d':8"
    long = postgres_search._Doc()  # noqa: SLF001
    long.pos = postgres_search._MAX_POS - 2  # noqa: SLF001
    long.add(["x", "y", "z", "x"])
    top = postgres_search._MAX_POS  # noqa: SLF001
    assert long.literal() == f"'x':{top - 1},{top} 'y':{top} 'z':{top}"


def _ranked(ctx, query: str) -> list[tuple[int, str]]:  # noqa: ANN001
    out, after = [], None
    while True:  # pages of 3 walk the keyset across tiers
        page = search_organizations(ctx, query, limit=3, after=after)
        out += [(h.rank, h.name) for h in page.items]
        if page.next_after is None:
            return out
        after = page.next_after


# many names hold 海 / 社 / hcq, few begin with them
ROWS = ([{"name": f"厦门市海沧区第{i}社会工作服务社"} for i in range(1, 13)]
        + [{"name": "海沧区社工协会"}, {"name": "海沧区长寿老人协会"}, {"name": "社区服务中心"},
           {"name": "海沧"}, {"name": "重庆商会"}, {"name": "上海商会"}])


@pytest.fixture
def pg(db):
    if db.is_sqlite:
        pytest.skip("PostgreSQL run only (MCA_TUI_TEST_PG)")
    return db


def _index_rows(db, match: str) -> int:  # noqa: ANN001
    """Rows the GIN index gives for a tsquery (EXPLAIN ANALYZE of its bitmap scan), before
    any recheck of positions."""
    with db.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text(
            f"EXPLAIN (ANALYZE, COSTS OFF) SELECT rowid FROM {T} "
            "WHERE doc @@ CAST(:m AS tsquery)"), {"m": match}))
    assert f"Bitmap Index Scan on ix_{T}_doc" in plan, plan
    return int(re.search(rf"Bitmap Index Scan on ix_{T}_doc.*?rows=(\d+)", plan)[1])


def test_a_rebuild_gives_back_the_settings_it_raised_and_leaves_no_pending_entries(ctx, pg):
    add_orgs(ctx, ROWS)
    with pg.engine.connect() as conn, conn.begin():
        conn.execute(text("SET LOCAL gin_pending_list_limit = '1MB'"))
        conn.execute(text("SET LOCAL work_mem = '5MB'"))
        assert postgres_search.rebuild_index(conn) == len(ROWS)
        settings = conn.execute(text("SELECT current_setting('gin_pending_list_limit'), "
                                     "current_setting('work_mem')")).one()
        # (the metapage's count of pending tuples: pageinspect is not at hand, so the
        # merge is checked by its function returning with nothing left to merge)
        left = conn.execute(text(f"SELECT gin_clean_pending_list('ix_{T}_doc'::regclass)")
                            ).scalar_one()
    assert tuple(settings) == ("1MB", "5MB")
    assert left == 0
    assert [h.name for h in search_organizations(ctx, "长寿").items] == ["海沧区长寿老人协会"]


def test_begins_with_reads_only_the_names_that_begin_so(ctx, pg):
    add_orgs(ctx, ROWS)
    for query, begin in (("海", 3), ("社", 1), ("海沧区", 2), ("hcq", 2), ("hc", 3),
                         ("sh", 1), ("cq", 1), ("hcqsg", 1)):
        head, _code, _bounds = postgres_search._prefix_parts(index.parse_query(query).terms)
        # the GIN index itself yields only the names that begin with the query (their
        # marks), not every name holding its first character checked by position
        assert _index_rows(pg, head) == begin, query
        assert [r for r, _ in _ranked(ctx, query)].count(1) == begin, query


@pytest.mark.parametrize("worker", list(WORKERS))
def test_a_rebuild_gives_the_index_the_services_wrote(ctx, pg, monkeypatch, worker):
    """Small chunks, documents computed in worker processes (a large registry), a worker
    thread, in place (a busy machine), or in a thread after the worker processes could
    not start: the rebuilt index rows are those the services wrote one by one, and the
    executor used is the one asked for."""
    add_orgs(ctx, ROWS)
    monkeypatch.setattr(postgres_search, "PROCESS_MIN", 1 if "process" in worker else 10**9)
    made = rebuild_workers_as(monkeypatch, worker)
    rows_sql = text(f"SELECT rowid, doc::text, sort_key, org_id, first_char FROM {T} "
                    "ORDER BY rowid")
    with pg.read() as s:
        written = s.execute(rows_sql).all()
    with pg.write() as s:
        assert postgres_search.rebuild_index(s.connection(), chunk=3) == len(ROWS)
    with pg.read() as s:
        assert s.execute(rows_sql).all() == written
    assert made == WORKERS[worker]


def test_index_rows_carry_the_organizations_sort_key_and_id(ctx, pg):
    ids = add_orgs(ctx, ROWS)
    with ctx.unit("test.rename", subject=Subject("organization", ids[0])) as unit:
        update_organization(unit, ids[0], {"name": "鼓浪屿音乐协会"})
    with pg.write() as s:  # an older caller: the sort key is read from the organization
        rowid, doc = s.execute(text(
            f"SELECT s.rowid, s.doc::text FROM {T} s JOIN organization o "
            "ON o.search_rowid = s.rowid WHERE o.id = :id"), {"id": ids[1]}).one()
        postgres_search.upsert(s, rowid, doc)

    def stale() -> int:
        with pg.read() as s:
            return s.execute(text(
                f"SELECT count(*) FROM organization o FULL JOIN {T} s ON s.rowid = "
                "o.search_rowid WHERE s.sort_key IS DISTINCT FROM o.name_sort_key "
                "OR s.org_id IS DISTINCT FROM o.id")).scalar_one()

    assert stale() == 0
    assert _ranked(ctx, "gly") == [(1, "鼓浪屿音乐协会")]
    def physical_order(s) -> list[str]:  # noqa: ANN001
        return s.execute(text(f"SELECT sort_key FROM {T} ORDER BY ctid")).scalars().all()

    with pg.write() as s:
        index.reindex_all(s)
        # a rebuild writes the index rows in sort-key order; after a DELETE (which lets
        # the searches of other clerks go on meanwhile) the table may put a row or two
        # into the room the deleted ones left: nearly all rows stay in order
        order = physical_order(s)
    assert stale() == 0
    ordered: list[str] = []  # the longest run in sort-key order (patience sorting)
    for key in order:
        at = bisect.bisect_right(ordered, key)
        ordered[at:at + 1] = [key]
    assert len(ordered) >= 0.9 * len(order), order
    with pg.write() as s:  # the migrations' way: emptied by TRUNCATE, then rebuilt
        s.execute(text(f"TRUNCATE {T}"))
        postgres_search.rebuild_index(s)
        order = physical_order(s)
    assert stale() == 0
    assert order == sorted(order)


def _revision(name: str):  # noqa: ANN202
    folder = Path(index.__file__).parent / "migrations" / "versions"
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_rebuilds_an_index_of_the_older_layout(ctx, pg):
    add_orgs(ctx, ROWS)
    queries = ["海", "社", "hcq", "sh", "海沧区", "协会", "0205"]
    want = {q: _ranked(ctx, q) for q in queries}
    assert {n for r, n in want["海"] if r == 1} == {"海沧", "海沧区社工协会", "海沧区长寿老人协会"}
    with pg.write() as s:  # the layout before revision 0022: bare marks, no sort key
        for rowid, doc in s.execute(text(f"SELECT rowid, doc::text FROM {T}")).all():
            old = re.sub(r"'([np])\^(?:[^']|'')*'", r"'\1^'", doc)
            s.execute(text(f"UPDATE {T} SET doc = CAST(:d AS tsvector) WHERE rowid = :r"),
                      {"d": old, "r": rowid})
        s.execute(text(f"ALTER TABLE {T} DROP COLUMN sort_key, DROP COLUMN org_id"))
        assert s.execute(text(f"SELECT count(*) FROM {T} WHERE doc @@ 'n^海'")).scalar() == 0
    with pg.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        _revision("0022_pg_search_marks").upgrade()
    assert {q: _ranked(ctx, q) for q in queries} == want
    assert _index_rows(pg, "'n^海'") == 3


def test_a_page_and_a_count_are_one_round_trip_each_and_read_the_gin_index(ctx, pg):
    """A page is ONE statement sent to the server with its planner settings and their
    restore (one round trip, not one per tier); so is a count. The "begins with" tier
    reads only the marked rows through the GIN index (EXPLAIN ANALYZE), and nothing
    scans a table."""
    add_orgs(ctx, ROWS)
    with _sent(pg) as statements:
        page = search_organizations(ctx, "社", limit=2, with_count=False)
        assert len(statements) == 1, statements
        total = search_organizations(ctx, "社", limit=2).total
    assert [h.name for h in page.items] == ["社区服务中心", "海沧区社工协会"]
    assert total == 14 and len(statements) == 3, statements  # (the page, then the count)
    setting, query, restore = statements[0].split("; ")
    assert "set_config('enable_seqscan', 'off', true)" in setting
    assert "current_setting('mca_tui.enable_seqscan')" in restore
    # the settings are back as they were before the search (local to the transaction)
    with pg.read() as s:
        s.execute(text("SET LOCAL enable_seqscan = on"))
        s.execute(text("SET LOCAL jit = on"))
        assert postgres_search.search(s, ["社"], q="社", qcode="", limit=2)
        assert postgres_search.count(s, postgres_search.match_all(["社"]), 100) == 14
        assert s.execute(text("SELECT current_setting('enable_seqscan') || "
                              "current_setting('jit')")).scalar() == "onon"
    with pg.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, COSTS OFF) " + query))
    assert "Seq Scan" not in plan, plan
    # tier 1 (CTE t1, before t2): its GIN branch reads the one name that begins with 社
    tier1 = plan[plan.index("CTE t1"):plan.index("CTE t2")]
    scan = re.search(rf"Bitmap Index Scan on ix_{T}_doc.*?rows=(\d+)", tier1, re.S)
    assert scan and int(scan[1]) == 1, plan


def test_a_later_tier_is_not_run_when_the_earlier_ones_fill_the_page(ctx, pg):
    add_orgs(ctx, ROWS)
    with _sent(pg) as statements:  # three names begin with 海: tier 1 fills a page of two (and the row after it)
        page = search_organizations(ctx, "海", limit=2, with_count=False)
    assert [h.rank for h in page.items] == [1, 1] and page.next_after is not None
    with pg.engine.connect() as conn:
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, COSTS OFF) " + statements[0].split("; ")[1]))
    tier2 = plan[plan.index("CTE t2"):]
    assert "One-Time Filter" in tier2, plan
    # nothing under tier 2's gate ran: no scan of the organizations or of the index
    scans = [line for line in tier2.splitlines() if re.search(r"(Index|Heap|Seq) Scan", line)]
    assert scans and all("never executed" in line for line in scans), plan


def test_names_that_begin_with_a_character_are_read_in_order_from_their_own_index(
        ctx, pg, monkeypatch):
    """莆 is read p and f: in sort-key order its names lie among every name read f... to
    p... (here the 福州 ones). "Begins with 莆田" reads the names that begin with 莆 from
    the index on (first_char, sort_key), in order, and fills its page there: the GIN
    index is not read for that tier (revision 0027)."""
    monkeypatch.setattr(postgres_search, "PROBE_ROWS", 3)
    add_orgs(ctx, [{"name": f"福州市第{i}商会"} for i in range(1, 7)]
             + [{"name": f"莆田市第{i}商会"} for i in range(1, 4)])
    with _sent(pg) as statements:
        page = search_organizations(ctx, "莆田", limit=2, with_count=False)
    assert [(h.rank, h.name) for h in page.items] == [(1, "莆田市第1商会"), (1, "莆田市第2商会")]
    with pg.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # (as the search runs it)
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, COSTS OFF) " + statements[0].split("; ")[1]))
    tier1 = plan[plan.index("CTE t1"):plan.index("CTE t2")]
    assert f"ix_{T}_first" in tier1, plan
    gin = [line for line in tier1.splitlines() if f"Bitmap Index Scan on ix_{T}_doc" in line]
    assert gin and all("never executed" in line for line in gin), plan
    with pg.read() as s:  # every index row knows its name's first character
        assert s.execute(text(f"SELECT count(*) FROM {T} s JOIN organization o ON "
                              "o.search_rowid = s.rowid WHERE s.first_char IS DISTINCT FROM "
                              "left(o.name, 1)")).scalar_one() == 0
