"""Deep verification: replay the recorded change rows (``audit_change``) and compare the
result with the rows as they are now (``mca-tui audit verify --deep``).

The hash chain proves that the events were not edited; this proves that the records were
not: a row changed, inserted or deleted with an SQL tool outside the services differs
from the state its history produces, and is named. Every table that appears in the
change rows is read in full, so this is a slow, occasional check.

Compared are the columns the history knows (an insert records every column; an update
only those it changed); redacted columns (password hashes) are not compared. Rows
without any history are named only when the trail is complete (no events from before
revision 0003, whose change rows were not recorded).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from mca_tui.storage import audit
from mca_tui.storage.audit import (
    AUDIT_TABLES,
    DELETE,
    INSERT,
    REDACTED_COLUMNS,
    to_json,
)
from mca_tui.storage.models import AuditChange, AuditEvent

# Tables derived from others and rebuilt in bulk (search index, summaries): not records.
DERIVED_TABLES = frozenset({"alembic_version"}) | audit.DERIVED_TABLES
# Columns the search index maintains with its own statements (its row numbering in
# pinyin order, renumbered on inserts and rebuilds): derived, not part of a record.
DERIVED_COLUMNS = frozenset({"search_rowid"})


@dataclass(frozen=True)
class RecordProblem:
    entity: str
    entity_id: str
    reason: str  # record_differs | record_without_history | record_deleted
    columns: tuple[str, ...] = ()


def _normal(value: Any) -> Any:
    """One form for a value read back from JSON or from the database."""
    value = json.loads(to_json(value)) if not isinstance(value, str) else value
    if isinstance(value, str) and 10 <= len(value) <= 40 and value[:4].isdigit() \
            and value[4:5] == "-" and ("T" in value or " " in value):
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            return value
        if at.tzinfo is not None:
            at = at.astimezone(UTC).replace(tzinfo=None)
        return at.isoformat(timespec="milliseconds")
    return value


def _history(session: Session) -> dict[tuple[str, str], dict[str, Any] | None]:
    """The state of every row the change rows name, replayed in event order (None:
    deleted)."""
    state: dict[tuple[str, str], dict[str, Any] | None] = {}
    stmt = (select(AuditChange.entity, AuditChange.entity_id, AuditChange.operation,
                   AuditChange.after_json)
            .join(AuditEvent, col(AuditEvent.id) == col(AuditChange.event_id))
            .order_by(col(AuditEvent.at), col(AuditEvent.chain), col(AuditEvent.seq),
                      col(AuditChange.ordinal)))
    for entity, entity_id, operation, after_json in session.exec(stmt):
        if entity_id is None or entity in AUDIT_TABLES:
            continue
        key = (entity, entity_id)
        if operation == DELETE:
            state[key] = None
            continue
        after = json.loads(after_json)
        current = state.get(key)
        if operation == INSERT or current is None:
            state[key] = dict(after)
        else:
            current.update(after)
    return state


def _row_key(pk: list[str], row: Any) -> str:
    return ":".join(str(_normal(row[k])) if not isinstance(row[k], str) else row[k]
                    for k in pk)


def replay(session: Session) -> tuple[int, list[RecordProblem]]:
    """(rows replayed, every row whose current state differs from its history)."""
    history = _history(session)
    complete = session.exec(select(AuditEvent.id)
                            .where(col(AuditEvent.hash_version) < 2).limit(1)).first() is None
    by_table: dict[str, dict[str, dict[str, Any] | None]] = {}
    for (entity, ident), state in history.items():
        by_table.setdefault(entity, {})[ident] = state
    problems: list[RecordProblem] = []
    for name, rows in sorted(by_table.items()):
        table = SQLModel.metadata.tables.get(name)
        if table is None or name in DERIVED_TABLES:
            continue
        pk = [c.key for c in table.primary_key.columns]
        seen: set[str] = set()
        for row in session.connection().execute(sa_select(table)).mappings():
            ident = _row_key(pk, row)
            seen.add(ident)
            if ident not in rows:
                if complete:
                    problems.append(RecordProblem(name, ident, "record_without_history"))
                continue
            expected = rows[ident]
            if expected is None:
                problems.append(RecordProblem(name, ident, "record_differs"))
                continue
            differing = tuple(sorted(
                k for k, v in expected.items()
                if k not in REDACTED_COLUMNS and k not in DERIVED_COLUMNS and k in row and _normal(row[k]) != _normal(v)))
            if differing:
                problems.append(RecordProblem(name, ident, "record_differs", differing))
        for ident, expected in rows.items():
            if expected is not None and ident not in seen:
                problems.append(RecordProblem(name, ident, "record_deleted"))
    return len(history), problems
