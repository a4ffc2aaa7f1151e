"""The one helper that applies a workflow transition (``domain.workflow``) inside a
service's unit, and the matching question the screens ask: which actions may this user
take on this item now.

A service opens its unit (which checks the role against ``domain.permissions``), loads
the item and calls :func:`apply_transition`: it checks the from-state (``WrongState``),
the role and the four-eyes rule (``PermissionDenied``) against the workflow's table,
moves the item to the transition's to-state and, if given, records the step. A refusal
raises before anything is written, so the unit rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from mca_tui.domain.actor import Actor
from mca_tui.domain.enums import Role
from mca_tui.domain.workflow import History, Refusal, Transition, Workflow, actor_key
from mca_tui.i18n import label
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import PermissionDenied, ServiceError

__all__ = [
    "WrongState",
    "actor_roles",
    "apply_transition",
    "available_actions",
    "check_transition",
    "history_from_steps",
    "settle",
]


class WrongState(ServiceError):
    """The item is not in a state the action starts from (someone else moved it)."""

    key = "error.wrong_state"


class HasStatus(Protocol):
    status: str


def actor_roles(actor: Actor) -> frozenset[Role] | None:
    """The roles the engine checks: None (every role) for the command-line user."""
    return None if actor.kind == "os" else frozenset(actor.roles)


def me(actor: Actor) -> str:
    """The actor's key in a workflow history."""
    return actor_key(actor.user_id, actor.name)


def history_from_steps(workflow: Workflow,
                       steps: Iterable[tuple[str, str | None, str | None]]) -> History:
    """A history from recorded steps ``(step name, user id, login name)``."""
    out: dict[str, set[str]] = {}
    for step, user_id, name in steps:
        action = workflow.action_for_step(step)
        if action is not None and (user_id or name):
            out.setdefault(action, set()).add(actor_key(user_id, name or ""))
    return {a: frozenset(keys) for a, keys in out.items()}


def check_transition(ctx: ServiceContext, workflow: Workflow, action: str, state: str, *,
                     history: History | None = None,
                     wrong_state: type[WrongState] = WrongState,
                     state_label: Callable[[str], str] = str) -> Transition:
    """Refuse unless the signed-in user may take ``action`` on an item in ``state``."""
    verdict = workflow.check(action, state, actor_roles(ctx.actor), me(ctx.actor), history)
    if verdict.refusal is Refusal.UNKNOWN_ACTION:
        raise KeyError(f"{workflow.name}: unknown action {action!r}")
    if verdict.refusal is Refusal.WRONG_STATE:
        raise wrong_state(status=state_label(state),
                          expected="/".join(state_label(s) for s in verdict.expected))
    if verdict.refusal is Refusal.ROLE:
        raise PermissionDenied(roles="/".join(label(Role(r)) for r in verdict.expected))
    if verdict.refusal is Refusal.FOUR_EYES:
        raise PermissionDenied(f"{workflow.name}.error.four_eyes")
    assert verdict.transition is not None
    return verdict.transition


def apply_transition(ctx: ServiceContext, workflow: Workflow, action: str, item: HasStatus, *,
                     history: History | None = None,
                     record_step: Callable[[Transition], object] | None = None,
                     wrong_state: type[WrongState] = WrongState,
                     state_label: Callable[[str], str] = str) -> Transition:
    """Check ``action`` on ``item`` (from-state, role, four eyes), move the item to the
    to-state and record the step (``record_step(transition)``, when the service records
    it now rather than at the end of its work). Returns the transition."""
    tr = check_transition(ctx, workflow, action, str(item.status), history=history,
                          wrong_state=wrong_state, state_label=state_label)
    item.status = tr.to_state
    if record_step is not None and tr.step:
        record_step(tr)
    return tr


def settle(workflow: Workflow, action: str, item: HasStatus, state: str) -> None:
    """Move ``item``, already moved by ``action``, to another of that transition's
    declared outcomes (``Transition.alternatives``) that the facts call for."""
    tr = workflow.transition(action)
    if state not in tr.outcomes:
        raise ValueError(f"{workflow.name}: {action} cannot lead to {state!r}")
    item.status = state


def available_actions(ctx: ServiceContext, workflow: Workflow, state: str,
                      history: History | None = None) -> tuple[str, ...]:
    """The actions the signed-in user may take on an item in ``state`` now (what the
    screens offer), in the table's order."""
    return tuple(tr.action for tr in workflow.available(
        state, actor_roles(ctx.actor), me(ctx.actor), history))
