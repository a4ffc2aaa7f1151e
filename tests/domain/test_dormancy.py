"""Dormancy signals (Z1, Z2, Z4, certificate expired, two years on the abnormal list), each
with its evidence and the day it starts; every exclusion; the indexed ``watch_from`` day
and the row encoding a service keeps per organization."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from mca_tui.domain import dormancy as dm
from mca_tui.domain import dormancy_row
from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.enums import (
    ContactFate,
    ContactKind,
    DormancyExclusion,
    DormancySignal,
    OrgStatus,
    OrgType,
    ReportConclusion,
)
from mca_tui.domain.params import LegalParams

D = date.fromisoformat
RC = ReportConclusion
Sig = DormancySignal


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def _org(**kw) -> dm.DormancySummary:
    kw.setdefault("organization_id", "org-1")
    kw.setdefault("org_type", OrgType.PRIVATE_NON_ENTERPRISE)
    kw.setdefault("registered_on", D("2020-03-01"))
    kw.setdefault("first_activity_on", D("2020-05-01"))
    kw.setdefault("uscc", "52350205MJ0000018D")
    kw.setdefault("name", "海沧区测试服务中心")
    return dm.DormancySummary(**kw)


def _kinds(s, as_of, cal, params=LegalParams()):
    return {x.kind for x in dm.signals(s, as_of, cal, params)}


def _one(s, kind, as_of, cal, params=LegalParams()):
    (found,) = [x for x in dm.signals(s, as_of, cal, params) if x.kind is kind]
    return found


# -- Z1 -------------------------------------------------------------------------------------


def test_z1_two_missing_years_from_the_day_after_the_second_deadline(cal):
    s = _org(reports=(dm.ReportYear(2021, RC.PASS, D("2022-03-01")),))
    # 2022 missing since 2023-06-01; 2023's deadline is Fri 2024-05-31
    assert Sig.NO_REPORT_TWO_YEARS not in _kinds(s, D("2024-05-31"), cal)
    z1 = _one(s, Sig.NO_REPORT_TWO_YEARS, D("2024-06-01"), cal)
    assert z1.since == D("2024-06-01")
    assert z1.evidence == {"years": [2022, 2023], "outcomes": {"2022": "missing",
                                                                "2023": "missing"}}
    assert "民政部令第27号" in z1.article and "第十条" in z1.article and "Z1" in z1.article


def test_z1_article_by_type(cal):
    for org_type, text in ((OrgType.SOCIAL_GROUP, "第三十条"),
                           (OrgType.FOUNDATION, "第四十二条")):
        s = _org(org_type=org_type, reports=(dm.ReportYear(2021, RC.PASS),))
        assert text in _one(s, Sig.NO_REPORT_TWO_YEARS, D("2024-07-01"), cal).article


def test_z1_failed_reports_count_from_their_conclusion(cal):
    s = _org(reports=(
        dm.ReportYear(2021, RC.PASS),
        dm.ReportYear(2022, RC.FAIL, D("2023-03-01"), D("2023-07-01")),
        dm.ReportYear(2023, RC.FAIL, D("2024-03-01"), D("2024-07-10")),
    ))
    assert Sig.NO_REPORT_TWO_YEARS not in _kinds(s, D("2024-07-09"), cal)
    z1 = _one(s, Sig.NO_REPORT_TWO_YEARS, D("2024-07-10"), cal)
    assert z1.since == D("2024-07-10")
    assert z1.evidence["outcomes"] == {"2022": "fail", "2023": "fail"}


def test_z1_one_missing_and_one_failed_and_returned(cal):
    s = _org(reports=(
        dm.ReportYear(2021, RC.PASS),
        dm.ReportYear(2022, RC.RETURNED, D("2023-03-01")),
        dm.ReportYear(2023, RC.FAIL, D("2024-03-01"), D("2024-04-15")),
    ))
    z1 = _one(s, Sig.NO_REPORT_TWO_YEARS, D("2024-05-01"), cal)
    assert z1.evidence["outcomes"] == {"2022": "returned", "2023": "fail"}
    assert z1.since == D("2024-04-15")


def test_z1_only_the_trailing_run_counts(cal):
    s = _org(reports=tuple(dm.ReportYear(y, RC.ACCEPTED) for y in (2022, 2023, 2024)))
    # 2020 and 2021 were missed long ago, the organization reports again
    assert Sig.NO_REPORT_TWO_YEARS not in _kinds(s, D("2025-07-01"), cal)


def test_z1_a_submitted_report_waiting_for_its_conclusion_breaks_the_run(cal):
    s = _org(reports=(dm.ReportYear(2021, RC.PASS), dm.ReportYear(2023, None, D("2024-05-20"))))
    assert Sig.NO_REPORT_TWO_YEARS not in _kinds(s, D("2024-07-01"), cal)
    # recorded as submitted only later: on 2024-06-01 it was still missing
    late = _org(reports=(dm.ReportYear(2021, RC.PASS), dm.ReportYear(2023, None, D("2024-06-20"))))
    assert Sig.NO_REPORT_TWO_YEARS in _kinds(late, D("2024-06-01"), cal)


def test_z1_registered_after_the_cutoff_and_a_rolled_deadline(cal):
    s = _org(org_type=OrgType.SOCIAL_GROUP, registered_on=D("2023-08-01"),
             first_activity_on=D("2023-09-01"))
    # 2023 is not due (registered after 30 June); 2024 and 2025 missing; 2025's deadline
    # Sun 2026-05-31 rolls to Mon 06-01, so the signal starts on 06-02
    assert Sig.NO_REPORT_TWO_YEARS not in _kinds(s, D("2026-06-01"), cal)
    z1 = _one(s, Sig.NO_REPORT_TWO_YEARS, D("2026-06-02"), cal)
    assert z1.evidence["years"] == [2024, 2025]


# -- Z2 --------------------------------------------------------------------------------------


def test_z2_no_activity_within_a_year(cal):
    s = _org(registered_on=D("2024-03-10"), first_activity_on=None)
    assert Sig.NO_ACTIVITY_FIRST_YEAR not in _kinds(s, D("2025-03-10"), cal)
    z2 = _one(s, Sig.NO_ACTIVITY_FIRST_YEAR, D("2025-03-11"), cal)
    assert z2.since == D("2025-03-11")
    assert z2.evidence == {"registered_on": D("2024-03-10"), "year_ended_on": D("2025-03-10"),
                           "first_activity_on": None}
    assert "Z2" in z2.article
    on_time = replace(s, first_activity_on=D("2025-03-10"))
    assert Sig.NO_ACTIVITY_FIRST_YEAR not in _kinds(on_time, D("2025-06-01"), cal)
    late = replace(s, first_activity_on=D("2025-04-01"))
    assert _one(late, Sig.NO_ACTIVITY_FIRST_YEAR, D("2025-06-01"), cal).evidence[
        "first_activity_on"] == D("2025-04-01")
    # barred two years after the (late) first activity (行政处罚法 Art 36)
    assert Sig.NO_ACTIVITY_FIRST_YEAR in _kinds(late, D("2027-04-01"), cal)
    assert Sig.NO_ACTIVITY_FIRST_YEAR not in _kinds(late, D("2027-04-02"), cal)
    sg = replace(s, org_type=OrgType.SOCIAL_GROUP)
    assert "第二十九条" in _one(sg, Sig.NO_ACTIVITY_FIRST_YEAR, D("2025-06-01"), cal).article


# -- Z4 --------------------------------------------------------------------------------------


def _letter(sent: str, fate=ContactFate.UNSIGNED, fate_on: str | None = None):
    return dm.ContactAttempt(ContactKind.REGISTERED_LETTER, D(sent), fate,
                             D(fate_on) if fate_on else None)


def test_z4_two_unsigned_letters_20_to_60_days_apart(cal):
    a, b = _letter("2025-01-10", fate_on="2025-01-25"), _letter("2025-02-20", fate_on="2025-03-05")
    visit = dm.ContactAttempt(ContactKind.FIELD_CHECK, D("2025-03-01"), ContactFate.UNSIGNED,
                              note="住所已出租他用")
    s = _org(contacts=(a, b, visit))
    assert Sig.UNREACHABLE not in _kinds(s, D("2025-03-04"), cal)  # 2nd not back yet
    z4 = _one(s, Sig.UNREACHABLE, D("2025-03-05"), cal)
    assert z4.since == D("2025-03-05")
    assert z4.evidence["gap_days"] == 41
    assert [x["on"] for x in z4.evidence["letters"]] == [D("2025-01-10"), D("2025-02-20")]
    assert z4.evidence["letters"][1]["fate"] == "unsigned"
    assert z4.evidence["other_attempts"][0]["note"] == "住所已出租他用"
    assert "60号" in z4.article and "Z4" in z4.article


@pytest.mark.parametrize(("second", "expected"), [
    ("2025-01-29", False),  # 19 days
    ("2025-01-30", True),  # 20 days
    ("2025-03-11", True),  # 60 days
    ("2025-03-12", False),  # 61 days
])
def test_z4_gap_bounds(cal, second, expected):
    s = _org(contacts=(_letter("2025-01-10"), _letter(second)))
    assert (Sig.UNREACHABLE in _kinds(s, D("2025-06-01"), cal)) is expected


def test_z4_gap_is_a_parameter(cal):
    s = _org(contacts=(_letter("2025-01-10"), _letter("2025-03-12")))
    wide = LegalParams(unreachable_letters_max_gap_days=90)
    assert Sig.UNREACHABLE in _kinds(s, D("2025-06-01"), cal, wide)


def test_z4_a_signed_letter_or_a_later_contact_clears_it(cal):
    signed = _org(contacts=(_letter("2025-01-10"), _letter("2025-02-20", ContactFate.REACHED)))
    assert Sig.UNREACHABLE not in _kinds(signed, D("2025-06-01"), cal)
    found = dm.ContactAttempt(ContactKind.FIELD_CHECK, D("2025-04-01"), ContactFate.REACHED)
    s = _org(contacts=(_letter("2025-01-10"), _letter("2025-02-20"), found))
    assert Sig.UNREACHABLE in _kinds(s, D("2025-03-20"), cal)
    assert Sig.UNREACHABLE not in _kinds(s, D("2025-04-02"), cal)
    plain_mail = _org(contacts=(
        dm.ContactAttempt(ContactKind.MAIL, D("2025-01-10"), ContactFate.UNSIGNED),
        dm.ContactAttempt(ContactKind.MAIL, D("2025-02-20"), ContactFate.UNSIGNED)))
    assert Sig.UNREACHABLE not in _kinds(plain_mail, D("2025-06-01"), cal)


# -- certificate, abnormal list ------------------------------------------------------------


def test_certificate_expired_the_day_after(cal):
    s = _org(certificate_valid_until=D("2025-12-31"))
    assert Sig.CERTIFICATE_EXPIRED not in _kinds(s, D("2025-12-31"), cal)
    c = _one(s, Sig.CERTIFICATE_EXPIRED, D("2026-01-01"), cal)
    assert c.evidence == {"valid_until": D("2025-12-31")}


def test_two_years_on_the_abnormal_list_the_day_after_the_anniversary(cal):
    s = _org(abnormal_listed_on=D("2023-05-10"))
    assert Sig.ABNORMAL_TWO_YEARS not in _kinds(s, D("2025-05-10"), cal)
    a = _one(s, Sig.ABNORMAL_TWO_YEARS, D("2025-05-11"), cal)
    assert a.since == D("2025-05-11") and "60号" in a.article


# -- exclusions -----------------------------------------------------------------------------


def _dormant(**kw):
    return _org(registered_on=D("2020-03-01"), reports=(), **kw)


@pytest.mark.parametrize(("kw", "kind"), [
    ({"open_case_filed_on": D("2025-01-05")}, DormancyExclusion.CASE_OPEN),
    ({"liquidation_started_on": D("2025-02-01")}, DormancyExclusion.IN_LIQUIDATION),
    ({"delay_until": D("2025-06-30")}, DormancyExclusion.DELAY_GRANTED),
    ({"status": OrgStatus.DEREGISTERED}, DormancyExclusion.DEREGISTERED),
    ({"status": OrgStatus.REVOKED}, DormancyExclusion.REVOKED),
])
def test_each_exclusion_is_shown_and_respected(cal, kw, kind):
    a = dm.assess(_dormant(**kw), D("2025-06-30"), cal)
    assert a.signals  # still shown with the signals
    assert [e.kind for e in a.exclusions] == [kind]
    assert not a.is_candidate
    assert dm.candidates([_dormant(**kw)], D("2025-06-30"), cal, include_excluded=False) == ()
    assert len(dm.candidates([_dormant(**kw)], D("2025-06-30"), cal)) == 1


def test_delay_runs_out_and_case_filed_later(cal):
    s = _dormant(delay_until=D("2025-06-30"), open_case_filed_on=D("2025-09-01"))
    assert dm.assess(s, D("2025-07-01"), cal).is_candidate
    assert not dm.assess(s, D("2025-09-01"), cal).is_candidate


def test_candidate_json_shape(cal):
    a = dm.assess(_dormant(open_case_filed_on=D("2025-01-05")), D("2025-06-30"), cal)
    j = a.to_json()
    assert j["uscc"] == "52350205MJ0000018D" and j["name"] == "海沧区测试服务中心"
    assert j["signals"][0]["kind"] == "no_report_two_years"
    assert j["signals"][0]["evidence"]["years"]
    assert j["exclusions"] == [{"kind": "case_open", "since": "2025-01-05", "until": None}]
    import json
    json.dumps(j, ensure_ascii=False)  # serialisable as is


# -- watch_from and the stored row -------------------------------------------------------------

_SAMPLES = [
    _org(reports=(dm.ReportYear(2021, RC.PASS, D("2022-03-01")),)),
    _org(registered_on=D("2024-03-10"), first_activity_on=None),
    _org(contacts=(_letter("2025-01-10", fate_on="2025-01-25"),
                   _letter("2025-02-20", fate_on="2025-03-05")),
         reports=tuple(dm.ReportYear(y, RC.ACCEPTED) for y in range(2020, 2026))),
    _org(certificate_valid_until=D("2027-12-31"),
         reports=tuple(dm.ReportYear(y, RC.ACCEPTED) for y in range(2020, 2030))),
    _org(abnormal_listed_on=D("2024-05-10"),
         reports=tuple(dm.ReportYear(y, RC.ACCEPTED) for y in range(2020, 2030))),
    _org(org_type=OrgType.SOCIAL_GROUP, registered_on=D("2023-08-01")),
]


@pytest.mark.parametrize("s", _SAMPLES)
def test_watch_from_is_the_first_day_a_signal_holds(cal, s):
    day = dm.watch_from(s, s.registered_on, cal)
    assert day is not None
    assert dm.signals(s, day, cal)
    assert not dm.signals(s, day - timedelta(days=1), cal)


def test_watch_from_values(cal):
    def w(s, today=None):
        return dm.watch_from(s, today or s.registered_on, cal)
    assert w(_SAMPLES[0]) == D("2024-06-01")
    assert w(_SAMPLES[1]) == D("2025-03-11")
    assert w(_SAMPLES[2]) == D("2025-03-05")
    assert w(_SAMPLES[4]) == D("2026-05-11")
    assert w(replace(_SAMPLES[0], status=OrgStatus.REVOKED)) is None
    assert w(replace(_SAMPLES[0], status=OrgStatus.DEREGISTERED)) is None
    # recomputed later while the signal holds: the day it started, for lists "as of" earlier
    assert w(_SAMPLES[0], D("2025-08-01")) == D("2024-06-01")


def test_watch_from_ignores_signals_that_no_longer_hold(cal):
    # missed 2020 and 2021, reports again since: in the list again only if it stops
    s = _org(reports=tuple(dm.ReportYear(y, RC.ACCEPTED, D(f"{y + 1}-03-01"))
                           for y in (2022, 2023, 2024)))
    assert dm.signals(s, D("2023-01-01"), cal)  # it was a candidate back then
    # 2025 and 2026 would be missing: from the day after 2026's deadline (Mon 2027-05-31)
    assert dm.watch_from(s, D("2025-07-01"), cal) == D("2027-06-01")


def test_years_before_the_rows_window_are_unknown_not_missing(cal):
    recent = tuple(dm.ReportYear(y, RC.ACCEPTED) for y in (2021, 2022, 2023, 2024))
    s = _org(registered_on=D("2005-04-01"), first_activity_on=None, reports=recent,
             reports_since_year=2021)
    assert dm.signals(s, D("2025-07-01"), cal) == ()
    assert dm.watch_from(s, D("2025-07-01"), cal) == D("2027-06-01")
    gap = replace(s, reports=recent[1:])  # 2021 not filed: a run of one, 2020 unknown
    assert Sig.NO_REPORT_TWO_YEARS not in _kinds(gap, D("2025-07-01"), cal)


def test_z2_an_accepted_report_on_the_registration_year_is_evidence_of_activity(cal):
    s = _org(registered_on=D("2024-03-10"), first_activity_on=None,
             reports=(dm.ReportYear(2024, RC.ACCEPTED, D("2025-03-01")),))
    assert Sig.NO_ACTIVITY_FIRST_YEAR not in _kinds(s, D("2025-06-01"), cal)
    failed = replace(s, reports=(dm.ReportYear(2024, RC.FAIL, D("2025-03-01")),))
    assert Sig.NO_ACTIVITY_FIRST_YEAR in _kinds(failed, D("2025-06-01"), cal)


def test_row_encoding_round_trips(cal):
    s = replace(_SAMPLES[2], delay_until=D("2026-01-01"), open_case_filed_on=D("2025-05-05"),
                reports_since_year=2024,
                reports=(dm.ReportYear(2024, RC.FAIL, D("2025-03-01"), D("2025-07-01")),
                         dm.ReportYear(2025, None, D("2026-03-01"))))
    row = dormancy_row.encode(s)
    # the row does not hold the report years (the organization's own rows)
    assert isinstance(row["contacts_json"], str) and "reports_json" not in row
    assert dormancy_row.decode({**row, "watch_from": D("2025-03-05")}, s.reports) == s
    # a row written before revision 0021 still holds them (the migration 0013 decodes it)
    old = {**row, "reports_json":
           '[[2024,"fail","2025-03-01","2025-07-01"],[2025,null,"2026-03-01",null]]'}
    assert dormancy_row.decode(old) == s


# -- the stored assessment (window) -------------------------------------------------------


def _window_cases():
    good = {y: dm.ReportYear(y, RC.PASS, D(f"{y + 1}-04-01"), D(f"{y + 1}-04-20"))
            for y in range(2020, 2025)}
    letters = (dm.ContactAttempt(ContactKind.REGISTERED_LETTER, D("2025-08-01"),
                                 ContactFate.UNSIGNED, D("2025-08-10")),
               dm.ContactAttempt(ContactKind.REGISTERED_LETTER, D("2025-09-05"),
                                 ContactFate.UNSIGNED, D("2025-09-15")))
    return [
        _org(reports=tuple(good[y] for y in (2020, 2021, 2022))),  # Z1 from June 2025
        _org(registered_on=D("2024-03-01"), first_activity_on=None),  # Z2
        _org(registered_on=D("2023-03-01"), first_activity_on=D("2024-06-01")),  # late: barred
        _org(reports=tuple(good.values()), contacts=letters),  # Z4
        _org(reports=tuple(good.values()), certificate_valid_until=D("2025-05-03")),
        _org(reports=tuple(good.values()), abnormal_listed_on=D("2023-07-10")),
        _org(reports=tuple(good.values())),  # never (within the window's horizon)
    ]


@pytest.mark.parametrize("today", [D("2025-01-15"), D("2025-06-10"), D("2025-10-01")])
def test_the_stored_assessment_holds_on_every_day_of_its_window(cal, today):
    """``window``: the signals stored with the row equal the assessment on every day of
    [assessed_on, until), differ on ``until``, and ``assessed_on`` is today or the day the
    first signal starts (``watch_from``); the list reads them instead of assessing."""
    for s in _window_cases():
        w = dm.window(s, today, cal)
        assert w.watch_from == dm.watch_from(s, today, cal)
        if w.watch_from is None:
            assert w.assessed_on is None and w.signals == ()
            continue
        assert w.assessed_on == (today if dm.signals(s, today, cal) else w.watch_from)
        day = w.assessed_on
        while day < min(w.until, w.assessed_on + timedelta(days=800)):
            assert dm.signals(s, day, cal) == w.signals, (s, day)
            day += timedelta(days=1)
        if w.until <= w.assessed_on + timedelta(days=800):
            assert dm.signals(s, w.until, cal) != w.signals
        text = dm.signals_text(w.signals, s.org_type)
        assert dm.signals_from_text(text, s.org_type) == w.signals  # the row's JSON round-trips
        assert [dm.signal_json(x) for x in w.signals] == [
            dm.signal_json(x) for x in dm.signals_from_text(text, s.org_type)]
        assert dm.signals_json_from_text(text, s.org_type) == [
            dm.signal_json(x) for x in w.signals]  # the --json shape, key order included
        assert [list(x) for x in dm.signals_json_from_text(text, s.org_type)] == [
            ["kind", "since", "article", "evidence"]] * len(w.signals)
        assert "article" not in text  # every article here is the standard one


def test_a_first_activity_after_the_first_year_bars_z2_two_years_later(cal):
    waiting = tuple(dm.ReportYear(y, None, D(f"{y + 1}-04-01")) for y in (2023, 2024))
    s = _org(registered_on=D("2023-03-01"), first_activity_on=D("2024-06-01"),
             org_type=OrgType.SOCIAL_GROUP, reports=waiting)
    w = dm.window(s, D("2025-01-15"), cal)
    assert [x.kind for x in w.signals] == [Sig.NO_ACTIVITY_FIRST_YEAR]
    assert w.signals[0].evidence["first_activity_on"] == D("2024-06-01")
    assert w.until == D("2026-06-02")  # barred from the day after two years
    assert dm.signals(s, D("2026-06-02"), cal) == ()
