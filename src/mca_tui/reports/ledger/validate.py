"""Checking a read ledger row by row (``validate``): every cell converted, every rule
of the format checked, giving typed rows (``OrgRow``, ``ReportRow``, ``SupervisionRow``)
and the problems found, each naming sheet, row and column. Cross-checks that need the
registry (a report for an unknown code) are made by the import service."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from mca_tui.config import Settings
from mca_tui.domain.enums import (
    OrgStatus,
    OrgType,
    ReportConclusion,
    RevocationKind,
    SupervisionKind,
)
from mca_tui.domain.identifiers import validate_id_number, validate_uscc
from mca_tui.domain.money import MoneyError, parse_yuan
from mca_tui.domain.text import normalize_name, normalize_phone
from mca_tui.reports.ledger.cells import (
    CellError,
    cell_text,
    choice,
    parse_code,
    parse_date,
    parse_year,
    unneutralise,
)
from mca_tui.reports.ledger.columns import (
    CONCLUSIONS,
    LEGACY_PROBLEMS,
    LEGACY_REASON,
    ORG_TYPE_ALIASES,
    ORG_TYPE_WORD,
    ORG_TYPES,
    REVOCATION_KINDS,
    SHEET_ORGS,
    SHEET_REPORTS,
    SHEET_SUPERVISION,
    SHEETS,
    STATUS_ALIASES,
    STATUSES,
    SUPERVISION_KINDS,
    Progress,
)
from mca_tui.reports.ledger.problems import Problem
from mca_tui.reports.ledger.read import LedgerStream, RawLedger, RawSheet, open_ledger

T = TypeVar("T")


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
    out: dict[str, str] = {}
    for s in settings.office.subdistricts:
        out[s.code] = s.code
        out[normalize_name(s.name)] = s.code
        out[normalize_name(s.name).removesuffix("街道")] = s.code
    return out


_HEADERS = {name: {c.key: c.header for c in columns} for name, columns in SHEETS.items()}


class _RowChecker:
    """Collects problems of one row; ``get`` converts a cell, noting its problem."""

    def __init__(self, parsed: ParsedLedger, sheet: RawSheet, row_no: int,
                 values: list[object]) -> None:
        self.parsed, self.sheet, self.row_no, self.values = parsed, sheet, row_no, values
        # a row refused when read (merged cells, a formula without value, too long)
        self.ok = (sheet.name, row_no) not in parsed.bad_rows
        self.headers = _HEADERS[sheet.name]
        # every bound cell of the row as read (an export's "'" before a formula-like
        # text undone), once
        self.cells: dict[str, object] = {}
        width = len(values)
        for key, i in sheet.positions().items():
            value = values[i] if i < width else None
            self.cells[key] = unneutralise(value) if isinstance(value, str) else value

    def raw(self, key: str) -> object:
        return self.cells.get(key)

    def problem(self, key: str, column_key: str | None, level: str = "error", /,
                **params: object) -> None:
        column = self.headers.get(column_key) if column_key else None
        self.parsed.add(Problem(self.sheet.name, self.row_no, column, key, params, level))
        if level == "error":
            self.ok = False

    def get(self, key: str, convert: Callable[[object], T | None], *,
            required: bool = False) -> T | None:
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


Rows = Iterable[tuple[int, list[object]]]


def _validate_orgs(parsed: ParsedLedger, sheet: RawSheet, rows: Rows, settings: Settings,
                   today: date, accept_legacy: bool) -> Iterator[OrgRow]:
    subdistricts = _subdistrict_index(settings)
    seen: dict[str, int] = {}
    for row_no, values in rows:
        c = _RowChecker(parsed, sheet, row_no, values)
        present = frozenset(k for k, v in c.cells.items() if _has_value(v))
        uscc = c.get("uscc", parse_code, required=True)
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
        org_type = c.get("org_type", lambda v: choice(v, ORG_TYPES, ORG_TYPE_ALIASES),
                         required=True)
        if (uscc and org_type and len(uscc) == 18 and uscc[0] == "5" and uscc[1] in "123"
                and OrgType(org_type).uscc_category != uscc[1]):
            c.problem("type_code_mismatch", "org_type", code=uscc, category=uscc[1],
                          type=ORG_TYPE_WORD[org_type])
        established = c.get("established_on", parse_date, required=True)
        if established and established > today:
            c.problem("date_in_future", "established_on", value=established.isoformat())
        status = c.get("status", lambda v: choice(v, STATUSES, STATUS_ALIASES), required=True)
        dereg = c.get("deregistered_on", parse_date)
        revoked = c.get("revoked_on", parse_date)
        rkind = c.get("revocation_kind", lambda v: choice(v, REVOCATION_KINDS))
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
        rep_id = c.get("legal_rep_id", parse_code)
        rep_override = None
        if rep_id:
            if "*" in rep_id:
                c.problem("masked_id_ignored", "legal_rep_id", "warning")
                rep_id = None
                present = present - {"legal_rep_id"}
            else:
                id_info = validate_id_number(rep_id, today=today)
                if not id_info.valid:
                    detail = "；".join(id_info.messages())
                    if accept_legacy and id_info.problems and all(
                            p.kind == "check_mismatch" for p in id_info.problems):
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
        if not (c.ok and uscc and name and org_type and established and status):
            continue
        yield OrgRow(
            row=row_no, uscc=uscc, name=name, org_type=org_type,
            established_on=established, status=status,
            uscc_override_reason=override, deregistered_on=dereg, revoked_on=revoked,
            revocation_kind=rkind, legal_rep=legal_rep or "",
            legal_rep_id=rep_id or None, legal_rep_id_override=rep_override,
            domicile=domicile or "", subdistrict_code=sub_code,
            supervisory_unit=supervisory or "", funds_fen=funds, business_scope=scope or "",
            phone=phone, present=present,
        )


def _validate_reports(parsed: ParsedLedger, sheet: RawSheet, rows: Rows,
                      today: date) -> Iterator[ReportRow]:
    seen: dict[tuple[str, int], int] = {}
    for row_no, values in rows:
        c = _RowChecker(parsed, sheet, row_no, values)
        uscc = c.get("uscc", parse_code, required=True)
        year = c.get("report_year", parse_year, required=True)
        if year and not 1990 <= year < today.year:
            c.problem("report_year_range", "report_year", value=year, last=today.year - 1)
        submitted = c.get("submitted_on", parse_date)
        if submitted and submitted > today:
            c.problem("date_in_future", "submitted_on", value=submitted.isoformat())
        if submitted and year and submitted.year <= year:
            c.problem("submitted_before_year_end", "submitted_on",
                      value=submitted.isoformat(), year=year)
        conclusion = c.get("conclusion", lambda v: choice(v, CONCLUSIONS))
        if uscc and year:
            if (uscc, year) in seen:
                c.problem("duplicate_report", "report_year", code=uscc, year=year,
                          first=seen[(uscc, year)])
            else:
                seen[(uscc, year)] = row_no
        if not (c.ok and uscc and year):
            continue
        yield ReportRow(row_no, uscc, year, submitted, conclusion)


def _validate_supervision(parsed: ParsedLedger, sheet: RawSheet, rows: Rows,
                          today: date) -> Iterator[SupervisionRow]:
    seen: dict[tuple[str, date, SupervisionKind, str], int] = {}
    for row_no, values in rows:
        c = _RowChecker(parsed, sheet, row_no, values)
        uscc = c.get("uscc", parse_code, required=True)
        when = c.get("record_date", parse_date, required=True)
        if when and when > today:
            c.problem("date_in_future", "record_date", value=when.isoformat())
        kind = c.get("kind", lambda v: choice(v, SUPERVISION_KINDS), required=True)
        description = c.get("description", cell_text) or ""
        due_on = c.get("due_on", parse_date)
        completed_on = c.get("completed_on", parse_date)
        if completed_on and completed_on > today:
            c.problem("date_in_future", "completed_on", value=completed_on.isoformat())
        for key, d in (("due_on", due_on), ("completed_on", completed_on)):
            if d and when and d < when:
                c.problem("date_before_record", key, value=d.isoformat(),
                          record=when.isoformat())
        if not (c.ok and uscc and when and kind):
            continue
        same = (uscc, when, kind, description)
        if same in seen:
            c.problem("duplicate_record", None, "warning", first=seen[same])
            continue
        seen[same] = row_no
        yield SupervisionRow(row_no, uscc, when, kind, description, due_on, completed_on)


LedgerRow = OrgRow | ReportRow | SupervisionRow


def validate_stream(parsed: ParsedLedger, stream: LedgerStream, settings: Settings, *,
                    today: date, accept_legacy_codes: bool = False,
                    progress: Progress | None = None) -> Iterator[tuple[str, LedgerRow]]:
    """Read and check the stream's rows one by one, sheet by sheet (organizations, then
    reports, then supervision records): yields ``(sheet, typed row)`` for each row that
    passed, and adds every problem (the file's, a row's as read, a row's checks) to
    ``parsed`` as it is found. Nothing but the keys that find duplicates is kept, so the
    memory stays flat; ``parsed.total_rows`` is the number of rows read."""
    drained = 0

    def drain() -> None:
        nonlocal drained
        for p in stream.problems[drained:]:
            parsed.add(p)
        drained = len(stream.problems)

    drain()
    total = stream.estimated_rows

    def rows(name: str) -> Iterator[tuple[int, list[object]]]:
        for row in stream.rows(name):
            drain()
            parsed.total_rows += 1
            done = parsed.total_rows
            if progress and (done % 1000 == 0 or done == total):
                progress("validate", done, max(total, done))
            yield row
        drain()

    sheets = stream.sheets
    if SHEET_ORGS in sheets:
        for org in _validate_orgs(parsed, sheets[SHEET_ORGS], rows(SHEET_ORGS), settings,
                                  today, accept_legacy_codes):
            yield SHEET_ORGS, org
    if SHEET_REPORTS in sheets:
        for report in _validate_reports(parsed, sheets[SHEET_REPORTS], rows(SHEET_REPORTS),
                                        today):
            yield SHEET_REPORTS, report
    if SHEET_SUPERVISION in sheets:
        for record in _validate_supervision(parsed, sheets[SHEET_SUPERVISION],
                                            rows(SHEET_SUPERVISION), today):
            yield SHEET_SUPERVISION, record
    if progress and parsed.total_rows and parsed.total_rows % 1000:
        progress("validate", parsed.total_rows, parsed.total_rows)


def validate(raw: RawLedger, settings: Settings, *, today: date,
             accept_legacy_codes: bool = False, progress: Progress | None = None,
             ) -> ParsedLedger:
    """Check every row of every sheet; return the typed rows that passed and every
    problem. Cross-checks that need the registry (a report for an unknown code) are
    made by the import service. (:func:`validate_stream` checks a file row by row.)"""
    parsed = ParsedLedger(raw.file_name)
    lists: dict[str, list[Any]] = {SHEET_ORGS: parsed.orgs, SHEET_REPORTS: parsed.reports,
                                   SHEET_SUPERVISION: parsed.supervision}
    for sheet, row in validate_stream(parsed, open_ledger(raw), settings, today=today,
                                      accept_legacy_codes=accept_legacy_codes,
                                      progress=progress):
        lists[sheet].append(row)
    return parsed
