"""What the listing commands share (``dormant``, ``reports due``): the ``--as-of`` date,
the JSON document and the left-aligned table they print."""

from __future__ import annotations

import json
from datetime import date

from mca_tui.i18n import t


def read_date(text: str | None, bad_key: str) -> tuple[date | None, bool]:
    """``(day, True)`` for an ISO date or no text (``None``); ``(None, False)`` after
    printing the message ``bad_key`` (with ``value``) for anything else."""
    if not text:
        return None, True
    try:
        return date.fromisoformat(text), True
    except ValueError:
        print(t(bad_key, value=text))
        return None, False


def json_text(value: object, *, indent: int | None = None) -> str:
    """JSON as the commands print it: Chinese as it is, dates and enums as text."""
    from mca_tui.domain.dormancy import jsonable

    return json.dumps(jsonable(value), ensure_ascii=False, indent=indent)


def print_json(value: object, *, indent: int | None = None) -> None:
    print(json_text(value, indent=indent))


def left_table(rows: list[list[str]], headers: list[str]) -> str:
    """Columns padded to their widest cell (CJK characters are two cells wide)."""
    from rich.cells import cell_len

    all_rows = [headers, *rows]
    widths = [max(cell_len(r[i]) for r in all_rows) for i in range(len(headers))]
    return "\n".join("  ".join(c + " " * (w - cell_len(c)) for c, w in zip(r, widths, strict=True))
                     .rstrip() for r in all_rows)
