"""Working-day calendar: library data, make-up days, overrides, the unknown-year fallback,
period arithmetic and the Deadline value object."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from mca_tui.domain.calendar import Deadline, WorkingCalendar, add_months, add_years

D = date.fromisoformat


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# -- library facts the other tests rely on (checked, not assumed) ----------------------


def test_library_facts_spring_festival_2024():
    for day in ("2024-02-10", "2024-02-13", "2024-02-17"):
        assert chinese_calendar.is_holiday(D(day))
    # make-up working Sundays around the holiday
    for day in ("2024-02-04", "2024-02-18"):
        assert D(day).weekday() == 6
        assert chinese_calendar.is_workday(D(day))


def test_library_facts_national_day():
    for day in ("2024-10-01", "2024-10-07", "2025-10-01", "2025-10-08"):
        assert chinese_calendar.is_holiday(D(day))
    assert chinese_calendar.is_workday(D("2024-10-08"))
    assert chinese_calendar.is_workday(D("2025-09-28"))  # Sunday
    assert chinese_calendar.is_workday(D("2025-10-11"))  # Saturday
    assert D("2025-10-11").weekday() == 5
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D("2027-01-04"))


# -- single days ---------------------------------------------------------------------


def test_make_up_weekend_days_are_working_days(cal):
    assert cal.is_working_day(D("2024-02-04"))  # Sunday
    assert cal.is_working_day(D("2024-02-18"))  # Sunday
    assert cal.is_working_day(D("2025-09-28"))  # Sunday
    assert cal.is_working_day(D("2025-10-11"))  # Saturday
    assert not cal.is_holiday(D("2025-10-11"))


def test_holidays_and_weekends_are_rest_days(cal):
    assert not cal.is_working_day(D("2024-02-12"))  # Monday in Spring Festival
    assert cal.is_holiday(D("2024-10-01"))
    assert cal.is_holiday(D("2024-03-09"))  # plain Saturday
    assert cal.is_working_day(D("2024-03-11"))  # plain Monday


def test_knows_library_years_only(cal):
    assert cal.knows(2004)
    assert cal.knows(2026)
    assert cal.knows(D("2026-12-31"))
    assert not cal.knows(2027)
    assert not cal.knows(2003)
    assert cal.library_knows(2025)
    assert not cal.library_knows(1999)


def test_unknown_year_falls_back_to_weekends_and_remembers(cal):
    assert cal.fallback_years == frozenset()
    assert cal.is_working_day(D("2027-01-01"))  # Friday, guessed
    assert not cal.is_working_day(D("2027-01-02"))  # Saturday
    assert cal.is_working_day(D("2003-12-31"))  # Wednesday, before the library's data
    assert cal.fallback_years == {2027, 2003}


def test_overrides_take_precedence_over_library_and_fallback():
    cal = WorkingCalendar({D("2024-10-08"): False, D("2024-10-05"): True, D("2027-01-01"): False})
    assert not cal.is_working_day(D("2024-10-08"))
    assert cal.is_working_day(D("2024-10-05"))
    assert not cal.is_working_day(D("2027-01-01"))
    assert cal.fallback_years == frozenset()


def test_complete_years_make_a_year_known():
    cal = WorkingCalendar({D("2027-01-01"): False}, complete_years={2027})
    assert cal.knows(2027)
    assert not cal.library_knows(2027)
    assert cal.span_known(D("2026-12-01"), D("2027-03-01"))


def test_span_known_and_unknown_years(cal):
    assert cal.span_known(D("2024-01-01"), D("2026-12-31"))
    assert not cal.span_known(D("2026-12-31"), D("2027-01-01"))
    assert cal.unknown_years(D("2026-06-01"), D("2028-02-01")) == (2027, 2028)
    # reversed arguments are accepted
    assert cal.unknown_years(D("2028-02-01"), D("2026-06-01")) == (2027, 2028)


def test_span_fully_overridden_is_known():
    overrides = {D("2027-01-01"): False, D("2027-01-02"): False, D("2027-01-03"): False}
    cal = WorkingCalendar(overrides)
    assert cal.span_known(D("2027-01-01"), D("2027-01-03"))
    assert not cal.span_known(D("2027-01-01"), D("2027-01-04"))


# -- calendar arithmetic -------------------------------------------------------------


def test_add_months_clamps_to_month_end():
    assert add_months(D("2024-01-31"), 1) == D("2024-02-29")
    assert add_months(D("2025-01-31"), 1) == D("2025-02-28")
    assert add_months(D("2024-08-31"), 6) == D("2025-02-28")
    assert add_months(D("2024-11-15"), 3) == D("2025-02-15")
    assert add_months(D("2024-03-31"), -1) == D("2024-02-29")


def test_add_years_leap_day():
    assert add_years(D("2024-02-29"), 1) == D("2025-02-28")
    assert add_years(D("2024-02-29"), 4) == D("2028-02-29")


def test_add_days_rolls_off_national_day(cal):
    assert cal.add_days(D("2024-09-30"), 1) == D("2024-10-08")
    assert cal.add_days(D("2024-09-30"), 1, roll=False) == D("2024-10-01")


def test_add_days_ending_on_working_day_does_not_move(cal):
    assert cal.add_days(D("2024-03-01"), 60) == D("2024-04-30")
    # a make-up Sunday is a working day: no roll
    assert D("2024-04-28").weekday() == 6
    assert cal.add_days(D("2024-04-18"), 10) == D("2024-04-28")


def test_add_months_and_years_roll(cal):
    # 2024-08-31 + 1 month = 2024-09-30 (Monday, working)
    assert cal.add_months(D("2024-08-31"), 1) == D("2024-09-30")
    # 2024-09-01 + 1 month = 2024-10-01 (holiday) -> 2024-10-08
    assert cal.add_months(D("2024-09-01"), 1) == D("2024-10-08")
    assert cal.add_months(D("2024-09-01"), 1, roll=False) == D("2024-10-01")
    # 2023-10-01 + 1 year = 2024-10-01 -> 2024-10-08
    assert cal.add_years(D("2023-10-01"), 1) == D("2024-10-08")
    assert cal.add_years(D("2023-10-01"), 1, roll=False) == D("2024-10-01")


def test_add_working_days_across_spring_festival_2024(cal):
    # start day not counted: Fri 9 Feb, then holiday 10-17 Feb, Sun 18 Feb is a working day
    assert cal.add_working_days(D("2024-02-08"), 1) == D("2024-02-09")
    assert cal.add_working_days(D("2024-02-08"), 2) == D("2024-02-18")
    assert cal.add_working_days(D("2024-02-08"), 3) == D("2024-02-19")
    # starting on the make-up Sunday 4 Feb does not count it
    assert cal.add_working_days(D("2024-02-04"), 1) == D("2024-02-05")
    assert cal.add_working_days(D("2024-02-03"), 1) == D("2024-02-04")


def test_add_working_days_across_national_day_2025(cal):
    # Sun 28 Sep (make-up), 29, 30, Thu 9 Oct, Fri 10 Oct
    assert cal.add_working_days(D("2025-09-26"), 5) == D("2025-10-10")
    # Sat 11 Oct is a make-up working day
    assert cal.add_working_days(D("2025-09-30"), 3) == D("2025-10-11")
    assert cal.add_working_days(D("2025-09-30"), 4) == D("2025-10-13")


def test_add_zero_working_days_is_the_start(cal):
    assert cal.add_working_days(D("2024-10-01"), 0) == D("2024-10-01")


def test_subtract_working_days_across_weekend(cal):
    # 7 working days before Mon 18 Mar 2024: 15, 14, 13, 12, 11, 8, 7
    assert cal.subtract_working_days(D("2024-03-18"), 7) == D("2024-03-07")
    assert cal.subtract_working_days(D("2024-03-18"), 1) == D("2024-03-15")
    # across Spring Festival 2024: before Mon 19 Feb come Sun 18 Feb, then Fri 9 Feb
    assert cal.subtract_working_days(D("2024-02-19"), 2) == D("2024-02-09")
    assert cal.add_working_days(D("2024-03-07"), 7) == D("2024-03-18")


def test_working_days_between_spring_festival_2024(cal):
    # (2 Feb, 23 Feb]: Sun 4, 5-9, Sun 18, 19-23 -> 1 + 5 + 1 + 5
    assert cal.working_days_between(D("2024-02-02"), D("2024-02-23")) == 12
    expected = sum(
        1
        for d in chinese_calendar.get_dates(D("2024-02-03"), D("2024-02-23"))
        if chinese_calendar.is_workday(d)
    )
    assert expected == 12
    assert cal.working_days_between(D("2024-02-23"), D("2024-02-02")) == -12
    assert cal.working_days_between(D("2024-02-10"), D("2024-02-10")) == 0


def test_working_days_between_national_day_2025(cal):
    # (26 Sep, 17 Oct]: Sun 28, 29, 30, 9, 10, Sat 11, 13-17 -> 11
    assert cal.working_days_between(D("2025-09-26"), D("2025-10-17")) == 11


def test_working_days_roundtrip(cal):
    start = D("2024-09-27")
    for n in range(0, 30):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


# -- Deadline --------------------------------------------------------------------------


def test_deadline_builder_records_roll(cal):
    dl = cal.deadline(D("2024-07-03"), 90, "days", rule="clock.penalty_decision", article="x")
    assert dl.due == D("2024-10-08")
    assert dl.rolled_from == D("2024-10-01")
    assert not dl.provisional
    plain = cal.deadline(D("2024-03-01"), 60, "days", rule="clock.decision", article="x")
    assert plain.due == D("2024-04-30")
    assert plain.rolled_from is None


def test_deadline_in_2027_is_provisional(cal):
    dl = cal.deadline(D("2026-12-28"), 5, "working_days", rule="r", article="a")
    # 29, 30, 31 Dec 2026, then Fri 1 Jan and Mon 4 Jan 2027 by the weekend guess
    assert dl.due == D("2027-01-04")
    assert dl.provisional
    assert dl.unknown_years == (2027,)


def test_deadline_without_roll_does_not_consult_calendar(cal):
    dl = cal.deadline(D("2026-06-01"), 1, "years", rule="r", article="a", roll=False)
    assert dl.due == D("2027-06-01")
    assert not dl.provisional


def test_backwards_needs_working_days(cal):
    with pytest.raises(ValueError):
        cal.deadline(D("2024-03-18"), 7, "days", rule="r", article="a", backwards=True)


def _deadline(due: str, provisional: bool = False, years: tuple[int, ...] = ()) -> Deadline:
    return Deadline(
        start=D("2024-03-01"),
        due=D(due),
        rule="clock.penalty_decision",
        article="《中华人民共和国行政处罚法》第六十条",
        unit="days",
        amount=90,
        provisional=provisional,
        unknown_years=years,
    )


def test_days_left_and_overdue():
    dl = _deadline("2024-05-30")
    assert dl.days_left(D("2024-05-18")) == 12
    assert dl.days_left(D("2024-05-30")) == 0
    assert dl.days_left(D("2024-06-02")) == -3
    assert not dl.is_overdue(D("2024-05-30"))
    assert dl.is_overdue(D("2024-05-31"))


def test_working_days_left(cal):
    dl = _deadline("2024-10-08")
    assert dl.working_days_left(D("2024-09-27"), cal) == 3  # Sun 29 Sep, 30 Sep, 8 Oct
    assert dl.working_days_left(D("2024-10-08"), cal) == 0
    assert dl.working_days_left(D("2024-10-10"), cal) == -2


def test_describe_zh():
    dl = _deadline("2024-05-30")
    assert dl.describe(D("2024-05-18"), "zh") == "剩 12 天"
    assert dl.describe(D("2024-05-30"), "zh") == "今日到期"
    assert dl.describe(D("2024-06-02"), "zh") == "逾期 3 天"
    assert dl.describe(D("2024-05-29"), "zh") == "剩 1 天"


def test_describe_en():
    dl = _deadline("2024-05-30")
    assert dl.describe(D("2024-05-18"), "en") == "12 days left"
    assert dl.describe(D("2024-05-29"), "en") == "1 day left"
    assert dl.describe(D("2024-05-31"), "en") == "1 day overdue"
    assert dl.describe(D("2024-05-30"), "en") == "Due today"


def test_describe_provisional():
    dl = _deadline("2027-01-13", provisional=True, years=(2027,))
    assert dl.describe(D("2027-01-01"), "zh") == "剩 12 天（暂定：2027年节假日未录入）"
    assert dl.describe(D("2027-01-01"), "en").endswith(
        "(provisional: holidays for 2027 not entered)"
    )
    two = _deadline("2028-01-13", provisional=True, years=(2027, 2028))
    assert "2027、2028年" in two.describe(D("2028-01-01"), "zh")
    bare = _deadline("2027-01-13", provisional=True)
    assert bare.describe(D("2027-01-13"), "zh") == "今日到期（暂定）"
    assert _deadline("2024-05-30").provisional_note("zh") == ""


def test_rule_text():
    assert _deadline("2024-05-30").rule_text("zh") == "立案之日起90日内作出行政处罚决定"
    assert "90 days" in _deadline("2024-05-30").rule_text("en")
