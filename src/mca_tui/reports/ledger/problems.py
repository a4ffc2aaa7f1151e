"""A problem found in a ledger file (sheet, row, column and what, in plain words), and
the report that lists them: every error first, then the hints, with a hint repeated on
many rows said once ("800 行：身份证号已遮蔽……").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mca_tui.i18n import t

# How many row ranges a grouped hint names before "…".
ROW_RANGES_SHOWN = 8


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of the file: where (sheet, row, column) and what, in plain words.
    (Slotted: a big file's warnings stay small.)"""

    sheet: str | None
    row: int | None
    column: str | None
    key: str
    params: dict[str, object] = field(default_factory=dict)
    level: str = "error"  # error | warning

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def where(self, lang: str | None = None) -> str:
        parts = []
        if self.sheet:
            parts.append(t("ledger.where.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(t("ledger.where.row", lang, row=self.row))
        if self.column:
            parts.append(t("ledger.where.column", lang, column=self.column))
        return t("ledger.where.sep", lang).join(parts)

    def message(self, lang: str | None = None) -> str:
        return t(f"ledger.problem.{self.key}", lang, **self.params)

    def describe(self, lang: str | None = None) -> str:
        level = t(f"ledger.level.{self.level}", lang)
        where = self.where(lang)
        if not where:
            return f"{level} {self.message(lang)}"
        return f"{level} {where}{t('ledger.where.colon', lang)}{self.message(lang)}"


def _row_ranges(rows: list[int], lang: str | None) -> str:
    """2, 3, 4, 7 -> "2–4、7" (at most ROW_RANGES_SHOWN ranges, then "…")."""
    ranges: list[list[int]] = []
    for r in sorted(set(rows)):
        if ranges and r == ranges[-1][1] + 1:
            ranges[-1][1] = r
        else:
            ranges.append([r, r])
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in ranges[:ROW_RANGES_SHOWN]]
    text = t("ledger.report.row_sep", lang).join(parts)
    if len(ranges) > ROW_RANGES_SHOWN:
        text += "…"
    return text


def report_lines(problems: Iterable[Problem], lang: str | None = None,
                 limit: int = 200) -> list[str]:
    """The problems as a report: a title and every error (up to ``limit``), then a title
    and the hints, each hint said once with the number of rows it concerns. Items are
    indented by two spaces under their title."""
    problems = list(problems)
    errors = [p for p in problems if p.is_error]
    hints = [p for p in problems if not p.is_error]
    lines: list[str] = []
    if errors:
        lines.append(t("ledger.report.errors_title", lang, count=len(errors)))
        lines += ["  " + p.describe(lang) for p in errors[:limit]]
        if len(errors) > limit:
            lines.append("  " + t("ledger.report.more", lang, count=len(errors) - limit))
    if hints:
        groups: dict[tuple[str | None, str | None, str], list[Problem]] = {}
        for p in hints:
            groups.setdefault((p.sheet, p.column, p.message(lang)), []).append(p)
        lines.append(t("ledger.report.hints_title", lang, count=len(hints)))
        shown = list(groups.values())
        for group in shown[:limit]:
            first = group[0]
            rows = [p.row for p in group if p.row is not None]
            if len(group) == 1 or len(rows) < len(group):
                lines += ["  " + p.describe(lang) for p in group]
                continue
            where = Problem(first.sheet, None, first.column, first.key).where(lang)
            lines.append("  " + t("ledger.report.grouped", lang,
                                  level=t(f"ledger.level.{first.level}", lang),
                                  count=len(rows), message=first.message(lang),
                                  where=where, rows=_row_ranges(rows, lang)))
        if len(shown) > limit:
            lines.append("  " + t("ledger.report.more", lang, count=len(shown) - limit))
    return lines
