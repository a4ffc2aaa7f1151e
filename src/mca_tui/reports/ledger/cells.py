"""Reading one cell of a ledger: text, dates (including Excel serial numbers), years,
enumerated words and codes. Each reader raises ``CellError`` (an i18n key under
``ledger.problem`` and its parameters) for a value it cannot read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TypeVar

from mca_tui.domain.dates import DateTextError, read_date
from mca_tui.domain.text import normalize_code, normalize_name, normalize_text, normalize_value
from mca_tui.reports.ledger.columns import FORMULA_STARTS

EXCEL_EPOCH = date(1899, 12, 30)
E = TypeVar("E")

# A code that Excel turned into a number shows as 5.13502055076169E+17 (saved that way
# in a CSV, or typed back as text).
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


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


def excel_number_text(value: float) -> str:
    """A large number as Excel's General format shows it: 5.13502055076169E+17."""
    mantissa, exponent = f"{value:.14E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"


def parse_code(value: object) -> str:
    """A code or ID number cell (统一社会信用代码, 身份证号) as normalised text. Raises
    CellError("code_scientific") when Excel has turned it into a number: a float cell,
    or text in scientific notation. Its last digits are lost and cannot be recovered
    from the file. (An exact integer cell, as other programs write, is read as text.)"""
    if isinstance(value, bool):
        return normalize_code(str(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # NaN, #DIV/0!-like
            raise CellError("code_scientific", value=str(value))
        if value.is_integer() and abs(value) < 1e15:
            return normalize_code(str(int(value)))  # exact: at most 15 digits
        raise CellError("code_scientific", value=excel_number_text(value))
    text = normalize_code(cell_text(value))
    if _SCIENTIFIC.match(text):
        raise CellError("code_scientific", value=cell_text(value))
    return text


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
        return _not_before_prc(_serial_date(value), value)
    text = unneutralise(value) if isinstance(value, str) else value
    if isinstance(text, str):
        digits = normalize_value(text).replace(" ", "")
        if digits.isdigit() and len(digits) <= 5:
            # "44000" typed as text is a number, not a date (issue 13): a date column
            # formatted as text shows the serial; say so instead of guessing
            raise CellError("date_serial_text", value=str(value))
    try:
        return _not_before_prc(read_date(text), value)
    except DateTextError as exc:
        raise CellError(f"date_{exc.reason}", value=str(value)) from None


# No date of a social organization's registration record can precede the founding of
# the People's Republic (registration began under the 1950 provisional measures).
EARLIEST_DATE = date(1949, 10, 1)


def _not_before_prc(day: date | None, value: object) -> date | None:
    if day is not None and day < EARLIEST_DATE:
        raise CellError("date_too_early", value=str(value), earliest=EARLIEST_DATE.isoformat())
    return day


def choice(value: object, words: Mapping[str, E],
           aliases: Mapping[str, E] | None = None) -> E | None:
    """One word of a vocabulary (or an alias of one) as its value; None when empty."""
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
