"""Bytes per organization of every table and index of a registry file (SQLite ``dbstat``).

``python bench/bench_size.py FILE [OTHER]`` prints the file size and the pages of each
table and index per organization, largest first (only those of at least 1 byte per
organization); with OTHER, the two side by side and the difference (OTHER - FILE), e.g. a
copy before and after a migration. Read only: run it on a COPY of a file in
``bench/out`` (a migrated file keeps the pages it freed until ``VACUUM``: compare
vacuumed copies, ``sqlite3 COPY VACUUM``). Not a test: it prints figures.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def sizes(path: Path) -> tuple[int, int, dict[str, float]]:
    """(organizations, file bytes, {table or index: bytes per organization})."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        n = max(1, conn.execute("SELECT count(*) FROM organization").fetchone()[0])
        pages = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
        size = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute(
            "PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    return n, size, {name: total / n for name, total in pages.items()}


def main() -> int:
    if not 2 <= len(sys.argv) <= 3:
        print(__doc__)
        return 2
    first = sizes(Path(sys.argv[1]))
    second = sizes(Path(sys.argv[2])) if len(sys.argv) == 3 else None
    n, size, per = first
    print(f"{sys.argv[1]}: {n:,} organizations, {size:,} bytes, {size / n:,.0f} B/org "
          f"(pages in use {sum(per.values()):,.0f} B/org)")
    if second is None:
        for name, value in sorted(per.items(), key=lambda kv: -kv[1]):
            if value >= 1:
                print(f"  {name:<48} {value:9.1f}")
        return 0
    n2, size2, per2 = second
    print(f"{sys.argv[2]}: {n2:,} organizations, {size2:,} bytes, {size2 / n2:,.0f} B/org "
          f"(pages in use {sum(per2.values()):,.0f} B/org)")
    for name in sorted(set(per) | set(per2), key=lambda k: -max(per.get(k, 0), per2.get(k, 0))):
        a, b = per.get(name, 0.0), per2.get(name, 0.0)
        if max(a, b) >= 1:
            print(f"  {name:<48} {a:9.1f} {b:9.1f} {b - a:+9.1f}")
    print(f"  {'total (pages in use)':<48} {sum(per.values()):9.1f} {sum(per2.values()):9.1f} "
          f"{sum(per2.values()) - sum(per.values()):+9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
