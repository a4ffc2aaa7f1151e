"""The organization record and its timeline read from the audit trail."""

from __future__ import annotations

from datetime import date

import pytest

from mca_tui.domain.enums import OrgType, Role
from mca_tui.services import records
from mca_tui.services.errors import NotFound
from mca_tui.services.organizations import PersonInput, insert_organization, update_organization
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import AnnualReport, CreditListEntry, SupervisionRecord


def _org(ctx):
    with ctx.unit("org.create", subject=Subject("test", None)) as unit:
        org = insert_organization(
            unit, office_id=ctx.actor.office_id, org_type=OrgType.SOCIAL_GROUP,
            name="厦门市海沧区[/]书法协会", uscc="51350205MJ0000026B",
            established_on=date(2019, 3, 1), domicile="海沧大道1号", funds_fen=3_000_000,
            subdistrict_code="350205003", phone="13812345678",
            legal_rep=PersonInput("李明", "11010519491231002X"))
        return org.id


def test_record_shows_items_persons_and_masked_data(ctx):
    oid = _org(ctx)
    r = records.get_record(ctx, oid)
    items = {i.field: i.value for i in r.items}
    assert items["name"] == "厦门市海沧区[/]书法协会"  # user data kept as typed
    assert items["funds_fen"] == "30,000.00 元"
    assert items["legal_rep_name"] == "李明"
    other = {i.field: i.value for i in r.other}
    assert other["subdistrict_code"] == "嵩屿街道"
    assert other["phone"] == "138****5678"
    assert r.persons[0].id_number_masked.startswith("110105") and "*" in r.persons[0].id_number_masked
    assert r.flags == ()


def test_timeline_reads_before_and_after_from_the_audit_trail(ctx, make_ctx):
    oid = _org(ctx)
    clerk = make_ctx("xiao", Role.CLERK)
    with clerk.unit("org.change", subject=Subject("organization", oid)) as unit:
        update_organization(unit, oid, {"domicile": "沧林路8号", "status": "revoked",
                                        "revoked_on": date(2024, 5, 6)})
    r = records.get_record(ctx, oid)
    assert [e.action for e in r.timeline] == ["org.create", "org.change"]
    last = r.timeline[-1]
    assert last.actor == "xiao" and last.office == "厦门市海沧区民政局"
    changes = {c.field: (c.before, c.after) for c in last.changes}
    assert changes["domicile"] == ("海沧大道1号", "沧林路8号")
    assert changes["status"] == ("正常", "已撤销")
    assert changes["revoked_on"] == ("", "2024-05-06")


def test_reports_listings_supervision_and_flags(ctx):
    oid = _org(ctx)
    o = ctx.actor.office_id
    with ctx.unit("test.add", subject=Subject("test", None)) as unit:
        unit.session.add(AnnualReport(office_id=o, organization_id=oid, report_year=2022,
                                      conclusion="pass"))
        unit.session.add(AnnualReport(office_id=o, organization_id=oid, report_year=2023))
        unit.session.add(CreditListEntry(office_id=o, organization_id=oid, list_kind="abnormal",
                                         ground="1", listed_on=date(2024, 6, 1)))
        unit.session.add(SupervisionRecord(office_id=o, organization_id=oid,
                                           kind="financial_audit", record_date=date(2024, 7, 1),
                                           trigger="change_of_legal_rep"))
    r = records.get_record(ctx, oid)
    assert [x.year for x in r.reports] == [2023, 2022]
    assert set(r.flags) == {"abnormal_list", "audit_required"}
    assert r.listings[0].listed_on == date(2024, 6, 1)
    assert r.supervision[0].kind == "financial_audit"


def test_unknown_organization(ctx):
    with pytest.raises(NotFound):
        records.get_record(ctx, "nope")


def test_a_failing_legacy_code_needs_a_recorded_reason(ctx):
    from mca_tui.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err, ctx.unit("org.create", subject=Subject("test", None)) as unit:
        insert_organization(unit, office_id=ctx.actor.office_id, org_type=OrgType.SOCIAL_GROUP,
                            name="海沧区旧代码协会", uscc="91350100M0001TGQXM")
    assert "例外原因" in err.value.message()
    with ctx.unit("org.create", subject=Subject("test", None)) as unit:
        org = insert_organization(unit, office_id=ctx.actor.office_id,
                                  org_type=OrgType.SOCIAL_GROUP, name="海沧区旧代码协会",
                                  uscc="91350100M0001TGQXM",
                                  uscc_override_reason="2016年试点期间发放的证书代码")
    r = records.get_record(ctx, org.id)
    assert "legacy_code" in r.flags
    assert r.legacy_code_reason == "2016年试点期间发放的证书代码"


def test_cases_and_their_steps_are_on_the_record(ctx):
    from mca_tui.storage.models import CaseStep, PenaltyCase

    oid = _org(ctx)
    o = ctx.actor.office_id
    with ctx.unit("test.case", subject=Subject("test", None)) as unit:
        case = PenaltyCase(office_id=o, organization_id=oid, case_number="海民罚〔2022〕1号",
                           ground="连续两年未参加年检", filed_on=date(2022, 3, 1))
        unit.session.add(case)
        unit.session.flush()
        unit.session.add(CaseStep(office_id=o, case_id=case.id, step="advance_notice",
                                  on_date=date(2022, 3, 10)))
        unit.session.add(CaseStep(office_id=o, case_id=case.id, step="filing",
                                  on_date=date(2022, 3, 1)))
    r = records.get_record(ctx, oid)
    assert [c.case_number for c in r.cases] == ["海民罚〔2022〕1号"]
    assert r.cases[0].steps == ((date(2022, 3, 1), "filing"), (date(2022, 3, 10), "advance_notice"))
    assert "case_open" in r.flags
