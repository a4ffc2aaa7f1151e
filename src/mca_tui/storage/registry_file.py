"""Is this file a registry we may open? (issue 13, wrong targets)

Checked before SQLite ever touches the file, because opening creates a missing file and
migrating writes into any SQLite database: a missing file is created only when the caller
says so (first start of the app, ``mca-tui init``); a directory, an empty or truncated
file, a file that is not SQLite, another application's SQLite database, a registry from a
newer version and a registry the user may not write are each named by a ``kind`` (the
command line prints one line for it and exits with status 2).
"""

from __future__ import annotations

import os
import sqlite3
from enum import StrEnum
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
# tables every registry has had since its first schema revision
REGISTRY_TABLES = frozenset({"organization", "audit_event", "office"})


class FileState(StrEnum):
    NEW = "new"  # missing (or an SQLite file without tables): to be created
    REGISTRY = "registry"  # a registry this user may read and write
    READ_ONLY = "read_only"  # a registry this user may only read


class RegistryFileError(Exception):
    """The target is not a registry we may open; ``kind`` names why (a catalog key under
    ``registry_file.``), ``path`` is the file."""

    def __init__(self, kind: str, path: Path, detail: str = "") -> None:
        super().__init__(f"{kind}: {path}{' (' + detail + ')' if detail else ''}")
        self.kind = kind
        self.path = path
        self.detail = detail


def _writable(path: Path) -> bool:
    """The file and what SQLite writes beside it (-wal, -shm, journal) can be written."""
    if not os.access(path, os.W_OK):
        return False
    sidecars = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    if all(p.exists() for p in sidecars):
        return all(os.access(p, os.W_OK) for p in sidecars)
    return os.access(path.parent, os.W_OK | os.X_OK)


def _header_problem(path: Path, size: int) -> str | None:
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_MAGIC[:15]) or len(header) < 16:
        return "not_sqlite"
    if len(header) < 100:
        return "truncated"
    raw_page = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw_page == 1 else raw_page
    if page_size < 512 or page_size & (page_size - 1):
        return "not_sqlite"
    if size < page_size or size % page_size:
        return "truncated"
    change_counter = int.from_bytes(header[24:28], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    pages = int.from_bytes(header[28:32], "big")
    if change_counter == valid_for and pages and size < pages * page_size:
        return "truncated"
    return None


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from mca_tui.storage.migrate import alembic_config

    return {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def check(path: Path, *, create: bool) -> FileState:
    """What ``path`` is, or RegistryFileError. Reads only: never creates or changes a file."""
    if path.is_dir():
        raise RegistryFileError("directory", path)
    if not path.exists():
        if not create:
            raise RegistryFileError("missing", path)
        folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), None)
        if folder is None or not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            raise RegistryFileError("not_writable", path)
        return FileState.NEW
    if not os.access(path, os.R_OK):
        raise RegistryFileError("not_readable", path)
    size = path.stat().st_size
    if size == 0:
        raise RegistryFileError("empty", path)
    problem = _header_problem(path, size)
    if problem:
        raise RegistryFileError(problem, path)
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True)
        try:
            tables = {r[0] for r in conn.execute(
                "select name from sqlite_master where type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("select version_num from alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RegistryFileError("not_sqlite", path, str(exc)) from exc
    if not tables:
        if not create:
            raise RegistryFileError("missing", path)
        if not _writable(path):
            raise RegistryFileError("not_writable", path)
        return FileState.NEW
    if "alembic_version" not in tables or not tables >= REGISTRY_TABLES:
        raise RegistryFileError("foreign", path)
    if revision is not None and revision not in known_revisions():
        raise RegistryFileError("newer", path, revision)
    if not _writable(path):
        return FileState.READ_ONLY
    return FileState.REGISTRY


def _ro_uri(path: Path) -> str:
    """A read-only URI for ``path`` that creates no file beside it. While the owner works
    on the registry its -wal and -shm exist and are shared read-only; without them nobody
    is writing and the file is read as immutable (SQLite would otherwise create a -shm
    owned by this user, which can block the owner's writes)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not all(path.with_name(path.name + s).exists() for s in ("-wal", "-shm")):
        uri += "&immutable=1"
    return uri


def read_only_url(path: Path) -> str:
    """A SQLAlchemy URL opening ``path`` read-only (no file is created or changed)."""
    return f"sqlite:///{_ro_uri(path)}&uri=true"
