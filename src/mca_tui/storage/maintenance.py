"""Planner statistics after bulk changes (issue 12).

SQLite chooses its indexes by the statistics ``ANALYZE`` leaves in ``sqlite_stat1``; after
a ledger import or a reindex they describe a registry that no longer exists (or none at
all), and a plan fit for 400 rows can walk a million. ``refresh_statistics`` re-samples the
tables a bulk change wrote (``analysis_limit`` bounds the work: ANALYZE reads a sample of
each index, so it takes well under a second at a million rows). On PostgreSQL autovacuum
keeps statistics; nothing is done.
"""

from __future__ import annotations

from collections.abc import Iterable

from mca_tui.storage.engine import Database

ANALYSIS_LIMIT = 2000  # rows sampled per index


def refresh_statistics(db: Database, tables: Iterable[str]) -> None:
    if not db.is_sqlite:
        return
    with db.write() as s:
        conn = s.connection()
        conn.exec_driver_sql(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        for table in tables:
            if table.isidentifier():
                conn.exec_driver_sql(f"ANALYZE {table}")
        conn.exec_driver_sql("PRAGMA optimize")
