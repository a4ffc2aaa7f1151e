"""Benchmark: one clerk edit (update an organization + its audit event) as one
BEGIN IMMEDIATE transaction, and `audit verify` over the resulting chain.

    python bench/bench_write.py [N_EDITS]      (default 2000)

Prints p50/p95 commit latency and verify throughput, and the cost of durable commits:
the same edits with the registry's ``synchronous=FULL`` (each WAL commit is fsynced, so a
commit survives power loss) beside ``synchronous=NORMAL`` (survives a process crash only).
The database is on the disk of the working tree (not a RAM /tmp, where fsync is free).
Not part of the test run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from mca_tui.config import Settings
from mca_tui.domain import permissions
from mca_tui.domain.enums import OrgType, Role
from mca_tui.services.context import cli_context
from mca_tui.services.organizations import insert_organization, update_organization
from mca_tui.storage.audit import Subject, verify_chains
from mca_tui.storage.engine import Database

# The benchmark's own action names (ServiceContext.unit refuses undeclared actions).
for _action in ("bench.seed", "org.change"):
    permissions.declare(_action, Role)


def _synchronous(db: Database, mode: str) -> None:
    """Override the engine's synchronous pragma (the comparison run only)."""
    from sqlalchemy import event

    @event.listens_for(db.engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        dbapi_conn.execute(f"PRAGMA synchronous={mode}")

    db.engine.dispose()


def edits(n: int, synchronous: str, *, report: bool) -> list[float]:
    folder = Path(__file__).resolve().parent / "out"
    folder.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        db = Database.open(Path(tmp) / "bench.db")
        if synchronous != "FULL":
            _synchronous(db, synchronous)
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == (
                2 if synchronous == "FULL" else 1)
        ctx = cli_context(db, Settings(documents_dir=tmp))
        ids = []
        with ctx.unit("bench.seed", subject=Subject("bench", None)) as unit:
            for i in range(200):
                org = insert_organization(unit, office_id=ctx.actor.office_id,
                                          org_type=OrgType.SOCIAL_GROUP,
                                          name=f"厦门市海沧区测试协会{i}")
                ids.append(org.id)
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            org_id = ids[i % len(ids)]
            with ctx.unit("org.change", subject=Subject("organization", org_id)) as unit:
                update_organization(unit, ids[i % len(ids)], {"domicile": f"海沧大道{i}号"})
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(f"synchronous={synchronous}: edits {n}  commit+audit "
              f"p50 {statistics.median(times):.2f} ms  "
              f"p95 {times[int(len(times) * 0.95)]:.2f} ms  max {times[-1]:.2f} ms")
        if report:
            t0 = time.perf_counter()
            with db.read() as s:
                result = verify_chains(s)
            verify_s = time.perf_counter() - t0
            print(f"audit verify: {result.events} events in {verify_s:.2f} s "
                  f"({result.events / verify_s:,.0f} events/s), ok={result.ok}")
        db.dispose()
        return times


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    full = edits(n, "FULL", report=True)
    normal = edits(n, "NORMAL", report=False)
    cost = statistics.median(full) - statistics.median(normal)
    print(f"durable commits (synchronous=FULL, the registry's setting) cost {cost:+.2f} ms "
          f"per write at the median ({statistics.median(full):.2f} against "
          f"{statistics.median(normal):.2f} ms with NORMAL)")


if __name__ == "__main__":
    main()
