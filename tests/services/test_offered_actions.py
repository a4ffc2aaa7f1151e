"""What the screens offer comes from the same declarations the services apply: the
registration transition table (available_actions, the home queues) and the permission
map (the procedures of the menu and the record)."""

from __future__ import annotations

import pytest

from mca_tui.domain import permissions
from mca_tui.domain.actor import Actor
from mca_tui.domain.enums import ApplicationStatus, OrgType, Role
from mca_tui.services import queues
from mca_tui.services import registration as reg
from mca_tui.services.errors import PermissionDenied
from mca_tui.ui import procedures
from tests.registration.helpers import TODAY, sg_form


@pytest.fixture
def people(make_ctx):
    return {
        "clerk": make_ctx("clerk", Role.CLERK, today=TODAY),
        "reviewer": make_ctx("reviewer", Role.REVIEWER, today=TODAY),
        "approver": make_ctx("approver", Role.APPROVER, today=TODAY),
        "both": make_ctx("both", Role.CLERK, Role.APPROVER, today=TODAY),
    }


def test_the_acceptor_is_offered_no_decision_and_the_service_agrees(people):
    both, approver = people["both"], people["approver"]
    draft = reg.save_draft(both, sg_form(), org_type=OrgType.SOCIAL_GROUP)
    assert reg.available_actions(both, draft.id) == [
        "application.draft_save", "application.accept", "application.withdraw"]
    assert reg.available_actions(people["reviewer"], draft.id) == []
    reg.submit(both, draft.id)
    assert "application.review" in reg.available_actions(people["reviewer"], draft.id)
    info = reg.review(people["reviewer"], draft.id)
    assert info.actions == ()  # the reviewer has nothing more to do on it
    mine = reg.available_actions(both, draft.id)
    assert "application.approve" not in mine and "application.refuse" not in mine
    assert reg.get_application(both, draft.id).actions == tuple(mine)
    with pytest.raises(PermissionDenied):  # what is not offered is refused
        reg.approve(both, draft.id)
    assert reg.available_actions(approver, draft.id) == ["application.approve",
                                                         "application.refuse"]
    done = reg.approve(approver, draft.id)
    assert done.application.status is ApplicationStatus.APPROVED
    assert done.application.actions == ()  # a decided file offers nothing


def test_the_approval_queue_leaves_out_the_files_the_user_accepted(people):
    both, approver = people["both"], people["approver"]
    draft = reg.save_draft(both, sg_form(), org_type=OrgType.SOCIAL_GROUP)
    reg.submit(both, draft.id)
    reg.review(people["reviewer"], draft.id)

    def approval(ctx) -> tuple[int, list[str]]:  # noqa: ANN001
        count = {q.id: q.count for q in queues.summaries(ctx)}["approval"]
        return count, [i.application_id for i in queues.items(ctx, "approval")]

    assert approval(both) == (0, [])
    assert approval(approver) == (1, [draft.id])


def test_queue_roles_and_states_come_from_the_table():
    for queue, action in queues.APPLICATION_QUEUES.items():
        tr = reg.REGISTRATION.transition(action)
        assert set(tr.roles) <= set(queues.QUEUE_ROLES[queue])


def _actor(*roles: Role) -> Actor:
    return Actor("user", "x", "x", "office", "350205", user_id="u", roles=frozenset(roles))


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_procedures_are_offered_exactly_to_the_roles_their_action_allows(role):
    actor = _actor(role)
    with_action = [p for p in procedures.PROCEDURES if p.action]
    assert {"intake", "change", "applications", "statistics", "search"} <= {
        p.id for p in with_action}
    for p in with_action:
        assert p.allowed(actor) is permissions.allowed(p.action, {role}), (p.id, role)
    home = {p.id for p in procedures.home_procedures(actor)}
    assert ("intake" in home) is (role is Role.CLERK)
    offered = {p.id for p in procedures.record_actions(actor, "active")}
    assert ("change" in offered) is (role is Role.CLERK)
    assert "change" not in {p.id for p in procedures.record_actions(actor, "deregistered")}
