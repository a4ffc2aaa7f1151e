"""The document kinds, the default document language, a template as read, and the
errors of rendering."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

DEFAULT_LANGUAGE = "zh-CN"
KINDS: tuple[str, ...] = (
    "acceptance_notice",
    "correction_notice",
    "refusal_decision",
    "approval_decision",
    "certificate_sheet",
    "announcement",
    "change_announcement",
    "receipt",  # 材料接收凭证 (行政许可法 Art 32): services.registration.submit
    # 列入 / 移出信用名录决定书 (Order 60): services.supervision.credit_lists
    "credit_listing_notice",
    "credit_removal_notice",
    # supervision (issue 10, services.supervision.{rectification,interviews,spot_checks})
    "rectification_notice",  # 责令整改通知书 (domain.md §9)
    "interview_notice",  # 约谈通知书 (民发〔2016〕39号)
    "inspection_notice",  # 抽查检查通知书 (民发〔2017〕45号)
    # deregistration (注销登记, services.deregistration) and custody (services.custody)
    "dereg_acceptance_notice",  # 注销登记申请受理通知书
    "dereg_extension_notice",  # 延长注销登记审查期限告知书 (行政许可法 Art 42)
    "dereg_approval_decision",  # 准予注销登记决定书 (also the 注销证明文件)
    "dereg_refusal_decision",  # 不予注销登记决定书
    "dereg_announcement",  # 注销登记公告
    "void_announcement",  # 证书印章作废公告 (also for revocation cases)
    # revocation of dormant organizations (撤销登记, services.revocation)
    "case_filing",  # 行政处罚立案审批表
    "advance_notice",  # 行政处罚事先告知书
    "hearing_notice",  # 听证通知书
    "penalty_decision",  # 行政处罚决定书（撤销登记）
    "service_announcement",  # 送达公告
    "revocation_announcement",  # 撤销登记公告
)
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_LIST_ONLY = re.compile(r"^\s*\{([a-z_][a-z0-9_]*)\}\s*$")


class UnknownDocumentKind(ValueError):
    pass


class UnknownDocumentLanguage(ValueError):
    pass


class MissingDocumentData(ValueError):
    """Required keys of a document are empty; ``fields`` names them."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


@dataclass(frozen=True)
class Template:
    kind: str
    language: str
    title: str
    number_code: str
    required: tuple[str, ...]
    body: tuple[dict[str, Any], ...]
