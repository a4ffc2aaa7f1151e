"""Alembic, driven from code: the app upgrades its database on every start."""

from __future__ import annotations

import logging
import time
from importlib import resources
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from mca_tui.storage.engine import Database

log = logging.getLogger(__name__)

# PostgreSQL advisory lock key held while one process upgrades the schema.
_UPGRADE_LOCK = 7_350_205_001
# How long a process waits for another one upgrading the same SQLite file.
_SQLITE_UPGRADE_WAIT_S = 120


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Schema comparison skips tables that exist only in the database by design (the
    SQLite full-text search index and its shadow tables, PostgreSQL's search table)."""
    if type_ == "table":
        from mca_tui.storage import postgres_search, sqlite_search

        return not (sqlite_search.is_index_table(name) or postgres_search.is_index_table(name))
    return True


def alembic_config(database: Database | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("mca_tui.storage") / "migrations"))
    if database is not None:
        cfg.set_main_option("sqlalchemy.url", database.url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(database: Database) -> None:
    """Upgrade to head. On SQLite foreign keys are off during the upgrade (batch mode
    recreates tables) and ``PRAGMA foreign_key_check`` must be clean afterwards.

    Two processes opening a registry not yet at head at once: on PostgreSQL the second
    waits on an advisory lock; on SQLite its first write fails at once (database is
    locked), so it waits for the first to finish and finds the schema at head."""
    deadline = time.monotonic() + _SQLITE_UPGRADE_WAIT_S
    while current_revision(database) != head_revision():
        try:
            _upgrade(database)
            return
        except OperationalError as exc:
            if (not database.is_sqlite or "locked" not in str(exc)
                    or time.monotonic() > deadline):
                raise
            time.sleep(0.1)


def _upgrade(database: Database) -> None:
    cfg = alembic_config(database)
    with database.engine.connect() as conn:
        if database.is_sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        elif conn.dialect.name == "postgresql":
            # offices starting at once on a shared server: one upgrades, the rest wait
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({_UPGRADE_LOCK})")
            conn.commit()
            if MigrationContext.configure(conn).get_current_revision() == head_revision():
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_UPGRADE_LOCK})")
                conn.commit()
                return
        conn = conn.execution_options(mca_write=True)
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, "head")
            if database.is_sqlite:
                problems = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                if problems:
                    raise RuntimeError(f"foreign key check failed after upgrade: {problems[:5]}")
        finally:
            if database.is_sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            elif conn.dialect.name == "postgresql":
                conn.rollback()
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_UPGRADE_LOCK})")
                conn.commit()
    log.info("database upgraded to %s", head_revision())
