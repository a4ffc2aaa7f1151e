"""The audit trail's hash chain detects every kind of tampering."""

from __future__ import annotations

import pytest

from mca_tui.domain.enums import OrgType
from mca_tui.services.organizations import insert_organization, update_organization
from mca_tui.storage.audit import Subject, verify_chains
from tests import rawdb


def _make_events(ctx, n: int = 4) -> list[str]:
    ids = []
    for i in range(n):
        with ctx.unit("org.create", subject=Subject("test", None)) as unit:
            org = insert_organization(unit, office_id=ctx.actor.office_id,
                                      org_type=OrgType.SOCIAL_GROUP, name=f"海沧区测试协会{i}")
            ids.append(org.id)
    with ctx.unit("org.change", subject=Subject("organization", ids[0])) as unit:
        update_organization(unit, ids[0], {"domicile": "海沧大道1号"})
    return ids


def _verify(db):
    with db.read() as s:
        return verify_chains(s)


def _raw(db):
    return rawdb.connect(db)


def test_intact_chain_verifies(ctx, db):
    _make_events(ctx)
    result = _verify(db)
    # the office's creation on first use, four creations and one change
    assert result.ok and result.events == 6 and result.chains == 1


def test_each_operation_appends_one_event_with_before_after(ctx, db):
    ids = _make_events(ctx)
    raw = rawdb.connect(db)
    rows = raw.execute("select action, before_json, after_json, actor_kind, office_code "
                       "from audit_event order by seq").fetchall()
    assert len(rows) == 6 and rows[0][0] == "office.create"
    action, before, after, kind, office = rows[-1]
    assert action == "org.change" and kind == "os" and office == "350205"
    assert '"domicile":""' in before and '"domicile":"海沧大道1号"' in after
    assert ids


@pytest.mark.parametrize(
    ("tamper", "reason", "seq"),
    [
        ("update audit_event set after_json='{}' where seq=2", "hash_mismatch", 2),
        ("update audit_event set actor_name='someone' where seq=3", "hash_mismatch", 3),
        ("delete from audit_event where seq=2", "gap", 2),
        ("delete from audit_event where seq=6", "head_mismatch", 6),
        ("update audit_event set seq=seq+100 where seq in (2,3);"
         "update audit_event set seq=3 where seq=102; update audit_event set seq=2 where seq=103",
         "prev_mismatch", 2),
    ],
)
def test_tampering_is_detected(ctx, db, tmp_path, tamper, reason, seq):
    _make_events(ctx)
    raw = _raw(db)
    for statement in tamper.split(";"):
        raw.execute(statement)
    raw.close()
    result = _verify(db)
    assert not result.ok
    assert result.broken.reason == reason
    assert result.broken.seq == seq


def test_inserted_event_is_detected(ctx, db, tmp_path):
    _make_events(ctx)
    raw = _raw(db)
    # Shift the tail up and forge an event in the gap, copying a real one's hashes.
    raw.execute("update audit_event set seq=seq+100 where seq>=3")
    raw.execute("update audit_event set seq=seq-99 where seq>=103")
    raw.execute("insert into audit_event select 'forged', chain, 3, at, actor_kind, actor_id, "
                "actor_name, office_id, office_code, 'org.forged', organization_id, entity, "
                "entity_id, before_json, after_json, note, prev_hash, hash, hash_version, os_account "
                "from audit_event where seq=2")
    raw.close()
    result = _verify(db)
    assert not result.ok and result.broken.seq == 3


def test_audit_verify_command_names_the_broken_link(ctx, db, tmp_path, capsys):
    from mca_tui.cli import main

    _make_events(ctx)
    assert main(["--db", rawdb.db_arg(db), "audit", "verify"]) == 0
    assert "6" in capsys.readouterr().out
    raw = _raw(db)
    raw.execute("update audit_event set note='edited' where seq=4")
    raw.close()
    assert main(["--db", rawdb.db_arg(db), "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "第 4 号" in out and "被修改" in out
