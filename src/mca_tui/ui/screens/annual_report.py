"""年度报告 (issue 10): the list of a report year, one organization's report (intake by the
clerk, conclusion by a reviewer) and the abnormal-list proposal for the missing reports.

Keys — list: Enter opens the report, F6 / F8 previous / next year, F9 the abnormal-list
proposal, F7 export, F5 refresh, Esc back. Report page: F9 the main action the transition
table offers this user now (接收 / 重新报送 / 作出结论 / 调整结论), F5 refresh, Esc back.
Proposal: Enter opens a proposed organization's report, F9 lists the organizations shown
(the approver; a confirmation first), F7 export, Esc back.
Nothing the clerk typed is lost on an error: the message appears under the form.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static, TextArea

from mca_tui.domain.dates import DateTextError, read_date
from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import ServiceError, ValidationFailed
from mca_tui.services.supervision import annual_reports as svc
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.widgets.footer import ShellFooter

CSS = """
AnnualReportsScreen, AnnualReportScreen, AbnormalProposalScreen { layout: vertical; }
.sv-title { height: 1; background: $primary; color: $text; padding: 0 1; text-style: bold; }
.sv-info { padding: 0 1; height: auto; }
.sv-body { height: 1fr; padding: 0 1; }
.sv-row { height: auto; }
.sv-row Label { width: 18; padding: 1 1 0 0; }  /* 业务主管单位意见 on one line */
.sv-row Input, .sv-row Select { width: 1fr; }
.sv-row TextArea { width: 1fr; height: 4; }
.sv-section { margin-top: 1; text-style: bold; }
.sv-error { color: $error; height: auto; padding: 0 1; }
.sv-status { height: 1; color: $text-muted; padding: 0 1; }
.sv-table { height: 1fr; }
"""


def default_year(today: date) -> int:
    """The report year being filed: last year's (filed January to May of this year)."""
    return today.year - 1


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _status_text(status: str) -> Text:
    style = "bold red" if status == "overdue" else ("yellow" if status == "late" else "")
    return Text(t(f"enum.AnnualReportStatus.{status}"), style=style)


class _Calls(ServiceCalls):
    ctx: ServiceContext

    def show_error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False, timeout=10)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- year list


class AnnualReportsScreen(_Calls, Screen):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="annual_reports.back"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="annual_reports.refresh"),
        Binding("f6", "year(-1)", t("supervision.ui.key.previous_year"),
                id="annual_reports.previous_year"),
        Binding("f8", "year(1)", t("supervision.ui.key.next_year"),
                id="annual_reports.next_year"),
        Binding("f9", "propose", t("supervision.ui.key.propose"), id="annual_reports.propose"),
        Binding("f7", "export", t("ui.key.export"), id="annual_reports.export"),
    ]

    def __init__(self, ctx: ServiceContext, year: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.year = year or default_year(ctx.today())
        self.rows: list[svc.DueRow] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="ar-title", classes="sv-title")
        yield DataTable(id="ar-table", cursor_type="row", zebra_stripes=True, classes="sv-table")
        yield Static("", id="ar-status", classes="sv-status")
        yield ShellFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(t(f"supervision.ui.col.{c}") for c in
                            ("name", "deadline", "status", "received", "conclusion")))
        table.focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one("#ar-title", Static).update(Text(t("supervision.ui.reports_title",
                                                          year=self.year)))
        self.call_service(svc.due_list, self.ctx, self.year, then=self._show,
                          failed=self.show_error, group="annual-reports", exclusive=True)

    def _show(self, rows: list[svc.DueRow]) -> None:
        from mca_tui.domain import permissions

        actor = self.ctx.actor
        if actor.kind != "os" and permissions.allowed("annual_report.conclude", actor.roles):
            # a reviewer's work first: reports received and waiting for the conclusion
            rows = sorted(rows, key=lambda r: not (r.submitted_on and not r.conclusion))
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for i, r in enumerate(rows):
            table.add_row(Text(r.name), Text(r.authority_due.isoformat()),
                          _status_text(r.status.value), Text(_d(r.submitted_on)),
                          Text(t(f"enum.ReportConclusion.{r.conclusion}") if r.conclusion else ""),
                          key=str(i))
        counts: dict[str, int] = {}
        for r in rows:
            counts[r.status.value] = counts.get(r.status.value, 0) + 1
        self.query_one("#ar-status", Static).update(Text(t(
            "supervision.ui.reports_count", due=len(rows), overdue=counts.get("overdue", 0),
            received=counts.get("on_time", 0) + counts.get("late", 0))))

    def action_year(self, step: int) -> None:
        self.year += int(step)
        self.action_refresh()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows[int(event.row_key.value or 0)]
        self.app.push_screen(AnnualReportScreen(self.ctx, row.organization_id, self.year))

    def action_propose(self) -> None:
        self.app.push_screen(AbnormalProposalScreen(self.ctx, self.year))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        from mca_tui.ui.export import export_table

        headers = [t(f"supervision.ui.col.{c}") for c in
                   ("name", "uscc", "type", "deadline", "status", "received", "conclusion")]
        rows = [[r.name, r.uscc or "", t(f"enum.OrgType.{r.org_type}"), r.authority_due,
                 t(f"enum.AnnualReportStatus.{r.status.value}"), r.submitted_on or "",
                 t(f"enum.ReportConclusion.{r.conclusion}") if r.conclusion else ""]
                for r in self.rows]
        export_table(self, self.ctx, f"annual-reports-{self.year}", headers, rows,
                     empty_message=t("supervision.ui.nothing"))


# --------------------------------------------------------------------------- one report


class AnnualReportScreen(_Calls, Screen):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="annual_report.back"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="annual_report.refresh"),
        Binding("f9", "main", t("supervision.ui.key.save"), id="annual_report.main"),
        # the rectification the conclusion ordered: the organization's supervision screen
        Binding("f8", "supervision", t("sv.proc.supervision"), id="annual_report.supervision"),
    ]

    def __init__(self, ctx: ServiceContext, organization_id: str, year: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.organization_id = organization_id
        self.year = year or default_year(ctx.today())
        self.info: svc.ReportInfo | None = None
        self._built = False
        self._snapshot: tuple = ()

    def compose(self) -> ComposeResult:
        yield Static("", id="rp-title", classes="sv-title")
        with VerticalScroll(classes="sv-body", id="rp-body"):
            yield Static(Text(t("registration.ui.loading")), id="rp-info", classes="sv-info")
            yield Static(t("supervision.ui.intake"), classes="sv-section", id="rp-intake-head")
            yield from self._row("received_on", Input(id="rp-received_on", placeholder="YYYY-MM-DD"))
            yield from self._row("supervisory_opinion", Input(id="rp-supervisory_opinion"))
            yield from self._row("supervisory_opinion_on",
                                 Input(id="rp-supervisory_opinion_on", placeholder="YYYY-MM-DD"))
            yield from self._row("materials", Input(id="rp-materials"))
            yield Static(t("supervision.ui.conclusion_section"), classes="sv-section", id="rp-concl-head")
            yield from self._row("conclusion", Select([], id="rp-conclusion", allow_blank=True,
                                                      prompt=t("supervision.ui.choose")))
            yield from self._row("concluded_on", Input(id="rp-concluded_on", placeholder="YYYY-MM-DD"))
            yield from self._row("items", TextArea(id="rp-items"))
            yield from self._row("rectify_by", Input(id="rp-rectify_by", placeholder="YYYY-MM-DD"))
            yield from self._row("note", Input(id="rp-note"))
            yield Static("", id="rp-error", classes="sv-error")
        yield Static("", id="rp-hint", classes="sv-status")
        yield ShellFooter()

    def _row(self, name: str, widget) -> ComposeResult:  # noqa: ANN001
        with Horizontal(classes="sv-row", id=f"rp-row-{name}"):
            yield Label(t(f"supervision.ui.field.{name}"))
            yield widget

    def on_mount(self) -> None:
        for node in self.query(".sv-row, .sv-section"):  # shown once the report is read
            node.display = False
        self.action_refresh()

    def action_refresh(self) -> None:
        self.call_service(svc.get_report, self.ctx, self.organization_id, self.year,
                          then=self._show, failed=self.show_error, group="annual-report")

    def _mode(self) -> str:
        if self.info is None:
            return ""
        acts = self.info.actions
        if "annual_report.conclude" in acts:
            return "conclude"
        if any(a in acts for a in ("annual_report.receive", "annual_report.amend",
                                   "annual_report.resubmit")):
            return "receive"
        if "annual_report.adjust" in acts:
            return "adjust"  # the approver, with the reason in the note field
        return ""

    def _show(self, info: svc.ReportInfo) -> None:
        self.info = info
        self.query_one("#rp-title", Static).update(Text(t(
            "supervision.ui.report_title", name=info.org_name, year=info.year)))
        lines = [
            t("supervision.ui.report_deadlines", supervisory=info.supervisory_due.due.isoformat(),
              authority=info.authority_due.due.isoformat()),
            t("supervision.ui.report_state", status=t(f"enum.AnnualReportStatus.{info.status.value}"),
              state=t(f"enum.AnnualReportState.{info.state}") if info.state != "new"
              else t("supervision.ui.state_new")),
        ]
        if info.submitted_on:
            lines.append(t("supervision.ui.report_received", on=info.submitted_on.isoformat(),
                           opinion=info.supervisory_opinion or "-",
                           materials=info.materials or "-"))
        if info.conclusion:
            lines.append(t("supervision.ui.report_concluded",
                           conclusion=t(f"enum.ReportConclusion.{info.conclusion}"),
                           on=_d(info.concluded_on)))
        if info.rectification_id:
            lines.append(t("supervision.ui.report_rectification"))
        mode = self._mode()
        if not mode:
            lines.append(t("supervision.ui.nothing_to_do"))
        self.query_one("#rp-info", Static).update(Text("\n".join(lines)))
        receive = mode == "receive"
        conclude = mode in ("conclude", "adjust")
        # received already: the clerk may still correct the intake (amend) while the
        # report waits for the reviewer; the heading and hint say so
        amend = receive and info.state == "received"
        head = self.query_one("#rp-intake-head", Static)
        head.display = receive
        head.update(t("supervision.ui.intake_amend") if amend else t("supervision.ui.intake"))
        for name in ("received_on", "supervisory_opinion", "supervisory_opinion_on", "materials"):
            self.query_one(f"#rp-row-{name}").display = receive
        self.query_one("#rp-concl-head").display = conclude
        for name in ("conclusion", "concluded_on", "note"):
            self.query_one(f"#rp-row-{name}").display = conclude
        select = self.query_one("#rp-conclusion", Select)
        select.set_options([(t(f"enum.ReportConclusion.{c}"), c) for c in info.conclusions])
        if not self._built:
            self._built = True
            today = self.ctx.today().isoformat()
            if receive:
                # a report returned and submitted again is received today, not on the
                # day the first submission arrived
                resubmit = "annual_report.resubmit" in info.actions
                self.query_one("#rp-received_on", Input).value = (
                    today if resubmit else _d(info.submitted_on) or today)
                self.query_one("#rp-supervisory_opinion", Input).value = info.supervisory_opinion
                self.query_one("#rp-supervisory_opinion_on", Input).value = _d(
                    info.supervisory_opinion_on)
                self.query_one("#rp-materials", Input).value = info.materials
                self.query_one("#rp-received_on", Input).focus()
            if conclude:
                self.query_one("#rp-concluded_on", Input).value = today
                select.focus()
        self._rect_rows()
        self.call_after_refresh(self._take_snapshot)
        self.query_one("#rp-hint", Static).update(Text(
            t("supervision.ui.hint_amend") if amend
            else t(f"supervision.ui.hint_{mode}") if mode else ""))
        self.refresh_bindings()

    def _rect_rows(self) -> None:
        value = self.query_one("#rp-conclusion", Select).value
        show = self._mode() in ("conclude", "adjust") and value in ("basic_pass", "fail")
        for name in ("items", "rectify_by"):
            self.query_one(f"#rp-row-{name}").display = show

    def _form(self) -> tuple:
        try:
            return (tuple(i.value for i in self.query(Input)),
                    self.query_one("#rp-conclusion", Select).value,
                    self.query_one("#rp-items", TextArea).text)
        except Exception:  # noqa: BLE001 - the screen is being torn down
            return self._snapshot

    def _take_snapshot(self) -> None:
        self._snapshot = self._form()

    @property
    def dirty(self) -> bool:
        """Something typed and not yet saved (the app asks before quitting)."""
        return bool(self._snapshot) and self._form() != self._snapshot

    def on_select_changed(self, event: Select.Changed) -> None:
        self._rect_rows()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "main":
            return bool(self._mode()) or None
        if action == "supervision":
            return self.info is not None and bool(self.info.rectification_id)
        return True

    def action_supervision(self) -> None:
        from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

        self.app.push_screen(OrgSupervisionScreen(self.ctx, self.organization_id))

    def _value(self, name: str) -> str:
        return self.query_one(f"#rp-{name}", Input).value.strip()

    def _date(self, name: str, problems: list[str]) -> date | None:
        try:
            return read_date(self._value(name))
        except DateTextError:
            problems.append(t("supervision.ui.error.date", field=t(f"supervision.ui.field.{name}"),
                              value=self._value(name)))
            return None

    def action_main(self) -> None:
        mode = self._mode()
        problems: list[str] = []
        if mode == "receive":
            received = self._date("received_on", problems)
            opinion_on = self._date("supervisory_opinion_on", problems)
            if received is None and not problems:
                problems.append(t("supervision.ui.error.required",
                                  field=t("supervision.ui.field.received_on")))
            if problems:
                self._problems(problems)
                return
            self.call_service(svc.receive, self.ctx, self.organization_id, self.year,
                              received_on=received, supervisory_opinion=self._value(
                                  "supervisory_opinion"),
                              supervisory_opinion_on=opinion_on,
                              materials=self._value("materials"),
                              then=self._done, on_error=self._failed, failed=self._problem_text,
                              group="annual-report-write")
        elif mode in ("conclude", "adjust"):
            value = self.query_one("#rp-conclusion", Select).value
            concluded = self._date("concluded_on", problems)
            rectify_by = self._date("rectify_by", problems)
            if value in (Select.BLANK, Select.NULL, None) or not isinstance(value, str):
                problems.append(t("supervision.ui.error.required",
                                  field=t("supervision.ui.field.conclusion")))
            if concluded is None and not problems:
                problems.append(t("supervision.ui.error.required",
                                  field=t("supervision.ui.field.concluded_on")))
            if problems:
                self._problems(problems)
                return
            items = [line for line in self.query_one("#rp-items", TextArea).text.splitlines()
                     if line.strip()]
            if mode == "adjust":
                self.call_service(svc.adjust, self.ctx, self.info.report_id, str(value),  # type: ignore[union-attr]
                                  adjusted_on=concluded, reason=self._value("note"),
                                  items=items, rectify_by=rectify_by, then=self._done,
                                  on_error=self._failed, failed=self._problem_text,
                                  group="annual-report-write")
                return
            self.call_service(svc.conclude, self.ctx, self.info.report_id, str(value),  # type: ignore[union-attr]
                              concluded_on=concluded, items=items, rectify_by=rectify_by,
                              note=self._value("note"), then=self._done,
                              on_error=self._failed, failed=self._problem_text,
                              group="annual-report-write")

    def _problems(self, lines: list[str]) -> None:
        self.query_one("#rp-error", Static).update(Text("\n".join(lines)))

    def _problem_text(self, message: str) -> None:
        self._problems([message])

    def _failed(self, exc: ServiceError) -> None:
        if isinstance(exc, ValidationFailed):
            self._problems([f"{t(f'supervision.ui.field.{p.field}')}：{p.message()}"
                            if t(f"supervision.ui.field.{p.field}") != f"supervision.ui.field.{p.field}"
                            else p.message() for p in exc.problems])
        else:
            self._problems([exc.message()])

    def _done(self, _result: object) -> None:
        self._built = False
        self._problems([])
        self.notify(t("supervision.ui.saved"), markup=False)
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()


# --------------------------------------------------------------------------- proposal


class AbnormalProposalScreen(_Calls, Screen):
    """The organizations to list for not reporting on ``year`` (ground (一)): shown first,
    nothing written; F9 (the approver) lists them after a confirmation."""

    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="abnormal_proposal.back"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="abnormal_proposal.refresh"),
        Binding("f7", "export", t("ui.key.export"), id="abnormal_proposal.export"),
        Binding("f9", "confirm", t("supervision.ui.key.list_all"), id="abnormal_proposal.confirm"),
    ]

    def __init__(self, ctx: ServiceContext, year: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.year = year
        self.rows: list[svc.ProposalRow] = []
        self.outcomes: list[svc.ListingOutcome] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(t("supervision.ui.proposal_title", year=self.year), classes="sv-title")
        yield DataTable(id="pp-table", cursor_type="row", zebra_stripes=True, classes="sv-table")
        yield Static("", id="pp-status", classes="sv-status")
        yield ShellFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(t(f"supervision.ui.col.{c}") for c in ("name", "deadline", "reason")))
        table.focus()
        self.action_refresh()

    def may_list(self) -> bool:
        from mca_tui.domain import permissions

        return permissions.allowed("credit.abnormal.list", self.ctx.actor.roles) or \
            self.ctx.actor.kind == "os"

    def action_refresh(self) -> None:
        self.call_service(svc.abnormal_proposals, self.ctx, self.year, then=self._show,
                          failed=self.show_error, group="abnormal-proposal", exclusive=True)

    def _show(self, rows: list[svc.ProposalRow]) -> None:
        self.rows = rows
        self.loaded = True
        table = self.query_one(DataTable)
        table.clear()
        for i, r in enumerate(rows):
            table.add_row(Text(r.name), Text(r.deadline.isoformat()), Text(r.reason), key=str(i))
        if not rows:
            msg = t("supervision.ui.proposal_empty")
        elif self.may_list():
            msg = t("supervision.ui.proposal_count", n=len(rows))
        else:
            msg = t("supervision.ui.proposal_count_approver", n=len(rows))
        self.query_one("#pp-status", Static).update(Text(msg))
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.action_refresh()  # a report recorded meanwhile drops out of the proposal

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: the organization's report page (to check, or to record a late report)."""
        event.stop()
        row = self.rows[int(event.row_key.value or 0)]
        self.app.push_screen(AnnualReportScreen(self.ctx, row.organization_id, self.year))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return (bool(self.rows) and self.may_list()) or None
        return True

    def action_confirm(self) -> None:
        from mca_tui.ui.dialogs.confirm import ConfirmScreen

        if not self.rows:
            return
        names = "、".join(r.name for r in self.rows[:5]) + ("……" if len(self.rows) > 5 else "")
        ids = [r.organization_id for r in self.rows]

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_service(svc.list_missing_reports, self.ctx, self.year, ids,
                                  then=self._listed, failed=self.show_error,
                                  group="abnormal-list")

        self.app.push_screen(ConfirmScreen(
            t("supervision.ui.proposal_confirm_title", n=len(ids)),
            t("supervision.ui.proposal_confirm_body", n=len(ids), names=names)), answered)

    def _listed(self, outcomes: list[svc.ListingOutcome]) -> None:
        self.outcomes = outcomes
        done = [o for o in outcomes if o.entry_id]
        failed = [o for o in outcomes if not o.entry_id]
        msg = t("supervision.ui.listed_count", n=len(done))
        if failed:
            msg += " " + t("supervision.ui.listed_failed", n=len(failed),
                           first=f"{failed[0].name}：{failed[0].error}")
        self.notify(msg, markup=False, timeout=10)
        self.action_refresh()

    def action_export(self) -> None:
        from mca_tui.ui.export import export_table

        headers = [t(f"supervision.ui.col.{c}") for c in ("name", "uscc", "deadline", "reason")]
        rows = [[r.name, r.uscc or "", r.deadline, r.reason] for r in self.rows]
        export_table(self, self.ctx, f"abnormal-proposal-{self.year}", headers, rows,
                     empty_message=t("supervision.ui.proposal_empty"))

    def action_back(self) -> None:
        self.app.pop_screen()
