"""Restore a SQLite registry from a backup, safely (issue 13).

Copying a backup over a live registry by hand corrupts it whenever a -wal file is left
beside it, so restore is a command: the backup is copied (SQLite backup API) to a
temporary file beside the registry and verified there (integrity check, audit chains,
and the receipt when one is given); the current registry is checkpointed and moved aside
with its -wal/-shm into ``FILE.before-restore-<time>/``; the verified copy is renamed into
place and verified again. Any failure before the rename leaves the registry as it was; a
failure of the final check puts the old registry back.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mca_tui.storage import registry_file
from mca_tui.storage.anchor import ChainHead

SIDECARS = ("-wal", "-shm", "-journal")


class RestoreError(Exception):
    """Restore refused or failed; ``kind`` is a catalog key under ``restore.``."""

    def __init__(self, kind: str, path: Path, detail: str = "") -> None:
        super().__init__(f"{kind}: {path} {detail}".strip())
        self.kind = kind
        self.path = path
        self.detail = detail


@dataclass(frozen=True)
class RestoreResult:
    events: int
    aside: Path | None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def verify_file(path: Path, heads: list[ChainHead] | None = None) -> int:
    """Integrity check, audit chains and (when given) the receipt of a registry file;
    the number of audit events, or RestoreError naming the first problem."""
    from sqlalchemy import text

    from mca_tui.storage import anchor
    from mca_tui.storage.audit import verify_chains
    from mca_tui.storage.engine import Database

    db = Database(f"sqlite:///{path}")
    try:
        if db.scalar("PRAGMA integrity_check") != "ok":
            raise RestoreError("corrupt", path)
        with db.read() as s:
            if s.connection().execute(text("PRAGMA foreign_key_check")).first() is not None:
                raise RestoreError("corrupt", path, "foreign keys")
            result = verify_chains(s)
            if not result.ok:
                b = result.broken
                raise RestoreError("chain_broken", path,
                                   f"{b.chain} #{b.seq} {b.reason}" if b else "")
            if heads is not None:
                problem = anchor.check_receipt(s, heads)
                if problem is not None:
                    raise RestoreError("anchor_broken", path,
                                       f"{problem.chain} {problem.count} {problem.reason}")
            return result.events
    except sqlite3.DatabaseError as exc:
        raise RestoreError("corrupt", path, str(exc)) from exc
    finally:
        db.dispose()


def _copy(source: Path, dest: Path) -> None:
    """Copy a registry file with the SQLite backup API into a single file ``dest``."""
    src = sqlite3.connect(registry_file._ro_uri(source), uri=True)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            out.close()
    finally:
        src.close()
    _fsync(dest)


def _checkpoint_for_move(target: Path) -> None:
    """Fold the -wal into the registry; refuse while another process has it open."""
    conn = sqlite3.connect(target, timeout=2, isolation_level=None)
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise RestoreError("in_use", target)
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        raise RestoreError("in_use", target, str(exc)) from exc
    finally:
        conn.close()


def _move_aside(target: Path, stamp: str) -> Path:
    aside = target.with_name(f"{target.name}.before-restore-{stamp}")
    aside.mkdir()
    for suffix in ("", *SIDECARS):
        f = target.with_name(target.name + suffix)
        if f.exists():
            os.replace(f, aside / f.name)
    _fsync_dir(target.parent)
    return aside


def _put_back(aside: Path, target: Path) -> None:
    for suffix in SIDECARS:
        f = target.with_name(target.name + suffix)
        if f.exists():
            f.unlink()
    for f in aside.iterdir():
        os.replace(f, target.with_name(f.name))
    aside.rmdir()


def restore(backup: Path, target: Path, heads: list[ChainHead] | None = None, *,
            now: datetime | None = None) -> RestoreResult:
    """Restore ``backup`` over ``target`` (see the module text)."""
    backup = backup.expanduser().resolve()
    target = target.expanduser().resolve()
    if backup == target:
        raise RestoreError("same_file", backup)
    try:
        registry_file.check(backup, create=False)
    except registry_file.RegistryFileError as exc:
        raise RestoreError("bad_backup", backup, exc.kind) from exc
    target_exists = target.exists()
    if target_exists:
        registry_file.check(target, create=False)  # a wrong target stays untouched
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
    temp = target.with_name(f".{target.name}.restore-{os.getpid()}.tmp")
    try:
        _copy(backup, temp)
        verify_file(temp, heads)
        aside = None
        if target_exists:
            _checkpoint_for_move(target)
            aside = _move_aside(target, stamp)
        os.replace(temp, target)
        _fsync_dir(target.parent)
    finally:
        for suffix in ("", *SIDECARS):
            leftover = temp.with_name(temp.name + suffix)
            if leftover.exists():
                leftover.unlink()
    try:
        events = verify_file(target, heads)
    except RestoreError:
        if aside is not None:
            _put_back(aside, target)
        raise
    return RestoreResult(events=events, aside=aside)
