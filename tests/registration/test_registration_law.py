"""Registration by the letter of the law (行政许可法 Art 32, 34, 37, 42; domain.md §10.1):
the intake voucher, 补正 told once, refusals the law forbids, decision dates, the change
decision clock and its extension, names barred after closing (Order 69 Art 16)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from mca_tui.domain.enums import ApplicationKind, ApplicationStatus, OrgType, Role
from mca_tui.domain.forms import materials_for
from mca_tui.services import registration as reg
from mca_tui.services.errors import ValidationFailed
from mca_tui.storage.models import ApplicationStep, IssuedDocument, Organization

from .helpers import TODAY, sg_form

SG = OrgType.SOCIAL_GROUP


@pytest.fixture
def people(make_ctx):
    return {
        "clerk": make_ctx("clerk", Role.CLERK, today=TODAY),
        "reviewer": make_ctx("reviewer", Role.REVIEWER, today=TODAY),
        "approver": make_ctx("approver", Role.APPROVER, today=TODAY),
    }


def _incomplete(**over: object) -> dict:
    form = sg_form(**over)
    form["materials"] = {**form["materials"], "charter_draft": False,
                         "capital_verification": False}
    return form


def _submit(clerk, form, **kw):
    draft = reg.save_draft(clerk, form, org_type=SG)
    return reg.submit(clerk, draft.id, **kw)


# --------------------------------------------------------------------------- intake voucher


def test_incomplete_file_gets_the_correction_notice_on_the_spot(people, db):
    app = _submit(people["clerk"], _incomplete())
    assert app.status is ApplicationStatus.CORRECTION
    assert [d.kind for d in app.documents] == ["correction_notice"]
    assert app.correction_requested_on == TODAY and len(app.correction_items) == 2
    assert any("章程草案" in i for i in app.correction_items)
    assert app.decision_deadline is None and app.correction_deadline is None
    with db.read() as s:
        kinds = {d.kind for d in s.exec(select(IssuedDocument)).all()}
    assert "acceptance_notice" not in kinds


def test_incomplete_file_with_a_receipt_when_the_office_needs_five_days(people, db):
    app = _submit(people["clerk"], _incomplete(), on_the_spot=False)
    assert app.status is ApplicationStatus.ACCEPTED and app.complete_on is None
    [doc] = app.documents
    assert doc.kind == "receipt"
    with db.read() as s:
        data = s.get(IssuedDocument, doc.id).data_json
    # the voucher names the last of the 5 working days (received Mon 3 March 2025)
    assert "2025-03-10" in data and "registration.material.application" in data
    assert app.correction_deadline.due == date(2025, 3, 10)
    assert app.decision_deadline is None


# --------------------------------------------------------------------------- 一次性告知


def test_a_second_correction_notice_is_refused_with_the_article(people, make_ctx):
    app = _submit(people["clerk"], _incomplete())
    with pytest.raises(reg.WrongStatus):
        reg.request_correction(people["reviewer"], app.id, ["再补一项"])
    # answered: complete, back to review; a second notice is refused by Art 32
    later = make_ctx("clerk", Role.CLERK, today=date(2025, 3, 12))
    done = reg.complete_correction(later, app.id, sg_form())
    assert done.decision_deadline.start == date(2025, 3, 12)
    reviewer = make_ctx("reviewer", Role.REVIEWER, today=date(2025, 3, 13))
    with pytest.raises(reg.RefusedByLaw) as err:
        reg.request_correction(reviewer, app.id, ["再补一项"])
    assert "第三十二条" in err.value.message() and "2025-03-05" in err.value.message()
    assert reg.get_application(reviewer, app.id).decision_deadline.start == date(2025, 3, 12)


def test_no_correction_notice_for_a_complete_file(people):
    app = _submit(people["clerk"], sg_form(individual_members="10"))
    assert app.complete_on == date(2025, 3, 3)
    with pytest.raises(reg.RefusedByLaw) as err:
        reg.request_correction(people["reviewer"], app.id, ["补充会员名单"])
    assert "第三十二条" in err.value.message()
    # the finding is settled by the decision: a refusal on its merits is allowed
    reg.review(people["reviewer"], app.id)
    refused = reg.refuse(people["approver"], app.id, "会员不足50个")
    assert refused.application.status is ApplicationStatus.REFUSED


def test_late_notice_keeps_the_clock_from_receipt(people, make_ctx):
    app = _submit(people["clerk"], _incomplete(), on_the_spot=False)
    late = make_ctx("reviewer", Role.REVIEWER, today=date(2025, 3, 11))  # 6th working day
    back = reg.request_correction(late, app.id, ["章程草案", "验资报告"])
    assert back.correction_notice_late
    done = reg.complete_correction(make_ctx("clerk", Role.CLERK, today=date(2025, 4, 1)),
                                   app.id, sg_form())
    # deemed accepted on the day received: a later completion does not restart the clock
    assert done.decision_deadline.start == date(2025, 3, 3)


def test_completion_date_is_checked(people, make_ctx):
    app = _submit(people["clerk"], _incomplete())
    clerk = make_ctx("clerk", Role.CLERK, today=date(2025, 3, 20))
    with pytest.raises(ValidationFailed):
        reg.complete_correction(clerk, app.id, sg_form(), completed_on=date(2025, 3, 4))
    with pytest.raises(ValidationFailed):
        reg.complete_correction(clerk, app.id, sg_form(), completed_on=date(2025, 3, 21))
    assert reg.complete_correction(clerk, app.id, sg_form(),
                                   completed_on=date(2025, 3, 18)).complete_on == date(2025, 3, 18)


# --------------------------------------------------------------------------- refusals


def test_refusing_a_file_never_notified_is_refused(people, make_ctx):
    app = _submit(people["clerk"], _incomplete(), on_the_spot=False)
    with pytest.raises(reg.RefusedByLaw) as err:
        reg.refuse(people["approver"], app.id, "材料不齐全")
    msg = err.value.message()
    assert "第三十二条" in msg and "《社会团体登记管理条例》第十三条" in msg
    # still refused once the 5 working days have passed: missing materials are no ground
    later = make_ctx("approver", Role.APPROVER, today=date(2025, 3, 20))
    with pytest.raises(reg.RefusedByLaw):
        reg.refuse(later, app.id, "材料不齐全")
    assert reg.get_application(later, app.id).status is ApplicationStatus.ACCEPTED


def test_decision_dates_before_acceptance_or_in_the_future_are_refused(people):
    app = _submit(people["clerk"], sg_form(individual_members="10"))
    reg.review(people["reviewer"], app.id)
    with pytest.raises(reg.RefusedByLaw) as err:
        reg.refuse(people["approver"], app.id, "会员不足", decided_on=TODAY + timedelta(days=1))
    assert "2025-03-06" in err.value.message()
    with pytest.raises(reg.RefusedByLaw) as err:
        reg.refuse(people["approver"], app.id, "会员不足", decided_on=date(2025, 3, 2))
    assert "2025-03-05" in err.value.message()
    ok = _submit(people["clerk"], sg_form(name="厦门市海沧区围棋协会"))
    reg.review(people["reviewer"], ok.id)
    with pytest.raises(reg.RefusedByLaw):
        reg.approve(people["approver"], ok.id, decided_on=date(2025, 3, 4))
    with pytest.raises(reg.RefusedByLaw):
        reg.approve(people["approver"], ok.id, decided_on=date(2025, 3, 6))
    assert reg.approve(people["approver"], ok.id, decided_on=TODAY).uscc


# --------------------------------------------------------------------------- change clock


def _change(people, org_id, make_ctx, today=TODAY):
    clerk = make_ctx("clerk", Role.CLERK, today=today)
    draft = reg.start_change(clerk, org_id)
    form = {**draft.form, "domicile": "厦门市海沧区沧林路8号", "received_on": today.isoformat(),
            "supervisory_approval_on": "2025-02-20",
            "materials": {m.key: True for m in materials_for(SG, change=True)}}
    reg.save_draft(clerk, form, application_id=draft.id)
    return reg.submit(clerk, draft.id)


def _established(people) -> str:
    app = _submit(people["clerk"], sg_form())
    reg.review(people["reviewer"], app.id)
    return reg.approve(people["approver"], app.id).organization_id


def test_change_is_decided_in_20_working_days_and_extended_once(people, make_ctx, db):
    org_id = _established(people)
    app = _change(people, org_id, make_ctx)
    assert app.kind is ApplicationKind.CHANGE
    dl = app.decision_deadline
    assert (dl.unit, dl.amount, dl.rule) == ("working_days", 20, "clock.change_decision")
    # 20 working days after Wed 5 March 2025
    assert dl.start == TODAY and dl.due == date(2025, 4, 2)
    assert "行政许可法》第四十二条" in dl.article
    # only the head (an approver) records the extension, with a reason
    with pytest.raises(ValidationFailed):
        reg.extend_decision_period(people["approver"], app.id, " ")
    head = make_ctx("head", Role.APPROVER, today=date(2025, 3, 20))
    ext = reg.extend_decision_period(head, app.id, "需征求业务主管单位意见")
    assert ext.decision_deadline.amount == 30
    assert ext.decision_deadline.rule == "clock.change_decision_extended"
    # 10 more: 3 April, (Qingming 4-6 April), 7-11, 14-17 April
    assert ext.decision_deadline.due == date(2025, 4, 17)
    [step] = [st for st in ext.steps if st.step == reg.EXTENSION_STEP]
    assert step.data["approved_by"] == "head" and step.note == "需征求业务主管单位意见"
    with pytest.raises(reg.RefusedByLaw) as err:
        reg.extend_decision_period(head, app.id, "再延")
    assert "head" in err.value.message()
    with db.read() as s:
        assert len(s.exec(select(ApplicationStep).where(
            ApplicationStep.step == reg.EXTENSION_STEP)).all()) == 1


def test_extension_refused_for_establishment_and_after_the_period(people, make_ctx):
    app = _submit(people["clerk"], sg_form())
    with pytest.raises(reg.RefusedByLaw) as err:
        reg.extend_decision_period(people["approver"], app.id, "案情复杂")
    assert "第四十二条" in err.value.message()
    reg.review(people["reviewer"], app.id)
    org = reg.approve(people["approver"], app.id).organization_id
    change = _change(people, org, make_ctx)
    late = make_ctx("head", Role.APPROVER, today=date(2025, 4, 7))
    with pytest.raises(reg.RefusedByLaw) as err:
        reg.extend_decision_period(late, change.id, "案情复杂")
    assert "2025-04-02" in err.value.message()


# --------------------------------------------------------------------------- names


def test_closed_names_are_barred_for_one_or_three_years(people, db):
    office = people["clerk"].actor.office_id
    with db.write() as s:
        s.add(Organization(office_id=office, org_type="social_group", name="厦门市海沧区甲协会",
                           status="deregistered", deregistered_on=TODAY - timedelta(days=300)))
        s.add(Organization(office_id=office, org_type="social_group", name="厦门市海沧区乙协会",
                           status="revoked", revoked_on=TODAY - timedelta(days=800)))
        s.add(Organization(office_id=office, org_type="social_group", name="厦门市海沧区丙协会",
                           status="deregistered", deregistered_on=date(2023, 3, 5)))
    clerk = people["clerk"]
    [a] = reg.check_name(clerk, "厦门市海沧区甲协会", SG)
    assert a.code == "name_recently_closed" and a.blocks and a.at_intake
    assert a.article.endswith("第十六条第二项")
    [b] = reg.check_name(clerk, "厦门市海沧区乙协会", SG)
    assert b.code == "name_recently_closed" and b.article.endswith("第十六条第三项")
    [c] = reg.check_name(clerk, "厦门市海沧区丙协会", SG)  # more than a year ago
    assert c.code == "name_used_before" and not c.blocks


def test_duplicate_name_cites_order_69_article_16(people):
    _established(people)
    [f] = [f for f in reg.check_name(people["clerk"], "厦门市海沧区老年人体育协会", SG)
           if f.code == "name_taken"]
    assert f.article == "《社会组织名称管理办法》（民政部令第69号）第十六条第一项"
