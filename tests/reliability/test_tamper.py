"""The tamper suite (issue 13, "The audit trail cannot be rewritten quietly"): each way
someone with the registry file can rewrite the trail is named by ``mca-tui audit verify``
(with the keyed chain, an anchor receipt, or ``--deep``)."""

from __future__ import annotations

import json
import os
import stat

import pytest
from sqlmodel import col, select

from mca_tui import cli
from mca_tui.domain.enums import OrgType
from mca_tui.services.organizations import insert_organization, update_organization
from mca_tui.storage import anchor
from mca_tui.storage.audit import Subject, event_hash, verify_chains
from mca_tui.storage.models import AuditChange, AuditEvent
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


def _verify(db, capsys, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["--db", rawdb.db_arg(db), "audit", "verify", *extra])
    return code, capsys.readouterr().out


def _anchor(db, tmp_path, capsys) -> str:
    receipt = tmp_path / "receipt.json"
    assert cli.main(["--db", rawdb.db_arg(db), "audit", "anchor", str(receipt)]) == 0
    assert "锚定回执" in capsys.readouterr().out
    return str(receipt)


def _events(db) -> list[tuple[int, str]]:
    raw = rawdb.connect(db)
    try:
        return [(r[0], r[1]) for r in raw.execute("select seq, hash from audit_event "
                                                  "order by seq").fetchall()]
    finally:
        raw.close()


def _cut_tail(db, keep: int) -> None:
    """Delete every event after ``keep`` (with its rows) and point the head at ``keep``."""
    raw = rawdb.connect(db)
    try:
        ids = [r[0] for r in raw.execute(f"select id from audit_event where seq > {keep}")
               .fetchall()]
        for event_id in ids:
            raw.execute(f"delete from audit_change where event_id = '{event_id}'")
            raw.execute(f"delete from audit_subject where event_id = '{event_id}'")
            raw.execute(f"delete from audit_event where id = '{event_id}'")
        last = raw.execute(f"select hash from audit_event where seq = {keep}").fetchall()[0][0]
        raw.execute(f"update audit_chain_head set seq = {keep}, hash = '{last}'")
    finally:
        raw.close()


def _rehash(db, *, key: bytes | None, version: int, edit_seq: int) -> None:
    """Edit one event's headline, then recompute every hash from there on as an attacker
    would: with another key (``key``) or unkeyed (``version`` 2), and update the head."""
    raw = rawdb.connect(db)
    try:
        raw.execute(f"update audit_event set note = 'forged' where seq = {edit_seq}")
    finally:
        raw.close()
    with db.write() as s:
        prev = None
        for event in s.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all():
            if event.seq >= edit_seq:
                event.prev_hash = prev or event.prev_hash
                event.hash_version = version
                changes = s.exec(select(AuditChange)
                                 .where(AuditChange.event_id == event.id)).all()
                event.hash = event_hash(event, list(changes), key=key)
                s.add(event)
            prev = event.hash
    raw = rawdb.connect(db)
    try:
        last = raw.execute("select seq, hash from audit_event order by seq desc").fetchall()[0]
        raw.execute(f"update audit_chain_head set seq = {last[0]}, hash = '{last[1]}'")
    finally:
        raw.close()


def test_intact_registry_verifies_against_its_receipt_and_history(ctx, db, tmp_path, capsys):
    _make_events(ctx)
    receipt = _anchor(db, tmp_path, capsys)
    _make_events(ctx, 2)  # the chain goes on after the receipt: it still extends it
    code, out = _verify(db, capsys, "--anchor", receipt, "--deep")
    assert code == 0, out
    assert "审计链完整" in out and "延续" in out and "相符" in out


def test_events_are_keyed_and_record_the_os_account(ctx, db):
    _make_events(ctx, 1)
    with db.read() as s:
        event = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()
        assert event is not None
        assert event.hash_version == 3 and event.os_account
    key = anchor.key_path()
    assert key.exists() and stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key.parent).st_mode) == 0o700
    # the key is not in the database
    raw = rawdb.connect(db)
    try:
        text = anchor.chain_key().hex()
        for (table,) in raw.execute(
                "select name from sqlite_master where type='table' "
                "and sql not like 'CREATE VIRTUAL TABLE%'") \
                .fetchall() if db.is_sqlite else []:
            dump = str(raw.execute(f"select * from \"{table}\"").fetchall())
            assert text not in dump
    finally:
        raw.close()


def test_tail_truncation_with_head_update_is_named_by_the_receipt(ctx, db, tmp_path, capsys):
    _make_events(ctx)
    receipt = _anchor(db, tmp_path, capsys)
    _cut_tail(db, keep=4)
    with db.read() as s:
        assert verify_chains(s).ok  # the chain alone cannot tell
    code, out = _verify(db, capsys, "--anchor", receipt)
    assert code == 1
    assert "第 6 号事件" in out and "末尾的事件被删除" in out


def test_rehash_with_another_key_is_named(ctx, db, capsys):
    _make_events(ctx)
    _rehash(db, key=b"k" * 32, version=3, edit_seq=3)
    code, out = _verify(db, capsys)
    assert code == 1
    assert "第 3 号事件" in out and "事件被修改" in out


def test_rehash_without_key_after_keyed_events_is_named(ctx, db, capsys):
    _make_events(ctx)
    _rehash(db, key=None, version=2, edit_seq=3)
    code, out = _verify(db, capsys)
    assert code == 1
    assert "第 3 号事件" in out and "未加密钥" in out


def test_whole_chain_rehashed_unkeyed_is_named_by_the_receipt(ctx, db, tmp_path, capsys):
    _make_events(ctx)
    receipt = _anchor(db, tmp_path, capsys)
    _rehash(db, key=None, version=2, edit_seq=1)
    with db.read() as s:
        assert verify_chains(s).ok  # a consistent unkeyed chain: only the receipt tells
    code, out = _verify(db, capsys, "--anchor", receipt)
    assert code == 1
    assert "哈希已改变" in out


def test_deleting_every_event_is_named(ctx, db, tmp_path, capsys):
    _make_events(ctx)
    receipt = _anchor(db, tmp_path, capsys)
    raw = rawdb.connect(db)
    try:
        for table in ("audit_change", "audit_subject", "audit_event", "audit_chain_head"):
            raw.execute(f"delete from {table}")
    finally:
        raw.close()
    code, out = _verify(db, capsys)
    assert code == 1 and "没有任何审计事件" in out
    code, out = _verify(db, capsys, "--anchor", receipt)
    assert code == 1 and "已没有任何事件" in out


@pytest.mark.parametrize(
    ("tamper", "reason", "column"),
    [
        ("update organization set name = '海沧区改名协会' where id = '{id}'", "与其变更历史不符",
         "name"),
        ("delete from organization where id = '{id}'", "被删除", ""),
    ],
)
def test_row_edited_outside_the_services_is_found_by_deep(ctx, db, capsys, tamper, reason,
                                                          column):
    ids = _make_events(ctx)
    raw = rawdb.connect(db)
    try:
        raw.execute(tamper.format(id=ids[1]))
    finally:
        raw.close()
    code, out = _verify(db, capsys)
    assert code == 0  # the events are untouched
    code, out = _verify(db, capsys, "--deep")
    assert code == 1
    line = next(x for x in out.splitlines() if ids[1] in x)
    assert "organization" in line and reason in line and column in line
    assert not any(ids[2] in x for x in out.splitlines())


def test_row_inserted_outside_the_services_is_found_by_deep(ctx, db, capsys):
    ids = _make_events(ctx)
    raw = rawdb.connect(db)
    try:
        cols = [r[1] for r in raw.execute("pragma table_info(organization)").fetchall()] \
            if db.is_sqlite else None
        if cols is None:
            pytest.skip("SQLite column listing")
        copy = {"id": "'f' || id", "name": "name || '乙'", "search_rowid": "null"}
        values = ", ".join(copy.get(c, c) for c in cols)
        raw.execute(f"insert into organization select {values} from organization "
                    f"where id = '{ids[0]}'")
    finally:
        raw.close()
    code, out = _verify(db, capsys, "--deep")
    assert code == 1
    assert f"f{ids[0]}" in out and "没有变更历史" in out


def test_receipts_are_owner_only_and_name_every_chain(ctx, db, tmp_path, capsys):
    _make_events(ctx, 1)
    receipt = _anchor(db, tmp_path, capsys)
    assert stat.S_IMODE(os.stat(receipt).st_mode) == 0o600
    with open(receipt, encoding="utf-8") as f:
        body = json.load(f)
    assert body["chains"] == [{"chain": "350205", "count": 3, "hash": _events(db)[-1][1]}]
    # without a file name: a new receipt in the data folder's anchors/
    assert cli.main(["--db", rawdb.db_arg(db), "audit", "anchor"]) == 0
    assert len(list(anchor.receipts_dir().glob("anchor-*.json"))) == 1


def test_not_a_receipt_is_one_line(ctx, db, tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text("{}", encoding="utf-8")
    code, out = _verify(db, capsys, "--anchor", str(bad))
    assert code == 2 and out.strip() == f"{bad} 不是锚定回执。"


@pytest.mark.sqlite_only
def test_backup_and_export_leave_receipts_the_registry_extends(ctx, db, tmp_path, capsys):
    _make_events(ctx)
    backup = tmp_path / "b.db"
    code = cli.main(["--db", rawdb.db_arg(db), "backup", str(backup)])
    out = capsys.readouterr()
    assert code == 0, out
    receipt = anchor.backup_receipt_path(backup)
    assert str(receipt) in out.out
    assert stat.S_IMODE(os.stat(receipt).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    assert anchor.read_receipt(receipt)[0].count == 6
    out_file = tmp_path / "x.csv"
    code = cli.main(["--db", rawdb.db_arg(db), "export", str(out_file), "--unmasked"])
    assert code == 0, capsys.readouterr()
    assert stat.S_IMODE(os.stat(out_file).st_mode) == 0o600
    receipts = list(anchor.receipts_dir().glob("anchor-*.json"))
    assert len(receipts) == 1 and anchor.read_receipt(receipts[0])[0].count == 7
    code, out = _verify(db, capsys, "--anchor", str(receipt))
    assert code == 0, out
    _cut_tail(db, keep=5)
    code, out = _verify(db, capsys, "--anchor", str(receipts[0]))
    assert code == 1 and "第 7 号事件" in out


def test_another_machines_key_is_told_apart_in_the_message(ctx, db, tmp_path, capsys,
                                                            monkeypatch):
    _make_events(ctx, 1)
    monkeypatch.setenv(anchor.ENV_KEY_FILE, str(tmp_path / "other.key"))
    code, out = _verify(db, capsys)
    assert code == 1 and "第 1 号事件" in out and "链密钥" in out
    assert (tmp_path / "other.key").exists()  # a key of its own, never the registry's
