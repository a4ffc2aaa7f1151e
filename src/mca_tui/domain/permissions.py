"""Who may do what: every audited action (the name ``ServiceContext.unit`` writes in the
audit trail) and every role-checked read, mapped to the roles allowed.

Workflow actions take their roles from their workflow's transition table
(``domain.registration.REGISTRATION`` …), so the table and this map never disagree; the
other actions are declared here. ``ServiceContext.unit(action)`` refuses an action the
signed-in user's roles do not allow (nothing is written) and refuses an action that is
not declared here at all (a programming error). Read services call
``ServiceContext.permit(action)`` with a ``*.read`` / ``*.list`` name from this map.

The operating-system user of the command line administers the registry file and holds
every role (``domain.actor.Actor.has``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from mca_tui.domain.deregistration import DEREGISTRATION
from mca_tui.domain.enums import Role
from mca_tui.domain.penalty_case import PENALTY_CASE
from mca_tui.domain.registration import REGISTRATION
from mca_tui.domain.supervision.workflows import SUPERVISION_WORKFLOWS
from mca_tui.domain.workflow import Workflow

EVERY_ROLE: frozenset[Role] = frozenset(Role)
_REGISTRY_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.ADMIN})
_ADMIN = frozenset({Role.ADMIN})

WORKFLOWS: tuple[Workflow, ...] = (REGISTRATION, *SUPERVISION_WORKFLOWS, DEREGISTRATION,
                                   PENALTY_CASE)
"""Every declared workflow (later ones append theirs)."""

_OTHER: dict[str, frozenset[Role]] = {
    # users (用户管理): administrators only; a user may change their own password
    # (services.users.set_password refuses others' passwords unless admin)
    "user.add": _ADMIN,
    "user.password": EVERY_ROLE,
    "user.disable": _ADMIN,
    "user.enable": _ADMIN,
    "user.unlock": _ADMIN,  # end a sign-in lock-out (the registry file's owner holds every role)
    "user.roles": _ADMIN,
    "user.list": _ADMIN,
    # sign-in events are written by services.users.authenticate for any user
    "user.sign_in": EVERY_ROLE,
    "user.sign_in_failed": EVERY_ROLE,
    # the office rows, created once by the system (services.context.ensure_office)
    "office.create": _ADMIN,
    # a whole registry copied into a new database (storage.transfer, mca-tui copy-registry)
    "registry.copy": _ADMIN,
    # working-day calendar (节假日与调休): administrators
    "calendar.set_day": _ADMIN,
    "calendar.clear_day": _ADMIN,
    "calendar.year_complete": _ADMIN,
    "calendar.year_incomplete": _ADMIN,
    # ledger (台账): writing an import needs an approver or administrator; a dry run
    # (checking a file) and a masked export any role; an unmasked export shows ID numbers
    # and phones (个人信息保护法 Art 6: minimum necessary) and is audited
    "ledger.import": frozenset({Role.ADMIN, Role.APPROVER}),
    "ledger.check": EVERY_ROLE,
    "ledger.export": EVERY_ROLE,
    "ledger.export_unmasked": frozenset({Role.APPROVER, Role.ADMIN}),
    # the head's approval extending a change decision period by 10 working days
    # (行政许可法 Art 42; services.registration.extend_decision_period)
    "application.extend_decision": frozenset({Role.APPROVER}),
    # reads
    "application.read": _REGISTRY_ROLES,
    "record.read": EVERY_ROLE,
    "search.read": EVERY_ROLE,
    "statistics.read": EVERY_ROLE,
    # supervision (监督管理): the report cycle, the credit lists and their publication
    # list are read by everyone who works on the register (services.supervision)
    "supervision.read": EVERY_ROLE,
    # the abnormal-list proposal for missing reports / two years on the list: computed
    # and shown, nothing written (the clerk's and reviewer's dry run)
    "credit.propose_read": frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.ADMIN}),
    # financial audits (财务审计, §9): the audit report arrives and is recorded at the
    # counter or by the officers; interviews (约谈, 民发〔2016〕39号) are held by reviewers
    # and enforcement officers; an officer declares a conflict (回避) with an organization
    # before a spot-check draw (services.supervision.{audits,interviews,spot_checks})
    "financial_audit.record": frozenset({Role.CLERK, Role.REVIEWER, Role.ENFORCEMENT}),
    "interview.notify": frozenset({Role.REVIEWER, Role.ENFORCEMENT}),
    "interview.record": frozenset({Role.REVIEWER, Role.ENFORCEMENT}),
    "spot_check.declare_conflict": frozenset({Role.REVIEWER, Role.ENFORCEMENT}),
    # a change of term (换届) filed with the authority is recorded at the counter or by a
    # reviewer; it proposes the financial audit (services.registration.terms)
    "term.record": frozenset({Role.CLERK, Role.REVIEWER}),
    # dormant organizations and revocation cases (services.dormancy, services.revocation):
    # everyone who works on the register reads the list and the cases; the counter and
    # the officers record contact attempts (letters, field checks); the summary rebuild
    # is an administrator's repair
    "dormancy.read": EVERY_ROLE,
    "dormancy.contact": frozenset({Role.CLERK, Role.REVIEWER, Role.ENFORCEMENT}),
    "dormancy.rebuild": frozenset({Role.ADMIN}),
    # the derived summary's assessments that ran out are rewritten when anyone lists them
    "dormancy.roll_forward": EVERY_ROLE,
    # a delay granted (e.g. to file the missing reports) is the head's decision
    "dormancy.delay": frozenset({Role.APPROVER}),
    "penalty_case.read": EVERY_ROLE,
}


_ALL: dict[str, frozenset[Role]] = {}


def _build() -> Mapping[str, frozenset[Role]]:
    out = _ALL
    for wf in WORKFLOWS:
        for tr in wf.transitions:
            if tr.action in out:
                raise ValueError(f"action {tr.action!r} declared by two workflows")
            out[tr.action] = tr.roles
    for action, roles in _OTHER.items():
        if action in out:
            raise ValueError(f"action {action!r} declared twice")
        out[action] = roles
    return MappingProxyType(out)


PERMISSIONS: Mapping[str, frozenset[Role]] = _build()
"""Action -> roles allowed. Every audited action is a key."""


class UnknownAction(LookupError):
    """An action that is not declared: a programming error, always refused."""

    def __init__(self, action: str) -> None:
        super().__init__(f"action {action!r} is not declared in domain.permissions "
                         "(add it there, or to its workflow's transition table)")
        self.action = action


def declare(action: str, roles: Iterable[Role]) -> None:
    """Declare one more action (a module that adds a workflow at import time, or test
    fixtures). Declaring an action again with other roles is an error."""
    wanted = frozenset(roles)
    if not wanted:
        raise ValueError(f"action {action!r} allows no role")
    if action in _ALL and _ALL[action] != wanted:
        raise ValueError(f"action {action!r} is already declared with other roles")
    _ALL[action] = wanted


def roles_for(action: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise UnknownAction(action) from None


def allowed(action: str, roles: Iterable[Role]) -> bool:
    """True if any of ``roles`` may take ``action`` (UnknownAction if undeclared)."""
    return bool(roles_for(action) & frozenset(roles))
