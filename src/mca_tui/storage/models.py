"""SQLModel tables: the whole life of a social organization (社会组织).

Conventions
- Every record has a globally unique ``id`` (storage.ids.new_id) and the ``office_id``
  of the office that wrote it, so that the registries of a district bureau and of its
  offline subdistrict offices can be exchanged and merged without collisions.
- Money is integer fen (``*_fen``); dates are ``date``; times are aware UTC ``datetime``.
- Enumerations are stored as their stable English value (domain.enums).
- Table models do not validate: the services validate through the domain first.
- Columns hold facts with dates; clocks are computed, never stored.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

# (metadata and utcnow are used from here by the rest of the program)
from mca_tui.storage.models_base import _id
from mca_tui.storage.models_base import metadata as metadata
from mca_tui.storage.models_base import utcnow as utcnow

# --------------------------------------------------------------------------- offices, users


class Office(SQLModel, table=True):
    """A registration office: the district bureau (区民政局) or a subdistrict office (街道)."""

    __tablename__ = "office"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    code: str = Field(index=True, unique=True, max_length=12)  # 350205 / 350205001
    name: str = Field(max_length=100)
    kind: str = Field(default="district", max_length=20)  # district | subdistrict
    parent_id: str | None = Field(default=None, foreign_key="office.id", max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class UserAccount(SQLModel, table=True):
    """A person who signs in. Roles are in ``user_role``."""

    __tablename__ = "user_account"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", index=True, max_length=32)
    username: str = Field(unique=True, index=True, max_length=64)
    display_name: str = Field(max_length=64)
    password_hash: str = Field(max_length=256)
    disabled: bool = Field(default=False)
    failed_attempts: int = Field(default=0)
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"
    user_id: str = Field(foreign_key="user_account.id", primary_key=True, max_length=32)
    role: str = Field(primary_key=True, max_length=20)  # domain.enums.Role


# --------------------------------------------------------------------------- register


class ImportBatch(SQLModel, table=True):
    """One ledger import (台账导入): the file records came from."""

    __tablename__ = "import_batch"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    file_name: str = Field(max_length=255)
    file_sha256: str = Field(max_length=64, index=True)
    imported_at: datetime = Field(default_factory=utcnow)
    actor_name: str = Field(max_length=64)
    summary_json: str = Field(default="{}")


class Organization(SQLModel, table=True):
    """A registered social organization and its registered items (登记事项, §1.4)."""

    __tablename__ = "organization"
    __table_args__ = (
        Index("ix_organization_status_type", "status", "org_type"),
        Index("ix_organization_name_sort", "name_sort_key", "id"),
        # covering index of the statistics' "due to report" count (reports.stats)
        Index("ix_organization_lifespan", "established_on", "deregistered_on", "revoked_on",
              "id"),
        # the few closed organizations by day (the statistics' deregistrations and
        # revocations of a year): partial, as most organizations have neither date
        # (revision 0024_compact_indexes; established_on is the lifespan index's prefix)
        Index("ix_organization_deregistered", "deregistered_on",
              sqlite_where=sql_text("deregistered_on IS NOT NULL"),
              postgresql_where=sql_text("deregistered_on IS NOT NULL")),
        Index("ix_organization_revoked", "revoked_on",
              sqlite_where=sql_text("revoked_on IS NOT NULL"),
              postgresql_where=sql_text("revoked_on IS NOT NULL")),
    )
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    # (no index on office_id, subdistrict_code or legal_rep_name: no query selects
    # organizations by them; search reads its own index)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    uscc: str | None = Field(default=None, unique=True, max_length=18)
    uscc_override_reason: str | None = None  # legacy code failing GB 32100, kept with reason
    org_type: str = Field(max_length=32)  # OrgType
    civil_form: str | None = Field(default=None, max_length=20)  # CivilForm (民非 only)
    foundation_kind: str | None = Field(default=None, max_length=32)  # 公募/非公募
    name: str = Field(index=True, max_length=200)
    name_sort_key: str = Field(default="", max_length=400)  # pinyin, for ordering
    # Row number of the organization in the search index on either engine (storage.search:
    # the SQLite FTS5 rowid or the key of PostgreSQL's organization_search).
    search_rowid: int | None = Field(default=None, index=True, unique=True)
    domicile: str = Field(default="", max_length=300)  # 住所
    subdistrict_code: str | None = Field(default=None, max_length=12)
    purpose: str = Field(default="")  # 宗旨
    business_scope: str = Field(default="")  # 业务范围
    activity_area: str = Field(default="", max_length=200)  # 活动地域 (社团)
    funds_fen: int | None = None  # 活动资金 / 开办资金 / 原始基金, in fen
    supervisory_unit: str = Field(default="", max_length=200)  # 业务主管单位; "" if direct
    direct_category: str | None = Field(default=None, max_length=40)  # 直接登记 category
    is_charity: bool = Field(default=False)  # 慈善组织
    individual_members: int | None = None
    unit_members: int | None = None
    legal_rep_person_id: str | None = Field(default=None, foreign_key="person.id", max_length=32)
    legal_rep_name: str = Field(default="", max_length=64)  # kept for search
    phone: str = Field(default="", max_length=40)
    status: str = Field(default="active", max_length=20)  # OrgStatus
    established_on: date | None = None  # 成立登记日期
    deregistered_on: date | None = None
    revoked_on: date | None = None
    revocation_kind: str | None = Field(default=None, max_length=20)  # RevocationKind
    import_batch_id: str | None = Field(default=None, foreign_key="import_batch.id", max_length=32)
    source_sheet: str | None = Field(default=None, max_length=40)
    source_row: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)  # optimistic locking


class Person(SQLModel, table=True):
    """A natural person: legal representative, responsible person, founder, director."""

    __tablename__ = "person"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    name: str = Field(index=True, max_length=64)
    id_number: str | None = Field(default=None, index=True, max_length=18)
    id_override_reason: str | None = None
    phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class OrganizationPerson(SQLModel, table=True):
    """A person's role in an organization over time (法定代表人, 负责人, 发起人, 理事...)."""

    __tablename__ = "organization_person"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=32)
    role: str = Field(max_length=32)  # legal_rep | responsible | founder | director | supervisor
    title: str = Field(default="", max_length=64)  # 会长, 理事长, 秘书长, 院长 ...
    from_date: date | None = None
    to_date: date | None = None


# --------------------------------------------------------------------------- applications


class Application(SQLModel, table=True):
    """An application (成立 / 变更 / 注销登记) and its dates (§10.1)."""

    __tablename__ = "application"
    __table_args__ = (Index("ix_application_status_kind", "status", "kind"),)
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", index=True, max_length=32)
    number: str | None = Field(default=None, max_length=40)  # 受理号
    kind: str = Field(max_length=20)  # ApplicationKind
    org_type: str = Field(max_length=32)
    organization_id: str | None = Field(
        default=None, foreign_key="organization.id", index=True, max_length=32
    )
    status: str = Field(default="draft", max_length=20)  # ApplicationStatus
    form_json: str = Field(default="{}")  # everything the clerk typed, as typed
    is_charity: bool = Field(default=False)
    received_on: date | None = None  # 收到申请
    accepted_on: date | None = None  # 受理
    complete_on: date | None = None  # 材料齐全 (decision clock starts)
    correction_requested_on: date | None = None
    correction_items_json: str = Field(default="[]")
    correction_completed_on: date | None = None
    reviewed_on: date | None = None
    decided_on: date | None = None
    decision_reasons: str = Field(default="")
    supervisory_approval_on: date | None = None  # for change / deregistration deadlines
    liquidation_end_on: date | None = None  # for deregistration
    late: bool = Field(default=False)
    created_by_id: str | None = Field(default=None, foreign_key="user_account.id", max_length=32)
    accepted_by_id: str | None = Field(default=None, foreign_key="user_account.id", max_length=32)
    reviewed_by_id: str | None = Field(default=None, foreign_key="user_account.id", max_length=32)
    decided_by_id: str | None = Field(default=None, foreign_key="user_account.id", max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class ApplicationStep(SQLModel, table=True):
    """One step of an application's workflow (受理, 审查, 补正, 核准, 不予登记 ...)."""

    __tablename__ = "application_step"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    step: str = Field(max_length=32)
    on_date: date
    actor_id: str | None = Field(default=None, foreign_key="user_account.id", max_length=32)
    note: str = Field(default="")
    data_json: str = Field(default="{}")
    created_at: datetime = Field(default_factory=utcnow)


class RegistrationChange(SQLModel, table=True):
    """One changed registered item of a 变更登记 (before → after)."""

    __tablename__ = "registration_change"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    application_id: str = Field(foreign_key="application.id", index=True, max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    item: str = Field(max_length=40)
    before_text: str = Field(default="")
    after_text: str = Field(default="")
    supervisory_approval_on: date | None = None
    applied_on: date | None = None
    approved_on: date | None = None
    late: bool = Field(default=False)
    audit_required: bool = Field(default=False)  # change of legal rep → financial audit (§2)


class Certificate(SQLModel, table=True):
    """A registration certificate (登记证书) with its 正本 and 副本 serials."""

    __tablename__ = "certificate"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    kind: str = Field(max_length=40)  # social_group | pne_legal_person | ... | foundation
    serial_original: str = Field(max_length=40)  # 正本编号
    serial_duplicate: str = Field(max_length=40)  # 副本编号
    issued_on: date
    valid_from: date | None = None
    valid_to: date | None = None
    status: str = Field(default="valid", max_length=20)  # valid | replaced | collected | void
    status_on: date | None = None
    reason: str = Field(default="")
    application_id: str | None = Field(default=None, foreign_key="application.id", max_length=32)


# --------------------------------------------------------------------------- supervision


class AnnualReport(SQLModel, table=True):
    """An annual report / inspection (年报 / 年检) of one report year (§4)."""

    __tablename__ = "annual_report"
    __table_args__ = (
        UniqueConstraint("organization_id", "report_year"),
        Index("ix_annual_report_year_conclusion", "report_year", "conclusion"),
        # the reviewer's queue of reports received and awaiting a conclusion (small)
        Index("ix_annual_report_awaiting", "submitted_on",
              sqlite_where=sql_text("conclusion IS NULL AND submitted_on IS NOT NULL"),
              postgresql_where=sql_text("conclusion IS NULL AND submitted_on IS NOT NULL")),
    )
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", max_length=32)
    report_year: int
    mode: str = Field(default="report", max_length=20)  # inspection | report
    submitted_on: date | None = None
    supervisory_opinion: str = Field(default="")
    supervisory_opinion_on: date | None = None
    conclusion: str | None = Field(default=None, max_length=20)  # ReportConclusion
    concluded_on: date | None = None
    note: str = Field(default="")
    import_batch_id: str | None = Field(default=None, foreign_key="import_batch.id", max_length=32)
    source_sheet: str | None = Field(default=None, max_length=40)
    source_row: int | None = None


class CreditListEntry(SQLModel, table=True):
    """A listing on the 活动异常名录 or the 严重违法失信名单 (§5)."""

    __tablename__ = "credit_list_entry"
    # the open listings of a list by date (home queue abnormal_two_years), and by
    # organization: its latest open ground, read from the index alone
    __table_args__ = (Index("ix_credit_list_entry_open", "list_kind", "removed_on",
                            "listed_on"),
                      Index("ix_credit_list_entry_open_org", "list_kind", "removed_on",
                            "organization_id", "listed_on", "id"))
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    list_kind: str = Field(max_length=20)  # CreditListKind
    ground: str = Field(max_length=40)
    listed_on: date
    listing_reason: str = Field(default="")
    removed_on: date | None = None
    removal_reason: str = Field(default="")
    notice_document_id: str | None = Field(
        default=None, foreign_key="issued_document.id", max_length=32
    )


class SupervisionRecord(SQLModel, table=True):
    """财务审计, 整改, 约谈, 抽查 or 评估 of an organization (§7, §8, §9)."""

    __tablename__ = "supervision_record"
    __table_args__ = (Index("ix_supervision_record_kind_date", "kind", "record_date"),
                      # orders not completed, by deadline (home queue rectifications)
                      Index("ix_supervision_record_open", "kind", "completed_on", "due_on"))
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    kind: str = Field(max_length=20)  # SupervisionKind
    record_date: date
    description: str = Field(default="")
    trigger: str = Field(default="", max_length=60)
    due_on: date | None = None  # rectification deadline
    completed_on: date | None = None
    verified_on: date | None = None
    outcome: str = Field(default="")
    grade: str | None = Field(default=None, max_length=4)  # evaluation 1A..5A
    valid_until: date | None = None
    details_json: str = Field(default="{}")
    import_batch_id: str | None = Field(default=None, foreign_key="import_batch.id", max_length=32)
    source_sheet: str | None = Field(default=None, max_length=40)
    source_row: int | None = None


class SpotCheckPlanRow(SQLModel, table=True):
    """A random spot-check plan (双随机抽查计划, §8) and everything needed to re-run its
    draw (``domain.supervision.spot_check.verify_draw``): the filter, the frozen population
    and its SHA-256, the ratio, the seed and algorithm, the drawn organizations, the
    enforcement officers and declared conflicts (回避), and the inspectors assigned. The
    results per organization are ``SupervisionRecord`` rows of kind ``spot_check``."""

    __tablename__ = "spot_check_plan"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    year: int = Field(index=True)
    kind: str = Field(max_length=20)  # SpotCheckKind
    title: str = Field(default="", max_length=200)
    status: str = Field(default="draft", max_length=20)  # SpotCheckPlanState
    ratio_percent: str = Field(max_length=12)  # Decimal as text
    per_org: int = Field(default=2)
    filter_json: str = Field(default="{}")
    population_json: str = Field(default="[]")
    population_hash: str = Field(default="", max_length=64)
    seed: str = Field(default="", max_length=64)
    algorithm: str = Field(default="", max_length=40)
    drawn_json: str = Field(default="[]")
    officers_json: str = Field(default="[]")
    conflicts_json: str = Field(default="{}")
    inspectors_json: str = Field(default="{}")
    drawn_on: date | None = None
    published_on: date | None = None
    steps_json: str = Field(default="[]")
    created_at: datetime = Field(default_factory=utcnow)


class PenaltyCase(SQLModel, table=True):
    """An administrative penalty case (行政处罚案件), e.g. revocation of a dormant group."""

    __tablename__ = "penalty_case"
    # the open cases by filing date (home queues case_steps, revocation_cases)
    __table_args__ = (Index("ix_penalty_case_status_filed", "status", "filed_on"),)
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    case_number: str | None = Field(default=None, max_length=60)
    ground: str = Field(default="", max_length=60)
    proposed_penalty: str = Field(default="", max_length=40)
    filed_on: date | None = None
    officer1_id: str | None = Field(default=None, foreign_key="user_account.id", max_length=32)
    officer2_id: str | None = Field(default=None, foreign_key="user_account.id", max_length=32)
    status: str = Field(default="open", max_length=20)  # CaseStatus
    decision: str = Field(default="", max_length=40)
    decided_on: date | None = None
    closed_on: date | None = None
    closing_reason: str = Field(default="")
    details_json: str = Field(default="{}")


class CaseStep(SQLModel, table=True):
    """A step of a penalty case: filing, evidence, advance notice, hearing, decision ..."""

    __tablename__ = "case_step"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    case_id: str = Field(foreign_key="penalty_case.id", index=True, max_length=32)
    step: str = Field(max_length=40)
    on_date: date
    actor_id: str | None = Field(default=None, foreign_key="user_account.id", max_length=32)
    document_id: str | None = Field(default=None, foreign_key="issued_document.id", max_length=32)
    note: str = Field(default="")


# --------------------------------------------------------------------------- documents


class DocNumberCounter(SQLModel, table=True):
    """Gapless document numbers (文号) per office, kind and year."""

    __tablename__ = "doc_number_counter"
    office_id: str = Field(foreign_key="office.id", primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=40)
    year: int = Field(primary_key=True)
    last_seq: int = Field(default=0)


class IssuedDocument(SQLModel, table=True):
    """An official document produced by the office, with its number (文号)."""

    __tablename__ = "issued_document"
    __table_args__ = (UniqueConstraint("office_id", "kind", "year", "seq"),)
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    kind: str = Field(max_length=40)
    year: int
    seq: int
    number: str = Field(max_length=80)  # e.g. 海民社受字〔2022〕3号
    title: str = Field(default="", max_length=200)
    organization_id: str | None = Field(
        default=None, foreign_key="organization.id", index=True, max_length=32
    )
    application_id: str | None = Field(default=None, foreign_key="application.id", max_length=32)
    case_id: str | None = Field(default=None, foreign_key="penalty_case.id", max_length=32)
    issued_on: date
    file_path: str = Field(default="")
    content_sha256: str = Field(default="", max_length=64)
    data_json: str = Field(default="{}")


class DocumentService(SQLModel, table=True):
    """The service (送达) of a document: method, dates, proof."""

    __tablename__ = "document_service"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    document_id: str = Field(foreign_key="issued_document.id", index=True, max_length=32)
    method: str = Field(max_length=20)  # ServiceMethod
    addressee: str = Field(default="", max_length=200)
    sent_on: date | None = None
    served_on: date | None = None
    published_on: date | None = None  # announcement service
    effective_on: date | None = None
    returned: bool = Field(default=False)  # mail returned unsigned
    proof: str = Field(default="")


class Announcement(SQLModel, table=True):
    """A public announcement (公告) of establishment, change, deregistration, revocation."""

    __tablename__ = "announcement"
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    office_id: str = Field(foreign_key="office.id", max_length=32)
    organization_id: str = Field(foreign_key="organization.id", index=True, max_length=32)
    kind: str = Field(max_length=40)
    created_on: date
    published_on: date | None = None
    text: str = Field(default="")
    document_id: str | None = Field(default=None, foreign_key="issued_document.id", max_length=32)


# --------------------------------------------------------------------------- reference data


class CodeCounter(SQLModel, table=True):
    """Sequences that must never hand out a value twice (USCC pool, certificate serials)."""

    __tablename__ = "code_counter"
    name: str = Field(primary_key=True, max_length=60)
    last_value: int = Field(default=0)


class CalendarOverride(SQLModel, table=True):
    """A day the administrator declared a holiday (working=False) or make-up working day."""

    __tablename__ = "calendar_override"
    day: date = Field(primary_key=True)
    working: bool
    note: str = Field(default="", max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)


class CalendarYear(SQLModel, table=True):
    """A year whose holidays the administrator has entered completely."""

    __tablename__ = "calendar_year"
    year: int = Field(primary_key=True)
    note: str = Field(default="", max_length=200)


# --------------------------------------------------------------------------- audit


class AuditEvent(SQLModel, table=True):
    """One audited operation. Events of a chain form a hash chain (storage.audit)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        # "events about X" is answered by audit_subject (revision 0003 dropped the
        # organization index that the timeline used to scan with)
    )
    id: str = Field(default_factory=_id, primary_key=True, max_length=32)
    chain: str = Field(max_length=12)  # code of the office whose chain this is
    seq: int
    at: datetime
    actor_kind: str = Field(max_length=10)  # user | os
    actor_id: str | None = Field(default=None, max_length=32)
    actor_name: str = Field(max_length=64)
    office_id: str = Field(max_length=32)
    office_code: str = Field(max_length=12)
    action: str = Field(max_length=60, index=True)
    organization_id: str | None = Field(default=None, max_length=32)
    entity: str = Field(default="", max_length=40)
    entity_id: str | None = Field(default=None, max_length=32)
    before_json: str = Field(default="{}")
    after_json: str = Field(default="{}")
    note: str = Field(default="")
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # 1: events written before revision 0003 (no change rows in the hash);
    # 2: the hash also covers the event's change rows (storage.audit.event_hash);
    # 3: HMAC keyed with the installation's chain key, also covering os_account.
    hash_version: int = Field(default=2)
    # the operating-system account of the process that wrote the event (its real uid),
    # beside the registry user in actor_*; "" for events from before revision 0010
    os_account: str = Field(default="", max_length=64)


class AuditChange(SQLModel, table=True):
    """One row written by an audited operation, in the order written; inside the event's
    hash (storage.audit). ``entity_id`` of a row with a composite key is its key values
    joined by ``:``."""

    __tablename__ = "audit_change"
    # "what happened to row X": by row, then event (storage.audit.changes_of)
    __table_args__ = (Index("ix_audit_change_entity_entity_id_event_id", "entity", "entity_id",
                            "event_id"),)
    event_id: str = Field(foreign_key="audit_event.id", primary_key=True, max_length=32)
    ordinal: int = Field(primary_key=True)
    entity: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=80)
    operation: str = Field(max_length=10)  # insert | update | delete
    before_json: str = Field(default="{}")
    after_json: str = Field(default="{}")


class AuditSubject(SQLModel, table=True):
    """Index of what each event is about: its subject, the subject's organization and every
    row it changed. Answers "every event about organization X / application Y" by an index
    search in time order (the primary key is the index). On SQLite the table is WITHOUT
    ROWID: its primary key is the whole row, which a rowid table would store twice (the
    table and its key index)."""

    __tablename__ = "audit_subject"
    __table_args__ = {"sqlite_with_rowid": False}
    entity: str = Field(primary_key=True, max_length=40)
    entity_id: str = Field(primary_key=True, max_length=80)
    at: datetime = Field(primary_key=True)
    event_id: str = Field(foreign_key="audit_event.id", primary_key=True, max_length=32)


class AuditChainHead(SQLModel, table=True):
    """The last event of each chain; lets `audit verify` detect a deleted tail."""

    __tablename__ = "audit_chain_head"
    chain: str = Field(primary_key=True, max_length=12)
    seq: int
    hash: str = Field(max_length=64)


# The derived and per-organization summary tables (dormancy, search terms, report summary)
# are defined in storage.models_summary; importing this module registers them as well,
# so that ``metadata`` always holds every table (copy, schema checks, migrations).
from mca_tui.storage import models_summary as models_summary  # noqa: E402
