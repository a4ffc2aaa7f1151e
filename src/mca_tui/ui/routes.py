"""The wiring of the screens: every procedure the shell offers (home menu, command
palette, record actions), the screens the home queues open, and the screens that
screens open by name (``ui.router``).

This is the one module that imports the screens (inside each builder, so that the first
screen paints fast); the registries it fills (``ui.procedures``, ``ui.router``) import no
screen, so a screen can use them without an import cycle. It is imported with the
``mca_tui.ui`` package. To add a screen, write its builder here and register it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mca_tui.domain.enums import OrgStatus, Role
from mca_tui.ui import router
from mca_tui.ui.procedures import PROCEDURES, QUEUE_OPENERS, Procedure

if TYPE_CHECKING:
    from textual.screen import Screen

    from mca_tui.services import registration as reg
    from mca_tui.services.context import ServiceContext


def _search(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.search import SearchScreen

    return SearchScreen(ctx)


def _record(ctx: ServiceContext, org: str | None) -> Screen:
    from mca_tui.ui.screens.record import RecordScreen

    return RecordScreen(ctx, org or "")


def _applications(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.application import ApplicationsScreen

    return ApplicationsScreen(ctx)


def _intake(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.intake import IntakeScreen

    return IntakeScreen(ctx)


def _change(ctx: ServiceContext, org: str | None) -> Screen:
    from mca_tui.ui.screens.change import ChangeScreen

    return ChangeScreen(ctx, org)


def _statistics(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.statistics import StatisticsScreen

    return StatisticsScreen(ctx)


def _ledger(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.ledger import LedgerScreen

    return LedgerScreen(ctx)


def _spot_checks(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.spot_check import SpotCheckScreen

    return SpotCheckScreen(ctx)


def _supervision(ctx: ServiceContext, org: str | None) -> Screen:
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

    return OrgSupervisionScreen(ctx, org or "")


def _rectification_overdue(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.supervision_overdue import RectificationOverdueScreen

    return RectificationOverdueScreen(ctx)


PROCEDURES.extend([
    Procedure("search", "ui.proc.search", _search, action="search.read"),
    Procedure("intake", "ui.proc.intake", _intake, key="ctrl+n", action="application.draft"),
    Procedure("applications", "ui.proc.applications", _applications,
              action="application.read"),
    Procedure("change", "ui.proc.change", _change, needs_organization=True,
              statuses=(OrgStatus.ACTIVE,), on_home=False, action="application.draft"),
    Procedure("statistics", "ui.proc.statistics", _statistics, action="statistics.read"),
    Procedure("ledger", "ui.proc.ledger", _ledger, roles=(Role.ADMIN, Role.CLERK)),
    # supervision (issue 10): audits, rectification, interviews, evaluation of one
    # organization (from its record); spot checks; overdue rectifications to list
    Procedure("supervision", "sv.proc.supervision", _supervision, needs_organization=True,
              on_home=False, action="supervision.read"),
    Procedure("spot_checks", "sv.proc.spot_checks", _spot_checks,
              roles=(Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.ENFORCEMENT)),
    Procedure("rectification_overdue", "sv.proc.overdue", _rectification_overdue,
              roles=(Role.CLERK, Role.REVIEWER, Role.APPROVER)),
])


# Supervision, part 1 (issue 10): the annual report cycle and the credit lists
# (ui.screens.annual_report, ui.screens.credit_list).
def _annual_reports(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.annual_report import AnnualReportsScreen

    return AnnualReportsScreen(ctx)


def _annual_report(ctx: ServiceContext, org: str | None) -> Screen:
    from mca_tui.ui.screens.annual_report import AnnualReportScreen

    return AnnualReportScreen(ctx, org or "")


def _credit_lists(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.credit_list import CreditListsScreen

    return CreditListsScreen(ctx)


def _credit_listing(ctx: ServiceContext, org: str | None) -> Screen:
    from mca_tui.ui.screens.credit_list import CreditListingScreen

    return CreditListingScreen(ctx, org or "")


PROCEDURES.extend([
    Procedure("annual_reports", "supervision.ui.proc.annual_reports", _annual_reports,
              action="supervision.read"),
    Procedure("credit_lists", "supervision.ui.proc.credit_lists", _credit_lists,
              action="supervision.read"),
    Procedure("annual_report", "supervision.ui.proc.annual_report", _annual_report,
              needs_organization=True, on_home=False, action="supervision.read"),
    Procedure("credit_listing", "supervision.ui.proc.credit_listing", _credit_listing,
              needs_organization=True, on_home=False, action="supervision.read"),
])


# 注销登记 (issue 11, services.deregistration): applied for from the record of an active
# or revoked organization (a revoked one must still liquidate and deregister); the files
# in progress from the home menu; the two deregistration queues open the file.
def _deregistration(ctx: ServiceContext, org: str | None) -> Screen:
    from mca_tui.ui.screens.deregistration import DeregistrationScreen

    return DeregistrationScreen(ctx, org)


def _deregistrations(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.deregistration import DeregistrationListScreen

    return DeregistrationListScreen(ctx)


PROCEDURES.extend([
    Procedure("deregistration", "dereg.proc.apply", _deregistration, needs_organization=True,
              statuses=(OrgStatus.ACTIVE, OrgStatus.REVOKED), on_home=False,
              action="deregistration.draft"),
    Procedure("deregistrations", "dereg.proc.list", _deregistrations,
              action="application.read"),
])


# 僵尸型社会组织与撤销登记 (issue 11, services.dormancy / services.revocation): the
# candidate list with the batch from the home menu; the organization's case from its
# record; the two revocation queues open the case or the list.
def _dormancy(ctx: ServiceContext, _org: str | None) -> Screen:
    from mca_tui.ui.screens.revocation import DormancyScreen

    return DormancyScreen(ctx)


def _contacts(ctx: ServiceContext, org: str | None) -> Screen:
    from mca_tui.ui.screens.revocation import ContactScreen

    assert org is not None
    return ContactScreen(ctx, org)


def _revocation_case(ctx: ServiceContext, org: str | None) -> Screen:
    from mca_tui.ui.screens.revocation import CaseScreen

    return CaseScreen(ctx, organization_id=org)


PROCEDURES.extend([
    Procedure("dormancy", "dormancy.ui.title", _dormancy,
              roles=(Role.ENFORCEMENT, Role.REVIEWER, Role.APPROVER)),
    Procedure("revocation_case", "case.ui.title", _revocation_case, needs_organization=True,
              on_home=False, roles=(Role.ENFORCEMENT, Role.REVIEWER, Role.APPROVER)),
    Procedure("contact_attempts", "dormancy.ui.contact_title", _contacts,
              needs_organization=True, on_home=False, action="dormancy.contact",
              statuses=(OrgStatus.ACTIVE,)),
])


def _deregistration_item(ctx: ServiceContext, item: Any) -> Screen:  # noqa: ANN401
    from mca_tui.ui.screens.deregistration import DeregistrationScreen

    return DeregistrationScreen(ctx, item.organization_id, application_id=item.application_id)


QUEUE_OPENERS["deregistration_decision"] = _deregistration_item
QUEUE_OPENERS["custody_outstanding"] = _deregistration_item


def _case_item(ctx: ServiceContext, item: Any) -> Screen:  # noqa: ANN401
    from mca_tui.ui.screens.revocation import CaseScreen

    # the revocation queue carries the case id in the item's file slot
    return CaseScreen(ctx, item.application_id, organization_id=item.organization_id)


QUEUE_OPENERS["revocation_cases"] = _case_item
QUEUE_OPENERS["dormant_candidates"] = lambda ctx, _item: _dormancy(ctx, None)


def _report_item(ctx: ServiceContext, item: Any) -> Screen:  # noqa: ANN401
    from mca_tui.ui.screens.annual_report import AnnualReportScreen

    # a report awaiting its conclusion: the report's page (the reviewer concludes there)
    return AnnualReportScreen(ctx, item.organization_id, item.year)


QUEUE_OPENERS["reports_awaiting_conclusion"] = _report_item


def _rectification_item(ctx: ServiceContext, item: Any) -> Screen:  # noqa: ANN401
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

    # 整改到期: the organization's supervision screen, the cursor on its open order (the
    # next step, the extension and the withdrawal are taken there)
    return OrgSupervisionScreen(ctx, item.organization_id, open_order_first=True)


QUEUE_OPENERS["rectifications"] = _rectification_item


# Screens other screens open by name (ui.router): the record (search results, queues)
router.register("record", _record)


# Screens other screens open by name (ui.router): the application page after 受理 and
# from the list, the form that continues an application, a new intake, a 注销登记 file.
def _application(ctx: ServiceContext, application_id: str, *,
                 preview_latest: bool = False) -> Screen:
    from mca_tui.ui.screens.application import ApplicationScreen

    return ApplicationScreen(ctx, application_id, preview_latest=preview_latest)


def open_form_for(ctx: ServiceContext,
                  info: reg.ApplicationInfo | reg.ApplicationSummary) -> Screen:
    """The screen that continues an application's form: the change form for a change,
    the correction form in 补正, else the intake."""
    from mca_tui.domain.enums import ApplicationKind, ApplicationStatus
    from mca_tui.ui.screens.correction import CorrectionScreen
    from mca_tui.ui.screens.intake import IntakeScreen

    if info.kind == ApplicationKind.CHANGE:
        from mca_tui.ui.screens.change import ChangeScreen

        return ChangeScreen(ctx, info.organization_id, application_id=info.id)
    if info.status == ApplicationStatus.CORRECTION:
        return CorrectionScreen(ctx, application_id=info.id)
    return IntakeScreen(ctx, application_id=info.id)


def _deregistration_file(ctx: ServiceContext, organization_id: str | None, *,
                         application_id: str | None = None) -> Screen:
    from mca_tui.ui.screens.deregistration import DeregistrationScreen

    return DeregistrationScreen(ctx, organization_id, application_id=application_id)


router.register("application", _application)
router.register("application_form", open_form_for)
router.register("intake", lambda ctx: _intake(ctx, None))
router.register("deregistration", _deregistration_file)
