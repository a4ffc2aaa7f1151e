"""A process the crash harness kills at random (tests/reliability/test_crash_harness.py).

    python -m tests.reliability.crash_worker DB START

Performs service operations on the registry DB forever, numbered from START: an even
number sets a holiday (one calendar row, note ``op-N``), an odd one imports a ledger of
three organizations (codes 3N, 3N+1, 3N+2: organizations, legal representatives, search
index, batch, change rows). After each operation commits it prints ``ack N`` (flushed):
an acknowledged operation must survive the kill."""

from __future__ import annotations

import sys
from datetime import date, timedelta

from mca_tui.config import Settings
from mca_tui.services import calendar_admin
from mca_tui.services.context import cli_context
from mca_tui.services.ledger_import import import_ledger
from mca_tui.storage.engine import Database

from ..reports.helpers import ledger, org

FIRST_DAY = date(2041, 1, 1)


def holiday_of(n: int) -> date:
    return FIRST_DAY + timedelta(days=n // 2)


def codes_of(n: int) -> list[int]:
    return [3 * n, 3 * n + 1, 3 * n + 2]


def main() -> None:
    path, start = sys.argv[1], int(sys.argv[2])
    db = Database.open(path, create=False)
    ctx = cli_context(db, Settings())
    print("ready", flush=True)
    n = start
    while True:
        if n % 2 == 0:
            calendar_admin.set_day(ctx, holiday_of(n), False, note=f"op-{n}")
        else:
            rows = [org(c, 法定代表人=f"代表{c}") for c in codes_of(n)]
            result = import_ledger(ctx, ledger(rows, name=f"crash-{n}.xlsx"))
            assert result.written, [p.describe() for p in result.problems]
        print(f"ack {n}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
