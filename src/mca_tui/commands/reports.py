"""``mca-tui reports due --year N [--json] [--as-of DATE]``: who must report on year N,
their (rolled) deadlines, what arrived and what is overdue — the same list as the annual
report screen (``services.supervision.annual_reports.due_list``)."""

from __future__ import annotations

import json
from datetime import date

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("reports", help=t("supervision.cli.help"))
    rsub = p.add_subparsers(dest="reports_command", metavar="due", required=True)
    due = rsub.add_parser("due", help=t("supervision.cli.due_help"))
    due.add_argument("--year", type=int, required=True, help=t("supervision.cli.year_help"))
    due.add_argument("--as-of", metavar="DATE", help=t("supervision.cli.as_of_help"))
    due.add_argument("--json", action="store_true", help=t("supervision.cli.json_help"))
    due.set_defaults(handler=run_due)


def run_due(rt) -> int:  # noqa: ANN001
    from mca_tui.services.supervision import annual_reports

    today = None
    if rt.args.as_of:
        try:
            today = date.fromisoformat(rt.args.as_of)
        except ValueError:
            print(t("supervision.cli.bad_date", value=rt.args.as_of))
            return 2
    ctx = rt.context()
    today = today or ctx.today()
    rows = annual_reports.due_list(ctx, rt.args.year, today)
    if rt.args.json:
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.status.value] = counts.get(r.status.value, 0) + 1
        print(json.dumps({"year": rt.args.year, "as_of": today.isoformat(), "due": len(rows),
                          "counts": counts, "organizations": [r.as_json() for r in rows]},
                         ensure_ascii=False))
        return 0
    print(t("supervision.cli.title", year=rt.args.year, date=today.isoformat(), count=len(rows)))
    if not rows:
        return 0
    headers = [t(f"supervision.ui.col.{c}") for c in
               ("name", "uscc", "type", "deadline", "status", "received", "conclusion")]
    table = [[r.name, r.uscc or "", t(f"enum.OrgType.{r.org_type}"), r.authority_due.isoformat(),
              t(f"enum.AnnualReportStatus.{r.status.value}"),
              r.submitted_on.isoformat() if r.submitted_on else "",
              t(f"enum.ReportConclusion.{r.conclusion}") if r.conclusion else ""] for r in rows]
    print(_left_table(table, headers))
    return 0


def _left_table(rows: list[list[str]], headers: list[str]) -> str:
    from rich.cells import cell_len

    all_rows = [headers, *rows]
    widths = [max(cell_len(r[i]) for r in all_rows) for i in range(len(headers))]
    return "\n".join("  ".join(c + " " * (w - cell_len(c)) for c, w in zip(r, widths, strict=True))
                     .rstrip() for r in all_rows)
