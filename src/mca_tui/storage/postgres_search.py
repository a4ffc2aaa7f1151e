"""PostgreSQL-SPECIFIC search index of organizations (``tsvector`` + GIN). Only used when
the database is PostgreSQL; ``storage.search`` chooses between this module and
``storage.sqlite_search``, and both give the same results (design.md §3).

Why this layout: pg_trgm cannot use its index for 1- and 2-character queries, and a
word-segmenting parser (zhparser) misses substrings and needs a server extension. So the
same tokens as SQLite's FTS5 table (one token per Chinese character, every suffix of the
USCC, overlapping 4-letter pinyin-initial grams; see ``sqlite_search``) are written as a
``tsvector`` literal with explicit positions, and each query as a ``tsquery`` literal:
nothing goes through a text-search parser or dictionary, so no configuration or locale
can change what is found.

Table ``organization_search`` (created by migration 0006 on PostgreSQL only; no model):
``rowid`` = ``organization.search_rowid`` (numbered by the sequence
``organization_search_rowid_seq``, safe under concurrent writers), ``doc`` the tsvector,
with a GIN index, and ``sort_key`` / ``org_id``, the organization's own (revision 0022),
which order a tier's matches without reading ``organization``. A lexeme carries its column as a one-letter prefix (``n`` name, ``r``
legal representative, ``a`` address, ``c`` code suffix, ``p`` pinyin gram) so that a
phrase stays within one column. The start of a column (SQLite's start mark,
``sqlite_search.MARK``) is a mark lexeme placed just before the column that holds its
beginning: ``n^`` + the name's first character, ``p^`` + the first HEAD letters of the
first reading's initials, and ``k`` + the whole code. So "begins with" reads one short
posting list (a prefix range of marks for fewer letters), not a mark every organization
carries checked by position against a common character (revision ``pg_search_marks``
re-indexed the older layout, whose marks were a bare ``n^`` / ``p^``). Columns and
readings are separated by a gap in the positions, so a phrase never runs from one into
the next.

Ranking tiers, keyset paging and the orders are those of ``sqlite_search``; the sort key
column has the "C" collation on PostgreSQL (migration 0006), as SQLite compares bytes.
A page is one statement, each tier a part of it (``_tier_sql``): a short walk of the sort-key index fills the
page of a common query; otherwise the GIN matches are ordered in the index table (a
rebuild writes its rows in sort-key order, so matches that sort together share pages)
and only the page is joined to ``organization``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from mca_tui.domain import pinyin
from mca_tui.domain.text import normalize_code
from mca_tui.storage import rebuild_workers
from mca_tui.storage.search_tokens import (
    GRAM,
    chars,
    first_letters,
    grams,
    looks_like_code,
    query_grams,
)

Executor = Connection | Session

TABLE = "organization_search"
SEQUENCE = "organization_search_rowid_seq"

# ``sort_key`` and ``org_id`` repeat the organization's (name_sort_key, id), so that the
# matches of a tier are ordered and cut to a page in the index table itself, and only the
# page is joined to ``organization`` (revision 0022 added them).
_ORDER_COLUMNS = ('sort_key VARCHAR(400) COLLATE "C"', "org_id VARCHAR(32)")
# ``first_char``: the first character of the name (``search_tokens.chars``), indexed with
# the sort key (revision 0027): the names that begin with a character, in sort-key order,
# are a range of that index, however many there are and wherever the readings of the
# character put them (莆 is read p and f: in sort-key order its names lie among all the
# names read f... to p..., 1/9 of a registry in the benchmark's).
_FIRST_COLUMN = 'first_char VARCHAR(4) COLLATE "C"'
_FIRST_INDEX = (f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_first ON {TABLE} "
                "(first_char, sort_key, org_id)")
CREATE_STATEMENTS = (
    f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}",
    f"CREATE TABLE IF NOT EXISTS {TABLE} (rowid BIGINT PRIMARY KEY, doc TSVECTOR NOT NULL, "
    + ", ".join([*_ORDER_COLUMNS, _FIRST_COLUMN]) + ")",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_doc ON {TABLE} USING gin (doc)",
    _FIRST_INDEX,
)
# revision 0027 on an index table created before it
ADD_FIRST_CHAR = (f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {_FIRST_COLUMN}", _FIRST_INDEX)
# revision 0022 on an index table created before it (the columns, nothing else)
ADD_ORDER_COLUMNS = (f"ALTER TABLE {TABLE} "
                     + ", ".join(f"ADD COLUMN IF NOT EXISTS {c}" for c in _ORDER_COLUMNS))
DROP_STATEMENTS = (f"DROP TABLE IF EXISTS {TABLE}", f"DROP SEQUENCE IF EXISTS {SEQUENCE}")

_COLUMNS = """o.id AS id, o.name AS name, o.uscc AS uscc, o.org_type AS org_type,
       o.status AS status, o.legal_rep_name AS legal_rep_name, o.domicile AS domicile,
       o.established_on AS established_on, o.deregistered_on AS deregistered_on,
       o.revoked_on AS revoked_on, o.name_sort_key AS sort_key"""

_GAP = 3  # positions left empty between columns and readings
# A tier first tests this many organizations in sort-key order (a common query fills its
# page among them); when they hold less than a page, its matches come from the GIN index.
PROBE_ROWS = 1000
_MAX_POS = 16383  # PostgreSQL's largest tsvector position
HEAD = GRAM - 1  # letters of the first reading's initials in its start mark


def is_index_table(name: str | None) -> bool:
    """True for the index table, which exists only in the database (no model)."""
    return name == TABLE


# ------------------------------------------------------------------------- documents


def _lexeme(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'"


class _Doc:
    def __init__(self) -> None:
        self.pos = 0
        self.lexemes: dict[str, list[int]] = {}

    def add(self, tokens: Sequence[str]) -> None:
        lexemes, pos = self.lexemes, self.pos
        if pos + len(tokens) < _MAX_POS:  # (nearly always: no position to clamp)
            for pos, tok in enumerate(tokens, pos + 1):  # noqa: B020 - pos runs on
                found = lexemes.get(tok)
                if found is None:
                    lexemes[tok] = [pos]
                else:
                    found.append(pos)
        else:
            for tok in tokens:
                pos = min(pos + 1, _MAX_POS)
                lexemes.setdefault(tok, []).append(pos)
        self.pos = min(pos + _GAP, _MAX_POS)

    def add_text(self, column: str, text: str, marks: Sequence[str] = ()) -> None:
        """A text column (name, representative, address): the marks, then one lexeme per
        character and one per pair of adjacent characters at the first one's position,
        so that a query of two characters is one lexeme and a longer one a phrase of
        its pairs (see ``_chars_phrase``)."""
        first = self.pos + len(marks) + 1
        self.add([*marks, *(column + ch for ch in text)])
        for i in range(len(text) - 1):
            self.lexemes.setdefault(column + text[i:i + 2], []).append(min(first + i, _MAX_POS))

    def literal(self) -> str:
        lexemes = self.lexemes
        keys = "".join(lexemes)
        if "'" in keys or "\\" in keys:  # (tokens are letters, digits and marks: never)
            return " ".join(f"{_lexeme(t)}:{','.join(map(str, ps[:256]))}"
                            for t, ps in lexemes.items())
        # the same text without escaping, most lexemes at one position (a rebuild writes a
        # million of these: this is most of its Python time)
        return " ".join([f"'{t}':{ps[0]}" if len(ps) == 1 else
                         f"'{t}':{','.join(map(str, ps[:256]))}" for t, ps in lexemes.items()])


def _marks(column: str, head: str) -> list[str]:
    """The start mark of a column: the column letter, ``^`` and the column's first
    character (name) or first HEAD letters (initials), one lexeme at the position before
    the column's first token (nothing for an empty column)."""
    return [column + "^" + head] if head else []


def document(name: str, legal_rep_name: str | None, domicile: str | None,
             uscc: str | None, variants: tuple[str, ...] | None = None) -> str:
    """The ``tsvector`` literal of one organization (the tokens of ``sqlite_search``;
    ``variants``: its pinyin initials, if already known)."""
    if variants is None:
        variants = pinyin.initials_variants(name or "")
    doc = _Doc()
    name_chars = chars(name or "")
    doc.add_text("n", name_chars, _marks("n", name_chars[:1]))
    doc.add_text("r", chars(legal_rep_name or ""))
    doc.add_text("a", chars(domicile or ""))
    code = normalize_code(uscc or "").lower()
    if code:
        doc.add(["k" + code, *("c" + code[i:] for i in range(len(code)))])
    for j, variant in enumerate(variants):
        tokens = ["p" + g for g in grams(variant)]
        doc.add([*_marks("p", variant[:HEAD]), *tokens] if j == 0 else tokens)
    return doc.literal()


_FIRST = re.compile(r"'n\^([^']+)':")


def _first_char(doc: str) -> str | None:
    """The name's first character, from its start mark in the tsvector literal."""
    found = _FIRST.search(doc)
    return found[1] if found else None


def upsert(conn: Executor, search_rowid: int | None, doc: str, *,
           org_id: str | None = None, sort_key: str | None = None) -> int:
    """Insert or replace the index row; returns the row number to keep on the
    organization (a new one from the sequence if ``search_rowid`` is None). ``org_id``
    and ``sort_key``: the organization's id and (new) sort key, which order the index
    rows (without them, older callers: read from the organization row holding the
    number, as last written)."""
    if search_rowid is None:
        search_rowid = int(conn.execute(text(f"SELECT nextval('{SEQUENCE}')")).scalar_one())
    conn.execute(
        text(f"INSERT INTO {TABLE} (rowid, doc, sort_key, org_id, first_char) VALUES (:rowid, "
             "CAST(:doc AS tsvector), "
             "coalesce(:k, (SELECT name_sort_key FROM organization WHERE search_rowid = :rowid)), "
             "coalesce(:id, (SELECT id FROM organization WHERE search_rowid = :rowid)), :f) "
             "ON CONFLICT (rowid) DO UPDATE SET doc = EXCLUDED.doc, "
             "sort_key = EXCLUDED.sort_key, org_id = EXCLUDED.org_id, "
             "first_char = EXCLUDED.first_char"),
        {"rowid": search_rowid, "doc": doc, "k": sort_key, "id": org_id,
         "f": _first_char(doc)},
    )
    return search_rowid


def insert_many(conn: Executor, items: list[tuple[str, str]]) -> None:
    """Index organizations that have no index row yet (a bulk insert such as the ledger
    import): ``items`` are (org_id, tsvector literal); row numbers come from the sequence
    in one statement, the index rows and the organizations' numbers are written with
    one executemany each."""
    if not items:
        return
    numbers = conn.execute(text(f"SELECT nextval('{SEQUENCE}') FROM generate_series(1, :n)"),
                           {"n": len(items)}).scalars().all()
    rows = [{"rowid": int(r), "doc": doc, "id": org_id, "f": _first_char(doc)}
            for r, (org_id, doc) in zip(numbers, items, strict=True)]
    # (their organization rows exist: the sort key is read from them)
    conn.execute(text(f"INSERT INTO {TABLE} (rowid, doc, sort_key, org_id, first_char) "
                      "SELECT :rowid, CAST(:doc AS tsvector), o.name_sort_key, o.id, :f "
                      "FROM organization o WHERE o.id = :id"), rows)
    conn.execute(text("UPDATE organization SET search_rowid = :rowid WHERE id = :id"), rows)


# The server's memory for a rebuild's final insert (its own transaction only): the GIN
# pending list and the memory that merges it into the index.
REBUILD_PENDING_LIST = "256MB"
REBUILD_WORK_MEM = "64MB"


# From this many organizations on, a rebuild computes the documents in worker processes
# (``storage.rebuild_workers``; below, in a worker thread or in place).
PROCESS_MIN = 200_000


def _chunk_documents(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The index rows of a chunk of (id, name, representative, domicile, code, row number,
    stored row number, stored sort key): (row number, tsvector literal, sort key, id,
    first character, stored row number, stored sort key). Runs in a worker."""
    out = []
    for org_id, name, rep, dom, uscc, rowid, number, stored in rows:
        # readings from the stored sort key when it fits the name (as on SQLite)
        key, variants = pinyin.index_terms(name or "", stored or "")
        doc = document(name, rep, dom, uscc, variants)
        out.append((rowid, doc, key, org_id, _first_char(doc), number, stored))
    return out


def rebuild_index(conn: Executor, chunk: int = 2000) -> int:
    """Index every organization again, in chunks (migration, ``search --reindex``, bulk
    loads); also refreshes the pinyin sort keys. Returns the number of organizations.
    The documents of each chunk are computed by a worker (``storage.rebuild_workers``)
    while the chunk before goes to a temporary table; the index rows are written
    from it at the end in sort-key order, so the matches of a tier that sort together
    (a city's names) lie together in the table and a tier reads few of its pages."""
    total = int(conn.execute(text("SELECT count(*) FROM organization")).scalar_one())
    return rebuild_workers.with_fallback(
        lambda processes: _rebuild(conn, chunk, processes), total >= PROCESS_MIN)


def _rebuild(conn: Executor, chunk: int, processes: bool) -> int:
    conn.execute(text(f"DELETE FROM {TABLE}"))
    conn.execute(text("DROP TABLE IF EXISTS pg_temp.search_doc"))
    conn.execute(text("CREATE TEMP TABLE search_doc (rowid BIGINT, doc TSVECTOR, "
                      f"{', '.join([*_ORDER_COLUMNS, _FIRST_COLUMN])})"))
    conn.execute(text(
        f"SELECT setval('{SEQUENCE}', greatest(coalesce((SELECT max(search_rowid) "
        "FROM organization), 0), 1), (SELECT max(search_rowid) FROM organization) IS NOT NULL)"))
    def chunks() -> Iterator[list[tuple[Any, ...]]]:
        last = ""
        while rows := _numbered_chunk(conn, last, chunk):
            yield rows
            last = rows[-1][0]

    done = 0
    with rebuild_workers.pool(processes) as worker:
        for docs in rebuild_workers.in_order(worker, _chunk_documents, chunks()):
            _copy_docs(conn, docs)
            # (an unchanged row is not written: no dead row left behind)
            updates = [{"k": key, "r": rowid, "id": org_id}
                       for rowid, _doc, key, org_id, _f, number, stored in docs
                       if key != stored or rowid != number]
            if updates:
                conn.execute(text("UPDATE organization SET name_sort_key = :k, "
                                  "search_rowid = :r WHERE id = :id"), updates)
            done += len(docs)
    # Most of a large rebuild is GIN maintenance while the rows go in: a larger pending
    # list and sort memory for this statement merge it in fewer, larger batches (1M: 169
    # -> 118 s); the list is then merged into the index, so that no search scans it.
    before = conn.execute(text(
        "SELECT current_setting('gin_pending_list_limit'), current_setting('work_mem')")).one()
    conn.execute(text("SELECT set_config('gin_pending_list_limit', :g, true), "
                      "set_config('work_mem', :w, true)"),
                 {"g": REBUILD_PENDING_LIST, "w": REBUILD_WORK_MEM})
    conn.execute(text(f"INSERT INTO {TABLE} (rowid, doc, sort_key, org_id, first_char) SELECT "
                      "rowid, doc, sort_key, org_id, first_char FROM pg_temp.search_doc "
                      "ORDER BY sort_key, org_id"))
    conn.execute(text(f"SELECT gin_clean_pending_list('ix_{TABLE}_doc'::regclass)"))
    conn.execute(text("SELECT set_config('gin_pending_list_limit', :g, true), "
                      "set_config('work_mem', :w, true)"), {"g": before[0], "w": before[1]})
    conn.execute(text("DROP TABLE pg_temp.search_doc"))
    return done


def _numbered_chunk(conn: Executor, last: str, chunk: int) -> list[tuple[Any, ...]]:
    """The next ``chunk`` organizations after id ``last``, each with its row number (a new
    one from the sequence where it has none) and its stored number and sort key."""
    rows = conn.execute(text(
        "SELECT id, name, legal_rep_name, domicile, uscc, search_rowid, name_sort_key "
        "FROM organization WHERE id > :last ORDER BY id LIMIT :n"),
        {"last": last, "n": chunk}).fetchall()
    missing = sum(1 for r in rows if r[5] is None)
    fresh = iter(conn.execute(text(
        f"SELECT nextval('{SEQUENCE}') FROM generate_series(1, :n)"),
        {"n": missing}).scalars().all() if missing else [])
    return [(org_id, name, rep, dom, uscc, int(next(fresh)) if number is None else number,
             number, stored)
            for org_id, name, rep, dom, uscc, number, stored in rows]


def _copy_docs(conn: Executor, rows: list[tuple[Any, ...]]) -> None:
    """A chunk of documents into the rebuild's temporary table by ``COPY`` (same
    transaction, through the driver's connection): a third faster than one INSERT per
    row, which the server parses and plans each time."""
    connection = conn.connection() if isinstance(conn, Session) else conn
    driver = connection.connection.driver_connection
    assert driver is not None  # (a connection in a transaction has its driver's)
    with driver.cursor() as cur, cur.copy(
            "COPY pg_temp.search_doc (rowid, doc, sort_key, org_id, first_char) "
            "FROM STDIN") as copy:
        for r in rows:
            copy.write_row(r[:5])


def rebuild_from_empty(conn: Executor) -> None:
    """A migration's rebuild: the index table emptied with TRUNCATE (no dead rows left
    behind, and the rows written in sort-key order from the first page), rebuilt from
    the organizations, then ANALYZE."""
    conn.execute(text(f"TRUNCATE {TABLE}"))
    rebuild_index(conn)
    conn.execute(text(f"ANALYZE {TABLE}"))


# ------------------------------------------------------------------------- queries


def _phrase(lexemes: Sequence[str]) -> str:
    return " <-> ".join(lexemes)


def _initials_query(letters: str, anchored: bool = False) -> str:
    """``letters`` anywhere in the initials: a prefix query below GRAM letters, else the
    phrase of its GRAM-grams. Anchored (the start of the first reading): the start mark,
    a prefix of it below HEAD letters, followed by the grams when longer than HEAD (one
    short posting list, not the mark of every organization with a long one)."""
    found = query_grams(letters)
    if anchored:
        if len(letters) < HEAD:
            return "(" + _lexeme("p^" + letters) + ":*)"
        return "(" + _phrase([_lexeme("p^" + letters[:HEAD]),
                              *(_lexeme("p" + g) for g in found)]) + ")"
    if not found:  # up to GRAM letters: a prefix of a gram
        parts = [_lexeme("p" + letters) + ":*"]
    else:
        parts = [_lexeme("p" + g) for g in found]
    return "(" + _phrase(parts) + ")"


def _chars_phrase(prefix: str, c: str) -> str:
    """``c`` anywhere in a text column: one character is its lexeme, two their pair's
    lexeme, more the phrase of the overlapping pairs. (A phrase of single characters
    was found through the GIN index as every row holding all its characters, each then
    checked by position in its tsvector: for two common characters at 100k
    organizations, 28 of a page's 36 ms.)"""
    if len(c) == 1:
        return "(" + _lexeme(prefix + c) + ")"
    return "(" + _phrase([_lexeme(prefix + c[i:i + 2]) for i in range(len(c) - 1)]) + ")"


def _term_expression(term: str) -> str:
    c = chars(term)
    if not c:
        return ""
    if looks_like_code(c):  # codes only (search_tokens.looks_like_code)
        return "(" + _lexeme("c" + c) + ":*)"
    parts = [_chars_phrase(p, c) for p in "nra"]
    if c.isascii():
        parts.append(_lexeme("c" + c) + ":*")
        if c.isalpha():
            parts.append(_initials_query(c))
    return "(" + " | ".join(parts) + ")"


def match_all(terms: Sequence[str]) -> str:
    """Every term must match somewhere (a tsquery literal)."""
    return " & ".join(e for e in (_term_expression(t) for t in terms) if e)


def _prefix_parts(terms: Sequence[str]) -> tuple[str, str, tuple[str, str] | None]:
    """(name-or-initials prefix, code prefix, sort-key bounds), as in sqlite_search."""
    if len(terms) != 1:
        return "", "", None
    c = chars(terms[0])
    if not c:
        return "", "", None
    if looks_like_code(c):
        return "", _lexeme("k" + c) + ":*", None
    # the name's start mark holds its first character (one short posting list), followed
    # by the query's characters when it has more than one
    mark = _lexeme("n^" + c[0])
    head = "(" + (_phrase([mark, *(_lexeme("n" + ch) for ch in c)]) if len(c) > 1 else mark) + ")"
    code = ""
    if c.isascii():
        code = _lexeme("k" + c) + ":*"
        if c.isalpha():
            head = f"({head} | {_initials_query(c, anchored=True)})"
    return head, code, first_letters(c)


# The planner settings of a search statement (see :func:`_run`): a sequential scan testing
# every tsvector is priced far too cheaply (31 ms against 2 ms through the GIN index at
# 10k organizations), and JIT compilation of the many-matches branch of a tier (never run
# when the tier has few, but priced as a walk over every organization) took ~500 ms at
# 100k, more than the query. Local to the transaction; the values before are kept in two
# placeholder settings and put back after the statement.
_SETTINGS = ("SELECT set_config('mca_tui.enable_seqscan', current_setting('enable_seqscan'), "
             "true), set_config('mca_tui.jit', current_setting('jit'), true), "
             "set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)")
_RESTORE = ("SELECT set_config('enable_seqscan', current_setting('mca_tui.enable_seqscan'), "
            "true), set_config('jit', current_setting('mca_tui.jit'), true)")
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def _render(sql: str, params: dict[str, Any]) -> str:
    """``sql`` with its ``:name`` parameters written as SQL literals (psycopg's quoting):
    the statement travels with its settings in one message of several statements, which
    PostgreSQL accepts only without bound parameters."""
    from psycopg import sql as psql  # (not imported at start-up: SQLite never needs it)

    return _PARAM.sub(lambda m: psql.Literal(params[m[1]]).as_string(None), sql)


def _run(conn: Executor, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of ONE statement run with the search's planner settings, set before it
    and restored after it in the same round trip to the server (a search used to send
    its settings, each tier and the restore as statements of their own: 5-8 round trips,
    each a few milliseconds on a loaded machine)."""
    connection = conn.connection() if isinstance(conn, Session) else conn
    result = connection.exec_driver_sql(f"{_SETTINGS}; {_render(sql, params)}; {_RESTORE}")
    try:
        cursor = result.context.cursor  # the results of the three statements, in order
        if not cursor.nextset():
            raise RuntimeError("search statement returned no result")
        names = [d[0] for d in cursor.description or ()]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        result.close()
    return rows


def count(conn: Executor, match: str, cap: int) -> int:
    """Number of matches of a tsquery, counted up to ``cap`` (bounded work)."""
    if not match:
        return 0
    rows = _run(conn, f"SELECT count(*) AS n FROM (SELECT 1 FROM {TABLE} "
                      "WHERE doc @@ CAST(:m AS tsquery) LIMIT :cap) AS m",
                {"m": match, "cap": cap})
    return int(rows[0]["n"]) if rows else 0


def _tier_sql(tier: int, match: str, not_exact: bool, params: dict[str, Any], limit: int,
              keyset: tuple[str, str] | None, bounds: tuple[str, str] | None = None,
              first: str | None = None) -> str:
    """One tier's page as ONE statement (its parameters written in). The first
    PROBE_ROWS organizations in sort-key order (after the keyset, within the bounds, or
    - ``first``, the names that begin with a character - among the names that begin with
    it, read from the index table's own index) are tested against the query: when they
    hold a page, that is the page (a common query; the GIN index is not read). Otherwise the matches are read through the GIN index and
    ordered and cut to the page in the index table by its own copy of the sort key (the
    rows a rebuild wrote in that order, so a dense tier's matches share pages); only the
    page is joined to ``organization``. One-time filters on the probe's size let only
    one branch run. (Without the CTEs the planner, seeing ORDER BY ... LIMIT, walked the
    sort-key index over every organization even for a tier with no match: 0.3-1 s at
    100k.)"""
    p = dict(params, limit=limit)
    conds, index_conds = [], []
    if bounds is not None:
        conds.append("o.name_sort_key >= :lo AND o.name_sort_key < :hi")
        p.update(lo=bounds[0], hi=bounds[1])
    if not_exact:  # exact matches are tier 0 (as on SQLite: a code only when there is one)
        conds.append("NOT (o.name = :q OR (:qcode <> '' AND coalesce(o.uscc, '') = :qcode))")
        index_conds.append("s.org_id NOT IN (SELECT x.id FROM organization x WHERE "
                           "x.name = :q OR (:qcode <> '' AND x.uscc = :qcode))")
    if keyset is not None:
        conds.append("(o.name_sort_key, o.id) > (:k, :i)")
        index_conds.append("(s.sort_key, s.org_id) > (:k, :i)")
        p.update(k=keyset[0], i=keyset[1])
    extra = "".join(f" AND {c}" for c in conds)
    if tier == 0:
        return _render(f"SELECT {_COLUMNS}, 0 AS rank FROM organization o "
                       "WHERE (o.name = :q OR (:qcode <> '' AND o.uscc = :qcode))"
                       f"{extra} ORDER BY o.name_sort_key, o.id LIMIT :limit", p)
    p.update(m=match, probe=PROBE_ROWS)
    index_extra = "".join(f" AND {c}" for c in index_conds)
    if first is not None:
        p.update(first=first)
        probe = (
            # the first PROBE_ROWS names that begin with the character, in order (a range of
            # ix_organization_search_first), their documents tested against the query
            f"SELECT p.org_id, p.sort_key FROM (SELECT s.org_id, s.sort_key, s.doc FROM {TABLE} s "
            f"WHERE s.first_char = :first{index_extra} ORDER BY s.sort_key, s.org_id "
            "LIMIT :probe) AS p WHERE p.doc @@ CAST(:m AS tsquery) "
            "ORDER BY p.sort_key, p.org_id LIMIT :limit")
        w = (f"WITH w AS MATERIALIZED (SELECT {_COLUMNS}, {tier} AS rank FROM ({probe}) AS f "
             "JOIN organization o ON o.id = f.org_id), ")
    else:
        w = (  # the first PROBE_ROWS organizations in order, each tested against the query
            # (a scalar subquery the planner cannot turn into a join)
            f"WITH w AS MATERIALIZED (SELECT {_COLUMNS}, {tier} AS rank FROM ("
            f"SELECT o.* FROM organization o WHERE TRUE{extra} "
            "ORDER BY o.name_sort_key, o.id LIMIT :probe) AS o "
            f"WHERE (SELECT s.doc FROM {TABLE} s WHERE s.rowid = o.search_rowid) "
            "@@ CAST(:m AS tsquery) ORDER BY o.name_sort_key, o.id LIMIT :limit), ")
    return _render(
        w +
        # (a common query fills the page in w, and the GIN index is not read at all)
        # otherwise the page of matches from the GIN index, ordered in the index table
        # (a top-N sort of its narrow rows, no join per match)
        f"m AS MATERIALIZED (SELECT s.rowid, s.sort_key, s.org_id FROM {TABLE} s "
        f"WHERE s.doc @@ CAST(:m AS tsquery){index_extra} "
        "ORDER BY s.sort_key, s.org_id LIMIT :limit) "
        # one-time filters on the probe's size: only one branch runs (m is not read
        # when the probe filled the page)
        "SELECT * FROM w WHERE (SELECT count(*) FROM w) >= :limit "
        "UNION ALL "
        f"SELECT * FROM (SELECT {_COLUMNS}, {tier} AS rank FROM m "
        "JOIN organization o ON o.search_rowid = m.rowid) AS few "
        "WHERE (SELECT count(*) FROM w) < :limit "
        "ORDER BY sort_key, id", p)


def search(conn: Executor, terms: Sequence[str], *, q: str, qcode: str, limit: int,
           after: tuple[int, str, str] | None = None) -> list[dict[str, Any]]:
    """One page of matches ordered by (tier, pinyin sort key, id), starting after the
    keyset ``after`` = (rank, sort_key, id) of the last row of the previous page."""
    every = match_all(terms)
    if not every:
        return []
    return _run(conn, _page_sql(terms, every, q=q, qcode=qcode, limit=limit, after=after), {})


def _page_sql(terms: Sequence[str], every: str, *, q: str, qcode: str, limit: int,
              after: tuple[int, str, str] | None) -> str:
    """The page as ONE statement: each tier a materialized CTE (``_tier_sql``: 0 exact,
    1 begins with, 2 any other match) holding at most a page, a later tier gated by a
    one-time filter on the rows of the earlier ones (it is not run when they fill the
    page), and the page cut from their union in (tier, sort key, id) order."""
    head, code, bounds = _prefix_parts(terms)
    prefix = " | ".join(p for p in (head, code) if p)
    params = {"q": q, "qcode": qcode}
    # "begins with" a character other than a letter (which may begin the initials too):
    # only names that begin with that character, read in order from their own index
    c = chars(terms[0]) if len(terms) == 1 else ""
    first = c[0] if head and c and not (c[0].isascii() and c[0].isalpha()) else None
    tiers: list[tuple[str, str]] = []
    for tier in (0, 1, 2):
        if after is not None and tier < after[0]:
            continue
        if tier == 1 and not prefix:
            continue
        keyset = (after[1], after[2]) if after is not None and tier == after[0] else None
        if tier == 0:
            sql = _tier_sql(0, "", False, params, limit, keyset)
        elif tier == 1:
            # the name (or initials) prefix within its sort-key bounds, and the code
            # prefix (a code-only query has no name prefix); a row found by both once
            parts = [_tier_sql(1, m, True, params, limit, keyset, b, f)
                     for m, b, f in ((head, bounds, first), (code, None, None)) if m]
            sql = " UNION ".join(f"({part})" for part in parts)
        else:
            rest = f"({every}) & !({prefix})" if prefix else every
            sql = _tier_sql(2, rest, True, params, limit, keyset)
        earlier = " + ".join(f"(SELECT count(*) FROM t{n})" for n, _ in tiers)
        gate = f" WHERE {earlier} < {int(limit)}" if earlier else ""
        tiers.append((str(tier), f"t{tier} AS MATERIALIZED (SELECT * FROM ({sql}) AS x{gate})"))
    union = " UNION ALL ".join(f"SELECT * FROM t{n}" for n, _ in tiers)
    return (f"WITH {', '.join(cte for _, cte in tiers)} {union} "
            f"ORDER BY rank, sort_key, id LIMIT {int(limit)}")
