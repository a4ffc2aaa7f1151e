"""Busy registries (issue 13), with real processes: a long import is written in bounded
transactions so other clerks' writes get in; a writer that has to wait says so and goes
on by itself; after the bound it gets one plain line, not "unexpected error"."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mca_tui import cli
from mca_tui.services import ledger_import
from mca_tui.storage import sqlite as sqlite_support

from ..reports.helpers import org, write_xlsx

pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "mca_tui", "--lang", "en", *args]


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "registry.db"
    assert cli.main(["--db", str(path), "init"]) == 0
    return path


def _count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path, timeout=30)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.slow
def test_writers_get_in_while_a_long_import_runs(tmp_path, registry):
    parts = 6  # write transactions: enough for the clerks' writes to overlap the import
    rows = ledger_import.WRITE_CHUNK * (parts - 1) + 100
    ledger = tmp_path / "big.xlsx"
    write_xlsx(ledger, orgs=[org(i) for i in range(1, rows + 1)])
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    importer = subprocess.Popen(_cli("--db", str(registry), "import", str(ledger)), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marker = sqlite_support.busy_marker_path(registry)
    deadline = time.monotonic() + 300
    while not marker.exists() and importer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists(), "the import never started writing"
    waits, overlapped = [], 0
    for day in range(1, 4):
        started = time.monotonic()
        proc = subprocess.run(_cli("--db", str(registry), "calendar", "holiday",
                                   f"2031-05-0{day}", f"2031-05-0{day}", "--note", f"n{day}"),
                              env=env, capture_output=True, text=True, timeout=300, check=False)
        waits.append(time.monotonic() - started)
        assert proc.returncode == 0, proc.stderr
        assert "unexpected" not in proc.stderr.lower()
        overlapped += marker.exists()
    out, err = importer.communicate(timeout=600)
    assert importer.returncode == 0, err
    assert overlapped >= 1, "the writes did not overlap the import (make it longer)"
    assert max(waits) < sqlite_support.WRITE_WAIT_S
    assert _count(registry, "select count(*) from organization") == rows
    assert _count(registry, "select count(*) from calendar_override") == 3
    assert _count(registry,
                  "select count(*) from audit_event where action = 'ledger.import'") == parts
    # the same file again writes nothing; the chain verifies
    events = _count(registry, "select count(*) from audit_event")
    assert cli.main(["--db", str(registry), "import", str(ledger)]) == 0
    assert _count(registry, "select count(*) from audit_event") == events
    assert cli.main(["--db", str(registry), "audit", "verify"]) == 0
    assert not marker.exists()


def test_a_waiting_writer_says_so_and_goes_on_when_the_registry_is_free(registry):
    holder = sqlite3.connect(registry, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    marker = sqlite_support.busy_marker_path(registry)
    marker.write_text("import 1\n", encoding="utf-8")
    proc = subprocess.Popen(_cli("--db", str(registry), "calendar", "holiday", "2031-06-01",
                                 "2031-06-01", "--note", "wait"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first_line: list[str] = []
    reader = threading.Thread(target=lambda: first_line.append(proc.stderr.readline()))
    reader.start()
    reader.join(timeout=120)
    try:
        assert first_line and "an import is running, retrying" in first_line[0]
        assert proc.poll() is None  # still waiting, nothing lost
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        marker.unlink()
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert _count(registry, "select count(*) from calendar_override") == 1


def test_after_the_bound_the_writer_gets_one_plain_line(registry, monkeypatch, capsys):
    monkeypatch.setattr(sqlite_support, "WRITE_WAIT_S", 0.5)
    monkeypatch.setattr(sqlite_support, "FIRST_WAIT_MS", 100)
    monkeypatch.setattr(sqlite_support, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(registry, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = cli.main(["--lang", "en", "--db", str(registry), "calendar", "holiday",
                         "2031-07-01", "2031-07-01", "--note", "late"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert code == 2
    assert "another user is saving, retrying" in err  # told while waiting
    assert "registry is busy" in err and "unexpected" not in err.lower()
    assert _count(registry, "select count(*) from calendar_override") == 0


def test_sign_in_does_not_wait_for_the_write_lock(make_ctx, db):
    import time as _time

    from mca_tui.domain.enums import Role
    from mca_tui.services import users
    from mca_tui.storage.models import AuditEvent

    admin = make_ctx("admin1", Role.ADMIN)
    users.add_user(admin, "clerk9", "窗口九", "correct-horse-battery-9", [Role.CLERK])
    holder = sqlite3.connect(db.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # e.g. an import holding the write lock
    try:
        started = _time.monotonic()
        actor = users.authenticate(admin, "clerk9", "correct-horse-battery-9")
        assert actor.name == "clerk9"
        assert _time.monotonic() - started < sqlite_support.FIRST_WAIT_MS / 1000
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # the sign-in is recorded as soon as the registry is free
    deadline = _time.monotonic() + 30
    while _time.monotonic() < deadline:
        with db.read() as s:
            from sqlmodel import select

            if s.exec(select(AuditEvent).where(AuditEvent.action == "user.sign_in")).first():
                break
        _time.sleep(0.05)
    else:
        pytest.fail("the sign-in was never recorded")


def test_two_processes_starting_on_an_old_schema_registry_both_succeed(tmp_path, settings):
    import json

    from alembic import command

    from mca_tui.storage.engine import Database
    from mca_tui.storage.migrate import alembic_config, current_revision, head_revision

    path = tmp_path / "old.db"
    db = Database.open(path)
    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn.execution_options(mca_write=True)
        command.downgrade(cfg, "0008_search_code_grams")
        conn.commit()
    assert current_revision(db) == "0008_search_code_grams"
    db.dispose()
    start = tmp_path / "start"
    args = {"db": str(path), "documents_dir": settings.documents_dir, "first_start": True,
            "start_file": str(start)}
    procs = [subprocess.Popen([sys.executable, "-m", "tests.storage.concurrent_worker",
                               json.dumps(args)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    start.touch()
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-3000:]
    db = Database.open(path, upgrade=False)
    try:
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()
    assert cli.main(["--db", str(path), "audit", "verify"]) == 0
