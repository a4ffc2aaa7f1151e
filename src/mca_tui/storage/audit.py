"""The audit trail as a hash chain, with what each event is about and every row it wrote.

Each office writes its own chain (``chain`` = office code) so that chains from offline
subdistrict offices can be merged later without renumbering. Each event carries the
hash of the one before; ``audit_chain_head`` holds the last (seq, hash) of every chain,
so a deleted tail is detected as well as an edited, inserted, deleted or reordered
event. Appending happens inside the caller's write transaction.

An event names its ``Subject`` (entity, id, organization) — given by the service, never
inferred — and holds the list of ``Change`` rows (entity, id, insert/update/delete,
before, after) of every row the operation wrote, in ``audit_change``. The hash covers the
change rows (hash version 2; events written before revision 0003 are version 1 and their
hash covers none). ``audit_subject`` indexes every event under its subject, the subject's
organization, every changed row and the organizations/applications/cases those rows
refer to, so ``events_about(entity, id)`` is an index search in time order.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple, Protocol

from sqlalchemy import insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstanceState, Mapper
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from mca_tui.domain.actor import Actor
from mca_tui.storage.models import (
    AuditChainHead,
    AuditChange,
    AuditEvent,
    AuditSubject,
    utcnow,
)

GENESIS = "0" * 64
HASH_VERSION = 3  # 3: HMAC keyed with the chain key (storage.anchor), covers os_account

# Rows of these tables are the audit trail itself, never change rows.
AUDIT_TABLES = frozenset({"audit_event", "audit_chain_head", "audit_change", "audit_subject"})
# Derived tables: every row is computed from audited rows (and rebuilt from them in bulk),
# so their writes are not change rows of their own: the capture skips them, as it skips
# the audit tables. Services that keep one current add its name here (the search index
# tables have no model and are never captured; they are listed for completeness).
# tests/services/test_audit_subjects.py checks each against its derivation instead.
DERIVED_TABLES = frozenset({
    "application_term",  # storage.application_search
    "dormancy_summary",  # services.dormancy
    "report_summary",  # storage.report_summary
    "organization_fts",  # storage.sqlite_search (FTS5, SQLite only)
    "organization_search",  # storage.postgres_search (PostgreSQL only)
})
# Columns whose value is never copied into the trail (shown as changed only).
REDACTED_COLUMNS = frozenset({"password_hash"})
REDACTED = "[redacted]"
# Entities that have a timeline: a changed row referring to one of them (by a foreign
# key to its table) is indexed under it too. Later workflows add their case tables here.
TIMELINE_ENTITIES = frozenset({"organization", "application", "penalty_case"})

INSERT, UPDATE, DELETE = "insert", "update", "delete"
_INSERT_CHUNK = 5000  # rows per executemany when an event has many change rows
_CHANGE_INSERT = insert(AuditChange.__table__)  # type: ignore[attr-defined]
_SUBJECT_INSERT = insert(AuditSubject.__table__)  # type: ignore[attr-defined]

JSONDict = dict[str, Any]


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(value: object) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def _as_naive(at: datetime) -> datetime:
    """UTC without tzinfo, so a value hashes the same before and after storage."""
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


# --------------------------------------------------------------------------- subjects, changes


@dataclass(frozen=True)
class Subject:
    """What an audited operation is about: a row (``entity`` = its table name, ``id``)
    and the organization it belongs to, if any. ``id`` may be None only for an
    operation about no stored row (an export)."""

    entity: str
    id: str | None
    organization_id: str | None = None

    def __post_init__(self) -> None:
        if not self.entity:
            raise ValueError("a subject needs an entity")


@dataclass
class Change:
    """One row written: ``before``/``after`` hold the changed columns of an update, all
    columns of an insert (after) or a delete (before)."""

    entity: str
    entity_id: str | None
    operation: str  # insert | update | delete
    before: JSONDict = field(default_factory=dict)
    after: JSONDict = field(default_factory=dict)
    # Timeline entities the row refers to: (entity, id) pairs for the subject index.
    refs: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.operation not in (INSERT, UPDATE, DELETE):
            raise ValueError(f"unknown operation {self.operation!r}")


def _row_id(mapper: Mapper[Any], obj: object) -> str | None:
    values = mapper.primary_key_from_instance(obj)
    if any(v is None for v in values):
        return None
    return ":".join(str(_default(v) if isinstance(v, (date, Enum)) else v) for v in values)


def _value(key: str, value: object) -> object:
    return REDACTED if key in REDACTED_COLUMNS and value is not None else value


@dataclass(frozen=True)
class _Shape:
    """What the change log needs of a mapped table, computed once per mapper."""

    table: str
    columns: tuple[str, ...]
    refs: tuple[tuple[str, str], ...]  # (column key, timeline entity it refers to)
    redacted: tuple[str, ...] = ()


_shapes: dict[Mapper[Any], _Shape] = {}


def _shape(mapper: Mapper[Any]) -> _Shape:
    shape = _shapes.get(mapper)
    if shape is None:
        table = mapper.persist_selectable
        refs = tuple((str(column.key), fk.column.table.name)
                     for column in table.columns for fk in column.foreign_keys
                     if fk.column.table.name in TIMELINE_ENTITIES)
        name = str(getattr(table, "name", ""))
        columns = tuple(a.key for a in mapper.column_attrs)
        shape = _Shape(name, columns, refs,
                       tuple(c for c in columns if c in REDACTED_COLUMNS))
        _shapes[mapper] = shape
    return shape


def _refs(shape: _Shape, values: JSONDict) -> tuple[tuple[str, str], ...]:
    return tuple((target, str(values[key])) for key, target in shape.refs if values.get(key))


class SealedChange(NamedTuple):
    """A change already serialised (kept compact while a big unit goes on)."""

    entity: str
    entity_id: str | None
    operation: str
    before_json: str
    after_json: str
    refs: tuple[tuple[str, str], ...]

    def unseal(self) -> Change:
        return Change(self.entity, self.entity_id, self.operation,
                      json.loads(self.before_json), json.loads(self.after_json), self.refs)


def _seal(c: Change) -> SealedChange:
    return SealedChange(c.entity, c.entity_id, c.operation, to_json(c.before),
                        to_json(c.after), c.refs)


class ChangeLog:
    """The change rows of one unit, captured from the session's flushes (so a service
    cannot forget one) plus any the unit adds explicitly. A row written several times in
    one unit is one change (insert+update = insert; update+update = update). Changes
    are serialised every ``SEAL_EVERY`` rows so that a big import stays small in memory."""

    SEAL_EVERY = 2000

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str | None], Change | SealedChange] = {}
        self._anonymous: list[Change | SealedChange] = []
        self._open: list[tuple[str, str | None]] = []  # keys holding an unsealed Change

    def __iter__(self) -> Iterator[Change | SealedChange]:
        yield from self._by_key.values()
        yield from self._anonymous

    def __len__(self) -> int:
        return len(self._by_key) + len(self._anonymous)

    def add(self, change: Change) -> None:
        if change.entity in DERIVED_TABLES:
            return
        if change.entity_id is None:
            self._anonymous.append(change)
            return
        key = (change.entity, change.entity_id)
        found = self._by_key.get(key)
        if found is None:
            self._put(key, change)
            return
        old = found.unseal() if isinstance(found, SealedChange) else found
        refs = tuple(dict.fromkeys(old.refs + change.refs))
        if change.operation == DELETE:
            # inserted then deleted: it existed with its inserted values; updated then
            # deleted: the values it had before this unit
            before = old.after if old.operation == INSERT else {**change.before, **old.before}
            merged = Change(old.entity, old.entity_id, DELETE, before, {}, refs)
        elif old.operation == DELETE:  # deleted, then written again under the same key
            merged = Change(old.entity, old.entity_id, UPDATE, old.before,
                            dict(change.after), refs)
        elif old.operation == INSERT:
            old.after.update(change.after)
            old.refs = refs
            merged = old
        else:
            for k, v in change.before.items():
                old.before.setdefault(k, v)
            old.after.update(change.after)
            old.refs = refs
            merged = old
        self._put(key, merged)

    def _put(self, key: tuple[str, str | None], change: Change) -> None:
        self._by_key[key] = change
        self._open.append(key)
        if len(self._open) >= self.SEAL_EVERY:
            self.seal()

    def seal(self) -> None:
        """Serialise every change not yet serialised."""
        for key in self._open:
            found = self._by_key.get(key)
            if isinstance(found, Change):
                self._by_key[key] = _seal(found)
        self._open.clear()
        self._anonymous = [_seal(c) if isinstance(c, Change) else c for c in self._anonymous]

    def capture(self, session: Session) -> None:
        """Read the rows a flush is writing (call from ``after_flush``: the session's
        new/dirty/deleted collections and attribute histories are still pre-flush)."""
        for obj in list(session.new):
            self._capture_one(obj, INSERT)
        for obj in list(session.dirty):
            if session.is_modified(obj, include_collections=False):
                self._capture_one(obj, UPDATE)
        for obj in list(session.deleted):
            self._capture_one(obj, DELETE)

    def _capture_one(self, obj: object, operation: str) -> None:
        state: InstanceState[Any] = sa_inspect(obj)
        mapper = state.mapper
        shape = _shape(mapper)
        if shape.table in AUDIT_TABLES or shape.table in DERIVED_TABLES:
            return
        values = state.dict
        before: JSONDict = {}
        after: JSONDict = {}
        if operation == INSERT:
            after = {k: values.get(k) for k in shape.columns}
            for k in shape.redacted:
                after[k] = _value(k, after[k])
        elif operation == DELETE:
            before = {k: _value(k, values[k]) for k in shape.columns if k in values}
        else:
            attrs = state.attrs
            for key in shape.columns:
                history = attrs[key].history
                if not (history.added or history.deleted):
                    continue
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if old == new and history.deleted:
                    continue
                before[key] = _value(key, old)
                after[key] = _value(key, new)
            if not after:
                return
        self.add(Change(shape.table, _row_id(mapper, obj), operation, before, after,
                        _refs(shape, values)))


def change_rows_for(model: type[SQLModel], rows: Iterable[JSONDict]) -> list[Change]:
    """Insert changes for rows written with a bulk Core insert of ``model``."""
    mapper: Mapper[Any] = sa_inspect(model)
    shape = _shape(mapper)
    if shape.table in DERIVED_TABLES:
        return []
    pk = [str(c.key) for c in mapper.primary_key]
    out = []
    for row in rows:
        values = {k: _value(k, v) for k, v in row.items()}
        ident = ":".join(str(_default(row[k]) if isinstance(row[k], (date, Enum)) else row[k])
                         for k in pk) if all(row.get(k) is not None for k in pk) else None
        out.append(Change(shape.table, ident, INSERT, {}, values, _refs(shape, row)))
    return out


# --------------------------------------------------------------------------- hashing


class ChangeRow(Protocol):
    """A stored change row as the hash reads it (``AuditChange`` or a plain row)."""

    @property
    def ordinal(self) -> int: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> str | None: ...
    @property
    def operation(self) -> str: ...
    @property
    def before_json(self) -> str: ...
    @property
    def after_json(self) -> str: ...


class _Row(NamedTuple):
    ordinal: int
    entity: str
    entity_id: str | None
    operation: str
    before_json: str
    after_json: str


def _changes_payload(changes: Sequence[ChangeRow]) -> list[list[Any]]:
    return [[c.entity, c.entity_id, c.operation, c.before_json, c.after_json]
            for c in sorted(changes, key=lambda c: c.ordinal)]


def event_hash(event: AuditEvent, changes: Sequence[ChangeRow] = (),
               key: bytes | None = None) -> str:
    """The event's hash. Version 1 (events from before revision 0003) covers the event
    row only; version 2 also covers its change rows, in order; version 3 also covers the
    OS account and is an HMAC keyed with the installation's chain key (``key``, default
    ``storage.anchor.chain_key()``), so that it cannot be recomputed from the file alone."""
    payload: JSONDict = {
        "id": event.id,
        "chain": event.chain,
        "seq": event.seq,
        "at": _as_naive(event.at).isoformat(timespec="milliseconds"),
        "actor_kind": event.actor_kind,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "office_id": event.office_id,
        "office_code": event.office_code,
        "action": event.action,
        "organization_id": event.organization_id,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "before": event.before_json,
        "after": event.after_json,
        "note": event.note,
        "prev": event.prev_hash,
    }
    version = event.hash_version or 1
    if version >= 2:
        payload["v"] = version
        payload["changes"] = _changes_payload(changes)
    if version >= 3:
        from mca_tui.storage.anchor import chain_key

        payload["os"] = event.os_account or ""
        return hmac.new(key if key is not None else chain_key(),
                        to_json(payload).encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(to_json(payload).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- appending


def process_os_account() -> str:
    """The operating-system account of this process from its real uid (never from the
    environment: ``USER``/``LOGNAME`` can be set to anything). Where there is no uid
    (Windows) the login the system reports for the process, else "unknown"."""
    getuid = getattr(os, "getuid", None)
    if getuid is not None:
        uid = getuid()
        try:
            import pwd

            return pwd.getpwuid(uid).pw_name[:64]
        except (ImportError, KeyError):
            return f"uid:{uid}"
    try:  # Windows: the account of the process token (not an environment variable)
        return os.getlogin()[:64]
    except OSError:
        return "unknown"


def _new_chain_head(session: Session, chain: str) -> AuditChainHead:
    """The head of a chain's first event, created (seq 0, genesis) in a savepoint and
    locked: where writers are not serialised (PostgreSQL), two first events of a chain
    at once meet on its primary key, and the loser takes the winner's head in turn."""
    try:
        with session.begin_nested():
            session.add(AuditChainHead(chain=chain, seq=0, hash=GENESIS))
    except IntegrityError:
        pass  # created meanwhile by another transaction
    head = session.get(AuditChainHead, chain, with_for_update=True, populate_existing=True)
    assert head is not None
    return head


def append_event(
    session: Session,
    actor: Actor,
    action: str,
    *,
    subject: Subject,
    changes: Iterable[Change | SealedChange] = (),
    before: JSONDict | None = None,
    after: JSONDict | None = None,
    note: str = "",
    at: datetime | None = None,
    also_about: Iterable[tuple[str, str]] = (),
) -> AuditEvent:
    """Append one event about ``subject`` with its change rows to the actor's office
    chain and index it (inside the caller's transaction). ``before``/``after`` are a
    short headline for people; ``also_about`` adds (entity, id) pairs to the index."""
    chain = actor.office_code
    # FOR UPDATE serialises appenders on servers; SQLite is already serialised by
    # BEGIN IMMEDIATE (and its dialect renders no FOR UPDATE).
    head = session.get(AuditChainHead, chain, with_for_update=True)
    if head is None:
        head = _new_chain_head(session, chain)
    seq = head.seq + 1
    prev = head.hash
    event = AuditEvent(
        chain=chain,
        seq=seq,
        at=at or utcnow(),
        actor_kind=actor.kind,
        actor_id=actor.user_id,
        actor_name=actor.name,
        office_id=actor.office_id,
        office_code=actor.office_code,
        action=action,
        organization_id=subject.organization_id,
        entity=subject.entity,
        entity_id=subject.id,
        before_json=to_json(before or {}),
        after_json=to_json(after or {}),
        note=note,
        prev_hash=prev,
        hash="",
        hash_version=HASH_VERSION,
        os_account=process_os_account(),
    )
    keys: dict[tuple[str, str], None] = {}
    if subject.id:
        keys[(subject.entity, subject.id)] = None
    if subject.organization_id:
        keys[("organization", subject.organization_id)] = None
    rows = []
    for i, change in enumerate(changes):
        c = change if isinstance(change, SealedChange) else _seal(change)
        rows.append(_Row(i, c.entity, c.entity_id, c.operation, c.before_json, c.after_json))
        if c.entity_id:
            keys[(c.entity, c.entity_id)] = None
        for ref in c.refs:
            keys[ref] = None
    for entity, entity_id in also_about:
        if entity_id:
            keys[(entity, str(entity_id))] = None
    event.hash = event_hash(event, rows)
    session.add(event)
    head.seq, head.hash = seq, event.hash
    session.add(head)
    session.flush()
    # Core inserts on the unit's connection (no ORM layer: they are most of an edit's cost)
    conn = session.connection()
    for start in range(0, len(rows), _INSERT_CHUNK):
        conn.execute(_CHANGE_INSERT, [
            {"event_id": event.id, "ordinal": r.ordinal, "entity": r.entity,
             "entity_id": r.entity_id, "operation": r.operation,
             "before_json": r.before_json, "after_json": r.after_json}
            for r in rows[start:start + _INSERT_CHUNK]])
    subjects = list(keys)
    for start in range(0, len(subjects), _INSERT_CHUNK):
        conn.execute(_SUBJECT_INSERT, [
            {"entity": e, "entity_id": i, "at": event.at, "event_id": event.id}
            for e, i in subjects[start:start + _INSERT_CHUNK]])
    return event


# --------------------------------------------------------------------------- reading


def events_about_query(entity: str, entity_id: str, *,
                       newest_first: bool = False) -> SelectOfScalar[AuditEvent]:
    """The select of every event indexed under (entity, id), in time order, searched by
    the ``audit_subject`` primary key (no scan, no sort)."""
    at, event_id = col(AuditSubject.at), col(AuditSubject.event_id)
    order = (at.desc(), event_id.desc()) if newest_first else (at.asc(), event_id.asc())
    return (select(AuditEvent)
            .join(AuditSubject, event_id == col(AuditEvent.id))
            .where(AuditSubject.entity == entity, AuditSubject.entity_id == entity_id)
            .order_by(*order))


def events_about(session: Session, entity: str, entity_id: str, *,
                 newest_first: bool = False) -> list[AuditEvent]:
    """Every event about one organization / application / case / row, oldest first."""
    return list(session.exec(events_about_query(entity, entity_id,
                                                newest_first=newest_first)).all())


def changes_of(session: Session, event_id: str, *, entity: str | None = None,
               entity_id: str | None = None) -> list[AuditChange]:
    """The change rows of one event in order (optionally only those of one row)."""
    stmt = select(AuditChange).where(AuditChange.event_id == event_id)
    if entity is not None:
        stmt = stmt.where(AuditChange.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditChange.entity_id == entity_id)
    return list(session.exec(stmt.order_by(col(AuditChange.ordinal))).all())


# --------------------------------------------------------------------------- verifying


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    seq: int | None
    event_id: str | None
    # hash_mismatch | prev_mismatch | gap | head_mismatch | missing_head | downgrade |
    # no_events
    reason: str
    keyed: bool = False  # the event's hash is keyed (HMAC with the chain key)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    chains: int
    broken: BrokenLink | None = None


# Rows fetched at a time while a chain is verified: the events and change rows are read
# in batches (on PostgreSQL through server-side cursors), not whole. (psycopg's default
# cursor holds a whole result in memory: verifying a 1M registry's 1.3M change rows took
# 6 GB.)
VERIFY_BATCH = 2000


def _changes_by_event(session: Session, chain: str) -> Iterator[tuple[str, list[AuditChange]]]:
    """The change rows of a chain's events, grouped by event, in event order."""
    stmt = (select(AuditChange)
            .join(AuditEvent, col(AuditEvent.id) == col(AuditChange.event_id))
            .where(AuditEvent.chain == chain)
            .order_by(col(AuditEvent.seq), col(AuditChange.ordinal))
            .execution_options(yield_per=VERIFY_BATCH))
    current: str | None = None
    group: list[AuditChange] = []
    for change in session.exec(stmt):
        if change.event_id != current:
            if current is not None:
                yield current, group
            current, group = change.event_id, []
        group.append(change)
    if current is not None:
        yield current, group


# Tables whose rows are only ever written with an audit event (the office first of all).
_RECORD_TABLES = ("office", "user_account", "organization", "application")


def _has_records(session: Session) -> bool:
    from sqlalchemy import text

    for table in _RECORD_TABLES:
        if session.execute(text(f"select 1 from {table} limit 1")).first() is not None:  # noqa: S608
            return True
    return False


def verify_chains(session: Session) -> VerifyResult:
    """Recompute every chain (events and their change rows); report the first broken
    link."""
    heads = {h.chain: h for h in session.exec(select(AuditChainHead)).all()}
    chains = set(heads) | set(session.exec(select(AuditEvent.chain).distinct()).all())
    if not chains and _has_records(session):
        # every record is written with an event: records without any were emptied out
        return VerifyResult(False, 0, 0, BrokenLink("-", None, None, "no_events"))
    total = 0
    for chain in sorted(chains):
        prev, expected_seq = GENESIS, 1
        last: AuditEvent | None = None
        keyed = False
        events = session.exec(
            select(AuditEvent).where(AuditEvent.chain == chain).order_by(col(AuditEvent.seq))
            .execution_options(yield_per=VERIFY_BATCH)
        )
        grouped = _changes_by_event(session, chain)
        pending = next(grouped, None)
        for event in events:
            total += 1
            changes: list[AuditChange] = []
            if pending is not None and pending[0] == event.id:
                changes = pending[1]
                pending = next(grouped, None)
            if event.seq != expected_seq:
                return VerifyResult(False, total, len(chains),
                                    BrokenLink(chain, expected_seq, event.id, "gap"))
            if event.prev_hash != prev:
                return VerifyResult(False, total, len(chains),
                                    BrokenLink(chain, event.seq, event.id, "prev_mismatch"))
            if event_hash(event, changes) != event.hash or (
                    changes and (event.hash_version or 1) < 2):  # no rows added to old events
                # (a keyed event also fails where this machine's chain key is another one)
                return VerifyResult(False, total, len(chains),
                                    BrokenLink(chain, event.seq, event.id, "hash_mismatch",
                                               keyed=(event.hash_version or 1) >= 3))
            if keyed and (event.hash_version or 1) < 3:
                # an unkeyed event after a keyed one: written without the key (a forgery)
                return VerifyResult(False, total, len(chains),
                                    BrokenLink(chain, event.seq, event.id, "downgrade"))
            keyed = keyed or (event.hash_version or 1) >= 3
            prev, expected_seq, last = event.hash, expected_seq + 1, event
        if pending is not None:
            # change rows whose event is missing or out of order
            return VerifyResult(False, total, len(chains),
                                BrokenLink(chain, None, pending[0], "hash_mismatch"))
        head = heads.get(chain)
        if head is None:
            return VerifyResult(False, total, len(chains),
                                BrokenLink(chain, None, None, "missing_head"))
        if last is None or head.seq != last.seq or head.hash != last.hash:
            return VerifyResult(False, total, len(chains),
                                BrokenLink(chain, head.seq, None, "head_mismatch"))
    return VerifyResult(True, total, len(chains))
