"""Finding dormant ("僵尸型") organizations: signals with their evidence, and exclusions
(domain.md §6.3, §4.3, §5, §10.5). Pure Python.

The rules (each :class:`Signal` carries its article):

- Z1 :attr:`~DormancySignal.NO_REPORT_TWO_YEARS` — the latest two (or more) consecutive
  report years that are due all ended without a report or with 不合格 (民发〔2021〕63号 Z1;
  民非: MCA Order 27 Art 10; 社团: [S1] Art 30(3); 基金会: [S3] Art 42(5)). A year counts as
  "no report" from the day after its authority deadline (``clocks.annual_report_deadlines``)
  if nothing was submitted, or a report was returned (退回) or recorded as not submitted; a
  report submitted and waiting for its conclusion is not "no report". Only the trailing run
  counts: an organization that missed two years long ago and reports again is not dormant.
- Z2 :attr:`~DormancySignal.NO_ACTIVITY_FIRST_YEAR` — no evidence of activity on or before
  the end of the first year after registration ([S1] Art 29, [S3] Art 41, Z2;
  ``clocks.no_activity_deadline``). Evidence of activity (:data:`ACTIVITY_SOURCES`): an
  accepted annual report (it describes that year's activities, [S1] Art 28; counted on
  the 31 December of its year), and the first recorded activity kept in the summary
  (``first_activity_on``): a change registration approved (the organization applied for
  it, [S1] Art 18, [S2] Art 15, [S3] Art 15), an evaluation it applied for (MCA Order 39
  Art 6), a spot check that found it operating (民发〔2017〕45号 Art 6: annual report,
  governance, finances and business activities checked; results ``no_problem`` or
  ``fixed_on_site``). Being reachable, being listed, or a failed or returned report is not
  activity. Not acting is a continuing state ending with the first activity: a late first
  activity keeps the signal for two more years, then the ground is barred (行政处罚法
  Art 36).
- Z4 :attr:`~DormancySignal.UNREACHABLE` — two registered letters to the domicile sent
  ``unreachable_letters_min_gap_days``..``max_gap_days`` apart (20..60), both unsigned, and no
  successful contact since the first of them (Order 60 ground 6; the two-letter test is the
  2017 draft's, UNCONFIRMED, so both gaps are parameters). Other returned mail and field
  checks are attached as evidence.
- :attr:`~DormancySignal.CERTIFICATE_EXPIRED` — the day after ``certificate_valid_until``
  (validity UNCONFIRMED, domain.md §13.1).
- :attr:`~DormancySignal.ABNORMAL_TWO_YEARS` — still on the abnormal list from the day after
  2 full years (Order 60; ``clocks.abnormal_list_promotion_date``).

Exclusions (shown with the signals; an excluded organization is not a candidate): a case
already open, in liquidation, a delay granted until a date not yet passed, deregistered,
revoked, or not registered yet.

Storage plan — one summary row per organization, one indexed scan for the list.
:class:`DormancySummary` is exactly what a service keeps per organization (a table
``dormancy_summary`` keyed by ``organization_id``): scalar columns for the dates and the
status, and a small JSON text for the contact attempts (``domain.dormancy_row.encode`` /
``decode``).
The report years are not stored in the row (they are the organization's own rows: the
service reads them by key when a row is assessed again); a summary may hold only the
recent report years and set ``reports_since_year``, before which years are unknown, never
"missing". Every
service that changes one of the inputs (an annual report filed or concluded, a letter or a
field check recorded, a listing, a case opened or closed, liquidation, a delay, a status
change, a first activity) rewrites that organization's row in the same transaction,
including :func:`window`: :func:`watch_from`, the first day on which any signal holds if
nothing else happens, and the assessment itself — the signals with their evidence as they
stand on every day from ``assessed_on`` (today, or ``watch_from`` if later) until the next
day they would change (:func:`_change_days`: a report deadline, an anniversary, the day a
ground is barred). The list "as of D" is then ``SELECT … FROM dormancy_summary WHERE
watch_from <= :D`` over an index on ``watch_from`` (rows that can never be a candidate —
deregistered, revoked — store NULL), each row's stored signals taken as they are
(:func:`signals_from_text`; :func:`assess` only for a row whose window does not cover D):
no scan of the annual-report table, no assessment per row, and the home screen's count is
the same indexed range count. When an administrator changes the holidays of a year, the
service recomputes every row (report deadlines may move by a working day).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from weakref import WeakKeyDictionary

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, WorkingCalendar, add_years
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

_DEFAULT_PARAMS = LegalParams()
_ONE_DAY = timedelta(days=1)

# Report deadlines per calendar: the summary of every organization asks for the same
# few (year, type) deadlines many times (watch_from walks the candidate days).
_DEADLINES: WeakKeyDictionary[WorkingCalendar, dict[Any, Any]] = (
    WeakKeyDictionary())


_LAST: list[Any] = [None, None]  # the last (calendar, memo) pair: the common case


def _memo(cal: WorkingCalendar) -> dict[Any, Any]:
    if _LAST[0] is not cal:
        _LAST[0], _LAST[1] = cal, _DEADLINES.setdefault(cal, {})
    memo: dict[Any, Any] = _LAST[1]
    return memo


def _report_due(year: int, org_type: OrgType, cal: WorkingCalendar) -> date:
    """The authority deadline of report year ``year`` (memoized per calendar object)."""
    memo = _memo(cal)
    key = (year, org_type)
    due = memo.get(key)
    if due is None:
        due = memo[key] = clocks.annual_report_deadlines(year, org_type, cal)[1].due
    return due


def _no_activity(registered_on: date, org_type: OrgType, cal: WorkingCalendar
                 ) -> Deadline:
    memo = _memo(cal)
    key = ("z2", registered_on, org_type)
    dl = memo.get(key)
    if dl is None:
        dl = memo[key] = clocks.no_activity_deadline(registered_on, cal, org_type=org_type)
    return dl


def _promotion(listed_on: date, cal: WorkingCalendar, params: LegalParams) -> Deadline:
    memo = _memo(cal)
    key = ("abnormal", listed_on, params.abnormal_to_serious_years)
    dl = memo.get(key)
    if dl is None:
        dl = memo[key] = clocks.abnormal_list_promotion_date(listed_on, cal, params)
    return dl


ZOMBIE = clocks.ZOMBIE_CAMPAIGN

# Z2 evidence of activity (domain.md §6.3 Z2, §6.1 "no activity for 1 year"): what the
# summary's ``first_activity_on`` is the earliest of (services.dormancy.first_activity),
# besides accepted annual reports (activity_evidence_on).
ACTIVITY_SOURCES = {
    "annual_report": "年度工作报告通过或合格（报告该年度开展的活动；《社会团体登记管理条例》第二十八条）",
    "change_registration": "变更登记经核准（组织申请办理；《社会团体登记管理条例》第十八条、"
                           "《民办非企业单位登记管理暂行条例》第十五条、《基金会管理条例》第十五条）",
    "evaluation": "申请参加社会组织评估（《社会组织评估管理办法》第六条）",
    "spot_check": "双随机抽查发现正常开展活动（《社会组织抽查暂行办法》第六条；结果为无问题或当场整改）",
}
ACTIVITY_SPOT_CHECK_RESULTS = ("no_problem", "fixed_on_site")
ORDER_27 = "《民办非企业单位年度检查办法》（民政部令第27号）"
_CERT_RULE = "登记证书有效期（domain.md §13.1，未确认；设置 certificate_validity_years）"
_UNREACHABLE_RULE = (
    f"{clocks.ORDER_60}（无法通过登记的住所取得联系）；{ZOMBIE}（Z4）；"
    "两次挂号信间隔20至60日均未签收（2017年征求意见稿，未确认，可设置）"
)

_BAD_CONCLUSIONS = frozenset(
    {ReportConclusion.FAIL, ReportConclusion.NOT_SUBMITTED, ReportConclusion.RETURNED}
)


@dataclass(frozen=True)
class ReportYear:
    """One report year: its conclusion (None: submitted and waiting for a conclusion)."""

    year: int
    conclusion: ReportConclusion | None = None
    submitted_on: date | None = None
    concluded_on: date | None = None


@dataclass(frozen=True)
class ContactAttempt:
    """A registered letter, other mail, a field check or a call: when (sent / visited) and
    its fate (signed / reached, unsigned / returned / nobody there) on ``fate_on``."""

    kind: ContactKind
    on: date
    fate: ContactFate = ContactFate.PENDING
    fate_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class DormancySummary:
    """Everything the rules need about one organization (one row per organization)."""

    organization_id: str
    org_type: OrgType
    registered_on: date | None
    status: OrgStatus = OrgStatus.ACTIVE
    uscc: str = ""
    name: str = ""
    reports: tuple[ReportYear, ...] = ()
    # the first year ``reports`` covers (the row keeps only recent years); earlier years are
    # unknown, never "missing". None: every year since registration is covered.
    reports_since_year: int | None = None
    first_activity_on: date | None = None
    contacts: tuple[ContactAttempt, ...] = ()
    certificate_valid_until: date | None = None
    abnormal_listed_on: date | None = None  # the current listing; None when not listed
    open_case_filed_on: date | None = None  # a penalty case open against it
    liquidation_started_on: date | None = None  # in liquidation (not yet deregistered)
    delay_until: date | None = None  # a delay granted (e.g. to file reports) until


@dataclass(frozen=True)
class Signal:
    kind: DormancySignal
    since: date  # the first day the signal holds
    article: str
    evidence: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Exclusion:
    kind: DormancyExclusion
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Assessment:
    organization_id: str
    uscc: str
    name: str
    as_of: date
    signals: tuple[Signal, ...]
    exclusions: tuple[Exclusion, ...]

    @property
    def is_candidate(self) -> bool:
        """A candidate for a revocation case: at least one signal and no exclusion."""
        return bool(self.signals) and not self.exclusions

    def to_json(self) -> dict[str, object]:
        """The shape of ``mca-tui dormant --json`` (dates as ISO text)."""
        return {
            "uscc": self.uscc,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "signals": [signal_json(s) for s in self.signals],
            "exclusions": [exclusion_json(e) for e in self.exclusions],
        }


def signal_json(s: Signal) -> dict[str, object]:
    return {"kind": s.kind.value, "since": s.since.isoformat(), "article": s.article,
            "evidence": jsonable(s.evidence)}


def exclusion_json(e: Exclusion) -> dict[str, object]:
    return {"kind": e.kind.value,
            "since": e.since.isoformat() if e.since else None,
            "until": e.until.isoformat() if e.until else None}


def jsonable(value: object) -> object:
    """``value`` with dates as ISO text and enums as their values (JSON-ready)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, StrEnum):
        return value.value
    return value


_jsonable = jsonable  # the name screens used


# -- Z1: no report or 不合格 for two consecutive years ----------------------------------


def _z1_article(org_type: OrgType) -> str:
    return {
        OrgType.PRIVATE_NON_ENTERPRISE: f"{ORDER_27}第十条",
        OrgType.SOCIAL_GROUP: f"{clocks.S1}第三十条第一款第（三）项",
        OrgType.FOUNDATION: f"{clocks.S3}第四十二条第一款第（五）项",
    }[org_type] + f"；{ZOMBIE}（Z1）"


def _year_state(
    s: DormancySummary, year: int, as_of: date, cal: WorkingCalendar, params: LegalParams
) -> tuple[str, date | None, str]:
    """("bad", since, outcome) | ("good", None, outcome) | ("open", None, "") | ("not_due" |
    "unknown", None, "")."""
    assert s.registered_on is not None
    # registered in an earlier year: due (the cut-off falls inside ``year``)
    if year <= s.registered_on.year and not clocks.must_report(s.registered_on, year, None,
                                                                params):
        return "not_due", None, ""
    if s.reports_since_year is not None and year < s.reports_since_year:
        return "unknown", None, ""
    report = next((r for r in s.reports if r.year == year), None)
    if report is not None and report.submitted_on is not None and report.submitted_on > as_of:
        report = None  # not yet submitted on that day
    deadline = _report_due(year, s.org_type, cal)
    if report is not None and report.conclusion is ReportConclusion.FAIL:
        since = report.concluded_on or deadline + _ONE_DAY
        if since <= as_of:
            return "bad", since, ReportConclusion.FAIL.value
        return "good", None, "submitted"  # submitted, not yet concluded on that day
    if report is not None and report.conclusion not in _BAD_CONCLUSIONS:
        return "good", None, (report.conclusion.value if report.conclusion else "submitted")
    if as_of > deadline:
        outcome = report.conclusion.value if report and report.conclusion else "missing"
        return "bad", deadline + _ONE_DAY, outcome
    return "open", None, ""


def _z1(s: DormancySummary, as_of: date, cal: WorkingCalendar, params: LegalParams
        ) -> Signal | None:
    assert s.registered_on is not None
    run: list[tuple[int, date, str]] = []
    started = False
    for year in range(as_of.year, s.registered_on.year - 1, -1):
        state, since, outcome = _year_state(s, year, as_of, cal, params)
        if state == "open" and not started:
            continue  # not yet due: skip the years at the top
        started = True
        if state != "bad":
            break
        run.append((year, since, outcome))  # type: ignore[arg-type]
    if len(run) < 2:
        return None
    run.reverse()
    # the signal holds from the day the second year of the run turned bad
    since = max(run[0][1], run[1][1])
    return Signal(
        DormancySignal.NO_REPORT_TWO_YEARS,
        since,
        _z1_article(s.org_type),
        {"years": [y for y, _, _ in run], "outcomes": {str(y): o for y, _, o in run}},
    )


# -- Z2: no activity within a year of registration -------------------------------------


def activity_evidence_on(s: DormancySummary) -> date | None:
    """The earliest evidence of activity: the recorded first activity, or the end of the
    first year with an accepted annual report (the report describes that year's
    activities, [S1] Art 28)."""
    days = [date(r.year, 12, 31) for r in s.reports
            if r.conclusion is not None and r.conclusion.is_accepted]
    if s.first_activity_on is not None:
        days.append(s.first_activity_on)
    return min(days, default=None)


def _z2_article(dl: Deadline) -> str:
    return f"{dl.article}；{ZOMBIE}（Z2）；{clocks.PENALTY_LAW}第三十六条"


def _z2(s: DormancySummary, as_of: date, cal: WorkingCalendar) -> Signal | None:
    """No activity within the first year. Not acting is a continuing state that ends with
    the first activity; two years after that, the ground is barred (行政处罚法 Art 36)."""
    assert s.registered_on is not None
    dl = _no_activity(s.registered_on, s.org_type, cal)
    if as_of <= dl.due:
        return None
    evidence = activity_evidence_on(s)
    if evidence is not None and evidence <= as_of:
        if evidence <= dl.due:
            return None
        if as_of > add_years(evidence, 2):  # barred two years after the first activity
            return None
    return Signal(
        DormancySignal.NO_ACTIVITY_FIRST_YEAR,
        dl.due + _ONE_DAY,
        _z2_article(dl),
        {"registered_on": s.registered_on, "year_ended_on": dl.due,
         "first_activity_on": evidence if evidence is not None and evidence <= as_of else None},
    )


# -- Z4: cannot be contacted ---------------------------------------------------------------


def _contact_json(c: ContactAttempt) -> dict[str, object]:
    return {"kind": c.kind.value, "on": c.on, "fate": c.fate.value, "fate_on": c.fate_on,
            "note": c.note}


def _z4(s: DormancySummary, as_of: date, params: LegalParams) -> Signal | None:
    known = [c for c in s.contacts if c.on <= as_of]
    letters = sorted(
        (c for c in known if c.kind is ContactKind.REGISTERED_LETTER
         and c.fate is ContactFate.UNSIGNED and (c.fate_on or c.on) <= as_of),
        key=lambda c: c.on,
    )
    lo, hi = params.unreachable_letters_min_gap_days, params.unreachable_letters_max_gap_days
    pair: tuple[ContactAttempt, ContactAttempt] | None = None
    for i, second in enumerate(letters):
        for first in letters[:i]:
            newer = pair is None or (second.on, first.on) > (pair[1].on, pair[0].on)
            if newer and lo <= (second.on - first.on).days <= hi:
                pair = (first, second)
    if pair is None:
        return None
    first, second = pair
    reached = [c for c in known if c.fate is ContactFate.REACHED
               and (c.fate_on or c.on) >= first.on and (c.fate_on or c.on) <= as_of]
    if reached:
        return None
    since = max(first.fate_on or first.on, second.fate_on or second.on)
    others = [c for c in known if c not in pair and c.fate is ContactFate.UNSIGNED]
    return Signal(
        DormancySignal.UNREACHABLE,
        since,
        _UNREACHABLE_RULE,
        {"letters": [_contact_json(first), _contact_json(second)],
         "gap_days": (second.on - first.on).days,
         "other_attempts": [_contact_json(c) for c in sorted(others, key=lambda c: c.on)]},
    )


# -- certificate expired; two years on the abnormal list ------------------------------


def _certificate(s: DormancySummary, as_of: date) -> Signal | None:
    if s.certificate_valid_until is None or as_of <= s.certificate_valid_until:
        return None
    return Signal(DormancySignal.CERTIFICATE_EXPIRED, s.certificate_valid_until + _ONE_DAY,
                  _CERT_RULE, {"valid_until": s.certificate_valid_until})


def _abnormal(s: DormancySummary, as_of: date, cal: WorkingCalendar, params: LegalParams
              ) -> Signal | None:
    if s.abnormal_listed_on is None:
        return None
    dl = _promotion(s.abnormal_listed_on, cal, params)
    if as_of < dl.due:
        return None
    return Signal(DormancySignal.ABNORMAL_TWO_YEARS, dl.due, dl.article,
                  {"listed_on": s.abnormal_listed_on, "two_years_on": dl.due})


# -- the assessment ----------------------------------------------------------------------


def exclusions(s: DormancySummary, as_of: date) -> tuple[Exclusion, ...]:
    return exclusions_of(s.status, s.registered_on, s.open_case_filed_on,
                         s.liquidation_started_on, s.delay_until, as_of)


def exclusions_of(status: OrgStatus | str, registered_on: date | None,
                  open_case_filed_on: date | None, liquidation_started_on: date | None,
                  delay_until: date | None, as_of: date) -> tuple[Exclusion, ...]:
    """The exclusions from the summary's columns (the list reads them from its rows)."""
    if (status == OrgStatus.ACTIVE and registered_on is not None and open_case_filed_on is None
            and liquidation_started_on is None and delay_until is None):
        return ()
    out = []
    if status == OrgStatus.DEREGISTERED:
        out.append(Exclusion(DormancyExclusion.DEREGISTERED))
    elif status == OrgStatus.REVOKED:
        out.append(Exclusion(DormancyExclusion.REVOKED))
    elif status == OrgStatus.APPLYING or registered_on is None:
        out.append(Exclusion(DormancyExclusion.NOT_REGISTERED))
    if open_case_filed_on is not None and open_case_filed_on <= as_of:
        out.append(Exclusion(DormancyExclusion.CASE_OPEN, since=open_case_filed_on))
    if liquidation_started_on is not None and liquidation_started_on <= as_of:
        out.append(Exclusion(DormancyExclusion.IN_LIQUIDATION, since=liquidation_started_on))
    if delay_until is not None and as_of <= delay_until:
        out.append(Exclusion(DormancyExclusion.DELAY_GRANTED, until=delay_until))
    return tuple(out)


def signals(
    s: DormancySummary, as_of: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> tuple[Signal, ...]:
    """Every signal that holds on ``as_of`` (regardless of exclusions)."""
    if s.registered_on is None or s.registered_on > as_of:
        return ()
    found = (
        _z1(s, as_of, cal, params),
        _z2(s, as_of, cal),
        _z4(s, as_of, params),
        _certificate(s, as_of),
        _abnormal(s, as_of, cal, params),
    )
    return tuple(x for x in found if x is not None)


def assess(
    s: DormancySummary, as_of: date, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Assessment:
    """Signals (with evidence) and exclusions of one organization on ``as_of``."""
    return Assessment(s.organization_id, s.uscc, s.name, as_of,
                      signals(s, as_of, cal, params), exclusions(s, as_of))


def candidates(
    summaries: list[DormancySummary] | tuple[DormancySummary, ...],
    as_of: date,
    cal: WorkingCalendar,
    params: LegalParams = _DEFAULT_PARAMS,
    *,
    include_excluded: bool = True,
) -> tuple[Assessment, ...]:
    """The organizations with at least one signal on ``as_of``; excluded ones are kept
    (shown with their exclusions) unless ``include_excluded`` is False."""
    out = []
    for s in summaries:
        a = assess(s, as_of, cal, params)
        if a.signals and (include_excluded or not a.exclusions):
            out.append(a)
    return tuple(out)


# -- the indexed column: the first day a signal can hold ------------------------------


def _change_days(s: DormancySummary, today: date, cal: WorkingCalendar,
                 params: LegalParams) -> list[date]:
    """The days on which a signal or its evidence can change if nothing else is recorded
    (a report year's deadline passing, an anniversary, a letter coming back, an expiry,
    the first activity and the day its ground is barred), in order."""
    assert s.registered_on is not None
    days: set[date] = {s.registered_on}
    days.add(_no_activity(s.registered_on, s.org_type, cal).due + _ONE_DAY)
    activity = activity_evidence_on(s)
    if activity is not None:
        days.add(activity)
        days.add(add_years(activity, 2) + _ONE_DAY)
    if s.certificate_valid_until is not None:
        days.add(s.certificate_valid_until + _ONE_DAY)
    if s.abnormal_listed_on is not None:
        days.add(_promotion(s.abnormal_listed_on, cal, params).due)
    for c in s.contacts:
        days.add(c.on)
        if c.fate_on is not None:
            days.add(c.fate_on)
    last_year = max([s.registered_on.year, today.year] + [r.year for r in s.reports])
    for year in range(s.registered_on.year, last_year + 4):
        days.add(_report_due(year, s.org_type, cal) + _ONE_DAY)
    for r in s.reports:
        for d in (r.submitted_on, r.concluded_on):
            if d is not None:
                days.add(d)
    return sorted(days)


def watch_from(
    s: DormancySummary,
    today: date,
    cal: WorkingCalendar,
    params: LegalParams = _DEFAULT_PARAMS,
) -> date | None:
    """The day from which the organization belongs in the list, if nothing else is
    recorded; None when it never will (deregistered, revoked, not registered). Stored in the
    summary row (recomputed on every change, with ``today`` the day of the change) and
    indexed; the list as of D reads ``watch_from <= D``.

    - Signals holding on ``today``: the earliest day they hold from (``since``), so that a
      list "as of" an earlier day still finds them.
    - Otherwise the first later day a signal starts. Signals only change on a few dates (a
      report year's deadline passing, an anniversary, a letter coming back, an expiry), so
      the candidates are those dates, checked in order. Signals that held in the past but no
      longer do (reports resumed) are ignored.
    """
    return window(s, today, cal, params, until=False).watch_from


@dataclass(frozen=True)
class Window:
    """What the summary row stores beside its inputs: ``watch_from`` (indexed), and the
    assessment's signals as they stand on every day of ``[assessed_on, until)`` — the
    list "as of" a day in that window reads them from the row instead of assessing."""

    watch_from: date | None
    assessed_on: date | None = None
    until: date | None = None
    signals: tuple[Signal, ...] = ()


def window(
    s: DormancySummary,
    today: date,
    cal: WorkingCalendar,
    params: LegalParams = _DEFAULT_PARAMS,
    *,
    until: bool = True,
) -> Window:
    """:func:`watch_from` and the signals that hold from ``max(today, watch_from)`` until
    the next day on which they (or their evidence) change: the next report deadline of a
    run of missing years, the day a ground is barred, ... (:func:`_change_days`; the
    window never reaches past the last of those days, three report years ahead)."""
    if s.status in (OrgStatus.DEREGISTERED, OrgStatus.REVOKED) or s.registered_on is None:
        return Window(None)
    now = signals(s, today, cal, params)
    days = _change_days(s, today, cal, params)
    if now:
        start, found, first = today, now, min(x.since for x in now)
    else:
        start, found = today, ()
        for day in days:
            if day > today:
                found = signals(s, day, cal, params)
                if found:
                    start = day
                    break
        if not found:
            return Window(None)
        first = start
    if not until:
        return Window(first)
    end = max(days[-1], start) + _ONE_DAY
    for day in days:
        if day > start and signals(s, day, cal, params) != found:
            end = day
            break
    return Window(first, start, end, found)


def window_columns(s: DormancySummary, today: date, cal: WorkingCalendar,
                   params: LegalParams = _DEFAULT_PARAMS) -> dict[str, object]:
    """The summary row's derived columns: ``watch_from`` (indexed) and the stored
    assessment (:func:`window`), computed on ``today``."""
    w = window(s, today, cal, params)
    return {"watch_from": w.watch_from, "computed_on": today,
            "signals_json": signals_text(w.signals, s.org_type) if w.assessed_on else "",
            "assessed_on": w.assessed_on, "assessed_until": w.until,
            "signals_since": min((x.since for x in w.signals), default=None)}


_STANDARD_ARTICLES: dict[OrgType, dict[DormancySignal, str]] = {}


def standard_article(kind: DormancySignal, org_type: OrgType) -> str:
    """The article the rules cite for a signal of ``kind`` about an organization of
    ``org_type`` (it depends on nothing else: not on the calendar, the dates or the
    parameters). The summary row leaves it out of its stored signals (:func:`signals_text`)."""
    found = _STANDARD_ARTICLES.get(org_type)
    if found is None:
        cal, day = WorkingCalendar(), date(2020, 1, 1)  # the articles of any day's deadlines
        found = _STANDARD_ARTICLES[org_type] = {
            DormancySignal.NO_REPORT_TWO_YEARS: _z1_article(org_type),
            DormancySignal.NO_ACTIVITY_FIRST_YEAR: _z2_article(
                clocks.no_activity_deadline(day, cal, org_type=org_type)),
            DormancySignal.UNREACHABLE: _UNREACHABLE_RULE,
            DormancySignal.CERTIFICATE_EXPIRED: _CERT_RULE,
            DormancySignal.ABNORMAL_TWO_YEARS: clocks.abnormal_list_promotion_date(
                day, cal, _DEFAULT_PARAMS).article,
        }
    return found[kind]


def signals_text(found: tuple[Signal, ...] | list[Signal], org_type: OrgType) -> str:
    """The signals as stored in the summary row: compact JSON of the ``--json`` shape
    without each signal's article where it is the standard one of its kind for
    ``org_type`` (:func:`standard_article`: the same long text in most rows)."""
    out = []
    for x in found:
        item = signal_json(x)
        if item["article"] == standard_article(x.kind, org_type):
            del item["article"]
        out.append(item)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def signals_json_from_text(text: str, org_type: OrgType | str) -> list[dict[str, object]]:
    """The ``--json`` shape of the stored signals (:func:`signals_text`): each signal's
    article put back in its place (kind, since, article, evidence)."""
    kind_of = OrgType(org_type)
    return [x if "article" in x else
            {"kind": x["kind"], "since": x["since"],
             "article": standard_article(DormancySignal(x["kind"]), kind_of),
             "evidence": x["evidence"]}
            for x in json.loads(text or "[]")]


def signals_from_text(text: str, org_type: OrgType | str) -> tuple[Signal, ...]:
    """The inverse of :func:`signals_text` (ISO dates in the evidence become dates)."""
    return tuple(
        Signal(DormancySignal(str(x["kind"])), date.fromisoformat(str(x["since"])),
               str(x["article"]), _dated(x["evidence"]))
        for x in signals_json_from_text(text, org_type)
    )


def _dated(value: object) -> Any:  # noqa: ANN401 - JSON value
    if isinstance(value, str) and len(value) == 10 and _ISO_DAY.fullmatch(value):
        return date.fromisoformat(value)
    if isinstance(value, dict):
        return {k: _dated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dated(v) for v in value]
    return value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
