"""Assignment of new USCCs and the completeness of the message catalogs."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from mca_tui.config import CodePool
from mca_tui.domain.enums import OrgType
from mca_tui.domain.identifiers import validate_uscc
from mca_tui.i18n import catalog
from mca_tui.services import codes
from mca_tui.services.organizations import insert_organization
from mca_tui.storage.audit import Subject


def test_assigned_codes_are_valid_typed_and_never_repeat(ctx, db, settings):
    seen = set()
    with db.write() as s:
        for org_type in (OrgType.SOCIAL_GROUP, OrgType.PRIVATE_NON_ENTERPRISE) * 10:
            code = codes.assign_uscc(s, settings, org_type)
            info = validate_uscc(code)
            assert info.valid, info.problems
            assert info.department == "5" and info.org_type == org_type
            assert info.division == "350205" and code[8:10] == "MJ"
            seen.add(code)
    assert len(seen) == 20


def test_assignment_skips_a_code_already_in_the_register(ctx, db, settings):
    with db.write() as s:
        first = codes.assign_uscc(s, settings, OrgType.SOCIAL_GROUP)
        s.rollback()
    # An imported ledger already holds the code the pool would give next.
    with ctx.unit("import", subject=Subject("test", None)) as unit:
        insert_organization(unit, office_id=ctx.actor.office_id, org_type=OrgType.SOCIAL_GROUP,
                            name="海沧区已有协会", uscc=first)
    with db.write() as s:
        assert codes.assign_uscc(s, settings, OrgType.SOCIAL_GROUP) != first


def test_a_rolled_back_assignment_is_not_consumed_twice(db, settings):
    with pytest.raises(RuntimeError), db.write() as s:
        a = codes.assign_uscc(s, settings, OrgType.SOCIAL_GROUP)
        raise RuntimeError
    with db.write() as s:
        b = codes.assign_uscc(s, settings, OrgType.SOCIAL_GROUP)
    assert a == b  # nothing was committed, so the same code is free again
    with db.write() as s:
        assert codes.assign_uscc(s, settings, OrgType.SOCIAL_GROUP) != b


def test_pool_exhaustion_is_a_clear_error(db, settings):
    small = replace(settings, code_pool=CodePool(prefix="MJ", first=999_998, last=999_999))
    with db.write() as s:
        codes.assign_uscc(s, small, OrgType.SOCIAL_GROUP)
        codes.assign_uscc(s, small, OrgType.SOCIAL_GROUP)
        with pytest.raises(codes.CodePoolExhausted) as err:
            codes.assign_uscc(s, small, OrgType.SOCIAL_GROUP)
    assert "号段" in err.value.message()


def test_certificate_serials_increase(db, settings):
    with db.write() as s:
        a = codes.certificate_serials(s, settings, 2026)
        b = codes.certificate_serials(s, settings, 2026)
    assert a == ("350205202600001Z", "350205202600001F") and b[0].endswith("00002Z")


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))


def test_every_message_exists_in_both_languages_with_the_same_placeholders():
    zh, en = catalog("zh"), catalog("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []
    for key in zh:
        assert _placeholders(zh[key]) == _placeholders(en[key]), key


def test_office_ids_are_the_same_in_every_database(tmp_path, settings):
    from mca_tui.services.context import ensure_office, office_id_for
    from mca_tui.storage.engine import Database

    a = ensure_office(Database.open(tmp_path / "district.db"), settings)
    b = ensure_office(Database.open(tmp_path / "subdistrict.db"), settings)
    assert a.id == b.id == office_id_for("350205")
    assert office_id_for("350205001") != a.id
