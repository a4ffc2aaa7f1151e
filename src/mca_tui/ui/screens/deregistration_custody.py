"""注销登记 收缴登记: the dialog that records the certificate 正本/副本, seals and financial
vouchers collected or declared void after approval (the file page's F9 then)."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from mca_tui.domain.casework import CustodyRecord
from mca_tui.domain.dates import parse_date
from mca_tui.domain.enums import CustodyItem, CustodyOutcome
from mca_tui.i18n import label, t
from mca_tui.services import deregistration as dereg
from mca_tui.ui.widgets.footer import ShellFooter
from mca_tui.ui.widgets.info_text import date_text


class CustodyDialog(ModalScreen[list[CustodyRecord] | None]):
    """收缴登记: for each item still outstanding, collected or declared void, and the date
    (F9 records those given, Esc cancels)."""

    DEFAULT_CSS = """
    CustodyDialog { align: center middle; }
    #cd-box { width: 76; height: auto; max-height: 22; border: round $primary;
        padding: 0 1; background: $surface; }
    .cd-row { height: auto; }
    .cd-row Label { width: 18; padding: 1 0 0 0; }
    .cd-row Select { width: 30; }
    .cd-row Input { width: 16; }
    """
    BINDINGS = [
        Binding("f9", "confirm", t("dereg.ui.key_confirm"), id="dereg.custody.confirm"),
        Binding("escape", "cancel", t("dereg.ui.key_cancel"), id="dereg.custody.cancel"),
    ]

    def __init__(self, info: dereg.DeregistrationInfo, today: date) -> None:
        super().__init__()
        self.info = info
        self.today = today
        self.items = [i for i in CustodyItem if i in info.custody_status.outstanding]

    def compose(self) -> ComposeResult:
        with Vertical(id="cd-box"):
            yield Static(Text(t("dereg.ui.custody_title")), classes="dr-section")
            yield Static(Text(t("dereg.ui.custody_hint", decided=date_text(self.info.decided_on))))
            outcomes = [(label(o), o.value) for o in (CustodyOutcome.COLLECTED,
                                                      CustodyOutcome.VOID_ANNOUNCED,
                                                      CustodyOutcome.PENDING)]
            for item in self.items:
                yield Horizontal(Label(label(item)),
                                 Select(outcomes, value=CustodyOutcome.COLLECTED.value,
                                        allow_blank=False, id=f"o-{item.value}"),
                                 Input(self.today.isoformat(), id=f"d-{item.value}"),
                                 classes="cd-row")
            yield ShellFooter()

    def on_mount(self) -> None:
        if self.items:
            self.query_one(f"#o-{self.items[0].value}", Select).focus()

    def records(self) -> list[CustodyRecord]:
        out = []
        for item in self.items:
            outcome = CustodyOutcome(str(self.query_one(f"#o-{item.value}", Select).value))
            if outcome is CustodyOutcome.PENDING:
                continue
            on = parse_date(self.query_one(f"#d-{item.value}", Input).value.strip())
            out.append(CustodyRecord(item, outcome, on))
        return out

    def action_confirm(self) -> None:
        self.dismiss(self.records())

    def action_cancel(self) -> None:
        self.dismiss(None)
