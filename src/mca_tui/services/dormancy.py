"""Dormant ("僵尸型") organizations: the per-organization summary, contact attempts and
the candidate list (domain.md §6.3; rules in ``domain.dormancy``).

The summary (``dormancy_summary``, one row per organization) is kept current by the
services that change one of its inputs, inside their own unit:

    from mca_tui.services import dormancy
    dormancy.refresh(unit, ctx, organization_id)      # or refresh_many(unit, ctx, ids)

Call it after writing an annual report or its conclusion, a credit listing or removal,
a contact attempt, a penalty case (opened, decided, closed), a deregistration
application (liquidation), a status change, or a first activity (a change registration
approved, an evaluation applied for, a spot check that found the organization operating:
``first_activity``). It reads the organization's rows in the unit's session (so it sees
the unit's own writes) and rewrites the summary row: its inputs, ``watch_from`` (the first
day a signal holds) and the assessment itself (``domain.dormancy.window``: the signals
with their evidence, valid from ``assessed_on`` until ``assessed_until``, the next day they
would change). The list "as of D" (:func:`candidates`, :func:`count_candidates`,
``mca-tui dormant``) is one index range read ``watch_from <= D`` that takes each row's
stored assessment as it is: no scan of the report table, no assessment in Python. Rows
whose assessment ran out (a report deadline passed since they were written) are
assessed from their row and their report years (read by key: the row does not store
them) by the list, and
rewritten by :func:`roll_forward` when today's list is shown (:func:`current`).

Contact attempts (registered letters with their dates and fate, returned mail, field
checks, calls) are recorded with :func:`record_contact` (one unit, one audit event).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any

from sqlalchemy import String, and_, case, func, or_, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from mca_tui.domain import dormancy as dm
from mca_tui.domain import dormancy_row
from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.enums import (
    ApplicationKind,
    ApplicationStatus,
    CaseStatus,
    ContactFate,
    ContactKind,
    CreditListKind,
    OrgStatus,
    OrgType,
    ReportConclusion,
    SupervisionKind,
)
from mca_tui.domain.params import LegalParams
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.services.errors import FieldProblem, NotFound, ServiceError, ValidationFailed
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import (
    AnnualReport,
    Application,
    Certificate,
    CreditListEntry,
    Organization,
    PenaltyCase,
    SupervisionRecord,
)
from mca_tui.storage.models_summary import ContactAttemptRow, DormancyDelay, DormancySummaryRow

__all__ = [
    "Candidate",
    "candidates",
    "current",
    "contacts_of",
    "deferred",
    "grant_delay",
    "count_candidates",
    "rebuild_all",
    "record_contact",
    "roll_forward",
    "refresh",
    "refresh_many",
    "reports_of",
    "summary_of",
]

_OPEN_DEREG = ("draft", "accepted", "correction", "reviewed")


# --------------------------------------------------------------------------- building


def _status(value: str | None) -> OrgStatus:
    try:
        return OrgStatus(value or "active")
    except ValueError:
        return OrgStatus.ACTIVE


def _conclusion(value: str | None) -> ReportConclusion | None:
    try:
        return ReportConclusion(value) if value else None
    except ValueError:
        return None


def build_summary(s: Session, org: Organization) -> dm.DormancySummary:
    """The summary of one organization from its rows (read in ``s``)."""
    return _summaries(s, [org])[0]


def _summaries(s: Session, orgs: list[Organization]) -> list[dm.DormancySummary]:
    """The summaries of these organizations from their rows: one grouped query per input
    table over the indexed ``organization_id`` columns (at most a few hundred ids)."""
    ids = [o.id for o in orgs]
    reports = reports_of(s, ids)
    contacts: dict[str, list[dm.ContactAttempt]] = {}
    for c in s.exec(select(ContactAttemptRow)
                    .where(col(ContactAttemptRow.organization_id).in_(ids))
                    .order_by(col(ContactAttemptRow.on_date))):
        contacts.setdefault(c.organization_id, []).append(
            dm.ContactAttempt(ContactKind(c.kind), c.on_date, ContactFate(c.fate), c.fate_on,
                              c.note))
    valid_to = dict(s.exec(select(Certificate.organization_id, func.max(Certificate.valid_to))
                           .where(col(Certificate.organization_id).in_(ids),
                                  Certificate.status == "valid")
                           .group_by(Certificate.organization_id)).all())
    listed = dict(s.exec(select(CreditListEntry.organization_id,
                                func.max(CreditListEntry.listed_on))
                         .where(col(CreditListEntry.organization_id).in_(ids),
                                CreditListEntry.list_kind == CreditListKind.ABNORMAL.value,
                                col(CreditListEntry.removed_on).is_(None))
                         .group_by(CreditListEntry.organization_id)).all())
    cases = dict(s.exec(select(PenaltyCase.organization_id, func.min(PenaltyCase.filed_on))
                        .where(col(PenaltyCase.organization_id).in_(ids),
                               col(PenaltyCase.status).in_((CaseStatus.OPEN.value,
                                                            CaseStatus.DECIDED.value)))
                        .group_by(PenaltyCase.organization_id)).all())
    liquidation = dict(s.exec(select(Application.organization_id,
                                     func.min(Application.received_on))
                              .where(col(Application.organization_id).in_(ids),
                                     Application.kind == ApplicationKind.DEREGISTRATION.value,
                                     col(Application.status).in_(_OPEN_DEREG))
                              .group_by(Application.organization_id)).all())
    delays = dict(s.exec(select(DormancyDelay.organization_id, func.max(DormancyDelay.until))
                         .where(col(DormancyDelay.organization_id).in_(ids))
                         .group_by(DormancyDelay.organization_id)).all())
    activity = first_activity(s, ids)
    return [_summary(org, reports.get(org.id, ()), tuple(contacts.get(org.id, ())),
                     valid_to.get(org.id), listed.get(org.id), cases.get(org.id),
                     liquidation.get(org.id), delays.get(org.id), activity.get(org.id))
            for org in orgs]


def reports_of(s: Session, ids: list[str]) -> dict[str, tuple[dm.ReportYear, ...]]:
    """The report years of these organizations (at most a few hundred ids), oldest first:
    one read over the (organization_id, report_year) unique index. The summary row does
    not store them (revision 0021_compact_storage): they are read here when a summary is
    built or a row is assessed again."""
    out: dict[str, list[dm.ReportYear]] = {}
    report = AnnualReport
    for oid, year, conclusion, submitted, concluded in s.execute(
            sa_select(col(report.organization_id), col(report.report_year),
                      col(report.conclusion), col(report.submitted_on),
                      col(report.concluded_on))
            .where(col(report.organization_id).in_(ids))
            .order_by(col(report.organization_id), col(report.report_year))):
        out.setdefault(oid, []).append(
            dm.ReportYear(year, _conclusion(conclusion), _as_date(submitted),
                          _as_date(concluded)))
    return {oid: tuple(years) for oid, years in out.items()}


def first_activity(s: Session, ids: list[str]) -> dict[str, date]:
    """The first recorded activity of each organization other than its annual reports
    (``domain.dormancy.ACTIVITY_SOURCES``): an approved change registration (the day it
    was applied for), an evaluation applied for, a spot check that found it operating.
    Grouped reads over the indexed ``organization_id`` columns."""
    out: dict[str, date] = {}
    changes = s.exec(
        select(Application.organization_id,
               func.min(func.coalesce(Application.received_on, Application.decided_on)))
        .where(col(Application.organization_id).in_(ids),
               col(Application.kind) == ApplicationKind.CHANGE.value,
               col(Application.status) == ApplicationStatus.APPROVED.value)
        .group_by(Application.organization_id)).all()
    records = s.exec(
        select(SupervisionRecord.organization_id, func.min(SupervisionRecord.record_date))
        .where(col(SupervisionRecord.organization_id).in_(ids),
               or_(col(SupervisionRecord.kind) == SupervisionKind.EVALUATION.value,
                   and_(col(SupervisionRecord.kind) == SupervisionKind.SPOT_CHECK.value,
                        col(SupervisionRecord.outcome).in_(dm.ACTIVITY_SPOT_CHECK_RESULTS))))
        .group_by(SupervisionRecord.organization_id)).all()
    for oid, day in (*changes, *records):
        if oid is not None and day is not None:
            out[oid] = min(day, out.get(oid, day))
    return out


def stored(summary: dm.DormancySummary, today: date, cal: WorkingCalendar,
           params: LegalParams) -> dict[str, Any]:
    """The row's columns: the inputs (``dormancy_row.encode``), ``watch_from`` and the stored
    assessment (``dm.window``)."""
    values: dict[str, Any] = dormancy_row.encode(summary)
    values.update(dm.window_columns(summary, today, cal, params))
    return values


def _write(s: Session, ctx: ServiceContext, summary: dm.DormancySummary) -> DormancySummaryRow:
    values = stored(summary, ctx.today(), ctx.calendar, ctx.settings.legal)
    row = s.get(DormancySummaryRow, summary.organization_id)
    if row is None:
        row = DormancySummaryRow(**values)
    else:
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
    s.add(row)
    return row


_DEFERRED = threading.local()


@contextmanager
def deferred() -> Iterator[None]:
    """Within this block (this thread) :func:`refresh` and :func:`refresh_many` write
    nothing: a batch build that ends with :func:`rebuild_all` (the demo registry)
    computes every summary once instead of once per unit."""
    previous = getattr(_DEFERRED, "on", False)
    _DEFERRED.on = True
    try:
        yield
    finally:
        _DEFERRED.on = previous


def _is_deferred() -> bool:
    return bool(getattr(_DEFERRED, "on", False))


def refresh(unit: Unit, ctx: ServiceContext, organization_id: str) -> None:
    """Rewrite the organization's summary row inside ``unit`` (call it from every unit
    that changes a report, listing, contact attempt, case, liquidation or status)."""
    if _is_deferred():
        return
    s = unit.session
    s.flush()
    org = s.get(Organization, organization_id)
    if org is None:
        return
    _write(s, ctx, build_summary(s, org))


def refresh_many(unit: Unit, ctx: ServiceContext, organization_ids: Iterable[str]) -> None:
    """:func:`refresh` for many organizations at once (a ledger import, a rebuild): the
    inputs are read in chunks with one query per table, new rows are bulk-inserted."""
    if not _is_deferred():
        _refresh_many(unit, ctx, organization_ids)


def _refresh_many(unit: Unit, ctx: ServiceContext, organization_ids: Iterable[str]) -> None:
    s = unit.session
    s.flush()
    ids = list(dict.fromkeys(organization_ids))
    for start in range(0, len(ids), 500):
        _refresh_chunk(unit, ctx, ids[start:start + 500])


def _refresh_chunk(unit: Unit, ctx: ServiceContext, ids: list[str]) -> None:
    s = unit.session
    orgs = list(s.exec(select(Organization).where(col(Organization.id).in_(ids))))
    existing = {r.organization_id: r for r in s.exec(
        select(DormancySummaryRow).where(col(DormancySummaryRow.organization_id).in_(ids)))}
    today, cal, params = ctx.today(), ctx.calendar, ctx.settings.legal
    new_rows = []
    for summary in _summaries(s, orgs):
        values = stored(summary, today, cal, params)
        row = existing.get(summary.organization_id)
        if row is None:
            new_rows.append(values)
            continue
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
        s.add(row)
    unit.insert_rows(DormancySummaryRow, new_rows)


def _summary(org: Organization, reports: tuple[dm.ReportYear, ...],
             contacts: tuple[dm.ContactAttempt, ...], valid_to: date | None,
             listed: date | None, case_filed: date | None, liquidation: date | None,
             delay: date | None = None, activity: date | None = None) -> dm.DormancySummary:
    try:
        org_type = OrgType(org.org_type)
    except ValueError:
        org_type = OrgType.SOCIAL_GROUP
    return dm.DormancySummary(
        organization_id=org.id, org_type=org_type, registered_on=org.established_on,
        status=_status(org.status), uscc=org.uscc or "", name=org.name, reports=reports,
        contacts=contacts, certificate_valid_until=valid_to, abnormal_listed_on=listed,
        open_case_filed_on=case_filed, liquidation_started_on=liquidation, delay_until=delay,
        first_activity_on=activity)


def rebuild_all(ctx: ServiceContext) -> int:
    """Recompute every organization's row in one unit (after a calendar change, or for a
    registry created before the summary existed). Returns the number of rows."""
    with ctx.db.read() as s:
        ids = list(s.exec(select(Organization.id)))
    with ctx.unit("dormancy.rebuild", subject=Subject("dormancy_summary", None)) as u:
        _refresh_many(u, ctx, ids)  # also inside deferred(): this is the rebuild
        u.record("dormancy_summary", None, None, {"organizations": len(ids)})
    return len(ids)


def expired(ctx: ServiceContext, day: date | None = None) -> list[str]:
    """The organizations of the list on ``day`` whose stored assessment no longer holds (a
    report deadline or an anniversary passed since their row was written): the index
    range ``watch_from <= day`` filtered on the row."""
    day = day or ctx.today()
    with ctx.db.read() as s:
        return list(s.exec(select(_R.organization_id).where(
            col(_R.watch_from) <= day,
            or_(col(_R.assessed_on).is_(None), col(_R.assessed_on) > day,
                col(_R.assessed_until) <= day))))


def roll_forward(ctx: ServiceContext) -> int:
    """Rewrite, in one unit, the rows of today's list whose stored assessment has run out
    (:func:`expired`), so that the list reads them again instead of assessing them (the
    ``dormant`` command and the dormancy screen call it; once after each report deadline
    in practice). Returns the number of rows rewritten (0: nothing written)."""
    ids = expired(ctx)
    if not ids:
        return 0
    today, cal, params = ctx.today(), ctx.calendar, ctx.settings.legal
    with ctx.unit("dormancy.roll_forward", subject=Subject("dormancy_summary", None)) as u:
        s = u.session
        for start in range(0, len(ids), 500):  # the rows and their report years by key
            rows = list(s.exec(select(DormancySummaryRow)
                               .where(col(_R.organization_id).in_(ids[start:start + 500]))))
            for row, summary in zip(rows, _decode_rows(s, rows), strict=True):
                for key, value in dm.window_columns(summary, today, cal, params).items():
                    if getattr(row, key) != value:
                        setattr(row, key, value)
                s.add(row)
        u.record("dormancy_summary", None, None, {"organizations": len(ids), "on": today})
    return len(ids)


def current(ctx: ServiceContext, as_of: date | None = None, *, limit: int | None = None,
            include_excluded: bool = True) -> list[Candidate]:
    """The list as the dormancy screen and ``mca-tui dormant`` show it: on today's list
    the rows whose stored assessment ran out are rewritten first (:func:`roll_forward`;
    when that is refused, e.g. an OS account not signed in, the list assesses them
    itself), then :func:`candidates`."""
    day = as_of or ctx.today()
    if day == ctx.today():
        with suppress(ServiceError):
            roll_forward(ctx)
    return candidates(ctx, day, limit=limit, include_excluded=include_excluded)


# --------------------------------------------------------------------------- contacts


def record_contact(ctx: ServiceContext, organization_id: str, *, kind: str, on: date,
                   fate: str = ContactFate.PENDING.value, fate_on: date | None = None,
                   note: str = "") -> str:
    """Record one attempt to reach the organization (a registered letter sent on ``on``
    and signed / returned unsigned on ``fate_on``, other mail, a field check, a call).
    Refused: an unknown kind or fate, a date in the future, a fate before the attempt."""
    problems: list[FieldProblem] = []
    try:
        k = ContactKind(kind)
    except ValueError:
        problems.append(FieldProblem("kind", "dormancy.error.kind"))
    try:
        f = ContactFate(fate)
    except ValueError:
        problems.append(FieldProblem("fate", "dormancy.error.fate"))
    today = ctx.today()
    if on > today:
        problems.append(FieldProblem("on", "dormancy.error.future", {"date": on.isoformat()}))
    if fate_on is not None and (fate_on < on or fate_on > today):
        problems.append(FieldProblem("fate_on", "dormancy.error.fate_on"))
    if problems:
        raise ValidationFailed(problems)
    row_id = new_id()
    with ctx.unit("dormancy.contact", subject=Subject("contact_attempt", row_id,
                                                        organization_id)) as u:
        s = u.session
        if s.get(Organization, organization_id) is None:
            raise NotFound("org.not_found", id=organization_id)
        row = ContactAttemptRow(id=row_id, office_id=ctx.actor.office_id,
                                organization_id=organization_id, kind=k.value, on_date=on,
                                fate=f.value, fate_on=fate_on, note=note.strip())
        s.add(row)
        u.record("contact_attempt", row_id, None,
                 {"kind": k.value, "on": on, "fate": f.value, "fate_on": fate_on})
        refresh(u, ctx, organization_id)
    return row_id


def grant_delay(ctx: ServiceContext, organization_id: str, *, granted_on: date, until: date,
                reason: str) -> str:
    """Grant the organization a delay until ``until`` (e.g. to file its missing reports or
    to reorganize, §6.3 限期整改): it is not proposed for a case while the delay runs. The
    approver decides; a reason is required; ``until`` after ``granted_on``."""
    problems: list[FieldProblem] = []
    if not reason.strip():
        problems.append(FieldProblem("reason", "dormancy.error.reason"))
    if until <= granted_on:
        problems.append(FieldProblem("until", "dormancy.error.until"))
    if granted_on > ctx.today():
        problems.append(FieldProblem("granted_on", "dormancy.error.future",
                                     {"date": granted_on.isoformat()}))
    if problems:
        raise ValidationFailed(problems)
    row_id = new_id()
    with ctx.unit("dormancy.delay", subject=Subject("dormancy_delay", row_id,
                                                      organization_id)) as u:
        s = u.session
        if s.get(Organization, organization_id) is None:
            raise NotFound("org.not_found", id=organization_id)
        s.add(DormancyDelay(id=row_id, office_id=ctx.actor.office_id,
                            organization_id=organization_id, granted_on=granted_on,
                            until=until, reason=reason.strip()))
        u.record("dormancy_delay", row_id, None,
                 {"granted_on": granted_on, "until": until, "reason": reason.strip()})
        refresh(u, ctx, organization_id)
    return row_id


def contacts_of(ctx: ServiceContext, organization_id: str) -> list[dm.ContactAttempt]:
    ctx.permit("dormancy.read")
    with ctx.db.read() as s:
        return [dm.ContactAttempt(ContactKind(c.kind), c.on_date, ContactFate(c.fate),
                                  c.fate_on, c.note)
                for c in s.exec(select(ContactAttemptRow)
                                .where(ContactAttemptRow.organization_id == organization_id)
                                .order_by(col(ContactAttemptRow.on_date)))]


# --------------------------------------------------------------------------- the list


class Candidate:
    """One organization of the list on ``as_of``: its signals (with their evidence) and
    exclusions. Built from the row's stored assessment (decoded when first asked), or
    from an assessment made here when the row's is not valid on ``as_of``."""

    __slots__ = ("organization_id", "uscc", "name", "as_of", "since", "exclusions",
                 "_text", "_org_type", "_assessment")

    def __init__(self, organization_id: str, uscc: str, name: str, as_of: date, since: date,
                 exclusions: tuple[dm.Exclusion, ...], text: str = "",
                 assessment: dm.Assessment | None = None, org_type: str = "") -> None:
        self.organization_id = organization_id
        self.uscc = uscc
        self.name = name
        self.as_of = as_of
        self.since = since  # the earliest day among its signals
        self.exclusions = exclusions
        self._text = text  # the row's stored signals (domain.dormancy.signals_text)
        self._org_type = org_type  # (their standard articles depend on it)
        self._assessment = assessment

    @classmethod
    def of(cls, organization_id: str, a: dm.Assessment) -> Candidate:
        return cls(organization_id, a.uscc, a.name, a.as_of, min(x.since for x in a.signals),
                   a.exclusions, assessment=a)

    @property
    def assessment(self) -> dm.Assessment:
        if self._assessment is None:
            self._assessment = dm.Assessment(self.organization_id, self.uscc, self.name,
                                             self.as_of,
                                             dm.signals_from_text(self._text, self._org_type),
                                             self.exclusions)
        return self._assessment

    def to_json(self) -> dict[str, object]:
        if self._assessment is not None:
            return self._assessment.to_json()
        return {"uscc": self.uscc, "name": self.name, "as_of": self.as_of.isoformat(),
                "signals": dm.signals_json_from_text(self._text, self._org_type),
                "exclusions": [dm.exclusion_json(e) for e in self.exclusions]}


def _decode_rows(s: Session, rows: list[DormancySummaryRow]) -> list[dm.DormancySummary]:
    """The summaries of these rows (at most a few hundred), with the organizations' report
    years read by key."""
    reports = reports_of(s, [r.organization_id for r in rows])
    return [dormancy_row.decode(r.model_dump(), reports.get(r.organization_id, ())) for r in rows]


_R = DormancySummaryRow


def _listed(day: date) -> tuple[Any, ...]:  # noqa: ANN401 - SQL expressions
    """The rows of the list on ``day``: the index range ``watch_from <= day`` (a stored
    assessment is never empty: it starts on a day a signal holds and ends on the first day
    the signals change, so a row whose signals stopped is out of its window and assessed)."""
    return (col(_R.watch_from) <= day,)


def _excluded(day: date) -> Any:  # noqa: ANN401 - SQL expression
    return case((and_(*_not_excluded(day)), 0), else_=1)


def candidates(ctx: ServiceContext, as_of: date | None = None, *,
               include_excluded: bool = True, limit: int | None = None) -> list[Candidate]:
    """The organizations with at least one signal on ``as_of`` (default today), with
    their evidence; excluded ones (a case open, in liquidation, …) are kept and marked
    unless ``include_excluded`` is False. Not excluded first, then by the day the first
    signal began. One indexed range read of the summary: each row's stored assessment
    (``assessed_on <= as_of < assessed_until``) is used as it is; the few rows whose
    assessment is not valid that day (an ``as_of`` in the past, a row not refreshed for a
    year) are assessed here from their row. ``limit`` bounds the rows read (a screen's
    first page)."""
    ctx.permit("dormancy.read")
    day = as_of or ctx.today()
    # the status is the summary's (each service that changes it refreshes the row in the
    # same unit: deregistration, revocation, ledger import): no read of the wide
    # organization rows
    # the dates come as the driver gives them (ISO text on SQLite, dates on PostgreSQL):
    # compared as ISO text, converted only where an object needs a date
    columns: list[Any] = [col(_R.organization_id), col(_R.uscc), col(_R.name),
                          col(_R.signals_json)]
    columns += [type_coerce(c, String) for c in (
        _R.signals_since, _R.assessed_on, _R.assessed_until, _R.registered_on,
        _R.open_case_filed_on, _R.liquidation_started_on, _R.delay_until)]
    columns += [col(_R.status), col(_R.org_type)]
    q = select(*columns).where(*_listed(day))
    if not include_excluded:
        q = q.where(*_not_excluded(day))
    if limit is not None:
        q = q.order_by(_excluded(day), col(_R.signals_since), col(_R.uscc)).limit(limit)
    out: list[Candidate] = []
    stale: list[str] = []
    key = day.isoformat()
    active = OrgStatus.ACTIVE.value
    with ctx.db.read() as s:
        for (oid, uscc, name, text, since, on, until, registered, case_on, liquidation, delay,
             status, org_type) in s.execute(q):
            if on is None or not str(on) <= key < str(until):
                stale.append(oid)
                continue
            if (status == active and registered is not None and case_on is None
                    and liquidation is None and delay is None):
                excluded: tuple[dm.Exclusion, ...] = ()
            else:
                excluded = dm.exclusions_of(status, _as_date(registered), _as_date(case_on),
                                            _as_date(liquidation), _as_date(delay), day)
            out.append(Candidate(oid, uscc, name, day, _as_date(since), excluded, text,
                                 org_type=org_type))
        for start in range(0, len(stale), 500):
            rows = list(s.exec(select(DormancySummaryRow)
                               .where(col(_R.organization_id).in_(stale[start:start + 500]))))
            for row, summary in zip(rows, _decode_rows(s, rows), strict=True):
                a = dm.assess(summary, day, ctx.calendar, ctx.settings.legal)
                if a.signals and (include_excluded or not a.exclusions):
                    out.append(Candidate.of(row.organization_id, a))
    out.sort(key=lambda c: (bool(c.exclusions), c.since, c.uscc))
    return out


def _as_date(value: object) -> Any:  # noqa: ANN401 - a date or None
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _not_excluded(day: date) -> tuple[Any, ...]:  # noqa: ANN401 - SQL expressions
    """The exclusions (domain.dormancy.exclusions) as SQL on the summary's columns."""
    row = DormancySummaryRow
    return (row.status == OrgStatus.ACTIVE.value,
            or_(col(row.open_case_filed_on).is_(None), col(row.open_case_filed_on) > day),
            or_(col(row.liquidation_started_on).is_(None), col(row.liquidation_started_on) > day),
            or_(col(row.delay_until).is_(None), col(row.delay_until) < day))


def count_candidates(ctx: ServiceContext, as_of: date | None = None) -> int:
    """How many organizations are candidates (no exclusion) on ``as_of``, for the home
    screen: one count over the index range of the summary (no assessment, no scan of
    the report table; a row whose stored assessment is not valid that day counts by its
    ``watch_from``)."""
    ctx.permit("dormancy.read")
    day = as_of or ctx.today()
    with ctx.db.read() as s:
        return int(s.exec(select(func.count()).select_from(DormancySummaryRow)
                          .where(*_listed(day), *_not_excluded(day))).one())


def summary_of(ctx: ServiceContext, organization_id: str) -> dm.DormancySummary | None:
    ctx.permit("dormancy.read")
    with ctx.db.read() as s:
        row = s.get(DormancySummaryRow, organization_id)
        return _decode_rows(s, [row])[0] if row is not None else None


def assess_one(ctx: ServiceContext, organization_id: str, as_of: date | None = None
               ) -> dm.Assessment | None:
    s_ = summary_of(ctx, organization_id)
    if s_ is None:
        return None
    return dm.assess(s_, as_of or ctx.today(), ctx.calendar, ctx.settings.legal)


def encode_json(items: list[Candidate]) -> str:
    return json.dumps([c.to_json() for c in items], ensure_ascii=False, indent=2)


def needs_rebuild(ctx: ServiceContext) -> bool:
    """True when some organization has no summary row (a registry written before the
    summary existed): two indexed counts, no scan of the report table."""
    with ctx.db.read() as s:
        orgs = s.exec(select(func.count()).select_from(Organization)).one()
        rows = s.exec(select(func.count()).select_from(DormancySummaryRow)).one()
    return rows < orgs
