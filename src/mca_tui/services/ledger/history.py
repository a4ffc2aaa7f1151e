"""The imports that touched an organization, for its timeline (``import_history``): read
from the audit chain (the event's subjects and change rows), the batch's summary only for
events written before change rows existed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.services.ledger_import import ACTION
from mca_tui.storage.audit import changes_of, events_about_query
from mca_tui.storage.models import (
    AnnualReport,
    AuditEvent,
    ImportBatch,
    Organization,
    SupervisionRecord,
)


@dataclass(frozen=True)
class ImportTouch:
    """An import that created or changed something of one organization."""

    batch_id: str
    file_name: str
    imported_at: datetime
    actor_name: str
    what: str  # created | changed | reports | records
    source_row: int | None = None
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


def import_history(session: Session, organization_id: str) -> list[ImportTouch]:
    """The imports that touched an organization, oldest first (for its timeline)."""
    out: list[ImportTouch] = []
    org = session.get(Organization, organization_id)
    if org is None:
        return out
    batches: dict[str, ImportBatch | None] = {}

    def batch(bid: str) -> ImportBatch | None:
        if bid not in batches:
            batches[bid] = session.get(ImportBatch, bid)
        return batches[bid]

    if org.import_batch_id and (b := batch(org.import_batch_id)):
        out.append(ImportTouch(b.id, b.file_name, b.imported_at, b.actor_name, "created",
                               org.source_row))
    # Imports that changed it: events about it (audit_subject index), its change rows.
    for event in session.exec(events_about_query("organization", organization_id)
                              .where(AuditEvent.action == ACTION)):
        b = batch(event.entity_id or "")
        if b is None:
            continue
        noted = json.loads(b.summary_json or "{}").get("changed", {}).get(organization_id)
        if event.hash_version < 2:  # written before audit change rows: the batch summary
            if noted:
                out.append(ImportTouch(b.id, b.file_name, b.imported_at, b.actor_name,
                                       "changed", noted.get("row"), noted.get("before", {}),
                                       noted.get("after", {})))
            continue
        for change in changes_of(session, event.id, entity="organization",
                                 entity_id=organization_id):
            if change.operation == "update":
                out.append(ImportTouch(b.id, b.file_name, b.imported_at, b.actor_name,
                                       "changed", (noted or {}).get("row"),
                                       json.loads(change.before_json),
                                       json.loads(change.after_json)))
    for what, model in (("reports", AnnualReport), ("records", SupervisionRecord)):
        ids = session.exec(select(col(model.import_batch_id)).where(
            col(model.organization_id) == organization_id,
            col(model.import_batch_id).is_not(None)).distinct()).all()
        for bid in ids:
            if (b := batch(bid or "")) is not None:
                out.append(ImportTouch(b.id, b.file_name, b.imported_at, b.actor_name, what))
    out.sort(key=lambda x: (str(x.imported_at), x.what))
    return out
