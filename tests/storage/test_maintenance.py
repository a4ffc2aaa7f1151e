"""Planner statistics are refreshed after bulk changes (storage.maintenance): a ledger
import writing many rows leaves sqlite_stat1 describing the tables it wrote."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from mca_tui.services import ledger_import
from mca_tui.services.ledger_import import import_ledger
from tests.reports.helpers import ledger, org

pytestmark = pytest.mark.sqlite_only


def _stat_rows(ctx, table: str) -> int:  # noqa: ANN001
    with ctx.db.read() as s:
        try:
            return int(s.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = :t"),
                                 {"t": table}).scalar_one())
        except Exception:  # noqa: BLE001 - no sqlite_stat1 yet
            return 0


def _clear(ctx) -> None:  # noqa: ANN001
    if _stat_rows(ctx, "organization"):
        with ctx.db.write() as s:
            s.execute(text("DELETE FROM sqlite_stat1"))


def test_a_bulk_import_refreshes_the_statistics(ctx, monkeypatch):
    _clear(ctx)
    assert _stat_rows(ctx, "organization") == 0
    monkeypatch.setattr(ledger_import, "BULK_ROWS", 3)
    assert import_ledger(ctx, ledger([org(i) for i in range(1, 4)])).written
    assert _stat_rows(ctx, "organization") > 0
    assert _stat_rows(ctx, "dormancy_summary") > 0


def test_a_small_import_leaves_them(ctx, monkeypatch):
    _clear(ctx)
    assert import_ledger(ctx, ledger([org(1)])).written
    assert _stat_rows(ctx, "organization") == 0
