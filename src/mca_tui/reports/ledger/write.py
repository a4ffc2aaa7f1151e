"""Writing ledgers and tables as .xlsx and .csv that open cleanly in Excel, WPS and
LibreOffice.

.xlsx (``write_workbook``, streamed in write-only mode so that 100k-row sheets stay
cheap): a bold, frozen header row with a filter; column widths that fit the content
(measured on the header and the first rows, a CJK character counting double); text
(codes, ID and phone numbers) stored as text cells with the text format "@", so that no
code turns into 5.1E+17 or loses a leading zero; dates as real date cells shown
yyyy-mm-dd. A text starting like a formula (= + - @ ...) is stored as a text cell with
the quote-prefix style: the spreadsheet shows it as typed and never runs it, and no
apostrophe appears in the cell.

.csv (``write_csv``): UTF-8 with a BOM (Excel and WPS open it as UTF-8); a CSV has no
cell types, so a formula-like text gets a leading "'" there (``neutralise``), which the
import removes again (``cells.unneutralise``).
"""

from __future__ import annotations

import csv
import functools
import itertools
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mca_tui.reports.ledger.columns import FORMULA_STARTS

TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
# Rows measured to size the columns (the rest are streamed without being held).
WIDTH_SAMPLE = 500
MIN_WIDTH, MAX_WIDTH = 6, 50
DATE_WIDTH = 10


def display_width(text: str) -> int:
    """Width of ``text`` in character cells: wide and full-width (CJK) characters
    count two, as a spreadsheet draws them; the longest line of a multi-line text."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in str(text).splitlines() or [""]), default=0)


def value_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return DATE_WIDTH
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return len(f"{value:,.2f}")
    return display_width(str(value))


def column_widths(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[float]:
    """Widths (in Excel's character units) fitting the header and ``rows``, with room
    for the filter button beside the header."""
    widths = [display_width(h) + 3 for h in headers]
    for row in rows:
        for i, value in enumerate(row[:len(widths)]):
            widths[i] = max(widths[i], value_width(value))
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, w)) + 1) for w in widths]


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: object) -> object:
    """For CSV: prefix "'" to a text a spreadsheet would run as a formula (starting with
    = + - @, their full-width forms, tab or CR)."""
    if is_formula_like(value):
        return "'" + str(value)
    return value


@functools.cache
def _centre() -> Any:
    from openpyxl.styles import Alignment

    return Alignment(horizontal="center")


@functools.cache
def _right() -> Any:
    from openpyxl.styles import Alignment

    return Alignment(horizontal="right", indent=1)


def _xlsx_cell(ws: Any, value: object, number_format: str | None = None) -> object:
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (date, datetime)):
        # openpyxl writes a date as it does a datetime; its stubs name only datetime
        cell = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]
        cell.number_format = DATE_FORMAT
        cell.alignment = _centre()
        return cell
    if isinstance(value, (int, float)):
        if number_format is None:
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        cell.alignment = _right()  # a gap before the next column's text
        return cell
    text = str(value)
    cell = WriteOnlyCell(ws, value=text)
    if cell.data_type != "s":  # openpyxl reads "=..." as a formula: keep it text
        cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
    cell.number_format = TEXT_FORMAT
    return cell


def write_workbook(path: Path,
                   sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[object]]]], *,
                   number_formats: Mapping[str, str] | None = None) -> None:
    """Write sheets (name -> (headers, rows)) as .xlsx, formatted as the module says;
    ``number_formats`` maps a header to the format of its numbers (amounts)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    centre = Alignment(vertical="center")
    for name, (headers, rows) in sheets.items():
        headers = list(headers)
        ws = wb.create_sheet(name)
        rows = iter(rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE))
        for i, width in enumerate(column_widths(headers, sample), 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        ws.page_setup.orientation = "landscape"
        ws.print_title_rows = "1:1"  # the header on every printed page
        head = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.data_type = "s"
            cell.font, cell.fill, cell.alignment = bold, fill, centre
            head.append(cell)
        ws.append(head)
        formats = [(number_formats or {}).get(h) for h in headers]
        count = 0
        for row in itertools.chain(sample, rows):
            ws.append([_xlsx_cell(ws, v, formats[i] if i < len(formats) else None)
                       for i, v in enumerate(row)])
            count += 1
        if headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
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


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """UTF-8 with BOM (Excel and WPS open it as UTF-8); formula-like text neutralised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        for row in rows:
            w.writerow([_csv_value(v) for v in row])
