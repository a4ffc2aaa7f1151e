"""The ledger's columns and value vocabularies (台账格式): sheet names, column headers,
which columns are required, what kind of value each holds (code, date, choice ...), and
the words a clerk writes for enumerated values.

The vocabularies (类型, 登记状态, 结论 ...) are part of the file format, not UI text:
they are the words a clerk types in the spreadsheet, in any UI language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mca_tui.config import Settings
from mca_tui.domain.enums import (
    OrgStatus,
    OrgType,
    ReportConclusion,
    RevocationKind,
    SupervisionKind,
)
from mca_tui.domain.text import normalize_name

SHEET_ORGS = "社会组织"
SHEET_REPORTS = "年度报告"
SHEET_SUPERVISION = "监督记录"
SHEET_NOTES = "填写说明"
PROBLEM_COLUMN = "导入问题"
ROW_COLUMN = "原行号"

# Kinds of column value (how a cell is written and formatted in .xlsx):
CODE = "code"      # codes, ID numbers, phone numbers: always a text cell (no 5.1E+17)
DATE = "date"      # a real date cell, shown yyyy-mm-dd
CHOICE = "choice"  # one word of a vocabulary (a drop-down list in the template)
TEXT = "text"      # free text
NUMBER = "number"  # amounts, years


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    kind: str = TEXT
    number_format: str | None = None  # of a NUMBER column's cells in .xlsx


SHEETS: dict[str, tuple[Column, ...]] = {
    SHEET_ORGS: (
        Column("统一社会信用代码", "uscc", True, CODE),
        Column("名称", "name", True),
        Column("类型", "org_type", True, CHOICE),
        Column("成立登记日期", "established_on", True, DATE),
        Column("登记状态", "status", True, CHOICE),
        Column("注销日期", "deregistered_on", kind=DATE),
        Column("撤销日期", "revoked_on", kind=DATE),
        Column("撤销类别", "revocation_kind", kind=CHOICE),
        Column("法定代表人", "legal_rep"),
        Column("法定代表人身份证号", "legal_rep_id", kind=CODE),
        Column("住所", "domicile"),
        Column("所属街道", "subdistrict", kind=CHOICE),
        Column("业务主管单位", "supervisory_unit"),
        Column("注册资金(元)", "funds", kind=NUMBER, number_format="#,##0.00"),
        Column("业务范围", "business_scope"),
        Column("联系电话", "phone", kind=CODE),
    ),
    SHEET_REPORTS: (
        Column("统一社会信用代码", "uscc", True, CODE),
        Column("报告年度", "report_year", True, NUMBER),
        Column("提交日期", "submitted_on", kind=DATE),
        Column("结论", "conclusion", kind=CHOICE),
    ),
    SHEET_SUPERVISION: (
        Column("统一社会信用代码", "uscc", True, CODE),
        Column("日期", "record_date", True, DATE),
        Column("类别", "kind", True, CHOICE),
        Column("说明", "description"),
        # Optional extension of the format: the deadline and completion date of
        # a rectification (整改), so that open rectifications survive export/import.
        Column("整改期限", "due_on", kind=DATE),
        Column("完成日期", "completed_on", kind=DATE),
    ),
}

# File-format vocabularies (value as written in the ledger -> stored value).
ORG_TYPES = {"社会团体": OrgType.SOCIAL_GROUP, "民办非企业单位": OrgType.PRIVATE_NON_ENTERPRISE,
             "基金会": OrgType.FOUNDATION}
ORG_TYPE_ALIASES = {"社会服务机构": OrgType.PRIVATE_NON_ENTERPRISE, "社团": OrgType.SOCIAL_GROUP,
                    "民非": OrgType.PRIVATE_NON_ENTERPRISE}
STATUSES = {"正常": OrgStatus.ACTIVE, "已注销": OrgStatus.DEREGISTERED,
            "已撤销": OrgStatus.REVOKED}
STATUS_ALIASES = {"注销": OrgStatus.DEREGISTERED, "撤销": OrgStatus.REVOKED,
                  "存续": OrgStatus.ACTIVE}
REVOCATION_KINDS = {"僵尸型": RevocationKind.DORMANT, "其他": RevocationKind.OTHER}
CONCLUSIONS = {"合格": ReportConclusion.PASS, "基本合格": ReportConclusion.BASIC_PASS,
               "不合格": ReportConclusion.FAIL, "通过": ReportConclusion.ACCEPTED,
               "退回": ReportConclusion.RETURNED, "未提交": ReportConclusion.NOT_SUBMITTED}
SUPERVISION_KINDS = {"财务审计": SupervisionKind.FINANCIAL_AUDIT,
                     "整改": SupervisionKind.RECTIFICATION, "约谈": SupervisionKind.INTERVIEW,
                     "抽查": SupervisionKind.SPOT_CHECK, "评估": SupervisionKind.EVALUATION}

# Reverse maps for writing a ledger.
ORG_TYPE_WORD = {v: k for k, v in ORG_TYPES.items()}
STATUS_WORD = {v: k for k, v in STATUSES.items()}
REVOCATION_WORD = {v: k for k, v in REVOCATION_KINDS.items()}
CONCLUSION_WORD = {v: k for k, v in CONCLUSIONS.items()}
SUPERVISION_WORD = {v: k for k, v in SUPERVISION_KINDS.items()}

# USCC problems that an early pilot code on record may have (domain.md §11.4): the code
# has the right shape but a check character does not match.
LEGACY_PROBLEMS = frozenset({"check_mismatch", "org_code_check_mismatch"})
LEGACY_REASON = "台账导入：历史代码未通过校验（--accept-legacy-codes）"

# A spreadsheet runs a cell starting with one of these as a formula (full-width forms
# included, since NFKC would later fold them).
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r")

Progress = Callable[[str, int, int], None]


def choices(key: str, settings: Settings) -> list[str] | None:
    """The words allowed in an enumerated column (``key``), in the ledger's order;
    None for a column that is not enumerated. 所属街道 comes from the settings."""
    vocabularies: dict[str, Mapping[str, object]] = {
        "org_type": ORG_TYPES, "status": STATUSES, "revocation_kind": REVOCATION_KINDS,
        "conclusion": CONCLUSIONS, "kind": SUPERVISION_KINDS}
    words = vocabularies.get(key)
    if words is not None:
        return list(words)
    if key == "subdistrict":
        return [s.name for s in settings.office.subdistricts]
    return None


def normalize_header(text: object) -> str:
    return normalize_name(str(text or "")).rstrip("*")


HEADER_INDEX = {
    sheet: {normalize_header(c.header): c for c in cols} for sheet, cols in SHEETS.items()
}


def sheet_name_for(name: str) -> str | None:
    """The ledger sheet a workbook sheet (or ``--sheet`` argument) names, if any."""
    n = normalize_header(name)
    for sheet in SHEETS:
        if n == sheet:
            return sheet
    return None


def headers(sheet: str) -> list[str]:
    return [c.header for c in SHEETS[sheet]]


def number_formats() -> dict[str, str]:
    """Header -> number format of every column that has one (any sheet)."""
    return {c.header: c.number_format for cols in SHEETS.values() for c in cols
            if c.number_format}
