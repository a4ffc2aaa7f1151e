"""Reading a ledger file into cells as found (``RawLedger``): an .xlsx workbook with up
to three sheets recognised by name (社会组织, 年度报告, 监督记录), or a .csv file holding
one of them, recognised by its header row. Header texts are those of
``columns.SHEETS`` (full-width brackets, spaces and a trailing "*" are tolerated);
unknown columns and sheets are reported and ignored. Nothing is converted here: that
is ``validate``.

Two ways in: :func:`read_ledger` holds every row in memory (``RawLedger``; small files,
tests), :func:`open_ledger` streams a file row by row (``LedgerStream``: the import of a
file of any size, whose memory stays flat). Both report the same problems; a streamed
file reports a row's own problems (cells outside the header, a formula without a value,
a cell too long) when that row is read."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
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
    # A streamed sheet (``open_ledger``): its rows after the header, read once; ``rows``
    # stays empty.
    source: Iterator[tuple[int, list[object]]] | None = field(
        default=None, repr=False, compare=False)
    # (keys, key -> first position), rebuilt when ``keys`` is replaced
    _positions: tuple[list[str | None], dict[str, int]] | None = field(
        default=None, repr=False, compare=False)

    def positions(self) -> dict[str, int]:
        """Column key -> its (first) position in a row."""
        if self._positions is None or self._positions[0] is not self.keys:
            first: dict[str, int] = {}
            for n, k in enumerate(self.keys):
                if k is not None:
                    first.setdefault(k, n)
            self._positions = (self.keys, first)
        return self._positions[1]

    def cell(self, values: list[object], key: str) -> object:
        i = self.positions().get(key)
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


def _start_sheet(name: str, rows: Iterable[tuple[int, list[object]]],
                 problems: list[Problem]) -> RawSheet | None:
    """The sheet's header (its first non-empty row) bound to columns; the rows after it
    are left in ``source``, unread. None when a required column is missing."""
    it = iter(rows)
    for _row_no, values in it:
        if not _is_empty_row(values):
            headers = [str(v).strip() if v is not None else "" for v in values]
            break
    else:
        return RawSheet(name, [], [])
    sheet = RawSheet(name, headers, source=it)
    ok = _bind_headers(sheet, problems)
    return sheet if ok else None


# A cell longer than this is refused with a message (csv's own limit is 131072 and fails
# with a bare "field larger than field limit").
MAX_CELL_CHARS = 10_000

# Length limits of the text columns (the registry's column sizes, storage.models): a
# longer value is a row error, never cut or left to the database to refuse.
TEXT_LIMITS = {"name": 200, "legal_rep": 64, "domicile": 300, "supervisory_unit": 200,
               "phone": 40, "business_scope": 2000, "description": 2000}

# (sheet, row number) -> {column position: formula} of formula cells (``_formula_cells``)
Formulas = dict[tuple[str, int], dict[int, str]]


def _check_row(sheet: RawSheet, row_no: int, values: list[object], problems: list[Problem],
               formulas: Formulas | None) -> None:
    """A row's own problems: a formula whose workbook holds no value, a cell longer than
    MAX_CELL_CHARS (cut), a text longer than its column allows."""
    if formulas:
        for i, formula in formulas.get((sheet.name, row_no), {}).items():
            if i < len(values) and values[i] is None:
                problems.append(Problem(sheet.name, row_no, sheet.headers[i]
                                        if i < len(sheet.headers) else None,
                                        "formula_no_value", {"formula": formula[:60]}))
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


def _data_rows(sheet: RawSheet, problems: list[Problem],
               formulas: Formulas | None = None) -> Iterator[tuple[int, list[object]]]:
    """The non-empty rows after the header, cut to the header's width, each checked
    (``_check_row``) as it is read."""
    if sheet.source is None:
        return
    width = len(sheet.headers)
    source, sheet.source = sheet.source, None  # read once
    for row_no, values in source:
        if _is_empty_row(values):
            continue
        values = list(values)
        if len(values) > width and not _is_empty_row(values[width:]):
            problems.append(Problem(sheet.name, row_no, None, "cells_outside_header", {},
                                    "warning"))
        values = values[:width]
        _check_row(sheet, row_no, values, problems, formulas)
        yield row_no, values


def _open_xlsx(path: Path, problems: list[Problem]
               ) -> tuple[dict[str, RawSheet], Callable[[], None], int]:
    """The recognised sheets of a workbook opened in read-only mode, headers read and
    rows left to stream; the function that closes the workbook; the number of rows the
    sheets declare (their dimensions, header rows left out: a progress total)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        problems.append(Problem(None, None, None, "unreadable", {"error": str(exc)}))
        return {}, lambda: None, 0
    sheets: dict[str, RawSheet] = {}
    declared = 0
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
            sheet = _start_sheet(name, rows, problems)
            if sheet is not None:
                sheets[name] = sheet
                declared += max(0, (ws.max_row or 1) - 1)
    except BaseException:
        wb.close()
        raise
    if not sheets and not any(p.is_error for p in problems):
        problems.append(Problem(None, None, None, "no_sheets",
                                {"sheets": "、".join(SHEETS)}))
    return sheets, wb.close, declared


def read_xlsx(path: Path, problems: list[Problem]) -> dict[str, RawSheet]:
    """Every recognised sheet of a workbook, its rows in memory."""
    sheets, close, _declared = _open_xlsx(path, problems)
    try:
        for sheet in sheets.values():
            sheet.rows = list(_data_rows(sheet, problems))
    finally:
        close()
    return sheets


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


def _start_csv(lines: Iterable[str], first: str,
               problems: list[Problem]) -> dict[str, RawSheet]:
    """The sheet a CSV text holds, recognised by its header (rows left to stream)."""
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = enumerate(csv.reader(lines, delimiter=delimiter), 1)
    header_row: list[object] | None = None
    skipped: list[tuple[int, list[object]]] = []
    for row_no, values in reader:
        skipped.append((row_no, list(values)))
        if not _is_empty_row(values):
            header_row = list(values)
            break
    if header_row is None:
        problems.append(Problem(None, None, None, "empty_file", {}))
        return {}
    name = guess_csv_sheet([str(h) for h in header_row])
    if name is None:
        problems.append(Problem(None, 1, None, "csv_unknown_header",
                                {"sheets": "、".join(SHEETS)}))
        return {}
    rest: Iterator[tuple[int, list[object]]] = ((n, list(r)) for n, r in reader)
    sheet = _start_sheet(name, _chain(skipped, rest), problems)
    return {name: sheet} if sheet is not None else {}


def _chain(head: list[tuple[int, list[object]]],
           rest: Iterator[tuple[int, list[object]]]) -> Iterator[tuple[int, list[object]]]:
    yield from head
    yield from rest


def read_csv_text(text: str, problems: list[Problem]) -> dict[str, RawSheet]:
    sheets = _start_csv(io.StringIO(text), text.split("\n", 1)[0], problems)
    for sheet in sheets.values():
        sheet.rows = list(_data_rows(sheet, problems))
    return sheets


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030, whichever decodes the whole file (read in
    blocks); UTF-8 with replacement characters otherwise."""
    import codecs

    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while block := fh.read(1 << 20):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "utf-8"


def _open_csv(path: Path, problems: list[Problem]) -> tuple[dict[str, RawSheet],
                                                             Callable[[], None]]:
    """A CSV file: UTF-8 or GB18030, streamed. A UTF-16 file (Excel's "Unicode text") is
    named, never read as garbage (issue 13); a cell longer than MAX_CELL_CHARS is named
    when its row is read (``csv_huge_cell``, see ``LedgerStream.rows``)."""
    with path.open("rb") as raw:
        head = raw.read(4096)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head:
        problems.append(Problem(None, None, None, "csv_utf16", {}))
        return {}, lambda: None
    encoding = _csv_encoding(path)
    fh = path.open(encoding=encoding, errors="replace", newline="")
    first = fh.readline()
    fh.seek(0)
    if encoding == "utf-8-sig":
        first = first.removeprefix("\ufeff")
    try:
        with _csv_limit():
            sheets = _start_csv(fh, first, problems)
    except csv.Error as exc:
        fh.close()
        problems.append(Problem(None, None, None, "csv_huge_cell",
                                {"limit": MAX_CELL_CHARS, "error": str(exc)}))
        return {}, lambda: None
    return sheets, fh.close


class _csv_limit:  # noqa: N801 - used as a context manager
    """csv's field size limit raised to MAX_CELL_CHARS * 4 while a CSV is read."""

    def __enter__(self) -> None:
        self.previous = csv.field_size_limit()
        csv.field_size_limit(MAX_CELL_CHARS * 4)

    def __exit__(self, *exc: object) -> None:
        csv.field_size_limit(self.previous)


def _read_csv_file(path: Path, problems: list[Problem]) -> dict[str, RawSheet]:
    """A CSV file with its rows in memory (``_open_csv``)."""
    sheets, close = _open_csv(path, problems)
    try:
        with _csv_limit():
            for sheet in sheets.values():
                sheet.rows = list(_data_rows(sheet, problems))
    except csv.Error as exc:
        problems.append(Problem(None, None, None, "csv_huge_cell",
                                {"limit": MAX_CELL_CHARS, "error": str(exc)}))
        return {}
    finally:
        close()
    return sheets


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(path: Path) -> dict[str, list[str]]:
    """Sheet title -> merged ranges ("A2:A5"), read from the workbook's XML in blocks
    (openpyxl's read-only mode does not see them). A merged range shows its value in the
    first cell only: the other rows would read as empty, so they are reported (issue 13)."""
    import posixpath
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
                refs: list[str] = []
                with z.open(member) as fh:
                    tail = b""
                    while block := fh.read(1 << 20):
                        text = tail + block
                        cut = text.rfind(b"<")  # a tag cut by the block boundary waits
                        cut = cut if cut > 0 else len(text)
                        refs += [m.decode() for m in _MERGE.findall(text, 0, cut)]
                        tail = text[cut:]
                    refs += [m.decode() for m in _MERGE.findall(tail)]
                if refs:
                    out[sheet.get("name", "")] = refs
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return out


def _refuse_merged_ranges(path: Path, sheets: dict[str, RawSheet],
                          problems: list[Problem]) -> None:
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


def _formula_cells(path: Path, names: Iterable[str]) -> Formulas:
    """The formula cells of the recognised sheets (a second read, only of a workbook that
    holds formulas): a formula cell whose workbook holds no computed value (saved by a
    program that does not calculate) reads as empty, and is named instead (issue 13)."""
    import openpyxl

    out: Formulas = {}
    if not _has_formulas(path):
        return out
    wanted = set(names)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - read once already; nothing more to learn
        return out
    try:
        for ws in wb.worksheets:
            name = sheet_name_for(ws.title)
            if name not in wanted:
                continue
            for row_no, row in enumerate(ws.iter_rows(values_only=True), 1):
                for i, v in enumerate(row):
                    if isinstance(v, str) and v.startswith("="):
                        out.setdefault((name, row_no), {})[i] = v
    finally:
        wb.close()
    return out


@dataclass
class LedgerStream:
    """A ledger file opened for one pass, row by row (``open_ledger``): the recognised
    sheets with their headers (``sheets``; no rows in memory), the problems found so far
    (file and header problems when opened, a row's problems when it is read), and
    :meth:`rows`, which reads a sheet's rows once. Close it (or use ``with``)."""

    file_name: str
    kind: str  # xlsx | csv | memory
    sheets: dict[str, RawSheet]
    problems: list[Problem]
    formulas: Formulas | None = None
    close: Callable[[], None] = lambda: None
    rows_read: int = 0
    estimated_rows: int = 0  # from the workbook's dimensions (a progress total)

    def rows(self, name: str) -> Iterator[tuple[int, list[object]]]:
        """The sheet's data rows as read (``(row number, cells)``), once."""
        sheet = self.sheets.get(name)
        if sheet is None:
            return
        if sheet.source is None:  # in memory
            for row in sheet.rows:
                self.rows_read += 1
                yield row
            return
        with _csv_limit() if self.kind == "csv" else _nothing():
            try:
                for row in _data_rows(sheet, self.problems, self.formulas):
                    self.rows_read += 1
                    yield row
            except csv.Error as exc:
                self.problems.append(Problem(None, None, None, "csv_huge_cell",
                                             {"limit": MAX_CELL_CHARS, "error": str(exc)}))

    def __enter__(self) -> LedgerStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _nothing:  # noqa: N801 - a context manager that does nothing
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def open_ledger(source: str | Path | RawLedger) -> LedgerStream:
    """Open an .xlsx or .csv ledger to read it row by row (or stream a ledger already in
    memory): headers bound to columns, file problems found, rows not yet read."""
    if isinstance(source, RawLedger):
        return LedgerStream(source.file_name, source.kind, source.sheets,
                            list(source.problems), estimated_rows=source.total_rows)
    path = Path(source)
    problems: list[Problem] = []
    suffix = path.suffix.lower()
    if not path.exists():
        problems.append(Problem(None, None, None, "file_not_found", {"path": str(path)}))
        return LedgerStream(path.name, suffix.lstrip("."), {}, problems)
    if suffix in (".xlsx", ".xlsm"):
        sheets, close, declared = _open_xlsx(path, problems)
        stream = LedgerStream(path.name, "xlsx", sheets, problems, close=close,
                              estimated_rows=declared)
        if sheets:
            stream.formulas = _formula_cells(path, sheets)
            _refuse_merged_ranges(path, sheets, problems)
        return stream
    if suffix in (".csv", ".txt"):
        sheets, close = _open_csv(path, problems)
        return LedgerStream(path.name, "csv", sheets, problems, close=close,
                            estimated_rows=max(0, path.stat().st_size // 200))
    problems.append(Problem(None, None, None, "unsupported_file", {"suffix": suffix}))
    return LedgerStream(path.name, suffix.lstrip("."), {}, problems)


def read_ledger(path: str | Path) -> RawLedger:
    """Read an .xlsx or .csv ledger (cells as found, headers bound to columns), every
    row in memory; :func:`open_ledger` streams it instead."""
    with open_ledger(path) as stream:
        for name, sheet in stream.sheets.items():
            sheet.rows = list(stream.rows(name))
    return RawLedger(stream.file_name, stream.kind, stream.sheets, stream.problems)


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
