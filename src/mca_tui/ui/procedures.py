"""The procedures (办理事项) the shell offers: one registry used by the home screen menu,
the command palette (also found by pinyin initials) and the actions of the organization
record screen.

This module is the registry only and imports no screen (a screen may use it without an
import cycle). The procedures themselves are declared in :mod:`mca_tui.ui.routes`: to add
a screen, write its builder there and append a :class:`Procedure` (or call
:func:`register`). ``build(ctx, organization_id)`` returns the Screen to push;
``organization_id`` is None unless ``needs_organization``.

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
from mca_tui.ui import router

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


PROCEDURES: list[Procedure] = []
"""Every procedure, in menu order (filled by ``ui.routes``)."""

QueueOpener = Callable[["ServiceContext", Any], "Screen | None"]
QUEUE_OPENERS: dict[str, QueueOpener] = {}
"""Queue id -> ``(ctx, queues.QueueItem) -> Screen`` for queues whose items open a
screen of their own (the others open the application or the record)."""


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


def open_record(ctx: ServiceContext, organization_id: str | None) -> Screen:
    """The record screen of an organization (``ui.router`` name ``record``)."""
    return router.screen("record", ctx, organization_id)


RECORD: Builder = open_record
