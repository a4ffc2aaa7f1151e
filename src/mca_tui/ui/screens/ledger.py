"""台账导入导出 screen: check a ledger (dry run listing every problem by sheet, row and
column), import it with F9 after a check, with progress; export the register.

Keys: F5 check (dry run), F9 import the checked file, F6 export the register to the
export file (masked unless the box is ticked: approver/administrator only), Esc back.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Label, Log, ProgressBar, Static

from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.widgets.footer import ShellFooter

CSS = """
LedgerScreen { layout: vertical; }
#ledger-title { height: 1; background: $primary; color: $text; padding: 0 1; text-style: bold; }
.ledger-row { height: 3; }
.ledger-row Label { width: 14; padding: 1 1 0 0; text-align: right; }
.ledger-row Input { width: 1fr; }
.ledger-row Checkbox { width: auto; }
#ledger-progress { height: 1; padding: 0 1; }
#ledger-log { height: 1fr; border: round $primary; }
#ledger-status { height: 1; padding: 0 1; color: $text-muted; }
"""


class LedgerScreen(ServiceCalls, Screen):
    """Import (with a checked dry run first) and export of the ledger (issue 5)."""

    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("f5", "check", t("ledger.ui.check"), id="ledger.check"),
        Binding("f9", "import", t("ledger.ui.import"), id="ledger.import"),
        Binding("f7", "export", t("ledger.ui.export"), id="ledger.export"),
        Binding("escape", "back", t("ledger.ui.back"), id="ledger.back"),
    ]

    def __init__(self, ctx: ServiceContext, path: str = "") -> None:
        super().__init__()
        self.ctx = ctx
        self._initial = path
        self._checked: tuple | None = None  # the (path, options) the last dry run passed
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(t("ledger.ui.title"), id="ledger-title")
        with Horizontal(classes="ledger-row"):
            yield Label(t("ledger.ui.file"))
            yield Input(self._initial, placeholder=t("ledger.ui.file_hint"), id="ledger-file")
        with Horizontal(classes="ledger-row"):
            yield Checkbox(t("ledger.ui.skip_bad"), id="ledger-skip")
            yield Checkbox(t("ledger.ui.legacy"), id="ledger-legacy")
        with Horizontal(classes="ledger-row"):
            yield Label(t("ledger.ui.export_file"))
            yield Input(t("ledger.ui.default_export"), id="ledger-export-file")
            yield Checkbox(t("ledger.ui.unmasked"), id="ledger-unmasked")
        yield ProgressBar(total=100, show_eta=False, id="ledger-progress")
        yield Log(id="ledger-log", highlight=False)
        yield Static(t("ledger.ui.hint"), id="ledger-status", markup=False)
        yield ShellFooter()

    # ---- helpers

    def _options(self) -> tuple:
        return (self.query_one("#ledger-file", Input).value.strip(),
                self.query_one("#ledger-skip", Checkbox).value,
                self.query_one("#ledger-legacy", Checkbox).value)

    def _status(self, text: str) -> None:
        self.query_one("#ledger-status", Static).update(Text(text))

    class Progress(Message):
        """The import's progress, posted from its worker thread (post_message is
        thread-safe and never waits for the event loop, unlike call_from_thread)."""

        def __init__(self, stage: str, done: int, total: int) -> None:
            super().__init__()
            self.stage, self.done, self.total = stage, done, total

    def _progress(self, stage: str, done: int, total: int) -> None:
        """Called by the service (in the worker) as it goes: only posts a message."""
        self.post_message(self.Progress(stage, done, total))

    def on_ledger_screen_progress(self, message: Progress) -> None:
        message.stop()
        bar = self.query_one("#ledger-progress", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)
        if message.total:
            self._status(t("ledger.cli.progress", stage=t(f"ledger.cli.stage_{message.stage}"),
                           done=message.done, total=message.total))

    def _show(self, result, title: str) -> None:  # noqa: ANN001
        log = self.query_one("#ledger-log", Log)
        log.clear()
        log.write_line(title)
        if result.counts:
            log.write_lines(result.summary().splitlines())
        if result.problems:  # errors first, then the hints (repeated ones said once)
            from mca_tui.reports.ledger import report_lines

            log.write_lines(report_lines(result.problems, limit=1000))
        if result.changes:
            log.write_line(t("ledger.cli.changes_title", count=len(result.changes)))
            for c in result.changes[:500]:
                diff = "；".join(f"{k}: {c.before.get(k)} -> {v}" for k, v in c.after.items())
                log.write_line(f"  {c.sheet} {t('ledger.where.row', row=c.row)} {c.uscc} {diff}")
        if result.rejected_file:
            log.write_line(t("ledger.cli.rejected_file", path=result.rejected_file))

    # ---- actions

    def action_back(self) -> None:
        if not self.busy:
            self.app.pop_screen()

    def action_check(self) -> None:
        path, skip, legacy = self._options()
        if not path or self.busy:
            return
        self.busy = True
        self._checked = None
        self._status(t("ledger.ui.checking"))
        self._run(path, skip, legacy, dry_run=True)

    def action_import(self) -> None:
        options = self._options()
        if self.busy:
            return
        if self._checked != options:
            self._status(t("ledger.ui.check_first"))
            return
        self.busy = True
        self._status(t("ledger.ui.importing"))
        self._run(*options, dry_run=False)

    def _run(self, path: str, skip: bool, legacy: bool, *, dry_run: bool) -> None:
        from mca_tui.services.ledger_import import import_ledger

        def done(result) -> None:  # noqa: ANN001
            if dry_run:
                blocked = bool(result.errors) and not skip
                status = t("ledger.ui.checked_blocked", count=len(result.errors)) if blocked \
                    else t("ledger.ui.checked_ok")
                checked = None if blocked or any(p.row is None and p.is_error
                                                 for p in result.problems) \
                    else (path, skip, legacy)
                self._finish(result, status, checked, t("ledger.cli.dry_run_title"))
            else:
                status = (t("ledger.ui.done") if result.written else
                          t("ledger.cli.nothing_to_do") if not result.blocked else
                          t("ledger.cli.blocked", count=len(result.errors)))
                self._finish(result, status, None, t("ledger.cli.done_title"))

        self.call_service(import_ledger, self.ctx, path, dry_run=dry_run, skip_bad_rows=skip,
                          accept_legacy_codes=legacy, progress=self._progress, then=done,
                          failed=lambda m: self._finish(None, t("ledger.ui.failed", error=m),
                                                        None),
                          group="ledger")

    def _finish(self, result, status: str, checked, title: str = "") -> None:  # noqa: ANN001
        self.busy = False
        self._checked = checked
        if result is not None:
            self._show(result, title)
        self._status(status)

    def action_export(self) -> None:
        path = self.query_one("#ledger-export-file", Input).value.strip()
        if not path or self.busy:
            return
        self.busy = True
        self._export(path, self.query_one("#ledger-unmasked", Checkbox).value)

    def _export(self, path: str, unmasked: bool) -> None:
        from mca_tui.services.export import export_ledger

        def done(r) -> None:  # noqa: ANN001
            self._finish(None, t("ledger.cli.exported", path=r.path, orgs=r.orgs,
                                 reports=r.reports, records=r.records), self._checked)

        self.call_service(export_ledger, self.ctx, path, unmasked=unmasked, then=done,
                          failed=lambda m: self._finish(None, t("ledger.ui.failed", error=m),
                                                        self._checked),
                          group="ledger")
