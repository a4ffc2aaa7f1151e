"""Benchmark: one clerk edit (update an organization + its audit event) as one
BEGIN IMMEDIATE transaction, and `audit verify` over the resulting chain.

    python bench/bench_write.py [N_EDITS]      (default 2000)

Prints p50/p95 commit latency and verify throughput. Not part of the test run.
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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.db")
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
        t0 = time.perf_counter()
        with db.read() as s:
            result = verify_chains(s)
        verify_s = time.perf_counter() - t0
        print(f"edits: {n}  commit+audit p50 {statistics.median(times):.2f} ms  "
              f"p95 {times[int(len(times) * 0.95)]:.2f} ms  max {times[-1]:.2f} ms")
        print(f"audit verify: {result.events} events in {verify_s:.2f} s "
              f"({result.events / verify_s:,.0f} events/s), ok={result.ok}")
        db.dispose()


if __name__ == "__main__":
    main()
