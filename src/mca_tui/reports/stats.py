"""Statistics read from the records themselves (no separate counters).

``year_stats(db, settings, year)`` gives the figures of a bureau's yearly report for
calendar year Y, each counting DISTINCT organizations:

- registered: organizations whose establishment registration (成立登记) is dated in Y,
  by type;
- deregistered: organizations whose deregistration (注销登记) is dated in Y, by type;
- revoked: organizations whose revocation (撤销登记) is dated in Y, and how many of them
  were dormant (僵尸型);
- annual_report: the cycle for report year Y-1 — due: registered on or before the
  cut-off of Y-1 (default 30 June, ``LegalParams``) and not deregistered or revoked
  before 1 January of Y (``domain.clocks.must_report``); accepted: those of the due with a
  report for Y-1 concluded 合格, 基本合格 or accepted in report mode (accepted ⊆ due);
- financial_audit, rectification, interview, spot_check, evaluation: organizations with
  such a supervision record dated in Y (an audit once done, an evaluation once granted,
  an interview once held, a rectification order unless cancelled);
- credit_lists: organizations listed on / removed from the abnormal list and the serious
  list in Y (a key added after those issue 5 fixed, ``FIXED_KEYS``).

``register_as_of(db, day)`` gives the register as it stood at the end of a day, by type
and status, derived from the dates (established_on, deregistered_on, revoked_on), so a
past date gives the same answer today and tomorrow.

The queries are portable SQL (no SQLite specifics).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from mca_tui.config import Settings
from mca_tui.domain.clocks import report_cutoff
from mca_tui.domain.enums import (
    ACCEPTED_CONCLUSIONS,
    OrgStatus,
    OrgType,
    RevocationKind,
    SupervisionKind,
)
from mca_tui.i18n import label, t
from mca_tui.storage import report_summary
from mca_tui.storage.engine import Database
from mca_tui.storage.models import AnnualReport, Organization, SupervisionRecord
from mca_tui.storage.models_summary import ReportSummary

PENDING_AUDIT_TRIGGER = "change_of_legal_rep"
DEREGISTRATION_AUDIT_TRIGGER = "deregistration"  # AuditTrigger.DEREGISTRATION
CHANGE_OF_TERM_AUDIT_TRIGGER = "change_of_term"  # AuditTrigger.CHANGE_OF_TERM (换届)
# audits that may be opened as only *required* (completed_on None) and count once done
REQUIRED_AUDIT_TRIGGERS = (PENDING_AUDIT_TRIGGER, DEREGISTRATION_AUDIT_TRIGGER,
                           CHANGE_OF_TERM_AUDIT_TRIGGER)
PENDING_EVALUATION_TRIGGER = "application"  # an evaluation not granted (yet)
# services.supervision.rectification.CANCELLED_OUTCOME: an order cancelled as made in error
CANCELLED_RECTIFICATION_OUTCOME = "cancelled"

TYPES = (OrgType.SOCIAL_GROUP, OrgType.PRIVATE_NON_ENTERPRISE, OrgType.FOUNDATION)
SUPERVISION = (SupervisionKind.FINANCIAL_AUDIT, SupervisionKind.RECTIFICATION,
               SupervisionKind.INTERVIEW, SupervisionKind.SPOT_CHECK,
               SupervisionKind.EVALUATION)


# The keys of ``mca-tui stats --json`` that issue 5 fixed, in its order (more may follow).
FIXED_KEYS = ("year", "registered", "deregistered", "revoked", "annual_report",
              "financial_audit", "rectification", "interview", "spot_check", "evaluation")


@dataclass(frozen=True)
class YearStats:
    year: int
    registered: dict[str, int]
    deregistered: dict[str, int]
    revoked: dict[str, int]
    annual_report: dict[str, int]
    financial_audit: int
    rectification: int
    interview: int
    spot_check: int
    evaluation: int
    # organizations listed on / removed from the credit lists in the year (Order 60;
    # services.supervision.credit_lists): in the table and, as a key added after the
    # fixed ones, in the JSON; not in equality (the ledger, which a registry round-trips
    # through, has no credit lists)
    credit_lists: dict[str, int] = field(default_factory=dict, compare=False)
    # interviews held in the year, counted per interview (the report's 家次: one
    # organization interviewed twice is two); ``interview`` counts organizations
    interview_times: int = field(default=0, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``mca-tui stats --json``: the keys issue 5 fixed (``FIXED_KEYS``,
        never renamed), then the keys added since, which the issue allows ("more keys may
        be added, none renamed"): ``credit_lists`` (``abnormal_listed``,
        ``abnormal_removed``, ``serious_listed``, ``serious_removed``: organizations)."""
        out = asdict(self)
        out.pop("interview_times", None)
        return out


@dataclass(frozen=True)
class AsOfStats:
    as_of: date
    # org type -> status -> count (status: active | deregistered | revoked)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def total(self, status: str | None = None) -> int:
        return sum(n for by_status in self.counts.values() for s, n in by_status.items()
                   if status is None or s == status)

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "counts": self.counts,
                "total": {s.value: self.total(s.value) for s in
                          (OrgStatus.ACTIVE, OrgStatus.DEREGISTERED, OrgStatus.REVOKED)}}


def _in_year(column: Any, year: int) -> ColumnElement[bool]:
    return and_(column >= date(year, 1, 1), column <= date(year, 12, 31))


# Counting (issue 12): a query over the organization table alone counts rows (the id is
# its key), and a report year's reports count rows (one per organization and year, by a
# unique constraint): COUNT(DISTINCT id) made SQLite build a temporary b-tree of every id.
# Supervision records and credit-list entries (several per organization) stay DISTINCT.


_NEVER = date(9999, 12, 31)  # an organization not (yet) closed

# Rectifications and interviews count as work done, on the row itself (read anyway for its
# organization; no JSON): an order cancelled as made in error was never an order
# (services.supervision.rectification.cancel), and an interview counts once held (its
# outcome recorded), not when it is only notified (services.supervision.interviews);
# imported interviews were held.
_DONE = (
    or_(col(SupervisionRecord.kind) != SupervisionKind.RECTIFICATION.value,
        col(SupervisionRecord.outcome) != CANCELLED_RECTIFICATION_OUTCOME),
    or_(col(SupervisionRecord.kind) != SupervisionKind.INTERVIEW.value,
        col(SupervisionRecord.outcome) != "",
        col(SupervisionRecord.import_batch_id).is_not(None)),
)


def _by_type(session: Session, column: Any, year: int) -> dict[str, int]:
    rows = session.execute(
        select(col(Organization.org_type), func.count())
        .where(_in_year(column, year))
        .group_by(col(Organization.org_type))
    ).all()
    found = dict(rows)
    out = {"total": sum(found.values())}
    for ot in TYPES:
        out[ot.value] = int(found.get(ot.value, 0))
    return out


def _registered_by_type(session: Session, year: int) -> dict[str, int]:
    """Organizations registered in ``year`` by type, from the per-organization report
    summary's index ``(established_on, closed_on, org_type, ...)`` alone (one row per
    organization, storage.report_summary)."""
    t = ReportSummary.__table__  # type: ignore[attr-defined]
    found: dict[str, int] = dict(session.execute(
        select(t.c.org_type, func.count())
        .where(_in_year(t.c.established_on, year))
        .group_by(t.c.org_type)).all())
    out = {"total": sum(found.values())}
    for ot in TYPES:
        out[ot.value] = int(found.get(ot.value, 0))
    return out


def _due_and_accepted_from_summary(session: Session, report_year: int, cutoff: date,
                                   next_jan: date) -> tuple[int, int] | None:
    """(due, accepted) of ``report_year`` in one pass over the summary's index
    ``(established_on, closed_on, org_type, accepted_years)``: due = registered on or
    before the cut-off and not closed before 1 January of the next year
    (``must_report``); accepted = those of the due whose report of the year was accepted
    (its bit in ``accepted_years``). None for a year outside the bits."""
    if not report_summary.ACCEPTED_BASE <= report_year <= report_summary.ACCEPTED_LAST:
        return None
    t = ReportSummary.__table__  # type: ignore[attr-defined]
    shift = literal(report_year - report_summary.ACCEPTED_BASE, Integer)  # bigint >> int
    bit = t.c.accepted_years.op(">>")(shift).op("&")(1)
    due, accepted = session.execute(
        select(func.count(), func.coalesce(func.sum(bit), 0))
        .where(t.c.established_on <= cutoff,
               or_(t.c.closed_on.is_(None), t.c.closed_on >= next_jan))).one()
    return int(due), int(accepted)


def year_stats(db: Database, settings: Settings, year: int) -> YearStats:
    """The figures of calendar year ``year`` (see the module docstring)."""
    report_year = year - 1
    cutoff = report_cutoff(report_year, settings.legal)
    next_jan = date(year, 1, 1)
    with db.read() as s:
        registered = _registered_by_type(s, year)
        deregistered = _by_type(s, col(Organization.deregistered_on), year)
        revoked_total, dormant = s.execute(
            select(func.count(),
                   func.count(case(
                       (col(Organization.revocation_kind) == RevocationKind.DORMANT.value,
                        col(Organization.id)))))
            .where(_in_year(col(Organization.revoked_on), year))
        ).one()
        fast = _due_and_accepted_from_summary(s, report_year, cutoff, next_jan)
        if fast is not None:
            due, accepted = fast
        else:  # a report year outside the summary's bits: from the tables
            # must_report(established_on, report_year, closed_on) in SQL: registered on or
            # before the cut-off and not closed before 1 January of the next year.
            # Written with coalesce so that no single-column index is chosen to select most
            # of the table row by row (established_on: ~80 % of rows; "deregistered_on IS
            # NULL OR ..." became a multi-index OR): the count reads the covering index
            # ix_organization_lifespan from end to end, and the accepted count starts from the
            # report year's reports.
            established = func.coalesce(col(Organization.established_on),
                                        col(Organization.established_on))
            is_due = and_(
                established.is_not(None),
                established <= cutoff,
                func.coalesce(col(Organization.deregistered_on), _NEVER) >= next_jan,
                func.coalesce(col(Organization.revoked_on), _NEVER) >= next_jan,
            )
            due = s.execute(
                select(func.count()).select_from(Organization).where(is_due)
            ).scalar_one()
            # accepted ⊆ due (domain.md §10.10): only organizations that were due count, so a
            # report filed by one registered after the cut-off or closed before the year's
            # end never lifts the figure. Counted as all accepted reports of the year (one
            # per organization: index-only) less those of organizations not due, a small set
            # found by its indexes, instead of looking up every reporting organization.
            of_year = (col(AnnualReport.report_year) == report_year,
                       col(AnnualReport.conclusion).in_(ACCEPTED_CONCLUSIONS))
            not_due = or_(col(Organization.established_on).is_(None),
                          col(Organization.established_on) > cutoff,
                          col(Organization.deregistered_on) < next_jan,
                          col(Organization.revoked_on) < next_jan)
            # (IN over the not-due ids: the small set is read once by its indexes, instead of
            # one organization lookup per accepted report)
            accepted = s.execute(
                select(func.count()).select_from(AnnualReport).where(*of_year)
            ).scalar_one() - s.execute(
                select(func.count())
                .select_from(AnnualReport)
                .where(*of_year, col(AnnualReport.organization_id).in_(
                    select(col(Organization.id)).where(not_due)))
            ).scalar_one()
        kinds = dict(s.execute(
            select(col(SupervisionRecord.kind),
                   func.count(func.distinct(col(SupervisionRecord.organization_id))))
            .where(_in_year(col(SupervisionRecord.record_date), year),
                   # an audit the change of legal representative made *required* counts
                   # once it is done, not when it is opened (services.registration)
                   # (so does the liquidation audit a deregistration's acceptance
                   # opens, services.deregistration, and the audit a recorded change
                   # of term proposes, services.registration.terms)
                   or_(col(SupervisionRecord.trigger).not_in(REQUIRED_AUDIT_TRIGGERS),
                       col(SupervisionRecord.completed_on).is_not(None)),
                   # an evaluation counts once its grade is granted, not while it is an
                   # application (services.supervision.evaluation; imported rows count)
                   or_(col(SupervisionRecord.kind) != SupervisionKind.EVALUATION.value,
                       col(SupervisionRecord.trigger) != PENDING_EVALUATION_TRIGGER),
                   *_DONE)
            .group_by(col(SupervisionRecord.kind))
        ).all())
        interview_times = s.execute(
            select(func.count()).select_from(SupervisionRecord)
            .where(col(SupervisionRecord.kind) == SupervisionKind.INTERVIEW.value,
                   _in_year(col(SupervisionRecord.record_date), year), *_DONE)
        ).scalar_one()
    return YearStats(
        year=year,
        registered=registered,
        deregistered=deregistered,
        revoked={"total": int(revoked_total), "dormant": int(dormant)},
        annual_report={"report_year": report_year, "due": int(due),
                       "accepted": int(accepted)},
        **{k.value: int(kinds.get(k.value, 0)) for k in SUPERVISION},
        credit_lists=_credit_list_counts(db, year),
        interview_times=int(interview_times),
    )


def _credit_list_counts(db: Database, year: int) -> dict[str, int]:
    """Organizations listed on and removed from each credit list in ``year`` (a listing
    with several grounds, or a ground added, counts its organization once)."""
    from mca_tui.storage.models import CreditListEntry

    out: dict[str, int] = {}
    with db.read() as s:
        for kind in ("abnormal", "serious"):
            for what, column in (("listed", col(CreditListEntry.listed_on)),
                                 ("removed", col(CreditListEntry.removed_on))):
                out[f"{kind}_{what}"] = int(s.execute(
                    select(func.count(func.distinct(col(CreditListEntry.organization_id))))
                    .where(col(CreditListEntry.list_kind) == kind, _in_year(column, year))
                ).scalar_one())
    return out


def register_as_of(db: Database, day: date) -> AsOfStats:
    """Organizations registered on or before ``day`` by type and by their status at the
    end of that day (a later deregistration or revocation does not count yet)."""
    status = case(
        (and_(col(Organization.revoked_on).is_not(None), col(Organization.revoked_on) <= day),
         OrgStatus.REVOKED.value),
        (and_(col(Organization.deregistered_on).is_not(None), col(Organization.deregistered_on) <= day),
         OrgStatus.DEREGISTERED.value),
        else_=OrgStatus.ACTIVE.value,
    )
    with db.read() as s:
        rows = s.execute(
            select(col(Organization.org_type), status.label("st"), func.count(col(Organization.id)))
            .where(col(Organization.established_on).is_not(None), col(Organization.established_on) <= day)
            .group_by(col(Organization.org_type), status)
        ).all()
    counts: dict[str, dict[str, int]] = {
        ot.value: {st.value: 0 for st in (OrgStatus.ACTIVE, OrgStatus.DEREGISTERED,
                                          OrgStatus.REVOKED)} for ot in TYPES}
    for org_type, st, n in rows:
        counts.setdefault(org_type, {})[st] = int(n)
    return AsOfStats(day, counts)


# --------------------------------------------------------------------------- text


def table_rows(stats: YearStats, lang: str | None = None) -> list[tuple[str, str]]:
    """(label, figure) rows of the statistics table, in the order of the report."""
    sg, pne, fd = (label(x, lang) for x in TYPES)
    r, d = stats.registered, stats.deregistered
    a = stats.annual_report
    rows = [
        (t("stats.row.registered", lang), str(r["total"])),
        (f"  {sg}", str(r["social_group"])),
        (f"  {pne}", str(r["private_non_enterprise"])),
        (f"  {fd}", str(r["foundation"])),
        (t("stats.row.deregistered", lang), str(d["total"])),
        (f"  {sg}", str(d["social_group"])),
        (f"  {pne}", str(d["private_non_enterprise"])),
        (f"  {fd}", str(d["foundation"])),
        (t("stats.row.revoked", lang), str(stats.revoked["total"])),
        (f"  {t('stats.row.dormant', lang)}", str(stats.revoked["dormant"])),
        (t("stats.row.report_due", lang, year=a["report_year"]), str(a["due"])),
        (t("stats.row.report_accepted", lang, year=a["report_year"]), str(a["accepted"])),
    ]
    for kind in SUPERVISION:
        rows.append((t(f"stats.row.{kind.value}", lang), str(getattr(stats, kind.value))))
    for key, value in stats.credit_lists.items():  # 信用名录 (Order 60)
        rows.append((t(f"stats.row.{key}", lang), str(value)))
    return rows


def pass_rate(accepted: int, due: int) -> str | None:
    """The annual-report pass rate accepted/due in per cent, one decimal rounded half
    up ("91.4"); None when nobody was due."""
    if not due:
        return None
    rate = (Decimal(accepted) * 100 / Decimal(due)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{rate}"


def draft_paragraph(stats: YearStats, lang: str | None = None) -> str:
    """A paragraph stating the year's figures in the register of a 法治政府建设工作报告
    (the clerk pastes it into the bureau's yearly report): "2022年，全区新成立社会组织
    27家（社会团体8家、民办非企业单位19家）……". Figures of zero are left out except
    the number of new registrations. The wording is in the catalog (``stats.paragraph``),
    Chinese for the report; ``lang="en"`` gives an English equivalent."""
    def tx(key: str, **params: object) -> str:
        return t(f"stats.paragraph.{key}", lang, **params)

    def by_type(fig: dict[str, int]) -> str:
        items = [tx("type_item", type=label(ot, lang), count=fig[ot.value])
                 for ot in TYPES if fig[ot.value]]
        return tx("by_type", items=tx("item_sep").join(items)) if items else ""

    r, d, v = stats.registered, stats.deregistered, stats.revoked
    a = stats.annual_report
    sentences: list[list[str]] = []
    first = [tx("registered", year=stats.year, total=r["total"], by_type=by_type(r))]
    if d["total"]:
        first.append(tx("deregistered", total=d["total"], by_type=by_type(d)))
    if v["total"]:
        if v["dormant"] == v["total"]:
            first.append(tx("revoked_dormant", total=v["total"]))
        elif v["dormant"]:
            first.append(tx("revoked_some_dormant", total=v["total"], dormant=v["dormant"]))
        else:
            first.append(tx("revoked", total=v["total"]))
    sentences.append(first)
    # 约谈…家次 counts interviews, the other two organizations
    counts = {"financial_audit": stats.financial_audit, "rectification": stats.rectification,
              "interview": max(stats.interview_times, stats.interview)}
    supervision = [tx(key, count=n) for key, n in counts.items() if n]
    if supervision:
        supervision[0] = tx("supervision_lead") + supervision[0]
        sentences.append(supervision)
    report = [tx("annual_report", year=a["report_year"], due=a["due"]),
              tx("annual_report_accepted", accepted=a["accepted"])]
    rate = pass_rate(a["accepted"], a["due"])
    if rate is not None:
        report.append(tx("pass_rate", rate=rate))
    sentences.append(report)
    if stats.spot_check:
        sentences.append([tx("spot_check", count=stats.spot_check)])
    if stats.evaluation:
        sentences.append([tx("evaluation", count=stats.evaluation)])
    sep, end = tx("clause_sep"), tx("sentence_end")
    return tx("sentence_sep").join(sep.join(parts) + end for parts in sentences)


def as_of_rows(stats: AsOfStats, lang: str | None = None) -> list[list[str]]:
    """Rows of the as-of table: type, active, deregistered, revoked, total."""
    out = []
    for ot in TYPES:
        c = stats.counts.get(ot.value, {})
        row = [c.get(s.value, 0) for s in (OrgStatus.ACTIVE, OrgStatus.DEREGISTERED,
                                           OrgStatus.REVOKED)]
        out.append([label(ot, lang), *map(str, row), str(sum(row))])
    totals = [stats.total(s.value) for s in (OrgStatus.ACTIVE, OrgStatus.DEREGISTERED,
                                              OrgStatus.REVOKED)]
    out.append([t("stats.total", lang), *map(str, totals), str(sum(totals))])
    return out
