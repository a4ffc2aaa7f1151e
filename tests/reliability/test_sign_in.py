"""Sign-in (issue 13): the same time for unknown, disabled and real users; a lock-out
the registry file's owner can always end; the password policy."""

from __future__ import annotations

import statistics
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from mca_tui import cli
from mca_tui.domain.passwords import common_passwords, password_problem
from mca_tui.services import users
from mca_tui.services.errors import ValidationFailed
from mca_tui.storage.models import utcnow
from tests import rawdb
from tests.conftest import PASSWORD


def _time(ctx, username: str, password: str) -> float:
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        with pytest.raises(users.SignInRefused):
            users.authenticate(ctx, username, password)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def test_sign_in_takes_as_long_for_unknown_and_disabled_users(db, ctx, settings):
    # measure refusals, not the lock-out
    ctx = replace(ctx, settings=replace(settings, ui=replace(settings.ui,
                                                             max_failed_sign_ins=100)))
    users.add_user(ctx, "real", "在册", PASSWORD, ["clerk"])
    users.add_user(ctx, "gone", "停用", PASSWORD, ["clerk"])
    users.set_disabled(ctx, "gone")
    real = _time(ctx, "real", "wrong-password-1")
    unknown = _time(ctx, "nobody-here", "wrong-password-1")
    disabled = _time(ctx, "gone", PASSWORD)
    # a KDF run each (~80 ms here; the real user's refusal also writes its audit event,
    # ~20 ms more); without the KDF an unknown name was refused in well under 1 ms
    assert unknown > real * 0.3, (unknown, real)
    assert disabled > real * 0.3, (disabled, real)


def test_owner_can_always_end_the_last_administrators_lock_out(db, ctx, capsys):
    users.add_user(ctx, "admin", "管理员", PASSWORD, ["admin"])
    for _ in range(ctx.settings.ui.max_failed_sign_ins):
        with pytest.raises((users.SignInRefused, users.SignInLocked)):
            users.authenticate(ctx, "admin", "wrong-password-1")
    with pytest.raises(users.SignInLocked):
        users.authenticate(ctx, "admin", PASSWORD)
    assert cli.main(["--db", rawdb.db_arg(db), "user", "unlock", "admin"]) == 0
    assert "可以重新登录" in capsys.readouterr().out
    actor = users.authenticate(ctx, "admin", PASSWORD)
    assert actor.name == "admin"


def test_a_lock_out_ends_by_itself(db, ctx):
    users.add_user(ctx, "admin", "管理员", PASSWORD, ["admin"])
    for _ in range(ctx.settings.ui.max_failed_sign_ins):
        with pytest.raises((users.SignInRefused, users.SignInLocked)):
            users.authenticate(ctx, "admin", "wrong-password-1")
    later = utcnow() + timedelta(seconds=ctx.settings.ui.sign_in_wait_seconds + 1)
    assert users.authenticate(ctx, "admin", PASSWORD, now=later).name == "admin"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-pw1", "user.password_too_short"),  # 9 characters
        ("12345678901234", "user.password_only_digits"),
        ("password123", "user.password_common"),
        ("Qwerty123456"[:10].lower(), "user.password_common"),  # qwerty1234
        ("Password123", "user.password_common"),  # case does not save it
        ("woaini1314", "user.password_common"),
        ("river-stone-42", None),
        ("十个汉字的密码也可以吗", None),
    ],
)
def test_password_policy(password, problem):
    assert password_problem(password) == problem


def test_common_list_is_shipped_and_used_by_the_services(db, ctx):
    assert "password123" in common_passwords() and len(common_passwords()) > 200
    with pytest.raises(ValidationFailed) as found:
        users.add_user(ctx, "weak", "弱", "1234567890", ["clerk"])
    assert found.value.problems[0].key == "user.password_only_digits"
    users.add_user(ctx, "strong", "强", PASSWORD, ["clerk"])
    with pytest.raises(ValidationFailed):
        users.set_password(ctx, "strong", "admin12345")
