"""Users, roles and sign-in (用户与角色)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from mca_tui.domain.actor import Actor
from mca_tui.domain.enums import Role
from mca_tui.domain.passwords import (
    hash_password,
    password_problem,
    verify_nobody,
    verify_password,
)
from mca_tui.domain.text import normalize_text
from mca_tui.services.context import ServiceContext, ensure_office, open_unit
from mca_tui.services.errors import FieldProblem, NotFound, ServiceError, ValidationFailed
from mca_tui.storage.audit import Subject
from mca_tui.storage.engine import Database
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import Office, UserAccount, UserRole, utcnow


@dataclass(frozen=True)
class UserInfo:
    id: str
    username: str
    display_name: str
    roles: tuple[Role, ...]
    disabled: bool
    office_code: str
    locked_until: datetime | None
    last_login_at: datetime | None


class SignInRefused(ServiceError):
    key = "user.sign_in_refused"


class SignInLocked(ServiceError):
    key = "user.sign_in_locked"


def _info(session: Session, user: UserAccount) -> UserInfo:
    roles = tuple(
        Role(r) for r in session.exec(select(UserRole.role).where(UserRole.user_id == user.id))
    )
    office = session.get(Office, user.office_id)
    return UserInfo(user.id, user.username, user.display_name, roles, user.disabled,
                    office.code if office else "", user.locked_until, user.last_login_at)


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _parse_roles(roles: list[str] | tuple[Any, ...],
                 problems: list[FieldProblem] | None = None) -> list[Role]:
    """Roles from their values; unknown ones become problems (raised if none given)."""
    out, bad = [], []
    for r in roles:
        try:
            out.append(Role(str(r).strip().lower()))
        except ValueError:
            bad.append(FieldProblem("roles", "user.unknown_role", {"role": r}))
    if bad and problems is None:
        raise ValidationFailed(bad)
    if problems is not None:
        problems.extend(bad)
    return out


def has_users(ctx_db: Database) -> bool:
    with ctx_db.read() as s:
        return s.exec(select(UserAccount.id).limit(1)).first() is not None


def add_user(ctx: ServiceContext, username: str, display_name: str, password: str,
             roles: list[str] | tuple[Any, ...], *, bootstrap: bool = False) -> UserInfo:
    """Create a user. Only an administrator may, except for the very first one
    (``bootstrap``: the registry has no user yet)."""
    if bootstrap and not has_users(ctx.db):
        # The first administrator is created by whoever sets the registry up (the
        # registry has no user to sign in with): for this one step they act with the
        # administrator's role, which the unit checks for user.add (domain.permissions).
        ctx = replace(ctx, actor=replace(ctx.actor, roles=ctx.actor.roles | {Role.ADMIN}))
    else:
        ctx.require(Role.ADMIN)
    username = normalize_text(username).lower()
    display_name = normalize_text(display_name) or username
    problems = []
    if not username or any(c.isspace() for c in username):
        problems.append(FieldProblem("username", "user.bad_username"))
    if key := password_problem(password):
        problems.append(FieldProblem("password", key))
    parsed = _parse_roles(roles, problems)
    if not parsed and not any(p.field == "roles" for p in problems):
        problems.append(FieldProblem("roles", "user.no_role"))
    if problems:
        raise ValidationFailed(problems)
    office = ensure_office(ctx.db, ctx.settings)
    user_id = new_id()
    with ctx.unit("user.add", subject=Subject("user_account", user_id)) as unit:
        s = unit.session
        if s.exec(select(UserAccount).where(UserAccount.username == username)).first():
            raise ValidationFailed([FieldProblem("username", "user.exists",
                                                 {"username": username})])
        user = UserAccount(id=user_id, office_id=office.id, username=username,
                           display_name=display_name, password_hash=hash_password(password))
        s.add(user)
        s.flush()
        for role in parsed:
            s.add(UserRole(user_id=user.id, role=role.value))
        unit.record("user_account", user.id, None,
                    {"username": username, "display_name": display_name,
                     "roles": [r.value for r in parsed]})
        s.flush()
        return _info(s, user)


def _get(session: Session, username: str) -> UserAccount:
    user = session.exec(
        select(UserAccount).where(UserAccount.username == normalize_text(username).lower())
    ).first()
    if user is None:
        raise NotFound("user.not_found", username=username)
    return user


def _subject(ctx: ServiceContext, username: str) -> Subject:
    """The audit subject of an operation on a user account (looked up by name)."""
    with ctx.db.read() as s:
        return Subject("user_account", _get(s, username).id)


def set_password(ctx: ServiceContext, username: str, password: str) -> None:
    """An administrator resets any password; a user changes their own."""
    if ctx.actor.name != normalize_text(username).lower():
        ctx.require(Role.ADMIN)
    if key := password_problem(password):
        raise ValidationFailed([FieldProblem("password", key)])
    with ctx.unit("user.password", subject=_subject(ctx, username)) as unit:
        user = _get(unit.session, username)
        user.password_hash = hash_password(password)
        user.failed_attempts, user.locked_until = 0, None
        user.version += 1
        unit.session.add(user)
        unit.record("user_account", user.id, None, {"password": "changed"})


def set_disabled(ctx: ServiceContext, username: str, disabled: bool = True) -> None:
    ctx.require(Role.ADMIN)
    with ctx.unit("user.disable" if disabled else "user.enable",
                  subject=_subject(ctx, username)) as unit:
        user = _get(unit.session, username)
        before = user.disabled
        user.disabled = disabled
        user.version += 1
        unit.session.add(user)
        unit.record("user_account", user.id, {"disabled": before}, {"disabled": disabled})


def unlock(ctx: ServiceContext, username: str) -> None:
    """End a user's sign-in lock-out (``mca-tui user unlock NAME``). The owner of the
    registry file holds every role on the command line, so a lock-out can never keep
    the last administrator out for good."""
    ctx.require(Role.ADMIN)
    with ctx.unit("user.unlock", subject=_subject(ctx, username)) as unit:
        user = _get(unit.session, username)
        before = {"failed_attempts": user.failed_attempts,
                  "locked_until": user.locked_until}
        user.failed_attempts, user.locked_until = 0, None
        user.version += 1
        unit.session.add(user)
        unit.record("user_account", user.id, before, {"failed_attempts": 0,
                                                      "locked_until": None})


def set_roles(ctx: ServiceContext, username: str, roles: list[str]) -> None:
    ctx.require(Role.ADMIN)
    parsed = _parse_roles(roles)
    with ctx.unit("user.roles", subject=_subject(ctx, username)) as unit:
        s = unit.session
        user = _get(s, username)
        old = sorted(s.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all())
        for row in s.exec(select(UserRole).where(UserRole.user_id == user.id)):
            s.delete(row)
        s.flush()
        for role in parsed:
            s.add(UserRole(user_id=user.id, role=role.value))
        unit.record("user_account", user.id, {"roles": old},
                    {"roles": sorted(r.value for r in parsed)})


def list_users(ctx: ServiceContext) -> list[UserInfo]:
    """Every user account (administrators: ``user.list``)."""
    ctx.permit("user.list")
    with ctx.db.read() as s:
        return [_info(s, u) for u in s.exec(select(UserAccount).order_by(UserAccount.username))]


def actor_for(db: Database, user: UserInfo, office_id: str) -> Actor:
    return Actor(kind="user", name=user.username, display_name=user.display_name,
                 office_id=office_id, office_code=user.office_code, user_id=user.id,
                 roles=frozenset(user.roles))


def authenticate(ctx: ServiceContext, username: str, password: str,
                 now: datetime | None = None) -> Actor:
    """Check a sign-in. After ``max_failed_sign_ins`` failures in a row the account waits
    ``sign_in_wait_seconds`` (doubling with each further failure) before the next try.
    Successes and failures are audited; ``ctx.actor`` may be a placeholder."""
    now = now or utcnow()
    ui = ctx.settings.ui
    name = normalize_text(username).lower()
    with ctx.db.read() as s:
        user = s.exec(select(UserAccount).where(UserAccount.username == name)).first()
        if user is None or user.disabled:
            # the same KDF run as for a real user: the time taken tells no one which
            # user names exist (no account enumeration)
            verify_nobody(password)
            raise SignInRefused()
        locked = _aware(user.locked_until)
        if locked and locked > now:
            verify_nobody(password)
            raise SignInLocked(seconds=int((locked - now).total_seconds()) + 1)
        office = s.get(Office, user.office_id)
        assert office is not None  # a user's office (foreign key)
        actor = Actor(kind="user", name=user.username, display_name=user.display_name,
                      office_id=user.office_id, office_code=office.code, user_id=user.id,
                      roles=frozenset(Role(r) for r in s.exec(
                          select(UserRole.role).where(UserRole.user_id == user.id))))
    ok = verify_password(password, user.password_hash)
    user_id = user.id
    extra = 0

    def record() -> int:
        nonlocal extra
        # Not ctx.unit: the actor signing in is not yet ctx.actor (no role check applies).
        with open_unit(ctx.db, actor, "user.sign_in" if ok else "user.sign_in_failed",
                       subject=Subject("user_account", user_id)) as unit:
            account = unit.session.get(UserAccount, user_id)
            assert account is not None  # read just above
            if ok:
                account.failed_attempts, account.locked_until, account.last_login_at = (
                    0, None, now)
            else:
                account.failed_attempts += 1
                extra = account.failed_attempts - ui.max_failed_sign_ins
                if extra >= 0:
                    account.locked_until = now + timedelta(
                        seconds=ui.sign_in_wait_seconds * 2**min(extra, 6))
                unit.record("user_account", account.id, None,
                            {"failed_attempts": account.failed_attempts})
            unit.session.add(account)
            return account.failed_attempts

    if ok and ctx.db.is_sqlite:
        # A sign-in never waits for the write lock (issue 13): when another process (an
        # import) holds it, the clerk is let in and the sign-in is recorded in the
        # background as soon as the registry is free.
        from mca_tui.storage import sqlite as sqlite_support

        try:
            with sqlite_support.no_wait():
                failed = record()
        except Exception as exc:
            if not sqlite_support.is_registry_busy(exc):
                raise
            import threading

            threading.Thread(target=record, name="record-sign-in", daemon=True).start()
            return actor
    else:
        failed = record()
    if not ok:
        if extra >= 0:
            raise SignInLocked(seconds=ui.sign_in_wait_seconds * 2**min(extra, 6))
        raise SignInRefused(remaining=ui.max_failed_sign_ins - failed)
    return actor


def verify_unlock(ctx: ServiceContext, password: str) -> bool:
    """Re-check the signed-in user's password for the idle lock (no state change)."""
    with ctx.db.read() as s:
        user = s.get(UserAccount, ctx.actor.user_id) if ctx.actor.user_id else None
        return bool(user and not user.disabled and verify_password(password, user.password_hash))
