"""Gates on the way to a decision: the reviewer cannot pass an incomplete file to the
approver (补正 first), and approve() refuses while any finding blocks."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from mca_tui.domain.enums import ApplicationStatus, OrgType, Role
from mca_tui.services import registration as reg
from mca_tui.storage.models import ApplicationStep, AuditEvent, Organization
from mca_tui.ui.screens.application import ApplicationScreen

from .helpers import TODAY, sg_form
from .test_screens import Harness, settle


@pytest.fixture
def people(make_ctx):
    return {
        "clerk": make_ctx("clerk", Role.CLERK, today=TODAY),
        "reviewer": make_ctx("reviewer", Role.REVIEWER, today=TODAY),
        "approver": make_ctx("approver", Role.APPROVER, today=TODAY),
    }


def without(*keys: str, **over: object) -> dict:
    form = sg_form(**over)
    form["materials"] = {k: v for k, v in form["materials"].items() if k not in keys}
    return form


def accept(clerk, form):  # noqa: ANN001, ANN201
    """Received at the counter; an incomplete file gets a 材料接收凭证 (the reviewer gives
    the one 补正 notice within 5 working days)."""
    draft = reg.save_draft(clerk, form, org_type=OrgType.SOCIAL_GROUP)
    return reg.submit(clerk, draft.id, on_the_spot=False)


def count(db, model, *where) -> int:  # noqa: ANN001
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def test_review_refused_while_materials_are_missing(people, db):
    app = accept(people["clerk"], without("charter_draft", "premises_proof"))
    assert app.complete_on is None  # accepted as an incomplete file
    events = count(db, AuditEvent)
    with pytest.raises(reg.NotReady) as exc:
        reg.review(people["reviewer"], app.id, note="同意")
    assert isinstance(exc.value, reg.MaterialsMissing)
    assert {f.params["material_key"] for f in exc.value.findings} == {
        "charter_draft", "premises_proof"}
    message = exc.value.message()
    assert "不能提交审批" in message and "缺 2 项" in message
    assert "章程草案" in message and "第三十二条" in message
    # nothing happened: still waiting for the reviewer, no step, no audit event
    info = reg.get_application(people["reviewer"], app.id)
    assert info.status is ApplicationStatus.ACCEPTED and info.reviewed_on is None
    assert count(db, ApplicationStep, ApplicationStep.application_id == app.id,
                 ApplicationStep.step == "reviewed") == 0
    assert count(db, AuditEvent) == events
    # and so the approver cannot approve it either
    with pytest.raises(reg.WrongStatus):
        reg.approve(people["approver"], app.id)


def test_after_the_correction_the_review_and_approval_go_through(people):
    clerk, reviewer = people["clerk"], people["reviewer"]
    app = accept(clerk, without("charter_draft"))
    reg.request_correction(reviewer, app.id)
    info = reg.get_application(clerk, app.id)
    assert any("章程草案" in item for item in info.correction_items)
    # the applicant hands in only part of it: the clerk cannot record the 补正 as complete
    with pytest.raises(reg.MaterialsMissing):
        reg.complete_correction(clerk, app.id, info.form)
    reg.complete_correction(clerk, app.id, sg_form())
    assert reg.review(reviewer, app.id).status is ApplicationStatus.REVIEWED
    result = reg.approve(people["approver"], app.id)
    assert result.application.status is ApplicationStatus.APPROVED and result.uscc


def test_other_blocking_findings_reach_the_approver_who_cannot_approve(people, db):
    # 49 members: the file is complete but the condition is not met; the reviewer passes
    # it on, the approver must refuse it (approve() says why)
    app = accept(people["clerk"], sg_form(individual_members="49"))
    assert [f.code for f in app.blocking] == ["members_individual_too_few"]
    reviewed = reg.review(people["reviewer"], app.id)
    assert reviewed.status is ApplicationStatus.REVIEWED
    with pytest.raises(reg.NotReady) as exc:
        reg.approve(people["approver"], app.id)
    assert not isinstance(exc.value, reg.MaterialsMissing)
    assert exc.value.findings and all(f.blocks for f in exc.value.findings)
    assert "50个" in exc.value.message()
    assert reg.get_application(people["approver"], app.id).status is ApplicationStatus.REVIEWED
    assert count(db, Organization) == 0
    refused = reg.refuse(people["approver"], app.id, "会员数量不足50个")
    assert refused.application.status is ApplicationStatus.REFUSED


async def test_review_key_on_the_page_says_why_it_is_refused(people):
    app_id = accept(people["clerk"], without("charter_draft")).id
    app = Harness(ApplicationScreen(people["reviewer"], app_id))
    messages: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.screen.notify = lambda message, **kw: messages.append(message)  # type: ignore[method-assign]
        await pilot.press("f9")  # 审查通过 -> note dialog
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
    assert any("不能提交审批" in m and "章程草案" in m for m in messages)
    assert reg.get_application(people["reviewer"], app_id).status is ApplicationStatus.ACCEPTED


def test_correction_cannot_be_completed_with_materials_still_missing(people):
    from mca_tui.domain.forms import materials_for

    form = sg_form()
    form["materials"] = {m.key: False for m in materials_for(OrgType.SOCIAL_GROUP)}
    draft = reg.save_draft(people["clerk"], form, org_type=OrgType.SOCIAL_GROUP)
    app = reg.submit(people["clerk"], draft.id, on_the_spot=False)
    reg.request_correction(people["reviewer"], app.id)
    with pytest.raises(reg.MaterialsMissing):
        reg.complete_correction(people["clerk"], app.id, form)
    form["materials"] = {m.key: True for m in materials_for(OrgType.SOCIAL_GROUP)}
    done = reg.complete_correction(people["clerk"], app.id, form)
    assert done.complete_on == TODAY
