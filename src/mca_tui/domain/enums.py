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


# -- supervision (H7: domain.md §4, §5, §7, §8, §9; rules in domain/supervision/) --------


class AnnualReportMode(StrEnum):
    """年检 (graded inspection) or 年报 (report without a grade), domain.md §4.4; the value
    of the setting ``legal.annual_report_mode``."""

    INSPECTION = "inspection"  # 年度检查: 合格 / 基本合格 / 不合格
    REPORT = "report"  # 年度工作报告: accepted / returned


class AnnualReportStatus(StrEnum):
    """Where an organization stands for one report year (domain.md §10.4)."""

    NOT_DUE = "not_due"  # 无需报告 (registered after the cut-off, closed before N+1)
    DUE = "due"  # 应报未报, deadline not yet passed
    ON_TIME = "on_time"  # 按时报送
    LATE = "late"  # 逾期报送
    OVERDUE = "overdue"  # 逾期未报


class AbnormalListGround(StrEnum):
    """列入活动异常名录的情形 (Order 60, 7 items; domain.md §5.1)."""

    REPORT_NOT_SUBMITTED = "report_not_submitted"  # (一) 未按时报送年度工作报告
    PARTY_ORGANIZATION = "party_organization"  # (二) 未按规定设立党组织
    RECTIFICATION_OVERDUE = "rectification_overdue"  # (三) 未按期完成整改
    FUNDRAISING_CONDITIONS = "fundraising_conditions"  # (四) 公开募捐办法第二十一条情形
    WARNING_OR_SMALL_FINE = "warning_or_small_fine"  # (五) 警告或不满5万元罚款
    UNREACHABLE = "unreachable"  # (六) 通过登记的住所无法取得联系
    OTHER_BY_LAW = "other_by_law"  # (七) 法律、行政法规规定的其他情形


class SeriousListGround(StrEnum):
    """列入严重违法失信名单的情形 (Order 60, 8 items; domain.md §5.3)."""

    ABNORMAL_TWO_YEARS = "abnormal_two_years"  # (一) 列入活动异常名录满2年
    CHANGE_REVOKED = "change_revoked"  # (二) 弄虚作假办理变更登记被撤销
    SUSPENSION = "suspension"  # (三) 限期停止活动
    LARGE_FINE = "large_fine"  # (四) 5万元以上罚款
    REPEATED_PENALTIES = "repeated_penalties"  # (五) 3年内2次以上警告或不满5万元罚款
    DISHONEST_DEBTOR = "dishonest_debtor"  # (六) 失信被执行人
    REGISTRATION_REVOKED = "registration_revoked"  # (七) 吊销登记证书或撤销成（设）立登记
    OTHER_BY_LAW = "other_by_law"  # (八) 法律、行政法规规定的其他情形


class RectificationSource(StrEnum):
    """What ordered a rectification (整改), domain.md §9."""

    REPORT_CONCLUSION = "report_conclusion"  # 年检结论 基本合格/不合格
    SPOT_CHECK = "spot_check"  # 抽查
    INTERVIEW = "interview"  # 约谈
    FINANCIAL_AUDIT = "financial_audit"  # 财务审计
    OTHER = "other"  # 其他监督检查


class AuditTrigger(StrEnum):
    """Why a financial audit (财务审计) is made, domain.md §9."""

    CHANGE_OF_TERM = "change_of_term"  # 换届
    LEGAL_REP_CHANGE = "legal_rep_change"  # 法定代表人（负责人）变更
    DEREGISTRATION = "deregistration"  # 注销（清算审计）
    SPOT_CHECK = "spot_check"  # 抽查
    OTHER = "other"


class InterviewRole(StrEnum):
    """Who may be interviewed (约谈), 民发〔2016〕39号 Art 4."""

    CHAIR = "chair"  # 理事长（会长）
    VICE_CHAIR = "vice_chair"  # 副理事长（副会长）
    SECRETARY_GENERAL = "secretary_general"  # 秘书长（院长、校长等）


class SpotCheckKind(StrEnum):
    """民发〔2017〕45号 Art 5."""

    REGULAR = "regular"  # 定期抽查 (ratio floor applies)
    IRREGULAR = "irregular"  # 不定期抽查


class EvaluationGrade(StrEnum):
    """评估等级 (Order 39 Art 26): stored as "1A".."5A"."""

    A1 = "1A"
    A2 = "2A"
    A3 = "3A"
    A4 = "4A"
    A5 = "5A"

    @property
    def rank(self) -> int:
        return int(self.value[0])


# -- deregistration, dormancy and the penalty case (domain/deregistration.py,
#    domain/dormancy.py, domain/penalty_case.py; domain.md §3, §6) ---------------------


class DeregistrationTrigger(StrEnum):
    """注销事由 ([S1] Art 19, [S2] Art 16, [S3] Art 16; revocation: domain.md §3)."""

    PURPOSE_ACHIEVED = "purpose_achieved"  # 完成章程规定的宗旨 (社团)
    SELF_DISSOLUTION = "self_dissolution"  # 自行解散 (社团, 民非)
    SPLIT_OR_MERGER = "split_or_merger"  # 分立、合并 (社团, 民非)
    CHARTER_TERMINATION = "charter_termination"  # 按照章程规定终止 (基金会)
    CANNOT_CONTINUE = "cannot_continue"  # 无法按照章程规定的宗旨继续从事公益活动 (基金会)
    REVOKED = "revoked"  # 被撤销登记后清算注销 (PRACTICE, [S27])
    OTHER = "other"  # 其他原因终止


class DeregistrationMaterial(StrEnum):
    """注销登记材料 ([S1] Art 21, [S2] Art 17; the last four are PRACTICE, domain.md §3)."""

    APPLICATION = "application"  # 法定代表人签署的注销登记申请书
    SUPERVISORY_DOCUMENT = "supervisory_document"  # 业务主管单位的审查文件
    LIQUIDATION_REPORT = "liquidation_report"  # 清算报告书
    CREDITOR_NOTICE = "creditor_notice"  # 债权人公告
    LIQUIDATION_AUDIT = "liquidation_audit"  # 清算审计报告
    BANK_CLOSURE = "bank_closure"  # 银行账户注销证明
    TAX_CLOSURE = "tax_closure"  # 税务注销证明


class CustodyItem(StrEnum):
    """Items the authority collects on deregistration or revocation ([S1] Art 21, 33)."""

    CERTIFICATE_ORIGINAL = "certificate_original"  # 登记证书正本
    CERTIFICATE_DUPLICATE = "certificate_duplicate"  # 登记证书副本
    SEALS = "seals"  # 印章
    FINANCIAL_VOUCHERS = "financial_vouchers"  # 财务凭证


class CustodyOutcome(StrEnum):
    PENDING = "pending"  # 未收缴
    COLLECTED = "collected"  # 已收缴
    VOID_ANNOUNCED = "void_announced"  # 已公告作废


class DormancySignal(StrEnum):
    """僵尸型社会组织线索 (民发〔2021〕63号 Z1/Z2/Z4; Order 60; domain.md §6.3)."""

    NO_REPORT_TWO_YEARS = "no_report_two_years"  # Z1 连续两年未年报或不合格
    NO_ACTIVITY_FIRST_YEAR = "no_activity_first_year"  # Z2 登记后一年未开展活动
    UNREACHABLE = "unreachable"  # Z4 无法取得联系
    CERTIFICATE_EXPIRED = "certificate_expired"  # 登记证书过期
    ABNORMAL_TWO_YEARS = "abnormal_two_years"  # 列入活动异常名录满两年


class DormancyExclusion(StrEnum):
    CASE_OPEN = "case_open"  # 已立案
    IN_LIQUIDATION = "in_liquidation"  # 清算中
    DELAY_GRANTED = "delay_granted"  # 已准予延期
    DEREGISTERED = "deregistered"  # 已注销
    REVOKED = "revoked"  # 已撤销
    NOT_REGISTERED = "not_registered"  # 尚未登记


class ContactKind(StrEnum):
    REGISTERED_LETTER = "registered_letter"  # 挂号信
    MAIL = "mail"  # 普通邮件
    FIELD_CHECK = "field_check"  # 实地核查
    PHONE = "phone"  # 电话


class ContactFate(StrEnum):
    PENDING = "pending"  # 未有结果
    REACHED = "reached"  # 已签收 / 已联系上
    UNSIGNED = "unsigned"  # 无人签收、退回 / 实地查无


class CaseStepKind(StrEnum):
    """Steps of a penalty (revocation) case (行政处罚法 2021; MCA Order 68; domain.md §6.2)."""

    FILE = "file"  # 立案
    EVIDENCE = "evidence"  # 调查取证
    ISSUE_NOTICE = "issue_notice"  # 制发行政处罚事先告知书
    SERVE_NOTICE = "serve_notice"  # 送达事先告知书
    STATEMENT = "statement"  # 陈述申辩
    REQUEST_HEARING = "request_hearing"  # 申请听证
    NOTIFY_HEARING = "notify_hearing"  # 听证通知
    HOLD_HEARING = "hold_hearing"  # 举行听证
    COLLECTIVE_DISCUSSION = "collective_discussion"  # 集体讨论
    LEGAL_REVIEW = "legal_review"  # 法制审核
    EXTEND = "extend"  # 经批准延长决定期限 (Order 68 rule UNCONFIRMED; a parameter)
    DECIDE = "decide"  # 作出行政处罚决定
    SERVE_DECISION = "serve_decision"  # 送达决定书
    PUBLISH = "publish"  # 公开
    CUSTODY = "custody"  # 收缴或公告作废证书印章
    SERIOUS_LIST = "serious_list"  # 列入严重违法失信名单
    REVOKE = "revoke"  # 登记状态改为已撤销
    CLOSE = "close"  # 当事人主动纠正，结案（撤案）
