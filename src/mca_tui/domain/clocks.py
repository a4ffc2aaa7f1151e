"""The legal clocks (法定期限): one function per clock, each naming its article.

Every clock returns a :class:`~mca_tui.domain.calendar.Deadline` computed from a date and
the :class:`~mca_tui.domain.calendar.WorkingCalendar` (domain.md §10). Values that
``domain.md`` marks UNCONFIRMED come from :class:`~mca_tui.domain.params.LegalParams`.

Two kinds of end date:
- a deadline for an act (apply, decide, serve, report) rolls to the next working day when it
  ends on a rest day (民事诉讼法 Art 85, domain.md §10.8);
- a threshold (on a list for 2 years, a grade valid 5 years, 1 year without activity) is a
  date from which something becomes true; it does not roll.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import replace
from datetime import date, timedelta

from mca_tui.domain.calendar import Deadline, WorkingCalendar
from mca_tui.domain.enums import OrgType
from mca_tui.domain.params import LegalParams

_DEFAULT_PARAMS = LegalParams()

# Instruments cited below ([S1] [S2] [S3] are the three registration regulations).
S1 = "《社会团体登记管理条例》"
S2 = "《民办非企业单位登记管理暂行条例》"
S3 = "《基金会管理条例》"
CHARITY_LAW = "《中华人民共和国慈善法》"
LICENSING_LAW = "《中华人民共和国行政许可法》"
PENALTY_LAW = "《中华人民共和国行政处罚法》"
CIVIL_PROCEDURE_LAW = "《中华人民共和国民事诉讼法》"
CIVIL_CODE = "《中华人民共和国民法典》"
ORDER_60 = "《社会组织信用信息管理办法》（民政部令第60号）"
ORDER_68 = "《社会组织登记管理机关行政处罚程序规定》（民政部令第68号）"
ORDER_39 = "《社会组织评估管理办法》（民政部令第39号）"
SPOT_CHECK = "《社会组织抽查暂行办法》（民发〔2017〕45号）"
ZOMBIE_CAMPAIGN = "《关于开展僵尸型社会组织专项整治行动的通知》（民发〔2021〕63号）"


def _by_type(org_type: OrgType | None, social_group: str, pne: str, foundation: str) -> str:
    """The article for the organization type; all three when the type is not given."""
    if org_type is OrgType.SOCIAL_GROUP:
        return social_group
    if org_type is OrgType.PRIVATE_NON_ENTERPRISE:
        return pne
    if org_type is OrgType.FOUNDATION:
        return foundation
    return "；".join((social_group, pne, foundation))


# -- registration (domain.md §1.3, §2, §3) ----------------------------------------------


def decision_deadline(
    complete_on: date,
    cal: WorkingCalendar,
    *,
    charity: bool = False,
    org_type: OrgType | None = None,
    params: LegalParams = _DEFAULT_PARAMS,
) -> Deadline:
    """Grant or refuse establishment registration within 60 days of receiving a complete
    file ([S1] Art 12, [S2] Art 11, [S3] Art 11); 30 days from acceptance for an
    organization registering as a charity (慈善法 Art 10). ``complete_on`` is the day the
    clock starts (:func:`decision_clock_start`). A bureau may promise fewer days
    (``params.establishment_decision_days``), never more."""
    if charity:
        return cal.deadline(
            complete_on, 30, "days", rule="clock.decision_charity", article=f"{CHARITY_LAW}第十条"
        )
    article = _by_type(org_type, f"{S1}第十二条", f"{S2}第十一条", f"{S3}第十一条")
    days = min(params.establishment_decision_days, 60)
    return cal.deadline(complete_on, days, "days", rule="clock.decision", article=article)


def correction_notice_deadline(received_on: date, cal: WorkingCalendar) -> Deadline:
    """Tell the applicant everything missing within 5 working days of receipt
    (行政许可法 Art 32; working days per Art 82)."""
    return cal.deadline(
        received_on,
        5,
        "working_days",
        rule="clock.correction_notice",
        article=f"{LICENSING_LAW}第三十二条、第八十二条",
    )


def deemed_accepted(
    received_on: date, notice_on: date | None, today: date, cal: WorkingCalendar
) -> bool:
    """True if the application counts as accepted on the day received because no correction
    notice was given in time (行政许可法 Art 32): the notice came after the deadline, or
    none has been given and the deadline has passed."""
    due = correction_notice_deadline(received_on, cal).due
    if notice_on is None:
        return today > due
    return notice_on > due


def decision_clock_start(
    received_on: date | None,
    notice_on: date | None,
    complete_on: date | None,
    today: date,
    cal: WorkingCalendar,
) -> date | None:
    """The day the decision clock starts (行政许可法 Art 32; domain.md §10.1), or None while
    it has not started:

    - a file complete when received: the day received (``complete_on == received_on``);
    - a 补正 notice not given within 5 working days of receipt: the file counts as accepted
      on the day received, and a later completion does not restart the clock;
    - a 补正 notice given in time: the day the last missing material arrived
      (``complete_on``), None until then.
    """
    if received_on is None:
        return None
    if deemed_accepted(received_on, notice_on, today, cal):
        return received_on
    if complete_on is None:
        return None
    return max(complete_on, received_on)


def change_decision_deadline(
    accepted_on: date,
    cal: WorkingCalendar,
    *,
    extended: bool = False,
    params: LegalParams = _DEFAULT_PARAMS,
) -> Deadline:
    """Decide a change registration (变更登记) within 20 working days of acceptance, or 30
    when the head of the office approved the 10-day extension (行政许可法 Art 42: neither
    registration regulation sets a period for changes; working days per Art 82)."""
    return _licensing_decision(accepted_on, cal, "clock.change_decision", extended, params)


def deregistration_decision_deadline(
    accepted_on: date,
    cal: WorkingCalendar,
    *,
    extended: bool = False,
    params: LegalParams = _DEFAULT_PARAMS,
) -> Deadline:
    """Decide a deregistration (注销登记) within 20 working days of acceptance, 30 with the
    head's approved extension (行政许可法 Art 42, as for changes)."""
    return _licensing_decision(accepted_on, cal, "clock.deregistration_decision", extended,
                               params)


EXTENSION_WORKING_DAYS = 10  # 行政许可法 Art 42 ¶1: extension by the head of the office


def _licensing_decision(
    start: date, cal: WorkingCalendar, rule: str, extended: bool, params: LegalParams
) -> Deadline:
    days = min(params.change_decision_working_days, 20)
    if extended:
        days += EXTENSION_WORKING_DAYS
        rule += "_extended"
    return cal.deadline(
        start, days, "working_days", rule=rule, article=f"{LICENSING_LAW}第四十二条、第八十二条"
    )


def change_application_deadline(
    supervisory_approval_on: date, cal: WorkingCalendar, *, org_type: OrgType | None = None
) -> Deadline:
    """Apply for change registration within 30 days of the supervisory unit's approval
    ([S1] Art 18, [S2] Art 15). Foundations have no day count ([S3] Art 15): ValueError."""
    if org_type is OrgType.FOUNDATION:
        raise ValueError("foundations have no statutory change deadline ([S3] Art 15)")
    if org_type is OrgType.SOCIAL_GROUP:
        article = f"{S1}第十八条"
    elif org_type is OrgType.PRIVATE_NON_ENTERPRISE:
        article = f"{S2}第十五条"
    else:
        article = f"{S1}第十八条；{S2}第十五条"
    return cal.deadline(
        supervisory_approval_on, 30, "days", rule="clock.change_application", article=article
    )


def is_change_late(
    applied_on: date,
    approval_on: date,
    cal: WorkingCalendar,
    *,
    org_type: OrgType | None = None,
) -> bool:
    """True if the change was applied for after the 30-day deadline (domain.md §10.2);
    never for a foundation."""
    if org_type is OrgType.FOUNDATION:
        return False
    return change_application_deadline(approval_on, cal, org_type=org_type).is_overdue(applied_on)


def deregistration_deadline(
    liquidation_end_on: date, cal: WorkingCalendar, *, org_type: OrgType | None = None
) -> Deadline:
    """Apply for deregistration within 15 days after liquidation ends
    ([S1] Art 21, [S2] Art 17, [S3] Art 18)."""
    article = _by_type(org_type, f"{S1}第二十一条", f"{S2}第十七条", f"{S3}第十八条")
    return cal.deadline(
        liquidation_end_on, 15, "days", rule="clock.deregistration", article=article
    )


def is_deregistration_late(
    applied_on: date,
    liquidation_end_on: date,
    cal: WorkingCalendar,
    *,
    org_type: OrgType | None = None,
) -> bool:
    """True if deregistration was applied for after the 15-day deadline (domain.md §10.3)."""
    deadline = deregistration_deadline(liquidation_end_on, cal, org_type=org_type)
    return deadline.is_overdue(applied_on)


# -- annual inspection / report (domain.md §4.1, §10.4) -------------------------------


def annual_report_deadlines(
    report_year: int, org_type: OrgType, cal: WorkingCalendar
) -> tuple[Deadline, Deadline]:
    """(supervisory-unit deadline, authority deadline) for the report on ``report_year``.

    Social groups and 民非: to the supervisory unit by 31 March and to the authority by
    31 May of the next year ([S1] Art 28, [S2] Art 23). Foundations: to the authority by
    31 March ([S3] Art 36); the supervisory unit reviews first but has no date of its own,
    so the same 31 March deadline is returned twice. Both roll to the next working day.

    Each deadline is counted in months from 31 December of ``report_year`` (3 months ->
    31 March, 5 months -> 31 May), which gives exactly those fixed dates.
    """
    year_end = date(report_year, 12, 31)
    if org_type is OrgType.FOUNDATION:
        authority = cal.deadline(
            year_end,
            3,
            "months",
            rule="clock.annual_report_foundation",
            article=f"{S3}第三十六条",
        )
        return authority, authority
    article = f"{S1}第二十八条" if org_type is OrgType.SOCIAL_GROUP else f"{S2}第二十三条"
    supervisory = cal.deadline(
        year_end, 3, "months", rule="clock.annual_report_supervisory", article=article
    )
    authority = cal.deadline(
        year_end, 5, "months", rule="clock.annual_report_authority", article=article
    )
    return supervisory, authority


def report_cutoff(report_year: int, params: LegalParams = _DEFAULT_PARAMS) -> date:
    """Last registration date that brings an organization into ``report_year``'s cycle
    (default 30 June; MCA Order 27 Art 3 and local practice, domain.md §4.1)."""
    month = params.report_cutoff_month
    # clamp an impossible day (e.g. 31 June) to the month's end
    day = min(params.report_cutoff_day, monthrange(report_year, month)[1])
    return date(report_year, month, day)


def must_report(
    registered_on: date,
    report_year: int,
    closed_on: date | None = None,
    params: LegalParams = _DEFAULT_PARAMS,
) -> bool:
    """True if the organization takes part in ``report_year``'s inspection or report:
    registered on or before the cut-off of that year and not closed (deregistered or
    revoked) before 1 January of the next year (domain.md §10.4)."""
    if registered_on > report_cutoff(report_year, params):
        return False
    return closed_on is None or closed_on >= date(report_year + 1, 1, 1)


# -- credit lists (MCA Order 60, domain.md §5, §10.6) ---------------------------------


def _day_after(deadline: Deadline) -> Deadline:
    """A period of N full years (满N年) is complete at the end of its anniversary day, so what
    follows from it happens on the next day (民法典 Art 201-203)."""
    return replace(deadline, due=deadline.due + timedelta(days=1))


def abnormal_list_promotion_date(
    listed_on: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline:
    """Day an organization still on the abnormal list (活动异常名录) moves to the serious
    list: the day after 2 full years on the list (Order 60; 民法典 Art 201-203: the period
    ends at the end of the anniversary day). A threshold: no rolling."""
    return _day_after(cal.deadline(
        listed_on,
        params.abnormal_to_serious_years,
        "years",
        rule="clock.abnormal_promotion",
        article=f"{ORDER_60}；{CIVIL_CODE}第二百零一条至第二百零三条",
        roll=False,
    ))


def abnormal_auto_removal_date(
    listed_on: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline:
    """Removal from the abnormal list N months after listing where nothing remains to
    rectify (Order 60; 6 months UNCONFIRMED). A threshold: no rolling."""
    return cal.deadline(
        listed_on,
        params.abnormal_auto_removal_months,
        "months",
        rule="clock.abnormal_auto_removal",
        article=ORDER_60,
        roll=False,
    )


def abnormal_removal_after_verification(
    verified_on: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline:
    """Remove from the abnormal list within N working days of verifying that the
    obligation was fulfilled (Order 60; 5 working days UNCONFIRMED)."""
    return cal.deadline(
        verified_on,
        params.abnormal_removal_working_days,
        "working_days",
        rule="clock.abnormal_removal_verified",
        article=ORDER_60,
    )


def serious_list_earliest_removal(
    listed_on: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline:
    """Earliest day removal from the serious list (严重违法失信名单) is possible: the day
    after 2 full years on the list with no new ground (Order 60; 民法典 Art 201-203).
    A threshold: no rolling."""
    return _day_after(cal.deadline(
        listed_on,
        params.serious_removal_years,
        "years",
        rule="clock.serious_removal",
        article=f"{ORDER_60}；{CIVIL_CODE}第二百零一条至第二百零三条",
        roll=False,
    ))


# -- penalty procedure (行政处罚法 2021, MCA Order 68; domain.md §6.2, §10.7) -----------


def penalty_decision_deadline(filed_on: date, cal: WorkingCalendar) -> Deadline:
    """Decide a penalty case within 90 days of filing (行政处罚法 Art 60)."""
    return cal.deadline(
        filed_on, 90, "days", rule="clock.penalty_decision", article=f"{PENALTY_LAW}第六十条"
    )


def hearing_request_deadline(
    notice_served_on: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline:
    """Request a hearing within 5 working days after the advance notice is served
    (行政处罚法 Art 64(1), working days per Art 85). Statutory: its own parameter
    (``hearing_request_working_days``), never shorter than 5, never the statement/defence
    period."""
    return cal.deadline(
        notice_served_on,
        max(params.hearing_request_working_days, 5),
        "working_days",
        rule="clock.hearing_request",
        article=f"{PENALTY_LAW}第六十四条第一项、第八十五条",
    )


def statement_defence_deadline(
    notice_served_on: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline:
    """Statement and defence (陈述、申辩) after the advance notice (行政处罚法 Art 44, 45;
    the period is Order 68's, UNCONFIRMED: ``statement_defence_working_days``, 5)."""
    return cal.deadline(
        notice_served_on,
        params.statement_defence_working_days,
        "working_days",
        rule="clock.statement_defence",
        article=f"{PENALTY_LAW}第四十四条、第四十五条；{ORDER_68}",
    )


def latest_hearing_notice_date(hearing_on: date, cal: WorkingCalendar) -> Deadline:
    """Last day to notify the party of the hearing: 7 working days before it
    (行政处罚法 Art 64 ¶1(2), Art 85). Counted backwards: ``start`` is the hearing day, ``due``
    the 7th working day before it, so that ``add_working_days(due, 7) == hearing_on``."""
    return cal.deadline(
        hearing_on,
        7,
        "working_days",
        rule="clock.hearing_notice",
        article=f"{PENALTY_LAW}第六十四条、第八十五条",
        backwards=True,
    )


def decision_service_deadline(decided_on: date, cal: WorkingCalendar) -> Deadline:
    """Serve the penalty decision within 7 working days if the party was absent
    (行政处罚法 Art 61, Art 85; Order 68 Art 41)."""
    return cal.deadline(
        decided_on,
        7,
        "working_days",
        rule="clock.decision_service",
        article=f"{PENALTY_LAW}第六十一条；{ORDER_68}第四十一条",
    )


def announcement_service_effective(
    published_on: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline:
    """Announcement service (公告送达) is deemed effected N days after publication
    (民事诉讼法 Art 95; 30 days, Fujian practice has used 60). As a period under the same
    Law it rolls off a rest day (Art 85), the later and safer date for the authority."""
    return cal.deadline(
        published_on,
        params.announcement_service_days,
        "days",
        rule="clock.announcement_service",
        article=f"{CIVIL_PROCEDURE_LAW}第九十五条、第八十五条",
    )


# -- evaluation, dormancy, spot checks (domain.md §7, §6.1, §8) ------------------------


def evaluation_grade_expiry(granted_on: date, cal: WorkingCalendar) -> Deadline:
    """An evaluation grade (评估等级) is valid for 5 years (Order 39 Art 28). Threshold."""
    return cal.deadline(
        granted_on,
        5,
        "years",
        rule="clock.evaluation_expiry",
        article=f"{ORDER_39}第二十八条",
        roll=False,
    )


def no_activity_deadline(
    certificate_issued_on: date, cal: WorkingCalendar, *, org_type: OrgType | None = None
) -> Deadline:
    """No activity within 1 year of obtaining the certificate is a revocation ground
    ([S1] Art 29); foundations: 12 months ([S3] Art 41). 民非 have no such article; the
    2021 zombie campaign (民发〔2021〕63号, criterion Z2) applies the same year. Threshold."""
    if org_type is OrgType.FOUNDATION:
        return cal.deadline(
            certificate_issued_on,
            12,
            "months",
            rule="clock.no_activity",
            article=f"{S3}第四十一条",
            roll=False,
        )
    article = ZOMBIE_CAMPAIGN if org_type is OrgType.PRIVATE_NON_ENTERPRISE else f"{S1}第二十九条"
    return cal.deadline(
        certificate_issued_on, 1, "years", rule="clock.no_activity", article=article, roll=False
    )


def spot_check_publication_deadline(
    checked_on: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline:
    """Publish spot-check results within N working days (民发〔2017〕45号 requires prompt
    publication; the 20 working days are market-regulation practice, UNCONFIRMED)."""
    return cal.deadline(
        checked_on,
        params.spot_check_publication_working_days,
        "working_days",
        rule="clock.spot_check_publication",
        article=SPOT_CHECK,
    )
