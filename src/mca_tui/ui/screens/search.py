"""Search (查询): one field; results update as the clerk types, stale results are dropped,
more rows are fetched from the database as the cursor nears the end of the list.

Keystroke path (issue 12): no fixed debounce. A key starts the search at once when none
is running; keys typed while one runs only replace the pending query, which starts when
the running one ends (its result is then not painted). So at most one search runs and
one waits, and the last query typed is always the one shown."""

from __future__ import annotations

from dataclasses import replace

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.widgets.footer import ShellFooter

PAGE = 50
NAME_CELLS = 36  # with code, person and a closed mark: one row at 80 columns


def fit(text: str, cells: int) -> str:
    """Cut ``text`` to ``cells`` terminal cells and pad it (CJK characters are 2 wide)."""
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > cells:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (cells - used)


def hit_line(hit) -> Text:  # noqa: ANN001 - services.search.OrgHit
    """One result row; user data as plain Text (never markup)."""
    line = Text(fit(hit.name, NAME_CELLS), style="dim" if hit.closed else "")
    line.append(" ")
    line.append(fit(hit.uscc or "-", 18))
    line.append(" ")
    line.append(fit(hit.legal_rep_name or "-", 8))
    if hit.closed:
        line.append(" ")
        line.append(t(f"enum.OrgStatus.{hit.status}"), style="bold yellow")
    return line


def app_line(hit) -> Text:  # noqa: ANN001 - services.search.ApplicationHit
    """One application or draft row, marked as such (listed before the organizations)."""
    mark = t("ui.search.draft_mark" if hit.status == "draft" else "ui.search.app_mark")
    line = Text()
    line.append(fit(mark, 6), style="bold cyan")
    line.append(fit(hit.name or "-", NAME_CELLS - 6))
    line.append(" ")
    line.append(fit(hit.number or "-", 18))
    line.append(" ")
    line.append(fit(hit.applicant or "-", 8))
    return line


def search_all(ctx: ServiceContext, query: str, *, limit: int) -> tuple:  # noqa: ANN001
    """One worker call: the first page of organizations and the matching applications."""
    from mca_tui.services.search import search_applications, search_organizations

    page = search_organizations(ctx, query, limit=limit, with_count=False)
    if page.next_after is None:  # the whole result is on the page: that is the count
        page = replace(page, total=len(page.items))
    return page, search_applications(ctx, query)


def count_all(ctx: ServiceContext, query: str) -> int:
    """The count of a result longer than its first page, shown when it arrives."""
    from mca_tui.services.search import count_organizations

    return count_organizations(ctx, query)


class QueryBox(Input):
    """The search box. Its scrollable width grows in steps of ``STEP`` cells instead of
    with every character: Textual lays out the whole screen again whenever an input's
    virtual size changes, which made each keystroke repaint every widget (issue 12:
    keystroke to repaint)."""

    STEP = 32

    @property
    def content_width(self) -> int:
        width = super().content_width
        return -(-width // self.STEP) * self.STEP


class SearchScreen(ServiceCalls, Screen):
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="search.back"),
        Binding("f3", "focus_query", t("ui.key.query"), id="search.focus"),
        Binding("down", "to_results", show=False, id="search.down"),
        Binding("enter", "open", t("ui.key.open_record"), id="search.open", show=True),
        Binding("f7", "export", t("ui.key.export"), id="search.export"),
    ]

    def __init__(self, ctx: ServiceContext, query: str = "") -> None:
        super().__init__()
        self.ctx = ctx
        self.initial = query
        self.hits: list = []
        self.app_hits: list = []  # applications and drafts, listed before self.hits
        self.next_after = None
        self.total = 0
        self.query_text = ""
        self._seq = 0
        self._searching: str | None = None  # the query being searched (not Textual's _running)
        self._pending: str | None = None  # the last query typed meanwhile
        self._loading_more = False
        self._status_lines = 1  # wrapped lines of the status line now shown
        self._counting: int | None = None  # the search (seq) whose count is running

    def compose(self) -> ComposeResult:
        yield Static(t("ui.search.title"), classes="title")
        yield QueryBox(value=self.initial, placeholder=t("ui.search.placeholder"), id="query")
        yield Static(t("ui.search.hint"), id="search-status", classes="status")
        yield OptionList(id="results")
        yield Static("", id="search-detail", classes="detail")
        yield ShellFooter()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        if self.initial:
            self._run(self.initial)

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()

    def action_to_results(self) -> None:
        results = self.query_one("#results", OptionList)
        if self.hits or self.app_hits:
            results.focus()
            if results.highlighted is None:
                results.highlighted = 0

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._searching is not None:
            self._pending = event.value  # started when the running search ends
            self._seq += 1  # the running search's result is stale now
            return
        self._run(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if (self.hits or self.app_hits) and event.value == self.query_text:
            self.action_open()  # Enter in the query box opens the highlighted result
        else:
            self._run(event.value)

    def _run(self, query: str) -> None:
        self._seq += 1
        seq = self._seq
        self._pending = None
        if not query.strip():
            self._show(seq, query, None)
            return
        self._searching = query
        self.call_service(search_all, self.ctx, query, limit=PAGE,
                          then=lambda both: self._finished(seq, query, both),
                          failed=lambda _message: self._finished(seq, query, None))

    @property
    def searching(self) -> bool:
        """A search (or the count of its result) is running or waiting to run (tests
        wait for this to clear)."""
        return (self._searching is not None or self._pending is not None
                or self._counting is not None)

    def _finished(self, seq: int, query: str, both) -> None:  # noqa: ANN001
        """A search ended: run the query typed meanwhile, else paint this result."""
        self._searching = None
        if self._pending is not None:
            self._run(self._pending)
        elif both is not None:
            self._show(seq, query, both)

    def _show(self, seq: int, query: str, both) -> None:  # noqa: ANN001
        if seq != self._seq:  # a newer query was typed meanwhile: drop this result
            return
        self.query_text = query
        results = self.query_one("#results", OptionList)
        page, apps = both if both else (None, ())
        self.app_hits = list(apps)
        self.hits = list(page.items) if page else []
        self.next_after = page.next_after if page else None
        self.total = page.total if page else 0
        options = [Option(app_line(h), id=f"a{i}") for i, h in enumerate(self.app_hits)]
        options += [Option(hit_line(h), id=str(i)) for i, h in enumerate(self.hits)]
        # replaced in one step: a list of the same length keeps its size, and the screen
        # is not laid out again (clearing first would resize it twice)
        if options:
            results.set_options(options)
        else:
            results.clear_options()
        self._status()
        if self.total < 0:  # more than a page: counted after the page is shown
            self._count(seq, query)
        if self.hits or self.app_hits:
            # the cursor starts on the first organization (Enter in the box opens it, as
            # before); the applications listed above it are one Up away
            results.highlighted = len(self.app_hits) if self.hits else 0

    def _count(self, seq: int, query: str) -> None:
        self._counting = seq
        self.call_service(count_all, self.ctx, query,
                          then=lambda n: self._counted(seq, n),
                          failed=lambda _message: self._counted(seq, None))

    def _counted(self, seq: int, total: int | None) -> None:
        if self._counting == seq:
            self._counting = None
        if seq != self._seq or total is None:  # a newer query is shown (or no count)
            return
        self.total = total
        self._status()

    def _status(self) -> None:
        if not self.query_text.strip():
            line = Text(t("ui.search.hint"))
        elif not self.hits and not self.app_hits:
            line = Text(t("search.none", query=self.query_text))
        else:
            total = f"{self.total}+" if self.total >= 1000 else str(self.total)
            key = "ui.search.count" if self.next_after else "ui.search.count_all"
            if self.total < 0:
                key = "ui.search.counting"
            text = t(key, total=total, shown=len(self.hits))
            if self.app_hits:
                text += " " + t("ui.search.applications", count=len(self.app_hits))
            line = Text(text)
        self._set_status(line)

    def _set_status(self, line: Text) -> None:
        """Show ``line``; a layout pass (which repaints the whole screen, the largest part
        of a keystroke's cost: issue 12) only when its number of wrapped lines changes."""
        status = self.query_one("#search-status", Static)
        width = status.content_size.width
        lines = len(line.wrap(self.app.console, width)) if width > 0 else 0
        status.update(line, layout=lines != self._status_lines or not width)
        self._status_lines = lines

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index - len(self.app_hits)
        if index < 0:
            a = self.app_hits[event.option_index]
            self.query_one("#search-detail", Static).update(Text(
                f"{t('enum.ApplicationKind.' + a.kind)}  {t('enum.ApplicationStatus.' + a.status)}"
                f"  {a.number or '-'}", no_wrap=True, overflow="ellipsis"), layout=False)
        elif index < len(self.hits):
            h = self.hits[index]
            detail = Text(f"{t('enum.OrgType.' + h.org_type)}  {t('enum.OrgStatus.' + h.status)}"
                          f"  {h.domicile or '-'}", no_wrap=True, overflow="ellipsis")
            self.query_one("#search-detail", Static).update(detail, layout=False)
        if index >= len(self.hits) - 5 and self.next_after and not self._loading_more:
            self._more()

    def _more(self) -> None:
        from mca_tui.services.search import search_organizations

        self._loading_more = True
        seq, after = self._seq, self.next_after
        self.call_service(search_organizations, self.ctx, self.query_text, limit=PAGE,
                          after=after, with_count=False,
                          then=lambda page: self._append(seq, page), group="search-more")

    def _append(self, seq: int, page) -> None:  # noqa: ANN001
        self._loading_more = False
        if seq != self._seq:
            return
        start = len(self.hits)
        self.hits.extend(page.items)
        self.next_after = page.next_after
        self.query_one("#results", OptionList).add_options(
            [Option(hit_line(h), id=str(start + i)) for i, h in enumerate(page.items)])
        self._status()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open_index(event.option_index)

    def action_open(self) -> None:
        results = self.query_one("#results", OptionList)
        if results.highlighted is not None:
            self._open_index(results.highlighted)

    def action_export(self) -> None:
        """Write the rows on screen (the pages fetched so far) to a spreadsheet."""
        from mca_tui.ui.export import export_table

        headers = [t("field.name"), t("field.uscc"), t("field.org_type"), t("field.status"),
                   t("field.legal_rep_name"), t("field.domicile")]
        rows = [[h.name, h.uscc or "", t(f"enum.OrgType.{h.org_type}"),
                 t(f"enum.OrgStatus.{h.status}"), h.legal_rep_name, h.domicile]
                for h in self.hits]
        export_table(self, self.ctx, "search", headers, rows,
                     empty_message=t("ui.search.nothing_to_export"))

    def _open_index(self, index: int) -> None:
        if 0 <= index < len(self.app_hits):
            self._open_application(self.app_hits[index])
            return
        index -= len(self.app_hits)
        if 0 <= index < len(self.hits):
            self.app.open_record(self.hits[index].id)  # type: ignore[attr-defined]

    def _open_application(self, hit) -> None:  # noqa: ANN001 - services.search.ApplicationHit
        """As the applications list does: a 注销登记 file on its own page, a draft in its
        form for whoever may save it, any other application on its page."""
        from mca_tui.domain import permissions
        from mca_tui.services import registration as reg
        from mca_tui.ui import router

        if hit.kind == "deregistration" and hit.organization_id:
            self.app.push_screen(router.screen("deregistration", self.ctx, hit.organization_id,
                                               application_id=hit.id))
        elif hit.status == "draft" and self.ctx.actor.has(
                *permissions.roles_for("application.draft_save")):
            self.call_service(reg.get_application, self.ctx, hit.id, then=lambda info:
                              self.app.push_screen(router.screen("application_form",
                                                                 self.ctx, info)))
        else:
            self.app.push_screen(router.screen("application", self.ctx, hit.id))
