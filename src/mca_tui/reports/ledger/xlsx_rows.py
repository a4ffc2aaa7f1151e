"""The cell values of a worksheet opened by openpyxl in read-only mode, read ~3x faster
than ``ws.iter_rows(values_only=True)``: the same values (openpyxl's shared strings, date
styles and epoch, its number and date conversions), but without building a dict and
running openpyxl's descriptor machinery per cell (an inline string cell costs openpyxl
a ``Text.from_tree``). Rows are cut and padded to the worksheet's dimension as openpyxl
does; rows missing from the file are simply not yielded (the ledger reader skips empty
rows anyway). Falls back to nothing (``None``) where openpyxl's internals differ from
what this module expects, and the caller then uses ``iter_rows``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import iterparse

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v"
_INLINE, _TEXT, _RUN = f"{_MAIN}is", f"{_MAIN}t", f"{_MAIN}r"

_columns: dict[str, int] = {}


def _column(ref: str) -> int:
    """1-based column of a cell reference ("AB12" -> 28)."""
    letters = ref.rstrip("0123456789")
    found = _columns.get(letters)
    if found is None:
        found = 0
        for ch in letters:
            found = found * 26 + ord(ch.upper()) - 64
        if len(_columns) < 20_000:
            _columns[letters] = found
    return found


def _number(text: str) -> int | float:
    """openpyxl's ``_cast_number``."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _inline(cell: Any) -> str | None:
    """An inline string's text: its plain part and its rich-text runs (openpyxl's
    ``Text.content``; phonetic runs left out); None without an ``is`` element."""
    node = cell.find(_INLINE)
    if node is None:
        return None
    parts = []
    plain = node.find(_TEXT)
    if plain is not None and plain.text is not None:
        parts.append(plain.text)
    for run in node.iterfind(_RUN):
        t = run.find(_TEXT)
        if t is not None and t.text is not None:
            parts.append(t.text)
    return "".join(parts)


def fast_rows(wb: Any, ws: Any) -> Iterator[tuple[int, list[object]]] | None:
    """(row number, values) of each row present in ``ws`` (a read-only worksheet of
    ``wb`` opened with ``data_only=True``), or None if this openpyxl does not expose
    what is needed."""
    try:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        archive, path = wb._archive, ws._worksheet_path  # noqa: SLF001
        shared = ws._shared_strings  # noqa: SLF001
        dates, durations = wb._date_formats, wb._timedelta_formats  # noqa: SLF001
        epoch, max_col, max_row = wb.epoch, ws.max_column, ws.max_row
    except (AttributeError, ImportError):
        return None
    if not wb.data_only:
        return None

    def convert(cell: Any) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return _inline(cell)
        text = cell.findtext(_VALUE, None) or None
        if text is None:
            return None
        if kind == "n":
            value: Any = _number(text)
            style = cell.get("s")
            if style and int(style) in dates:
                try:
                    return from_excel(value, epoch, timedelta=int(style) in durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return value
        if kind == "s":
            return shared[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)  # type: ignore[no-untyped-call]
        return text  # "str" (a formula's text), "e" (an error such as #N/A)

    def rows() -> Iterator[tuple[int, list[object]]]:
        row_no = 0
        with archive.open(path) as source:
            for _event, element in iterparse(source):
                if element.tag != _ROW:
                    continue
                r = element.get("r")
                row_no = int(r) if r else row_no + 1
                if max_row is not None and row_no > max_row:
                    break
                values: list[object] = [None] * max_col if max_col else []
                col = 0
                for cell in element.iterfind(_CELL):
                    ref = cell.get("r")
                    col = _column(ref) if ref else col + 1
                    if max_col is not None and col > max_col:
                        continue
                    if col > len(values):
                        values.extend([None] * (col - len(values)))
                    values[col - 1] = convert(cell)
                element.clear()
                yield row_no, values

    return rows()
