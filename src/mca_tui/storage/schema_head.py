"""Is the registry already at the newest schema? Answered without importing Alembic.

Opening a registry checks its schema revision before anything else; importing Alembic
and reading its script directory for that costs more than half a second at every start
(issue 12, "database ready"). The head is found by reading the ``revision`` and
``down_revision`` lines of the migration files (the one revision nobody revises), and
compared with ``alembic_version``; only when they differ (or anything is unusual) does the
caller run the Alembic upgrade.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, text

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_LINE = re.compile(r"^(revision|down_revision)\s*=\s*['\"]?([^'\"\s]*)['\"]?\s*$", re.M)


@lru_cache(maxsize=1)
def head() -> str | None:
    """The single head revision, or None if it cannot be told from the files (several
    heads, tuples of down revisions, ...): then Alembic decides."""
    revisions, revised = set(), set()
    for path in VERSIONS.glob("*.py"):
        found = dict(_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        down = found.get("down_revision", "None")
        if down not in ("None", ""):
            revised.add(down)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """True when the database's revision is the head (False on any doubt)."""
    want = head()
    if want is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception:  # noqa: BLE001 - no table yet, another schema: Alembic decides
        return False
    return [r[0] for r in rows] == [want]
