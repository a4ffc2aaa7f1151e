"""SQLite-SPECIFIC search index of organizations (FTS5). Only used when the database is
SQLite; ``storage.search`` chooses between this module and plain SQL.

Why this layout (design.md §3): the FTS5 trigram tokenizer finds nothing for 1- and
2-character queries, and ``LIKE`` against a trigram table silently returns nothing for
Chinese on SQLite 3.40. So Chinese text is stored with ONE CHARACTER PER TOKEN
("海 沧 区 社 工") under the ``unicode61`` tokenizer and a query is matched as a phrase of
its characters ("海沧" -> ``"海 沧"``): any substring of any length is found.

Columns of ``organization_fts`` (rowid = ``organization.search_rowid``):
- ``py`` (first: FTS5 writes no column header for the first column's postings, and this
  column has the most): the pinyin initials of the name (domain.pinyin: the phrase-aware
  reading first, then alternative readings of polyphonic characters) as overlapping
  4-letter grams, one per position (``xmsh mshc shcq``), each reading after a separator
  (a lone ``MARK``) so that no phrase runs from one reading into the next, the first one
  led by its start mark (``MARK`` + its first 3 letters); then the SHORT FRAGMENTS: every
  distinct 1- to 3-character fragment of the code and every distinct 1- to 3-letter
  fragment (letters only) of the readings, with the start marks of 1 and 2 characters
  of the code and of the first reading, each led by ``FRAG`` (a term of its own, not the
  1-character token of a name). A query of 4 letters is the gram itself, a
  longer one the phrase of its grams (``"hcqs cqsg"``), a shorter one a fragment; each
  is one posting list, and no query is a prefix query (FTS5 prefix indexes, which
  revision 0023_search_layout dropped, held every 1-character token of names and
  addresses and every gram a second to fourth time: two thirds of the index).
- ``name``, ``rep`` (legal representative), ``addr`` (domicile): one token per character,
  the name led by its start mark (``MARK`` + first character, see ``MARK``);
- ``code``: the lower-cased USCC as overlapping 4-character grams led by its start mark,
  like the readings. (Every suffix as a token, as before revision 0008, made most of the
  index: nearly every suffix is a distinct term.)

A short fragment of the code and one of the readings are the same token: a query of 1-3
letters looks for both anyway (``_term_expression``), and one of 1-3 characters with a
digit only for the code, so fragments of readings with a digit are left out.

Ranking tiers: 0 exact name or code; 1 prefix of name, code or initials; 2 any other
match. Within a tier rows are ordered by the pinyin sort key, then id; pages continue
after a keyset (tier, sort key, id). A tier with few matches is joined and sorted; a
tier with many matches walks the sort-key index and keeps the rows whose index row is in
the match set, which stops after one page. Neither ever reads the whole table.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, RowMapping, text
from sqlalchemy.orm import Session

from mca_tui.domain import pinyin
from mca_tui.domain.text import normalize_code
from mca_tui.storage.search_tokens import (
    GRAM,
    chars,
    first_letters,
    looks_like_code,
    query_grams,
    spaced,
)

# The index is written inside a migration (a Connection) and by the services (a Session).
Executor = Connection | Session

FTS_TABLE = "organization_fts"

# Contentless (``content=''``: the documents are not stored twice, they are derived from
# the organization row) and without per-row column sizes (``columnsize=0``: nothing here
# ranks by bm25); a row is removed with FTS5's 'delete' command given the document it
# was indexed with, which :func:`stored_document` recomputes from the organization row
# (the index follows that row: every write of the indexed columns goes through
# ``storage.search.index_organization`` or a rebuild). Revision 0017 rebuilt the older
# layout (stored content, 1.7 KB per organization) into this one.
CREATE_STATEMENTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "py, name, rep, addr, code, tokenize = 'unicode61 remove_diacritics 0', "
    "content = '', columnsize = 0)",
)
_COLS = "py, name, rep, addr, code"
_INSERT = (f"INSERT INTO {FTS_TABLE} (rowid, {_COLS}) "
           "VALUES (:rowid, :py, :name, :rep, :addr, :code)")
_DELETE = (f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_COLS}) "
           "VALUES ('delete', :rowid, :py, :name, :rep, :addr, :code)")
_STORED = ("SELECT id, search_rowid, name, legal_rep_name, domicile, uscc, name_sort_key "
           "FROM organization")

# Above this many matches a tier is read by walking the sort-key index.
DENSE_THRESHOLD = 5000

_COLUMNS = """o.id AS id, o.name AS name, o.uscc AS uscc, o.org_type AS org_type,
       o.status AS status, o.legal_rep_name AS legal_rep_name, o.domicile AS domicile,
       o.established_on AS established_on, o.deregistered_on AS deregistered_on,
       o.revoked_on AS revoked_on, o.name_sort_key AS sort_key"""


def is_index_table(name: str | None) -> bool:
    """True for the FTS5 table and its shadow tables, which exist only in the database
    (no model): schema comparisons skip them (alembic ``include_name``)."""
    return name is not None and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))


# Marks the start of a column (or of the first reading): a token made of this character and
# the first character (name) or first gram (code, initials). A query anchored to the start
# reads that token's short posting list; FTS5's ``^`` would walk the whole posting list of
# a common first token checking positions (e.g. 会, or every code beginning 5135). The
# private-use character never occurs in indexed text (``search_tokens.chars`` drops it).
MARK = "\ue000"


HEAD = GRAM - 1  # letters of a code or reading in its start mark

# Leads every short fragment (and short start mark) of the ``py`` column: a fragment is
# then never the same term as a 1-character token of a name, representative or address
# ("h", "1"), whose posting lists stay short for the phrases that read them.
FRAG = "\ue001"


def _full_grams(s: str) -> list[str]:
    """The GRAM-letter grams of ``s``, one per position (none if shorter)."""
    return [s[i:i + GRAM] for i in range(len(s) - GRAM + 1)]


def _fragments(s: str, into: set[str]) -> None:
    """Add every 1- to HEAD-character fragment of ``s`` to ``into`` (the slices at the end
    are shorter: fragments too)."""
    r = range(len(s))
    into.update(s)
    into.update([s[i:i + 2] for i in r])
    into.update([s[i:i + 3] for i in r])


def _letters(s: str) -> bool:
    return s.isascii() and s.isalpha()


_LETTER_RUN = re.compile("[A-Za-z]+")


def _letter_runs(s: str) -> list[str]:
    """The runs of ASCII letters of a reading (its fragments with a digit or an unknown
    character are never looked up: initials are only searched for letters)."""
    return [s] if _letters(s) else _LETTER_RUN.findall(s)


@lru_cache(maxsize=50_000)
def _spaced_person(s: str) -> str:
    """:func:`spaced` of a legal representative's name (names repeat: cached)."""
    return spaced(s)


@lru_cache(maxsize=4096)
def _code_head(head: str) -> frozenset[str]:
    """The fragments and short start marks of the first characters of a code."""
    out: set[str] = set()
    _fragments(head, out)
    out.update(MARK + head[:k] for k in range(1, HEAD))
    return frozenset(out)


def _py_column(variants: tuple[str, ...], code: str) -> str:
    """The ``py`` column: the grams of each reading (see the module docstring), then the
    short fragments of the readings and of the code."""
    tokens: list[str] = []
    short: set[str] = set()
    first = variants[0] if variants else ""
    plain = _letters(first)  # (nearly always: a name of Han characters)
    n = len(first)
    if first:
        tokens.append(MARK + first[:HEAD])
        tokens += [first[i:i + GRAM] for i in range(n - GRAM + 1)]
        runs = [first] if plain else _LETTER_RUN.findall(first)
        if runs and first.startswith(runs[0]):
            short.add(MARK + runs[0][:1])
            short.add(MARK + runs[0][:2])
        for run in runs:
            _fragments(run, short)
    for v in variants[1:]:
        tokens.append(MARK)  # no phrase of grams runs on from the reading before
        tokens += [v[i:i + GRAM] for i in range(len(v) - GRAM + 1)]
        if plain and len(v) == n and _letters(v):
            # another reading differs from the first in a letter or two: only the
            # fragments over those letters are new
            for p in [p for p, (a, b) in enumerate(zip(v, first, strict=True)) if a != b]:
                short.update([v[i:i + k] for k in range(1, HEAD + 1)
                              for i in range(max(0, p - k + 1), min(p, n - k) + 1)])
        else:
            for run in _letter_runs(v):
                _fragments(run, short)
    if code:
        # a fragment lies within the first 10 characters (GB 32100: registration office,
        # kind and area, shared by a district's codes: cached) or from the 9th on
        short.update(_code_head(code[:10]))
        _fragments(code[8:], short)
    if not short:
        return " ".join(tokens)
    return f"{' '.join(tokens)} {FRAG}{(' ' + FRAG).join(short)}"


def _short_query(letters: str, anchored: bool = False) -> str:
    """A fragment of fewer than GRAM (anywhere) or HEAD (anchored) characters of a code
    or of initials: one token of the ``py`` column's short fragments."""
    return f"py : {FRAG}{MARK}{letters}" if anchored else f"py : {FRAG}{letters}"


def _gram_query(column: str, letters: str, anchored: bool = False) -> str:
    """FTS expression for ``letters`` anywhere in (or, anchored, at the start of) a column
    of GRAM-grams (``code``, ``py``). Anywhere: fewer than GRAM letters a short fragment
    (shared by code and initials: :func:`_short_query`), GRAM letters the gram itself,
    more the phrase of its GRAM-grams. Anchored: fewer than HEAD a short start mark,
    HEAD the start mark itself, more the start mark followed by the grams. Each is one
    posting list or a phrase: no scan of a range of terms."""
    if anchored:
        if len(letters) < HEAD:
            return _short_query(letters, anchored=True)
        if len(letters) == HEAD:
            return f"{column} : {MARK}{letters}"
        # (HEAD = GRAM - 1: a longer fragment has at least one gram)
        return f'{column} : "{" ".join([MARK + letters[:HEAD], *query_grams(letters)])}"'
    if len(letters) < GRAM:
        return _short_query(letters)
    if len(letters) == GRAM:
        return f"{column} : {letters}"
    return f'{column} : "{" ".join(query_grams(letters))}"'


def _fragment_query(letters: str, anchored: bool = False) -> str:
    """Code fragment or (letters only) initials containing, or anchored beginning with,
    ``letters`` (ASCII)."""
    short = len(letters) < (HEAD if anchored else GRAM)
    if short or not letters.isalpha():
        return _gram_query("code", letters, anchored)
    return (f"{_gram_query('code', letters, anchored)} OR "
            f"{_gram_query('py', letters, anchored)}")


def _columns(name: str | None, legal_rep_name: str | None, domicile: str | None,
             uscc: str | None, variants: tuple[str, ...]) -> tuple[str, str, str, str, str]:
    """The indexed columns of one organization, in the table's order (``_COLS``)."""
    # (a stored code is already canonical: letters and digits, normalize_code leaves it)
    code = (uscc.lower() if uscc and uscc.isascii() and uscc.isalnum()
            else normalize_code(uscc or "").lower())
    first = chars(name or "")
    return (
        # only the first (phrase-aware) reading is marked: a name "begins with" the
        # initials it is sorted by; other readings find it in the last tier
        _py_column(variants, code),
        f"{MARK}{first[0]} {' '.join(first)}" if first else "",
        _spaced_person(legal_rep_name or ""),
        spaced(domicile or ""),
        " ".join([MARK + code[:HEAD], *_full_grams(code)]) if code else "",
    )


def document(name: str, legal_rep_name: str | None, domicile: str | None,
             uscc: str | None, variants: tuple[str, ...] | None = None) -> dict[str, str]:
    """The indexed columns of one organization by name (``variants``: its pinyin
    initials, if already known)."""
    if variants is None:
        variants = pinyin.initials_variants(name or "")
    return dict(zip(("py", "name", "rep", "addr", "code"),
                    _columns(name, legal_rep_name, domicile, uscc, variants), strict=True))


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


def indexed_rowids(conn: Executor) -> set[int]:
    """Row numbers present in the index (checks and tests: a contentless table cannot be
    scanned, its vocabulary can; reads the whole index)."""
    conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.organization_fts_rows "
                      f"USING fts5vocab(main, {FTS_TABLE}, instance)"))
    rows = {int(r[0]) for r in conn.execute(text(
        "SELECT DISTINCT doc FROM temp.organization_fts_rows"))}
    conn.execute(text("DROP TABLE temp.organization_fts_rows"))
    return rows


def stored_document(name: str | None, legal_rep_name: str | None, domicile: str | None,
                    uscc: str | None, sort_key: str | None) -> dict[str, str]:
    """The document an organization row with these stored values is indexed with (its
    readings from the stored sort key, as a rebuild takes them: ``pinyin.index_terms``)."""
    variants = pinyin.index_terms(name or "", sort_key or "")[1]
    return document(name or "", legal_rep_name, domicile, uscc, variants)


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


def _second_core() -> bool:
    """A second core is idle (load average below the number of cores less one): then a
    worker thread computes the documents while SQLite writes. On a busy machine the two
    threads only take turns, and measured 5-10 % slower than one: the chunks are then
    computed in place."""
    cores = os.cpu_count() or 1
    loadavg = getattr(os, "getloadavg", None)  # (not on Windows)
    if cores < 2 or loadavg is None:
        return False
    try:
        return bool(loadavg()[0] < cores - 1)
    except OSError:
        return False


class _InPlace:
    """An executor that runs each task when it is submitted (no worker thread)."""

    def __enter__(self) -> _InPlace:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        done: Future[Any] = Future()
        done.set_result(fn(*args))
        return done


def _load(raw: Any, chunk: int) -> None:
    """Write the index rows in row-number order (FTS5 appends), chunk by chunk. When a
    second core is idle (:func:`_second_core`) a worker thread computes the documents of
    the next chunk (Python) while this one writes the previous chunk, each chunk by ONE
    statement reading its rows from a JSON array, so that SQLite tokenizes and writes
    the whole chunk without the GIL (row by row, each row's parameters would wait for the
    worker to let go of it). Otherwise each chunk is computed, then written by
    ``executemany``."""
    read = ("SELECT s.r, o.id, o.name, o.legal_rep_name, o.domicile, o.uscc, o.name_sort_key "
            "FROM temp.search_order s JOIN organization o ON o.id = s.id WHERE s.r > ? "
            "ORDER BY s.r LIMIT ?")
    threaded = _second_core()
    if threaded:
        # (json_extract rather than ->>, which needs SQLite 3.38)
        insert = (f"INSERT INTO {FTS_TABLE} (rowid, {_COLS}) SELECT "
                  + ", ".join(f"json_extract(value, '$[{i}]')" for i in range(6))
                  + " FROM json_each(?)")
    else:
        insert = f"INSERT INTO {FTS_TABLE} (rowid, {_COLS}) VALUES (?, ?, ?, ?, ?, ?)"
    with (ThreadPoolExecutor(max_workers=1, thread_name_prefix="reindex") if threaded
          else _InPlace()) as worker:
        pending: Future[tuple[str | list[tuple[Any, ...]], list[tuple[str, str]]]] | None = None
        last = 0
        while True:
            rows = raw.execute(read, (last, chunk)).fetchall()
            computing = worker.submit(_chunk_documents, rows, threaded) if rows else None
            if pending is not None:
                docs, late = pending.result()
                if threaded:
                    raw.execute(insert, (docs,))
                else:
                    raw.executemany(insert, docs)
                if late:
                    raw.executemany("INSERT INTO temp.search_late (id, k) VALUES (?, ?)", late)
            if computing is None:
                return
            pending, last = computing, rows[-1][0]


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
        total, late = _rebuild(conn, raw, chunk)
    finally:
        raw.execute(f"PRAGMA secure_delete = {secure}")
    if late > LATE_MAX:
        return rebuild_index(conn, chunk)  # the keys are current now
    return total


def _rebuild(conn: Executor, raw: Any, chunk: int) -> tuple[int, int]:
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
    _load(raw, chunk)
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


# ------------------------------------------------------------------------- queries


def _term_expression(term: str) -> str:
    """Where one term may match: a phrase of its characters in name, legal
    representative or address; an ASCII term also a code fragment or initials."""
    c = chars(term)
    if not c:
        return ""
    if looks_like_code(c):
        return _gram_query("code", c)
    phrase = '{name rep addr} : "' + " ".join(c) + '"'
    if c.isascii():
        return f"({phrase} OR {_fragment_query(c)})"
    return phrase


def match_all(terms: Sequence[str]) -> str:
    """Every term must match somewhere."""
    return " AND ".join(e for e in (_term_expression(t) for t in terms) if e)


def _prefix_parts(terms: Sequence[str]) -> tuple[str, str, tuple[str, str] | None]:
    """(name prefix expression, code-or-initials prefix expression, sort-key bounds).

    A name or initials that begins with the query has a pinyin sort key that begins with
    a letter the query's first character can be read with, so a dense prefix tier only
    walks that stretch of the sort-key index (厦门… lie under x, near the end)."""
    if len(terms) != 1:
        return "", "", None
    c = chars(terms[0])
    if not c:
        return "", "", None
    if looks_like_code(c):
        return "", _gram_query("code", c, anchored=True), None
    head = f'name : "{MARK}{c[0]} {" ".join(c)}"'
    code = _fragment_query(c, anchored=True) if c.isascii() else ""
    return head, code, first_letters(c)


def match_prefix(terms: Sequence[str]) -> str:
    """Name, code or initials begin with the (single-term) query."""
    head, code, _ = _prefix_parts(terms)
    return " OR ".join(p for p in (head, code) if p)


def count(conn: Executor, match: str, cap: int) -> int:
    """Number of matches of an FTS expression, counted up to ``cap`` (bounded work)."""
    if not match:
        return 0
    sql = (f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :m "
           "LIMIT :cap)")
    return int(conn.execute(text(sql), {"m": match, "cap": cap}).scalar() or 0)


def _rowid_after(conn: Executor, keyset: tuple[str, str] | None) -> int:
    """Row number of the last indexed organization at or before the keyset (sort key,
    id) in pinyin order; 0 for the start."""
    if keyset is None:
        return 0
    found = conn.execute(text(
        "SELECT search_rowid FROM organization WHERE (name_sort_key, id) <= (:k, :i) "
        "AND search_rowid IS NOT NULL ORDER BY name_sort_key DESC, id DESC LIMIT 1"),
        {"k": keyset[0], "i": keyset[1]}).scalar()
    return int(found or 0)


def _tier_rows(conn: Executor, tier: int, match: str, params: dict[str, Any], limit: int,
               keyset: tuple[str, str] | None) -> list[RowMapping]:
    """Up to ``limit`` rows of one tier in pinyin order after the keyset. Tier 0 reads the
    name and code indexes; the others read the FTS index in row order (= pinyin order)
    with LIMIT, so a tier with a million matches stops after one page. Exact matches
    (tier 0) are left out of the other tiers."""
    if tier == 0:
        p = dict(params, limit=limit)
        cond = ""
        if keyset is not None:
            cond = " AND (o.name_sort_key, o.id) > (:k, :i)"
            p.update(k=keyset[0], i=keyset[1])
        sql = (f"SELECT {_COLUMNS}, 0 AS rank FROM organization o "
               "WHERE (o.name = :q OR (:qcode != '' AND o.uscc = :qcode))" + cond
               + " ORDER BY o.name_sort_key, o.id LIMIT :limit")
        return list(conn.execute(text(sql), p).mappings().all())
    after = _rowid_after(conn, keyset)
    out: list[RowMapping] = []
    batch = limit + 8
    sql = (f"SELECT {_COLUMNS}, {tier} AS rank, f.r AS r FROM (SELECT rowid AS r FROM "
           f"{FTS_TABLE} WHERE {FTS_TABLE} MATCH :m AND rowid > :after ORDER BY rowid "
           "LIMIT :batch) AS f JOIN organization o ON o.search_rowid = f.r ORDER BY f.r")
    while len(out) < limit:
        rows = conn.execute(text(sql), dict(params, m=match, after=after, batch=batch)
                            ).mappings().all()
        for r in rows:
            if r["name"] == params["q"] or (params["qcode"] and r["uscc"] == params["qcode"]):
                continue
            out.append(r)
        if len(rows) < batch:
            break
        after = int(rows[-1]["r"])
    return out[:limit]


def search(conn: Executor, terms: Sequence[str], *, q: str, qcode: str, limit: int,
           after: tuple[int, str, str] | None = None) -> list[RowMapping]:
    """One page of matches ordered by (tier, pinyin sort key, id), starting after the
    keyset ``after`` = (rank, sort_key, id) of the last row of the previous page."""
    every = match_all(terms)
    if not every:
        return []
    prefix = match_prefix(terms)
    params = {"q": q, "qcode": qcode}
    out: list[RowMapping] = []
    for tier in (0, 1, 2):
        if after is not None and tier < after[0]:
            continue
        if tier == 1 and not prefix:
            continue
        keyset = (after[1], after[2]) if after is not None and tier == after[0] else None
        if tier == 1:
            match = prefix
        elif tier == 2:
            match = f"({every}) NOT ({prefix})" if prefix else every
        else:
            match = ""
        out.extend(_tier_rows(conn, tier, match, params, limit - len(out), keyset))
        if len(out) >= limit:
            break
    return out
