"""Reading a ledger file into cells as found (``RawLedger``): an .xlsx workbook with up
to three sheets recognised by name (社会组织, 年度报告, 监督记录), or a .csv file holding
one of them, recognised by its header row. Header texts are those of
``columns.SHEETS`` (full-width brackets, spaces and a trailing "*" are tolerated);
unknown columns and sheets are reported and ignored. Nothing is converted here: that
is ``validate``."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mca_tui.reports.ledger.columns import (
    HEADER_INDEX,
    SHEET_NOTES,
    SHEETS,
    normalize_header,
    sheet_name_for,
)
from mca_tui.reports.ledger.problems import Problem
from mca_tui.reports.ledger.xlsx_rows import fast_rows


@dataclass
class RawSheet:
    """A recognised sheet as found: headers and rows of cells (row numbers as the
    spreadsheet shows them, header row included in the numbering)."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)  # column key per header
    # (keys, key -> first position), rebuilt when ``keys`` is replaced
    _positions: tuple[list[str | None], dict[str, int]] | None = field(
        default=None, repr=False, compare=False)

    def cell(self, values: list[object], key: str) -> object:
        if self._positions is None or self._positions[0] is not self.keys:
            first: dict[str, int] = {}
            for n, k in enumerate(self.keys):
                if k is not None:
                    first.setdefault(k, n)
            self._positions = (self.keys, first)
        i = self._positions[1].get(key)
        if i is None:
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



def _bind_headers(sheet: RawSheet, problems: list[Problem]) -> bool:
    """Map headers to column keys; report unknown and missing columns."""
    index = HEADER_INDEX[sheet.name]
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


def _is_empty_row(values: Iterable[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _sheet_from_rows(name: str, rows: Iterable[tuple[int, list[object]]],
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
            rows: Iterable[tuple[int, list[object]]] | None = fast_rows(wb, ws)
            if rows is None:  # this openpyxl's internals are not those fast_rows reads
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
    for sheet, index in HEADER_INDEX.items():
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
    rows: list[tuple[int, list[object]]] = [(i, list(r)) for i, r in enumerate(reader, 1)]
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


# A cell longer than this is refused with a message (csv's own limit is 131072 and fails
# with a bare "field larger than field limit").
MAX_CELL_CHARS = 10_000


def _read_csv_file(path: Path, problems: list[Problem]) -> dict[str, RawSheet]:
    """A CSV file: UTF-8 or GB18030. A UTF-16 file (Excel's "Unicode text") and a file
    with a cell longer than MAX_CELL_CHARS are named, never read as garbage (issue 13)."""
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        problems.append(Problem(None, None, None, "csv_utf16", {}))
        return {}
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_CELL_CHARS * 4)
        sheets = read_csv_text(_decode(data), problems)
    except csv.Error as exc:
        problems.append(Problem(None, None, None, "csv_huge_cell",
                                {"limit": MAX_CELL_CHARS, "error": str(exc)}))
        return {}
    finally:
        csv.field_size_limit(limit)
    return sheets


# Length limits of the text columns (the registry's column sizes, storage.models): a
# longer value is a row error, never cut or left to the database to refuse.
TEXT_LIMITS = {"name": 200, "legal_rep": 64, "domicile": 300, "supervisory_unit": 200,
               "phone": 40, "business_scope": 2000, "description": 2000}


def _refuse_huge_cells(sheets: dict[str, RawSheet], problems: list[Problem]) -> None:
    for sheet in sheets.values():
        for row_no, values in sheet.rows:
            for i, v in enumerate(values):
                if not isinstance(v, str):
                    continue
                header = sheet.headers[i] if i < len(sheet.headers) else None
                key = sheet.keys[i] if i < len(sheet.keys) else None
                if len(v) > MAX_CELL_CHARS:
                    problems.append(Problem(sheet.name, row_no, header, "huge_cell",
                                            {"limit": MAX_CELL_CHARS}))
                    values[i] = v[:MAX_CELL_CHARS]
                elif key in TEXT_LIMITS and len(v.strip()) > TEXT_LIMITS[key]:
                    problems.append(Problem(sheet.name, row_no, header, "too_long",
                                            {"limit": TEXT_LIMITS[key], "length": len(v.strip())}))


def _merged_ranges(path: Path) -> dict[str, list[str]]:
    """Sheet title -> merged ranges ("A2:A5"), read from the workbook's XML (openpyxl's
    read-only mode does not see them). A merged range shows its value in the first cell
    only: the other rows would read as empty, so they are reported (issue 13)."""
    import posixpath
    import re
    import zipfile
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    out: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(path) as z:
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            for sheet in book.iter(f"{main}sheet"):
                target = targets.get(sheet.get(rel), "")
                member = (target.lstrip("/") if target.startswith("/")
                          else posixpath.normpath(posixpath.join("xl", target)))
                if member not in z.namelist():
                    continue
                xml = z.read(member).decode("utf-8", errors="replace")
                refs = re.findall(r'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', xml)
                if refs:
                    out[sheet.get("name", "")] = refs
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return out


def _refuse_merged_ranges(path: Path, sheets: dict[str, RawSheet],
                          problems: list[Problem]) -> None:
    import re

    for title, refs in _merged_ranges(path).items():
        name = sheet_name_for(title)
        if name not in sheets:
            continue
        for ref in refs:
            rows = [int(x) for x in re.findall(r"[0-9]+", ref)]
            for row_no in range(min(rows), max(rows) + 1):
                problems.append(Problem(name, row_no, None, "merged_cells", {"range": ref}))


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """True if a worksheet of the workbook holds a formula (``<f>`` element), found by
    streaming its XML (much cheaper than a second openpyxl pass over every cell); True
    also when the workbook cannot be scanned (the full check then decides)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            for member in z.namelist():
                if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
                    continue
                with z.open(member) as fh:
                    tail = b""
                    while block := fh.read(1 << 20):
                        if _FORMULA.search(tail + block):
                            return True
                        tail = block[-16:]
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError):
        return True
    return False


def _refuse_formulas_without_values(path: Path, sheets: dict[str, RawSheet],
                                    problems: list[Problem]) -> None:
    """A formula cell whose workbook holds no computed value (saved by a program that
    does not calculate) reads as empty: name it instead (issue 13). A workbook without
    formulas is not read a second time."""
    import openpyxl

    if not _has_formulas(path):
        return
    empty = {name: {row_no: [i for i, v in enumerate(values) if v is None]
                    for row_no, values in sheet.rows} for name, sheet in sheets.items()}
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - read once already; nothing more to learn
        return
    try:
        for ws in wb.worksheets:
            name = sheet_name_for(ws.title)
            if name not in sheets:
                continue
            headers = sheets[name].headers
            for row_no, row in enumerate(ws.iter_rows(values_only=True), 1):
                for i in empty[name].get(row_no, ()):
                    v = row[i] if i < len(row) else None
                    if isinstance(v, str) and v.startswith("="):
                        problems.append(Problem(name, row_no, headers[i] if i < len(headers)
                                                else None, "formula_no_value",
                                                {"formula": v[:60]}))
    finally:
        wb.close()


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
        if sheets:
            _refuse_formulas_without_values(path, sheets, problems)
            _refuse_merged_ranges(path, sheets, problems)
    elif suffix in (".csv", ".txt"):
        sheets, kind = _read_csv_file(path, problems), "csv"
    else:
        problems.append(Problem(None, None, None, "unsupported_file", {"suffix": suffix}))
        sheets, kind = {}, suffix.lstrip(".")
    _refuse_huge_cells(sheets, problems)
    return RawLedger(path.name, kind, sheets, problems)


def ledger_from_rows(file_name: str,
                     data: Mapping[str, list[dict[str, object]]]) -> RawLedger:
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
