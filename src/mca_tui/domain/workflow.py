"""Workflows as data: each workflow declares its states and transitions once, and both
the services (which apply a transition) and the screens (which offer the actions) read
that declaration.

A :class:`Transition` names the audited action (the same name ``ServiceContext.unit``
writes in the audit trail), the states it may start from, the state it leads to, the
roles allowed to take it, the four-eyes rule (the actions whose actor may not take this
one on the same item) and the legal clocks it starts or stops. A :class:`Workflow` is a
set of transitions plus its states; :meth:`Workflow.check` is the engine: it tells
whether one actor may take one action on an item in one state, given who took the
earlier actions (:data:`History`).

States are plain strings (an enum's values), so that every workflow, present or
future (annual report, credit listing, rectification, penalty case, deregistration),
declares its table in the same form. :data:`NEW` is the pseudo-state of an item that
does not exist yet (the transition that creates it starts there).

Pure domain: no database, no user interface.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from mca_tui.domain.enums import Role

NEW = "new"
"""The pseudo-state before an item exists (its creating transition starts here)."""

History = Mapping[str, frozenset[str]]
"""For one item: action -> the keys of the actors who took it (see :func:`actor_key`)."""


def actor_key(user_id: str | None, name: str) -> str:
    """How a history names an actor: the user id of a signed-in user, otherwise the
    login name (the operating-system user of the command line)."""
    return f"user:{user_id}" if user_id else f"name:{name}"


class Refusal(StrEnum):
    """Why the engine refuses a transition."""

    UNKNOWN_ACTION = "unknown_action"  # not in this workflow (a programming error)
    WRONG_STATE = "wrong_state"  # the item is not in one of the from-states
    ROLE = "role"  # the actor holds none of the roles allowed
    FOUR_EYES = "four_eyes"  # the actor took an action that excludes this one


@dataclass(frozen=True)
class FourEyes:
    """Who may not act after whom: the actor of any of ``not_after`` on the same item
    may not take the transition that carries this rule."""

    not_after: tuple[str, ...]
    article: str = ""
    """The rule's source (law, regulation or office practice)."""


@dataclass(frozen=True)
class Transition:
    action: str
    """The audited action name (``ServiceContext.unit(action)``), e.g. ``application.approve``."""
    from_states: frozenset[str]
    to_state: str
    roles: frozenset[Role]
    step: str
    """The name of the step recorded on the item's history (e.g. ``approved``; empty
    when the transition records no step, such as saving a draft)."""
    four_eyes: FourEyes | None = None
    starts: tuple[str, ...] = ()
    """Clocks (``domain.clocks`` deadlines, by name) this transition starts."""
    stops: tuple[str, ...] = ()
    """Clocks this transition stops."""
    article: str = ""
    """Legal basis of the step."""
    main: bool = False
    """The main action of its from-states (the screen offers it on F9)."""
    alternatives: frozenset[str] = frozenset()
    """Other states the same action may lead to, decided by the service from the facts
    (受理 of an incomplete file with the 补正 notice on the spot leads to ``correction``)."""

    @property
    def outcomes(self) -> frozenset[str]:
        """Every state this transition may lead to (``to_state`` first of all)."""
        return frozenset({self.to_state}) | self.alternatives


@dataclass(frozen=True)
class Verdict:
    """The engine's answer: ``ok``, or why not (with what was expected)."""

    transition: Transition | None
    refusal: Refusal | None = None
    expected: tuple[str, ...] = ()
    """WRONG_STATE: the from-states; ROLE: the roles allowed; FOUR_EYES: the actions."""

    @property
    def ok(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class Workflow:
    name: str
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    terminal: frozenset[str] = field(default_factory=frozenset)
    """States no transition leaves (decided, withdrawn …)."""

    def __post_init__(self) -> None:
        actions = [tr.action for tr in self.transitions]
        if len(set(actions)) != len(actions):
            raise ValueError(f"{self.name}: an action is declared twice")
        known = {*self.states, NEW}
        for tr in self.transitions:
            if not tr.from_states or not tr.from_states <= known or not tr.outcomes <= known:
                raise ValueError(f"{self.name}: {tr.action} names an undeclared state")
            if not tr.roles:
                raise ValueError(f"{self.name}: {tr.action} allows no role")
            if tr.four_eyes and not set(tr.four_eyes.not_after) <= set(actions):
                raise ValueError(f"{self.name}: {tr.action} four-eyes names an unknown action")
            if tr.from_states & self.terminal:
                raise ValueError(f"{self.name}: {tr.action} leaves a terminal state")

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(tr.action for tr in self.transitions)

    def transition(self, action: str) -> Transition:
        for tr in self.transitions:
            if tr.action == action:
                return tr
        raise KeyError(f"{self.name}: unknown action {action!r}")

    def from_states(self, action: str) -> frozenset[str]:
        return self.transition(action).from_states

    def action_for_step(self, step: str) -> str | None:
        """The action that records ``step`` (for reading an item's history)."""
        return next((tr.action for tr in self.transitions if step and tr.step == step), None)

    def check(self, action: str, state: str, roles: Iterable[Role] | None,
              actor: str, history: History | None = None) -> Verdict:
        """May ``actor`` (holding ``roles``; None = every role, the command-line user)
        take ``action`` on an item in ``state`` with ``history``? From-state first,
        then role, then four eyes."""
        try:
            tr = self.transition(action)
        except KeyError:
            return Verdict(None, Refusal.UNKNOWN_ACTION)
        if state not in tr.from_states:
            return Verdict(tr, Refusal.WRONG_STATE, tuple(sorted(tr.from_states)))
        if roles is not None and not tr.roles & frozenset(roles):
            return Verdict(tr, Refusal.ROLE, tuple(sorted(r.value for r in tr.roles)))
        if tr.four_eyes:
            history = history or {}
            barred = tuple(a for a in tr.four_eyes.not_after if actor in history.get(a, ()))
            if barred:
                return Verdict(tr, Refusal.FOUR_EYES, barred)
        return Verdict(tr)

    def available(self, state: str, roles: Iterable[Role] | None, actor: str,
                  history: History | None = None) -> tuple[Transition, ...]:
        """Every transition this actor may take now, in declaration order."""
        roles = None if roles is None else frozenset(roles)
        return tuple(tr for tr in self.transitions
                     if self.check(tr.action, state, roles, actor, history).ok)

    def roles_for(self, action: str) -> frozenset[Role]:
        return self.transition(action).roles
