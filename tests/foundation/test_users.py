"""Users, roles, sign-in lock-out and role checks in the services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mca_tui.domain.enums import OrgType, Role
from mca_tui.domain.passwords import hash_password, verify_password
from mca_tui.services import users
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import utcnow
from tests.conftest import PASSWORD


def test_password_hash_is_scrypt_and_salted():
    a, b = hash_password("secret-pass"), hash_password("secret-pass")
    assert a.startswith("scrypt$") and a != b
    assert verify_password("secret-pass", a) and not verify_password("secret-pasS", a)
    assert not verify_password("x", "garbage")


def test_add_user_validates(ctx):
    with pytest.raises(ValidationFailed) as err:
        users.add_user(ctx, "bad name", "", "short", ["wizard"])
    fields = {p.field for p in err.value.problems}
    assert fields == {"username", "password", "roles"}
    users.add_user(ctx, "Zhang", "张三", PASSWORD, ["clerk"])
    with pytest.raises(ValidationFailed):
        users.add_user(ctx, "zhang", "张三", PASSWORD, ["clerk"])  # user names are case-folded


def test_sign_in_right_and_wrong(ctx):
    users.add_user(ctx, "li", "李四", PASSWORD, ["reviewer", "approver"])
    actor = users.authenticate(ctx, "LI", PASSWORD)
    assert actor.kind == "user" and actor.roles == {Role.REVIEWER, Role.APPROVER}
    with pytest.raises(users.SignInRefused):
        users.authenticate(ctx, "li", "wrong-password")
    with pytest.raises(users.SignInRefused):
        users.authenticate(ctx, "nobody", PASSWORD)


def test_lock_out_after_five_failures_then_wait(ctx):
    users.add_user(ctx, "wang", "王五", PASSWORD, ["clerk"])
    now = utcnow()
    for _ in range(4):
        with pytest.raises(users.SignInRefused):
            users.authenticate(ctx, "wang", "nope-nope", now=now)
    with pytest.raises(users.SignInLocked):
        users.authenticate(ctx, "wang", "nope-nope", now=now)
    # Even the right password waits until the lock expires ...
    with pytest.raises(users.SignInLocked):
        users.authenticate(ctx, "wang", PASSWORD, now=now + timedelta(seconds=30))
    # ... and works afterwards, resetting the counter.
    actor = users.authenticate(ctx, "wang", PASSWORD, now=now + timedelta(seconds=61))
    assert actor.name == "wang"


def test_disabled_user_cannot_sign_in(ctx):
    users.add_user(ctx, "zhao", "赵六", PASSWORD, ["clerk"])
    users.set_disabled(ctx, "zhao", True)
    with pytest.raises(users.SignInRefused):
        users.authenticate(ctx, "zhao", PASSWORD)


def test_only_admin_manages_users(make_ctx):
    clerk = make_ctx("clerk1", Role.CLERK)
    with pytest.raises(PermissionDenied):
        users.add_user(clerk, "x1", "x", PASSWORD, ["clerk"])
    with pytest.raises(PermissionDenied):
        users.set_disabled(clerk, "clerk1", True)
    with pytest.raises(PermissionDenied):
        users.set_password(clerk, "someone-else", PASSWORD)
    users.set_password(clerk, "clerk1", "a-new-password")  # one's own password
    admin = make_ctx("boss", Role.ADMIN)
    users.add_user(admin, "x2", "x", PASSWORD, ["clerk"])


def test_first_user_bootstrap_only_when_registry_empty(db, settings):
    from mca_tui.domain.actor import Actor
    from mca_tui.services.context import ServiceContext, ensure_office

    office = ensure_office(db, settings)
    nobody = ServiceContext(db, settings, Actor("user", "-", "-", office.id, office.code))
    users.add_user(nobody, "admin", "管理员", PASSWORD, ["admin"], bootstrap=True)
    with pytest.raises(PermissionDenied):
        users.add_user(nobody, "second", "x", PASSWORD, ["admin"], bootstrap=True)


def test_role_check_lives_in_the_service(make_ctx):
    from mca_tui.services.organizations import insert_organization

    reviewer = make_ctx("rev", Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        reviewer.require(Role.APPROVER)
    # the unit of work checks the role of its action (domain.permissions) before it
    # opens the transaction; test.op is a fixture action open to every role
    with pytest.raises(PermissionDenied):
        reviewer.unit("application.approve", subject=Subject("application", "x")).__enter__()
    with reviewer.unit("test.op", subject=Subject("test", None)) as unit:
        insert_organization(unit, office_id=reviewer.actor.office_id,
                            org_type=OrgType.SOCIAL_GROUP, name="海沧区测试协会")


def test_sign_in_events_are_audited(ctx, db):
    from tests import rawdb

    users.add_user(ctx, "qian", "钱七", PASSWORD, ["clerk"])
    users.authenticate(ctx, "qian", PASSWORD)
    with pytest.raises(users.SignInRefused):
        users.authenticate(ctx, "qian", "bad-bad-bad")
    raw = rawdb.connect(db)
    actions = [r[0] for r in raw.execute("select action from audit_event order by seq")]
    assert actions[-3:] == ["user.add", "user.sign_in", "user.sign_in_failed"]
