"""Automatic daily backups (issue 13): the app's first start of a day writes
``<folder>/<registry name>-YYYY-MM-DD.db`` with the SQLite backup API (temporary name,
check, rename: ``sqlite.backup``) and keeps only the newest ``keep`` of them."""

from __future__ import annotations

import logging
import re
import time
from datetime import date
from pathlib import Path

from mca_tui.storage.engine import Database

log = logging.getLogger(__name__)


def daily_backup(db: Database, folder: Path, keep: int, today: date) -> Path | None:
    """Today's backup of ``db`` in ``folder`` (written if missing), the older ones beyond
    ``keep`` removed; None when there is nothing to do (keep 0, not SQLite, read-only)."""
    path = db.path
    if keep <= 0 or not db.is_sqlite or path is None or db.read_only:
        return None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / f"{path.stem}-{today:%Y-%m-%d}.db"
    if not target.exists():
        db.backup(target)
        log.info("daily backup written: %s", target)
    pattern = re.compile(re.escape(path.stem) + r"-\d{4}-\d{2}-\d{2}\.db")
    dated = sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))
    for old in dated[:-keep]:
        old.unlink()
        log.info("daily backup removed (keeping %d): %s", keep, old)
    # what a backup killed half-way left under its temporary name (sqlite.backup)
    stale = time.time() - 86_400
    for part in folder.glob(f".{path.stem}-*.db.part-*"):
        try:
            if part.stat().st_mtime < stale:
                part.unlink()
        except OSError:
            pass
    return target
