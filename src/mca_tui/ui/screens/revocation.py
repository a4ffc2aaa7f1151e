"""Dormant organizations (僵尸型社会组织线索) and the revocation case (撤销登记案件).

Dormancy list — the candidates with their signals (from the per-organization summary);
Space selects a row, Enter shows its signals and evidence, F9 shows the batch preview
(documents, dates and deadlines for each selected organization; nothing is written) and
F9 again opens the cases and produces their first documents (each case its own units;
a failure is reported by name and stops none of the others). F5 refresh, Esc back.

Case — the case, its clocks on the working-day calendar (the office's deadlines, the
party's windows, the first possible decision day, the remedy periods), late flags, the
steps taken and the documents. The step list holds only what ``penalty_case.offered``
allows this user today (a step whose waiting period has not run out is not offered);
choose it, fill in the date and what it needs, F9 takes it. A refusal is shown under the
form with its article; nothing typed is lost. F5 refresh, Esc back.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Footer, Input, Label, Select, Static

from mca_tui.domain.casework import CustodyRecord
from mca_tui.domain.dates import DateTextError, read_date
from mca_tui.domain.enums import CaseStepKind, CustodyItem, CustodyOutcome, ServiceMethod
from mca_tui.i18n import label, t
from mca_tui.services import dormancy, revocation
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import ServiceError, ValidationFailed
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.screens.annual_report import CSS as _CSS
from mca_tui.ui.widgets.footer import ShellFooter

CSS = _CSS.replace("AnnualReportsScreen, AnnualReportScreen, AbnormalProposalScreen",
                   "DormancyScreen, CaseScreen") + """
#dm-detail { height: auto; max-height: 12; padding: 0 1; }
"""


PAGE = 1000  # rows read for the list (oldest signals first; the count is exact)


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


# --------------------------------------------------------------------------- dormancy list


class DormancyScreen(ServiceCalls, Screen):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="dormancy.back"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="dormancy.refresh"),
        Binding("space", "toggle", t("dormancy.ui.col_mark"), id="dormancy.toggle"),
        Binding("f9", "main", t("dormancy.ui.preview_title"), id="dormancy.main"),
    ]

    def __init__(self, ctx: ServiceContext, as_of: date | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.as_of = as_of
        self.rows: list[dormancy.Candidate] = []
        self.selected: set[str] = set()
        self.previewed: tuple[str, ...] = ()  # ids shown in the preview, awaiting F9

    def compose(self) -> ComposeResult:
        yield Static(Text(t("dormancy.ui.title")), id="dm-title", classes="sv-title")
        yield DataTable(id="dm-table", cursor_type="row", zebra_stripes=True,
                        classes="sv-table")
        with Horizontal(classes="sv-row", id="dm-row-officer"):
            yield Label(t("dormancy.ui.officers"))
            yield Select([], id="dm-officer", allow_blank=True, prompt="—")
        yield Static("", id="dm-detail")
        yield Static(Text(t("dormancy.ui.hint")), id="dm-status", classes="sv-status")
        yield ShellFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*(t(f"dormancy.ui.col_{c}") for c in (
            "mark", "name", "uscc", "signals", "since", "exclusions")))
        self.query_one(DataTable).focus()
        self.action_refresh()
        self.call_service(revocation.enforcement_officers, self.ctx, then=self._officers,
                          group="dormancy-officers")

    def _officers(self, officers: list[tuple[str, str]]) -> None:
        me = self.ctx.actor.user_id
        options = [(name, uid) for uid, name in officers if uid != me]
        sel = self.query_one("#dm-officer", Select)
        sel.set_options(options)
        if options:
            sel.value = options[0][1]

    def action_refresh(self) -> None:
        self.call_service(dormancy.current, self.ctx, self.as_of, limit=PAGE,
                          then=self._show, failed=self._error, group="dormancy",
                          exclusive=True)

    def _show(self, rows: list[dormancy.Candidate]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for i, c in enumerate(rows):
            a = c.assessment
            excluded = "、".join(label(e.kind) for e in a.exclusions)
            table.add_row(
                Text("✔" if c.organization_id in self.selected else ""), Text(a.name),
                Text(a.uscc), Text("、".join(label(s.kind) for s in a.signals)),
                Text(_d(min(s.since for s in a.signals))),
                Text(excluded, style="dim" if excluded else ""), key=str(i))
        active = sum(1 for c in rows if not c.assessment.exclusions)
        self.query_one("#dm-status", Static).update(Text(
            t("dormancy.ui.count", count=active, excluded=len(rows) - active) if rows
            else t("dormancy.ui.empty")))

    def _current(self) -> dormancy.Candidate | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # the "toggle" action of this list (space), not DOMNode's attribute toggle
    def action_toggle(self) -> None:  # type: ignore[override]
        c = self._current()
        if c is None:
            return
        if c.organization_id in self.selected:
            self.selected.discard(c.organization_id)
        else:
            self.selected.add(c.organization_id)
        self.previewed = ()
        table = self.query_one(DataTable)
        table.update_cell_at(Coordinate(table.cursor_row, 0),
                             Text("✔" if c.organization_id in self.selected else ""))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        c = self._current()
        if c is None:
            return
        lines = [t("dormancy.ui.evidence_title") + f"：{c.name}"]
        for s in c.assessment.signals:
            lines.append(f"- {label(s.kind)}（{_d(s.since)}）{s.article}")
            lines.append(f"  {_evidence(s.evidence)}")
        for e in c.assessment.exclusions:
            lines.append(f"× {label(e.kind)} {_d(e.since)}{_d(e.until)}")
        self.query_one("#dm-detail", Static).update(Text("\n".join(lines)))

    def _ordered_selection(self) -> tuple[str, ...]:
        return tuple(c.organization_id for c in self.rows if c.organization_id in self.selected)

    def action_main(self) -> None:
        ids = self._ordered_selection()
        if not ids:
            self.query_one("#dm-detail", Static).update(Text(t("dormancy.ui.none_selected")))
            return
        today = self.ctx.today()
        if self.previewed != ids:
            self.call_service(revocation.preview_batch, self.ctx, ids, today,
                              then=lambda p: self._preview(ids, p), failed=self._error,
                              group="dormancy-preview")
            return
        officer = self.query_one("#dm-officer", Select).value
        me = self.ctx.actor.user_id
        if not me or not isinstance(officer, str):
            self._error(t("dormancy.ui.officers_missing"))
            return
        self.call_service(revocation.run_batch, self.ctx, ids, today, officers=[me, officer],
                          then=self._ran, failed=self._error, group="dormancy-batch")

    def _preview(self, ids: tuple[str, ...], previews: tuple) -> None:  # noqa: ANN001
        self.previewed = ids
        lines = [t("dormancy.ui.preview_title")]
        for p in previews:
            name = p.candidate.name
            if not p.opens_case:
                lines.append(t("dormancy.ui.preview_skip", name=name, reasons="、".join(
                    t(f"enum.DormancyExclusion.{r}") if r != "no_signal"
                    else t("case.preview.skip.no_signal") for r in p.skipped)))
                continue
            line = t("dormancy.ui.preview_line", name=name, filed_on=_d(p.filed_on),
                     method=label(p.service_method), effective=_d(p.notice_effective_on),
                     statement=_d(p.statement_due), hearing=_d(p.hearing_request_due),
                     earliest=_d(p.earliest_decision_on), decision_due=_d(p.decision_due))
            docs = "、".join(t(f"case.doc.{d.kind}") for d in p.documents)
            lines.append(f"{line}；{docs}" + ("" if p.fits else t("dormancy.ui.preview_not_fit")))
        lines.append(t("dormancy.ui.preview_confirm"))
        self.query_one("#dm-detail", Static).update(Text("\n".join(lines)))

    def _ran(self, outcomes: list[revocation.BatchOutcome]) -> None:
        ok = [o for o in outcomes if o.ok]
        failed = [o for o in outcomes if not o.ok and not o.skipped]
        lines = [t("dormancy.ui.batch_done", ok=len(ok), failed=len(failed))]
        lines += [t("dormancy.ui.batch_ok_line", name=o.name, documents="、".join(o.documents))
                  for o in ok]
        lines += [t("dormancy.ui.batch_failed_line", name=o.name, error=o.error)
                  for o in failed]
        self.query_one("#dm-detail", Static).update(Text("\n".join(lines)))
        self.selected.clear()
        self.previewed = ()
        self.action_refresh()

    def _error(self, message: str) -> None:
        self.query_one("#dm-detail", Static).update(Text(message, style="bold red"))

    def action_back(self) -> None:
        self.app.pop_screen()


def _evidence(evidence: object) -> str:
    import json

    from mca_tui.domain.dormancy import _jsonable

    return json.dumps(_jsonable(evidence), ensure_ascii=False)


# --------------------------------------------------------------------------- the case

_SERVICE_STEPS = (CaseStepKind.SERVE_NOTICE, CaseStepKind.SERVE_DECISION)


class CaseScreen(ServiceCalls, Screen):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="case.back"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="case.refresh"),
        Binding("f9", "main", t("case.ui.hint"), id="case.main"),
    ]

    def __init__(self, ctx: ServiceContext, case_id: str | None = None, *,
                 organization_id: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.case_id = case_id
        self.organization_id = organization_id
        self.view: revocation.CaseView | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(t("case.ui.title")), id="cs-title", classes="sv-title")
        with VerticalScroll(classes="sv-body"):
            yield Static(Text(t("registration.ui.loading")), id="cs-info", classes="sv-info")
            yield from self._row("step", Select([], id="cs-step", allow_blank=True,
                                                prompt=t("case.ui.pick_step")))
            yield from self._row("date", Input(id="cs-date", placeholder="YYYY-MM-DD"))
            yield from self._row("method", Select(
                [(label(m), m.value) for m in ServiceMethod], id="cs-method",
                allow_blank=True, prompt="—"))
            yield from self._row("hearing_on", Input(id="cs-extra", placeholder="YYYY-MM-DD"))
            yield from self._row("custody_outcome", Select(
                [(label(o), o.value) for o in (CustodyOutcome.COLLECTED,
                                               CustodyOutcome.VOID_ANNOUNCED)],
                id="cs-custody", allow_blank=True, prompt="—"))
            yield from self._row("note", Input(id="cs-note"))
            yield from self._row("waiver", Checkbox(t("case.ui.waiver"), id="cs-waiver"))
            yield Static("", id="cs-error", classes="sv-error")
        yield Static(Text(t("case.ui.hint")), id="cs-hint", classes="sv-status")
        yield ShellFooter()

    def _row(self, name: str, widget) -> ComposeResult:  # noqa: ANN001
        with Horizontal(classes="sv-row", id=f"cs-row-{name}"):
            yield Label(t(f"case.ui.{name}"), id=f"cs-label-{name}")
            yield widget

    def on_mount(self) -> None:
        self.query_one("#cs-date", Input).value = self.ctx.today().isoformat()
        self.action_refresh()

    def action_refresh(self) -> None:
        def load() -> revocation.CaseView | None:
            if self.case_id is None and self.organization_id:
                self.case_id = revocation.latest_case_of(self.ctx, self.organization_id)
            if self.case_id is None:
                return None
            return revocation.case_view(self.ctx, self.case_id)

        self.call_service(load, then=self._show, failed=self._problem, group="case",
                          exclusive=True)

    def _show(self, view: revocation.CaseView | None) -> None:
        if view is None:
            self.query_one("#cs-info", Static).update(Text(t("case.error.not_found")))
            self._rows()
            return
        self.view = view
        today = self.ctx.today()
        c = view.clocks
        state = t("case.ui.revoked") if view.complete else label(_status(view.status))
        self.query_one("#cs-title", Static).update(Text(
            f"{t('case.ui.title')}【{state}】{view.org_name}（{view.case_number}）"))
        lines = [f"{t('case.ui.status')}：{label(_status(view.status))}　{view.uscc}"]
        running = c.running(today)
        if running:
            lines.append(t("case.ui.running") + "：" + "；".join(
                _deadline(d, today) for d in running))
        waiting = c.waiting(today)
        if waiting:
            lines.append(t("case.ui.waiting") + "：" + "；".join(
                _deadline(d, today) for d in waiting))
        if c.earliest_decision_on and view.facts.decided_on is None:
            lines.append(f"{t('case.ui.earliest')}：{_d(c.earliest_decision_on)}")
        if c.remedies is not None:
            lines.append(t("case.ui.remedies", review=_d(c.remedies.reconsideration.due),
                           lawsuit=_d(c.remedies.lawsuit.due)))
        if view.late:
            lines.append(t("case.ui.late", flags="、".join(
                t(f"case.ui.late_{f}") for f in view.late)))
        lines.append(t("case.ui.steps") + "：" + "；".join(
            f"{label(CaseStepKind(s))} {_d(d)}{(' ' + n) if n else ''}" for s, d, n in view.steps))
        if view.complete:
            lines.append(t("case.ui.complete"))
        lines.append(t("case.ui.offered", steps="、".join(label(s) for s in view.offered))
                     if view.offered else t("case.ui.none_offered"))
        self.query_one("#cs-info", Static).update(Text("\n".join(lines)))
        step = self.query_one("#cs-step", Select)
        step.set_options([(label(s), s.value) for s in view.offered])
        if view.offered:
            step.value = view.offered[0].value
        self._rows()
        self.refresh_bindings()

    def _chosen(self) -> CaseStepKind | None:
        value = self.query_one("#cs-step", Select).value
        return CaseStepKind(value) if isinstance(value, str) else None

    def _rows(self) -> None:
        k = self._chosen()
        show = k is not None
        self.query_one("#cs-row-step").display = show
        self.query_one("#cs-row-date").display = show
        self.query_one("#cs-row-note").display = show
        self.query_one("#cs-row-method").display = k in _SERVICE_STEPS
        self.query_one("#cs-row-hearing_on").display = k is CaseStepKind.NOTIFY_HEARING
        self.query_one("#cs-row-custody_outcome").display = k is CaseStepKind.CUSTODY
        self.query_one("#cs-row-waiver").display = k is CaseStepKind.STATEMENT
        self.query_one("#cs-label-note", Label).update(t(
            "case.ui.reasons" if k is CaseStepKind.CLOSE else "case.ui.note"))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "cs-step":
            self._rows()

    @property
    def dirty(self) -> bool:
        try:
            return bool(self.query_one("#cs-note", Input).value.strip())
        except Exception:  # noqa: BLE001 - the screen is being torn down
            return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "main":
            return bool(self.view and self.view.offered) or None
        return True

    def _date(self, widget_id: str) -> date | None:
        raw = self.query_one(widget_id, Input).value
        try:
            return read_date(raw)
        except DateTextError:
            return None

    def action_main(self) -> None:
        k = self._chosen()
        if k is None:
            return
        on = self._date("#cs-date")
        if on is None:
            self._problem(t("supervision.ui.error.date", field=t("case.ui.date"),
                            value=self.query_one("#cs-date", Input).value))
            return
        note = self.query_one("#cs-note", Input).value.strip()
        data = revocation.StepData(note=note)
        if k in _SERVICE_STEPS:
            method = self.query_one("#cs-method", Select).value
            m = ServiceMethod(method) if isinstance(method, str) else ServiceMethod.IN_PERSON
            if m is ServiceMethod.ANNOUNCEMENT:
                data = revocation.StepData(note=note, method=m, published_on=on,
                                           other_methods_failed=True)
            else:
                data = revocation.StepData(note=note, method=m, sent_on=on, served_on=on,
                                           consented=m is ServiceMethod.ELECTRONIC)
        elif k is CaseStepKind.NOTIFY_HEARING:
            data = revocation.StepData(note=note, hearing_on=self._date("#cs-extra"))
        elif k is CaseStepKind.CUSTODY:
            outcome = self.query_one("#cs-custody", Select).value
            o = (CustodyOutcome(outcome) if isinstance(outcome, str)
                 else CustodyOutcome.VOID_ANNOUNCED)
            data = revocation.StepData(note=note, custody=tuple(
                CustodyRecord(i, o, on) for i in CustodyItem))
        elif k is CaseStepKind.STATEMENT:
            data = revocation.StepData(note=note,
                                       waiver=self.query_one("#cs-waiver", Checkbox).value)
        elif k is CaseStepKind.CLOSE:
            data = revocation.StepData(note=note, reasons=tuple(
                r for r in note.replace("；", "\n").splitlines() if r.strip()))
        self.call_service(revocation.take_step, self.ctx, self.case_id, k, on=on, data=data,
                          then=lambda v: self._done(k, v), on_error=self._failed,
                          failed=self._problem, group="case-step")

    def _done(self, k: CaseStepKind, view: revocation.CaseView) -> None:
        self._problem("")
        self.query_one("#cs-note", Input).value = ""
        self.notify(t("case.ui.done", step=label(k)), markup=False)
        self.action_refresh()

    def _failed(self, exc: ServiceError) -> None:
        if isinstance(exc, ValidationFailed):
            self._problem("\n".join(p.message() for p in exc.problems))
        else:
            self._problem(exc.message())

    def _problem(self, message: str) -> None:
        self.query_one("#cs-error", Static).update(Text(message))

    def action_back(self) -> None:
        self.app.pop_screen()


def _status(value: str):  # noqa: ANN202
    from mca_tui.domain.enums import CaseStatus

    return CaseStatus(value)


def _deadline(d, today: date) -> str:  # noqa: ANN001
    left = d.days_left(today)
    text = f"{t(d.rule, n=d.amount)} {_d(d.due)}"
    return text + ("！" if left < 0 else "")


# --------------------------------------------------------------------------- contacts


class ContactScreen(ServiceCalls, Screen):
    """Record an attempt to reach the organization (a registered letter and its fate,
    other mail, a field check, a call): the evidence of "cannot be contacted". F9 records,
    Esc back; the attempts so far are listed."""

    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="contact.back"),
        Binding("f9", "main", t("dormancy.ui.contact_record"), id="contact.main"),
    ]

    def __init__(self, ctx: ServiceContext, organization_id: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.organization_id = organization_id
        self.recorded = 0

    def compose(self) -> ComposeResult:
        from mca_tui.domain.enums import ContactFate, ContactKind

        yield Static(Text(t("dormancy.ui.contact_title")), classes="sv-title")
        with VerticalScroll(classes="sv-body"):
            yield Static("", id="ct-list", classes="sv-info")
            yield from self._row("kind", Select([(label(k), k.value) for k in ContactKind],
                                                id="ct-kind", allow_blank=False))
            yield from self._row("on", Input(id="ct-on", placeholder="YYYY-MM-DD"))
            yield from self._row("fate", Select([(label(f), f.value) for f in ContactFate],
                                                id="ct-fate", allow_blank=False))
            yield from self._row("fate_on", Input(id="ct-fate-on", placeholder="YYYY-MM-DD"))
            yield from self._row("note", Input(id="ct-note"))
            yield Static("", id="ct-error", classes="sv-error")
        yield Footer(show_command_palette=False)

    def _row(self, name: str, widget) -> ComposeResult:  # noqa: ANN001
        with Horizontal(classes="sv-row"):
            yield Label(t(f"dormancy.ui.contact_{name}"))
            yield widget

    def on_mount(self) -> None:
        self.query_one("#ct-on", Input).value = self.ctx.today().isoformat()
        self._load()

    def _load(self) -> None:
        self.call_service(dormancy.contacts_of, self.ctx, self.organization_id,
                          then=self._show, failed=self._problem, group="contacts")

    def _show(self, attempts: list) -> None:  # noqa: ANN001
        lines = [f"{_d(a.on)} {label(a.kind)} {label(a.fate)} {_d(a.fate_on)} {a.note}"
                 for a in attempts]
        self.query_one("#ct-list", Static).update(Text("\n".join(lines) or "—"))

    def action_main(self) -> None:
        raw_on = self.query_one("#ct-on", Input).value
        raw_fate = self.query_one("#ct-fate-on", Input).value.strip()
        try:
            on = read_date(raw_on)
            fate_on = read_date(raw_fate) if raw_fate else None
        except DateTextError:
            on = None
            fate_on = None
        if on is None:
            self._problem(t("supervision.ui.error.date", field=t("dormancy.ui.contact_on"),
                            value=raw_on))
            return
        kind = self.query_one("#ct-kind", Select).value
        fate = self.query_one("#ct-fate", Select).value
        self.call_service(dormancy.record_contact, self.ctx, self.organization_id,
                          kind=str(kind), on=on, fate=str(fate), fate_on=fate_on,
                          note=self.query_one("#ct-note", Input).value,
                          then=self._done, on_error=self._failed, failed=self._problem,
                          group="contact-write")

    def _done(self, _row_id: str) -> None:
        self.recorded += 1
        self._problem("")
        self.query_one("#ct-note", Input).value = ""
        self.notify(t("supervision.ui.saved"), markup=False)
        self._load()

    def _failed(self, exc: ServiceError) -> None:
        if isinstance(exc, ValidationFailed):
            self._problem("\n".join(p.message() for p in exc.problems))
        else:
            self._problem(exc.message())

    def _problem(self, message: str) -> None:
        self.query_one("#ct-error", Static).update(Text(message))

    def action_back(self) -> None:
        self.app.pop_screen()
