"""Rules of law the services check before an act (行政许可法 Art 32, 34, 37): 补正 is told
once, no refusal for defects never notified, a decision's date."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from mca_tui.domain.eligibility import FindingDTO
from mca_tui.domain.enums import OrgType
from mca_tui.services.context import ServiceContext
from mca_tui.services.registration.base import ART_32, LICENSING_LAW
from mca_tui.services.registration.errors import RefusedByLaw
from mca_tui.services.registration.findings import _all_findings
from mca_tui.storage.models import Application


def _tell_once(app: Application) -> None:
    """补正 is told once, all of it (一次性告知, 行政许可法 Art 32): no notice after one has
    been given, nor once the file is complete; what the review finds after that is settled
    by the decision, never by restarting the clock."""
    if app.correction_requested_on is not None:
        raise RefusedByLaw("registration.law.second_notice",
                           date=app.correction_requested_on.isoformat(), article=ART_32)
    if app.complete_on is not None:
        raise RefusedByLaw("registration.law.notice_complete_file",
                           date=app.complete_on.isoformat(), article=ART_32)



def _check_decision_date(ctx: ServiceContext, app: Application, decided_on: date) -> None:
    """A decision is dated neither before 受理 nor in the future (domain.md §10.1)."""
    today = ctx.today()
    if decided_on > today:
        raise RefusedByLaw("registration.law.decision_future", date=decided_on.isoformat(),
                           today=today.isoformat())
    accepted = app.accepted_on or app.received_on
    if accepted and decided_on < accepted:
        raise RefusedByLaw("registration.law.decision_before_acceptance",
                           date=decided_on.isoformat(), accepted=accepted.isoformat(),
                           article=f"{LICENSING_LAW}第三十四条、第三十七条")



def _refusal_article(app: Application) -> str:
    org_type = OrgType(app.org_type)
    if org_type is OrgType.PRIVATE_NON_ENTERPRISE:
        grounds = "《民办非企业单位登记管理暂行条例》第十一条第二款"
    else:
        grounds = "《社会团体登记管理条例》第十三条"
    return f"{ART_32}；{grounds}"



def _no_refusal_for_unnotified_defects(session: Session, ctx: ServiceContext,
                                       app: Application, *,
                                       findings: list[FindingDTO] | None = None) -> None:
    """Missing materials are not a ground for refusal ([S1] Art 13, [S2] Art 11 ¶2): a
    file whose defects were never told to the applicant (一次性告知, 行政许可法 Art 32)
    cannot be refused; it gets its 补正 notice first (or, if the 5 working days have
    passed, it counts as accepted and is decided on its merits)."""
    if app.correction_requested_on is not None:
        return
    if findings is None:  # (the caller may have them already)
        findings = _all_findings(session, ctx, app)
    missing = [f for f in findings if f.code == "material_missing"]
    if app.complete_on is None or missing:
        raise RefusedByLaw("registration.law.refuse_unnotified",
                           count=len(missing), article=_refusal_article(app))
