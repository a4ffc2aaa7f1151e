"""Revision 0003 on a registry written before it: old events keep verifying (hash version
1), the subject index is back-filled so timelines find them, and new events (version 2,
with change rows) chain on."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from alembic import command

from mca_tui.config import Settings
from mca_tui.services.context import cli_context, office_id_for
from mca_tui.storage import audit
from mca_tui.storage.engine import Database, to_url
from mca_tui.storage.migrate import alembic_config, current_revision, head_revision

OFFICE = "350205"
ORG, APP, DOC, USER, BATCH = ("0" * 31 + str(i) for i in range(1, 6))


def _upgrade_to(db: Database, revision: str) -> None:
    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        cfg.attributes["connection"] = conn.execution_options(mca_write=True)
        command.upgrade(cfg, revision)


def _old_hash(row: dict) -> str:
    """The hash as revision 0002's code computed it (no change rows, no version)."""
    payload = {k: row[k] for k in ("id", "chain", "seq", "at", "actor_kind", "actor_id",
                                   "actor_name", "office_id", "office_code", "action",
                                   "organization_id", "entity", "entity_id", "note")}
    payload.update(before=row["before_json"], after=row["after_json"], prev=row["prev_hash"])
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


OLD_EVENTS = [
    # (action, entity, entity_id, organization_id, after)
    ("office.create", "office", office_id_for(OFFICE), None, {"code": OFFICE}),
    ("user.add", "user", USER, None, {"username": "zhang"}),
    # the old unit named the event after the first record: an acceptance stored as a
    # document event, the application under an "entity:id" key
    ("application.accept", "issued_document", DOC, None,
     {"number": "海民登受〔2022〕1号", f"application:{APP}": {"status": "accepted"}}),
    ("application.approve", "organization", ORG, ORG,
     {"name": "海沧区书法协会", f"application:{APP}": {"status": "approved"}}),
    ("ledger.import", "import_batch", BATCH, None,
     {"counts": {}, "changed_organization_ids": [ORG]}),
]


def _write_old_events(path) -> list[str]:
    raw = sqlite3.connect(path, isolation_level=None)
    prev, ids = audit.GENESIS, []
    for seq, (action, entity, entity_id, org_id, after) in enumerate(OLD_EVENTS, start=1):
        row = {"id": f"{seq:032x}", "chain": OFFICE, "seq": seq,
               "at": f"2022-05-0{seq}T08:00:00.000", "actor_kind": "os", "actor_id": None,
               "actor_name": "os:clerk", "office_id": office_id_for(OFFICE),
               "office_code": OFFICE, "action": action, "organization_id": org_id,
               "entity": entity, "entity_id": entity_id, "before_json": "{}",
               "after_json": audit.to_json(after), "note": "", "prev_hash": prev}
        row["hash"] = _old_hash(row)
        stored = dict(row, at=row["at"].replace("T", " ").replace(".000", ".000000"))
        raw.execute(f"INSERT INTO audit_event ({', '.join(stored)}) "
                    f"VALUES ({', '.join('?' * len(stored))})", list(stored.values()))
        prev = row["hash"]
        ids.append(row["id"])
    raw.execute("INSERT INTO audit_chain_head (chain, seq, hash) VALUES (?, ?, ?)",
                (OFFICE, len(OLD_EVENTS), prev))
    raw.close()
    return ids


def test_old_chain_verifies_and_is_indexed_after_upgrade(tmp_path):
    path = tmp_path / "old.db"
    old = Database(to_url(path))
    _upgrade_to(old, "0002")
    assert current_revision(old) == "0002"
    ids = _write_old_events(path)
    old.dispose()

    db = Database.open(path)  # upgrades to head, as the app does on start
    assert current_revision(db) == head_revision()
    with db.read() as s:
        result = audit.verify_chains(s)
        assert result.ok and result.events == len(OLD_EVENTS), result
        about_app = [e.id for e in audit.events_about(s, "application", APP)]
        about_org = [e.id for e in audit.events_about(s, "organization", ORG)]
        about_user = [e.id for e in audit.events_about(s, "user_account", USER)]
        newest = audit.events_about(s, "organization", ORG, newest_first=True)
    assert about_app == [ids[2], ids[3]]
    assert about_org == [ids[3], ids[4]]  # approval, and the import that changed it
    assert about_user == [ids[1]]
    assert [e.id for e in newest] == [ids[4], ids[3]]

    # a new event (hash version 2, with change rows) chains on the old ones
    ctx = cli_context(db, Settings(documents_dir=str(tmp_path / "docs")))

    from mca_tui.services import calendar_admin

    calendar_admin.mark_year_complete(ctx, 2027)
    with db.read() as s:
        result = audit.verify_chains(s)
        last = audit.events_about(s, "calendar_year", "2027")[-1]
    # (+ the office row's creation on first use: these old events had no office row)
    assert result.ok and result.events == len(OLD_EVENTS) + 2
    assert last.hash_version == audit.HASH_VERSION
    with db.read() as s:
        assert [(c.entity, c.entity_id, c.operation) for c in audit.changes_of(s, last.id)] == [
            ("calendar_year", "2027", "insert")]
    db.dispose()


def test_tampering_with_an_old_event_is_still_detected(tmp_path):
    path = tmp_path / "old.db"
    old = Database(to_url(path))
    _upgrade_to(old, "0002")
    _write_old_events(path)
    old.dispose()
    db = Database.open(path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("UPDATE audit_event SET after_json = '{}' WHERE seq = 3")
    raw.execute("UPDATE audit_event SET hash_version = 2 WHERE seq = 2")  # claim a version
    raw.close()
    with db.read() as s:
        result = audit.verify_chains(s)
    assert not result.ok and (result.broken.reason, result.broken.seq) == ("hash_mismatch", 2)
    db.dispose()


def test_rows_slipped_under_an_old_event_or_a_downgraded_version_are_detected(tmp_path):
    path = tmp_path / "old.db"
    old = Database(to_url(path))
    _upgrade_to(old, "0002")
    ids = _write_old_events(path)
    old.dispose()
    db = Database.open(path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("INSERT INTO audit_change VALUES (?, 0, 'organization', ?, 'delete', '{}', '{}')",
                (ids[3], ORG))
    raw.close()
    with db.read() as s:
        result = audit.verify_chains(s)
    assert not result.ok and (result.broken.reason, result.broken.seq) == ("hash_mismatch", 4)
    db.dispose()


def test_a_new_event_claiming_the_old_hash_version_is_detected(tmp_path):
    db = Database.open(tmp_path / "new.db")
    ctx = cli_context(db, Settings(documents_dir=str(tmp_path / "docs")))
    from mca_tui.services import calendar_admin

    calendar_admin.mark_year_complete(ctx, 2027)
    raw = sqlite3.connect(tmp_path / "new.db", isolation_level=None)
    raw.execute("UPDATE audit_event SET hash_version = 1 WHERE seq = 2")
    raw.close()
    with db.read() as s:
        result = audit.verify_chains(s)
    assert not result.ok and (result.broken.reason, result.broken.seq) == ("hash_mismatch", 2)
    db.dispose()
