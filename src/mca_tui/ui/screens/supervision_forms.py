"""One small form for every supervision step (audit, rectification, interview, evaluation,
spot-check plan and result): labelled fields, F9 submits through the service in a worker
(ui.calls), Esc cancels. A refusal shows each problem under its field and keeps everything
typed; the dialog closes only when the service succeeded, with its result.

Field kinds: ``text``; ``date`` (YYYY-MM-DD); ``number``; ``lines`` (items separated by
"；", ";" or new lines, as typed with an input method); ``choice`` (a Select).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from mca_tui.i18n import t
from mca_tui.services.errors import ServiceError, ValidationFailed
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.keys import ENTER_NEXT
from mca_tui.ui.widgets.footer import ShellFooter

CSS = """
SupervisionForm { align: center middle; }
#svf-box { width: 76; max-height: 22; height: auto; border: round $primary;
           background: $surface; padding: 0 1; }
#svf-title { height: 1; text-style: bold; }
#svf-fields { height: auto; max-height: 16; }
.svf-row { height: 1; margin: 0 0 0 0; }
.svf-row Label { width: 18; }
.svf-row Input { width: 1fr; height: 1; border: none; padding: 0; }
.svf-row Select { width: 1fr; height: 1; }
.svf-row SelectCurrent { height: 1; border: none; padding: 0; }
.svf-row Select:focus > SelectCurrent { border: none; background: $accent 40%; }
.svf-row Input:focus { background: $accent 25%; }
.svf-problem { height: auto; color: $error; padding-left: 18; display: none; }
#svf-status { height: auto; color: $error; }
#svf-hint { height: auto; color: $text-muted; }
"""


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # translated
    kind: str = "text"  # text | date | number | lines | choice
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (label, value)


def split_lines(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[；;\n]", text or "") if p.strip()]


def parse(field: Field, raw: object) -> object:
    """The typed value of a field, or ValueError with the message to show."""
    if field.kind == "choice":
        return None if raw is Select.BLANK else raw
    text = str(raw or "").strip()
    if field.kind == "date":
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(t("sv.error.date", value=text)) from None
    if field.kind == "number":
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise ValueError(t("sv.error.number", value=text)) from None
    if field.kind == "lines":
        return split_lines(text)
    return text


class SupervisionForm(ServiceCalls, ModalScreen[Any]):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("f9", "submit", t("sv.ui.submit"), id="svform.submit"),
        Binding("escape", "cancel", t("ui.key.cancel"), id="svform.cancel"),
    ]

    def __init__(self, title: str, fields: list[Field],
                 submit: Callable[[dict], Any], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.submit = submit
        self.hint = hint
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="svf-box"):
            yield Static(Text(self.title_text), id="svf-title")
            with VerticalScroll(id="svf-fields"):
                for f in self.fields:
                    with Horizontal(classes="svf-row"):
                        yield Label(f.label)
                        if f.kind == "choice":
                            yield Select(list(f.choices), id=f"svf-{f.name}",
                                         value=f.value if f.value else Select.BLANK,
                                         allow_blank=not f.value)
                        else:
                            yield Input(f.value, id=f"svf-{f.name}", classes=ENTER_NEXT,
                                        placeholder=t("sv.ui.date_hint") if f.kind == "date"
                                        else t("sv.ui.lines_hint") if f.kind == "lines" else "")
                    yield Static("", id=f"svf-problem-{f.name}", classes="svf-problem",
                                 markup=False)
            yield Static("", id="svf-status", markup=False)
            yield Static(Text(self.hint or t("sv.ui.form_hint")), id="svf-hint")
        yield ShellFooter()

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#svf-{self.fields[0].name}").focus()

    def value_of(self, name: str) -> object:
        return self.query_one(f"#svf-{name}").value  # type: ignore[attr-defined]

    def _clear(self) -> None:
        for f in self.fields:
            problem = self.query_one(f"#svf-problem-{f.name}", Static)
            problem.update("")
            problem.display = False
        self.query_one("#svf-status", Static).update("")

    def _problem(self, name: str, message: str) -> None:
        try:
            problem = self.query_one(f"#svf-problem-{name}", Static)
            problem.update(Text(message))
            problem.display = True
        except Exception:  # noqa: BLE001 - a problem about no field of this form
            status = self.query_one("#svf-status", Static)
            status.update(Text(message))

    def action_submit(self) -> None:
        if self.busy:
            return
        self._clear()
        values: dict[str, object] = {}
        bad = False
        for f in self.fields:
            try:
                values[f.name] = parse(f, self.value_of(f.name))
            except ValueError as exc:
                self._problem(f.name, str(exc))
                bad = True
        if bad:
            return
        self.busy = True
        self.call_service(self.submit, values, then=self._done, on_error=self._refused,
                          failed=self._failed, group="svform")

    def _done(self, result: object) -> None:
        self.busy = False
        self.dismiss(result)

    def _refused(self, exc: ServiceError) -> None:
        self.busy = False
        if isinstance(exc, ValidationFailed):
            names = {f.name for f in self.fields}
            shown = []
            for p in exc.problems:
                if p.field in names:
                    self._problem(p.field, p.message())
                else:
                    shown.append(p.message())
            if shown:
                self.query_one("#svf-status", Static).update(Text("\n".join(shown)))
            return
        self._failed(exc.message())

    def _failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#svf-status", Static).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
