"""注销登记 list: the files in progress (home menu 注销登记); a file opens on its page
(``ui.router`` name ``deregistration``)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from mca_tui.domain.enums import ApplicationStatus
from mca_tui.i18n import label, t
from mca_tui.services import deregistration as dereg
from mca_tui.services.context import ServiceContext
from mca_tui.ui import router
from mca_tui.ui.screens.deregistration_view import CSS, DeregistrationCalls
from mca_tui.ui.widgets.footer import ShellFooter
from mca_tui.ui.widgets.info_text import date_text


class DeregistrationListScreen(DeregistrationCalls, Screen):
    """注销登记: the files in progress (drafts, in flight, custody or announcement
    outstanding), oldest first; Enter opens one."""

    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("enter", "open", t("registration.ui.key_open"), id="dereg.list.open"),
        Binding("f5", "refresh", t("dereg.ui.key_refresh"), id="dereg.list.refresh"),
        Binding("f7", "export", t("dereg.ui.key_export"), id="dereg.list.export"),
        Binding("escape", "back", t("dereg.ui.key_back"), id="dereg.list.back"),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[dereg.DeregistrationInfo] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(t("dereg.ui.list_title")), id="drl-title")
        yield DataTable(id="drl-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("dereg.ui.list_hint")), id="drl-hint")
        yield ShellFooter()

    def on_mount(self) -> None:
        table = self.query_one("#drl-table", DataTable)
        for key, width in (("col_number", 17), ("col_name", 24), ("col_status", 6),
                           ("col_due", 12), ("col_todo", 12)):
            table.add_column(t(f"dereg.ui.{key}"), width=width)
        table.focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.call(dereg.list_open, self._fill, self.ctx)

    def _cells(self, r: dereg.DeregistrationInfo) -> list[str]:
        due = r.decision_deadline
        todo = ""
        if r.status is ApplicationStatus.APPROVED:
            todo = t("queue.subject.custody_outstanding") if not r.custody_status.complete \
                else t("queue.subject.announcement_outstanding")
        return [r.number or "-", r.org_name, label(r.status),
                date_text(due.due) if due else "-", todo]

    def _fill(self, rows: list[dereg.DeregistrationInfo]) -> None:
        self.rows = rows
        table = self.query_one("#drl-table", DataTable)
        table.clear()
        for r in rows:
            table.add_row(*(Text(c) for c in self._cells(r)), key=r.id)
        self.query_one("#drl-hint", Static).update(Text(
            t("dereg.ui.list_hint") if rows else t("dereg.ui.list_empty")))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.app.push_screen(router.screen("deregistration", self.ctx, None,
                                               application_id=event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one("#drl-table", DataTable)
        if self.rows and table.cursor_row is not None:
            self.app.push_screen(router.screen("deregistration", self.ctx, None,
                                               application_id=self.rows[table.cursor_row].id))

    def action_export(self) -> None:
        from mca_tui.ui.export import export_table

        headers = [t(f"dereg.ui.{k}") for k in ("col_number", "col_name", "col_status",
                                                "col_due", "col_todo")]
        export_table(self, self.ctx, "deregistrations", headers,
                     [self._cells(r) for r in self.rows],
                     empty_message=t("dereg.ui.list_empty"))

    def action_back(self) -> None:
        self.app.pop_screen()
