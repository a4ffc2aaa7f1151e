"""Bytes per organization of every table and index of a registry file (SQLite ``dbstat``)
or PostgreSQL database (``pg_relation_size``).

``python bench/bench_size.py FILE|URL [OTHER]`` prints the file (database) size and the
pages of each table and index per organization, largest first (only those of at least 1
byte per organization); with OTHER, the two side by side and the difference (OTHER -
FILE), e.g. a copy before and after a migration, or a SQLite file beside its PostgreSQL
copy. Read only: run it on a COPY of a file in ``bench/out`` (a migrated file keeps the
pages it freed until ``VACUUM``: compare vacuumed copies, ``sqlite3 COPY VACUUM``). On
PostgreSQL a table's TOAST and free-space/visibility maps count with the table (main
fork, ``<table>``; the rest, ``<table> (toast, fsm, vm)``). Not a test: it prints figures.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def sizes(where: str) -> tuple[int, int, dict[str, float]]:
    """(organizations, file bytes, {table or index: bytes per organization})."""
    if where.startswith("postgresql"):
        return _pg_sizes(where)
    path = Path(where)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        n = max(1, conn.execute("SELECT count(*) FROM organization").fetchone()[0])
        pages = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
        size = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute(
            "PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    return n, size, {name: total / n for name, total in pages.items()}


def _pg_sizes(url: str) -> tuple[int, int, dict[str, float]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            n = max(1, conn.execute(text("SELECT count(*) FROM organization")).scalar_one())
            size = conn.execute(text("SELECT pg_database_size(current_database())")
                                ).scalar_one()
            per: dict[str, float] = {}
            for name, kind, main, whole in conn.execute(text(
                    "SELECT c.relname, c.relkind, pg_relation_size(c.oid), "
                    "pg_table_size(c.oid) FROM pg_class c JOIN pg_namespace s "
                    "ON s.oid = c.relnamespace WHERE s.nspname = current_schema() "
                    "AND c.relkind IN ('r', 'i', 'm')")):
                per[name] = main / n
                if kind != "i" and whole > main:
                    per[f"{name} (toast, fsm, vm)"] = (whole - main) / n
    finally:
        engine.dispose()
    return n, size, per


def main() -> int:
    if not 2 <= len(sys.argv) <= 3:
        print(__doc__)
        return 2
    first = sizes(sys.argv[1])
    second = sizes(sys.argv[2]) if len(sys.argv) == 3 else None
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
