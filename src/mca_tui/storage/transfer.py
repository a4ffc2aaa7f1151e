"""Copy a whole registry into a new, empty database: how a district moves its SQLite file
to the shared PostgreSQL server (``mca-tui copy-registry URL``), or back.

Every row of every table is copied as it is (global ids, office of origin, the audit
events with their change rows and hashes), table by table in foreign-key order and in
chunks, inside one transaction on the target; then the target's search index is built
the way the app builds it and the audit chains are verified there; last, the planner's
statistics of the target are refreshed (``ANALYZE``: a bulk-loaded PostgreSQL database
has none until autovacuum gets to it, and its first queries would be planned blind).
The target must be empty (its schema is created or upgraded to head first); the source
is only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select, text

from mca_tui.domain.actor import Actor
from mca_tui.storage import search
from mca_tui.storage.audit import Subject, VerifyResult, append_event, verify_chains
from mca_tui.storage.engine import Database
from mca_tui.storage.maintenance import refresh_statistics
from mca_tui.storage.models import metadata

CHUNK = 2000


class TargetNotEmpty(Exception):
    """The target registry already holds rows (nothing was copied)."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


@dataclass(frozen=True)
class CopyResult:
    rows: dict[str, int]  # table -> rows copied
    indexed: int  # organizations indexed for search on the target
    chain: VerifyResult  # the audit chains verified on the target


def _self_refs(table: Table) -> list[tuple[str, str]]:
    """(column, referenced column) pairs of foreign keys from a table to itself."""
    return [(fk.parent.name, fk.column.name) for fk in table.foreign_keys
            if fk.column.table is table]


def _parents_first(rows: list[dict[str, Any]], refs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Rows of a self-referencing table ordered so that a referenced row comes first."""
    if not refs:
        return rows
    done: set[tuple[str, Any]] = set()
    out: list[dict[str, Any]] = []
    pending = rows
    while pending:
        ready: list[dict[str, Any]] = []
        later: list[dict[str, Any]] = []
        for r in pending:
            ok = all(r[c] is None or (rc, r[c]) in done for c, rc in refs)
            (ready if ok else later).append(r)
        if not ready:  # a cycle or a dangling reference: keep the rest as they are
            ready, later = later, []
        for r in ready:
            for _, rc in refs:
                done.add((rc, r[rc]))
        out += ready
        pending = later
    return out


def _chunks(source: Database, table: Table) -> Iterator[list[dict[str, Any]]]:
    pk = list(table.primary_key.columns)
    with source.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(
            select(table).order_by(*pk))
        for part in result.mappings().partitions(CHUNK):
            yield [dict(r) for r in part]


def copy_registry(source: Database, target: Database, actor: Actor, *, note: str = "",
                  progress: Callable[[str, int], None] | None = None) -> CopyResult:
    """Copy every row of ``source`` into the empty ``target`` (both at head); the copy
    itself is one event ``registry.copy`` by ``actor`` appended to the copied chain."""
    tables = list(metadata.sorted_tables)
    with target.read() as s:
        for table in tables:
            if s.execute(select(func.count()).select_from(table)).scalar():
                raise TargetNotEmpty(table.name)
    counts: dict[str, int] = {}
    with target.write() as s:
        for table in tables:
            refs = _self_refs(table)
            n = 0
            if refs:  # small tables (offices): read whole, parents first
                rows = [r for part in _chunks(source, table) for r in part]
                batches: Iterator[list[dict[str, Any]]] = iter(
                    [_parents_first(rows, refs)] if rows else [])
            else:
                batches = _chunks(source, table)
            for batch in batches:
                s.execute(table.insert(), batch)
                n += len(batch)
            counts[table.name] = n
            if progress is not None:
                progress(table.name, n)
        indexed = search.reindex_all(s)
        append_event(s, actor, "registry.copy", subject=Subject("registry", None),
                     after={"rows": sum(counts.values()), "organizations": indexed},
                     note=note)
    if target.is_postgres:
        with target.write() as s:
            s.execute(text("ANALYZE"))
    else:
        refresh_statistics(target, [table.name for table in tables])
    with target.read() as s:
        chain = verify_chains(s)
    return CopyResult(rows=counts, indexed=indexed, chain=chain)
