"""Administration of the working-day calendar: holidays and make-up working days (调休)
that the State Council publishes each year, entered by an administrator for the years
the calendar library does not know yet (domain.md §10.8).

A changed working day moves the deadlines the dormancy summary was computed with (report
deadlines rolled to the next working day): every summary is recomputed under the new
calendar in the same unit (``_recompute_dormancy``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from mca_tui.domain.enums import Role
from mca_tui.domain.text import normalize_text
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import CalendarOverride, CalendarYear, utcnow


@dataclass(frozen=True)
class OverrideInfo:
    day: date
    working: bool
    note: str


def _recompute_dormancy(unit: Unit, ctx: ServiceContext) -> None:
    """Rewrite every dormancy summary under the calendar as this unit leaves it (the
    context's calendar is replaced for the unit and dropped afterwards by
    ``refresh_calendar``, whether the unit commits or not)."""
    from mca_tui.domain.calendar import WorkingCalendar
    from mca_tui.services import dormancy
    from mca_tui.storage.models_summary import DormancySummaryRow

    s = unit.session
    s.flush()
    overrides = {o.day: o.working for o in s.exec(select(CalendarOverride))}
    years = set(s.exec(select(CalendarYear.year)).all())
    ctx.__dict__["calendar"] = WorkingCalendar(overrides, complete_years=years)
    try:
        dormancy.refresh_many(unit, ctx, s.exec(select(DormancySummaryRow.organization_id)).all())
    except BaseException:
        ctx.refresh_calendar()
        raise


def set_day(ctx: ServiceContext, day: date, working: bool, note: str = "") -> None:
    """Declare ``day`` a holiday (working=False) or a make-up working day (True)."""
    ctx.require(Role.ADMIN)
    note = normalize_text(note)
    with ctx.unit("calendar.set_day",
                  subject=Subject("calendar_override", day.isoformat())) as unit:
        row = unit.session.get(CalendarOverride, day)
        before = {"working": row.working, "note": row.note} if row else None
        if row is None:
            row = CalendarOverride(day=day, working=working, note=note)
        else:
            row.working, row.note, row.updated_at = working, note, utcnow()
        unit.session.add(row)
        unit.record("calendar_override", day.isoformat(), before,
                    {"working": working, "note": note})
        _recompute_dormancy(unit, ctx)
    ctx.refresh_calendar()


def clear_day(ctx: ServiceContext, day: date) -> bool:
    ctx.require(Role.ADMIN)
    with ctx.unit("calendar.clear_day",
                  subject=Subject("calendar_override", day.isoformat())) as unit:
        row = unit.session.get(CalendarOverride, day)
        if row is None:
            unit.note = "no override"
            return False
        unit.record("calendar_override", day.isoformat(),
                    {"working": row.working, "note": row.note}, None)
        unit.session.delete(row)
        _recompute_dormancy(unit, ctx)
    ctx.refresh_calendar()
    return True


def mark_year_complete(ctx: ServiceContext, year: int, complete: bool = True) -> None:
    """Declare that all of ``year``'s holidays are entered: its deadlines stop being
    provisional."""
    ctx.require(Role.ADMIN)
    with ctx.unit("calendar.year_complete" if complete else "calendar.year_incomplete",
                  subject=Subject("calendar_year", str(year))) as unit:
        row = unit.session.get(CalendarYear, year)
        if complete and row is None:
            unit.session.add(CalendarYear(year=year))
        elif not complete and row is not None:
            unit.session.delete(row)
        unit.record("calendar_year", str(year), {"complete": row is not None},
                    {"complete": complete})
    ctx.refresh_calendar()


def list_overrides(ctx: ServiceContext, year: int | None = None) -> list[OverrideInfo]:
    with ctx.db.read() as s:
        q = select(CalendarOverride).order_by(col(CalendarOverride.day))
        if year is not None:
            q = q.where(CalendarOverride.day >= date(year, 1, 1),
                        CalendarOverride.day <= date(year, 12, 31))
        return [OverrideInfo(o.day, o.working, o.note) for o in s.exec(q)]


def complete_years(ctx: ServiceContext) -> list[int]:
    with ctx.db.read() as s:
        return sorted(s.exec(select(CalendarYear.year)).all())
