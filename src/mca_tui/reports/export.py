"""Rendering exports: any list screen's table (``write_table``) and the register in the
ledger format (``write_ledger``) as .xlsx or .csv, chosen by the file's suffix.

Pure rendering: no database, no role check. Reading the register and the audited
unmasked export are ``services.export``. Masking (350205********1234, 138****5678) is
applied here to the columns the caller names; the cell formats are those of
``reports.ledger.write``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from mca_tui.domain.identifiers import mask_id_number, mask_phone
from mca_tui.i18n import t
from mca_tui.reports import ledger as L

MASKERS = {"id_number": mask_id_number, "phone": mask_phone}
FORMATS = (".xlsx", ".csv")


class UnsupportedFormat(ValueError):
    """The file's suffix names no format we write (or a CSV was asked for a sheet that
    is not a ledger sheet). Carries an i18n key like the services' errors."""

    key = "export.unsupported_suffix"

    def __init__(self, suffix: str) -> None:
        self.params = {"suffix": suffix}
        super().__init__(self.message())

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)


def file_format(path: Path) -> str:
    """".xlsx" or ".csv" by the path's suffix; UnsupportedFormat otherwise."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedFormat(suffix or path.name)
    return suffix


def masked_rows(headers: list[str], rows: Iterable[Sequence[object]],
                mask: Mapping[str, str] | None) -> Iterator[Sequence[object]]:
    """``rows`` with the columns named in ``mask`` (header -> "id_number" | "phone")
    masked."""
    if not mask:
        yield from rows
        return
    idx = {headers.index(h): MASKERS[kind] for h, kind in mask.items() if h in headers}
    for row in rows:
        row = list(row)
        for i, fn in idx.items():
            if i < len(row) and row[i]:
                row[i] = fn(str(row[i]))
        yield row


def write_table(path: str | Path, headers: list[str], rows: Iterable[Sequence[object]], *,
                mask: Mapping[str, str] | None = None, sheet: str = "Sheet1") -> Path:
    """Write one table to .xlsx or .csv (by suffix) — for any list screen's export.
    ``mask`` maps a header to "id_number" or "phone" to mask that column."""
    path = Path(path)
    fmt = file_format(path)
    data = masked_rows(list(headers), rows, mask)
    if fmt == ".csv":
        L.write_csv(path, list(headers), data)
    else:
        L.write_workbook(path, {sheet: (list(headers), data)})
    return path


def write_ledger(path: Path, fmt: str,
                 makers: Mapping[str, Callable[[], Iterable[Sequence[object]]]],
                 sheet: str | None = None) -> None:
    """Write the register in the ledger format to ``path`` as ``fmt`` (".xlsx": every
    sheet of ``makers``, name -> a function giving its rows; ".csv": the one ``sheet``,
    default 社会组织)."""
    if fmt == ".csv":
        name = sheet or L.SHEET_ORGS
        if name not in makers:
            raise UnsupportedFormat(name)
        L.write_csv(path, L.headers(name), makers[name]())
    elif fmt == ".xlsx":
        L.write_workbook(path, {name: (L.headers(name), make())
                                for name, make in makers.items()},
                         number_formats=L.number_formats())
    else:
        raise UnsupportedFormat(fmt)
