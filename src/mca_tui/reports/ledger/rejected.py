"""The rejected rows of an import, written beside the input file
(``<name>.rejected.xlsx|csv``) so that the clerk can correct and re-import them."""

from __future__ import annotations

from pathlib import Path

from mca_tui.reports.ledger.columns import PROBLEM_COLUMN, ROW_COLUMN
from mca_tui.reports.ledger.problems import Problem
from mca_tui.reports.ledger.read import RawLedger
from mca_tui.reports.ledger.write import write_csv, write_workbook


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
