"""Backup and restore (issue 13): ``mca-tui restore`` verifies the backup, keeps the
current registry aside with its -wal/-shm, restores and verifies again; a tampered backup
is refused with the registry untouched; a killed backup leaves nothing under the target
name; commits are made with synchronous=FULL."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mca_tui import cli
from mca_tui.storage.engine import Database

pytestmark = pytest.mark.sqlite_only


def _holidays(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("select day from calendar_override")}
    finally:
        conn.close()


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "live" / "registry.db"
    assert cli.main(["--db", str(path), "init"]) == 0
    assert cli.main(["--db", str(path), "calendar", "holiday", "2027-02-06", "2027-02-08",
                     "--note", "春节"]) == 0
    return path


def test_restore_verifies_keeps_the_current_registry_aside_and_verifies_again(
        tmp_path, registry, capsys):
    backup = tmp_path / "b" / "backup.db"
    backup.parent.mkdir()
    assert cli.main(["--db", str(registry), "backup", str(backup)]) == 0
    assert cli.main(["--db", str(registry), "calendar", "holiday", "2027-10-01", "2027-10-03",
                     "--note", "国庆"]) == 0
    # a live -wal beside the registry (the case that corrupts a hand-copied backup)
    keep = sqlite3.connect(registry)
    keep.execute("select count(*) from calendar_override").fetchone()
    keep.close()
    assert any(d.startswith("2027-10") for d in _holidays(registry))
    capsys.readouterr()
    assert cli.main(["--lang", "en", "--db", str(registry), "restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "kept in" in out
    restored = _holidays(registry)
    assert restored and not any(d.startswith("2027-10") for d in restored)
    aside = [p for p in registry.parent.iterdir() if ".before-restore-" in p.name]
    assert len(aside) == 1 and (aside[0] / "registry.db").exists()
    assert any(d.startswith("2027-10") for d in _holidays(aside[0] / "registry.db"))
    assert cli.main(["--db", str(registry), "audit", "verify"]) == 0
    db = Database.open(registry, create=False, checked=True)
    assert db.scalar("PRAGMA integrity_check") == "ok"
    db.dispose()
    # the registry works on after the restore
    assert cli.main(["--db", str(registry), "calendar", "complete", "2027"]) == 0
    assert cli.main(["--db", str(registry), "audit", "verify"]) == 0


def _content(path):
    """A digest of the registry's content (not its bytes: closing a connection may
    checkpoint the WAL into the main file, which moves bytes but changes nothing)."""
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        # every table's rows in key order; a contentless FTS table cannot be read (its
        # shadow tables, which hold the index, are)
        for (table,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name").fetchall():
            digest.update(table.encode("utf-8"))
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2'
                                    if _columns(conn, table) > 1
                                    else f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode("utf-8"))
        return digest.hexdigest()
    finally:
        conn.close()


def _columns(conn, table):
    return len(conn.execute(f'PRAGMA table_info("{table}")').fetchall())


def test_a_tampered_backup_is_refused_and_the_registry_left_as_it_was(tmp_path, registry,
                                                                      capsys):
    backup = tmp_path / "backup.db"
    assert cli.main(["--db", str(registry), "backup", str(backup)]) == 0
    conn = sqlite3.connect(backup)
    conn.execute("update audit_event set note = 'edited' where seq = "
                 "(select max(seq) from audit_event)")
    conn.commit()
    conn.close()
    before = _holidays(registry)
    digest = _content(registry)
    capsys.readouterr()
    assert cli.main(["--lang", "en", "--db", str(registry), "restore", str(backup)]) == 2
    out = capsys.readouterr().out
    assert "audit chain" in out and "Nothing was changed" in out
    assert _content(registry) == digest
    assert _holidays(registry) == before
    assert not [p for p in registry.parent.iterdir() if "restore" in p.name]


@pytest.mark.parametrize("bad", ["missing", "not_sqlite"])
def test_restore_from_a_wrong_file_changes_nothing(tmp_path, registry, capsys, bad):
    backup = tmp_path / "backup.db"
    if bad == "not_sqlite":
        backup.write_text("not a database\n", encoding="utf-8")
    digest = _content(registry)
    assert cli.main(["--lang", "en", "--db", str(registry), "restore", str(backup)]) == 2
    assert "Nothing was changed" in capsys.readouterr().out
    assert _content(registry) == digest


def test_restore_refuses_while_the_registry_is_open_elsewhere(tmp_path, registry, capsys):
    backup = tmp_path / "backup.db"
    assert cli.main(["--db", str(registry), "backup", str(backup)]) == 0
    holder = sqlite3.connect(registry, isolation_level=None)
    holder.execute("BEGIN")
    holder.execute("select count(*) from calendar_override").fetchone()  # a reader
    try:
        assert cli.main(["--lang", "en", "--db", str(registry), "restore", str(backup)]) == 2
        assert "open in another window" in capsys.readouterr().out
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert registry.exists()
    assert not [p for p in registry.parent.iterdir() if "restore" in p.name]


def test_a_killed_backup_leaves_nothing_under_the_target_name(tmp_path, registry):
    env = {**os.environ}
    for attempt in range(6):
        target = tmp_path / f"killed-{attempt}.db"
        proc = subprocess.Popen([sys.executable, "-m", "mca_tui", "--db", str(registry),
                                 "backup", str(target)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        # kill at a different point each time: as soon as a temporary file appears, or later
        while proc.poll() is None and time.monotonic() < deadline:
            if attempt < 3 and any(p.name.startswith(f".{target.name}.part")
                                   for p in tmp_path.iterdir()):
                break
            if attempt >= 3 and target.exists():
                break
            time.sleep(0.005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if target.exists():  # complete: renamed only after the check
            conn = sqlite3.connect(target)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()


def test_commits_are_durable_on_power_loss(registry):
    db = Database.open(registry, create=False, checked=True)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        db.dispose()


def test_daily_backups_keep_the_newest_n(tmp_path, registry):
    from datetime import date, timedelta

    from mca_tui.storage.backups import daily_backup

    db = Database.open(registry, create=False, checked=True)
    folder = tmp_path / "backups"
    try:
        for day in range(5):
            written = daily_backup(db, folder, 3, date(2027, 3, 1) + timedelta(days=day))
            assert written is not None and written.exists()
        first = (folder / "registry-2027-03-05.db").stat().st_mtime_ns
        assert daily_backup(db, folder, 3, date(2027, 3, 5)) == folder / "registry-2027-03-05.db"
        assert (folder / "registry-2027-03-05.db").stat().st_mtime_ns == first  # not redone
        assert sorted(p.name for p in folder.iterdir()) == [
            "registry-2027-03-03.db", "registry-2027-03-04.db", "registry-2027-03-05.db"]
        conn = sqlite3.connect(folder / "registry-2027-03-05.db")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        assert daily_backup(db, folder, 0, date(2027, 3, 6)) is None
        # a backup killed half-way a day ago left its temporary file: removed next time
        stale = folder / ".registry-2027-03-06.db.part-99999"
        stale.write_bytes(b"partial")
        os.utime(stale, (time.time() - 2 * 86_400,) * 2)
        fresh = folder / ".registry-2027-03-06.db.part-99998"
        fresh.write_bytes(b"being written")
        daily_backup(db, folder, 3, date(2027, 3, 6))
        assert not stale.exists() and fresh.exists()
    finally:
        db.dispose()


@pytest.mark.parametrize("table", ["[backup]\nkeep_daily = -1\n", "[backup]\nkeep_daily = 1.5\n",
                                   "[backup]\nkept = 3\n", "[backup]\nfolder = 3\n"])
def test_backup_settings_are_checked(tmp_path, table):
    from mca_tui.config import SettingsError, load_settings

    path = tmp_path / "settings.toml"
    path.write_text(table, encoding="utf-8")
    with pytest.raises(SettingsError, match="backup"):
        load_settings(path)


def test_backup_settings_are_read_and_written(tmp_path):
    from mca_tui.config import load_settings

    path = tmp_path / "settings.toml"
    defaults = load_settings(path)  # writes the commented defaults
    assert defaults.backup.keep_daily == 7 and "keep_daily" in path.read_text(encoding="utf-8")
    assert defaults.backups_path().name == "backups"
    path.write_text(f'[backup]\nkeep_daily = 30\nfolder = "{tmp_path / "b"}"\n', encoding="utf-8")
    settings = load_settings(path)
    assert settings.backup.keep_daily == 30 and settings.backups_path() == tmp_path / "b"
