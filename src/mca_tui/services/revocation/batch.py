"""Several dormant organizations at once: :func:`preview_batch` (writes nothing) and :func:`run_batch` (each case in its own units; a failure on one stops none of the others and is reported by name)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mca_tui.domain import penalty_case as pc
from mca_tui.domain.enums import (
    ServiceMethod,
)
from mca_tui.i18n import t
from mca_tui.services import dormancy
from mca_tui.services.context import ServiceContext
from mca_tui.services.custody import RefusedByRule
from mca_tui.services.revocation.steps import open_case, take_step
from mca_tui.services.revocation.view import CaseView, K, StepData, _lang, case_view, cases_of

# --------------------------------------------------------------------------- batch


def _candidate(ctx: ServiceContext, organization_id: str, as_of: date) -> pc.BatchCandidate:
    a = dormancy.assess_one(ctx, organization_id, as_of)
    if a is None:
        return pc.BatchCandidate(organization_id, "", "", exclusions=())
    reachable = False
    s_ = dormancy.summary_of(ctx, organization_id)
    if s_ is not None:
        from mca_tui.domain.enums import ContactFate

        last = sorted(s_.contacts, key=lambda c: c.fate_on or c.on)
        reachable = bool(last) and last[-1].fate is ContactFate.REACHED
    return pc.BatchCandidate(organization_id, a.uscc, a.name,
                             signals=tuple(x.kind for x in a.signals),
                             exclusions=tuple(e.kind for e in a.exclusions),
                             reachable=reachable)


def preview_batch(ctx: ServiceContext, organization_ids: Sequence[str], start_on: date
                  ) -> tuple[pc.CasePreview, ...]:
    """What opening cases for these organizations on ``start_on`` will do (documents,
    dates, deadlines). Writes nothing."""
    ctx.permit("dormancy.read")
    cands = [_candidate(ctx, oid, start_on) for oid in organization_ids]
    return pc.preview_batch(cands, start_on, ctx.calendar, ctx.settings.legal)


@dataclass(frozen=True)
class BatchOutcome:
    organization_id: str
    name: str
    case_id: str | None = None
    documents: tuple[str, ...] = ()  # numbers
    error: str = ""  # why this one failed (plain, in the UI language)
    skipped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.case_id is not None and not self.error


def _message(exc: Exception, lang: str | None) -> str:
    if isinstance(exc, RefusedByRule):
        return exc.message(lang)
    msg = getattr(exc, "message", None)
    if callable(msg):
        try:
            return str(msg(lang))
        except TypeError:
            return str(msg())
    return str(exc)


def run_batch(ctx: ServiceContext, organization_ids: Sequence[str], start_on: date, *,
              officers: Sequence[str], lang: str | None = None) -> list[BatchOutcome]:
    """Open a case for each organization on ``start_on`` and produce its first-step
    documents: 立案审批表, then the evidence (the dormancy signals on file), the 事先告知书
    and, for an organization that cannot be reached, its service by announcement (送达
    公告). Each act is its own unit; a failure on one organization stops none of the
    others and is reported with its name."""
    previews = preview_batch(ctx, organization_ids, start_on)
    out = []
    for p in previews:
        c = p.candidate
        if not p.opens_case:
            out.append(BatchOutcome(c.organization_id, c.name, skipped=p.skipped))
            continue
        numbers: list[str] = []
        case_id = None
        try:
            case_id = open_case(ctx, c.organization_id, filed_on=start_on, officers=officers,
                                grounds=[x.value for x in c.signals])
            evidence = "；".join(t(f"dormancy.signal.{x.value}", _lang(ctx))
                                 for x in c.signals)
            take_step(ctx, case_id, K.EVIDENCE, on=start_on, data=StepData(note=evidence))
            take_step(ctx, case_id, K.ISSUE_NOTICE, on=start_on)
            if p.service_method is ServiceMethod.ANNOUNCEMENT:
                take_step(ctx, case_id, K.SERVE_NOTICE, on=start_on, data=StepData(
                    method=ServiceMethod.ANNOUNCEMENT, published_on=start_on,
                    other_methods_failed=True))
            view = case_view(ctx, case_id)
            numbers = [n for _, n, _ in view.documents]
            out.append(BatchOutcome(c.organization_id, c.name, case_id, tuple(numbers)))
        except Exception as exc:  # noqa: BLE001 - reported by name, the others go on
            out.append(BatchOutcome(c.organization_id, c.name, case_id, tuple(numbers),
                                    error=_message(exc, lang)))
    return out


def open_cases(ctx: ServiceContext, as_of: date | None = None) -> list[CaseView]:
    """Every open or decided case with its clocks (for the home queues)."""
    return [case_view(ctx, c.id, as_of) for c in cases_of(ctx, open_only=True)]
