"""整改逾期 → 活动异常名录: the organizations whose rectification order passed its deadline
without being completed on time, proposed for the abnormal list on ground (三) of Order 60.

The list is a dry run: opening the screen writes nothing. F9 (the approver) asks for a
confirmation and then lists every organization shown, each in its own unit with its
notice (through the credit-list service); the outcome of each is shown on its row. F7
exports the list, F5 recomputes, Esc goes back.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.services.supervision import rectification
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.widgets.footer import ShellFooter

CSS = """
RectificationOverdueScreen { layout: vertical; }
#svd-title { height: 1; background: $primary; color: $text; padding: 0 1; text-style: bold; }
#svd-lead { height: auto; padding: 0 1; color: $text-muted; }
#svd-table { height: 1fr; }
#svd-status { height: auto; max-height: 3; padding: 0 1; }
"""


def _completion(row: rectification.OverdueRow) -> str:
    """Why the order is proposed: still open, completed late, or failed verification."""
    if row.completed_on is None:
        return t("sv.overdue.not_completed")
    if row.verification_failed:
        return t("sv.overdue.failed_verification", on=row.completed_on.isoformat())
    return t("sv.overdue.completed_late", on=row.completed_on.isoformat())


class RectificationOverdueScreen(ServiceCalls, Screen):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="svoverdue.back"),
        Binding("f9", "confirm", t("sv.overdue.key_confirm"), id="svoverdue.confirm"),
        Binding("f7", "export", t("ui.key.export"), id="svoverdue.export"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="svoverdue.refresh"),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[rectification.OverdueRow] = []
        self.outcomes: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(t("sv.overdue.title"), id="svd-title")
        yield Static(t("sv.overdue.lead"), id="svd-lead", markup=False)
        yield DataTable(id="svd-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="svd-status", markup=False)
        yield ShellFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # every row is on ground (三) (the lead says so): the column says why instead -
        # still open, or completed after the deadline (Order 60: not completed on time)
        # at 80 columns the name gives way so that the outcome of a listing stays visible
        name = 28 if self.app.size.width < 100 else 44
        for label, width in ((t("sv.spot.col_org"), name), (t("sv.ui.f_rectify_by"), 10),
                             (t("sv.overdue.col_completion"), 20),
                             (t("sv.overdue.col_outcome"), None)):
            table.add_column(label, width=width)
        table.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.call_service(rectification.overdue_proposals, self.ctx, then=self._show,
                          failed=self._error, group="svoverdue", exclusive=True)

    def _show(self, rows: list[rectification.OverdueRow]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            p = r.proposal
            table.add_row(Text(r.organization_name), p.due_on.isoformat(),
                          Text(_completion(r)),
                          Text(self.outcomes.get(p.order_ref, "")), key=p.order_ref)
        still_open = sum(1 for r in rows if r.completed_on is None)
        self._say(t("sv.overdue.count_open", n=len(rows), open=still_open) if rows
                  else t("sv.overdue.none"))

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#svd-status", Static).update(
            Text(text, style="bold red" if error else ""))

    def _error(self, message: str) -> None:
        self._say(message, error=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_confirm(self) -> None:
        if not self.rows:
            self._say(t("sv.overdue.none"))
            return
        from mca_tui.ui.dialogs.confirm import ConfirmScreen

        refs = [r.proposal.order_ref for r in self.rows]
        self.app.push_screen(
            ConfirmScreen(t("sv.overdue.confirm_title"),
                          t("sv.overdue.confirm_text", n=len(refs))),
            lambda ok: self._list(refs) if ok else None)

    def _list(self, refs: list[str]) -> None:
        self._say(t("sv.ui.working"))

        def done(results: list[rectification.ListingResult]) -> None:
            by_org = {r.proposal.organization_id: r.proposal.order_ref for r in self.rows}
            listed = 0
            for res in results:
                ref = by_org.get(res.organization_id, res.organization_id)
                if res.entry_id:
                    listed += 1
                    self.outcomes[ref] = t("sv.overdue.listed", number=res.document_number or "")
                else:
                    self.outcomes[ref] = res.error or ""
            table = self.query_one(DataTable)
            for ref, text in self.outcomes.items():
                if ref in table.rows:  # the row may have left the list meanwhile
                    table.update_cell(ref, table.ordered_columns[3].key, Text(text))
            self._say(t("sv.overdue.done", n=listed, total=len(results)))

        self.call_service(rectification.list_overdue, self.ctx, refs, then=done,
                          failed=self._error, group="svoverdue-list")

    def action_export(self) -> None:
        from mca_tui.ui.export import export_table

        headers = [t("sv.spot.col_org"), t("sv.ui.f_rectify_by"), t("sv.overdue.col_ground"),
                   t("sv.overdue.col_completion"), t("sv.overdue.col_outcome")]
        export_table(self, self.ctx, "rectification-overdue", headers, [
            [r.organization_name, r.proposal.due_on.isoformat(),
             t(f"enum.AbnormalListGround.{r.proposal.ground.value}"), _completion(r),
             self.outcomes.get(r.proposal.order_ref, "")] for r in self.rows],
            empty_message=t("sv.overdue.none"))
