"""SQLite-SPECIFIC search index of organizations (FTS5). Only used when the database is
SQLite; ``storage.search`` chooses between this module and plain SQL.

Why this layout (design.md §3): the FTS5 trigram tokenizer finds nothing for 1- and
2-character queries, and ``LIKE`` against a trigram table silently returns nothing for
Chinese on SQLite 3.40. So Chinese text is stored with ONE CHARACTER PER TOKEN
("海 沧 区 社 工") under the ``unicode61`` tokenizer and a query is matched as a phrase of
its characters ("海沧" -> ``"海 沧"``): any substring of any length is found.

Columns of ``organization_fts`` (rowid = ``organization.search_rowid``):
- ``name``, ``rep`` (legal representative), ``addr`` (domicile): one token per character;
- ``code``: the lower-cased USCC as overlapping 4-character tokens, one per position
  (``5135 1350 … 4x x``), like ``py``: a fragment of up to 4 characters is a prefix query
  (``mj0*``), a longer one the phrase of its 4-grams, and ``^`` anchors it to the start.
  (Every suffix as a token, as before revision 0008, made most of the index: nearly
  every suffix is a distinct term.)
- ``py``: the pinyin initials of the name (domain.pinyin: the phrase-aware reading first,
  then alternative readings of polyphonic characters) as overlapping 4-letter tokens,
  one per position (``xmsh mshc shcq hcq cq q``): a query of up to 4 letters is a prefix
  query (``hcq*``), a longer one the phrase of its 4-grams (``"hcqs cqsg"``), and ``^``
  anchors either to the start. Short tokens keep the number of distinct terms small,
  which keeps prefix queries fast.

Ranking tiers: 0 exact name or code; 1 prefix of name, code or initials; 2 any other
match. Within a tier rows are ordered by the pinyin sort key, then id; pages continue
after a keyset (tier, sort key, id). A tier with few matches is joined and sorted; a
tier with many matches walks the sort-key index and keeps the rows whose index row is in
the match set, which stops after one page. Neither ever reads the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, text
from sqlalchemy.orm import Session

from mca_tui.domain import pinyin
from mca_tui.domain.text import normalize_code, normalize_text

# The index is written inside a migration (a Connection) and by the services (a Session).
Executor = Connection | Session

FTS_TABLE = "organization_fts"

CREATE_STATEMENTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, rep, addr, code, py, tokenize = 'unicode61 remove_diacritics 0', "
    "prefix = '1 2 3')",
)

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


def chars(s: str) -> str:
    """Letters, digits and Han characters of ``s``, NFKC and lower-cased."""
    return "".join(ch for ch in normalize_text(s).casefold() if ch.isalnum())


def spaced(s: str) -> str:
    """One token per character."""
    return " ".join(chars(s))


GRAM = 4


def _grams(s: str) -> str:
    """Overlapping GRAM-letter tokens, one per position (shorter at the end)."""
    return " ".join(s[i:i + GRAM] for i in range(len(s)))


def _gram_query(column: str, letters: str, anchored: bool = False) -> str:
    """FTS expression for ``letters`` anywhere in (or, anchored, at the start of) a column
    of GRAM-grams: a prefix query up to GRAM letters, else the phrase of its GRAM-grams."""
    caret = "^ " if anchored else ""
    if len(letters) <= GRAM:
        return f"{column} : {caret}{letters}*"
    grams = " ".join(letters[j:j + GRAM] for j in range(len(letters) - GRAM + 1))
    return f'{column} : {caret}"{grams}"'


def _initials_query(letters: str, anchored: bool = False) -> str:
    """Initials (``py``) containing, or anchored beginning with, ``letters``."""
    return _gram_query("py", letters, anchored)


def document(name: str, legal_rep_name: str | None, domicile: str | None,
             uscc: str | None) -> dict[str, str]:
    """The indexed columns of one organization."""
    variants = pinyin.initials_variants(name or "")
    return {
        "name": spaced(name or ""),
        "rep": spaced(legal_rep_name or ""),
        "addr": spaced(domicile or ""),
        "code": _grams(normalize_code(uscc or "").lower()),
        "py": " ".join(_grams(v) for v in variants),
    }


def _next_rowid(conn: Executor) -> int:
    return int(conn.execute(text(
        "SELECT max(coalesce((SELECT max(search_rowid) FROM organization), 0), "
        f"coalesce((SELECT max(rowid) FROM {FTS_TABLE}), 0)) + 1")).scalar_one())


def upsert(conn: Executor, search_rowid: int | None, doc: dict[str, str]) -> int:
    """Insert or replace the index row; returns the row number to keep on the
    organization (a new one if ``search_rowid`` is None)."""
    if search_rowid is None:
        search_rowid = _next_rowid(conn)
    else:
        conn.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :r"), {"r": search_rowid})
    conn.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, name, rep, addr, code, py) "
             "VALUES (:rowid, :name, :rep, :addr, :code, :py)"),
        {"rowid": search_rowid, **doc},
    )
    return search_rowid


REBUILD_CHUNK = 5000


def rebuild_index(conn: Executor, chunk: int = REBUILD_CHUNK) -> int:
    """Index every organization again (migration, ``search --reindex``, bulk loads);
    also refreshes the pinyin sort keys. Returns the number of organizations.

    Streams: organizations are read by keyset in chunks of ``chunk`` and each chunk's
    index rows and sort keys are written before the next is read, so memory stays flat
    at any registry size. ``ANALYZE`` of the organization table follows (the planner
    chooses between the sort-key and FTS paths by its statistics)."""
    conn.execute(text(f"DELETE FROM {FTS_TABLE}"))
    next_rowid = int(conn.execute(text(
        "SELECT coalesce(max(search_rowid), 0) + 1 FROM organization")).scalar_one())
    total, last = 0, ""
    while True:
        rows = conn.execute(text(
            "SELECT id, name, legal_rep_name, domicile, uscc, search_rowid FROM organization "
            "WHERE id > :last ORDER BY id LIMIT :n"), {"last": last, "n": chunk}).fetchall()
        if not rows:
            break
        inserts, updates = [], []
        for org_id, name, rep, dom, uscc, rowid in rows:
            if rowid is None:
                rowid, next_rowid = next_rowid, next_rowid + 1
            inserts.append({"rowid": rowid, **document(name, rep, dom, uscc)})
            updates.append({"k": pinyin.sort_key(name or ""), "r": rowid, "id": org_id})
        conn.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, name, rep, addr, code, py) "
                          "VALUES (:rowid, :name, :rep, :addr, :code, :py)"), inserts)
        conn.execute(text("UPDATE organization SET name_sort_key = :k, search_rowid = :r "
                          "WHERE id = :id"), updates)
        total += len(rows)
        last = rows[-1][0]
    conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))
    conn.execute(text("ANALYZE organization"))
    return total


# ------------------------------------------------------------------------- queries


def _term_expression(term: str) -> str:
    """Where one term may match: a phrase of its characters in name, legal
    representative or address; an ASCII term also a code fragment or initials."""
    c = chars(term)
    if not c:
        return ""
    phrase = '{name rep addr} : "' + " ".join(c) + '"'
    if c.isascii():
        parts = [phrase, _gram_query("code", c)]
        if c.isalpha():
            parts.append(_initials_query(c))
        return "(" + " OR ".join(parts) + ")"
    return phrase


def match_all(terms: Sequence[str]) -> str:
    """Every term must match somewhere."""
    return " AND ".join(e for e in (_term_expression(t) for t in terms) if e)


def _prefix_parts(terms: Sequence[str]) -> tuple[str, str, tuple[str, str] | None]:
    """(name-or-initials prefix expression, code prefix expression, sort-key bounds).

    A name or initials that begins with the query has a pinyin sort key that begins with
    a letter the query's first character can be read with, so a dense prefix tier only
    walks that stretch of the sort-key index (厦门… lie under x, near the end)."""
    if len(terms) != 1:
        return "", "", None
    c = chars(terms[0])
    if not c:
        return "", "", None
    head = 'name : ^"' + " ".join(c) + '"'
    code = ""
    if c.isascii():
        code = _gram_query("code", c, anchored=True)
        if c.isalpha():
            head += " OR " + _initials_query(c, anchored=True)
    first = c[0]
    if first.isascii():
        letters: tuple[str, ...] = (first,)
    elif pinyin.is_han(first):
        letters = pinyin.char_initials(first)
    else:
        letters = ()
    bounds = (min(letters), chr(ord(max(letters)) + 1)) if letters else None
    return head, code, bounds


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


def _tier_rows(conn: Executor, tier: int, match: str, not_exact: bool, params: dict[str, Any],
               limit: int, keyset: tuple[str, str] | None,
               bounds: tuple[str, str] | None = None) -> list[RowMapping]:
    p = dict(params, limit=limit)
    conds = []
    if bounds is not None:
        conds.append("o.name_sort_key >= :lo AND o.name_sort_key < :hi")
        p.update(lo=bounds[0], hi=bounds[1])
    if not_exact:
        conds.append("NOT (o.name = :q OR coalesce(o.uscc, '') = :qcode)")
    if keyset is not None:
        conds.append("(o.name_sort_key, o.id) > (:k, :i)")
        p.update(k=keyset[0], i=keyset[1])
    if tier == 0:
        sql = (f"SELECT {_COLUMNS}, 0 AS rank FROM organization o "
               "WHERE (o.name = :q OR (:qcode != '' AND o.uscc = :qcode))"
               + "".join(f" AND {c}" for c in conds)
               + " ORDER BY o.name_sort_key, o.id LIMIT :limit")
        return list(conn.execute(text(sql), p).mappings().all())
    p["m"] = match
    extra = "".join(f" AND {c}" for c in conds)
    if count(conn, match, DENSE_THRESHOLD) < DENSE_THRESHOLD:
        sql = (f"SELECT {_COLUMNS}, {tier} AS rank FROM {FTS_TABLE} f "
               "JOIN organization o ON o.search_rowid = f.rowid "
               f"WHERE {FTS_TABLE} MATCH :m{extra} ORDER BY o.name_sort_key, o.id LIMIT :limit")
    else:
        sql = (f"SELECT {_COLUMNS}, {tier} AS rank FROM organization o "
               "INDEXED BY ix_organization_name_sort "
               f"WHERE o.search_rowid IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} "
               f"MATCH :m){extra} ORDER BY o.name_sort_key, o.id LIMIT :limit")
    return list(conn.execute(text(sql), p).mappings().all())


def search(conn: Executor, terms: Sequence[str], *, q: str, qcode: str, limit: int,
           after: tuple[int, str, str] | None = None) -> list[RowMapping]:
    """One page of matches ordered by (tier, pinyin sort key, id), starting after the
    keyset ``after`` = (rank, sort_key, id) of the last row of the previous page."""
    every = match_all(terms)
    if not every:
        return []
    head, code, bounds = _prefix_parts(terms)
    prefix = " OR ".join(p for p in (head, code) if p)
    params = {"q": q, "qcode": qcode}
    out: list[RowMapping] = []
    for tier in (0, 1, 2):
        if after is not None and tier < after[0]:
            continue
        if tier == 1 and not prefix:
            continue
        keyset = (after[1], after[2]) if after is not None and tier == after[0] else None
        want = limit - len(out)
        if tier == 0:
            rows = _tier_rows(conn, 0, "", False, params, want, keyset)
        elif tier == 1:
            # name/initials prefixes within their sort-key stretch, merged with code
            # prefixes (any sort key), in (sort key, id) order without duplicates
            rows = _tier_rows(conn, 1, head, True, params, want, keyset, bounds)
            if code:
                more = _tier_rows(conn, 1, code, True, params, want, keyset)
                merged = {r["id"]: r for r in [*rows, *more]}
                rows = sorted(merged.values(), key=lambda r: (r["sort_key"], r["id"]))[:want]
        else:
            rest = f"({every}) NOT ({prefix})" if prefix else every
            rows = _tier_rows(conn, 2, rest, True, params, want, keyset)
        out.extend(rows)
        if len(out) >= limit:
            break
    return out
