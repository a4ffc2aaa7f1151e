"""The procedures (办理事项) the shell offers: one registry used by the home screen menu,
the command palette (also found by pinyin initials) and the actions of the organization
record screen.

To add a screen, append a :class:`Procedure` to :data:`PROCEDURES` (or call
:func:`register` at import time of this module's neighbours). ``build(ctx, organization_id)``
returns the Screen to push; import the screen module inside the builder so that the
first screen paints fast. ``organization_id`` is None unless ``needs_organization``.

The shell shows a procedure only to users whose roles allow its ``action`` in
``domain.permissions`` — the same map the service behind the screen checks, so nothing
is offered that the service refuses for the role — or, for a procedure without an
action, to users holding one of ``roles`` (empty = any signed-in user); on a record,
only for an organization whose status is in ``statuses`` (empty = any).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mca_tui.domain import permissions
from mca_tui.domain.enums import OrgStatus, Role

if TYPE_CHECKING:
    from textual.screen import Screen

    from mca_tui.domain.actor import Actor
    from mca_tui.services.context import ServiceContext

Builder = Callable[["ServiceContext", "str | None"], "Screen"]


@dataclass(frozen=True)
class Procedure:
    """One procedure the clerk can open."""

    id: str
    """Unique id; the key binding's id is ``procedure.<id>`` (remappable)."""
    label_key: str
    """i18n key of the menu / palette label."""
    build: Builder
    """``(ctx, organization_id) -> Screen``."""
    roles: tuple[Role, ...] = ()
    """Who may open it (empty: every signed-in user; administrators always may)."""
    key: str | None = None
    """Global key (F-key or Ctrl chord), or None."""
    needs_organization: bool = False
    """Offered as an action on an organization record (gets its id)."""
    statuses: tuple[OrgStatus, ...] = ()
    """Organization statuses for which a record action is offered (empty: any)."""
    on_home: bool = True
    """Listed in the home screen menu (procedures without an organization)."""
    action: str | None = None
    """The action the procedure leads to (``domain.permissions``): when set, who may open
    it is who may take that action."""

    @property
    def allowed_roles(self) -> tuple[Role, ...]:
        """The roles that may open it (for the message to a user who may not)."""
        if self.action:
            return tuple(sorted(permissions.roles_for(self.action)))
        return self.roles

    def allowed(self, actor: Actor) -> bool:
        if self.action:
            return actor.has(*permissions.roles_for(self.action))
        return not self.roles or actor.has(Role.ADMIN, *self.roles)

    def offered_for(self, actor: Actor, status: str | None) -> bool:
        """Offered on the record of an organization with ``status``."""
        if not self.needs_organization or not self.allowed(actor):
            return False
        return not self.statuses or status in {s.value for s in self.statuses}


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


PROCEDURES: list[Procedure] = [
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
]
"""Every procedure, in menu order. Other screens append entries here."""


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

QueueOpener = Callable[["ServiceContext", Any], "Screen | None"]
QUEUE_OPENERS: dict[str, QueueOpener] = {}
"""Queue id -> ``(ctx, queues.QueueItem) -> Screen`` for queues whose items open a
screen of their own (the others open the application or the record)."""


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


def queue_item_screen(ctx: ServiceContext, item: Any) -> Screen | None:  # noqa: ANN401
    """The screen a queue item opens, if its queue has an opener (QUEUE_OPENERS)."""
    opener = QUEUE_OPENERS.get(item.queue)
    return opener(ctx, item) if opener is not None else None


def register(procedure: Procedure) -> None:
    """Add (or replace, by id) a procedure."""
    for i, p in enumerate(PROCEDURES):
        if p.id == procedure.id:
            PROCEDURES[i] = procedure
            return
    PROCEDURES.append(procedure)


def get(procedure_id: str) -> Procedure:
    for p in PROCEDURES:
        if p.id == procedure_id:
            return p
    raise KeyError(procedure_id)


def home_procedures(actor: Actor) -> list[Procedure]:
    """Procedures for the home menu and the palette (no organization needed)."""
    return [p for p in PROCEDURES if p.on_home and not p.needs_organization
            and p.allowed(actor)]


def record_actions(actor: Actor, status: str | None) -> list[Procedure]:
    """Actions on the record of an organization with ``status`` for this user."""
    return [p for p in PROCEDURES if p.offered_for(actor, status)]


# The record screen is opened from search results and queues, not from the menu.
RECORD: Builder = _record
