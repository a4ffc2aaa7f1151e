"""SQLite-SPECIFIC search index of organizations (FTS5). Only used when the database is
SQLite; ``storage.search`` chooses between this module and plain SQL.

Why this layout (design.md §3): the FTS5 trigram tokenizer finds nothing for 1- and
2-character queries, and ``LIKE`` against a trigram table silently returns nothing for
Chinese on SQLite 3.40. So every indexed text is stored with ONE CHARACTER PER TOKEN
("海 沧 区 社 工") under the ``unicode61`` tokenizer, and a query is matched as a phrase of
its characters ("海沧" -> ``"海 沧"``): any substring of any length is found, in any column.

Columns of ``organization_fts`` (a regular FTS5 table that keeps its own copy):
- ``org_id`` (not indexed): the organization's id;
- ``name``, ``rep`` (legal representative), ``addr`` (domicile), ``code`` (USCC);
- ``py``: the pinyin initials of the name, one letter per token, the phrase-aware
  reading first and then the alternative readings (domain.pinyin), separated by the
  token ``sep`` that no one-character query token can match across.

The FTS rowid is derived from the organization id (56-bit hash, linear probing on the
astronomically rare collision), so that no column has to be added to ``organization``
and a ``VACUUM`` or a batch migration that renumbers table rowids cannot break the link.
Organizations are never deleted, so probe chains never get holes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import text

from mca_tui.domain import pinyin
from mca_tui.domain.text import normalize_code, normalize_text

FTS_TABLE = "organization_fts"
VARIANT_SEPARATOR = "sep"

CREATE_STATEMENTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "org_id UNINDEXED, name, rep, addr, code, py, "
    "tokenize = 'unicode61 remove_diacritics 0')",
)


def spaced(s: str) -> str:
    """One token per character: letters, digits and Han characters, lower-cased."""
    return " ".join(ch for ch in normalize_text(s).casefold() if ch.isalnum())


def document(name: str, legal_rep_name: str | None, domicile: str | None,
             uscc: str | None) -> dict[str, str]:
    """The indexed columns of one organization."""
    variants = pinyin.initials_variants(name or "")
    py = f" {VARIANT_SEPARATOR} ".join(" ".join(v) for v in variants)
    return {
        "name": spaced(name or ""),
        "rep": spaced(legal_rep_name or ""),
        "addr": spaced(domicile or ""),
        "code": spaced(normalize_code(uscc or "")),
        "py": py,
    }


def _home_rowid(org_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(org_id.encode(), digest_size=7).digest(), "big") + 1


def _slot(conn, org_id: str) -> tuple[int, bool]:  # noqa: ANN001 - Session or Connection
    """(rowid, exists) of the organization's row: its home slot or the next free one."""
    rowid = _home_rowid(org_id)
    while True:
        found = conn.execute(text(f"SELECT org_id FROM {FTS_TABLE} WHERE rowid = :r"),
                             {"r": rowid}).first()
        if found is None:
            return rowid, False
        if found[0] == org_id:
            return rowid, True
        rowid += 1


def upsert(conn, org_id: str, doc: dict[str, str]) -> None:  # noqa: ANN001
    """Insert or replace the index row of one organization (inside the caller's
    transaction)."""
    rowid, exists = _slot(conn, org_id)
    if exists:
        conn.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :r"), {"r": rowid})
    conn.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, org_id, name, rep, addr, code, py) "
             "VALUES (:rowid, :org_id, :name, :rep, :addr, :code, :py)"),
        {"rowid": rowid, "org_id": org_id, **doc},
    )


def rebuild_index(conn) -> int:  # noqa: ANN001 - Connection (migration) or Session
    """Index every organization again (used by the migration and ``search --reindex``);
    also refreshes the pinyin sort keys. Returns the number of organizations."""
    conn.execute(text(f"DELETE FROM {FTS_TABLE}"))
    rows = conn.execute(text(
        "SELECT id, name, legal_rep_name, domicile, uscc FROM organization")).fetchall()
    for org_id, name, rep, dom, uscc in rows:
        conn.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, org_id, name, rep, addr, code, py) "
                          "VALUES (:rowid, :org_id, :name, :rep, :addr, :code, :py)"),
                     {"rowid": _slot(conn, org_id)[0], "org_id": org_id,
                      **document(name, rep, dom, uscc)})
        conn.execute(text("UPDATE organization SET name_sort_key = :k WHERE id = :id"),
                     {"k": pinyin.sort_key(name or ""), "id": org_id})
    return len(rows)


def match_expression(terms: Iterable[str]) -> str:
    """FTS5 query: each term a phrase of its characters, all terms required."""
    phrases = []
    for term in terms:
        tokens = spaced(term)
        if tokens:
            phrases.append('"' + tokens.replace('"', '""') + '"')
    return " AND ".join(phrases)


# Rank tiers: 0 exact name or code, 1 name / code / initials prefix, 2 name contains,
# 3 found elsewhere (legal representative, address, code or initials inside).
_RANKED = f"""
SELECT o.id AS id, o.name AS name, o.uscc AS uscc, o.org_type AS org_type,
       o.status AS status, o.legal_rep_name AS legal_rep_name, o.domicile AS domicile,
       o.established_on AS established_on, o.deregistered_on AS deregistered_on,
       o.revoked_on AS revoked_on, o.name_sort_key AS sort_key,
       CASE
         WHEN o.name = :q OR (o.uscc IS NOT NULL AND o.uscc = :qcode) THEN 0
         WHEN substr(o.name, 1, :qlen) = :q
              OR (:qcodelen > 0 AND substr(o.uscc, 1, :qcodelen) = :qcode)
              OR (:pylen > 0 AND substr(m.py, 1, :pylen) = :qpy) THEN 1
         WHEN instr(o.name, :q) > 0 THEN 2
         ELSE 3
       END AS rank
FROM (SELECT org_id, py FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match) AS m
JOIN organization AS o ON o.id = m.org_id
"""


def search(conn, *, match: str, q: str, qcode: str, qpy: str, limit: int,  # noqa: ANN001
           after: tuple[int, str, str] | None = None) -> list:
    """One page of matches ordered by (rank, pinyin sort key, id), starting after the
    keyset ``after`` = (rank, sort_key, id) of the last row of the previous page."""
    params = {"match": match, "q": q, "qlen": len(q), "qcode": qcode,
              "qcodelen": len(qcode), "qpy": qpy, "pylen": len(qpy), "limit": limit}
    where = ""
    if after is not None:
        where = "WHERE (rank, sort_key, id) > (:a_rank, :a_key, :a_id)"
        params.update(a_rank=after[0], a_key=after[1], a_id=after[2])
    sql = f"SELECT * FROM ({_RANKED}) {where} ORDER BY rank, sort_key, id LIMIT :limit"
    return conn.execute(text(sql), params).mappings().all()


def count(conn, match: str, cap: int) -> int:  # noqa: ANN001
    """Number of matches, counted up to ``cap`` (bounded work for 1-character queries)."""
    sql = (f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :m "
           "LIMIT :cap)")
    return int(conn.execute(text(sql), {"m": match, "cap": cap}).scalar() or 0)


def is_index_table(name: str | None) -> bool:
    """True for the FTS5 table and its shadow tables, which exist only in the database
    (no model): schema comparisons skip them (alembic ``include_name``)."""
    return bool(name) and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))
