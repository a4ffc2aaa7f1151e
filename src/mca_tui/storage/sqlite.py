"""SQLite-specific engine set-up. Everything dialect-specific lives here so that the
same services can later run on PostgreSQL.

On Python 3.11 the sqlite3 module opens transactions itself and silently ignores
``PRAGMA foreign_keys`` inside one, so we take over: the DBAPI connection runs in
autocommit mode (``isolation_level = None``), the pragmas run on connect, and the
``begin`` listener emits BEGIN ourselves — ``BEGIN IMMEDIATE`` for write units of work
(a deferred read-then-write transaction gets SQLITE_BUSY at once, ignoring the busy
timeout), plain ``BEGIN`` for reads.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import cast

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "mca_write"

_NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs", "ceph"}


# A writer that finds the registry locked says so after FIRST_WAIT_MS and keeps trying
# (BEGIN IMMEDIATE is its first statement, so nothing is lost by retrying) for at most
# WRITE_WAIT_S; long operations (the ledger import) commit in short transactions.
FIRST_WAIT_MS = 2_000
WRITE_WAIT_S = 120.0

BusyHook = Callable[[str], None]

_NO_WAIT: ContextVar[bool] = ContextVar("mca_no_wait", default=False)


class RegistryBusy(sqlite3.OperationalError):
    """A write begun under ``no_wait`` found the registry locked."""


def is_registry_busy(exc: BaseException) -> bool:
    """RegistryBusy, also as SQLAlchemy wraps it (``.orig``)."""
    return isinstance(exc, RegistryBusy) or isinstance(getattr(exc, "orig", None), RegistryBusy)


@contextmanager
def no_wait() -> Iterator[None]:
    """Writes begun inside do not wait for the lock: RegistryBusy at once (a sign-in that
    can be recorded a moment later lets the clerk in instead of waiting)."""
    token = _NO_WAIT.set(True)
    try:
        yield
    finally:
        _NO_WAIT.reset(token)


_HOLDS_MARKER: ContextVar[bool] = ContextVar("holds_busy_marker", default=False)


def busy_marker_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".busy")


@contextmanager
def busy_marker(db_file: Path | None, what: str) -> Iterator[None]:
    """While a long operation runs, a small file beside the registry names it, so that a
    writer kept waiting can say why ("an import is running")."""
    marker = busy_marker_path(db_file) if db_file is not None else None
    holder = _HOLDS_MARKER.set(True)  # its own writes do not say they wait
    try:
        if marker is not None:
            try:
                marker.write_text(f"{what} {os.getpid()}\n", encoding="utf-8")
            except OSError:
                marker = None
        yield
    finally:
        _HOLDS_MARKER.reset(holder)
        if marker is not None:
            marker.unlink(missing_ok=True)
            assert db_file is not None
            waiting_marker_path(db_file).unlink(missing_ok=True)


def waiting_marker_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".waiting")


def _announce_wait(db_file: Path | None) -> None:
    """A writer that finds a long operation running (its busy marker) says that it is
    about to wait: the operation pauses between its parts only when someone does."""
    if db_file is None or _HOLDS_MARKER.get() or not busy_marker_path(db_file).exists():
        return
    with suppress(OSError):
        waiting_marker_path(db_file).touch()


def someone_waiting(db_file: Path | None) -> bool:
    """True if a writer announced within WRITE_WAIT_S (the longest it waits) that it
    waits for the lock (``_announce_wait``); True also when that cannot be known (no
    file: PostgreSQL)."""
    if db_file is None:
        return True
    try:
        return waiting_marker_path(db_file).stat().st_mtime >= time.time() - WRITE_WAIT_S
    except FileNotFoundError:
        return False
    except OSError:
        return True


def busy_reason(db_file: Path | None) -> str:
    """What holds the registry, from its busy marker ("import"), or ""."""
    if db_file is None:
        return ""
    try:
        return busy_marker_path(db_file).read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return ""


def _locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def begin_immediate(dbapi_conn: sqlite3.Connection, db_file: Path | None,
                    hook: BusyHook | None) -> None:
    """BEGIN IMMEDIATE, waiting for another writer within WRITE_WAIT_S and telling
    ``hook`` once (with busy_reason) when the wait is longer than FIRST_WAIT_MS."""
    if _NO_WAIT.get():
        dbapi_conn.execute("PRAGMA busy_timeout=0")
        try:
            dbapi_conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _locked(exc):
                raise RegistryBusy(str(exc)) from exc
            raise
        finally:
            dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return
    _announce_wait(db_file)
    deadline = time.monotonic() + WRITE_WAIT_S
    told = False
    dbapi_conn.execute(f"PRAGMA busy_timeout={FIRST_WAIT_MS}")
    try:
        while True:
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _locked(exc) or time.monotonic() >= deadline:
                    raise
                if not told and hook is not None:
                    told = True
                    try:
                        hook(busy_reason(db_file))
                    except Exception:  # noqa: BLE001 - a failing notice must not stop the write
                        log.exception("busy notice failed")
                log.info("registry busy (%s), retrying", busy_reason(db_file) or "another writer")
                dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


CACHE_KB = 32000  # page cache of each connection (32 MB)


def configure(engine: Engine, busy_hook: Callable[[], BusyHook | None] | None = None) -> None:
    """Install the pragmas and BEGIN handling on a SQLite engine. ``busy_hook`` returns
    the callable told when a writer has to wait (see begin_immediate)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=FULL")  # commits survive power loss (WAL fsync each commit)
        cur.execute(f"PRAGMA cache_size=-{CACHE_KB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            raw = conn.connection.dbapi_connection
            assert raw is not None
            begin_immediate(cast(sqlite3.Connection, raw), database_path(str(engine.url)),
                            busy_hook() if busy_hook is not None else None)
        else:
            conn.exec_driver_sql("BEGIN")


def database_path(url: str) -> Path | None:
    """The file behind a sqlite URL, or None for other databases / memory."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1] if "///" in url else ""
    if path.startswith("file:"):  # a URI filename (read-only opening): file:///abs?mode=ro
        from urllib.parse import unquote, urlsplit

        path = unquote(urlsplit(path).path)
    if not path or path == ":memory:":
        return None
    return Path(path)


def on_network_filesystem(path: Path) -> bool:
    """True if ``path`` lies on a network file system, where WAL does not work."""
    try:
        target = os.path.realpath(path.parent if not path.exists() else path)
        best, fstype = "", ""
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) >= 3 and target.startswith(parts[1]) and len(parts[1]) > len(best):
                    best, fstype = parts[1], parts[2]
        return fstype in _NETWORK_FS
    except OSError:
        return False


def backup(engine: Engine, target: Path) -> None:
    """Online backup with the SQLite backup API (never copy the live file), written to a
    temporary name beside the target, checked (integrity_check), flushed to disk and
    only then renamed: a backup killed half-way leaves nothing under the target name."""
    temp = target.with_name(f".{target.name}.part-{os.getpid()}")
    raw = engine.raw_connection()
    try:
        dest = sqlite3.connect(str(temp))
        try:
            raw.driver_connection.backup(dest)  # type: ignore[union-attr]
            dest.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
            if dest.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError(f"backup failed its integrity check: {temp}")
        finally:
            dest.close()
        fd = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    finally:
        raw.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            leftover = temp.with_name(temp.name + suffix)
            if leftover.exists():
                leftover.unlink()
