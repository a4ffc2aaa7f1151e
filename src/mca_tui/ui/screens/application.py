"""登记申请: the list of applications and one application's page.

The page shows the dates, the legal clocks (decision: 60 days, 30 for charities; the
5-working-day correction notice), the findings with their articles, the 补正 items, the
steps and the documents. Its actions are the ones the registration transition table
offers this user now (``ApplicationInfo.actions``: status, roles and four eyes), the same
table the services apply.

Keys on the page: F9 the main action of the status (continue the form / 审查通过 /
补正完成 / 核准), F6 通知补正 (reviewer), F8 不予登记 (approver), F4 preview the documents in
turn, F5 refresh, Esc back. On the list: Enter opens, F9 new 成立登记, F5 refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from mca_tui.domain import permissions
from mca_tui.domain.enums import ApplicationKind, ApplicationStatus
from mca_tui.i18n import label, t
from mca_tui.services import registration as reg
from mca_tui.services.context import ServiceContext
from mca_tui.ui import router
from mca_tui.ui.calls import ServiceCalls, stale
from mca_tui.ui.dialogs.registration_dialogs import (
    ConfirmDialog,
    CorrectionAnswer,
    CorrectionDialog,
    PreviewDialog,
    TextPromptDialog,
)
from mca_tui.ui.widgets.footer import ShellFooter
from mca_tui.ui.widgets.info_text import InfoText, date_text

log = logging.getLogger(__name__)

PAGE_CSS = """
ApplicationScreen, ApplicationsScreen { layout: vertical; }
#app-title, #apps-title { height: 1; background: $primary; color: $text; padding: 0 1;
    text-style: bold; }
#app-body { height: 1fr; padding: 0 1; }
.app-section { margin-top: 1; text-style: bold; }
.app-block { color: $error; }
#apps-table { height: 1fr; }
#apps-query { margin: 0 1; }
#apps-hint { height: 1; color: $text-muted; padding: 0 1; }
"""

_SHOWN_FIELDS = ("name", "civil_form", "domicile", "funds", "supervisory_unit",
                 "direct_category", "legal_rep_name", "individual_members", "unit_members",
                 "supervisory_approval_on", "received_on")


# Screen actions -> the registration table's actions (domain.registration) they take.
_MAIN = {"application.accept": "form", "application.correction_complete": "form",
         "application.review": "review", "application.approve": "approve"}
_OTHER = {"correction": "application.correction", "refuse": "application.refuse"}


_d = date_text


def _days_text(left: int) -> str:
    return (t("clock.describe.today") if left == 0 else
            t("clock.describe.left", n=left) if left > 0 else
            t("clock.describe.overdue", n=-left))


def _due_text(r: reg.ApplicationSummary, today) -> str:  # noqa: ANN001
    """The date that matters now: the applicant's 补正 date while in 补正, else the
    notice or decision clock."""
    if r.applicant_due is not None:
        return f"{_d(r.applicant_due)} {_days_text((r.applicant_due - today).days)}"
    due = r.correction_deadline or r.decision_deadline
    if due is None:
        return "-"
    # the short provisional mark in a list (the page gives the full note)
    mark = t("clock.describe.provisional") if due.provisional else ""
    return f"{_d(due.due)} {_days_text(due.days_left(today))}{mark}"


class _Worker(ServiceCalls):
    """Service calls of the registration pages (ui.calls, the one way): errors become an
    error notification (the screen and whatever was typed stay)."""

    ctx: ServiceContext

    def call(self, fn: Callable, then: Callable, *args: object, **kwargs: Any) -> None:
        self.call_service(fn, *args, then=then, failed=self.show_error,
                          group="registration-call", **kwargs)

    def show_error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False, timeout=10)  # type: ignore[attr-defined]


class ApplicationScreen(_Worker, Screen):
    DEFAULT_CSS = PAGE_CSS
    BINDINGS = [
        # F9 is the main action of the status; only the one that applies is shown.
        Binding("f9", "main('form')", t("registration.ui.key_continue"),
                id="registration.app.continue"),
        Binding("f9", "main('review')", t("registration.ui.key_review"),
                id="registration.app.review"),
        Binding("f9", "main('approve')", t("registration.ui.key_approve"),
                id="registration.app.approve"),
        Binding("f6", "correction", t("registration.ui.key_correction"),
                id="registration.app.correction"),
        # F7 exports on every screen; refusal (不予登记) has its own key
        Binding("f8", "refuse", t("registration.ui.key_refuse"), id="registration.app.refuse"),
        # the head's approval extending a change's 20-working-day decision period (行政许可法
        # Art 42): approvers, a change in flight, not extended yet
        Binding("f10", "extend", t("registration.ui.key_extend"), id="registration.app.extend"),
        Binding("f4", "preview", t("registration.ui.key_preview"),
                id="registration.app.preview"),
        Binding("f5", "refresh", t("registration.ui.key_refresh"),
                id="registration.app.refresh"),
        Binding("escape", "back", t("registration.ui.key_back"), id="registration.app.back"),
    ]

    def __init__(self, ctx: ServiceContext, application_id: str, *,
                 preview_latest: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.application_id = application_id
        self.info: reg.ApplicationInfo | None = None
        self._doc_index = 0
        self._preview_latest = preview_latest

    def compose(self) -> ComposeResult:
        yield Static("", id="app-title")
        with VerticalScroll(id="app-body"):
            yield Static(Text(t("registration.ui.loading")), id="app-content")
        yield ShellFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.info is not None:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.call(reg.get_application, self._show, self.ctx, self.application_id)

    def _show(self, info: reg.ApplicationInfo) -> None:
        if stale(self.info, info):
            return
        self.info = info
        self.query_one("#app-title", Static).update(Text(t(
            "registration.ui.app_title", number=info.number or t("registration.ui.no_number"),
            name=info.org_name or "-", kind=label(info.kind), status=label(info.status))))
        self.query_one("#app-content", Static).update(self.render_info(info))
        self.refresh_bindings()
        if self._preview_latest and info.documents:
            # e.g. the acceptance notice just issued: show it to hand to the applicant
            self._preview_latest = False
            self._doc_index = len(info.documents) - 1
            self.action_preview()

    def render_info(self, info: reg.ApplicationInfo) -> Text:
        today = self.ctx.today()
        out = InfoText()
        section, line = out.section, out.line
        line(t("registration.ui.summary", type=label(info.org_type), kind=label(info.kind),
               status=label(info.status)))
        if info.uscc:
            line(t("registration.ui.uscc", uscc=info.uscc), "bold")
        section(t("registration.ui.sec_clocks"))
        for clock in (info.decision_deadline, info.correction_deadline):
            if clock:
                out.clock("registration.ui.clock_line", clock, today)
        if info.applicant_due is not None:
            left = (info.applicant_due - today).days
            line(t("registration.ui.applicant_due", due=_d(info.applicant_due),
                   state=_days_text(left)), "bold red" if left < 0 else "bold")
        if info.correction_notice_late:
            line(t("registration.ui.notice_late"), "bold")
        if info.late:
            line(t("registration.ui.change_late"), "bold")
        if not (info.decision_deadline or info.correction_deadline or info.applicant_due):
            line(t("registration.ui.no_clock"))
        section(t("registration.ui.sec_dates"))
        line(t("registration.ui.dates", received=_d(info.received_on),
               accepted=_d(info.accepted_on), complete=_d(info.complete_on),
               reviewed=_d(info.reviewed_on), decided=_d(info.decided_on)))
        if info.accepted_by or info.reviewed_by or info.decided_by:
            line(t("registration.ui.people", accepted=info.accepted_by or "-",
                   reviewed=info.reviewed_by or "-", decided=info.decided_by or "-"))
        section(t("registration.ui.sec_form"))
        for name in _SHOWN_FIELDS:
            value = info.form.get(name)
            if value in (None, "", False):
                continue
            if name == "direct_category":
                value = t(f"registration.direct.{value}")
            elif name == "civil_form":
                value = t(f"enum.CivilForm.{value}")
            key = f"registration.field.{name}"
            if name == "funds":
                key = {"social_group": "registration.field.funds_social_group",
                       "private_non_enterprise": "registration.field.funds_pne"}.get(
                    info.org_type.value, key)
            if info.kind == ApplicationKind.CHANGE and name not in (
                    "received_on", "supervisory_approval_on"):
                before = info.current.get(name) or "-"
                if name == "direct_category" and before != "-":
                    before = t(f"registration.direct.{before}")
                elif name == "civil_form" and before != "-":
                    before = t(f"enum.CivilForm.{before}")
                out.field(t(key), f"{before} {t('registration.ui.new_value')}{value}",
                          indent="  ")
            else:
                out.field(t(key), value, indent="  ")
        if info.findings:
            section(t("registration.ui.sec_findings"))
            for f in sorted(info.findings, key=lambda f: 0 if f.blocks else 1):
                tag = t("registration.ui.tag_block" if f.blocks else "registration.ui.tag_warn")
                line(f"  {tag} {f.message()}", "red" if f.blocks else "yellow")
        elif info.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWED):
            section(t("registration.ui.sec_findings"))
            line("  " + t("registration.ui.no_findings"))
        if info.correction_items and info.status == ApplicationStatus.CORRECTION:
            # only while the file waits for them: once 补正完成, the old list is history
            section(t("registration.ui.correction_items"))
            for i, item in enumerate(info.correction_items, 1):
                line(f"  {i}. {item}")
        if info.decision_reasons:
            section(t("registration.ui.sec_reasons"))
            line("  " + info.decision_reasons)
        section(t("registration.ui.sec_steps"))
        out.steps("registration.step.", info.steps)
        out.documents(t("registration.ui.sec_documents"), info.documents)
        return out.text

    # ------------------------------------------------------------------ what may be done

    def _main_kind(self) -> str | None:
        """The F9 action: the first main action the registration table offers this user
        now (``ApplicationInfo.actions``: from-state, role and four eyes), so the acceptor
        is never offered 核准."""
        info = self.info
        if info is None:
            return None
        return next((_MAIN[a] for a in info.actions if a in _MAIN), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        info = self.info
        if action == "main":
            return bool(parameters) and self._main_kind() == parameters[0]
        if action in _OTHER:
            return bool(info and _OTHER[action] in info.actions)
        if action == "preview":
            return bool(info and info.documents)
        if action == "extend":
            return self._may_extend()
        return True

    def _may_extend(self) -> bool:
        info = self.info
        return bool(
            info and info.kind == ApplicationKind.CHANGE
            and info.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.REVIEWED)
            and self.ctx.actor.has(*permissions.roles_for("application.extend_decision"))
            and not any(step.step == reg.EXTENSION_STEP for step in info.steps))

    # ------------------------------------------------------------------ actions

    def action_main(self, wanted: str = "") -> None:
        kind = self._main_kind()
        info = self.info
        if kind is None or info is None or (wanted and wanted != kind):
            return
        if kind == "form":
            self.app.push_screen(router.screen("application_form", self.ctx, info))
        elif kind == "review":
            def reviewed(note: str | None) -> None:
                if note is not None:
                    self.call(reg.review, self._after, self.ctx, info.id, note=note,
                              expected_version=info.version)

            self.app.push_screen(TextPromptDialog(t("registration.ui.review_title"),
                                                  t("registration.ui.review_prompt"),
                                                  required=False), reviewed)
        elif kind == "approve":
            warnings = "\n".join(f"- {f.message()}" for f in info.findings)
            body = t("registration.ui.approve_body", name=info.org_name)
            if warnings:
                body += "\n\n" + t("registration.ui.findings_head") + "\n" + warnings

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.call(reg.approve, self._decided, self.ctx, info.id,
                              expected_version=info.version)

            self.app.push_screen(ConfirmDialog(t("registration.ui.approve_title"), body),
                                 confirmed)

    def action_correction(self) -> None:
        info = self.info
        if info is None:
            return
        items = "\n".join(reg.default_correction_items(info))

        def chosen(answer: CorrectionAnswer | None) -> None:
            if answer is not None:
                self.call(reg.request_correction, self._after, self.ctx, info.id, answer.items,
                          due_on=answer.due_on, expected_version=info.version)

        self.app.push_screen(CorrectionDialog(items, self.ctx.today()), chosen)

    def action_refuse(self) -> None:
        info = self.info
        if info is None:
            return
        reasons = "\n".join(f.message() for f in info.findings if f.blocks)

        def given(text: str | None) -> None:
            if text:
                self.call(reg.refuse, self._decided, self.ctx, info.id, text,
                          expected_version=info.version)

        self.app.push_screen(TextPromptDialog(t("registration.ui.refuse_title"),
                                              t("registration.ui.refuse_prompt"), reasons),
                             given)

    def action_extend(self) -> None:
        info = self.info
        if info is None or not self._may_extend():
            return

        def given(reason: str | None) -> None:
            if reason:
                self.call(reg.extend_decision_period, self._after, self.ctx, info.id, reason,
                          expected_version=info.version)

        self.app.push_screen(TextPromptDialog(t("registration.ui.extend_title"),
                                              t("registration.ui.extend_prompt")), given)

    def _after(self, info: reg.ApplicationInfo) -> None:
        self.notify(t("registration.ui.done", status=label(info.status)))
        self._show(info)
        if info.documents and info.status == ApplicationStatus.CORRECTION:
            self._doc_index = len(info.documents) - 1
            self.action_preview()

    def _decided(self, result: reg.DecisionResult) -> None:
        self._show(result.application)
        if result.uscc and result.application.status == ApplicationStatus.APPROVED:
            self.notify(t("registration.ui.approved", uscc=result.uscc), timeout=10)
        else:
            self.notify(t("registration.ui.done", status=label(result.application.status)))
        numbers = "、".join(d.number for d in result.documents)
        self.app.push_screen(PreviewDialog(
            t("registration.ui.preview_title", numbers=numbers), result.preview))

    def action_preview(self) -> None:
        info = self.info
        if info is None or not info.documents:
            return
        doc = info.documents[self._doc_index % len(info.documents)]
        self._doc_index += 1
        self.call(_preview, lambda text: self.app.push_screen(PreviewDialog(
            t("registration.ui.doc_title", number=doc.number, title=doc.title,
              path=doc.file_path), text)), self.ctx, doc.id)

    def action_back(self) -> None:
        self.app.pop_screen()


def _preview(ctx, doc_id: str) -> str:  # noqa: ANN001 - ServiceContext
    """The document's text (its file is found in the documents folder, or beside a
    restored database, or written again from the record when missing)."""
    from mca_tui.services.documents import preview

    return preview(ctx, doc_id)


class ApplicationsScreen(_Worker, Screen):
    """登记申请 list: drafts to resume and applications in progress, most recent first."""

    DEFAULT_CSS = PAGE_CSS
    BINDINGS = [
        Binding("enter", "open", t("registration.ui.key_open"), id="registration.list.open"),
        Binding("f9", "new", t("registration.ui.key_new"), id="registration.list.new"),
        Binding("f5", "refresh", t("registration.ui.key_refresh"),
                id="registration.list.refresh"),
        Binding("f7", "export", t("ui.key.export"), id="registration.list.export"),
        Binding("escape", "back", t("registration.ui.key_back"), id="registration.list.back"),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[reg.ApplicationSummary] = []

    def export_rows(self) -> tuple[list[str], list[list[str]]]:
        """What the list shows, as headers and rows (F7 writes them to a spreadsheet)."""
        keys = ("col_number", "col_name", "col_kind", "col_status", "col_received", "col_due")
        headers = [t(f"registration.ui.{k}") for k in keys]
        today = self.ctx.today()
        rows = []
        for r in self.rows:
            rows.append([r.number or "", r.org_name or "", label(r.kind), label(r.status),
                         _d(r.received_on), _due_text(r, today)])
        return headers, rows

    def action_export(self) -> None:
        from mca_tui.ui.export import export_table

        headers, rows = self.export_rows()
        export_table(self, self.ctx, "applications", headers, rows,
                     empty_message=t("registration.ui.list_empty"))

    def compose(self) -> ComposeResult:
        yield Static(Text(t("registration.ui.list_title")), id="apps-title")
        yield Input(placeholder=t("registration.ui.list_query"), id="apps-query", compact=True)
        yield DataTable(id="apps-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("registration.ui.list_hint")), id="apps-hint")
        yield ShellFooter()

    def on_mount(self) -> None:
        table = self.query_one("#apps-table", DataTable)
        columns = self._columns(self.app.size.width)
        self._shown_columns = [k for k, _ in columns]
        for key, width in columns:
            table.add_column(t(f"registration.ui.{key}"), width=width)
        table.focus()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    # the status and the deadline never disappear nor wrap: at narrow widths the received
    # date (shown on the page) goes first, then the kind; the name gets what is left
    def _columns(self, width: int) -> list[tuple[str, int]]:
        from rich.cells import cell_len

        status_w = max(cell_len(label(s)) for s in ApplicationStatus)
        kind_w = max(cell_len(label(k)) for k in ApplicationKind)
        due_w = 11 + max(cell_len(t("clock.describe.left", n=99)),
                         cell_len(t("clock.describe.overdue", n=99)),
                         cell_len(t("clock.describe.today"))) \
            + cell_len(t("clock.describe.provisional"))
        optional = [("col_received", 10), ("col_kind", kind_w)]
        while True:
            cols = [("col_number", 17), ("col_name", 0), *reversed(optional),
                    ("col_status", status_w), ("col_due", due_w)]
            used = sum(w for _, w in cols) + 2 * len(cols) + 3
            if width - used >= 18 or not optional:
                break
            optional.pop(0)
        name = max(10, min(30, width - used))
        return [(k, name if k == "col_name" else w) for k, w in cols]

    def action_refresh(self) -> None:
        statuses = (ApplicationStatus.DRAFT, *reg.IN_FLIGHT)
        text = self.query_one("#apps-query", Input).value
        self.call_service(reg.list_applications, self.ctx, statuses=statuses, text=text,
                          then=self._fill, failed=self.show_error, group="apps-list",
                          exclusive=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        """The same box finds drafts and applications by number, proposed name or
        applicant (the legal representative as typed)."""
        event.stop()
        self.action_refresh()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.rows:
            self._open(self.rows[0].id)

    def _fill(self, rows: list[reg.ApplicationSummary]) -> None:
        self.rows = rows
        table = self.query_one("#apps-table", DataTable)
        table.clear()
        today = self.ctx.today()
        for r in rows:
            due_text = _due_text(r, today)
            values = {"col_number": r.number or t("registration.ui.no_number"),
                      "col_name": r.org_name or "-", "col_kind": label(r.kind),
                      "col_received": _d(r.received_on), "col_status": label(r.status),
                      "col_due": due_text}
            table.add_row(*(Text(values[k]) for k in self._shown_columns), key=r.id)
        query = self.query_one("#apps-query", Input).value.strip()
        hint = (t("registration.ui.list_hint") if rows else
                t("registration.ui.list_none", query=query) if query else
                t("registration.ui.list_empty"))
        self.query_one("#apps-hint", Static).update(Text(hint))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    def action_open(self) -> None:
        table = self.query_one("#apps-table", DataTable)
        if not self.rows or table.cursor_row is None:
            return
        self._open(self.rows[table.cursor_row].id)

    def _open(self, app_id: str | None) -> None:
        row = next((r for r in self.rows if r.id == app_id), None)
        if row is None:
            return
        if row.kind == ApplicationKind.DEREGISTRATION:  # its own page (注销登记)
            self.app.push_screen(router.screen("deregistration", self.ctx, row.organization_id,
                                              application_id=row.id))
            return
        # a draft opens in its form for whoever may save it (domain.permissions)
        if row.status == ApplicationStatus.DRAFT and self.ctx.actor.has(
                *permissions.roles_for("application.draft_save")):
            self.app.push_screen(router.screen("application_form", self.ctx, row))
        else:
            self.app.push_screen(ApplicationScreen(self.ctx, row.id))

    def action_new(self) -> None:
        self.app.push_screen(router.screen("intake", self.ctx))

    def action_back(self) -> None:
        self.app.pop_screen()
