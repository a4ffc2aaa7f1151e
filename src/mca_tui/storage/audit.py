"""The audit trail as a hash chain.

Each office writes its own chain (``chain`` = office code) so that chains from offline
subdistrict offices can be merged later without renumbering. Each event carries the
hash of the one before; ``audit_chain_head`` holds the last (seq, hash) of every chain,
so a deleted tail is detected as well as an edited, inserted, deleted or reordered
event. Appending happens inside the caller's write transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

from sqlmodel import Session, select

from mca_tui.domain.actor import Actor
from mca_tui.storage.models import AuditChainHead, AuditEvent, utcnow

GENESIS = "0" * 64


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
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(value: object) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def _as_naive(at: datetime) -> datetime:
    """UTC without tzinfo, so a value hashes the same before and after storage."""
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def event_hash(event: AuditEvent) -> str:
    payload = {
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
    return hashlib.sha256(to_json(payload).encode("utf-8")).hexdigest()


def append_event(
    session: Session,
    actor: Actor,
    action: str,
    *,
    organization_id: str | None = None,
    entity: str = "",
    entity_id: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the actor's office chain (inside the caller's transaction)."""
    chain = actor.office_code
    # FOR UPDATE serialises appenders on servers; SQLite is already serialised by
    # BEGIN IMMEDIATE (and its dialect renders no FOR UPDATE).
    head = session.get(AuditChainHead, chain, with_for_update=True)
    seq = (head.seq + 1) if head else 1
    prev = head.hash if head else GENESIS
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
        organization_id=organization_id,
        entity=entity,
        entity_id=entity_id,
        before_json=to_json(before or {}),
        after_json=to_json(after or {}),
        note=note,
        prev_hash=prev,
    )
    event.hash = event_hash(event)
    session.add(event)
    if head is None:
        session.add(AuditChainHead(chain=chain, seq=seq, hash=event.hash))
    else:
        head.seq, head.hash = seq, event.hash
        session.add(head)
    session.flush()
    return event


@dataclass(frozen=True)
class BrokenLink:
    chain: str
    seq: int | None
    event_id: str | None
    reason: str  # hash_mismatch | prev_mismatch | gap | head_mismatch | missing_head


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    chains: int
    broken: BrokenLink | None = None


def verify_chains(session: Session) -> VerifyResult:
    """Recompute every chain; report the first broken link."""
    heads = {h.chain: h for h in session.exec(select(AuditChainHead)).all()}
    chains = set(heads) | set(session.exec(select(AuditEvent.chain).distinct()).all())
    total = 0
    for chain in sorted(chains):
        prev, expected_seq = GENESIS, 1
        last: AuditEvent | None = None
        events = session.exec(
            select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
        )
        for event in events:
            total += 1
            if event.seq != expected_seq:
                return VerifyResult(False, total, len(chains),
                                    BrokenLink(chain, expected_seq, event.id, "gap"))
            if event.prev_hash != prev:
                return VerifyResult(False, total, len(chains),
                                    BrokenLink(chain, event.seq, event.id, "prev_mismatch"))
            if event_hash(event) != event.hash:
                return VerifyResult(False, total, len(chains),
                                    BrokenLink(chain, event.seq, event.id, "hash_mismatch"))
            prev, expected_seq, last = event.hash, expected_seq + 1, event
        head = heads.get(chain)
        if head is None:
            return VerifyResult(False, total, len(chains),
                                BrokenLink(chain, None, None, "missing_head"))
        if last is None or head.seq != last.seq or head.hash != last.hash:
            return VerifyResult(False, total, len(chains),
                                BrokenLink(chain, head.seq, None, "head_mismatch"))
    return VerifyResult(True, total, len(chains))
