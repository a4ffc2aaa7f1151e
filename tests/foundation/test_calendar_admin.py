"""Administrator overrides of the working-day calendar, through service and CLI."""

from __future__ import annotations

from datetime import date

import pytest

from mca_tui.cli import main
from mca_tui.domain import clocks
from mca_tui.domain.enums import Role
from mca_tui.services import calendar_admin
from mca_tui.services.errors import PermissionDenied


def test_override_changes_deadlines_and_year_completion_clears_provisional(ctx):
    # 2027 is unknown to the library: weekends only, provisional.
    before = clocks.decision_deadline(date(2026, 12, 2), ctx.calendar)
    assert before.due == date(2027, 2, 1) and before.provisional  # 31 Jan is a Sunday
    calendar_admin.set_day(ctx, date(2027, 2, 1), False, "假设的节日")
    after = clocks.decision_deadline(date(2026, 12, 2), ctx.calendar)
    assert after.due == date(2027, 2, 2) and after.rolled_from == date(2027, 1, 31)
    assert after.provisional
    calendar_admin.mark_year_complete(ctx, 2027)
    final = clocks.decision_deadline(date(2026, 12, 2), ctx.calendar)
    assert final.due == date(2027, 2, 2) and not final.provisional
    assert calendar_admin.list_overrides(ctx, 2027)[0].note == "假设的节日"
    assert calendar_admin.clear_day(ctx, date(2027, 2, 1))
    assert clocks.decision_deadline(date(2026, 12, 2), ctx.calendar).due == date(2027, 2, 1)


def test_make_up_working_day_counts(ctx):
    calendar_admin.set_day(ctx, date(2027, 1, 2), True, "调休")  # a Saturday
    assert ctx.calendar.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 2)


def test_only_admin_edits_the_calendar(make_ctx):
    clerk = make_ctx("c1", Role.CLERK)
    with pytest.raises(PermissionDenied):
        calendar_admin.set_day(clerk, date(2027, 1, 1), False)


def test_calendar_and_backup_commands(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    assert main(["--db", db, "init"]) == 0  # commands never create a registry
    assert main(["--db", db, "calendar", "holiday", "2027-02-06", "2027-02-08", "--note",
                 "春节"]) == 0
    assert "3 天" in capsys.readouterr().out
    assert main(["--db", db, "calendar", "deadline", "2027-02-01", "5"]) == 0
    out = capsys.readouterr().out
    assert "2027-02-09" in out and "暂定" in out
    assert main(["--db", db, "backup", str(tmp_path / "b.db")]) == 0
    assert "校验通过" in capsys.readouterr().out
    assert main(["--db", db, "backup", str(tmp_path / "b.db")]) == 1
