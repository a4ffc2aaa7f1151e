"""``mca-tui import FILE.xlsx|FILE.csv [--dry-run] [--skip-bad-rows] [--accept-legacy-codes]``."""

from __future__ import annotations

import sys
import time

from mca_tui.i18n import t

MAX_LISTED = 200


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("import", help=t("ledger.cli.import_help"))
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help=t("ledger.cli.dry_run_help"))
    p.add_argument("--skip-bad-rows", action="store_true", help=t("ledger.cli.skip_bad_help"))
    p.add_argument("--accept-legacy-codes", action="store_true",
                   help=t("ledger.cli.legacy_help"))
    p.set_defaults(handler=run)


def _progress(stage: str, done: int, total: int) -> None:
    if not total:
        return
    label = t(f"ledger.cli.stage_{stage}")
    end = "\n" if done >= total else ""
    print("\r" + t("ledger.cli.progress", stage=label, done=done, total=total), end=end,
          file=sys.stderr, flush=True)


def print_result(result, elapsed: float | None = None,  # noqa: ANN001
                 skip_bad_rows: bool = False) -> None:
    from mca_tui.reports.ledger import report_lines

    if result.dry_run:
        print(t("ledger.cli.dry_run_title"))
    elif result.written:
        print(t("ledger.cli.done_title"))
    if result.counts:
        print(result.summary())
    # Every error first, then the hints, a hint repeated on many rows said once.
    for line in report_lines(result.problems, limit=MAX_LISTED):
        print(line)
    if result.dry_run and result.changes:
        print(t("ledger.cli.changes_title", count=len(result.changes)))
        for c in result.changes[:MAX_LISTED]:
            diff = "；".join(f"{k}: {c.before.get(k)} -> {v}" for k, v in c.after.items())
            print(f"  {c.sheet} {t('ledger.where.row', row=c.row)} {c.uscc}  {diff}")
    if result.blocked or (result.dry_run and result.errors and not skip_bad_rows):
        print(t("ledger.cli.blocked", count=len(result.errors)))
    elif not result.dry_run and not result.written and not result.errors:
        print(t("ledger.cli.nothing_to_do"))
    if result.rejected_file:
        print(t("ledger.cli.rejected_file", path=result.rejected_file))
    if result.batch_id:
        print(t("ledger.cli.batch", id=result.batch_id))
    if elapsed is not None:
        print(t("ledger.cli.elapsed", seconds=f"{elapsed:.1f}"))


def run(rt) -> int:  # noqa: ANN001
    from mca_tui.services.ledger_import import import_ledger

    started = time.perf_counter()
    result = import_ledger(rt.context(), rt.args.file, dry_run=rt.args.dry_run,
                           skip_bad_rows=rt.args.skip_bad_rows,
                           accept_legacy_codes=rt.args.accept_legacy_codes,
                           progress=_progress if sys.stderr.isatty() else None)
    print_result(result, time.perf_counter() - started, rt.args.skip_bad_rows)
    # A dry run that finds errors that would block the import fails too (scripts check it).
    would_block = result.dry_run and result.errors and not rt.args.skip_bad_rows
    return 1 if result.blocked or would_block else 0
