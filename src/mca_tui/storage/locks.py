"""Engine-neutral locks for a check-then-write that no row can carry.

``lock_key(session, key)`` holds a lock named ``key`` until the transaction ends: on
PostgreSQL a transaction-level advisory lock (``pg_advisory_xact_lock``), so two
approvers checking the same name run one after the other and the second sees the
first's organization; on SQLite nothing is needed (a write transaction is BEGIN
IMMEDIATE: one writer at a time).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_key(session: Session, key: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                        {"k": key})
