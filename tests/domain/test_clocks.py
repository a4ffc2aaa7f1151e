"""Legal clocks: each clock's period, rolling, articles, the unknown-year fallback and the
catalog keys. Concrete dates were computed by hand and checked against chinese_calendar."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import chinese_calendar
import pytest

from mca_tui.domain import clocks
from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.enums import OrgType
from mca_tui.domain.params import LegalParams
from mca_tui.i18n import catalog

D = date.fromisoformat


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# -- registration decision -----------------------------------------------------------


def test_decision_60_days_ending_on_working_day(cal):
    dl = clocks.decision_deadline(D("2024-03-01"), cal)
    assert dl.due == D("2024-04-30")
    assert dl.rolled_from is None
    assert (dl.unit, dl.amount, dl.rule) == ("days", 60, "clock.decision")
    assert not dl.provisional


# -- when the decision clock starts (行政许可法 Art 32; domain.md §10.1) ---------------
# Received Mon 4 Mar 2024: the 5 working days for a 补正 notice end Mon 11 Mar.


def test_clock_starts_on_receipt_of_a_complete_file(cal):
    assert clocks.decision_clock_start(D("2024-03-04"), None, D("2024-03-04"), D("2024-03-05"),
                                       cal) == D("2024-03-04")


def test_incomplete_file_waits_for_the_last_material(cal):
    # no notice yet, still within the 5 working days: the clock has not started
    assert clocks.decision_clock_start(D("2024-03-04"), None, None, D("2024-03-11"), cal) is None
    # notice in time (on the last day), completion on 20 March: the clock starts then
    assert clocks.decision_clock_start(D("2024-03-04"), D("2024-03-11"), None, D("2024-03-15"),
                                       cal) is None
    assert clocks.decision_clock_start(D("2024-03-04"), D("2024-03-11"), D("2024-03-20"),
                                       D("2024-03-25"), cal) == D("2024-03-20")


def test_late_notice_means_accepted_on_receipt(cal):
    # no notice and the 5 working days are over (12 March): accepted on the day received
    assert clocks.decision_clock_start(D("2024-03-04"), None, None, D("2024-03-12"),
                                       cal) == D("2024-03-04")
    # a notice one day late: a later completion does not restart the clock
    assert clocks.decision_clock_start(D("2024-03-04"), D("2024-03-12"), D("2024-04-20"),
                                       D("2024-04-22"), cal) == D("2024-03-04")


def test_change_and_deregistration_decided_in_20_working_days(cal):
    # accepted Thu 26 Sep 2024: 27, 30 Sep, (National Day 1-7 Oct; Sun 29 Sep and Sat
    # 12 Oct are make-up working days) ...
    dl = clocks.change_decision_deadline(D("2024-09-26"), cal)
    assert (dl.unit, dl.amount, dl.rule) == ("working_days", 20, "clock.change_decision")
    assert dl.due == cal.add_working_days(D("2024-09-26"), 20)
    assert "行政许可法》第四十二条" in dl.article
    ext = clocks.change_decision_deadline(D("2024-09-26"), cal, extended=True)
    assert (ext.amount, ext.rule) == (30, "clock.change_decision_extended")
    assert ext.due == cal.add_working_days(D("2024-09-26"), 30)
    dereg = clocks.deregistration_decision_deadline(D("2024-03-01"), cal)
    assert dereg.amount == 20 and dereg.rule == "clock.deregistration_decision"
    assert dereg.due == D("2024-03-29")
    # a bureau may promise less, never more
    assert clocks.change_decision_deadline(
        D("2024-03-01"), cal, params=LegalParams(change_decision_working_days=15)).amount == 15
    assert clocks.change_decision_deadline(
        D("2024-03-01"), cal, params=LegalParams(change_decision_working_days=25)).amount == 20


def test_decision_articles_by_type(cal):
    assert (
        "《社会团体登记管理条例》第十二条" in clocks.decision_deadline(D("2024-03-01"), cal).article
    )
    sg = clocks.decision_deadline(D("2024-03-01"), cal, org_type=OrgType.SOCIAL_GROUP)
    assert sg.article == "《社会团体登记管理条例》第十二条"
    pne = clocks.decision_deadline(D("2024-03-01"), cal, org_type=OrgType.PRIVATE_NON_ENTERPRISE)
    assert pne.article == "《民办非企业单位登记管理暂行条例》第十一条"
    fd = clocks.decision_deadline(D("2024-03-01"), cal, org_type=OrgType.FOUNDATION)
    assert fd.article == "《基金会管理条例》第十一条"


def test_decision_charity_30_days_rolls_off_national_day(cal):
    assert chinese_calendar.is_holiday(D("2024-10-01"))
    dl = clocks.decision_deadline(D("2024-09-01"), cal, charity=True)
    assert dl.amount == 30
    assert dl.rolled_from == D("2024-10-01")
    assert dl.due == D("2024-10-08")
    assert "慈善法" in dl.article


def test_decision_in_2027_falls_back_and_is_provisional(cal):
    # 2026-11-02 + 60 days = Fri 2027-01-01: a working day by the weekend guess
    dl = clocks.decision_deadline(D("2026-11-02"), cal)
    assert dl.due == D("2027-01-01")
    assert dl.provisional
    assert dl.unknown_years == (2027,)
    assert 2027 in cal.fallback_years
    assert "（暂定：2027年节假日未录入）" in dl.describe(D("2026-12-31"), "zh")


def test_override_for_2027_new_year_is_honoured():
    cal = WorkingCalendar({D("2027-01-01"): False})
    dl = clocks.decision_deadline(D("2026-11-02"), cal)
    assert dl.rolled_from == D("2027-01-01")
    assert dl.due == D("2027-01-04")  # Sat 2, Sun 3 by the guess
    assert dl.provisional  # 2 to 4 January are still guesses


def test_complete_year_2027_is_not_provisional():
    cal = WorkingCalendar({D("2027-01-01"): False}, complete_years={2027})
    dl = clocks.decision_deadline(D("2026-11-02"), cal)
    assert dl.due == D("2027-01-04")
    assert not dl.provisional
    assert dl.describe(D("2027-01-04"), "zh") == "今日到期"


# -- correction notice (行政许可法 Art 32) --------------------------------------------


def test_correction_notice_5_working_days_across_national_day_2024(cal):
    assert chinese_calendar.is_workday(D("2024-09-29"))  # make-up Sunday
    dl = clocks.correction_notice_deadline(D("2024-09-27"), cal)
    # Sun 29 Sep, 30 Sep, 8, 9, 10 Oct
    assert dl.due == D("2024-10-10")
    assert dl.unit == "working_days"
    assert "第三十二条" in dl.article


def test_deemed_accepted(cal):
    received = D("2024-09-27")
    assert not clocks.deemed_accepted(received, D("2024-10-10"), D("2024-12-01"), cal)
    assert clocks.deemed_accepted(received, D("2024-10-11"), D("2024-12-01"), cal)
    assert not clocks.deemed_accepted(received, None, D("2024-10-10"), cal)
    assert clocks.deemed_accepted(received, None, D("2024-10-11"), cal)


# -- change and deregistration -------------------------------------------------------


def test_change_application_30_days_rolls(cal):
    dl = clocks.change_application_deadline(D("2024-09-01"), cal)
    assert dl.due == D("2024-10-08")
    assert dl.rolled_from == D("2024-10-01")
    assert not clocks.is_change_late(D("2024-10-08"), D("2024-09-01"), cal)
    assert clocks.is_change_late(D("2024-10-09"), D("2024-09-01"), cal)


def test_change_application_not_for_foundations(cal):
    with pytest.raises(ValueError):
        clocks.change_application_deadline(D("2024-09-01"), cal, org_type=OrgType.FOUNDATION)
    assert not clocks.is_change_late(
        D("2025-09-01"), D("2024-09-01"), cal, org_type=OrgType.FOUNDATION
    )
    sg = clocks.change_application_deadline(D("2024-09-01"), cal, org_type=OrgType.SOCIAL_GROUP)
    assert sg.article == "《社会团体登记管理条例》第十八条"


def test_deregistration_15_days_across_national_day_2025(cal):
    # 2025-09-16 + 15 = 1 Oct (holiday to 8 Oct) -> Thu 9 Oct
    dl = clocks.deregistration_deadline(D("2025-09-16"), cal)
    assert dl.due == D("2025-10-09")
    assert dl.rolled_from == D("2025-10-01")
    assert not clocks.is_deregistration_late(D("2025-10-09"), D("2025-09-16"), cal)
    assert clocks.is_deregistration_late(D("2025-10-10"), D("2025-09-16"), cal)
    fd = clocks.deregistration_deadline(D("2025-09-16"), cal, org_type=OrgType.FOUNDATION)
    assert fd.article == "《基金会管理条例》第十八条"


def test_deregistration_ending_on_plain_saturday_rolls_to_monday(cal):
    dl = clocks.deregistration_deadline(D("2024-03-01"), cal)
    assert D("2024-03-16").weekday() == 5
    assert dl.rolled_from == D("2024-03-16")
    assert dl.due == D("2024-03-18")


# -- annual report -------------------------------------------------------------------


def test_annual_report_2024_authority_deadline_rolls_off_dragon_boat(cal):
    assert D("2025-05-31").weekday() == 5
    assert chinese_calendar.get_holiday_detail(D("2025-05-31"))[0]
    assert chinese_calendar.is_holiday(D("2025-06-02"))
    sup, auth = clocks.annual_report_deadlines(2024, OrgType.SOCIAL_GROUP, cal)
    assert sup.due == D("2025-03-31")  # Monday
    assert sup.rolled_from is None
    assert auth.rolled_from == D("2025-05-31")
    assert auth.due == D("2025-06-03")
    assert sup.rule == "clock.annual_report_supervisory"
    assert auth.rule == "clock.annual_report_authority"
    assert auth.article == "《社会团体登记管理条例》第二十八条"


def test_annual_report_filed_on_31_may_on_time_1_june_late(cal):
    assert chinese_calendar.is_workday(D("2024-05-31"))  # Friday
    _, auth = clocks.annual_report_deadlines(2023, OrgType.PRIVATE_NON_ENTERPRISE, cal)
    assert auth.due == D("2024-05-31")
    assert not auth.is_overdue(D("2024-05-31"))
    assert auth.is_overdue(D("2024-06-01"))
    assert auth.article == "《民办非企业单位登记管理暂行条例》第二十三条"


def test_annual_report_31_march_on_a_sunday_rolls(cal):
    assert D("2024-03-31").weekday() == 6
    sup, _ = clocks.annual_report_deadlines(2023, OrgType.SOCIAL_GROUP, cal)
    assert sup.due == D("2024-04-01")


def test_annual_report_foundation_31_march_twice(cal):
    sup, auth = clocks.annual_report_deadlines(2024, OrgType.FOUNDATION, cal)
    assert sup == auth
    assert auth.due == D("2025-03-31")
    assert auth.article == "《基金会管理条例》第三十六条"


def test_annual_report_2026_is_provisional(cal):
    # report on 2026 is due in 2027, a year the library does not know
    sup, auth = clocks.annual_report_deadlines(2026, OrgType.SOCIAL_GROUP, cal)
    assert sup.due == D("2027-03-31")  # Wednesday by the guess
    assert auth.due == D("2027-05-31")  # Monday by the guess
    assert sup.provisional and auth.provisional


def test_must_report_cutoff_30_june():
    assert clocks.must_report(D("2024-06-30"), 2024)
    assert not clocks.must_report(D("2024-07-01"), 2024)
    assert clocks.must_report(D("2020-01-01"), 2024)


def test_must_report_closed():
    reg = D("2020-05-01")
    assert not clocks.must_report(reg, 2024, closed_on=D("2024-12-31"))
    assert clocks.must_report(reg, 2024, closed_on=D("2025-01-01"))
    assert not clocks.must_report(reg, 2024, closed_on=D("2024-03-01"))


def test_must_report_cutoff_parameter():
    params = LegalParams(report_cutoff_month=12, report_cutoff_day=31)
    assert clocks.must_report(D("2024-12-31"), 2024, params=params)
    impossible = LegalParams(report_cutoff_month=6, report_cutoff_day=31)
    assert clocks.report_cutoff(2024, impossible) == D("2024-06-30")


# -- credit lists --------------------------------------------------------------------


def test_abnormal_list_dates(cal):
    # 满2年 from 29 Feb 2024 ends at the end of 28 Feb 2026 (民法典 Art 202: no matching
    # day -> the month's last day); promotion is the next day
    promo = clocks.abnormal_list_promotion_date(D("2024-02-29"), cal)
    assert promo.due == D("2026-03-01")
    assert "民法典" in promo.article
    assert promo.unit == "years" and promo.amount == 2
    auto = clocks.abnormal_auto_removal_date(D("2024-08-31"), cal)
    assert auto.due == D("2025-02-28")
    assert auto.unit == "months" and auto.amount == 6


def test_abnormal_thresholds_do_not_roll(cal):
    # 2022-09-30 + 2 years = 2024-09-30; the day after is 1 October, a holiday, but a
    # threshold does not move
    promo = clocks.abnormal_list_promotion_date(D("2022-09-30"), cal)
    assert promo.due == D("2024-10-01")
    assert promo.rolled_from is None


def test_abnormal_dates_follow_params(cal):
    params = LegalParams(abnormal_to_serious_years=3, abnormal_auto_removal_months=12)
    assert clocks.abnormal_list_promotion_date(D("2024-01-15"), cal, params).due == D("2027-01-16")
    assert clocks.abnormal_auto_removal_date(D("2024-01-15"), cal, params).due == D("2025-01-15")


def test_abnormal_removal_after_verification(cal):
    # 9, 10, Sat 11 (make-up), 13, 14 Oct 2025
    dl = clocks.abnormal_removal_after_verification(D("2025-09-30"), cal)
    assert dl.due == D("2025-10-14")
    params = LegalParams(abnormal_removal_working_days=1)
    assert clocks.abnormal_removal_after_verification(D("2025-09-30"), cal, params).due == D(
        "2025-10-09"
    )


def test_serious_list_earliest_removal(cal):
    # on the list for 2 full years at the end of 10 May 2025: removal from 11 May
    dl = clocks.serious_list_earliest_removal(D("2023-05-10"), cal)
    assert dl.due == D("2025-05-11")
    assert not dl.is_overdue(D("2025-05-10"))
    assert "第60号" in dl.article


# -- penalty procedure ---------------------------------------------------------------


def test_penalty_decision_90_days(cal):
    dl = clocks.penalty_decision_deadline(D("2024-03-01"), cal)
    assert dl.due == D("2024-05-30")
    assert dl.amount == 90
    assert dl.article == "《中华人民共和国行政处罚法》第六十条"


def test_penalty_decision_90_days_landing_on_national_day(cal):
    dl = clocks.penalty_decision_deadline(D("2024-07-03"), cal)
    assert dl.rolled_from == D("2024-10-01")
    assert dl.due == D("2024-10-08")


def test_hearing_request_across_spring_festival(cal):
    # Fri 9 Feb, Sun 18 Feb (make-up), 19, 20, 21
    dl = clocks.hearing_request_deadline(D("2024-02-08"), cal)
    assert dl.due == D("2024-02-21")
    assert dl.amount == 5
    assert "第六十四条" in dl.article
    longer = clocks.hearing_request_deadline(
        D("2024-02-08"), cal, LegalParams(hearing_request_working_days=7)
    )
    assert longer.due == D("2024-02-23")
    # the statement/defence period is its own parameter and does not move the hearing window
    other = LegalParams(statement_defence_working_days=3)
    assert clocks.hearing_request_deadline(D("2024-02-08"), cal, other).due == D("2024-02-21")
    assert clocks.statement_defence_deadline(D("2024-02-08"), cal, other).due == D("2024-02-19")
    # never shorter than the statutory 5 working days, whatever the parameter says
    short = LegalParams(hearing_request_working_days=2)
    assert clocks.hearing_request_deadline(D("2024-02-08"), cal, short).due == D("2024-02-21")


def test_latest_hearing_notice_backwards_across_weekend(cal):
    dl = clocks.latest_hearing_notice_date(D("2024-03-18"), cal)
    assert dl.due == D("2024-03-07")
    assert dl.start == D("2024-03-18")
    assert cal.add_working_days(dl.due, 7) == D("2024-03-18")
    assert not dl.provisional


def test_latest_hearing_notice_across_national_day_2025(cal):
    # before Tue 14 Oct: 13, Sat 11, 10, 9, 30 Sep, 29, Sun 28
    dl = clocks.latest_hearing_notice_date(D("2025-10-14"), cal)
    assert dl.due == D("2025-09-28")


def test_decision_service_7_working_days(cal):
    # Sun 28 Sep, 29, 30, 9, 10, Sat 11, 13 Oct 2025
    dl = clocks.decision_service_deadline(D("2025-09-26"), cal)
    assert dl.due == D("2025-10-13")
    assert "第四十一条" in dl.article


def test_announcement_service_30_days_default(cal):
    dl = clocks.announcement_service_effective(D("2024-03-11"), cal)
    assert dl.due == D("2024-04-10")
    assert dl.amount == 30


def test_announcement_service_60_days_by_params(cal):
    dl = clocks.announcement_service_effective(
        D("2024-03-11"), cal, LegalParams(announcement_service_days=60)
    )
    assert dl.due == D("2024-05-10")
    assert dl.amount == 60
    assert dl.rule_text("zh") == "公告满60日视为送达"


# -- evaluation, dormancy, spot checks -----------------------------------------------


def test_evaluation_grade_expiry(cal):
    assert clocks.evaluation_grade_expiry(D("2020-02-29"), cal).due == D("2025-02-28")
    assert "第二十八条" in clocks.evaluation_grade_expiry(D("2020-02-29"), cal).article


def test_no_activity_deadline(cal):
    sg = clocks.no_activity_deadline(D("2024-03-15"), cal)
    assert sg.due == D("2025-03-15")
    assert sg.article == "《社会团体登记管理条例》第二十九条"
    fd = clocks.no_activity_deadline(D("2024-03-15"), cal, org_type=OrgType.FOUNDATION)
    assert (fd.unit, fd.amount, fd.due) == ("months", 12, D("2025-03-15"))
    assert fd.article == "《基金会管理条例》第四十一条"
    pne = clocks.no_activity_deadline(D("2024-03-15"), cal, org_type=OrgType.PRIVATE_NON_ENTERPRISE)
    assert "民发〔2021〕63号" in pne.article


def test_spot_check_publication(cal):
    dl = clocks.spot_check_publication_deadline(D("2024-03-01"), cal)
    # 20 working days in March 2024 with no holidays: 4-8, 11-15, 18-22, 25-29
    assert dl.due == D("2024-03-29")
    short = clocks.spot_check_publication_deadline(
        D("2024-03-01"), cal, LegalParams(spot_check_publication_working_days=5)
    )
    assert short.due == D("2024-03-08")


# -- catalog -------------------------------------------------------------------------

_CLOCKS_SOURCE = Path(clocks.__file__).read_text(encoding="utf-8")
_RULE_KEYS = sorted(set(re.findall(r'"(clock\.[a-z_]+)"', _CLOCKS_SOURCE)))
_DESCRIBE_KEYS = [
    "clock.describe.left",
    "clock.describe.left_one",
    "clock.describe.overdue",
    "clock.describe.overdue_one",
    "clock.describe.today",
    "clock.describe.provisional",
    "clock.describe.provisional_years",
    "clock.describe.year_separator",
]


def test_rule_keys_found():
    assert len(_RULE_KEYS) >= 19


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_clock_key_in_catalog(lang):
    messages = catalog(lang)
    missing = [k for k in _RULE_KEYS + _DESCRIBE_KEYS if k not in messages]
    assert not missing


def test_zh_and_en_clock_keys_match():
    zh = {k for k in catalog("zh") if k.startswith("clock.")}
    en = {k for k in catalog("en") if k.startswith("clock.")}
    assert zh == en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_clock_texts_avoid_ambiguous_width_symbols(lang):
    for key, text in catalog(lang).items():
        if key.startswith("clock."):
            assert not set(text) & set("\u201c\u201d\u2026\u00b7\u00d7\u2018\u2019"), key
