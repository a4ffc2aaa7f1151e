"""The workflow engine (domain.workflow) and the registration table (domain.registration):
from-states, roles, four eyes, what is available, and that the declaration is checked."""

from __future__ import annotations

import pytest

from mca_tui.domain import permissions
from mca_tui.domain.enums import ApplicationStatus, Role
from mca_tui.domain.registration import REGISTRATION
from mca_tui.domain.workflow import (
    NEW,
    FourEyes,
    Refusal,
    Transition,
    Workflow,
    actor_key,
)

S = ApplicationStatus
ALICE = actor_key("u-alice", "alice")
BOB = actor_key("u-bob", "bob")


def test_every_registration_action_and_its_states():
    table = {tr.action: (set(tr.from_states), tr.to_state) for tr in REGISTRATION.transitions}
    assert table == {
        "application.draft": ({NEW}, "draft"),
        "application.draft_save": ({"draft"}, "draft"),
        "application.accept": ({"draft"}, "accepted"),
        "application.withdraw": ({"draft"}, "withdrawn"),
        "application.review": ({"accepted"}, "reviewed"),
        "application.correction": ({"accepted", "reviewed"}, "correction"),
        "application.correction_complete": ({"correction"}, "accepted"),
        "application.approve": ({"reviewed"}, "approved"),
        "application.refuse": ({"accepted", "reviewed"}, "refused"),
    }
    # every state is reachable and every non-terminal state has a way out
    reached = {tr.to_state for tr in REGISTRATION.transitions}
    assert reached == {s.value for s in ApplicationStatus}
    for state in set(REGISTRATION.states) - REGISTRATION.terminal:
        assert any(state in tr.from_states for tr in REGISTRATION.transitions), state


def test_wrong_state_is_refused_with_the_expected_states():
    verdict = REGISTRATION.check("application.approve", S.ACCEPTED, {Role.APPROVER}, BOB)
    assert verdict.refusal is Refusal.WRONG_STATE
    assert verdict.expected == ("reviewed",)
    for terminal in (S.APPROVED, S.REFUSED, S.WITHDRAWN):
        assert REGISTRATION.available(terminal, set(Role), BOB) == ()


@pytest.mark.parametrize("role", list(Role))
def test_roles_come_from_the_table(role):
    """review needs a reviewer: every other role is refused, whatever the state."""
    verdict = REGISTRATION.check("application.review", S.ACCEPTED, {role}, ALICE)
    assert verdict.ok is (role is Role.REVIEWER)
    if not verdict.ok:
        assert verdict.refusal is Refusal.ROLE
        assert verdict.expected == ("reviewer",)


def test_the_acceptor_may_not_decide_but_another_approver_may():
    history = {"application.accept": frozenset({ALICE})}
    both = {Role.CLERK, Role.APPROVER}
    for action in ("application.approve", "application.refuse"):
        verdict = REGISTRATION.check(action, S.REVIEWED, both, ALICE, history)
        assert verdict.refusal is Refusal.FOUR_EYES
        assert verdict.expected == ("application.accept",)
        assert REGISTRATION.check(action, S.REVIEWED, both, BOB, history).ok
    # the reviewer of the same file is not barred by the rule
    history = {"application.accept": frozenset({ALICE}),
               "application.review": frozenset({BOB})}
    assert REGISTRATION.check("application.approve", S.REVIEWED, {Role.APPROVER}, BOB,
                              history).ok


def test_available_actions_for_the_acceptor_leave_out_the_decision():
    history = {"application.accept": frozenset({ALICE})}
    both = {Role.CLERK, Role.APPROVER}
    mine = [tr.action for tr in REGISTRATION.available(S.REVIEWED, both, ALICE, history)]
    others = [tr.action for tr in REGISTRATION.available(S.REVIEWED, both, BOB, history)]
    assert mine == []
    assert others == ["application.approve", "application.refuse"]
    reviewer = [tr.action for tr in REGISTRATION.available(S.ACCEPTED, {Role.REVIEWER}, BOB)]
    assert reviewer == ["application.review", "application.correction"]
    clerk = [tr.action for tr in REGISTRATION.available(S.DRAFT, {Role.CLERK}, ALICE)]
    assert clerk == ["application.draft_save", "application.accept", "application.withdraw"]


def test_every_role_none_means_the_command_line_user():
    """roles=None (the operating-system user holds every role) still obeys four eyes."""
    me = actor_key(None, "os:clerk")
    assert me == "name:os:clerk"
    history = {"application.accept": frozenset({me})}
    assert REGISTRATION.check("application.review", S.ACCEPTED, None, me, history).ok
    assert (REGISTRATION.check("application.approve", S.REVIEWED, None, me, history).refusal
            is Refusal.FOUR_EYES)


def test_unknown_action_is_refused():
    verdict = REGISTRATION.check("application.teleport", S.DRAFT, set(Role), ALICE)
    assert verdict.refusal is Refusal.UNKNOWN_ACTION
    with pytest.raises(KeyError):
        REGISTRATION.transition("application.teleport")


def test_steps_map_back_to_actions():
    assert REGISTRATION.action_for_step("accepted") == "application.accept"
    assert REGISTRATION.action_for_step("approved") == "application.approve"
    assert REGISTRATION.action_for_step("") is None
    assert REGISTRATION.action_for_step("nonsense") is None


def test_clocks_started_and_stopped_are_declared():
    tr = REGISTRATION.transition
    assert "correction_notice" in tr("application.accept").starts
    assert "correction_notice" in tr("application.correction").stops
    assert "decision" in tr("application.correction_complete").starts
    assert "decision" in tr("application.approve").stops
    assert "decision" in tr("application.refuse").stops


def _tr(action, from_, to, roles=(Role.CLERK,), **kw) -> Transition:
    return Transition(action, frozenset(from_), to, frozenset(roles), step=action, **kw)


def test_a_bad_declaration_is_refused():
    with pytest.raises(ValueError, match="undeclared state"):
        Workflow("w", ("a", "b"), (_tr("w.go", {"a"}, "c"),))
    with pytest.raises(ValueError, match="twice"):
        Workflow("w", ("a", "b"), (_tr("w.go", {"a"}, "b"), _tr("w.go", {"b"}, "a")))
    with pytest.raises(ValueError, match="no role"):
        Workflow("w", ("a", "b"), (_tr("w.go", {"a"}, "b", roles=()),))
    with pytest.raises(ValueError, match="four-eyes"):
        Workflow("w", ("a", "b"), (_tr("w.go", {"a"}, "b",
                                       four_eyes=FourEyes(("w.other",))),))
    with pytest.raises(ValueError, match="terminal"):
        Workflow("w", ("a", "b"), (_tr("w.go", {"b"}, "a"),), terminal=frozenset({"b"}))


def test_a_general_workflow_with_string_states():
    """Later workflows (penalty case …) declare theirs in the same form."""
    case = Workflow("case", ("open", "noticed", "decided"), (
        _tr("case.open", {NEW}, "open", roles=(Role.ENFORCEMENT,)),
        _tr("case.notice", {"open"}, "noticed", roles=(Role.ENFORCEMENT,)),
        _tr("case.decide", {"noticed"}, "decided", roles=(Role.APPROVER,),
            four_eyes=FourEyes(("case.open",))),
    ), terminal=frozenset({"decided"}))
    history = {"case.open": frozenset({ALICE})}
    assert case.check("case.decide", "noticed", {Role.APPROVER}, ALICE, history).refusal \
        is Refusal.FOUR_EYES
    assert case.check("case.decide", "noticed", {Role.APPROVER}, BOB, history).ok


def test_permissions_take_workflow_roles_from_the_table():
    for tr in REGISTRATION.transitions:
        assert permissions.roles_for(tr.action) == tr.roles
    assert permissions.allowed("user.add", {Role.ADMIN})
    assert not permissions.allowed("user.add", {Role.CLERK, Role.APPROVER})
    assert permissions.allowed("ledger.export_unmasked", {Role.APPROVER})
    with pytest.raises(permissions.UnknownAction):
        permissions.roles_for("user.teleport")
    # every role may read what every role works with; every action allows some role
    assert all(permissions.PERMISSIONS.values())
