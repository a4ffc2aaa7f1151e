"""One work queue as a list: each row with its clock; Enter opens the record."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.widgets.footer import ShellFooter


def clock_text(item, today: date) -> Text:  # noqa: ANN001 - queues.QueueItem
    """「剩 12 天」 / 「逾期 3 天」 (warning style when overdue)."""
    if item.deadline is not None:
        text = item.deadline.describe(today)
    elif item.days_left is not None:
        left = item.days_left
        text = (t("clock.describe.today") if left == 0 else
                t("clock.describe.left", n=left) if left > 0 else
                t("clock.describe.overdue", n=-left))
    else:
        return Text("-")
    overdue = item.days_left is not None and item.days_left < 0
    return Text(text, style="bold red" if overdue else "")


class QueueScreen(ServiceCalls, Screen):
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="queue.back"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="queue.refresh"),
        Binding("f7", "export", t("ui.key.export"), id="queue.export"),
    ]

    def __init__(self, ctx: ServiceContext, queue: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.queue = queue
        self.items: list = []

    def compose(self) -> ComposeResult:
        yield Static(t(f"queue.{self.queue}"), classes="title")
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="queue-status", classes="status")
        yield ShellFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # the due date and the clock keep their width at 80 columns; the name takes the rest
        subject = 14 if self.app.size.width < 100 else 20
        name = max(12, min(40, self.app.size.width - subject - 10 - 12 - 2 * 4 - 3))
        for key, width in (("col_name", name), ("col_subject", subject), ("col_due", 10),
                           ("col_clock", 12)):
            table.add_column(t(f"ui.queue.{key}"), width=width)
        table.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        from mca_tui.services import queues

        self.call_service(queues.items, self.ctx, self.queue, then=self._show,
                          group="queue", exclusive=True)

    def _show(self, items: list) -> None:
        self.items = items
        today = self.ctx.today()
        table = self.query_one(DataTable)
        table.clear()
        for i, item in enumerate(items):
            table.add_row(Text(item.name or "-"), Text(t(item.subject)),
                          Text(item.due.isoformat() if item.due else "-"),
                          clock_text(item, today), key=str(i))
        msg = t("ui.queue.count", n=len(items)) if items else t("ui.queue.empty")
        self.query_one("#queue-status", Static).update(Text(msg))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.items[int(event.row_key.value or 0)]
        from mca_tui.ui import procedures

        own = procedures.queue_item_screen(self.ctx, item)
        if own is not None:  # a queue whose items open a screen of their own
            self.app.push_screen(own)
        elif item.application_id and (item.queue in ("acceptance", "correction_notice",
                                                    "review", "correction", "approval")
                                     or not item.organization_id):
            from mca_tui.ui.screens.application import ApplicationScreen

            self.app.push_screen(ApplicationScreen(self.ctx, item.application_id))
        elif item.organization_id and item.queue == "reports_overdue":
            # the missing report: its intake page (the report year ends before its deadline)
            from mca_tui.ui.screens.annual_report import AnnualReportScreen

            year = item.due.year - 1 if item.due else None
            self.app.push_screen(AnnualReportScreen(self.ctx, item.organization_id, year))
        elif item.organization_id and item.queue == "abnormal_two_years":
            from mca_tui.ui.screens.credit_list import CreditListingScreen

            self.app.push_screen(CreditListingScreen(self.ctx, item.organization_id))
        elif item.organization_id:
            self.app.open_record(item.organization_id)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        from mca_tui.ui.export import export_table

        headers = [t("ui.queue.col_name"), t("field.uscc"), t("ui.queue.col_subject"),
                   t("ui.queue.col_due"), t("ui.queue.col_clock")]
        today = self.ctx.today()
        rows = [[i.name, i.uscc or "", t(i.subject), i.due.isoformat() if i.due else "",
                 clock_text(i, today).plain] for i in self.items]
        export_table(self, self.ctx, self.queue, headers, rows,
                     empty_message=t("ui.queue.empty"))
