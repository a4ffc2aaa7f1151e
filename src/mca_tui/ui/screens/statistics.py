"""统计 screen: the figures of a year (table and the draft paragraph for the yearly work
report) and the register at a date, with export of the table.

Keys: F5 compute, F9 export the table to the file named below (.xlsx or .csv), Esc back.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.widgets.footer import ShellFooter

CSS = """
StatisticsScreen { layout: vertical; }
#stats-title { height: 1; background: $primary; color: $text; padding: 0 1; text-style: bold; }
.stats-row { height: 3; }
.stats-row Label { width: 14; padding: 1 1 0 0; text-align: right; }
.stats-row Input { width: 1fr; }
#stats-body { height: 1fr; padding: 0 1; }
#stats-paragraph { padding: 1 0; }
#stats-status { height: 1; padding: 0 1; color: $text-muted; }
"""


class StatisticsScreen(ServiceCalls, Screen):
    """Yearly statistics and the register at a date (issue 5)."""

    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("f5", "compute", t("stats.ui.compute"), id="stats.compute"),
        Binding("f7", "export", t("stats.ui.export"), id="stats.export"),
        Binding("escape", "back", t("stats.ui.back"), id="stats.back"),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._rows: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static(t("stats.ui.title"), id="stats-title")
        with Horizontal(classes="stats-row"):
            yield Label(t("stats.ui.year"))
            yield Input(str(self.ctx.today().year - 1), id="stats-year", max_length=4)
            yield Label(t("stats.ui.as_of"))
            yield Input(self.ctx.today().isoformat(), id="stats-as-of", max_length=12)
        with Horizontal(classes="stats-row"):
            yield Label(t("stats.ui.file"))
            yield Input(t("stats.ui.default_file"), id="stats-file")
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-table")
            yield Static(id="stats-paragraph", markup=False)
            yield Static(id="stats-as-of-table")
        yield Static("", id="stats-status", markup=False)
        yield ShellFooter()

    def on_mount(self) -> None:
        self.action_compute()

    def action_back(self) -> None:
        self.app.pop_screen()

    def _status(self, text: str) -> None:
        self.query_one("#stats-status", Static).update(Text(text))

    def action_compute(self) -> None:
        from mca_tui.reports.ledger import CellError, parse_date

        year_text = self.query_one("#stats-year", Input).value.strip()
        if not (year_text.isdigit() and len(year_text) == 4):
            self._status(t("stats.ui.bad_year", value=year_text))
            return
        try:
            day = parse_date(self.query_one("#stats-as-of", Input).value)
        except CellError:
            day = None
        if day is None:
            self._status(t("stats.cli.bad_date", value=self.query_one("#stats-as-of",
                                                                       Input).value))
            return
        self._status(t("stats.ui.computing"))
        self._compute(int(year_text), day)

    def _compute(self, year: int, day) -> None:  # noqa: ANN001
        from mca_tui.reports import stats
        from mca_tui.services import statistics

        def compute():  # noqa: ANN202
            ys = statistics.year_stats(self.ctx, year)  # role-checked (statistics.read)
            return (stats.table_rows(ys), stats.draft_paragraph(ys),
                    stats.as_of_rows(statistics.register_as_of(self.ctx, day)))

        self.call_service(compute, then=lambda r: self._show(year, day, *r),
                          failed=lambda m: self._status(t("stats.ui.failed", error=m)),
                          group="stats", exclusive=True)

    def _show(self, year: int, day, rows, paragraph: str, as_of) -> None:  # noqa: ANN001
        self._rows = rows
        table = Table(title=t("stats.year_title", year=year), show_header=False, box=None)
        table.add_column(justify="left")
        table.add_column(justify="right")
        for name, figure in rows:
            table.add_row(Text(name), Text(figure))
        self.query_one("#stats-table", Static).update(table)
        self.query_one("#stats-paragraph", Static).update(
            Text(t("stats.paragraph_title") + "\n" + paragraph))
        at = Table(title=t("stats.as_of_title", date=day.isoformat()), box=None)
        for i, h in enumerate((t("stats.col.type"), t("stats.col.active"),
                               t("stats.col.deregistered"), t("stats.col.revoked"),
                               t("stats.total"))):
            at.add_column(h, justify="left" if i == 0 else "right")
        for r in as_of:
            at.add_row(*(Text(c) for c in r))
        self.query_one("#stats-as-of-table", Static).update(at)
        self._status(t("stats.ui.ready"))

    def action_export(self) -> None:
        path = self.query_one("#stats-file", Input).value.strip()
        if not self._rows or not path:
            return
        self._export(path, list(self._rows))

    def _export(self, path: str, rows: list) -> None:
        from mca_tui.reports.export import write_table

        headers = [t("stats.ui.col_item"), t("stats.ui.col_figure")]
        self.call_service(write_table, path, headers, [[a.strip(), int(b)] for a, b in rows],
                          then=lambda out: self._status(t("stats.ui.exported", path=str(out))),
                          failed=lambda m: self._status(t("stats.ui.failed", error=m)),
                          group="stats-export")
