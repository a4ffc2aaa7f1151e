"""``mca-tui reports due --year N [--json] [--as-of DATE]``: who must report on year N,
their (rolled) deadlines, what arrived and what is overdue — the same list as the annual
report screen (``services.supervision.annual_reports.due_list``)."""

from __future__ import annotations

from mca_tui.commands._print import left_table, print_json, read_date
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

    today, ok = read_date(rt.args.as_of, "supervision.cli.bad_date")
    if not ok:
        return 2
    ctx = rt.context()
    today = today or ctx.today()
    rows = annual_reports.due_list(ctx, rt.args.year, today)
    if rt.args.json:
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.status.value] = counts.get(r.status.value, 0) + 1
        print_json({"year": rt.args.year, "as_of": today.isoformat(), "due": len(rows),
                    "counts": counts, "organizations": [r.as_json() for r in rows]})
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
    print(left_table(table, headers))
    return 0

