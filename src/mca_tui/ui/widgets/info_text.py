"""The read-only text of a file page: sections, labelled lines (``caption：value``), the
legal clocks, the steps and the documents, in the one layout the application page and the
注销登记 file share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from rich.text import Text

from mca_tui.i18n import t


def date_text(value: object) -> str:
    """A date as ISO text, ``-`` when there is none."""
    return value.isoformat() if isinstance(value, date) else "-"


class _Clock(Protocol):
    @property
    def due(self) -> date: ...

    @property
    def article(self) -> str: ...

    def rule_text(self) -> str: ...

    def describe(self, today: date) -> str: ...


class _Step(Protocol):
    @property
    def on_date(self) -> date: ...

    @property
    def step(self) -> str: ...

    @property
    def actor_name(self) -> str: ...

    @property
    def note(self) -> str: ...


class _Document(Protocol):
    @property
    def number(self) -> str: ...

    @property
    def title(self) -> str: ...


class InfoText:
    """Builds the page text line by line (``text`` is the result)."""

    def __init__(self) -> None:
        self.text = Text()

    def section(self, title: str) -> None:
        self.text.append(f"\n{title}\n", style="bold")

    def line(self, text: str, style: str = "") -> None:
        self.text.append(text + "\n", style=style)

    def field(self, caption: str, value: object, *, indent: str = "",
              style: str = "") -> None:
        """One labelled line: ``caption：value``."""
        self.line(f"{indent}{caption}：{value}", style)

    def clock(self, key: str, clock: _Clock, today: date, style: str = "") -> None:
        """A legal clock: its rule, due date, state today and article (catalog ``key``)."""
        self.line(t(key, rule=clock.rule_text(), due=date_text(clock.due),
                    state=clock.describe(today), article=clock.article), style)

    def steps(self, step_prefix: str, steps: Iterable[_Step]) -> None:
        """The steps taken, each named by the catalog key ``step_prefix + step``."""
        for st in steps:
            self.line(f"  {date_text(st.on_date)}  {t(step_prefix + st.step)}  "
                      f"{st.actor_name}  {st.note}".rstrip())

    def documents(self, title: str, documents: Iterable[_Document]) -> None:
        """The documents issued (no section when there are none)."""
        docs = list(documents)
        if docs:
            self.section(title)
            for doc in docs:
                self.line(f"  {doc.number}  {doc.title}")
