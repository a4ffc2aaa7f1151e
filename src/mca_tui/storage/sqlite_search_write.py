"""Writing the SQLite search index (``storage.sqlite_search`` holds its layout, documents
and queries): the row numbers that keep the index rows in pinyin order, one
organization at a time (``upsert``, the services) or many (``insert_many``, a ledger
import), and the rebuild of the whole index (``rebuild_index``: migrations, ``search
--reindex``, bulk loads).

Rows are numbered in pinyin order (sort key, id) with room between them (``GAP``), so
each ranking tier of a search is an FTS query in row order with LIMIT; an organization
inserted between two others takes a free number between theirs, and where there is none
a small window of neighbours is renumbered (``_spread_many``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from mca_tui.domain import pinyin
from mca_tui.storage import rebuild_workers
from mca_tui.storage.sqlite_search import (
    _COLS,
    CREATE_STATEMENTS,
    FTS_TABLE,
    Executor,
    _columns,
    stored_document,
)

log = logging.getLogger(__name__)

_INSERT = (f"INSERT INTO {FTS_TABLE} (rowid, {_COLS}) "
           "VALUES (:rowid, :py, :name, :rep, :addr, :code)")
_DELETE = (f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_COLS}) "
           "VALUES ('delete', :rowid, :py, :name, :rep, :addr, :code)")
_STORED = ("SELECT id, search_rowid, name, legal_rep_name, domicile, uscc, name_sort_key "
           "FROM organization")


# Row numbers are spaced GAP apart when the index is (re)built, so an organization
# inserted between two others usually takes the midpoint without moving anyone. Rows 16
# apart made the index 18 % smaller (shorter gaps in the posting lists: 666 against 809
# B/org at 10k) but a 100k-row ledger import 30 % slower and above 250 MB (renumbered
# windows: 1,619 against 2,372 rows per CPU second, 263 against 235 MB; bench_import).
GAP = 1024


def _neighbours(conn: Executor, sort_key: str, org_id: str) -> tuple[int, int | None]:
    """Row numbers of the indexed organizations just before and just after (sort_key,
    org_id) in pinyin order (0 / None at the ends); the organization itself excluded."""
    params = {"k": sort_key, "id": org_id}
    prev = conn.execute(text(
        "SELECT search_rowid FROM organization WHERE (name_sort_key, id) < (:k, :id) "
        "AND search_rowid IS NOT NULL ORDER BY name_sort_key DESC, id DESC LIMIT 1"),
        params).scalar()
    nxt = conn.execute(text(
        "SELECT search_rowid FROM organization WHERE (name_sort_key, id) > (:k, :id) "
        "AND search_rowid IS NOT NULL ORDER BY name_sort_key, id LIMIT 1"), params).scalar()
    return int(prev or 0), (int(nxt) if nxt is not None else None)


def _indexed(conn: Executor, where: str, params: dict[str, Any]) -> list[tuple[str, int, dict[str, str]]]:
    """(id, row number, document) of the indexed organizations matching ``where``."""
    return [(r[0], int(r[1]), stored_document(*r[2:])) for r in conn.execute(text(
        f"{_STORED} WHERE search_rowid IS NOT NULL AND {where}"), params)]


MOVE_CHUNK = 2000


def _move(conn: Executor, moves: list[tuple[int, int]]) -> None:
    """Give index rows (and their organizations) new row numbers: [(old, new)]. The
    documents are computed a chunk at a time (removed under the old numbers, added under
    the new ones), so a wide window costs no more memory than a narrow one."""
    if not moves:
        return

    def documents(numbers: list[int]) -> dict[int, dict[str, str]]:
        listed = ",".join(str(int(n)) for n in numbers)
        return {rowid: doc for _, rowid, doc in _indexed(conn, f"search_rowid IN ({listed})", {})}

    chunks = [moves[i:i + MOVE_CHUNK] for i in range(0, len(moves), MOVE_CHUNK)]
    for chunk in chunks:
        docs = documents([old for old, _ in chunk])
        gone = [{"rowid": old, **docs[old]} for old, _ in chunk if old in docs]
        if gone:
            conn.execute(text(_DELETE), gone)
    # through negative numbers: old and new ranges overlap under the unique index
    conn.execute(text("UPDATE organization SET search_rowid = -:new WHERE search_rowid = :old"),
                 [{"old": old, "new": new} for old, new in moves])
    conn.execute(text("UPDATE organization SET search_rowid = -search_rowid "
                      "WHERE search_rowid < 0"))
    for chunk in chunks:
        docs = documents([new for _, new in chunk])
        rows = [{"rowid": new, **d} for _, new in chunk if (d := docs.get(new)) is not None]
        if rows:
            conn.execute(text(_INSERT), rows)


def _spread(conn: Executor, prev: int, nxt: int) -> int:
    """No free number between ``prev`` and ``nxt``: renumber a window of neighbours
    (growing until it has room) evenly and return the number for the new row between
    them. Amortised cost is a few rows; order is kept."""
    return _spread_many(conn, prev, nxt, 1)[0]


def _spread_many(conn: Executor, prev: int, nxt: int, count: int) -> list[int]:
    """:func:`_spread` for ``count`` new rows between ``prev`` and ``nxt`` (a bulk insert):
    their numbers, in order."""
    width = 16
    while True:
        before = [int(r[0]) for r in conn.execute(text(
            "SELECT search_rowid FROM organization WHERE search_rowid <= :p "
            "ORDER BY search_rowid DESC LIMIT :w"), {"p": prev, "w": width})][::-1]
        after = [int(r[0]) for r in conn.execute(text(
            "SELECT search_rowid FROM organization WHERE search_rowid >= :n "
            "ORDER BY search_rowid LIMIT :w"), {"n": nxt, "w": width})]
        lo = 0
        if len(before) == width:
            lo = int(conn.execute(text("SELECT coalesce(max(search_rowid), 0) FROM organization "
                                       "WHERE search_rowid < :b"), {"b": before[0]}).scalar_one())
        slots = len(before) + len(after) + count
        if len(after) < width:
            hi = (after[-1] if after else prev) + GAP * (slots + 1)
        else:
            # (the window may end at the last row: then there is no upper neighbour)
            hi = int(conn.execute(text("SELECT coalesce(min(search_rowid), :top) FROM organization "
                                       "WHERE search_rowid > :a"),
                                  {"a": after[-1], "top": after[-1] + GAP * (slots + 1)}
                                  ).scalar_one())
        step = (hi - lo) // (slots + 1)
        # the window is spread with room to spare (a quarter of the rebuild's GAP between rows):
        # spread only just apart, the next row inserted nearby (a ledger import's names
        # cluster in pinyin order) would need a wider window again, and again
        if step >= max(2, GAP // 4):
            break
        width *= 4
    numbers = [lo + step * (j + 1) for j in range(slots)]
    new = numbers[len(before):len(before) + count]
    olds = before + after
    targets = numbers[:len(before)] + numbers[len(before) + count:]
    _move(conn, [(o, t) for o, t in zip(olds, targets, strict=True) if o != t])
    return new


def _place(conn: Executor, sort_key: str, org_id: str, current: int | None) -> int:
    """The row number of an organization with ``sort_key``: rows are numbered in pinyin
    order (sort key, id), so each ranking tier is an FTS query in row order with LIMIT."""
    prev, nxt = _neighbours(conn, sort_key, org_id)
    if current is not None and prev < current and (nxt is None or current < nxt):
        return current
    if nxt is None:
        return prev + GAP
    if nxt - prev >= 2:
        return (prev + nxt) // 2
    return _spread(conn, prev, nxt)


def upsert(conn: Executor, search_rowid: int | None, doc: dict[str, str], *,
           org_id: str | None = None, sort_key: str | None = None) -> int:
    """Insert or replace the index row; returns the row number to keep on the
    organization. With ``org_id`` and ``sort_key`` (the services) the number keeps the
    pinyin order of the rows, moving neighbours if needed; without (older callers) a
    new row goes at the end."""
    # the document indexed now, from the row as last written (before this flush)
    params: dict[str, Any] = {"id": org_id, "r": search_rowid}
    where = "id = :id" if org_id is not None else "search_rowid = :r"
    if isinstance(conn, Session):
        with conn.no_autoflush:
            indexed = _indexed(conn, where, params)
        conn.flush()  # pending row numbers reach the table before neighbours are read
    else:
        indexed = _indexed(conn, where, params)
    if indexed:
        found_id, search_rowid, old_doc = indexed[0]
        org_id = org_id or found_id
        conn.execute(text(_DELETE), {"rowid": search_rowid, **old_doc})
        # out of the numbering while its place is found (a renumbered window skips it)
        conn.execute(text("UPDATE organization SET search_rowid = NULL WHERE id = :id"),
                     {"id": org_id})
    elif org_id is not None:
        search_rowid = None
    if org_id is not None and sort_key is not None:
        rowid = _place(conn, sort_key, org_id, search_rowid)
    elif search_rowid is not None:
        rowid = search_rowid
    else:
        rowid = int(conn.execute(text(
            "SELECT coalesce(max(search_rowid), 0) FROM organization")).scalar_one()) + GAP
    if org_id is not None:
        conn.execute(text("UPDATE organization SET search_rowid = :r WHERE id = :id"),
                     {"r": rowid, "id": org_id})
    conn.execute(text(_INSERT), {"rowid": rowid, **doc})
    return rowid


def insert_many(conn: Executor, items: list[tuple[str, str, dict[str, str]]]) -> None:
    """Index organizations that have no index row yet (a bulk insert such as the ledger
    import: their ``organization`` rows exist with ``search_rowid`` NULL and their sort
    key set); ``items`` are (org_id, sort_key, document). The rows are numbered in pinyin
    order among the indexed ones, like :func:`upsert`, but a run of new rows that falls
    between the same two indexed neighbours shares that gap (a window of neighbours is
    renumbered once if it is too narrow), so the cost is a few statements per run, not
    per row."""
    ordered = sorted(items, key=lambda it: (it[1], it[0]))
    next_sql = text(
        "SELECT search_rowid, name_sort_key, id FROM organization "
        "WHERE (name_sort_key, id) > (:k, :id) AND search_rowid IS NOT NULL "
        "ORDER BY name_sort_key, id LIMIT 1")
    i = 0
    while i < len(ordered):
        org_id, key, _doc = ordered[i]
        prev = conn.execute(text(
            "SELECT search_rowid FROM organization WHERE (name_sort_key, id) < (:k, :id) "
            "AND search_rowid IS NOT NULL ORDER BY name_sort_key DESC, id DESC LIMIT 1"),
            {"k": key, "id": org_id}).scalar()
        upper = conn.execute(next_sql, {"k": key, "id": org_id}).first()
        j = i + 1
        if upper is None:
            j = len(ordered)
        else:
            while j < len(ordered) and (ordered[j][1], ordered[j][0]) < (upper[1], upper[2]):
                j += 1
        run, lo = ordered[i:j], int(prev or 0)
        if upper is None:
            numbers = [lo + GAP * (n + 1) for n in range(len(run))]
        elif int(upper[0]) - lo > len(run):
            numbers = [lo + (int(upper[0]) - lo) * (n + 1) // (len(run) + 1)
                       for n in range(len(run))]
        else:
            numbers = _spread_many(conn, lo, int(upper[0]), len(run))
        conn.execute(text("UPDATE organization SET search_rowid = :r WHERE id = :id"),
                     [{"r": r, "id": it[0]} for r, it in zip(numbers, run, strict=True)])
        conn.execute(text(_INSERT),
                     [{"rowid": r, **it[2]} for r, it in zip(numbers, run, strict=True)])
        i = j


REBUILD_CHUNK = 1000
# FTS5 keeps this many bytes of postings in memory before writing a segment (default
# 1 MB): while a rebuild loads, fewer and larger segments leave less for 'optimize' to
# merge. Set back to the default afterwards (the services write a few rows at a time).
REBUILD_HASHSIZE = 8 * 1024 * 1024
DEFAULT_HASHSIZE = 1024 * 1024
# FTS5 merges the segments of a level once there are this many (default 16) even with
# automerge off: while a rebuild loads, the segments wait for the one 'optimize' at the
# end instead (each posting written twice, not once per level).
REBUILD_CRISISMERGE = 1000
DEFAULT_CRISISMERGE = 16


# More organizations than this whose stored sort key no longer fits their name (a new
# pinyin version, a bulk repair): the rebuild fixes their keys and runs once more.
LATE_MAX = 10_000


def _rowid_indexes(conn: Executor) -> list[tuple[str, str]]:
    """(name, SQL) of the organization indexes on the row number: dropped while a rebuild
    rewrites that column and created again after (one sort each instead of a b-tree
    update per row)."""
    return [(r[0], r[1]) for r in conn.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "
        "'organization' AND sql LIKE '%search_rowid%'"))]


def _driver(conn: Executor) -> Any:
    """The sqlite3 connection under ``conn`` (same transaction): the rebuild's bulk
    statements pass plain tuples, without SQLAlchemy's per-row parameter handling."""
    connection = conn.connection() if isinstance(conn, Session) else conn
    return connection.connection.driver_connection


def _chunk_documents(rows: list[tuple[Any, ...]], as_json: bool
                     ) -> tuple[str | list[tuple[Any, ...]], list[tuple[str, str]]]:
    """(index rows, late rows) of a chunk of (row number, id, name, representative,
    domicile, code, stored sort key): an organization whose stored key gives its readings
    (``pinyin.index_terms``: no phrase segmentation) is indexed at its row number; one
    whose key is stale is returned as (id, key) to be placed after. The index rows as
    tuples, or (``as_json``) as one JSON array."""
    docs, late = [], []
    for r, org_id, name, rep, dom, uscc, stored in rows:
        key, variants = pinyin.index_terms(name or "", stored or "")
        if key != stored:
            late.append((org_id, key))
        else:
            docs.append((r, *_columns(name, rep, dom, uscc, variants)))
    return (json.dumps(docs, ensure_ascii=False) if as_json else docs), late


# From this many organizations on, the documents are computed in worker PROCESSES rather
# than a thread (when a second core is idle). Computing them is Python, and a thread
# shares the interpreter lock with the thread that reads the rows and hands SQLite each
# chunk: at 1M, threaded, the worker's 55 us per organization were the whole load (67.8 s,
# of which SQLite wrote for 35 s). Worth a process's start only for a large registry.
PROCESS_MIN = 200_000


def _load(raw: Any, chunk: int, total: int, processes: bool = True) -> None:
    """Write the index rows in row-number order (FTS5 appends), chunk by chunk. When a
    second core is idle a worker (``rebuild_workers.pool``: processes from PROCESS_MIN
    organizations, else a thread) computes the documents of the next chunk while this
    thread writes the previous chunk. With a worker thread, each chunk is written by ONE
    statement reading its rows from a JSON array, so that SQLite tokenizes and writes the
    whole chunk without the interpreter lock (row by row, each row's parameters would wait
    for the worker thread to let go of it). Otherwise (worker processes: no worker thread
    here, and tuples are cheaper than encoding and parsing JSON, about 3 s of 1M; or in
    place) each chunk is written by ``executemany``."""
    read = ("SELECT s.r, o.id, o.name, o.legal_rep_name, o.domicile, o.uscc, o.name_sort_key "
            "FROM temp.search_order s JOIN organization o ON o.id = s.id WHERE s.r > ? "
            "ORDER BY s.r LIMIT ?")

    def chunks() -> Iterator[list[tuple[Any, ...]]]:
        last = 0
        while rows := raw.execute(read, (last, chunk)).fetchall():
            yield rows
            last = rows[-1][0]

    with rebuild_workers.pool(processes and total >= PROCESS_MIN) as worker:
        as_json = isinstance(worker, ThreadPoolExecutor)
        if as_json:
            # (json_extract rather than ->>, which needs SQLite 3.38)
            insert = (f"INSERT INTO {FTS_TABLE} (rowid, {_COLS}) SELECT "
                      + ", ".join(f"json_extract(value, '$[{i}]')" for i in range(6))
                      + " FROM json_each(?)")
        else:
            insert = f"INSERT INTO {FTS_TABLE} (rowid, {_COLS}) VALUES (?, ?, ?, ?, ?, ?)"
        for docs, late in rebuild_workers.in_order(
                worker, partial(_chunk_documents, as_json=as_json), chunks()):
            if as_json:
                raw.execute(insert, (docs,))
            else:
                raw.executemany(insert, docs)
            if late:
                raw.executemany("INSERT INTO temp.search_late (id, k) VALUES (?, ?)", late)


def _place_late(conn: Executor, raw: Any) -> None:
    """Give the organizations whose sort key was stale their new key and their index rows,
    numbered between their neighbours (:func:`insert_many`)."""
    raw.execute("UPDATE organization SET name_sort_key = (SELECT k FROM temp.search_late l "
                "WHERE l.id = organization.id), search_rowid = NULL "
                "WHERE id IN (SELECT id FROM temp.search_late)")
    rows = raw.execute("SELECT o.id, o.name, o.legal_rep_name, o.domicile, o.uscc, "
                       "o.name_sort_key FROM temp.search_late l JOIN organization o "
                       "ON o.id = l.id").fetchall()
    if rows:
        insert_many(conn, [(r[0], r[5], stored_document(*r[1:])) for r in rows])


def rebuild_index(conn: Executor, chunk: int | None = None) -> int:
    """Index every organization again (migration, ``search --reindex``, bulk loads);
    also refreshes the pinyin sort keys and numbers the rows GAP apart in pinyin order.
    Returns the number of organizations.

    The index table is dropped and created empty (the current layout). SQLite numbers
    the organizations in stored sort-key order (a temporary table); they are then read
    in that order in chunks of ``chunk`` (REBUILD_CHUNK) and each one's document is
    written at its number, straight into the index (memory stays flat at any size).
    Readings come from
    each stored sort key that fits its name (``pinyin.index_terms``); the few whose key
    is stale are left out of the numbering and placed after, with their new key, between
    their neighbours (more than ``LATE_MAX``: their keys are fixed and the rebuild runs
    again). Then the numbers are written to the organizations (their indexes on the row
    number dropped meanwhile), the index segments merged and ``ANALYZE`` run on the
    organization table. Freed pages are not overwritten with zeros meanwhile
    (``secure_delete = FAST``: the old index holds nothing the organization table does
    not)."""
    chunk = chunk or REBUILD_CHUNK
    raw = _driver(conn)
    secure = int(raw.execute("PRAGMA secure_delete").fetchone()[0])
    raw.execute("PRAGMA secure_delete = FAST")
    try:
        # (every step of _rebuild starts again from nothing: the table is created anew)
        total, late = rebuild_workers.with_fallback(
            lambda processes: _rebuild(conn, raw, chunk, processes), True)
    finally:
        raw.execute(f"PRAGMA secure_delete = {secure}")
    if late > LATE_MAX:
        return rebuild_index(conn, chunk)  # the keys are current now
    return total


def _rebuild(conn: Executor, raw: Any, chunk: int, processes: bool = True
             ) -> tuple[int, int]:
    """:func:`rebuild_index`; returns (organizations, late ones)."""
    raw.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    for statement in CREATE_STATEMENTS:
        raw.execute(statement)
    # no incremental merging while loading: one 'optimize' merges every segment at the end
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('automerge', 0)")
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('hashsize', "
                f"{REBUILD_HASHSIZE})")
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('crisismerge', "
                f"{REBUILD_CRISISMERGE})")
    for table in ("search_order", "search_late"):
        raw.execute(f"DROP TABLE IF EXISTS temp.{table}")
    raw.execute("CREATE TEMP TABLE search_order (r INTEGER PRIMARY KEY, id TEXT NOT NULL)")
    raw.execute("CREATE TEMP TABLE search_late (id TEXT PRIMARY KEY, k TEXT) WITHOUT ROWID")
    raw.execute("INSERT INTO temp.search_order (r, id) SELECT row_number() OVER "
                f"(ORDER BY name_sort_key, id) * {GAP}, id FROM organization")
    total = int(raw.execute("SELECT count(*) FROM temp.search_order").fetchone()[0])
    _load(raw, chunk, total, processes)
    late = int(raw.execute("SELECT count(*) FROM temp.search_late").fetchone()[0])
    if late:
        raw.execute("DELETE FROM temp.search_order WHERE id IN (SELECT id FROM temp.search_late)")
    raw.execute("CREATE INDEX temp.search_order_id ON search_order (id, r)")
    indexes = _rowid_indexes(conn)
    for name, _ in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    raw.execute("UPDATE organization SET search_rowid = (SELECT r FROM temp.search_order s "
                "WHERE s.id = organization.id) WHERE search_rowid IS NOT (SELECT r FROM "
                "temp.search_order s WHERE s.id = organization.id)")
    for _, sql in indexes:
        raw.execute(sql)
    if late > LATE_MAX:
        raw.execute("UPDATE organization SET name_sort_key = (SELECT k FROM temp.search_late l "
                    "WHERE l.id = organization.id) WHERE id IN (SELECT id FROM temp.search_late)")
    elif late:
        _place_late(conn, raw)
    raw.execute("DROP TABLE temp.search_order")
    raw.execute("DROP TABLE temp.search_late")
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('automerge', 4)")
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('hashsize', "
                f"{DEFAULT_HASHSIZE})")
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('crisismerge', "
                f"{DEFAULT_CRISISMERGE})")
    raw.execute("ANALYZE organization")
    return total, late


