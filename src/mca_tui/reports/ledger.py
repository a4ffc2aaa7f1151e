"""The ledger format (台账): reading, validating and writing the spreadsheets a bureau
keeps in Excel/WPS.

An .xlsx workbook holds up to three sheets, recognised by name (社会组织, 年度报告,
监督记录); a .csv file holds one of them, recognised by its header row. Header texts are
the ones in ``SHEETS`` (full-width brackets, spaces and a trailing "*" are tolerated);
unknown columns and sheets are reported and ignored.

This module is pure parsing: ``read_ledger`` turns a file into ``RawLedger`` (cells as
found), ``validate`` turns that into typed rows and a list of ``Problem`` naming sheet,
row, column and the problem in plain words. Nothing here touches the database; the
audited import is ``services.ledger_import``.

The value vocabularies (类型, 登记状态, 结论 ...) are part of the file format, not UI
text: they are the words a clerk types in the spreadsheet, in any UI language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from mca_tui.config import Settings
from mca_tui.domain.dates import DateTextError, read_date
from mca_tui.domain.enums import (
    OrgStatus,
    OrgType,
    ReportConclusion,
    RevocationKind,
    SupervisionKind,
)
from mca_tui.domain.identifiers import validate_id_number, validate_uscc
from mca_tui.domain.money import MoneyError, parse_yuan
from mca_tui.domain.text import (
    normalize_code,
    normalize_name,
    normalize_phone,
    normalize_text,
    normalize_value,
)
from mca_tui.i18n import t

SHEET_ORGS = "社会组织"
SHEET_REPORTS = "年度报告"
SHEET_SUPERVISION = "监督记录"
SHEET_NOTES = "填写说明"
PROBLEM_COLUMN = "导入问题"
ROW_COLUMN = "原行号"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False


SHEETS: dict[str, tuple[Column, ...]] = {
    SHEET_ORGS: (
        Column("统一社会信用代码", "uscc", True),
        Column("名称", "name", True),
        Column("类型", "org_type", True),
        Column("成立登记日期", "established_on", True),
        Column("登记状态", "status", True),
        Column("注销日期", "deregistered_on"),
        Column("撤销日期", "revoked_on"),
        Column("撤销类别", "revocation_kind"),
        Column("法定代表人", "legal_rep"),
        Column("法定代表人身份证号", "legal_rep_id"),
        Column("住所", "domicile"),
        Column("所属街道", "subdistrict"),
        Column("业务主管单位", "supervisory_unit"),
        Column("注册资金(元)", "funds"),
        Column("业务范围", "business_scope"),
        Column("联系电话", "phone"),
    ),
    SHEET_REPORTS: (
        Column("统一社会信用代码", "uscc", True),
        Column("报告年度", "report_year", True),
        Column("提交日期", "submitted_on"),
        Column("结论", "conclusion"),
    ),
    SHEET_SUPERVISION: (
        Column("统一社会信用代码", "uscc", True),
        Column("日期", "record_date", True),
        Column("类别", "kind", True),
        Column("说明", "description"),
        # Optional extension of the format: the deadline and completion date of
        # a rectification (整改), so that open rectifications survive export/import.
        Column("整改期限", "due_on"),
        Column("完成日期", "completed_on"),
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
# included, since NFKC would later fold them); export prefixes such cells with "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r")

EXCEL_EPOCH = date(1899, 12, 30)

Progress = Callable[[str, int, int], None]


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One problem of the file: where (sheet, row, column) and what, in plain words."""

    sheet: str | None
    row: int | None
    column: str | None
    key: str
    params: dict = field(default_factory=dict)
    level: str = "error"  # error | warning

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def where(self, lang: str | None = None) -> str:
        parts = []
        if self.sheet:
            parts.append(t("ledger.where.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(t("ledger.where.row", lang, row=self.row))
        if self.column:
            parts.append(t("ledger.where.column", lang, column=self.column))
        return t("ledger.where.sep", lang).join(parts)

    def message(self, lang: str | None = None) -> str:
        return t(f"ledger.problem.{self.key}", lang, **self.params)

    def describe(self, lang: str | None = None) -> str:
        level = t(f"ledger.level.{self.level}", lang)
        where = self.where(lang)
        return f"{level} {where}: {self.message(lang)}" if where else \
            f"{level} {self.message(lang)}"


# --------------------------------------------------------------------------- raw reading


@dataclass
class RawSheet:
    """A recognised sheet as found: headers and rows of cells (row numbers as the
    spreadsheet shows them, header row included in the numbering)."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)  # column key per header

    def cell(self, values: list, key: str) -> object:
        try:
            i = self.keys.index(key)
        except ValueError:
            return None
        return values[i] if i < len(values) else None


@dataclass
class RawLedger:
    file_name: str
    kind: str  # xlsx | csv | memory
    sheets: dict[str, RawSheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(len(s.rows) for s in self.sheets.values())


def normalize_header(text: object) -> str:
    h = normalize_name(str(text or "")).rstrip("*")
    return h


_HEADER_INDEX = {
    sheet: {normalize_header(c.header): c for c in cols} for sheet, cols in SHEETS.items()
}


def _bind_headers(sheet: RawSheet, problems: list[Problem]) -> bool:
    """Map headers to column keys; report unknown and missing columns."""
    index = _HEADER_INDEX[sheet.name]
    seen: set[str] = set()
    sheet.keys = []
    for i, header in enumerate(sheet.headers):
        col = index.get(normalize_header(header))
        if col is None:
            sheet.keys.append(None)
            if normalize_header(header):
                problems.append(Problem(sheet.name, None, str(header), "unknown_column",
                                        {"column": str(header)}, "warning"))
            continue
        if col.key in seen:
            sheet.keys.append(None)
            problems.append(Problem(sheet.name, None, col.header, "duplicate_column",
                                    {"column": col.header, "position": i + 1}))
            continue
        seen.add(col.key)
        sheet.keys.append(col.key)
    missing = [c.header for c in SHEETS[sheet.name] if c.required and c.key not in seen]
    for header in missing:
        problems.append(Problem(sheet.name, None, header, "missing_column", {"column": header}))
    return not missing


def _is_empty_row(values: Iterable) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _sheet_from_rows(name: str, rows: Iterable[tuple[int, list]],
                     problems: list[Problem]) -> RawSheet | None:
    it = iter(rows)
    for _row_no, values in it:
        if not _is_empty_row(values):
            headers = [str(v).strip() if v is not None else "" for v in values]
            break
    else:
        return RawSheet(name, [], [])
    sheet = RawSheet(name, headers)
    ok = _bind_headers(sheet, problems)
    width = len(headers)
    for row_no, values in it:
        if _is_empty_row(values):
            continue
        values = list(values)
        if len(values) > width and not _is_empty_row(values[width:]):
            problems.append(Problem(name, row_no, None, "cells_outside_header", {},
                                    "warning"))
        sheet.rows.append((row_no, values[:width]))
    return sheet if ok else None


def sheet_name_for(name: str) -> str | None:
    n = normalize_header(name)
    for sheet in SHEETS:
        if n == sheet:
            return sheet
    return None


def read_xlsx(path: Path, problems: list[Problem]) -> dict[str, RawSheet]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        problems.append(Problem(None, None, None, "unreadable", {"error": str(exc)}))
        return {}
    sheets: dict[str, RawSheet] = {}
    try:
        for ws in wb.worksheets:
            name = sheet_name_for(ws.title)
            if name is None:
                if normalize_header(ws.title) != SHEET_NOTES:
                    problems.append(Problem(ws.title, None, None, "unknown_sheet",
                                            {"sheet": ws.title}, "warning"))
                continue
            if name in sheets:
                problems.append(Problem(ws.title, None, None, "duplicate_sheet",
                                        {"sheet": ws.title}))
                continue
            rows = ((i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), 1))
            sheet = _sheet_from_rows(name, rows, problems)
            if sheet is not None:
                sheets[name] = sheet
    finally:
        wb.close()
    if not sheets and not any(p.is_error for p in problems):
        problems.append(Problem(None, None, None, "no_sheets",
                                {"sheets": "、".join(SHEETS)}))
    return sheets


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def guess_csv_sheet(headers: list[str]) -> str | None:
    """The sheet whose required columns all appear in ``headers`` (most matches wins)."""
    names = {normalize_header(h) for h in headers}
    best, best_hits = None, 0
    for sheet, index in _HEADER_INDEX.items():
        required = {h for h, c in index.items() if c.required}
        if not required <= names:
            continue
        hits = len(names & set(index))
        if hits > best_hits:
            best, best_hits = sheet, hits
    return best


def read_csv_text(text: str, problems: list[Problem]) -> dict[str, RawSheet]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [(i, list(r)) for i, r in enumerate(reader, 1)]
    header_row = next((r for _, r in rows if not _is_empty_row(r)), None)
    if header_row is None:
        problems.append(Problem(None, None, None, "empty_file", {}))
        return {}
    name = guess_csv_sheet([str(h) for h in header_row])
    if name is None:
        problems.append(Problem(None, 1, None, "csv_unknown_header",
                                {"sheets": "、".join(SHEETS)}))
        return {}
    sheet = _sheet_from_rows(name, rows, problems)
    return {name: sheet} if sheet is not None else {}


def read_ledger(path: str | Path) -> RawLedger:
    """Read an .xlsx or .csv ledger (cells as found, headers bound to columns)."""
    path = Path(path)
    problems: list[Problem] = []
    suffix = path.suffix.lower()
    if not path.exists():
        problems.append(Problem(None, None, None, "file_not_found", {"path": str(path)}))
        return RawLedger(path.name, suffix.lstrip("."), {}, problems)
    if suffix in (".xlsx", ".xlsm"):
        sheets = read_xlsx(path, problems)
        kind = "xlsx"
    elif suffix in (".csv", ".txt"):
        sheets = read_csv_text(_decode(path.read_bytes()), problems)
        kind = "csv"
    else:
        problems.append(Problem(None, None, None, "unsupported_file", {"suffix": suffix}))
        sheets, kind = {}, suffix.lstrip(".")
    return RawLedger(path.name, kind, sheets, problems)


def ledger_from_rows(file_name: str, data: dict[str, list[dict]]) -> RawLedger:
    """A ledger built in memory: sheet -> list of {header: value} (the demo uses it)."""
    problems: list[Problem] = []
    sheets = {}
    for name, records in data.items():
        headers = [c.header for c in SHEETS[name]]
        rows = [(i, [rec.get(h) for h in headers]) for i, rec in enumerate(records, 2)]
        sheet = RawSheet(name, headers, rows)
        _bind_headers(sheet, problems)
        sheets[name] = sheet
    return RawLedger(file_name, "memory", sheets, problems)


# --------------------------------------------------------------------------- values


class CellError(ValueError):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def unneutralise(value: str) -> str:
    """Undo the "'" an export put before a formula-like cell."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def cell_text(value: object) -> str:
    """A cell as normalised text (numbers without a spurious ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        value = value.date() if isinstance(value, datetime) else value
        return value.isoformat()
    return normalize_text(unneutralise(str(value)))


def _serial_date(n: float) -> date:
    if not 1 <= n < 2_958_466:
        raise CellError("date_invalid", value=str(n))
    return EXCEL_EPOCH + timedelta(days=int(n))


def parse_date(value: object) -> date | None:
    """A date cell: what ``domain.dates.read_date`` reads (2022-03-05, 2022/3/5, 2022.3.5,
    20220305, 2022年3月5日, date and datetime values), plus Excel serial numbers (also
    typed as text, up to five digits). Raises CellError (date_invalid, date_impossible)."""
    if isinstance(value, bool):
        raise CellError("date_invalid", value=str(value))
    if isinstance(value, (int, float)):
        return _serial_date(value)
    text = unneutralise(value) if isinstance(value, str) else value
    if isinstance(text, str):
        digits = normalize_value(text).replace(" ", "")
        if digits.isdigit() and len(digits) <= 5:
            return _serial_date(int(digits))
    try:
        return read_date(text)
    except DateTextError as exc:
        raise CellError(f"date_{exc.reason}", value=str(value)) from None


def _choice(value: object, words: dict, aliases: dict | None = None) -> object | None:
    text = normalize_name(cell_text(value))
    if not text:
        return None
    if text in words:
        return words[text]
    if aliases and text in aliases:
        return aliases[text]
    raise CellError("bad_choice", value=text, allowed=" | ".join(words))


def parse_year(value: object) -> int | None:
    text = cell_text(value).removesuffix("年").removesuffix("年度")
    if not text:
        return None
    if not text.isdigit() or len(text) != 4:
        raise CellError("year_invalid", value=text)
    return int(text)


# --------------------------------------------------------------------------- typed rows


@dataclass
class OrgRow:
    row: int
    uscc: str
    name: str
    org_type: OrgType
    established_on: date
    status: OrgStatus
    uscc_override_reason: str | None = None
    deregistered_on: date | None = None
    revoked_on: date | None = None
    revocation_kind: RevocationKind | None = None
    legal_rep: str = ""
    legal_rep_id: str | None = None
    legal_rep_id_override: str | None = None
    domicile: str = ""
    subdistrict_code: str | None = None
    supervisory_unit: str = ""
    funds_fen: int | None = None
    business_scope: str = ""
    phone: str = ""
    present: frozenset[str] = frozenset()  # column keys with a value in the file


@dataclass
class ReportRow:
    row: int
    uscc: str
    report_year: int
    submitted_on: date | None = None
    conclusion: ReportConclusion | None = None


@dataclass
class SupervisionRow:
    row: int
    uscc: str
    record_date: date
    kind: SupervisionKind
    description: str = ""
    due_on: date | None = None
    completed_on: date | None = None


@dataclass
class ParsedLedger:
    file_name: str
    orgs: list[OrgRow] = field(default_factory=list)
    reports: list[ReportRow] = field(default_factory=list)
    supervision: list[SupervisionRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: dict[tuple[str, int], list[Problem]] = field(default_factory=dict)
    total_rows: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def file_errors(self) -> list[Problem]:
        """Errors not tied to a row: they block the import even with --skip-bad-rows."""
        return [p for p in self.problems if p.is_error and p.row is None]

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        if problem.is_error and problem.sheet and problem.row is not None:
            self.bad_rows.setdefault((problem.sheet, problem.row), []).append(problem)


def _subdistrict_index(settings: Settings) -> dict[str, str]:
    out = {}
    for s in settings.office.subdistricts:
        out[s.code] = s.code
        out[normalize_name(s.name)] = s.code
        out[normalize_name(s.name).removesuffix("街道")] = s.code
    return out


class _RowChecker:
    """Collects problems of one row; ``get`` converts a cell, noting its problem."""

    def __init__(self, parsed: ParsedLedger, sheet: RawSheet, row_no: int, values: list):
        self.parsed, self.sheet, self.row_no, self.values = parsed, sheet, row_no, values
        self.ok = True
        self.headers = {c.key: c.header for c in SHEETS[sheet.name]}

    def raw(self, key: str) -> object:
        value = self.sheet.cell(self.values, key)
        if isinstance(value, str):
            value = unneutralise(value)
        return value

    def problem(self, key: str, column_key: str | None, level: str = "error",
                **params: object) -> None:
        column = self.headers.get(column_key) if column_key else None
        self.parsed.add(Problem(self.sheet.name, self.row_no, column, key, params, level))
        if level == "error":
            self.ok = False

    def get(self, key: str, convert: Callable[[object], object], *,
            required: bool = False) -> object:
        raw = self.raw(key)
        try:
            value = convert(raw)
        except CellError as exc:
            self.problem(exc.key, key, **exc.params)
            return None
        except MoneyError as exc:
            self.problem("money_invalid", key, detail=exc.message())
            return None
        if required and value in (None, ""):
            self.problem("required", key, column=self.headers[key])
        return value


def _has_value(v: object) -> bool:
    return v is not None and not (isinstance(v, str) and not v.strip())


def _validate_orgs(parsed: ParsedLedger, sheet: RawSheet, settings: Settings, today: date,
                   accept_legacy: bool, tick: Callable[[], None]) -> None:
    subdistricts = _subdistrict_index(settings)
    seen: dict[str, int] = {}
    for row_no, values in sheet.rows:
        tick()
        c = _RowChecker(parsed, sheet, row_no, values)
        present = frozenset(k for k in sheet.keys if k and _has_value(c.raw(k)))
        uscc = c.get("uscc", lambda v: normalize_code(cell_text(v)), required=True)
        override = None
        if uscc:
            info = validate_uscc(uscc)
            if not info.valid:
                kinds = {p.kind for p in info.problems}
                detail = "；".join(info.messages())
                if accept_legacy and kinds <= LEGACY_PROBLEMS:
                    c.problem("legacy_code_accepted", "uscc", "warning", code=uscc, detail=detail)
                    override = LEGACY_REASON
                elif kinds <= LEGACY_PROBLEMS:
                    c.problem("legacy_code", "uscc", code=uscc, detail=detail)
                else:
                    c.problem("bad_code", "uscc", code=uscc, detail=detail)
            if uscc in seen:
                c.problem("duplicate_uscc", "uscc", code=uscc, first=seen[uscc])
            else:
                seen[uscc] = row_no
        name = c.get("name", lambda v: normalize_name(cell_text(v)), required=True)
        org_type = c.get("org_type", lambda v: _choice(v, ORG_TYPES, ORG_TYPE_ALIASES),
                         required=True)
        if (uscc and org_type and len(uscc) == 18 and uscc[0] == "5" and uscc[1] in "123"
                and OrgType(org_type).uscc_category != uscc[1]):
            c.problem("type_code_mismatch", "org_type", code=uscc, category=uscc[1],
                          type=ORG_TYPE_WORD[org_type])
        established = c.get("established_on", parse_date, required=True)
        if established and established > today:
            c.problem("date_in_future", "established_on", value=established.isoformat())
        status = c.get("status", lambda v: _choice(v, STATUSES, STATUS_ALIASES), required=True)
        dereg = c.get("deregistered_on", parse_date)
        revoked = c.get("revoked_on", parse_date)
        rkind = c.get("revocation_kind", lambda v: _choice(v, REVOCATION_KINDS))
        for key, d in (("deregistered_on", dereg), ("revoked_on", revoked)):
            if d and d > today:
                c.problem("date_in_future", key, value=d.isoformat())
            if d and established and d < established:
                c.problem("date_before_established", key, value=d.isoformat(),
                          established=established.isoformat())
        if status == OrgStatus.DEREGISTERED and not dereg and "deregistered_on" not in present:
            c.problem("dereg_date_required", "deregistered_on")
        if status == OrgStatus.REVOKED and not revoked and "revoked_on" not in present:
            c.problem("revoked_date_required", "revoked_on")
        if status == OrgStatus.ACTIVE and (dereg or revoked):
            c.problem("closed_date_but_active", "status")
        if status == OrgStatus.DEREGISTERED and revoked:
            c.problem("revoked_date_but_deregistered", "revoked_on")
        if status == OrgStatus.REVOKED and dereg:
            c.problem("dereg_date_but_revoked", "deregistered_on")
        if rkind and status != OrgStatus.REVOKED:
            c.problem("revocation_kind_not_revoked", "revocation_kind")
        legal_rep = c.get("legal_rep", lambda v: normalize_name(cell_text(v)))
        rep_id = c.get("legal_rep_id", lambda v: normalize_code(cell_text(v)))
        rep_override = None
        if rep_id:
            if "*" in rep_id:
                c.problem("masked_id_ignored", "legal_rep_id", "warning")
                rep_id = None
                present = present - {"legal_rep_id"}
            else:
                info = validate_id_number(rep_id, today=today)
                if not info.valid:
                    detail = "；".join(info.messages())
                    if accept_legacy and info.problems and all(
                            p.kind == "check_mismatch" for p in info.problems):
                        c.problem("legacy_id_accepted", "legal_rep_id", "warning", detail=detail)
                        rep_override = LEGACY_REASON
                    else:
                        c.problem("bad_id_number", "legal_rep_id", detail=detail)
            if rep_id and not legal_rep:
                c.problem("id_without_name", "legal_rep")
        domicile = c.get("domicile", cell_text)
        sub_text = normalize_name(cell_text(c.raw("subdistrict")))
        sub_code = None
        if sub_text:
            sub_code = subdistricts.get(sub_text)
            if sub_code is None:
                c.problem("unknown_subdistrict", "subdistrict", value=sub_text,
                          allowed=" | ".join(s.name for s in settings.office.subdistricts))
        supervisory = c.get("supervisory_unit", cell_text)
        funds = c.get("funds", lambda v: None if not _has_value(v) else parse_yuan(
            v if isinstance(v, (int, float)) and not isinstance(v, bool) else cell_text(v)))
        scope = c.get("business_scope", cell_text)
        phone_raw = cell_text(c.raw("phone"))
        phone = normalize_phone(phone_raw)
        if "*" in phone_raw:
            c.problem("masked_phone_ignored", "phone", "warning")
            phone = ""
            present = present - {"phone"}
        elif phone_raw and not phone:
            c.problem("bad_phone", "phone", value=phone_raw)
        if not c.ok:
            continue
        parsed.orgs.append(OrgRow(
            row=row_no, uscc=uscc, name=name, org_type=OrgType(org_type),
            established_on=established, status=OrgStatus(status),
            uscc_override_reason=override, deregistered_on=dereg, revoked_on=revoked,
            revocation_kind=RevocationKind(rkind) if rkind else None, legal_rep=legal_rep or "",
            legal_rep_id=rep_id or None, legal_rep_id_override=rep_override,
            domicile=domicile or "", subdistrict_code=sub_code,
            supervisory_unit=supervisory or "", funds_fen=funds, business_scope=scope or "",
            phone=phone, present=present,
        ))


def _validate_reports(parsed: ParsedLedger, sheet: RawSheet, today: date,
                      tick: Callable[[], None]) -> None:
    seen: dict[tuple[str, int], int] = {}
    for row_no, values in sheet.rows:
        tick()
        c = _RowChecker(parsed, sheet, row_no, values)
        uscc = c.get("uscc", lambda v: normalize_code(cell_text(v)), required=True)
        year = c.get("report_year", parse_year, required=True)
        if year and not 1990 <= year < today.year:
            c.problem("report_year_range", "report_year", value=year, last=today.year - 1)
        submitted = c.get("submitted_on", parse_date)
        if submitted and submitted > today:
            c.problem("date_in_future", "submitted_on", value=submitted.isoformat())
        if submitted and year and submitted.year <= year:
            c.problem("submitted_before_year_end", "submitted_on",
                      value=submitted.isoformat(), year=year)
        conclusion = c.get("conclusion", lambda v: _choice(v, CONCLUSIONS))
        if uscc and year:
            if (uscc, year) in seen:
                c.problem("duplicate_report", "report_year", code=uscc, year=year,
                          first=seen[(uscc, year)])
            else:
                seen[(uscc, year)] = row_no
        if not c.ok:
            continue
        parsed.reports.append(ReportRow(row_no, uscc, year, submitted,
                                        ReportConclusion(conclusion) if conclusion else None))


def _validate_supervision(parsed: ParsedLedger, sheet: RawSheet, today: date,
                          tick: Callable[[], None]) -> None:
    seen: dict[tuple, int] = {}
    for row_no, values in sheet.rows:
        tick()
        c = _RowChecker(parsed, sheet, row_no, values)
        uscc = c.get("uscc", lambda v: normalize_code(cell_text(v)), required=True)
        when = c.get("record_date", parse_date, required=True)
        if when and when > today:
            c.problem("date_in_future", "record_date", value=when.isoformat())
        kind = c.get("kind", lambda v: _choice(v, SUPERVISION_KINDS), required=True)
        description = c.get("description", cell_text) or ""
        due_on = c.get("due_on", parse_date)
        completed_on = c.get("completed_on", parse_date)
        if completed_on and completed_on > today:
            c.problem("date_in_future", "completed_on", value=completed_on.isoformat())
        for key, d in (("due_on", due_on), ("completed_on", completed_on)):
            if d and when and d < when:
                c.problem("date_before_record", key, value=d.isoformat(),
                          record=when.isoformat())
        if not c.ok:
            continue
        key = (uscc, when, kind, description)
        if key in seen:
            c.problem("duplicate_record", None, "warning", first=seen[key])
            continue
        seen[key] = row_no
        parsed.supervision.append(SupervisionRow(row_no, uscc, when, SupervisionKind(kind),
                                                 description, due_on, completed_on))


def validate(raw: RawLedger, settings: Settings, *, today: date,
             accept_legacy_codes: bool = False, progress: Progress | None = None,
             ) -> ParsedLedger:
    """Check every row of every sheet; return the typed rows that passed and every
    problem. Cross-checks that need the registry (a report for an unknown code) are
    made by the import service."""
    parsed = ParsedLedger(raw.file_name, total_rows=raw.total_rows)
    for p in raw.problems:
        parsed.add(p)
    done = 0
    total = raw.total_rows

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and (done % 1000 == 0 or done == total):
            progress("validate", done, total)

    if SHEET_ORGS in raw.sheets:
        _validate_orgs(parsed, raw.sheets[SHEET_ORGS], settings, today, accept_legacy_codes,
                       tick)
    if SHEET_REPORTS in raw.sheets:
        _validate_reports(parsed, raw.sheets[SHEET_REPORTS], today, tick)
    if SHEET_SUPERVISION in raw.sheets:
        _validate_supervision(parsed, raw.sheets[SHEET_SUPERVISION], today, tick)
    return parsed


# --------------------------------------------------------------------------- writing


def neutralise(value: object) -> object:
    """Make a text cell safe from formula injection: prefix "'" when it starts with a
    character a spreadsheet would run (= + - @, their full-width forms, tab, CR)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_value(value: object) -> object:
    if isinstance(value, (date, datetime, int, float)):
        return value
    if value is None:
        return None
    return neutralise(str(value))


def write_workbook(path: Path, sheets: dict[str, tuple[list[str], Iterable[list]]],
                   *, notes: list[list[str]] | None = None) -> None:
    """Write sheets (name -> (headers, rows)) as .xlsx in write-only mode (streams rows,
    so 100k-row sheets stay cheap). Text cells are neutralised; dates get a date format;
    code columns are text."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(name)
        head = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in rows:
            out = []
            for value in row:
                v = _xlsx_value(value)
                if isinstance(v, (date, datetime)):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = "yyyy-mm-dd"
                    out.append(cell)
                elif isinstance(v, str):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = "@"
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)
    if notes:
        ws = wb.create_sheet(SHEET_NOTES)
        for line in notes:
            ws.append([neutralise(x) for x in line])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(neutralise(str(value)))


def write_csv(path: Path, headers: list[str], rows: Iterable[list]) -> None:
    """UTF-8 with BOM (Excel and WPS open it as UTF-8); text cells neutralised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for row in rows:
            w.writerow([_csv_value(v) for v in row])


def template_notes(settings: Settings) -> list[list[str]]:
    """The notes sheet of an empty ledger: what each column holds."""
    allowed = {
        "org_type": " | ".join(ORG_TYPES), "status": " | ".join(STATUSES),
        "revocation_kind": " | ".join(REVOCATION_KINDS),
        "conclusion": " | ".join(CONCLUSIONS), "kind": " | ".join(SUPERVISION_KINDS),
        "subdistrict": " | ".join(s.name for s in settings.office.subdistricts),
    }
    lines = [[t("ledger.notes.title", "zh")], [t("ledger.notes.intro", "zh")],
             [t("ledger.notes.dates", "zh")], [t("ledger.notes.codes", "zh")], [],
             [t("ledger.notes.h_sheet", "zh"), t("ledger.notes.h_column", "zh"),
              t("ledger.notes.h_required", "zh"), t("ledger.notes.h_content", "zh")]]
    for sheet, cols in SHEETS.items():
        for col in cols:
            content = t(f"ledger.column.{col.key}", "zh")
            if col.key in allowed:
                content = f"{content}：{allowed[col.key]}"
            lines.append([sheet, col.header, t("ledger.notes.yes", "zh") if col.required
                          else "", content])
    return lines


def write_template(path: Path, settings: Settings) -> None:
    """An empty ledger with the three sheets' headers and a sheet of notes."""
    write_workbook(path, {name: ([c.header for c in cols], []) for name, cols in
                          SHEETS.items()}, notes=template_notes(settings))


def write_rejected(raw: RawLedger, bad_rows: dict[tuple[str, int], list[Problem]],
                   source: Path, lang: str | None = None) -> Path | None:
    """Write the rejected rows beside the input (``<name>.rejected.xlsx|csv``), each with
    its original row number and the problems found."""
    if not bad_rows:
        return None
    suffix = ".csv" if raw.kind == "csv" else ".xlsx"
    target = source.with_name(f"{source.stem}.rejected{suffix}")
    sheets = {}
    for name, sheet in raw.sheets.items():
        rows = []
        for row_no, values in sheet.rows:
            problems = bad_rows.get((name, row_no))
            if problems:
                text = "；".join(
                    (f"{p.column}：" if p.column else "") + p.message(lang) for p in problems)
                rows.append([row_no, text, *values])
        if rows:
            sheets[name] = ([ROW_COLUMN, PROBLEM_COLUMN, *sheet.headers], rows)
    if not sheets:
        return None
    if suffix == ".csv":
        (headers, rows), = sheets.values()
        write_csv(target, headers, rows)
    else:
        write_workbook(target, sheets)
    return target
