"""The database: engine, units of work and schema upgrade.

``Database.write()`` is the only way to change data: one transaction (BEGIN IMMEDIATE
on SQLite) that commits on success and rolls back on any exception, so an operation is
either entirely written with its audit event or not at all. On PostgreSQL
(``storage.postgres``) writers run concurrently at READ COMMITTED; the shared numbers they
advance (code counters, the audit-chain head) are rows locked with SELECT ... FOR UPDATE.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mca_tui.storage import (
    application_search,  # noqa: F401 - its flush listener keeps the terms
    report_summary,  # noqa: F401 - its flush listener keeps the rows
)
from mca_tui.storage import postgres as postgres_support
from mca_tui.storage import sqlite as sqlite_support

log = logging.getLogger(__name__)


def to_url(db: str | Path) -> str:
    """A SQLAlchemy URL from a path or URL given by the user."""
    s = str(db)
    if "://" in s:
        return s
    return f"sqlite:///{Path(s).expanduser().resolve()}"


class Database:
    """An open registry database."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.read_only = False
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        self.is_postgres = url.startswith("postgresql")
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
        elif self.is_postgres:
            kwargs.update(postgres_support.engine_options())
        self.engine: Engine = create_engine(url, **kwargs)
        # told (with what holds the registry, e.g. "import") when a writer has to wait
        self.on_busy: Callable[[str], None] | None = None
        if self.is_sqlite:
            sqlite_support.configure(self.engine, lambda: self.on_busy)
        self._write_engine = self.engine.execution_options(**{sqlite_support.WRITE_OPTION: True})

    @classmethod
    def open(cls, db: str | Path, *, upgrade: bool = True, create: bool = True,
             checked: bool = False) -> Database:
        """Open (creating the file and its folder if needed) and migrate to head.

        With ``checked`` a SQLite file is first examined (``storage.registry_file``): a
        missing file is created only with ``create``; anything that is not a registry we
        may open raises RegistryFileError; a registry this user may only read is opened
        read-only (no -wal/-shm of ours left behind, no upgrade)."""
        url = to_url(db)
        path = sqlite_support.database_path(url)
        if path is not None and checked:
            from mca_tui.storage import registry_file

            state = registry_file.check(path, create=create)
            if state is registry_file.FileState.READ_ONLY:
                database = cls(registry_file.read_only_url(path))
                database.read_only = True
                if upgrade:
                    from mca_tui.storage.migrate import current_revision, head_revision

                    if current_revision(database) != head_revision():
                        database.dispose()
                        raise registry_file.RegistryFileError("old_read_only", path)
                return database
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if sqlite_support.on_network_filesystem(path):
                log.warning("database %s is on a network file system; WAL may corrupt it", path)
        database = cls(url)
        if upgrade:
            database.upgrade()
        return database

    @property
    def path(self) -> Path | None:
        return sqlite_support.database_path(self.url)

    def upgrade(self) -> None:
        from mca_tui.storage import schema_head

        if schema_head.at_head(self.engine):
            return  # already at head: no Alembic import (start-up time, issue 12)
        from mca_tui.storage.migrate import upgrade_to_head

        upgrade_to_head(self)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session. Closing it ends its transaction without expiring the
        objects read, so they stay usable (detached) afterwards."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write unit of work: commits on success, rolls back on any error."""
        session = Session(self._write_engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def scalar(self, sql: str, **params: object) -> object:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def backup(self, target: Path) -> None:
        if not self.is_sqlite:
            # a server database is backed up with its own tools (pg_dump), see README
            raise NotImplementedError("backup is implemented for SQLite only")
        sqlite_support.backup(self.engine, target)

    def dispose(self) -> None:
        self.engine.dispose()
