"""The service context: who acts, on which database, with which settings and calendar,
and the unit of work that writes one transaction with exactly one audit event."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from sqlalchemy import event as sa_event
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, SQLModel, select

from mca_tui.config import Settings
from mca_tui.domain import permissions
from mca_tui.domain.actor import Actor
from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.enums import Role
from mca_tui.i18n import label
from mca_tui.services.errors import PermissionDenied, ServiceError
from mca_tui.storage import audit, report_summary
from mca_tui.storage.audit import Change, ChangeLog, JSONDict, Subject
from mca_tui.storage.engine import Database
from mca_tui.storage.models import CalendarOverride, CalendarYear, Office, UserAccount, UserRole

_OFFICE_NAMESPACE = uuid.UUID("6f1c2d8e-8a43-4d55-9a5e-0c3b7e5d2a10")


@dataclass
class Unit:
    """One write operation: a session, the subject it is about, and the single audit
    event it will append. Every row the session writes is captured as a change row by
    construction (``audit.ChangeLog`` on the session's flushes); rows written by a bulk
    statement are reported through ``insert_rows`` / ``add_change``."""

    session: Session
    action: str
    subject: Subject
    note: str = ""
    before: JSONDict = field(default_factory=dict)  # headline for people (timeline)
    after: JSONDict = field(default_factory=dict)
    changes: ChangeLog = field(default_factory=ChangeLog)
    _also: dict[tuple[str, str], None] = field(default_factory=dict)
    _explicit: int = 0

    def record(self, entity: str, entity_id: str | None, before: JSONDict | None,
               after: JSONDict | None, *, organization_id: str | None = None) -> None:
        """Add to the event's short headline (what people read on the timeline). The
        change rows are captured by themselves and the subject is the one the unit was
        opened with: a headline about the subject goes at the top level, others under
        ``entity:id`` keys, whatever the order of calls."""
        if organization_id:
            self._also[("organization", organization_id)] = None
        if (entity, entity_id) == (self.subject.entity, self.subject.id):
            self.before.update(before or {})
            self.after.update(after or {})
            return
        key = f"{entity}:{entity_id}" if entity_id else entity
        if before:
            self.before[key] = before
        if after:
            self.after[key] = after

    def about(self, entity: str, entity_id: str | None) -> None:
        """Index the event under one more (entity, id), e.g. a row it read and acted on."""
        if entity_id:
            self._also[(entity, str(entity_id))] = None

    def add_change(self, entity: str, entity_id: str | None, operation: str,
                   before: JSONDict | None = None, after: JSONDict | None = None) -> None:
        """Report a row written by a statement the session cannot see (raw SQL)."""
        self.changes.add(Change(entity, entity_id, operation, dict(before or {}),
                                dict(after or {})))

    def insert_rows(self, model: type[SQLModel], rows: list[JSONDict]) -> None:
        """Bulk Core insert of ``rows`` into ``model``'s table, one change row each."""
        if not rows:
            return
        self._explicit += 1
        try:
            keys = rows[0].keys()
            if all(r.keys() == keys for r in rows):
                # a Core executemany on the unit's connection: the ORM's bulk insert would
                # collect and convert every row again on the way (the ledger import)
                table = model.__table__  # type: ignore[attr-defined]
                self.session.connection().execute(insert(table), rows)
            else:  # rows with different columns: the ORM groups them
                self.session.execute(insert(model), rows)
        finally:
            self._explicit -= 1
        report_summary.after_insert_rows(self.session, model, rows)  # derived rows
        for change in audit.change_rows_for(model, rows):
            self.changes.add(change)

    def _guard(self, state: ORMExecuteState) -> None:
        """Refuse a bulk INSERT/UPDATE/DELETE whose rows the unit would not see."""
        if self._explicit or not (state.is_insert or state.is_update or state.is_delete):
            return
        table = getattr(getattr(state.statement, "table", None), "name", "")
        if table in audit.AUDIT_TABLES or table in audit.DERIVED_TABLES:
            return  # the trail itself, or derived rows (not audited changes of their own)
        raise RuntimeError(f"bulk {table} statement in unit {self.action!r}: write rows "
                           "through the session or Unit.insert_rows so they are audited")


_MODELS: dict[str, type[SQLModel]] = {}


def _model_for(table: str) -> type[SQLModel] | None:
    """The table model named ``table`` (looked up again when a model was added later)."""
    if table not in _MODELS:
        todo = list(SQLModel.__subclasses__())
        while todo:
            model = todo.pop()
            todo.extend(model.__subclasses__())
            name = getattr(model, "__tablename__", None)
            if isinstance(name, str) and getattr(model, "__table__", None) is not None:
                _MODELS[name] = model
    return _MODELS.get(table)


def _organization_of(session: Session, subject: Subject) -> str | None:
    """The organization of the named subject row (as it is after the operation)."""
    if subject.organization_id or not subject.id:
        return subject.organization_id
    if subject.entity == "organization":
        return subject.id
    model = _model_for(subject.entity)
    if model is None or "organization_id" not in model.model_fields:
        return None
    row = session.get(model, subject.id)
    return getattr(row, "organization_id", None) if row is not None else None


_UNIT_KEY = "mca_tui.unit"


@sa_event.listens_for(Session, "after_flush")
def _capture_changes(session: Session, _flush_context: object) -> None:
    """Every flush inside a unit records the rows it writes as the unit's changes
    (listening on the class once costs less than listening on each unit's session)."""
    unit = session.info.get(_UNIT_KEY)
    if unit is not None:
        unit.changes.capture(session)


@sa_event.listens_for(Session, "do_orm_execute")
def _guard_bulk_statements(state: ORMExecuteState) -> None:
    unit = state.session.info.get(_UNIT_KEY)
    if unit is not None:
        unit._guard(state)  # noqa: SLF001


@contextmanager
def open_unit(db: Database, actor: Actor, action: str, *, subject: Subject,
              note: str = "") -> Iterator[Unit]:
    """One transaction (BEGIN IMMEDIATE) that ends with one audit event about
    ``subject`` holding every row written. Services use ``ServiceContext.unit``."""
    if not isinstance(subject, Subject):
        raise TypeError("a unit needs subject=Subject(entity, id, organization_id=...)")
    with db.write() as session:
        unit = Unit(session=session, action=action, subject=subject, note=note)
        session.info[_UNIT_KEY] = unit  # read by the session listeners below
        try:
            yield unit
            session.flush()
        finally:
            session.info.pop(_UNIT_KEY, None)
        subject = replace(unit.subject,
                          organization_id=_organization_of(session, unit.subject))
        audit.append_event(
            session, actor, unit.action, subject=subject, changes=unit.changes,
            before=unit.before, after=unit.after, note=unit.note,
            also_about=list(unit._also),  # noqa: SLF001
        )


@dataclass
class ServiceContext:
    db: Database
    settings: Settings
    actor: Actor
    today: Callable[[], date] = date.today

    def require(self, *roles: Role) -> None:
        """Refuse unless the actor holds one of ``roles`` (checked in every service)."""
        self._signed_in()
        if not self.actor.has(*roles):
            raise PermissionDenied(roles="/".join(r.value for r in roles))

    def permit(self, action: str) -> None:
        """Refuse (PermissionDenied) unless the actor's roles allow ``action`` per
        ``domain.permissions``; an undeclared action is a programming error
        (``UnknownAction``). Called by ``unit()`` for every write and by read services."""
        roles = permissions.roles_for(action)
        self._signed_in()
        if not self.actor.has(*roles):
            raise PermissionDenied(roles="/".join(label(r) for r in sorted(roles)))

    def _signed_in(self) -> None:
        """An OS account that does not own the registry file holds no role: it is told
        to sign in rather than that it lacks one."""
        if self.actor.kind == "os" and not self.actor.roles:
            raise SignInRequired()

    @contextmanager
    def unit(self, action: str, *, subject: Subject, note: str = "") -> Iterator[Unit]:
        """One transaction (BEGIN IMMEDIATE) that ends with one audit event about
        ``subject`` (required: name the row the operation is about; a create names the
        id it will give, from ``storage.ids.new_id``)."""
        self.permit(action)  # role check by construction: refused before anything is written
        with open_unit(self.db, self.actor, action, subject=subject, note=note) as unit:
            if self.actor.kind == "user" and self.actor.user_id:  # (not the placeholder
                # actor that creates the very first administrator)
                _recheck_user(unit.session, self.actor, action)
            yield unit

    @cached_property
    def calendar(self) -> WorkingCalendar:
        """The working-day calendar with the administrator's overrides."""
        with self.db.read() as s:
            overrides = {o.day: o.working for o in s.exec(select(CalendarOverride))}
            years = set(s.exec(select(CalendarYear.year)).all())
        return WorkingCalendar(overrides, complete_years=years)

    def refresh_calendar(self) -> None:
        self.__dict__.pop("calendar", None)


class SignInRequired(ServiceError):
    """An OS account other than the registry file's owner writes without signing in."""

    key = "identity.sign_in_required"


def _recheck_user(session: Session, actor: Actor, action: str) -> None:
    """Inside the unit's transaction: the signed-in user still exists, is enabled and
    still holds a role that allows ``action`` (a user disabled or demoted while signed
    in is refused at the next write, and nothing is written)."""
    user = session.get(UserAccount, actor.user_id)
    if user is None or user.disabled:
        raise PermissionDenied(roles="/".join(label(r) for r in
                                              sorted(permissions.roles_for(action))))
    current = {Role(r) for r in session.exec(select(UserRole.role)
                                             .where(UserRole.user_id == user.id))}
    allowed = permissions.roles_for(action)
    if not current & set(allowed):
        raise PermissionDenied(roles="/".join(label(r) for r in sorted(allowed)))


def office_id_for(code: str) -> str:
    """The id of an office is derived from its division code, so the databases of a
    district bureau and of its offline subdistrict offices agree on every office's id."""
    return uuid.uuid5(_OFFICE_NAMESPACE, code).hex


def ensure_office(db: Database, settings: Settings) -> Office:
    """The office row for the configured division code and its subdistricts (created,
    and audited, on first use)."""
    code = settings.office.division_code
    with db.read() as s:
        office = s.exec(select(Office).where(Office.code == code)).first()
    if office:
        return office
    system = Actor(kind="os", name="system:setup", display_name="system",
                   office_id=office_id_for(code), office_code=code)
    try:
        with open_unit(db, system, "office.create",
                       subject=Subject("office", office_id_for(code))) as unit:
            s = unit.session
            office = s.exec(select(Office).where(Office.code == code)).first()
            if office is not None:
                raise _OfficeExists
            office = Office(id=office_id_for(code), code=code, name=settings.office.name,
                            kind="district")
            s.add(office)
            s.flush()
            subs = [Office(id=office_id_for(sub.code), code=sub.code, name=sub.name,
                           kind="subdistrict", parent_id=office.id)
                    for sub in settings.office.subdistricts]
            s.add_all(subs)
            unit.record("office", office.id, None,
                        {"code": code, "name": office.name,
                         "subdistricts": [f"{o.code} {o.name}" for o in subs]})
    except (_OfficeExists, IntegrityError):
        # created meanwhile by another process (found inside the unit, or the insert hit
        # the unique code where writers run at once on a server). The unit rolled back,
        # which expires what it read, so the office is read again in a session of its own.
        with db.read() as s:
            office = s.exec(select(Office).where(Office.code == code)).first()
        if office is None:
            raise
    return office


class _OfficeExists(Exception):  # noqa: N818 - control flow inside ensure_office
    """The office row exists already: leave the unit without writing."""


def owns_registry_file(db: Database) -> bool:
    """True if this process's real uid owns the registry file (it then administers the
    registry from the command line). A server registry has no file: whoever holds its
    credentials can write its tables anyway, so the process counts as owner. Where
    there are no uids (Windows) the file's access list decides who may open it, and
    every process that can is treated as its owner."""
    getuid = getattr(os, "getuid", None)
    path = db.path if db.is_sqlite else None
    if getuid is None or path is None:
        return True
    try:
        return bool(os.stat(path).st_uid == getuid())  # getuid: looked up, untyped
    except OSError:
        return False


# Tests replace this to simulate another OS account (no real second uid needed).
registry_owner: Callable[[Database], bool] = owns_registry_file


def os_actor(db: Database, settings: Settings) -> Actor:
    """The operating-system account running a command-line sub-command, named from the
    process's real uid (never ``USER``/``LOGNAME``). The owner of the registry file holds
    every role; any other account holds none and must sign in as a registry user
    (``mca-tui --user NAME``) before it may write."""
    office = ensure_office(db, settings)
    login = audit.process_os_account()
    roles = frozenset(Role) if registry_owner(db) else frozenset()
    return Actor(kind="os", name=f"os:{login}", display_name=login, office_id=office.id,
                 office_code=office.code, roles=roles)


def cli_context(db: Database, settings: Settings) -> ServiceContext:
    return ServiceContext(db=db, settings=settings, actor=os_actor(db, settings))
