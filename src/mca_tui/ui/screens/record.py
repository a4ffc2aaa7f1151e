"""The organization record (组织档案): registered items, certificates and persons, annual
reports by year, credit lists and supervision, cases and applications, and the timeline
from the audit trail. The actions offered depend on the status and the user's roles
(ui.procedures); each service checks the role again."""

from __future__ import annotations

from datetime import UTC

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from mca_tui.domain.enums import ACCEPTED_CONCLUSIONS
from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.ui import procedures
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.widgets.footer import ShellFooter

# F7 exports, as on every list screen; F10-F12 for the procedures after the fourth
ACTION_KEYS = ("f9", "f8", "f6", "f4", "f10", "f11", "f12")


def _action_bindings() -> list[Binding]:
    """One binding per record procedure, its key fixed by its place among them (the same
    key means the same action on every record); those not offered are hidden."""
    record_procs = [p for p in procedures.PROCEDURES if p.needs_organization]
    return [Binding(key, f"procedure('{proc.id}')", t(proc.label_key), id=f"record.{proc.id}")
            for key, proc in zip(ACTION_KEYS, record_procs, strict=False)]
TABS = ("items", "certs", "reports", "supervision", "cases", "timeline")


def _d(value: object) -> str:
    return value.isoformat() if value is not None else "-"  # type: ignore[attr-defined]


def _label(key: str, fallback: str) -> str:
    text = t(key)
    return fallback if text == key else text


def _pad(label: str, cells: int = 16) -> str:
    return label + " " * max(1, cells - cell_len(label))


def _lines(rows: list[Text]) -> Text:
    out = Text()
    for i, row in enumerate(rows):
        if i:
            out.append("\n")
        out.append_text(row)
    return out


class RecordScreen(ServiceCalls, Screen):
    # the footer shows F1 help, then these in this order as far as 80 columns allow (the
    # record's procedures first: the clerk comes here to act), then the palette key;
    # every one is in F1 help and the palette (issue 14)
    BINDINGS = [
        *_action_bindings(),
        Binding("escape", "back", t("ui.key.back"), id="record.back"),
        Binding("ctrl+right", "next_tab", t("ui.key.next_tab"), id="record.next_tab"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="record.refresh"),
        Binding("f7", "export", t("ui.key.export"), id="record.export"),
        Binding("ctrl+left", "previous_tab", t("ui.key.previous_tab"),
                id="record.previous_tab", show=False),
    ]

    def __init__(self, ctx: ServiceContext, organization_id: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.organization_id = organization_id
        self.record = None
        self.actions: list[procedures.Procedure] = []

    def compose(self) -> ComposeResult:
        yield Static(t("ui.record.loading"), id="record-title", classes="title")
        yield Static("", id="record-subtitle", classes="subtitle")
        with TabbedContent(id="record-tabs"):
            for tab in TABS:
                with TabPane(t(f"ui.record.tab_{tab}"), id=f"tab-{tab}"), VerticalScroll():
                    yield Static("", id=f"body-{tab}", classes="record-body")
        yield ShellFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.record is not None:
            self.action_refresh()

    def action_refresh(self) -> None:
        from mca_tui.services.records import get_record

        self.call_service(get_record, self.ctx, self.organization_id, then=self._show,
                          group="record", exclusive=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        """The whole record as one workbook, a sheet per section (F7)."""
        if self.record is None:
            return
        from mca_tui.services.records import record_tables
        from mca_tui.ui.export import export_sheets

        rec = self.record
        if rec.timeline_more:  # the screen shows the newest events; the export has them all
            from mca_tui.services.records import get_record

            rec = get_record(self.ctx, rec.id, timeline_limit=None)
        export_sheets(self, self.ctx, f"record-{rec.uscc or rec.id}", record_tables(rec))

    def _switch_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        current = (tabs.active or "tab-items").removeprefix("tab-")
        index = (TABS.index(current) + step) % len(TABS) if current in TABS else 0
        tabs.active = f"tab-{TABS[index]}"

    def action_next_tab(self) -> None:
        self._switch_tab(1)

    def action_previous_tab(self) -> None:
        self._switch_tab(-1)

    # ------------------------------------------------------------------ actions

    def _bind_actions(self, status: str) -> None:
        self.actions = procedures.record_actions(self.ctx.actor, status)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "procedure":
            offered = {p.id for p in self.actions}
            return bool(parameters) and parameters[0] in offered
        return True

    def action_procedure(self, procedure_id: str) -> None:
        proc = procedures.get(procedure_id)
        if proc.offered_for(self.ctx.actor, self.record.status if self.record else None):
            self.app.push_screen(proc.build(self.ctx, self.organization_id))

    # ------------------------------------------------------------------ display

    def _show(self, rec) -> None:  # noqa: ANN001 - services.records.OrgRecord
        self.record = rec
        title = Text(rec.name)
        if rec.is_closed:
            title.append("  ")
            title.append(t(f"enum.OrgStatus.{rec.status}"), style="bold yellow")
        self.query_one("#record-title", Static).update(title)
        sub = Text(f"{rec.uscc or '-'}  {t('enum.OrgType.' + rec.org_type)}  "
                   f"{t('enum.OrgStatus.' + rec.status)}")
        for flag in rec.flags:
            sub.append("  ")
            sub.append(_label(f"flag.{flag}", flag), style="bold red")
        self.query_one("#record-subtitle", Static).update(sub)
        self.query_one("#body-items", Static).update(self._items(rec))
        self.query_one("#body-certs", Static).update(self._certs(rec))
        self.query_one("#body-reports", Static).update(self._reports(rec))
        self.query_one("#body-supervision", Static).update(self._supervision(rec))
        self.query_one("#body-cases", Static).update(self._cases(rec))
        self.query_one("#body-timeline", Static).update(self._timeline(rec))
        self._bind_actions(rec.status)

    def _items(self, rec) -> Text:  # noqa: ANN001
        rows = [Text(_pad(t("field.status")) + t(f"enum.OrgStatus.{rec.status}"))]
        dates = [("established_on", rec.established_on), ("deregistered_on",
                 rec.deregistered_on), ("revoked_on", rec.revoked_on)]
        for name, value in dates:
            if value is not None:
                rows.append(Text(_pad(t(f"field.{name}")) + _d(value)))
        if rec.revocation_kind:
            rows.append(Text(_pad(t("field.revocation_kind"))
                             + _label(f"enum.RevocationKind.{rec.revocation_kind}",
                                      rec.revocation_kind)))
        if rec.legacy_code_reason:
            rows.append(Text(_pad(t("field.uscc_override_reason")) + rec.legacy_code_reason))
        rows.append(Text(""))
        rows.append(Text(t("ui.record.registered_items"), style="bold"))
        for item in (*rec.items, *rec.other):
            rows.append(Text(_pad(_label(f"field.{item.field}", item.field)) + (item.value or "-")))
        return _lines(rows)

    def _certs(self, rec) -> Text:  # noqa: ANN001
        rows = [Text(t("ui.record.certificates"), style="bold")]
        if not rec.certificates:
            rows.append(Text(t("ui.record.none")))
        for c in rec.certificates:
            kind = _label(f"enum.CertificateKind.{c.kind}",
                          _label(f"enum.OrgType.{c.kind}", c.kind))
            rows.append(Text(f"{kind}  "
                             f"{t('ui.record.cert_original')} {c.serial_original}  "
                             f"{t('ui.record.cert_duplicate')} {c.serial_duplicate}"))
            rows.append(Text(f"  {t('ui.record.issued_on')} {_d(c.issued_on)}  "
                             f"{t('ui.record.valid')} {_d(c.valid_from)} ~ {_d(c.valid_to)}  "
                             f"{_label('ui.record.cert_status.' + c.status, c.status)}"))
        rows.append(Text(""))
        rows.append(Text(t("ui.record.persons"), style="bold"))
        if not rec.persons:
            rows.append(Text(t("ui.record.none")))
        for p in rec.persons:
            role = _label(f"ui.record.person_role.{p.role}", p.role)
            if p.to_date:
                end = _d(p.to_date)
            elif rec.is_closed:  # a deregistered/revoked organization has no one "to date"
                end = _d(rec.deregistered_on or rec.revoked_on)
            else:
                end = t("ui.record.now")
            span = f"{_d(p.from_date)} ~ {end}"
            rows.append(Text(f"{_pad(role, 12)}{p.title or ''} {p.name}  "
                             f"{p.id_number_masked or ''}  {span}"))
        return _lines(rows)

    def _reports(self, rec) -> Text:  # noqa: ANN001
        rows = [Text(t("ui.record.reports"), style="bold")]
        if not rec.reports:
            rows.append(Text(t("ui.record.none")))
        for r in rec.reports:
            conclusion = (_label(f"enum.ReportConclusion.{r.conclusion}", r.conclusion)
                          if r.conclusion else t("ui.record.no_conclusion"))
            style = "" if r.conclusion in ACCEPTED_CONCLUSIONS else "bold red"
            line = Text(f"{r.year}  {t('ui.record.submitted')} {_d(r.submitted_on)}  ")
            line.append(conclusion, style=style)
            if r.note:
                line.append(f"  {r.note}")
            rows.append(line)
        return _lines(rows)

    def _supervision(self, rec) -> Text:  # noqa: ANN001
        rows = [Text(t("ui.record.listings"), style="bold")]
        if not rec.listings:
            rows.append(Text(t("ui.record.none")))
        for x in rec.listings:
            kind = _label(f"enum.CreditListKind.{x.list_kind}", x.list_kind)
            removed = (t("ui.record.removed_on", date=_d(x.removed_on)) if x.removed_on
                       else t("ui.record.still_listed"))
            grounds = ("AbnormalListGround" if x.list_kind == "abnormal"
                       else "SeriousListGround")
            ground = _label(f"enum.{grounds}.{x.ground}", x.ground)
            rows.append(Text(f"{kind}  {t('ui.record.listed_on', date=_d(x.listed_on))}  "
                             f"{removed}  {ground} {x.reason}"))
        rows.append(Text(""))
        rows.append(Text(t("ui.record.supervision"), style="bold"))
        if not rec.supervision:
            rows.append(Text(t("ui.record.none")))
        for s in rec.supervision:
            kind = _label(f"enum.SupervisionKind.{s.kind}", s.kind)
            line = f"{_d(s.record_date)}  {kind}  {s.description or ''}"
            if s.grade:
                line += f"  {s.grade}"
            if s.due_on:
                line += "  " + t("ui.record.due_on", date=_d(s.due_on))
                line += "  " + (t("ui.record.completed_on", date=_d(s.completed_on))
                                if s.completed_on else t("ui.record.open"))
            rows.append(Text(line))
        return _lines(rows)

    def _cases(self, rec) -> Text:  # noqa: ANN001
        rows = [Text(t("ui.record.cases"), style="bold")]
        if not rec.cases:
            rows.append(Text(t("ui.record.none")))
        for c in rec.cases:
            rows.append(Text(f"{c.case_number or '-'}  {t('ui.record.filed_on')} "
                             f"{_d(c.filed_on)}  {_label('enum.CaseStatus.' + c.status, c.status)}"
                             f"  {c.ground}  {c.decision}"))
            for on, step in c.steps:
                rows.append(Text(f"    {_d(on)}  {_label('ui.record.case_step.' + step, step)}"))
        rows.append(Text(""))
        rows.append(Text(t("ui.record.applications"), style="bold"))
        if not rec.applications:
            rows.append(Text(t("ui.record.none")))
        for a in rec.applications:
            late = "  " + t("ui.record.late") if a.late else ""
            rows.append(Text(f"{_label('enum.ApplicationKind.' + a.kind, a.kind)}  "
                             f"{_label('enum.ApplicationStatus.' + a.status, a.status)}  "
                             f"{t('ui.record.received_on')} {_d(a.received_on)}  "
                             f"{t('ui.record.decided_on')} {_d(a.decided_on)}{late}"))
        rows.append(Text(""))
        rows.append(Text(t("ui.record.documents"), style="bold"))
        if not rec.documents:
            rows.append(Text(t("ui.record.none")))
        for d in rec.documents:
            rows.append(Text(f"{_d(d.issued_on)}  {d.number}  {d.title}"))
        return _lines(rows)

    def _timeline(self, rec) -> Text:  # noqa: ANN001
        from mca_tui.ui.history import change_rows

        subdistricts = {x.code: x.name for x in self.ctx.settings.office.subdistricts}
        rows: list[Text] = []
        if not rec.timeline:
            rows.append(Text(t("ui.record.none")))
        for e in reversed(rec.timeline):  # newest first
            at = e.at if e.at.tzinfo else e.at.replace(tzinfo=UTC)
            local = at.astimezone().strftime("%Y-%m-%d %H:%M")
            head = Text(f"{local}  ", style="bold")
            head.append(_label(f"action.{e.action}", e.action), style="bold")
            head.append(f"  {e.actor}  {e.office}")
            rows.append(head)
            for label, before, after in change_rows(e.changes, subdistricts):
                line = Text("    " + label + ": ")
                line.append(before or t("ui.record.empty"), style="red")
                line.append(" -> ")
                line.append(after or t("ui.record.empty"), style="green")
                rows.append(line)
            if e.note:
                rows.append(Text("    " + e.note))
        if getattr(rec, "timeline_more", False):  # older events left out (services.records)
            rows.append(Text(t("ui.record.timeline_more"), style="dim"))
        return _lines(rows)
