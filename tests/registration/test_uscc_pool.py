"""A new USCC never reuses another organization's 主体标识码 (USCC positions 9-17,
GB 32100-2015; domain.md §11.1): imported, legacy or issued, of any category."""

from __future__ import annotations

import threading

from sqlmodel import select

from mca_tui.domain.enums import OrgType
from mca_tui.domain.identifiers import build_uscc, validate_uscc
from mca_tui.services import codes
from mca_tui.storage.models import CodeCounter, Organization


def _import(db, ctx, *codes_: str) -> None:
    """Put organizations with these codes on the register, as a ledger import does."""
    with db.write() as s:
        for i, code in enumerate(codes_):
            s.add(Organization(office_id=ctx.actor.office_id, org_type="social_group",
                               name=f"已登记组织{i}", uscc=code))


def test_an_imported_body_of_another_category_is_skipped(ctx, db, settings):
    # 52350205MJ0000018D (a 民非) holds body MJ000001-8: a social group may not get
    # 51350205MJ0000018G, which names the same organization code
    assert validate_uscc("52350205MJ0000018D").valid
    same_body = build_uscc("1", "350205", "MJ000001")
    assert same_body == "51350205MJ0000018G"
    _import(db, ctx, "52350205MJ0000018D")
    with db.write() as s:
        code = codes.assign_uscc(s, settings, OrgType.SOCIAL_GROUP)
    assert code != same_body
    assert code[8:17] != "MJ0000018"
    assert code == build_uscc("1", "350205", "MJ000002")


def test_every_body_in_use_is_skipped_in_any_division(ctx, db, settings):
    # bodies 1-3 used by a 民非 here, a province-level foundation and a legacy 社团 code
    # of another division; body 5 too
    _import(db, ctx, build_uscc("2", "350205", "MJ000001"), build_uscc("3", "350000", "MJ000002"),
            build_uscc("1", "350206", "MJ000003"), build_uscc("2", "350205", "MJ000005"))
    with db.write() as s:
        got = [codes.assign_uscc(s, settings, OrgType.SOCIAL_GROUP) for _ in range(3)]
        for code in got:
            s.add(Organization(office_id=ctx.actor.office_id, org_type="social_group",
                               name=code, uscc=code))
    assert [c[8:16] for c in got] == ["MJ000004", "MJ000006", "MJ000007"]
    assert all(validate_uscc(c).valid for c in got)
    with db.read() as s:
        # the counter moved past what it skipped: the next approval does not rescan from 1
        assert s.get(CodeCounter, "uscc:350205:MJ").last_value == 7


def test_concurrent_approvals_get_different_bodies(ctx, db, settings):
    _import(db, ctx, build_uscc("2", "350205", "MJ000001"))
    barrier = threading.Barrier(2)
    got: list[str] = []
    errors: list[BaseException] = []

    def approve(org_type: OrgType) -> None:
        try:
            barrier.wait(timeout=5)
            with db.write() as s:
                code = codes.assign_uscc(s, settings, org_type)
                s.add(Organization(office_id=ctx.actor.office_id, org_type=org_type.value,
                                   name=f"并发{org_type.value}", uscc=code))
            got.append(code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(t,))
               for t in (OrgType.SOCIAL_GROUP, OrgType.PRIVATE_NON_ENTERPRISE)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert not errors, errors
    assert len({c[8:16] for c in got}) == 2
    with db.read() as s:
        bodies = [u[8:16] for u in s.exec(select(Organization.uscc)).all()]
    assert len(bodies) == len(set(bodies)) == 3


def test_a_counter_created_meanwhile_is_used_not_duplicated(db):
    """Where writers are not serialised (PostgreSQL) two first uses may both miss the
    counter row: the loser's insert conflicts in its savepoint and it reads the winner's
    row, locked, instead of failing the approval."""
    from sqlalchemy import text

    with db.write() as s:
        s.execute(text("INSERT INTO code_counter (name, last_value) VALUES ('uscc:x', 41)"))
        real_get = s.get
        calls = []

        def get_missing_first(*args, **kw):  # the row "did not exist yet" when first read
            calls.append(args)
            return None if len(calls) == 1 else real_get(*args, **kw)

        s.get = get_missing_first
        assert codes.next_value(s, "uscc:x") == 42
        assert len(calls) == 2
    with db.read() as s:
        assert s.get(CodeCounter, "uscc:x").last_value == 42
