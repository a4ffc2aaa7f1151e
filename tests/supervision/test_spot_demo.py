"""The demo's 2022 spot check is written through the services: 30 organizations drawn
from a recorded seed, their results, the plan published; the CLI proves the draw and the
2022 statistics still give the bureau's 30."""

from __future__ import annotations

from sqlmodel import select

from mca_tui import cli, demo
from mca_tui.demo.spot_check import SEED
from mca_tui.reports.stats import year_stats
from mca_tui.services.supervision import spot_checks
from mca_tui.storage.models import SpotCheckPlanRow, SupervisionRecord


def test_demo_spot_check_through_the_services(db, settings, ctx, tmp_path, capsys):
    demo.ensure_demo(db, settings)
    [plan] = spot_checks.list_plans(ctx, 2022)
    assert plan.status == "published" and plan.seed == SEED and len(plan.drawn) == 30
    assert len(plan.results) == 30
    assert all(len(v) == 2 for v in plan.inspectors.values())
    [check] = spot_checks.verify(db)
    assert check.reason is None
    assert year_stats(db, settings, 2022).spot_check == 30
    with db.read() as s:
        rows = s.exec(select(SupervisionRecord).where(
            SupervisionRecord.kind == "spot_check")).all()
        in_2022 = [r for r in rows if r.record_date.year == 2022]
        assert len(in_2022) == 30 and all(r.import_batch_id is None for r in in_2022)
        assert s.exec(select(SpotCheckPlanRow)).one().year == 2022
    demo.ensure_demo(db, settings)  # idempotent
    assert len(spot_checks.list_plans(ctx)) == 1
    assert cli.main(["--db", str(db.path or db.url), "spotcheck", "verify"]) == 0
    assert SEED in capsys.readouterr().out
