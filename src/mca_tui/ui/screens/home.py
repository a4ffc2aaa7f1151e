"""Home (首页): the signed-in user's work queues with their counts, and the procedures."""

from __future__ import annotations

from rich.cells import set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.ui import procedures
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.widgets.footer import ShellFooter


def user_line(ctx: ServiceContext) -> Text:
    """「陈晓燕（窗口受理）  厦门市海沧区民政局  2026-11-26」 as plain text."""
    roles = t("ui.home.role_separator").join(
        t(f"enum.Role.{r.value}") for r in sorted(ctx.actor.roles))
    return Text(t("ui.home.user_line", name=ctx.actor.display_name, roles=roles,
                  office=ctx.settings.office.name, date=ctx.today().isoformat()))


class HomeScreen(ServiceCalls, Screen):
    """Queues on the left, procedures on the right; Enter opens the highlighted one."""

    BINDINGS = [
        Binding("f5", "refresh", t("ui.key.refresh"), id="home.refresh"),
        Binding("enter", "open", t("ui.key.open"), id="home.open", show=True),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.summaries: list = []

    def compose(self) -> ComposeResult:
        yield Static(t("ui.app_title"), classes="title")
        yield Static(user_line(self.ctx), id="home-user", classes="subtitle")
        with Horizontal(id="home-columns"):
            with Vertical(id="home-queues", classes="panel"):
                yield Static(t("ui.home.queues"), classes="section")
                yield OptionList(id="queue-list")
                yield Static("", id="home-status", classes="status")
            with Vertical(id="home-procedures", classes="panel"):
                yield Static(t("ui.home.procedures"), classes="section")
                yield OptionList(id="procedure-list")
        yield ShellFooter()

    def on_mount(self) -> None:
        plist = self.query_one("#procedure-list", OptionList)
        for p in procedures.home_procedures(self.ctx.actor):
            key = f"  {p.key.upper()}" if p.key else ""
            plist.add_option(Option(Text(t(p.label_key) + key), id=p.id))
        self.query_one("#queue-list", OptionList).focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one("#home-status", Static).update(t("ui.home.loading"))
        self.call_service(queue_overview, self.ctx, then=self._show, group="queues",
                          exclusive=True)

    def _show(self, overview: list) -> None:
        summaries = [s for s, _, _ in overview]
        self.summaries = summaries
        today = self.ctx.today()
        qlist = self.query_one("#queue-list", OptionList)
        highlighted = qlist.highlighted
        qlist.clear_options()
        # one line per queue: the label is cut to what is left after the count and the
        # overdue/nearest note, so these never wrap into a separate-looking row
        notes = []
        for _s, overdue, nearest in overview:
            notes.append(t("ui.home.overdue", n=overdue) if overdue else
                         t("ui.home.nearest", clock=_clock(nearest, today))
                         if nearest is not None else "")
        note_width = max((_width(n) for n in notes), default=0)
        room = max(8, qlist.scrollable_content_region.width - 2 - 5 - 2 - note_width - 1)
        width = min(room, max((_width(t(s.label_key)) for s in summaries), default=0) + 1)
        for (s, overdue, _nearest), note in zip(overview, notes, strict=True):
            line = Text(set_cell_size(t(s.label_key), width), no_wrap=True, overflow="crop")
            line.append(f"{s.count:>5}", style="bold" if s.count else "dim")
            if note:
                line.append("  ")
                line.append(note, style="bold red" if overdue else "")
            qlist.add_option(Option(line, id=s.id, disabled=False))
        if summaries:
            qlist.highlighted = min(highlighted or 0, len(summaries) - 1)
        total = sum(s.count for s in summaries)
        status = t("ui.home.nothing_due") if total == 0 else t("ui.home.total", n=total)
        self.query_one("#home-status", Static).update(Text(status))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option_list, event.option.id)

    def action_open(self) -> None:
        focused = self.focused
        if isinstance(focused, OptionList) and focused.highlighted is not None:
            option = focused.get_option_at_index(focused.highlighted)
            self._open(focused, option.id)

    def _open(self, option_list: OptionList, option_id: str | None) -> None:
        if option_id is None:
            return
        if option_list.id == "queue-list":
            from mca_tui.ui.screens.queue import QueueScreen

            self.app.push_screen(QueueScreen(self.ctx, option_id))
        else:
            self.app.open_procedure(option_id)  # type: ignore[attr-defined]


def queue_overview(ctx: ServiceContext) -> list[tuple]:
    """(summary, items overdue, nearest due date) per visible queue. The clocks come from
    the queue items, each list bounded by the queue service; a queue whose items are all
    overdue counts them all (not only its first page), one without clocks reads no list."""
    from mca_tui.services import queues

    out = []
    for summary in queues.summaries(ctx):
        overdue, nearest = 0, None
        if summary.id in queues.ALL_OVERDUE:
            overdue = summary.count
        elif summary.count and summary.id not in queues.NO_CLOCK:
            listed = queues.items(ctx, summary.id)
            overdue = sum(1 for i in listed if i.overdue)
            dues = [i.due for i in listed if i.due is not None and not i.overdue]
            nearest = min(dues) if dues else None
        out.append((summary, overdue, nearest))
    return out


def _clock(due, today) -> str:  # noqa: ANN001
    left = (due - today).days
    if left == 0:
        return t("clock.describe.today")
    return t("clock.describe.left_one") if left == 1 else t("clock.describe.left", n=left)


def _width(s: str) -> int:
    from rich.cells import cell_len

    return cell_len(s)
