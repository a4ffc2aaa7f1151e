"""Reading a date as a person writes it: on an intake form, in a dialog, or as text in a
spreadsheet cell (the ledger adds Excel serial numbers on top, see reports.ledger).

Accepted: 2026-12-10, 2026/12/10, 2026.12.10 (one or two digits for month and day),
2026年12月10日 (the 日 may be left out), 20261210, full-width digits and punctuation, stray
spaces, and a trailing time of day (2026-12-10 00:00:00, as spreadsheets export it).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from mca_tui.domain.text import normalize_value

__all__ = ["DateTextError", "parse_date", "read_date"]

_TIME_PART = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


class DateTextError(ValueError):
    """Not a date. ``reason``: "invalid" (not written as a date) or "impossible" (written
    as one, but no such day, e.g. 2026-02-30)."""

    def __init__(self, reason: str, value: str) -> None:
        super().__init__(f"{reason}: {value}")
        self.reason = reason
        self.value = value


def read_date(value: object) -> date | None:
    """The date written in ``value``; None if blank. Raises DateTextError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        return None
    text = _TIME_PART.sub("", normalize_value(str(value))).replace(" ", "")
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise DateTextError("impossible", str(value)) from None
    raise DateTextError("invalid", str(value))


def parse_date(value: object) -> date | None:
    """Lenient ``read_date``: None if blank or not a real date."""
    try:
        return read_date(value)
    except DateTextError:
        return None
