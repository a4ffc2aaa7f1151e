"""SQLModel tables derived from the register and kept by the services in the same
transaction: the dormancy inputs and per-organization summary (H12), the search terms of
applications, the report summary and the organization terms. ``storage.models`` holds the
register itself and imports this module, so that its ``metadata`` has every table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from mca_tui.storage.models_base import _id, utcnow

# --------------------------------------------------------------------------- dormancy (H12)


class ContactAttemptRow(SQLModel, table=True):
    """An attempt to reach an organization (§6.3 Z4): a registered letter to its domicile
    with the day sent and its fate (signed / returned unsigned) and the day of the fate,
    other mail, a field check (实地核查) or a call. Written by
    ``services.dormancy.record_contact``."""

    __tablename__ = "contact_attempt"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    kind: str = Field(max_length=20)  # ContactKind
    on_date: date
    fate: str = Field(default="pending", max_length=20)  # ContactFate
    fate_on: date | None = None
    note: str = Field(default="")


class DormancySummaryRow(SQLModel, table=True):
    """One row per organization: what the dormancy rules need (``domain.dormancy``
    ``DormancySummary``, encoded), kept current by ``services.dormancy.refresh`` in the
    unit that changes an input, and ``watch_from``, the first day a signal holds (NULL:
    never, e.g. deregistered or revoked). The list as of D is ``watch_from <= D`` over its
    index: no scan of the annual-report table."""

    __tablename__ = "dormancy_summary"
    # the list's and the home count's range: watch_from, then the exclusions the count
    # filters on (the count reads the index alone)
    __table_args__ = (Index("ix_dormancy_summary_list", "watch_from", "status",
                            "open_case_filed_on", "liquidation_started_on", "delay_until"),)
    organization_id: str = Field(foreign_key="organization.id", primary_key=True,
                                 max_length=32)
    org_type: str = Field(max_length=32)
    registered_on: date | None = None
    status: str = Field(default="active", max_length=20)
    # uscc and name: what the list shows of each row, without a lookup of the organization
    # per row; the report years are not stored (revision 0021_compact_storage): read from
    # ``annual_report`` by key when a row is assessed again
    uscc: str = Field(default="", max_length=18)
    name: str = Field(default="", max_length=200)
    reports_since_year: int | None = None
    first_activity_on: date | None = None
    contacts_json: str = Field(default="[]")
    certificate_valid_until: date | None = None
    abnormal_listed_on: date | None = None
    open_case_filed_on: date | None = None
    liquidation_started_on: date | None = None
    delay_until: date | None = None
    watch_from: date | None = None
    computed_on: date | None = None
    # the assessment stored with the row (domain.dormancy.window): the signals with their
    # evidence (JSON, the ``dormant --json`` shape) that hold on every day of
    # [assessed_on, assessed_until), and the earliest ``since`` among them (sort key)
    signals_json: str = Field(default="")
    assessed_on: date | None = None
    assessed_until: date | None = None
    signals_since: date | None = None


class DormancyDelay(SQLModel, table=True):
    """A delay granted to an organization (e.g. to file its missing reports or to
    reorganize, §6.3 限期整改) until a date: while it runs the organization is not proposed
    for a revocation case (``domain.dormancy`` exclusion ``delay_granted``). Written by
    ``services.dormancy.grant_delay``."""

    __tablename__ = "dormancy_delay"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    granted_on: date
    until: date
    reason: str = Field(default="")


class ApplicationTerm(SQLModel, table=True):
    """Search terms of an application (storage.application_search): every suffix of its
    number, proposed name and applicant, normalized, so that a fragment typed in the
    search box is a prefix range on ``(office_id, term)`` (no scan of ``application``).
    Derived: rewritten from the application on every flush that writes it."""

    __tablename__ = "application_term"
    __table_args__ = (Index("ix_application_term_office_id_term", "office_id", "term"),)
    application_id: str = Field(primary_key=True, max_length=32)  # derived: no foreign key
    term: str = Field(primary_key=True, max_length=200)
    office_id: str = Field(max_length=32)


class ReportSummary(SQLModel, table=True):
    """Per organization, its latest two submitted report years (storage.report_summary):
    the home queue of overdue annual reports is an index range on ``(status, last_year,
    established_on, previous_year, closed_on)`` instead of an anti-join with
    ``annual_report``; the statistics' due and accepted counts of a report year read
    ``(established_on, closed_on, org_type, accepted_years)`` alone. Derived: rewritten on
    every flush that writes the organization's reports, type, status or dates."""

    __tablename__ = "report_summary"
    __table_args__ = (Index("ix_report_summary_due", "status", "last_year", "established_on",
                            "previous_year", "closed_on"),
                      Index("ix_report_summary_lifespan", "established_on", "closed_on",
                            "org_type", "accepted_years"))
    organization_id: str = Field(primary_key=True, max_length=32)  # derived: no foreign key
    status: str = Field(max_length=20)
    established_on: date | None = None
    closed_on: date | None = None  # the earlier of deregistered_on and revoked_on
    last_year: int = Field(default=0)  # latest submitted report year, 0: none
    previous_year: int = Field(default=0)  # latest submitted year before it, 0: none
    org_type: str = Field(default="", max_length=32)
    # bit (Y - ACCEPTED_BASE) set: the report of year Y was accepted (合格, 基本合格, 通过)
    accepted_years: int = Field(default=0, sa_type=BigInteger)


class OrganizationTerm(SQLModel, table=True):
    """A change of term (换届) of an organization's council or board, filed with the
    registration authority: the meeting that elected it, the new term's dates and its
    leading persons (``leaders_json``: ``[{"title", "name", "id_number"}]``; each also an
    ``OrganizationPerson`` row of role ``leader`` from ``starts_on``). The term is not a
    registered item (登记事项, domain.md §1.4), so this is a recorded event of the record,
    not a 变更登记; recording it proposes the financial audit the law requires before a
    change of term ([S1] Art 27, [S3] Art 37; domain.md §2, §9). Written by
    ``services.registration.terms.record_change_of_term``."""

    __tablename__ = "organization_term"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    term_number: int | None = None  # 第几届
    elected_on: date  # 换届大会（理事会）日期
    starts_on: date
    ends_on: date | None = None
    filed_on: date  # 报送登记管理机关的日期
    leaders_json: str = Field(default="[]")
    note: str = Field(default="")
    created_at: datetime = Field(default_factory=utcnow)
