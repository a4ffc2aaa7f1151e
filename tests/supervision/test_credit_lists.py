"""Credit lists through the services (issue 10, Order 60): listing with a ground and its
notice, a new ground restarting the period, removal on application after verification
(four eyes, 5 working days), removal after the period with nothing left to rectify,
promotion on the day after two years (not on the anniversary), the serious list's
removal, and the publication list."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from mca_tui.domain.enums import Role
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.services.supervision import credit_lists as svc
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import AuditEvent, CreditListEntry, IssuedDocument, SupervisionRecord

TODAY = date(2024, 7, 15)


def _entries(ctx, org):
    with ctx.db.read() as s:
        return s.exec(select(CreditListEntry).where(CreditListEntry.organization_id == org)
                      .order_by(CreditListEntry.listed_on)).all()


def test_listing_with_ground_evidence_date_and_notice(ctx, add_org, staff):
    clerk, _, approver, _ = staff(TODAY)
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    with pytest.raises(PermissionDenied):
        svc.list_organization(clerk, org, "abnormal", "unreachable", on=TODAY, evidence="挂号信退回")
    with pytest.raises(ValidationFailed) as err:  # a serious ground on the abnormal list; no evidence
        svc.list_organization(approver, org, "abnormal", "large_fine", on=TODAY, evidence="")
    assert {p.field for p in err.value.problems} == {"evidence", "ground"}
    res = svc.list_organization(approver, org, "abnormal", "unreachable", on=TODAY,
                                evidence="两次挂号信均被退回")
    (entry,) = _entries(ctx, org)
    assert (entry.ground, entry.listed_on, entry.listing_reason) == (
        "unreachable", TODAY, "两次挂号信均被退回")
    with ctx.db.read() as s:
        doc = s.get(IssuedDocument, res.document_id)
        event = s.exec(select(AuditEvent).where(AuditEvent.entity_id == entry.id)).one()
    assert doc.kind == "credit_listing_notice" and doc.number == res.document_number
    assert event.action == "credit.abnormal.list" and event.organization_id == org
    info = svc.listing_info(clerk, org, "abnormal")
    assert info.state == "listed" and info.listed_on == TODAY
    assert info.promotion_on == date(2026, 7, 16)  # the day after two full years


def test_new_ground_restarts_the_period(ctx, add_org, staff):
    _, _, approver, _ = staff(date(2025, 3, 1))
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    svc.list_organization(approver, org, "abnormal", "unreachable", on=TODAY, evidence="退信")
    with pytest.raises(ValidationFailed):  # a ground dated before the current period
        svc.list_organization(approver, org, "abnormal", "party_organization",
                              on=date(2024, 7, 1), evidence="未设立党组织")
    svc.list_organization(approver, org, "abnormal", "party_organization",
                          on=date(2025, 3, 1), evidence="未设立党组织")
    info = svc.listing_info(approver, org, "abnormal")
    assert info.listed_on == TODAY and info.period_start == date(2025, 3, 1)
    assert info.promotion_on == date(2027, 3, 2)
    with ctx.db.read() as s:
        actions = [e.action for e in s.exec(select(AuditEvent).where(
            AuditEvent.organization_id == org).order_by(AuditEvent.seq))]
    assert actions[-1] == "credit.abnormal.add_ground"


def test_removal_on_application_verified_then_removed_by_someone_else(ctx, add_org, make_ctx):
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    day = date(2024, 8, 1)
    clerk = make_ctx("clerk1", Role.CLERK, today=day)
    reviewer = make_ctx("reviewer1", Role.REVIEWER, today=day)
    head = make_ctx("head", Role.REVIEWER, Role.APPROVER, today=day)
    approver = make_ctx("approver1", Role.APPROVER, today=day)
    svc.list_organization(approver, org, "abnormal", "unreachable", on=TODAY, evidence="退信")
    svc.apply_removal(clerk, org, "abnormal", applied_on=day, note="已恢复联系")
    assert svc.listing_info(clerk, org, "abnormal").state == "removal_applied"
    # 5 working days from the verification on Thursday 1 August 2024: Thursday 8 August
    assert svc.verify_removal(head, org, verified_on=day) == date(2024, 8, 8)
    info = svc.listing_info(head, org, "abnormal")
    assert info.state == "removal_verified" and info.remove_by == date(2024, 8, 8)
    assert "credit.abnormal.remove" not in info.actions  # four eyes
    with pytest.raises(PermissionDenied):
        svc.remove(head, org, "abnormal", removed_on=day)
    res = svc.remove(approver, org, "abnormal", removed_on=day, reason="联系方式已更新")
    (entry,) = _entries(ctx, org)
    assert entry.removed_on == day and "联系方式已更新" in entry.removal_reason
    with ctx.db.read() as s:
        assert s.get(IssuedDocument, res.document_id).kind == "credit_removal_notice"
    assert svc.listing_info(clerk, org, "abnormal").state == "new"
    assert reviewer


def test_verification_refused_while_a_rectification_is_open(ctx, add_org, staff):
    clerk, reviewer, approver, _ = staff(date(2024, 8, 1))
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    with ctx.unit("test.rectification", subject=Subject("test", None)) as u:
        u.session.add(SupervisionRecord(office_id=ctx.actor.office_id, organization_id=org,
                                        kind="rectification", record_date=date(2024, 6, 1),
                                        due_on=date(2024, 7, 1),
                                        details_json=json.dumps({"items": []})))
    svc.list_organization(approver, org, "abnormal", "rectification_overdue", on=TODAY,
                          evidence="逾期未整改")
    svc.apply_removal(clerk, org, "abnormal", applied_on=date(2024, 8, 1))
    with pytest.raises(ValidationFailed) as err:
        svc.verify_removal(reviewer, org, verified_on=date(2024, 8, 1))
    assert any("整改" in p.message() for p in err.value.problems)
    svc.reject_removal(reviewer, org, "abnormal", reason="整改未完成")
    assert svc.listing_info(clerk, org, "abnormal").state == "listed"


def test_removal_after_the_period_only_once_it_has_passed(ctx, add_org, make_ctx):
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    early = make_ctx("approver1", Role.APPROVER, today=date(2025, 1, 14))
    svc.list_organization(make_ctx("approver1", Role.APPROVER, today=TODAY), org, "abnormal",
                          "party_organization", on=TODAY, evidence="未设立党组织")
    with pytest.raises(ValidationFailed) as err:  # six months run to 15 January 2025
        svc.remove_after_period(early, org, removed_on=date(2025, 1, 14))
    assert "2025-01-15" in err.value.problems[0].message()
    later = make_ctx("approver1", Role.APPROVER, today=date(2025, 1, 15))
    svc.remove_after_period(later, org, removed_on=date(2025, 1, 15))
    assert _entries(ctx, org)[0].removed_on == date(2025, 1, 15)


def test_promotion_on_the_day_after_two_years_not_on_the_anniversary(ctx, add_org, make_ctx):
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    svc.list_organization(make_ctx("approver1", Role.APPROVER, today=TODAY), org, "abnormal",
                          "unreachable", on=TODAY, evidence="退信")
    anniversary = make_ctx("approver1", Role.APPROVER, today=date(2026, 7, 15))
    assert svc.promotion_proposals(anniversary) == []
    with pytest.raises(ValidationFailed):
        svc.promote(anniversary, org, on=date(2026, 7, 15))
    after = make_ctx("approver1", Role.APPROVER, today=date(2026, 7, 16))
    assert [p.organization_id for p in svc.promotion_proposals(after)] == [org]
    res = svc.promote(after, org, on=date(2026, 7, 16))
    abnormal, serious = _entries(ctx, org)
    assert abnormal.removed_on == date(2026, 7, 16)
    assert (serious.list_kind, serious.ground, serious.listed_on) == (
        "serious", "abnormal_two_years", date(2026, 7, 16))
    assert serious.notice_document_id == res.document_id
    assert svc.listing_info(after, org, "serious").state == "listed"


def test_serious_list_removal_from_the_day_after_two_years(ctx, add_org, make_ctx):
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    listed = date(2024, 3, 1)
    svc.list_organization(make_ctx("approver1", Role.APPROVER, today=listed), org, "serious",
                          "large_fine", on=listed, evidence="罚款6万元")
    clerk = make_ctx("clerk1", Role.CLERK, today=date(2026, 3, 1))
    svc.apply_removal(clerk, org, "serious", applied_on=date(2026, 3, 1))
    with pytest.raises(ValidationFailed):  # on the anniversary: not yet
        svc.remove(make_ctx("approver1", Role.APPROVER, today=date(2026, 3, 1)), org,
                   "serious", removed_on=date(2026, 3, 1))
    svc.remove(make_ctx("approver1", Role.APPROVER, today=date(2026, 3, 2)), org, "serious",
               removed_on=date(2026, 3, 2))
    assert _entries(ctx, org)[0].removed_on == date(2026, 3, 2)


def test_serious_ground_seven_removed_only_on_deregistration(ctx, add_org, make_ctx):
    org = add_org("海沧区甲协会", date(2020, 1, 1))
    approver = make_ctx("approver1", Role.APPROVER, today=TODAY)
    svc.list_organization(approver, org, "serious", "registration_revoked", on=TODAY,
                          evidence="撤销成立登记")
    with pytest.raises(ValidationFailed):
        svc.remove_on_deregistration(approver, org, removed_on=TODAY)
    assert _entries(ctx, org)[0].removed_on is None


def test_publication_list_has_listings_and_removals(ctx, add_org, make_ctx):
    org = add_org("海沧区甲协会", date(2020, 1, 1), uscc="51350205MJ0000026B")
    approver = make_ctx("approver1", Role.APPROVER, today=date(2025, 1, 15))
    svc.list_organization(approver, org, "abnormal", "party_organization", on=TODAY,
                          evidence="未设立党组织")
    svc.remove_after_period(approver, org, removed_on=date(2025, 1, 15))
    rows = svc.publication_list(approver)
    assert [(r.event, r.on) for r in rows] == [("removed", date(2025, 1, 15)),
                                               ("listed", TODAY)]
    assert all(r.document_number for r in rows)
    assert rows[1].cells()[1] == "列入" and rows[1].uscc == "51350205MJ0000026B"
    assert svc.publication_list(approver, since=date(2025, 1, 1))[0].event == "removed"


def test_listing_and_removal_on_the_record_and_its_timeline(ctx, add_org, make_ctx):
    from mca_tui.i18n import t
    from mca_tui.services import records

    org = add_org("海沧区甲协会", date(2020, 1, 1))
    approver = make_ctx("approver1", Role.APPROVER, today=date(2025, 1, 15))
    svc.list_organization(approver, org, "abnormal", "party_organization", on=TODAY,
                          evidence="未设立党组织")
    svc.remove_after_period(approver, org, removed_on=date(2025, 1, 15), reason="已设立")
    rec = records.get_record(approver, org)
    (line,) = rec.listings
    assert (line.listed_on, line.removed_on) == (TODAY, date(2025, 1, 15))
    assert "未设立党组织" in line.reason and "已设立" in line.reason
    actions = [e.action for e in rec.timeline]
    assert "action.credit.abnormal.list" in actions or "credit.abnormal.list" in actions
    assert any("remove_after_period" in a for a in actions)
    assert t("action.credit.abnormal.remove_after_period") != "action.credit.abnormal.remove_after_period"


def test_two_years_queue_follows_the_restarted_period(ctx, add_org, make_ctx):
    from mca_tui.services import queues

    org = add_org("海沧区甲协会", date(2020, 1, 1))
    svc.list_organization(make_ctx("approver1", Role.APPROVER, today=TODAY), org, "abnormal",
                          "unreachable", on=TODAY, evidence="退信")
    near = date(2026, 7, 1)  # the promotion day 2026-07-16 is within the warning days
    assert [i.organization_id for i in queues.items(ctx, "abnormal_two_years", near)] == [org]
    assert queues.items(ctx, "abnormal_two_years", near)[0].due == date(2026, 7, 16)
    svc.list_organization(make_ctx("approver1", Role.APPROVER, today=date(2025, 3, 1)), org,
                          "abnormal", "party_organization", on=date(2025, 3, 1),
                          evidence="未设立党组织")
    assert queues.items(ctx, "abnormal_two_years", near) == []  # restarted: 2027-03-02
    later = queues.items(ctx, "abnormal_two_years", date(2027, 2, 20))
    assert [(i.organization_id, i.due) for i in later] == [(org, date(2027, 3, 2))]
