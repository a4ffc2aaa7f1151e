"""Statistics for a signed-in user (统计): the role-checked way to the figures that
``reports.stats`` computes from the records. Screens and sub-commands call these, never
``reports.stats`` directly, so that reading the statistics is checked like every other
read (``domain.permissions``: ``statistics.read``)."""

from __future__ import annotations

from datetime import date

from mca_tui.reports import stats
from mca_tui.services.context import ServiceContext

__all__ = ["register_as_of", "year_stats"]


def year_stats(ctx: ServiceContext, year: int) -> stats.YearStats:
    """The figures of calendar year ``year`` (``reports.stats.year_stats``)."""
    ctx.permit("statistics.read")
    return stats.year_stats(ctx.db, ctx.settings, year)


def register_as_of(ctx: ServiceContext, day: date) -> stats.AsOfStats:
    """The register at the end of ``day``, by type and status."""
    ctx.permit("statistics.read")
    return stats.register_as_of(ctx.db, day)
