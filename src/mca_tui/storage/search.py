"""Search index of organizations: what is indexed and how a query is run.

``index_organization`` is called by ``services.organizations`` on every insert and
update (inside the same transaction) and keeps the pinyin sort key and the engine's index
current: SQLite's FTS5 table (``storage.sqlite_search``) or PostgreSQL's tsvector table
(``storage.postgres_search``), which find the same rows in the same order. ``find`` runs
one page of a search with keyset paging; on other databases it falls back to plain
``LIKE`` (no pinyin initials).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping, text
from sqlmodel import Session

from mca_tui.domain import pinyin
from mca_tui.domain.text import normalize_code, normalize_name, normalize_text
from mca_tui.storage import postgres_search, sqlite_search, sqlite_search_write
from mca_tui.storage.models import Organization


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def index_organization(session: Session, org: Organization) -> None:
    """Refresh the derived search columns of ``org`` (flushed by the caller)."""
    org.name_sort_key = pinyin.sort_key(org.name or "")
    if _is_sqlite(session):
        doc = sqlite_search.document(org.name, org.legal_rep_name, org.domicile, org.uscc)
        org.search_rowid = sqlite_search_write.upsert(session, org.search_rowid, doc, org_id=org.id,
                                                sort_key=org.name_sort_key)
    elif _is_postgres(session):
        pg_doc = postgres_search.document(org.name, org.legal_rep_name, org.domicile, org.uscc)
        org.search_rowid = postgres_search.upsert(session, org.search_rowid, pg_doc,
                                                  org_id=org.id, sort_key=org.name_sort_key)


def index_new_organizations(session: Session, rows: Sequence[Mapping[Any, Any]]) -> None:
    """Bulk counterpart of :func:`index_organization` for organizations just inserted
    with a Core insert (the ledger import): ``rows`` are their inserted column values
    (``id``, ``name``, ``legal_rep_name``, ``domicile``, ``uscc``, ``name_sort_key``).
    Writes their index rows in bulk, in the same transaction. The pinyin of each distinct
    name is computed once (``domain.pinyin`` caches it)."""
    if not rows:
        return
    conn = session.connection()
    if _is_sqlite(session):
        sqlite_search_write.insert_many(conn, [
            (r["id"], r["name_sort_key"] or "", sqlite_search.document(
                r["name"], r.get("legal_rep_name"), r.get("domicile"), r.get("uscc")))
            for r in rows])
    elif _is_postgres(session):
        postgres_search.insert_many(conn, [
            (r["id"], postgres_search.document(r["name"], r.get("legal_rep_name"),
                                               r.get("domicile"), r.get("uscc")))
            for r in rows])


def reindex_all(session: Session) -> int:
    """Rebuild the whole index (after a restore or a bulk repair)."""
    if _is_sqlite(session):
        return sqlite_search_write.rebuild_index(session)
    if _is_postgres(session):
        return postgres_search.rebuild_index(session)
    rows = session.execute(text("SELECT id, name FROM organization")).fetchall()
    for org_id, name in rows:
        session.execute(text("UPDATE organization SET name_sort_key = :k WHERE id = :id"),
                        {"k": pinyin.sort_key(name or ""), "id": org_id})
    return len(rows)


@dataclass(frozen=True)
class ParsedQuery:
    """A query as typed, split into what each part of the index compares against."""

    terms: tuple[str, ...]  # whitespace-separated parts, all required
    name: str  # the whole query as a name (NFKC, no spaces): exact / prefix ranking
    code: str  # the whole query as a code (upper-case, no spaces or dashes)
    initials: str  # lower-case letters, if the query could be pinyin initials, else ""

    @property
    def empty(self) -> bool:
        return not any(ch.isalnum() for t in self.terms for ch in t)


def parse_query(raw: str) -> ParsedQuery:
    """Full-width and half-width input give the same query (NFKC)."""
    norm = normalize_text(raw)
    terms = tuple(t for t in norm.split(" ") if t)
    joined = normalize_name(raw)
    letters = joined.casefold()
    initials = letters if letters.isascii() and letters.isalpha() else ""
    return ParsedQuery(terms=terms, name=joined, code=normalize_code(raw), initials=initials)


# Keyset of a result row: (rank, sort key, id).
Keyset = tuple[int, str, str]


def find(session: Session, query: ParsedQuery, *, limit: int,
         after: Keyset | None = None) -> Sequence[Mapping[Any, Any]]:
    """One page of matching organizations as row mappings with ``rank`` and ``sort_key``,
    ordered by (rank, sort_key, id)."""
    session.info.pop(_FOUND, None)
    if query.empty:
        return []
    code = query.code if query.code.isalnum() else ""
    rows: Sequence[Mapping[Any, Any]]
    if _is_sqlite(session):
        rows = sqlite_search.search(session, query.terms, q=query.name, qcode=code,
                                    limit=limit, after=after)
    elif _is_postgres(session):
        rows = postgres_search.search(session, query.terms, q=query.name, qcode=code,
                                      limit=limit, after=after)
    else:
        rows = _find_portable(session, query, code, limit, after)
    if after is None and len(rows) < limit:
        session.info[_FOUND] = (query, len(rows))  # every match: count() need not look
    return rows


# (query, number of rows) of a first page that held every match, for count() in the
# same session: the tiers are disjoint and together are every match.
_FOUND = "mca_tui.search.found_all"


def count(session: Session, query: ParsedQuery, cap: int = 1000) -> int:
    """How many organizations match, counted up to ``cap``."""
    if query.empty:
        return 0
    found = session.info.pop(_FOUND, None)
    if found is not None and found[0] == query:
        return min(int(found[1]), cap)  # the page just read held every match
    if _is_sqlite(session):
        return sqlite_search.count(session, sqlite_search.match_all(query.terms), cap)
    if _is_postgres(session):
        return postgres_search.count(session, postgres_search.match_all(query.terms), cap)
    return len(_find_portable(session, query, query.code, cap, None))


def _find_portable(session: Session, query: ParsedQuery, code: str, limit: int,
                   after: Keyset | None) -> list[RowMapping]:
    """Plain-SQL search for databases without the FTS index (no pinyin initials)."""
    conds, params = [], {"q": query.name, "qcode": code, "limit": limit}
    for i, term in enumerate(query.terms):
        params[f"t{i}"] = f"%{normalize_name(term)}%"
        params[f"c{i}"] = f"%{normalize_code(term)}%"
        conds.append(f"(o.name LIKE :t{i} OR o.legal_rep_name LIKE :t{i} "
                     f"OR o.domicile LIKE :t{i} OR o.uscc LIKE :c{i})")
    ranked = (
        "SELECT o.id AS id, o.name AS name, o.uscc AS uscc, o.org_type AS org_type, "
        "o.status AS status, o.legal_rep_name AS legal_rep_name, o.domicile AS domicile, "
        "o.established_on AS established_on, o.deregistered_on AS deregistered_on, "
        "o.revoked_on AS revoked_on, o.name_sort_key AS sort_key, "
        "CASE WHEN o.name = :q OR o.uscc = :qcode THEN 0 "
        "WHEN o.name LIKE :q || '%' THEN 1 WHEN o.name LIKE '%' || :q || '%' THEN 2 "
        "ELSE 3 END AS rank FROM organization o WHERE " + " AND ".join(conds))
    where = ""
    if after is not None:
        where = "WHERE (rank, sort_key, id) > (:a_rank, :a_key, :a_id)"
        params.update(a_rank=after[0], a_key=after[1], a_id=after[2])
    sql = f"SELECT * FROM ({ranked}) AS r {where} ORDER BY rank, sort_key, id LIMIT :limit"
    return list(session.execute(text(sql), params).mappings().all())
