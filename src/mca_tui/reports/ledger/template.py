"""The empty ledger (台账模板) a clerk fills in: the three sheets with their header rows,
formatted as an export is (frozen header, filter, widths), with whole columns set up so
that what the clerk types keeps its form — code, ID and phone columns are text (an
18-digit code never becomes 5.1E+17), date columns show dates — a drop-down list on
every enumerated column (类型, 登记状态, 撤销类别, 所属街道, 结论, 类别), and a
填写说明 sheet in the clerk's words.

The notes are Chinese whatever the UI language: the ledger's headers and vocabularies
are Chinese (file format), and so is the clerk who fills it in.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from mca_tui.config import Settings
from mca_tui.i18n import t
from mca_tui.reports.ledger.columns import (
    CHOICE,
    CODE,
    DATE,
    SHEET_NOTES,
    SHEETS,
    Column,
    choices,
)
from mca_tui.reports.ledger.write import DATE_FORMAT, TEXT_FORMAT, display_width

LANG = "zh"
# Rows the drop-down lists and column formats cover (a district's register fits).
TEMPLATE_ROWS = 20000
# An inline list of a data validation is limited to 255 characters by Excel.
MAX_LIST_CHARS = 255
# Typical content widths of free-text columns (character cells).
_TYPICAL = {"name": 34, "domicile": 34, "business_scope": 40, "description": 40,
            "supervisory_unit": 24, "legal_rep": 12, "funds": 14, "report_year": 10}
_KIND_WIDTH = {CODE: 22, DATE: 12}
NOTES_WIDTHS = (12, 20, 7, 74)
LINE_HEIGHT = 18  # points per wrapped line of 11-point CJK text


def _column_width(col: Column, words: list[str] | None) -> float:
    width = max(display_width(col.header) + 4, _TYPICAL.get(col.key, 0),
                _KIND_WIDTH.get(col.kind, 0))
    if words:
        width = max(width, max(display_width(w) for w in words) + 4)
    return float(width)


def _rows_needed(text: str, width: float) -> int:
    return max(1, math.ceil(display_width(text) / max(1.0, width * 0.92)))


def _allowed(words: list[str]) -> str:
    return "、".join(words)


def template_notes(settings: Settings) -> list[list[str]]:
    """The 填写说明 sheet's rows: a title, paragraphs (one cell each), an empty row,
    then a table (工作表, 列名, 必填, 填写内容) with a row per column."""
    lines = [[t("ledger.notes.title", LANG)]]
    for key in ("intro", "rows", "lists", "dates", "codes", "masked", "check", "legacy"):
        lines.append([t(f"ledger.notes.{key}", LANG)])
    lines.append([])
    lines.append([t("ledger.notes.h_sheet", LANG), t("ledger.notes.h_column", LANG),
                  t("ledger.notes.h_required", LANG), t("ledger.notes.h_content", LANG)])
    for sheet, cols in SHEETS.items():
        for col in cols:
            content = t(f"ledger.column.{col.key}", LANG)
            words = choices(col.key, settings)
            if words:
                content = t("ledger.notes.choose", LANG, content=content,
                            allowed=_allowed(words))
            lines.append([sheet, col.header,
                          t("ledger.notes.yes", LANG) if col.required else "", content])
    return lines


def _data_sheet(wb: Any, name: str, settings: Settings) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(name)
    cols = SHEETS[name]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, col in enumerate(cols, 1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.data_type = "s"
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
        words = choices(col.key, settings)
        dim = ws.column_dimensions[letter]
        dim.width = _column_width(col, words)
        if col.kind == CODE:
            dim.number_format = TEXT_FORMAT
        elif col.kind == DATE:
            dim.number_format = DATE_FORMAT
        elif col.number_format:
            dim.number_format = col.number_format
        if col.kind == CHOICE and words:
            formula = '"' + ",".join(words) + '"'
            if len(formula) > MAX_LIST_CHARS:
                continue  # too long for a list: the notes name the values
            dv = DataValidation(
                type="list", formula1=formula, allow_blank=not col.required,
                showDropDown=False, showErrorMessage=True, showInputMessage=True,
                errorTitle=t("ledger.notes.dv_error_title", LANG),
                error=t("ledger.notes.dv_error", LANG, allowed=_allowed(words)),
                promptTitle=col.header,
                prompt=t("ledger.notes.dv_prompt", LANG))
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}1"
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "1:1"


def _notes_sheet(wb: Any, settings: Settings) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(SHEET_NOTES)
    for i, width in enumerate(NOTES_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    total = float(sum(NOTES_WIDTHS))
    last = get_column_letter(len(NOTES_WIDTHS))
    wrap = Alignment(wrap_text=True, vertical="top")
    table = False
    for r, line in enumerate(template_notes(settings), 1):
        if not line:
            table = True
            continue
        if r == 1:
            cell = ws.cell(row=r, column=1, value=line[0])
            cell.font = Font(bold=True, size=14)
            ws.merge_cells(f"A{r}:{last}{r}")
            ws.row_dimensions[r].height = 26
            continue
        if not table:  # a paragraph across the sheet's width
            cell = ws.cell(row=r, column=1, value=line[0])
            cell.alignment = wrap
            ws.merge_cells(f"A{r}:{last}{r}")
            ws.row_dimensions[r].height = LINE_HEIGHT * _rows_needed(line[0], total) + 4
            continue
        header = line[0] == t("ledger.notes.h_sheet", LANG)
        for c, text in enumerate(line, 1):
            cell = ws.cell(row=r, column=c, value=text)
            cell.data_type = "s"
            cell.alignment = wrap
            if header:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="DDEBF7")
        # An explicit height: LibreOffice does not fit a row to its wrapped cells on
        # opening an .xlsx. Estimated for Excel/WPS, whose CJK glyphs are widest.
        lines = max(_rows_needed(text, NOTES_WIDTHS[c]) for c, text in enumerate(line))
        ws.row_dimensions[r].height = LINE_HEIGHT * lines + 2
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_template(path: Path, settings: Settings) -> None:
    """An empty ledger: the three sheets' headers (drop-downs, column formats) and the
    填写说明 sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])  # the default sheet of a new workbook
    for name in SHEETS:
        _data_sheet(wb, name, settings)
    _notes_sheet(wb, settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
