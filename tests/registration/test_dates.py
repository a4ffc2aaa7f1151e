"""One date reader for the forms, the dialogs and the ledger (domain.dates); the ledger
adds only Excel serial numbers and its CellError."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from mca_tui.domain import forms
from mca_tui.domain.dates import DateTextError, parse_date, read_date
from mca_tui.reports import ledger

DAY = date(2026, 12, 10)


@pytest.mark.parametrize("text", [
    "2026-12-10", "2026/12/10", "2026.12.10", "2026-12/10", "2026/12-10",
    "2026年12月10日", "2026年12月10", "20261210", "２０２６年１２月１０日", "２０２６－１２－１０",
    "２０２６／１２／１０", " 2026 年 12 月 10 日 ", "2026\u3000年12月10日", "2026-12-10 00:00:00",
    "2026-12-10T08:30", "2026/12/10 8:05", datetime(2026, 12, 10, 9, 0), DAY,
])
def test_every_spelling_reads_the_same_day_everywhere(text):
    assert read_date(text) == DAY
    assert parse_date(text) == DAY
    assert forms.parse_date(text) == DAY
    assert ledger.parse_date(text) == DAY


def test_datetime_becomes_a_plain_date():
    got = parse_date(datetime(2026, 12, 10, 23, 59))
    assert type(got) is date and got == DAY


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_blank_is_no_date(value):
    assert read_date(value) is None and parse_date(value) is None
    assert ledger.parse_date(value) is None


@pytest.mark.parametrize(("text", "reason"), [
    ("2026-02-30", "impossible"), ("2026年13月1日", "impossible"), ("20261332", "impossible"),
    ("明天", "invalid"), ("2026-12", "invalid"), ("12/10/2026", "invalid"),
    ("2026-12-10 下午", "invalid"),
])
def test_not_a_date(text, reason):
    with pytest.raises(DateTextError) as exc:
        read_date(text)
    assert exc.value.reason == reason and exc.value.value == text
    assert parse_date(text) is None
    # the ledger reports the same reason as its own cell error
    with pytest.raises(ledger.CellError) as cell:
        ledger.parse_date(text)
    assert cell.value.key == f"date_{reason}" and cell.value.params == {"value": text}


def test_serial_numbers_are_the_ledgers_only():
    assert ledger.parse_date(46366) == DAY
    # a serial typed as text is not a date (issue 13: "44000" typed as text); the
    # message says why, rather than guessing
    for typed in ("46366", "４６３６６"):
        with pytest.raises(ledger.CellError) as refused:
            ledger.parse_date(typed)
        assert refused.value.key.endswith("date_serial_text")
    assert parse_date("46366") is None
    with pytest.raises(ledger.CellError):
        ledger.parse_date(True)
    with pytest.raises(ledger.CellError):
        ledger.parse_date(0)


def test_one_reader():
    assert forms.parse_date is parse_date
