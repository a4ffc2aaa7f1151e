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
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "mca_write"

_NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p", "afs", "ceph"}


def configure(engine: Engine) -> None:
    """Install the pragmas and BEGIN handling on a SQLite engine."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=FULL")  # commits survive power loss (WAL fsync each commit)
        cur.execute("PRAGMA cache_size=-32000")  # 32 MB page cache
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
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
