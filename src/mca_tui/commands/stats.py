"""``mca-tui stats --year Y [--json]`` and ``mca-tui stats --as-of DATE [--json]``."""

from __future__ import annotations

import json

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("stats", help=t("stats.cli.help"))
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--year", type=int, help=t("stats.cli.year_help"))
    g.add_argument("--as-of", metavar="DATE", help=t("stats.cli.as_of_help"))
    p.add_argument("--json", action="store_true", help=t("stats.cli.json_help"))
    p.set_defaults(handler=run)


def _table(rows: list[list[str]], headers: list[str] | None = None) -> str:
    from rich.cells import cell_len

    all_rows = ([headers] if headers else []) + rows
    widths = [max(cell_len(r[i]) for r in all_rows) for i in range(len(all_rows[0]))]
    lines = []
    for r in all_rows:
        cells = [r[0] + " " * (widths[0] - cell_len(r[0]))]
        cells += [" " * (w - cell_len(c)) + c for c, w in zip(r[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def run(rt) -> int:  # noqa: ANN001
    from mca_tui.reports import stats

    db = rt.database()
    if rt.args.as_of:
        from mca_tui.reports.ledger import CellError, parse_date

        try:
            day = parse_date(rt.args.as_of)
        except CellError:
            day = None
        if day is None:
            print(t("stats.cli.bad_date", value=rt.args.as_of))
            return 2
        result = stats.register_as_of(db, day)
        if rt.args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False))
            return 0
        print(t("stats.as_of_title", date=day.isoformat()))
        headers = [t("stats.col.type"), t("stats.col.active"), t("stats.col.deregistered"),
                   t("stats.col.revoked"), t("stats.total")]
        print(_table(stats.as_of_rows(result), headers))
        return 0
    figures = stats.year_stats(db, rt.settings, rt.args.year)
    if rt.args.json:
        print(json.dumps(figures.to_dict(), ensure_ascii=False))
        return 0
    print(t("stats.year_title", year=figures.year))
    print(_table([list(r) for r in stats.table_rows(figures)]))
    print()
    print(t("stats.paragraph_title"))
    print(stats.draft_paragraph(figures))
    return 0
