"""The registration workflow through the services: intake, review, 补正, decisions, four
eyes, roles, approval effects and change registration."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from mca_tui.domain.enums import ApplicationKind, ApplicationStatus, OrgType, Role
from mca_tui.domain.forms import materials_for
from mca_tui.domain.identifiers import validate_uscc
from mca_tui.services import registration as reg
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.storage.models import (
    Announcement,
    Application,
    ApplicationStep,
    AuditEvent,
    Certificate,
    IssuedDocument,
    Organization,
    OrganizationPerson,
    RegistrationChange,
    SupervisionRecord,
)

from .helpers import REP2_ID, REP_ID, TODAY, make_id, pne_form, sg_form


@pytest.fixture
def people(make_ctx):
    """clerk, reviewer, approver (and a clerk-approver who may accept but not decide)."""
    return {
        "clerk": make_ctx("clerk", Role.CLERK, today=TODAY),
        "reviewer": make_ctx("reviewer", Role.REVIEWER, today=TODAY),
        "approver": make_ctx("approver", Role.APPROVER, today=TODAY),
        "both": make_ctx("both", Role.CLERK, Role.APPROVER, today=TODAY),
    }


def accept(clerk, form, org_type=OrgType.SOCIAL_GROUP):
    draft = reg.save_draft(clerk, form, org_type=org_type)
    return reg.submit(clerk, draft.id)


def establish(people, form=None, org_type=OrgType.SOCIAL_GROUP):
    app = accept(people["clerk"], form or sg_form(), org_type)
    reg.review(people["reviewer"], app.id)
    return reg.approve(people["approver"], app.id)


# --------------------------------------------------------------------------- drafts


def test_draft_keeps_everything_as_typed_and_resumes(people, db):
    clerk = people["clerk"]
    typed = sg_form(funds="三万块", individual_members="５０", name="  厦门市海沧区 老年人协会 ")
    draft = reg.save_draft(clerk, typed, org_type=OrgType.SOCIAL_GROUP)
    assert draft.status is ApplicationStatus.DRAFT
    typed["domicile"] = "半途输入的住所"
    reg.save_draft(clerk, typed, application_id=draft.id, autosave=True)
    again = reg.get_application(clerk, draft.id)
    assert again.form == typed  # nothing normalised, nothing lost
    drafts = reg.list_applications(clerk, statuses=(ApplicationStatus.DRAFT,))
    assert [d.id for d in drafts] == [draft.id]
    with db.read() as s:
        actions = [e.action for e in s.exec(select(AuditEvent))]
    assert actions.count("application.draft") == 1
    assert "application.draft_save" not in actions  # autosave writes no audit event
    reg.save_draft(clerk, typed, application_id=draft.id)
    with db.read() as s:
        assert [e.action for e in s.exec(select(AuditEvent))].count("application.draft_save") == 1


def test_submit_refuses_unreadable_fields_and_keeps_the_draft(people):
    clerk = people["clerk"]
    draft = reg.save_draft(clerk, sg_form(funds="三万块", legal_rep_id_number="350205198001010011"),
                           org_type=OrgType.SOCIAL_GROUP)
    with pytest.raises(reg.NotReady) as exc:
        reg.submit(clerk, draft.id)
    codes = {f.code for f in exc.value.findings}
    assert codes == {"money", "id_number"}
    assert "身份证号有误" in exc.value.message()
    again = reg.get_application(clerk, draft.id)
    assert again.status is ApplicationStatus.DRAFT and again.form["funds"] == "三万块"


def test_foundation_is_refused_with_the_reason(people):
    with pytest.raises(reg.FoundationNotRegistered) as exc:
        reg.save_draft(people["clerk"], {"name": "厦门市海沧区爱心基金会"},
                       org_type=OrgType.FOUNDATION)
    assert "第六条" in exc.value.message()


def test_discard_draft(people):
    draft = reg.save_draft(people["clerk"], sg_form(), org_type=OrgType.SOCIAL_GROUP)
    reg.discard_draft(people["clerk"], draft.id)
    assert reg.get_application(people["clerk"], draft.id).status is ApplicationStatus.WITHDRAWN


# --------------------------------------------------------------------------- acceptance


def test_accept_sets_dates_clocks_and_acceptance_notice(people, settings):
    app = accept(people["clerk"], sg_form())
    assert app.status is ApplicationStatus.ACCEPTED
    assert app.number and app.number.startswith("350205-2025-")
    assert app.received_on == date(2025, 3, 3)
    assert app.accepted_on == TODAY
    # a complete file: the clock runs from the day it was received, not from 受理
    # (行政许可法 Art 32; [S1] Art 12 "自收到全部有效文件之日起60日内")
    assert app.complete_on == date(2025, 3, 3)
    assert app.decision_deadline.start == date(2025, 3, 3)
    # 60 days from 2025-03-03 is 2025-05-02, inside the May Day holiday (2025-05-01..05)
    # -> rolls to Tuesday 2025-05-06
    assert app.decision_deadline.due == date(2025, 5, 6)
    assert app.decision_deadline.rolled_from == date(2025, 5, 2)
    # a complete file gets no 补正 notice: no notice clock
    assert app.correction_deadline is None
    [doc] = app.documents
    assert doc.kind == "acceptance_notice" and "〔2025〕1号" in doc.number
    assert not Path(doc.file_path).is_absolute()  # relative to the documents folder
    assert (settings.documents_path() / doc.file_path).exists()
    assert app.accepted_by == "clerk"


def test_charity_decision_clock_is_30_days(people):
    app = accept(people["clerk"], sg_form(is_charity=True))
    assert app.decision_deadline.due == date(2025, 4, 2)  # 30 days from receipt (03-03)
    assert app.decision_deadline.rule == "clock.decision_charity"


def test_duplicate_name_refused_at_intake(people):
    establish(people)
    draft = reg.save_draft(people["clerk"], sg_form(legal_rep_id_number=REP2_ID,
                                                    legal_rep_name="黄伟",
                                                    domicile="厦门市海沧区新阳路1号"),
                           org_type=OrgType.SOCIAL_GROUP)
    with pytest.raises(reg.NotReady) as exc:
        reg.submit(people["clerk"], draft.id)
    assert [f.code for f in exc.value.findings] == ["name_taken"]


def test_similar_name_and_shared_person_and_address_warned(people):
    establish(people)
    form = sg_form(name="海沧区（老年人体育）联合会", legal_rep_name="黄伟",
                   legal_rep_id_number=REP2_ID)
    app = accept(people["clerk"], form)
    codes = {f.code: f for f in app.findings}
    assert codes["name_similar"].severity == "warn"
    assert "厦门市海沧区老年人体育协会" in codes["name_similar"].message()
    assert codes["address_linked"].severity == "warn"
    assert codes["person_linked"].severity == "warn"  # the founder 林芳 (FOUNDER_ID)
    assert not app.blocking


def test_legal_rep_of_another_social_group_is_refused(people):
    establish(people)
    form = sg_form(name="厦门市海沧区书法家协会", domicile="厦门市海沧区钟林路2号", persons=[])
    app = accept(people["clerk"], form)
    [block] = app.blocking
    assert block.code == "legal_rep_other_group"
    assert "第十二条" in block.article
    reg.review(people["reviewer"], app.id)
    with pytest.raises(reg.NotReady):
        reg.approve(people["approver"], app.id)


def test_legal_rep_of_a_social_group_may_head_a_pne(people):
    establish(people)
    app = accept(people["clerk"], pne_form(legal_rep_name="陈明", legal_rep_id_number=REP_ID),
                 OrgType.PRIVATE_NON_ENTERPRISE)
    assert not app.blocking
    assert "person_linked" in {f.code for f in app.findings}


# --------------------------------------------------------------------------- roles, four eyes


def test_roles_are_checked_in_every_service(people):
    clerk, reviewer, approver = people["clerk"], people["reviewer"], people["approver"]
    with pytest.raises(PermissionDenied):
        reg.save_draft(reviewer, sg_form(), org_type=OrgType.SOCIAL_GROUP)
    app = accept(clerk, sg_form())
    with pytest.raises(PermissionDenied):
        reg.review(clerk, app.id)
    with pytest.raises(PermissionDenied):
        reg.request_correction(approver, app.id, ["x"])
    reg.review(reviewer, app.id)
    with pytest.raises(PermissionDenied):
        reg.approve(reviewer, app.id)
    with pytest.raises(PermissionDenied):
        reg.refuse(clerk, app.id, "理由")


def test_four_eyes_the_acceptor_may_not_decide(people):
    both = people["both"]
    app = accept(both, sg_form())
    reg.review(people["reviewer"], app.id)
    with pytest.raises(PermissionDenied) as exc:
        reg.approve(both, app.id)
    assert exc.value.key == "registration.error.four_eyes"
    with pytest.raises(PermissionDenied):
        reg.refuse(both, app.id, "名称不规范")
    result = reg.approve(people["approver"], app.id)
    assert result.application.status is ApplicationStatus.APPROVED
    assert result.application.decided_by == "approver"


def test_four_eyes_for_the_command_line_actor(ctx):
    ctx.today = lambda: TODAY
    app = accept(ctx, sg_form())
    reg.review(ctx, app.id)
    with pytest.raises(PermissionDenied):
        reg.approve(ctx, app.id)


# --------------------------------------------------------------------------- 补正


def test_correction_lists_every_missing_item_and_restarts_the_clock(people, make_ctx):
    form = sg_form(materials={m.key: False for m in materials_for(OrgType.SOCIAL_GROUP)},
                   individual_members="49")
    draft = reg.save_draft(people["clerk"], form, org_type=OrgType.SOCIAL_GROUP)
    # the clerk needs the 5 working days: a 材料接收凭证, the reviewer tells later
    app = reg.submit(people["clerk"], draft.id, on_the_spot=False)
    assert app.status is ApplicationStatus.ACCEPTED
    assert [d.kind for d in app.documents] == ["receipt"]
    assert app.decision_deadline is None  # the clock waits for a complete file
    assert app.correction_deadline.due == date(2025, 3, 10)
    items_expected = 6 + 1  # six materials + members
    assert len(app.blocking) == items_expected
    back = reg.request_correction(people["reviewer"], app.id)
    assert back.status is ApplicationStatus.CORRECTION
    assert len(back.correction_items) == items_expected
    assert any("验资报告" in i for i in back.correction_items)
    assert any("50个" in i for i in back.correction_items)
    notice = [d for d in back.documents if d.kind == "correction_notice"]
    assert len(notice) == 1
    assert not back.correction_notice_late
    # the applicant completes 20 days later: the 60-day clock restarts from then
    later = make_ctx("clerk", Role.CLERK, today=date(2025, 3, 25))
    fixed = reg.complete_correction(later, app.id, sg_form())
    assert fixed.status is ApplicationStatus.ACCEPTED
    assert fixed.complete_on == date(2025, 3, 25)
    assert fixed.decision_deadline.start == date(2025, 3, 25)
    assert not fixed.blocking
    # now complete: the 受理通知书 is issued
    assert [d.kind for d in fixed.documents].count("acceptance_notice") == 1


def test_correction_notice_after_five_working_days_is_flagged(people, make_ctx):
    form = sg_form()
    form["materials"] = {**form["materials"], "charter_draft": False}
    draft = reg.save_draft(people["clerk"], form, org_type=OrgType.SOCIAL_GROUP)
    app = reg.submit(people["clerk"], draft.id, on_the_spot=False)
    late_reviewer = make_ctx("reviewer", Role.REVIEWER, today=date(2025, 3, 14))
    back = reg.request_correction(late_reviewer, app.id, ["补充章程草案"])
    assert back.correction_items == ("补充章程草案",)
    assert back.correction_notice_late
    # deemed accepted on the day received (行政许可法 Art 32): the clock runs from then
    assert back.decision_deadline.start == date(2025, 3, 3)


def test_correction_needs_at_least_one_item(people):
    form = sg_form()
    form["materials"] = {**form["materials"], "charter_draft": False}
    draft = reg.save_draft(people["clerk"], form, org_type=OrgType.SOCIAL_GROUP)
    app = reg.submit(people["clerk"], draft.id, on_the_spot=False)
    with pytest.raises(ValidationFailed):
        reg.request_correction(people["reviewer"], app.id, ["  "])


# --------------------------------------------------------------------------- decisions


def test_refusal_needs_reasons_and_issues_the_decision(people):
    app = accept(people["clerk"], sg_form(individual_members="10"))
    reg.review(people["reviewer"], app.id)
    with pytest.raises(ValidationFailed):
        reg.refuse(people["approver"], app.id, "  ")
    result = reg.refuse(people["approver"], app.id, "会员数量不足50个，不符合条例第十条")
    assert result.application.status is ApplicationStatus.REFUSED
    assert result.application.decision_reasons.startswith("会员数量不足")
    assert result.documents[0].kind == "refusal_decision"
    assert "会员数量不足" in result.preview


def test_approval_effects(people, db, settings):
    result = establish(people)
    assert result.application.status is ApplicationStatus.APPROVED
    info = validate_uscc(result.uscc)
    assert info.valid and result.uscc.startswith("51350205")
    assert {d.kind for d in result.documents} == {"approval_decision", "certificate_sheet",
                                                  "announcement"}
    assert result.uscc in result.preview
    with db.read() as s:
        org = s.get(Organization, result.organization_id)
        assert org.status == "active" and org.established_on == TODAY
        assert org.funds_fen == 3_000_000
        assert org.individual_members == 50 and org.unit_members == 0
        assert org.legal_rep_name == "陈明"
        roles = sorted(link.role for link in s.exec(select(OrganizationPerson).where(
            OrganizationPerson.organization_id == org.id)))
        assert roles == ["legal_rep", "responsible"]
        [cert] = s.exec(select(Certificate).where(Certificate.organization_id == org.id)).all()
        assert cert.serial_original.endswith("Z") and cert.serial_duplicate.endswith("F")
        assert cert.valid_from == TODAY and cert.valid_to == date(2030, 3, 4)
        [ann] = s.exec(select(Announcement)).all()
        assert ann.kind == "establishment" and ann.document_id
        docs = s.exec(select(IssuedDocument)).all()
        assert len({d.number for d in docs}) == len(docs) == 4  # + acceptance notice
        steps = [st.step for st in s.exec(select(ApplicationStep).order_by(
            ApplicationStep.created_at))]
        assert steps == ["draft_created", "accepted", "reviewed", "approved"]
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.seq))
                   if e.action.startswith("application.")]
        assert actions == ["application.draft", "application.accept", "application.review",
                           "application.approve"]


def test_second_approval_gets_a_new_unique_code_and_serials(people):
    first = establish(people)
    second = establish(people, pne_form(), OrgType.PRIVATE_NON_ENTERPRISE)
    assert second.uscc != first.uscc and second.uscc.startswith("52350205")
    assert validate_uscc(second.uscc).valid


def test_certificate_without_validity_when_parameter_is_zero(people, db, settings):
    from dataclasses import replace

    for c in people.values():
        c.settings = replace(settings, legal=replace(settings.legal,
                                                     certificate_validity_years=0))
    result = establish(people)
    with db.read() as s:
        cert = s.exec(select(Certificate).where(
            Certificate.organization_id == result.organization_id)).one()
    assert cert.valid_to is None


def test_approval_refused_while_findings_block(people):
    app = accept(people["clerk"], sg_form(name="中国海沧老年人协会"))
    reg.review(people["reviewer"], app.id)
    with pytest.raises(reg.NotReady) as exc:
        reg.approve(people["approver"], app.id)
    assert "name_forbidden_word" in {f.code for f in exc.value.findings}


def test_stale_version_is_a_conflict(people):
    from mca_tui.services.errors import Conflict

    app = accept(people["clerk"], sg_form())
    reg.review(people["reviewer"], app.id)
    with pytest.raises(Conflict):
        reg.approve(people["approver"], app.id, expected_version=app.version)


# --------------------------------------------------------------------------- change registration


def change(people, org_id, form, *, today=TODAY):
    clerk = people["clerk"]
    draft = reg.start_change(clerk, org_id)
    assert draft.kind is ApplicationKind.CHANGE and draft.current["name"]
    merged = {**draft.form, **form}
    merged["materials"] = {m.key: True for m in materials_for(OrgType.SOCIAL_GROUP, change=True)}
    reg.save_draft(clerk, merged, application_id=draft.id)
    app = reg.submit(clerk, draft.id)
    reg.review(people["reviewer"], app.id)
    return reg.approve(people["approver"], app.id)


def test_change_of_legal_rep_reissues_certificate_and_requires_audit(people, db):
    org_id = establish(people).organization_id
    new_rep = make_id("35020519750707004")
    result = change(people, org_id, {"legal_rep_name": "王强", "legal_rep_id_number": new_rep,
                                     "supervisory_approval_on": "2025-02-20",
                                     "received_on": "2025-03-03"})
    with db.read() as s:
        org = s.get(Organization, org_id)
        assert org.legal_rep_name == "王强"
        [row] = s.exec(select(RegistrationChange)).all()
        assert (row.item, row.before_text, row.after_text) == ("legal_rep", "陈明", "王强")
        assert row.audit_required and not row.late
        certs = s.exec(select(Certificate).where(Certificate.organization_id == org_id)
                       .order_by(Certificate.serial_original)).all()
        assert [c.status for c in certs] == ["replaced", "valid"]
        [audit] = s.exec(select(SupervisionRecord)).all()
        assert (audit.kind, audit.trigger, audit.completed_on) == (
            "financial_audit", "change_of_legal_rep", None)
        assert json.loads(audit.details_json)["status"] == "required"
        # proposed through services.supervision.audits.propose_for_change (one code path)
        details = json.loads(audit.details_json)
        assert (details["items"], details["required_on"]) == (["legal_rep"],
                                                               audit.record_date.isoformat())
        assert audit.description.startswith("法定代表人由 陈明 变更为 王强")
        reps = s.exec(select(OrganizationPerson).where(
            OrganizationPerson.organization_id == org_id,
            OrganizationPerson.role == "legal_rep")).all()
        assert sorted((r.to_date is None) for r in reps) == [False, True]
        assert s.exec(select(Announcement).where(Announcement.kind == "change")).one()
    assert "certificate_sheet" in {d.kind for d in result.documents}


def test_change_applied_more_than_30_days_after_approval_is_late(people, db):
    org_id = establish(people).organization_id
    change(people, org_id, {"business_scope": "组织老年人体育健身活动、比赛、培训和交流",
                            "supervisory_approval_on": "2025-01-31",
                            "received_on": "2025-03-04"})
    with db.read() as s:
        [row] = s.exec(select(RegistrationChange)).all()
        assert row.late and not row.audit_required
        app = s.exec(select(Application).where(Application.kind == "change")).one()
        assert app.late


def test_change_within_30_days_is_not_late(people, db):
    org_id = establish(people).organization_id
    # approval 2025-02-01 + 30 days = 2025-03-03 (a Monday): applying that day is on time
    change(people, org_id, {"activity_area": "海沧区", "supervisory_approval_on": "2025-02-01",
                            "received_on": "2025-03-03"})
    with db.read() as s:
        [row] = s.exec(select(RegistrationChange)).all()
        assert not row.late


def test_change_of_phone_like_item_not_printed_keeps_certificate(people, db):
    org_id = establish(people).organization_id
    change(people, org_id, {"subdistrict_code": "350205002",
                            "supervisory_approval_on": "2025-03-01"})
    with db.read() as s:
        certs = s.exec(select(Certificate).where(Certificate.organization_id == org_id)).all()
        assert [c.status for c in certs] == ["valid"]


def test_change_with_nothing_changed_is_refused(people):
    org_id = establish(people).organization_id
    draft = reg.start_change(people["clerk"], org_id)
    form = {**draft.form, "name": draft.current["name"], "supervisory_approval_on": "2025-03-01"}
    reg.save_draft(people["clerk"], form, application_id=draft.id)
    with pytest.raises(reg.NotReady) as exc:
        reg.submit(people["clerk"], draft.id)
    assert "change_nothing" in {f.code for f in exc.value.findings}


def test_change_name_to_a_taken_name_is_refused(people):
    first = establish(people).organization_id
    second = establish(people, pne_form(), OrgType.PRIVATE_NON_ENTERPRISE).organization_id
    assert first != second
    draft = reg.start_change(people["clerk"], second)
    form = {**draft.form, "name": "厦门市海沧区老年人体育协会",
            "supervisory_approval_on": "2025-03-01"}
    reg.save_draft(people["clerk"], form, application_id=draft.id)
    with pytest.raises(reg.NotReady) as exc:
        reg.submit(people["clerk"], draft.id)
    assert "name_taken" in {f.code for f in exc.value.findings}


def test_check_name_against_the_register(people):
    establish(people)
    clerk = people["clerk"]
    [taken] = reg.check_name(clerk, "厦门市海沧区老年人体育协会", OrgType.SOCIAL_GROUP)
    assert taken.code == "name_taken" and taken.blocks
    [similar] = reg.check_name(clerk, "海沧区老年人体育联合会", OrgType.SOCIAL_GROUP)
    assert similar.code == "name_similar" and not similar.blocks
    assert reg.check_name(clerk, "厦门市海沧区桥牌协会", OrgType.SOCIAL_GROUP) == []


def test_incomplete_file_is_received_but_not_called_complete(people):
    """行政许可法 Art 32: with materials missing, the notice may not say the file is
    complete, and the decision clock waits for completeness."""

    form = sg_form()
    form["materials"] = {m.key: False for m in materials_for(OrgType.SOCIAL_GROUP)}
    app = accept(people["clerk"], form)
    # on the spot: the 补正材料通知书, never a 受理通知书
    assert app.status is ApplicationStatus.CORRECTION and app.complete_on is None
    assert [d.kind for d in app.documents] == ["correction_notice"]
    assert app.correction_requested_on == TODAY and len(app.correction_items) == 6
    assert app.decision_deadline is None
    complete = accept(people["clerk"], sg_form() | {"name": "厦门市海沧区象棋协会"})
    assert complete.complete_on == date(2025, 3, 3)
    assert [d.kind for d in complete.documents] == ["acceptance_notice"]
