"""A raw DB-API connection to a test's registry, outside the application (to tamper
with it as someone with file or server access would): sqlite3 for a SQLite file,
psycopg in autocommit mode for PostgreSQL. Both offer ``execute`` / ``fetchall`` /
``close``; statements use no parameters. Foreign keys are not enforced on either."""

from __future__ import annotations

import sqlite3
from typing import Any

from mca_tui.storage.engine import Database


def connect(db: Database) -> Any:
    if db.is_sqlite:
        return sqlite3.connect(db.path, isolation_level=None)
    import psycopg

    url = db.engine.url.set(drivername="postgresql")
    conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
    # like a raw sqlite3 connection (foreign keys off): constraints do not stop the tamperer
    conn.execute("SET session_replication_role = replica")
    return conn


def db_arg(db: Database) -> str:
    """What to pass to ``--db`` for this registry."""
    return str(db.path) if db.path is not None else db.url
