"""The command palette (Ctrl+P): procedures and shell commands, found by their label
or by its pinyin initials (「tj」 finds 统计), plus 「查询 …」 for any text typed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from mca_tui.i18n import t
from mca_tui.ui import procedures


def initials_score(query: str, label: str) -> float:
    """1.0 if the initials of ``label`` start with ``query``, 0.7 if they contain it."""
    q = query.strip().casefold()
    if not q or not q.isascii():
        return 0.0
    from mca_tui.domain import pinyin  # the dictionary takes ~0.2 s to load: not at start

    best = 0.0
    for variant in pinyin.initials_variants(label):
        if variant.startswith(q):
            return 1.0
        if q in variant:
            best = 0.7
    return best


class ShellCommands(Provider):
    def _entries(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app: Any = self.app  # McaApp (not imported here: it imports this module)
        ctx = getattr(app, "ctx", None)
        out: list[tuple[str, str, Callable[[], Any]]] = []
        if ctx is not None:
            for p in procedures.home_procedures(ctx.actor):
                out.append((t(p.label_key), t("ui.palette.procedure"),
                            partial(app.open_procedure, p.id)))
            out.append((t("ui.palette.home"), t("ui.palette.command"), app.go_home))
            out.append((t("ui.palette.lock"), t("ui.palette.command"), app.action_lock))
            out.append((t("ui.palette.sign_out"), t("ui.palette.command"), app.action_sign_out))
        out.append((t("ui.palette.theme"), t("ui.palette.command"), app.toggle_theme))
        out.append((t("ui.palette.language"), t("ui.palette.command"), app.switch_language))
        out.append((t("ui.palette.keys"), t("ui.palette.command"), app.action_help))
        # quitting from the palette asks about unsaved changes exactly as Ctrl+Q does
        out.append((t("ui.palette.quit"), t("ui.palette.command"), app.action_quit))
        return out

    async def discover(self) -> Hits:
        for label, help_text, command in self._entries():
            yield DiscoveryHit(Text(label), command, text=label, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, command in self._entries():
            score = matcher.match(label)
            display = matcher.highlight(label) if score > 0 else Text(label)
            score = max(score, initials_score(query, label))
            if score > 0:
                yield Hit(score, display, command, text=label, help=help_text)
        app: Any = self.app
        if getattr(app, "ctx", None) is not None and query.strip():
            label = t("ui.palette.search_for", query=query.strip())
            yield Hit(0.05, Text(label), partial(app.open_search, query.strip()), text=label,
                      help=t("ui.palette.command"))
