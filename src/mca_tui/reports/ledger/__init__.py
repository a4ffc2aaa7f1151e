"""The ledger format (台账): the spreadsheets a bureau keeps in Excel/WPS, read, checked
and written. One module per concern:

- ``columns``: sheets, column headers and kinds, value vocabularies (file format);
- ``problems``: a problem of the file (sheet, row, column, what) and the report of them;
- ``read``: a file (.xlsx or .csv) into cells as found (``RawLedger``), or
  streamed row by row (``open_ledger``);
- ``cells``: reading one cell (text, date, year, code, enumerated word);
- ``validate``: checking every row into typed rows (``ParsedLedger``);
- ``write``: .xlsx and .csv writing (widths, frozen header, filter, cell types);
- ``template``: the empty ledger with drop-down lists and the 填写说明 sheet;
- ``rejected``: the rejected rows of an import, beside the input file.

Nothing here touches the database; the audited import is ``services.ledger_import``,
the export ``services.export``. The names below are the package's public interface.
"""

from mca_tui.reports.ledger.cells import (
    EXCEL_EPOCH,
    CellError,
    cell_text,
    choice,
    excel_number_text,
    parse_code,
    parse_date,
    parse_year,
    unneutralise,
)
from mca_tui.reports.ledger.columns import (
    CHOICE,
    CODE,
    CONCLUSION_WORD,
    CONCLUSIONS,
    DATE,
    FORMULA_STARTS,
    LEGACY_PROBLEMS,
    LEGACY_REASON,
    NUMBER,
    ORG_TYPE_ALIASES,
    ORG_TYPE_WORD,
    ORG_TYPES,
    PROBLEM_COLUMN,
    REVOCATION_KINDS,
    REVOCATION_WORD,
    ROW_COLUMN,
    SHEET_NOTES,
    SHEET_ORGS,
    SHEET_REPORTS,
    SHEET_SUPERVISION,
    SHEETS,
    STATUS_ALIASES,
    STATUS_WORD,
    STATUSES,
    SUPERVISION_KINDS,
    SUPERVISION_WORD,
    TEXT,
    Column,
    Progress,
    choices,
    headers,
    normalize_header,
    number_formats,
    sheet_name_for,
)
from mca_tui.reports.ledger.problems import Problem, report_lines
from mca_tui.reports.ledger.read import (
    LedgerStream,
    RawLedger,
    RawSheet,
    guess_csv_sheet,
    ledger_from_rows,
    open_ledger,
    read_csv_text,
    read_ledger,
    read_xlsx,
)
from mca_tui.reports.ledger.rejected import write_rejected
from mca_tui.reports.ledger.template import template_notes, write_template
from mca_tui.reports.ledger.validate import (
    OrgRow,
    ParsedLedger,
    ReportRow,
    SupervisionRow,
    validate,
    validate_stream,
)
from mca_tui.reports.ledger.write import (
    column_widths,
    display_width,
    is_formula_like,
    neutralise,
    write_csv,
    write_workbook,
)

__all__ = [
    "CHOICE", "CODE", "CONCLUSIONS", "CONCLUSION_WORD", "DATE", "EXCEL_EPOCH",
    "FORMULA_STARTS", "LEGACY_PROBLEMS", "LEGACY_REASON", "NUMBER", "ORG_TYPES",
    "ORG_TYPE_ALIASES", "ORG_TYPE_WORD", "PROBLEM_COLUMN", "REVOCATION_KINDS",
    "REVOCATION_WORD", "ROW_COLUMN", "SHEETS", "SHEET_NOTES", "SHEET_ORGS", "SHEET_REPORTS",
    "SHEET_SUPERVISION", "STATUSES", "STATUS_ALIASES", "STATUS_WORD", "SUPERVISION_KINDS",
    "SUPERVISION_WORD", "TEXT", "CellError", "Column", "LedgerStream", "OrgRow",
    "ParsedLedger", "Problem",
    "Progress", "RawLedger", "RawSheet", "ReportRow", "SupervisionRow", "cell_text", "choice",
    "choices", "column_widths", "display_width", "excel_number_text", "guess_csv_sheet",
    "headers", "is_formula_like", "ledger_from_rows", "neutralise", "normalize_header",
    "number_formats", "open_ledger",
    "parse_code", "parse_date", "parse_year", "read_csv_text", "read_ledger", "read_xlsx",
    "report_lines", "sheet_name_for", "template_notes", "unneutralise", "validate",
    "validate_stream",
    "write_csv", "write_rejected", "write_template", "write_workbook",
]
