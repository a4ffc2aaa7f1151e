"""Vocabulary of the domain. Values are stable English identifiers stored in the
database; labels come from the i18n catalog (key ``enum.<Class>.<value>``)."""

from __future__ import annotations

from enum import StrEnum


class OrgType(StrEnum):
    """社会组织类型."""

    SOCIAL_GROUP = "social_group"  # 社会团体
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise"  # 民办非企业单位 / 社会服务机构
    FOUNDATION = "foundation"  # 基金会

    @property
    def uscc_category(self) -> str:
        """USCC position 2 under department 5 (GB 32100, domain.md §11.1)."""
        return {"social_group": "1", "private_non_enterprise": "2", "foundation": "3"}[self.value]


class CivilForm(StrEnum):
    """民非 liability form (民办非企业单位（法人/合伙/个体）, [S2] Art 12)."""

    LEGAL_PERSON = "legal_person"
    PARTNERSHIP = "partnership"
    INDIVIDUAL = "individual"


class OrgStatus(StrEnum):
    """The small legal status of an organization; everything else is a flag or record."""

    APPLYING = "applying"  # 申请中 (application not yet decided)
    ACTIVE = "active"  # 正常
    DEREGISTERED = "deregistered"  # 已注销
    REVOKED = "revoked"  # 已撤销


class RevocationKind(StrEnum):
    DORMANT = "dormant"  # 僵尸型
    OTHER = "other"


class Role(StrEnum):
    CLERK = "clerk"  # 窗口受理
    REVIEWER = "reviewer"  # 审核
    APPROVER = "approver"  # 审批
    ENFORCEMENT = "enforcement"  # 执法
    ADMIN = "admin"  # 管理员


class ApplicationKind(StrEnum):
    ESTABLISHMENT = "establishment"  # 成立登记
    CHANGE = "change"  # 变更登记
    DEREGISTRATION = "deregistration"  # 注销登记


class ApplicationStatus(StrEnum):
    DRAFT = "draft"  # 草稿 (intake not finished)
    ACCEPTED = "accepted"  # 已受理, waiting for review
    CORRECTION = "correction"  # 补正 requested, waiting for the applicant
    REVIEWED = "reviewed"  # 审查完毕, waiting for the approver
    APPROVED = "approved"  # 核准
    REFUSED = "refused"  # 不予登记
    WITHDRAWN = "withdrawn"  # 撤回


class ReportConclusion(StrEnum):
    """年检结论 or 年报 outcome (domain.md §4.2, §4.4)."""

    PASS = "pass"  # 合格
    BASIC_PASS = "basic_pass"  # 基本合格
    FAIL = "fail"  # 不合格
    ACCEPTED = "accepted"  # 通过 (report mode, no grade)
    RETURNED = "returned"  # 退回
    NOT_SUBMITTED = "not_submitted"  # 未提交

    @property
    def is_accepted(self) -> bool:
        return self in (ReportConclusion.PASS, ReportConclusion.BASIC_PASS, ReportConclusion.ACCEPTED)


# Conclusions that count as an accepted annual report (statistics, queues, record).
ACCEPTED_CONCLUSIONS: tuple[str, ...] = tuple(c.value for c in ReportConclusion if c.is_accepted)


class SupervisionKind(StrEnum):
    FINANCIAL_AUDIT = "financial_audit"  # 财务审计
    RECTIFICATION = "rectification"  # 整改
    INTERVIEW = "interview"  # 约谈
    SPOT_CHECK = "spot_check"  # 抽查
    EVALUATION = "evaluation"  # 评估


class CreditListKind(StrEnum):
    ABNORMAL = "abnormal"  # 活动异常名录
    SERIOUS = "serious"  # 严重违法失信名单


class CaseStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    CLOSED = "closed"


class ServiceMethod(StrEnum):
    """送达方式."""

    IN_PERSON = "in_person"  # 直接送达
    POST = "post"  # 邮寄送达
    ELECTRONIC = "electronic"  # 电子送达
    ANNOUNCEMENT = "announcement"  # 公告送达
