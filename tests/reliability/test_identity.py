"""The identity suite (issue 13, "Who did it"): the command line takes the OS account
from the real uid, the registry file's owner administers it, anyone else signs in, every
event records both, and every write re-checks the signed-in user's roles and status."""

from __future__ import annotations

import io
import os
import pwd
import sys

import pytest
from sqlmodel import col, select

from mca_tui import cli
from mca_tui.domain.enums import Role
from mca_tui.services import context, users
from mca_tui.services.errors import PermissionDenied
from mca_tui.services.export import export_ledger
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import AuditEvent, UserAccount
from tests import rawdb
from tests.conftest import PASSWORD

REAL = pwd.getpwuid(os.getuid()).pw_name


def _last_event(db) -> AuditEvent:
    with db.read() as s:
        event = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()
        assert event is not None
        return event


def _count(db) -> int:
    with db.read() as s:
        return len(s.exec(select(AuditEvent.id)).all())


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_spoofed_user_environment_is_recorded_as_the_real_account(db, ctx, monkeypatch):
    for name in ("USER", "LOGNAME", "USERNAME", "LNAME"):
        monkeypatch.setenv(name, "zhangsan")
    _stdin(monkeypatch, "evil-but-long-pw\n")
    assert cli.main(["--db", rawdb.db_arg(db), "user", "add", "evil", "--role", "admin"]) == 0
    event = _last_event(db)
    assert event.action == "user.add"
    assert event.actor_kind == "os" and event.actor_name == f"os:{REAL}"
    assert event.os_account == REAL
    assert "zhangsan" not in event.actor_name + event.os_account


def test_other_os_account_must_sign_in_before_a_write(db, ctx, monkeypatch, capsys):
    users.add_user(ctx, "admin", "管理员", PASSWORD, ["admin"])
    monkeypatch.setattr(context, "registry_owner", lambda _db: False)
    before = _count(db)
    _stdin(monkeypatch, "another-long-pw\n")
    assert cli.main(["--db", rawdb.db_arg(db), "user", "add", "li", "--role", "clerk"]) == 1
    assert "不是该登记库文件的所有者" in capsys.readouterr().err
    assert _count(db) == before  # nothing written
    with db.read() as s:
        assert s.exec(select(UserAccount).where(UserAccount.username == "li")).first() is None
    # reading the user list is an administrator's: refused as well without signing in
    assert cli.main(["--db", rawdb.db_arg(db), "user", "list"]) == 1
    capsys.readouterr()
    # signed in: the password first, then the new user's
    _stdin(monkeypatch, f"{PASSWORD}\nanother-long-pw\n")
    assert cli.main(["--db", rawdb.db_arg(db), "--user", "admin", "user", "add", "li",
                     "--role", "clerk"]) == 0
    event = _last_event(db)
    assert (event.action, event.actor_kind, event.actor_name) == ("user.add", "user", "admin")
    assert event.os_account == REAL  # both: the registry user and the OS account


def test_signed_in_clerk_from_another_account_cannot_administer(db, ctx, monkeypatch, capsys):
    users.add_user(ctx, "clerk", "办事员", PASSWORD, ["clerk"])
    monkeypatch.setattr(context, "registry_owner", lambda _db: False)
    before = _count(db)
    _stdin(monkeypatch, f"{PASSWORD}\nanother-long-pw\n")
    assert cli.main(["--db", rawdb.db_arg(db), "--user", "clerk", "user", "add", "li",
                     "--role", "admin"]) == 1
    assert "权限" in capsys.readouterr().err
    assert _count(db) == before + 1  # only the sign-in is recorded


def test_wrong_password_signs_nobody_in(db, ctx, monkeypatch, capsys):
    users.add_user(ctx, "admin", "管理员", PASSWORD, ["admin"])
    monkeypatch.setattr(context, "registry_owner", lambda _db: False)
    _stdin(monkeypatch, "not-the-password\nanother-long-pw\n")
    assert cli.main(["--db", rawdb.db_arg(db), "--user", "admin", "user", "add", "li",
                     "--role", "clerk"]) == 1
    assert "用户名或密码不正确" in capsys.readouterr().err
    assert _last_event(db).action == "user.sign_in_failed"


def test_owner_check_reads_the_file_owner(db):
    if not db.is_sqlite:
        pytest.skip("a server registry has no file")
    assert context.owns_registry_file(db)
    assert os.stat(db.path).st_uid == os.getuid()


@pytest.mark.parametrize("change", ["disable", "demote"])
def test_user_disabled_or_demoted_mid_session_is_refused_at_the_next_write(
        db, ctx, make_ctx, tmp_path, change):
    approver = make_ctx("appr", Role.APPROVER)
    path = tmp_path / "full.csv"
    export_ledger(approver, path, unmasked=True)  # allowed while an approver
    path.unlink()
    if change == "disable":
        users.set_disabled(ctx, "appr")
    else:
        users.set_roles(ctx, "appr", ["clerk"])
    before = _count(db)
    with pytest.raises(PermissionDenied):
        export_ledger(approver, path, unmasked=True)  # the open session, a second later
    assert not path.exists() and not list(tmp_path.glob(".full.csv.*"))
    with pytest.raises(PermissionDenied), \
            approver.unit("application.approve", subject=Subject("application", "x")):
        raise AssertionError("the unit must refuse before the operation runs")
    assert _count(db) == before  # nothing written


def test_reenabled_user_writes_again(db, ctx, make_ctx, tmp_path):
    approver = make_ctx("appr", Role.APPROVER)
    users.set_disabled(ctx, "appr")
    users.set_disabled(ctx, "appr", False)
    export_ledger(approver, tmp_path / "full.csv", unmasked=True)
    assert _last_event(db).actor_name == "appr"


def test_other_os_account_cannot_copy_the_registry_away(db, ctx, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(context, "registry_owner", lambda _db: False)
    target = tmp_path / "copy.db"
    assert cli.main(["--db", rawdb.db_arg(db), "copy-registry", f"sqlite:///{target}"]) == 1
    assert "不是该登记库文件的所有者" in capsys.readouterr().err
    assert not target.exists()
