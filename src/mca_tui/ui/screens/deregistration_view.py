"""注销登记 pages, what they share: the style, the service calls (an error becomes an error
notification; the screen and whatever was typed stay) and the text of one file as the file
page shows and exports it (what the rules say now: the 15-day application period, the
20-working-day decision clock with its article, what is missing, the liquidation audit,
custody, the announcement, the steps and the documents)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text

from mca_tui.domain.enums import ApplicationStatus
from mca_tui.i18n import label, t
from mca_tui.services import deregistration as dereg
from mca_tui.services.context import ServiceContext
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.widgets.info_text import InfoText, date_text

CSS = """
DeregistrationScreen, DeregistrationListScreen { layout: vertical; }
#dr-title, #drl-title { height: 1; background: $primary; color: $text; padding: 0 1;
    text-style: bold; }
#dr-body { height: 1fr; padding: 0 1; }
#dr-form { height: auto; }
#dr-form.hidden { display: none; }
.dr-row { height: 1; margin-bottom: 1; }
.dr-row Label { width: 26; }
.dr-row Input, .dr-row Select { width: 1fr; background: $boost; }
.dr-row Input:focus, .dr-row Select:focus-within { background: $accent 30%; }
.dr-material { height: 1; border: none; padding: 0; }
.dr-section { text-style: bold; margin-top: 1; }
#drl-table { height: 1fr; }
#drl-hint { height: 1; color: $text-muted; padding: 0 1; }
"""


class DeregistrationCalls(ServiceCalls):
    ctx: ServiceContext

    def call(self, fn: Callable[..., Any], then: Callable[..., Any], *args: Any,  # noqa: ANN401
             **kwargs: Any) -> None:  # noqa: ANN401
        self.call_service(fn, *args, then=then, failed=self.show_error,
                          group="deregistration", **kwargs)

    def show_error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False, timeout=10)  # type: ignore[attr-defined]


def render_info(info: dereg.DeregistrationInfo, today: date) -> Text:
    """The file as the page shows it below the form."""
    out = InfoText()
    line = out.line
    line(f"{info.org_name}  {info.uscc or '-'}  {label(info.org_type)}  "
         f"{t('enum.OrgStatus.' + info.org_status)}")
    if info.number:
        out.field(t("dereg.ui.col_number"), info.number)
    if info.facts.trigger is not None:
        out.field(t("dereg.ui.field_trigger"), label(info.facts.trigger))
    liq = info.facts.liquidation
    if liq.members or liq.ended_on:
        line(f"{t('dereg.ui.field_members')}：{'、'.join(liq.members) or '-'}；"
             f"{t('dereg.ui.field_ended_on')}：{date_text(liq.ended_on)}")
    out.section(t("dereg.ui.sec_clocks"))
    deadline = info.application_deadline
    if deadline is not None:
        line(t("dereg.ui.app_deadline", due=date_text(deadline.due), article=deadline.article))
        if info.late:
            line(t("dereg.ui.late", applied=date_text(info.applied_on),
                   due=date_text(deadline.due)), "bold red")
        elif info.applied_on:
            line(t("dereg.ui.on_time", applied=date_text(info.applied_on)))
    clock = info.decision_deadline
    if clock is not None:
        out.clock("dereg.ui.clock_line", clock, today,
                  "bold red" if clock.days_left(today) < 0 else "bold")
    elif info.status in (ApplicationStatus.DRAFT,):
        line(t("dereg.ui.no_clock"))
    if info.extension is not None:
        ext = info.extension
        line(t("dereg.ui.extension", on=date_text(ext.approved_on), by=ext.approved_by,
               reason=ext.reason))
    out.section(t("dereg.ui.sec_findings"))
    for f in info.missing:
        kind = t("dereg.ui.statutory" if f.statutory else "dereg.ui.practice")
        line("  " + t("dereg.ui.missing", item=label(f.material), kind=kind),
             "red" if f.statutory else "yellow")
    if not info.missing:
        line("  " + t("dereg.ui.nothing_missing"))
    for problem in info.liquidation_problems:
        line("  " + problem.describe(), "red")
    if info.audit_status:
        line("  " + t(f"dereg.ui.audit_{info.audit_status}"))
    if info.decision_reasons:
        line(t("dereg.ui.reasons", reasons=info.decision_reasons))
    if info.status is ApplicationStatus.APPROVED:
        _custody(out, info)
    out.section(t("dereg.ui.sec_steps"))
    line(t("dereg.ui.people", accepted=info.accepted_by or "-",
           reviewed=info.reviewed_by or "-", decided=info.decided_by or "-"))
    out.steps("dereg.step.", info.steps)
    out.documents(t("dereg.ui.sec_documents"), info.documents)
    return out.text


def _custody(out: InfoText, info: dereg.DeregistrationInfo) -> None:
    """After approval: the certificates, seals and vouchers collected or declared void, and
    the announcement."""
    out.section(t("dereg.ui.sec_custody"))
    for r in info.custody:
        out.line("  " + t("dereg.ui.custody_line", item=label(r.item),
                          outcome=label(r.outcome), on=date_text(r.on))
                 + (f"（{r.note}）" if r.note else ""))  # e.g. settled in a revocation case
    if info.custody_status.complete:
        out.line("  " + t("dereg.ui.custody_complete"))
    else:
        out.line("  " + t("dereg.ui.custody_todo", items="、".join(
            label(i) for i in info.custody_status.outstanding)), "bold")
    out.line("  " + (t("dereg.ui.announced", on=date_text(info.announced_on))
                     if info.announced_on else t("dereg.ui.not_announced")))
    if info.complete:
        out.line("  " + t("dereg.ui.complete"), "bold")
