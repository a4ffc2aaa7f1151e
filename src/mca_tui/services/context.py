"""The service context: who acts, on which database, with which settings and calendar,
and the unit of work that writes one transaction with exactly one audit event."""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlmodel import Session, select

from mca_tui.config import Settings
from mca_tui.domain.actor import Actor
from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.enums import Role
from mca_tui.services.errors import PermissionDenied
from mca_tui.storage import audit
from mca_tui.storage.engine import Database
from mca_tui.storage.models import CalendarOverride, CalendarYear, Office

_OFFICE_NAMESPACE = uuid.UUID("6f1c2d8e-8a43-4d55-9a5e-0c3b7e5d2a10")


@dataclass
class Unit:
    """One write operation: a session and the single audit event it will append."""

    session: Session
    action: str
    organization_id: str | None = None
    entity: str = ""
    entity_id: str | None = None
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    note: str = ""

    def record(self, entity: str, entity_id: str | None, before: dict | None,
               after: dict | None, *, organization_id: str | None = None) -> None:
        """Note what changed. The first record names the event's entity; further ones
        are kept under ``entity:id`` keys so one event tells the whole operation."""
        if organization_id:
            self.organization_id = self.organization_id or organization_id
        if not self.entity:
            self.entity, self.entity_id = entity, entity_id
            self.before.update(before or {})
            self.after.update(after or {})
        else:
            key = f"{entity}:{entity_id}" if entity_id else entity
            if before:
                self.before[key] = before
            if after:
                self.after[key] = after


@dataclass
class ServiceContext:
    db: Database
    settings: Settings
    actor: Actor
    today: Callable[[], date] = date.today

    def require(self, *roles: Role) -> None:
        """Refuse unless the actor holds one of ``roles`` (checked in every service)."""
        if not self.actor.has(*roles):
            raise PermissionDenied(roles="/".join(r.value for r in roles))

    @contextmanager
    def unit(self, action: str, *, organization_id: str | None = None,
             note: str = "") -> Iterator[Unit]:
        """One transaction (BEGIN IMMEDIATE) that ends with one audit event."""
        with self.db.write() as session:
            unit = Unit(session=session, action=action, organization_id=organization_id,
                        note=note)
            yield unit
            session.flush()
            audit.append_event(
                session, self.actor, unit.action, organization_id=unit.organization_id,
                entity=unit.entity, entity_id=unit.entity_id, before=unit.before,
                after=unit.after, note=unit.note,
            )

    @cached_property
    def calendar(self) -> WorkingCalendar:
        """The working-day calendar with the administrator's overrides."""
        with self.db.read() as s:
            overrides = {o.day: o.working for o in s.exec(select(CalendarOverride))}
            years = set(s.exec(select(CalendarYear.year)).all())
        return WorkingCalendar(overrides, complete_years=years)

    def refresh_calendar(self) -> None:
        self.__dict__.pop("calendar", None)


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
    with db.write() as s:
        office = s.exec(select(Office).where(Office.code == code)).first()
        if office is None:
            office = Office(id=office_id_for(code), code=code, name=settings.office.name,
                            kind="district")
            s.add(office)
            s.flush()
            subs = [Office(id=office_id_for(sub.code), code=sub.code, name=sub.name,
                           kind="subdistrict", parent_id=office.id)
                    for sub in settings.office.subdistricts]
            s.add_all(subs)
            system = Actor(kind="os", name="system:setup", display_name="system",
                           office_id=office.id, office_code=office.code)
            audit.append_event(s, system, "office.create", entity="office",
                               entity_id=office.id,
                               after={"code": code, "name": office.name,
                                      "subdistricts": [f"{o.code} {o.name}" for o in subs]})
        return office


def os_actor(db: Database, settings: Settings) -> Actor:
    """The operating-system user running a command-line sub-command."""
    office = ensure_office(db, settings)
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "unknown"
    return Actor(kind="os", name=f"os:{login}", display_name=login, office_id=office.id,
                 office_code=office.code, roles=frozenset(Role))


def cli_context(db: Database, settings: Settings) -> ServiceContext:
    return ServiceContext(db=db, settings=settings, actor=os_actor(db, settings))
