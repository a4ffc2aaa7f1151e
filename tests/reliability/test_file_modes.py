"""Registry, logs, backups, unmasked exports, receipts and the chain key are created
readable by their owner only (issue 13)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mca_tui import cli
from mca_tui import config as cfg
from mca_tui.storage import anchor

pytestmark = pytest.mark.sqlite_only


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_the_command_line_creates_are_owner_only(tmp_path, monkeypatch, capsys):
    previous = os.umask(0o022)  # a permissive umask, as on many systems
    try:
        db = tmp_path / "new" / "registry.db"
        db.parent.mkdir()
        assert cli.main(["--db", str(db), "init"]) == 0
        assert _mode(db) == 0o600
        for side in (Path(f"{db}-wal"), Path(f"{db}-shm")):
            if side.exists():
                assert _mode(side) == 0o600
        log = cfg.log_dir() / "mca-tui.log"
        assert _mode(log) == 0o600
        assert cli.main(["--db", str(db), "backup", str(tmp_path / "b.db")]) == 0
        assert _mode(tmp_path / "b.db") == 0o600
        assert _mode(anchor.backup_receipt_path(tmp_path / "b.db")) == 0o600
        assert cli.main(["--db", str(db), "export", str(tmp_path / "all.xlsx"),
                         "--unmasked"]) == 0
        assert _mode(tmp_path / "all.xlsx") == 0o600
        receipts = list(anchor.receipts_dir().glob("*.json"))
        assert receipts and all(_mode(r) == 0o600 for r in receipts)
        assert _mode(anchor.receipts_dir()) == 0o700
        assert _mode(anchor.key_path()) == 0o600
        assert os.umask(0o022) == 0o022  # main put the caller's umask back
    finally:
        os.umask(previous)
