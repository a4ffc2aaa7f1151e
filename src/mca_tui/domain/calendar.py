"""The working-day calendar (工作日历) and the deadline value object.

Day-counting rules (domain.md §10.8):
- the day a period starts is not counted;
- a period counted in days, months or years that ends on a rest day (weekend or statutory
  holiday) runs to the next working day (民事诉讼法 Art 85);
- "2/3/5/7 days" in the 行政处罚法 and the 5 days of 行政许可法 Art 32 are working days
  (行政处罚法 Art 85, 行政许可法 Art 82); the first working day after the start is day 1.

Statutory holidays and make-up working days (调休) come from ``chinese_calendar``, which knows
only 2004-2026. For any other year the calendar falls back to "weekends are rest days"
unless an administrator entered an override for the date; every deadline that consulted such
a guess is flagged ``provisional``. An administrator who has entered a whole year's holidays
and make-up days declares the year complete, and its deadlines stop being provisional.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

from mca_tui.i18n import t

Unit = Literal["days", "working_days", "months", "years"]

LIBRARY_FIRST_YEAR = 2004  # chinese_calendar has no data before this year
_ONE_DAY = timedelta(days=1)


def add_months(start: date, n: int) -> date:
    """The corresponding day ``n`` months after ``start``; a missing day is clamped to the
    month's last day (民法典 Art 202: 没有对应日的，月末日为最后一日)."""
    index = start.year * 12 + start.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    day = min(start.day, _stdcal.monthrange(year, month)[1])
    return date(year, month, day)


def add_years(start: date, n: int) -> date:
    """The corresponding day ``n`` years after ``start`` (29 Feb -> 28 Feb)."""
    return add_months(start, 12 * n)


def shift(start: date, n: int, unit: Unit) -> date:
    """Nominal end of a calendar period (no rolling); ``working_days`` is not a calendar
    unit and is refused."""
    if unit == "days":
        return start + timedelta(days=n)
    if unit == "months":
        return add_months(start, n)
    if unit == "years":
        return add_years(start, n)
    raise ValueError(f"not a calendar unit: {unit!r}")


@dataclass(frozen=True)
class Deadline:
    """A legal clock: ``due`` is the last day on which the act is still on time.

    ``rule`` is an i18n key (formatted with ``n=amount``) and ``article`` the legal source.
    ``provisional`` is True when any date consulted to compute ``due`` lies in a year whose
    holidays the calendar does not know (``unknown_years`` lists them). ``rolled_from`` is
    the nominal end when it fell on a rest day and was moved to the next working day.
    """

    start: date
    due: date
    rule: str
    article: str
    unit: Unit
    amount: int
    provisional: bool = False
    rolled_from: date | None = None
    unknown_years: tuple[int, ...] = ()

    def days_left(self, today: date) -> int:
        """Calendar days until ``due``; 0 on the day itself, negative when overdue."""
        return (self.due - today).days

    def working_days_left(self, today: date, cal: WorkingCalendar) -> int:
        """Working days after ``today`` up to and including ``due`` (negative if overdue)."""
        return cal.working_days_between(today, self.due)

    def is_overdue(self, today: date) -> bool:
        return today > self.due

    def rule_text(self, lang: str | None = None) -> str:
        """The rule's name, e.g. "60日内作出登记决定"."""
        return t(self.rule, lang, n=self.amount)

    def describe(self, today: date, lang: str | None = None) -> str:
        """Short status such as "剩 12 天", "今日到期" or "逾期 3 天", plus a provisional note."""
        left = self.days_left(today)
        if left == 0:
            text = t("clock.describe.today", lang)
        elif left > 0:
            key = "clock.describe.left_one" if left == 1 else "clock.describe.left"
            text = t(key, lang, n=left)
        else:
            key = "clock.describe.overdue_one" if left == -1 else "clock.describe.overdue"
            text = t(key, lang, n=-left)
        if self.provisional:
            text += self.provisional_note(lang)
        return text

    def provisional_note(self, lang: str | None = None) -> str:
        """The note, e.g. "（暂定：2027年节假日未录入）", when provisional; else ""."""
        if not self.provisional:
            return ""
        if not self.unknown_years:
            return t("clock.describe.provisional", lang)
        sep = t("clock.describe.year_separator", lang)
        years = sep.join(str(y) for y in self.unknown_years)
        return t("clock.describe.provisional_years", lang, years=years)


class WorkingCalendar:
    """Working days of mainland China: administrator overrides, then ``chinese_calendar``,
    then (for years the library does not know) weekends only.

    ``overrides`` maps a date to True (working day, e.g. a 调休 make-up Saturday) or False
    (holiday). ``complete_years`` are years whose holidays and make-up days were entered in
    full as overrides, so the weekend fallback is exact for their other days.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        complete_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._complete = frozenset(complete_years)
        self._library_years: dict[int, bool] = {}
        self._fallback_used: set[int] = set()
        self._library_days: dict[date, bool] = {}

    # -- what the calendar knows ------------------------------------------------------

    @property
    def overrides(self) -> Mapping[date, bool]:
        return dict(self._overrides)

    @property
    def complete_years(self) -> frozenset[int]:
        return self._complete

    @property
    def fallback_years(self) -> frozenset[int]:
        """Years for which a day was answered by the weekends-only guess."""
        return frozenset(self._fallback_used)

    def library_knows(self, year: int) -> bool:
        """True if ``chinese_calendar`` has holiday data for ``year``."""
        known = self._library_years.get(year)
        if known is None:
            known = year >= LIBRARY_FIRST_YEAR
            if known:
                try:
                    chinese_calendar.is_workday(date(year, 1, 1))
                except NotImplementedError:
                    known = False
            self._library_years[year] = known
        return known

    def knows(self, day_or_year: date | int) -> bool:
        """True if the holidays of that year are known: from the library, or declared
        complete by an administrator."""
        year = day_or_year.year if isinstance(day_or_year, date) else int(day_or_year)
        return year in self._complete or self.library_knows(year)

    def is_certain(self, day: date) -> bool:
        """True if the answer for ``day`` is not a guess (override or known year)."""
        return day in self._overrides or self.knows(day.year)

    def unknown_years(self, first: date, last: date) -> tuple[int, ...]:
        """Years with at least one uncertain date in ``[first, last]`` (either order)."""
        if last < first:
            first, last = last, first
        out = []
        for year in range(first.year, last.year + 1):
            if self.knows(year):
                continue
            day = max(first, date(year, 1, 1))
            end = min(last, date(year, 12, 31))
            while day <= end:
                if day not in self._overrides:
                    out.append(year)
                    break
                day += _ONE_DAY
        return tuple(out)

    def span_known(self, first: date, last: date) -> bool:
        """True if every date in ``[first, last]`` is certain."""
        return not self.unknown_years(first, last)

    # -- single days -------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        override = self._overrides.get(day)
        if override is not None:
            return override
        if self.library_knows(day.year):
            # the library validates each date against its tables (slow): keep its
            # answers, which never change for this calendar (overrides come first)
            known = self._library_days.get(day)
            if known is None:
                known = self._library_days[day] = bool(chinese_calendar.is_workday(day))
            return known
        self._fallback_used.add(day.year)
        return day.weekday() < 5

    def is_holiday(self, day: date) -> bool:
        """A rest day: weekend or statutory holiday (the library's meaning of holiday)."""
        return not self.is_working_day(day)

    def roll_forward(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next working day."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    # -- periods -----------------------------------------------------------------------

    def add_days(self, start: date, n: int, roll: bool = True) -> date:
        """``n`` calendar days after ``start``, rolled to a working day if ``roll``."""
        end = start + timedelta(days=n)
        return self.roll_forward(end) if roll else end

    def add_months(self, start: date, n: int, roll: bool = True) -> date:
        end = add_months(start, n)
        return self.roll_forward(end) if roll else end

    def add_years(self, start: date, n: int, roll: bool = True) -> date:
        end = add_years(start, n)
        return self.roll_forward(end) if roll else end

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (the start day is not counted)."""
        if n < 0:
            return self.subtract_working_days(start, -n)
        day = start
        while n > 0:
            day += _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def subtract_working_days(self, end: date, n: int) -> date:
        """The ``n``-th working day before ``end`` (``end`` is not counted), so that
        ``add_working_days(result, n) == end`` when ``end`` is a working day."""
        if n < 0:
            return self.add_working_days(end, -n)
        day = end
        while n > 0:
            day -= _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days ``d`` with ``a < d <= b``; negative (``-count(b, a)``) if ``b < a``."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a + _ONE_DAY
        while day <= b:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count

    # -- deadlines ---------------------------------------------------------------------

    def deadline(
        self,
        start: date,
        amount: int,
        unit: Unit,
        *,
        rule: str,
        article: str,
        roll: bool = True,
        backwards: bool = False,
    ) -> Deadline:
        """Build a :class:`Deadline`, recording rolling and whether it is provisional.

        ``backwards`` (working days only) counts ``amount`` working days before ``start``:
        the result is the last day an act may be done ahead of ``start``.
        """
        rolled_from: date | None = None
        consulted: tuple[date, date] | None = None
        if unit == "working_days":
            if backwards:
                due = self.subtract_working_days(start, amount)
                if amount:
                    consulted = (due, start - _ONE_DAY)
            else:
                due = self.add_working_days(start, amount)
                if amount:
                    consulted = (start + _ONE_DAY, due)
        else:
            if backwards:
                raise ValueError("backwards counting is for working days only")
            nominal = shift(start, amount, unit)
            due = self.roll_forward(nominal) if roll else nominal
            if roll:
                consulted = (nominal, due)
                if due != nominal:
                    rolled_from = nominal
        unknown = self.unknown_years(*consulted) if consulted else ()
        return Deadline(
            start=start,
            due=due,
            rule=rule,
            article=article,
            unit=unit,
            amount=amount,
            provisional=bool(unknown),
            rolled_from=rolled_from,
            unknown_years=unknown,
        )
