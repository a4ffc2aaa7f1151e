"""信用名录 (issue 10, Order 60): the organizations on the 活动异常名录 / 严重违法失信名单, one
organization's listing with the actions the transition table offers this user now, and
the publication list (公示).

Keys — list: Enter opens the listing, F6 the other list, F7 exports the publication list
(every listing and removal: 公示), F5 refresh, Esc back. Listing page: choose the action,
fill in the date, the ground (for a listing) and the facts or reason, F9 does it; F5
refresh, Esc back. A refusal (a rule, the four-eyes rule, a period still running) is shown
under the form with its reason; nothing typed is lost.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from mca_tui.domain.dates import DateTextError, read_date
from mca_tui.domain.enums import CreditListKind
from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import ServiceError, ValidationFailed
from mca_tui.services.supervision import credit_lists as svc
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.screens.annual_report import CSS
from mca_tui.ui.widgets.footer import ShellFooter

LIST_CSS = CSS.replace("AnnualReportsScreen, AnnualReportScreen, AbnormalProposalScreen",
                       "CreditListsScreen, CreditListingScreen")


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


class CreditListsScreen(ServiceCalls, Screen):
    DEFAULT_CSS = LIST_CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="credit_lists.back"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="credit_lists.refresh"),
        Binding("f6", "other_list", t("supervision.ui.key.other_list"),
                id="credit_lists.other_list"),
        Binding("f7", "export", t("supervision.ui.key.export_publication"),
                id="credit_lists.export"),
    ]

    def __init__(self, ctx: ServiceContext, kind: str = CreditListKind.ABNORMAL.value) -> None:
        super().__init__()
        self.ctx = ctx
        self.kind = kind
        self.rows: list[svc.ListedRow] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="cl-title", classes="sv-title")
        yield DataTable(id="cl-table", cursor_type="row", zebra_stripes=True, classes="sv-table")
        yield Static("", id="cl-status", classes="sv-status")
        yield ShellFooter()

    def on_mount(self) -> None:
        self._columns()
        self.query_one(DataTable).focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def _columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        cols = ["name", "ground", "listed_on", "period_start"]
        if self.kind == CreditListKind.ABNORMAL.value:
            cols.append("promotion_on")
        table.add_columns(*(t(f"supervision.ui.col.{c}") for c in cols))

    def action_refresh(self) -> None:
        self.query_one("#cl-title", Static).update(Text(t(f"enum.CreditListKind.{self.kind}")))
        self.call_service(svc.current_listings, self.ctx, self.kind, then=self._show,
                          failed=lambda m: self.notify(m, severity="error", markup=False),
                          group="credit-lists", exclusive=True)

    def _show(self, rows: list[svc.ListedRow]) -> None:
        self.rows = rows
        today = self.ctx.today()
        table = self.query_one(DataTable)
        table.clear()
        for i, r in enumerate(rows):
            cells = [Text(r.name), Text(r.grounds), Text(r.listed_on.isoformat()),
                     Text(r.period_start.isoformat())]
            if self.kind == CreditListKind.ABNORMAL.value:
                due = r.promotion_on is not None and r.promotion_on <= today
                cells.append(Text(_d(r.promotion_on), style="bold red" if due else ""))
            table.add_row(*cells, key=str(i))
        self.query_one("#cl-status", Static).update(Text(
            t("supervision.ui.listed_total", n=len(rows)) if rows else t("supervision.ui.nothing")))

    def action_other_list(self) -> None:
        self.kind = (CreditListKind.SERIOUS.value if self.kind == CreditListKind.ABNORMAL.value
                     else CreditListKind.ABNORMAL.value)
        self._columns()
        self.action_refresh()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows[int(event.row_key.value or 0)]
        self.app.push_screen(CreditListingScreen(self.ctx, row.organization_id, self.kind))

    def action_export(self) -> None:
        from mca_tui.ui.export import export_table

        def export(rows: list[svc.PublicationRow]) -> None:
            export_table(self, self.ctx, "credit-publication", svc.publication_headers(),
                         [r.cells() for r in rows], empty_message=t("supervision.ui.nothing"))

        self.call_service(svc.publication_list, self.ctx, then=export,
                          failed=lambda m: self.notify(m, severity="error", markup=False),
                          group="credit-publication")

    def action_back(self) -> None:
        self.app.pop_screen()


# Actions whose form needs a ground (a listing) and those that need no text.
_GROUND_ACTIONS = ("list", "add_ground")


class CreditListingScreen(ServiceCalls, Screen):
    DEFAULT_CSS = LIST_CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="credit_listing.back"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="credit_listing.refresh"),
        Binding("f6", "other_list", t("supervision.ui.key.other_list"),
                id="credit_listing.other_list"),
        Binding("f9", "main", t("supervision.ui.key.do"), id="credit_listing.main"),
    ]

    def __init__(self, ctx: ServiceContext, organization_id: str,
                 kind: str = CreditListKind.ABNORMAL.value) -> None:
        super().__init__()
        self.ctx = ctx
        self.organization_id = organization_id
        self.kind = kind
        self.info: svc.ListingInfo | None = None
        self.offered: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="li-title", classes="sv-title")
        with VerticalScroll(classes="sv-body"):
            yield Static(Text(t("registration.ui.loading")), id="li-info", classes="sv-info")
            yield from self._row("action", Select([], id="li-action", allow_blank=True,
                                                  prompt=t("supervision.ui.choose")))
            yield from self._row("ground", Select([], id="li-ground", allow_blank=True,
                                                  prompt=t("supervision.ui.choose")))
            yield from self._row("on", Input(id="li-on", placeholder="YYYY-MM-DD"))
            yield from self._row("text", Input(id="li-text"))
            yield Static("", id="li-error", classes="sv-error")
        yield Static("", id="li-hint", classes="sv-status")
        yield ShellFooter()

    def _row(self, name: str, widget) -> ComposeResult:  # noqa: ANN001
        with Horizontal(classes="sv-row", id=f"li-row-{name}"):
            yield Label(t(f"supervision.ui.field.listing_{name}"), id=f"li-label-{name}")
            yield widget

    def on_mount(self) -> None:
        self.query_one("#li-on", Input).value = self.ctx.today().isoformat()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.call_service(svc.listing_info, self.ctx, self.organization_id, self.kind,
                          then=self._show, failed=self._problem_text, group="credit-listing")

    def _offered(self, info: svc.ListingInfo) -> list[str]:
        """The actions of the table this user may take now that the page can do."""
        doable = {"list", "add_ground", "apply_removal", "verify_removal", "reject_removal",
                  "remove", "remove_after_period", "promote", "remove_on_deregistration"}
        today = self.ctx.today()
        # what the clocks do not allow yet is not offered (the service refuses it anyway)
        if info.promotion_on is None or today < info.promotion_on:
            doable.discard("promote")
        if info.kind == CreditListKind.ABNORMAL.value and (
                info.outstanding or info.earliest_removal is None
                or today < info.earliest_removal):
            doable.discard("remove_after_period")
        return [a for a in info.actions if a.rsplit(".", 1)[-1] in doable]

    def _show(self, info: svc.ListingInfo) -> None:
        self.info = info
        self.query_one("#li-title", Static).update(Text(t(
            "supervision.ui.listing_title", name=info.name,
            kind=t(f"enum.CreditListKind.{info.kind}"))))
        if info.state == "new":
            lines = [t("supervision.ui.not_listed_now")]
        else:
            lines = [t("supervision.ui.listing_state", state=t(f"enum.ListingState.{info.state}"),
                       listed_on=_d(info.listed_on), start=_d(info.period_start)),
                     t("supervision.ui.listing_grounds", grounds="、".join(info.grounds))]
            if info.promotion_on:
                lines.append(t("supervision.ui.listing_promotion", on=_d(info.promotion_on)))
            if info.remove_by:
                lines.append(t("supervision.ui.listing_remove_by", on=_d(info.remove_by)))
            elif info.earliest_removal:
                lines.append(t("supervision.ui.listing_earliest", on=_d(info.earliest_removal)))
            lines += [t("supervision.ui.outstanding", what=w) for w in info.outstanding]
        self.offered = self._offered(info)
        if not self.offered:
            lines.append(t("supervision.ui.nothing_to_do"))
        self.query_one("#li-info", Static).update(Text("\n".join(lines)))
        action = self.query_one("#li-action", Select)
        action.set_options([(t(f"action.{a}"), a) for a in self.offered])
        if self.offered:
            action.value = self.offered[0]
        ground = self.query_one("#li-ground", Select)
        ground.set_options([(label, g) for g, label, _a in svc.grounds(info.kind)])
        for name in ("action", "on", "text"):
            self.query_one(f"#li-row-{name}").display = bool(self.offered)
        self._ground_row()
        if self.offered:
            action.focus()
        self.refresh_bindings()

    def _chosen(self) -> str:
        value = self.query_one("#li-action", Select).value
        return value if isinstance(value, str) else ""

    def _ground_row(self) -> None:
        step = self._chosen().rsplit(".", 1)[-1]
        self.query_one("#li-row-ground").display = step in _GROUND_ACTIONS
        self.query_one("#li-label-text", Label).update(t(
            "supervision.ui.field.listing_evidence" if step in _GROUND_ACTIONS
            else "supervision.ui.field.listing_text"))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "li-action":
            self._ground_row()

    @property
    def dirty(self) -> bool:
        """Facts or a reason typed and not yet used (the app asks before quitting)."""
        try:
            return bool(self.query_one("#li-text", Input).value.strip())
        except Exception:  # noqa: BLE001 - the screen is being torn down
            return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "main":
            return bool(self.offered) or None
        return True

    def action_other_list(self) -> None:
        self.kind = (CreditListKind.SERIOUS.value if self.kind == CreditListKind.ABNORMAL.value
                     else CreditListKind.ABNORMAL.value)
        self._problems([])
        self.action_refresh()

    def action_main(self) -> None:
        action = self._chosen()
        if not action:
            return
        step = action.rsplit(".", 1)[-1]
        text = self.query_one("#li-text", Input).value.strip()
        raw = self.query_one("#li-on", Input).value
        try:
            on = read_date(raw)
        except DateTextError:
            on = None
        if on is None:
            self._problems([t("supervision.ui.error.date", field=t(
                "supervision.ui.field.listing_on"), value=raw)])
            return
        ctx, org = self.ctx, self.organization_id
        calls = {
            "list": lambda: svc.list_organization(ctx, org, self.kind, self._ground(), on=on,
                                                  evidence=text),
            "add_ground": lambda: svc.list_organization(ctx, org, self.kind, self._ground(),
                                                        on=on, evidence=text),
            "apply_removal": lambda: svc.apply_removal(ctx, org, self.kind, applied_on=on,
                                                       note=text),
            "verify_removal": lambda: svc.verify_removal(ctx, org, verified_on=on, note=text),
            "reject_removal": lambda: svc.reject_removal(ctx, org, self.kind, reason=text),
            "remove": lambda: svc.remove(ctx, org, self.kind, removed_on=on, reason=text),
            "remove_after_period": lambda: svc.remove_after_period(ctx, org, removed_on=on,
                                                                   reason=text),
            "promote": lambda: svc.promote(ctx, org, on=on),
            "remove_on_deregistration": lambda: svc.remove_on_deregistration(
                ctx, org, removed_on=on),
        }
        fn = calls[step]
        self.call_service(fn, then=self._done, on_error=self._failed,
                          failed=self._problem_text, group="credit-listing-write")

    def _ground(self) -> str:
        value = self.query_one("#li-ground", Select).value
        return value if isinstance(value, str) else ""

    def _problems(self, lines: list[str]) -> None:
        self.query_one("#li-error", Static).update(Text("\n".join(lines)))

    def _problem_text(self, message: str) -> None:
        self._problems([message])

    def _failed(self, exc: ServiceError) -> None:
        if isinstance(exc, ValidationFailed):
            self._problems([p.message() for p in exc.problems])
        else:
            self._problems([exc.message()])

    def _done(self, result: object) -> None:
        self._problems([])
        self.query_one("#li-text", Input).value = ""
        number = getattr(result, "document_number", None)
        self.notify(t("supervision.ui.done_with_doc", number=number) if number
                    else t("supervision.ui.saved"), markup=False)
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()
