"""The materials checklist on the intake form is re-checked as the clerk ticks it: once
F5 has listed what is missing, ticking a box clears its message at once (no second F5)."""

from __future__ import annotations

from textual.widgets import Checkbox, Select, Static

from mca_tui.domain.eligibility import evaluate_establishment, materials_findings
from mca_tui.domain.enums import OrgType, Role
from mca_tui.domain.forms import materials_for
from mca_tui.ui.screens.intake import IntakeScreen

from .helpers import TODAY, sg_form
from .test_screens import Harness, fill, problem, settle


def summary(screen) -> str:  # noqa: ANN001
    return str(screen.query_one("#reg-findings", Static).render())


def test_materials_findings_names_each_unticked_item():
    items = materials_for(OrgType.SOCIAL_GROUP)
    found = materials_findings(items, {"application": True, "charter_draft": False})
    assert [f.params["material_key"] for f in found] == [
        m.key for m in items if m.key != "application"]
    assert all(f.blocks and f.field == "materials" for f in found)
    assert materials_findings(items, {m.key: True for m in items}) == []
    # the whole-form evaluation reports the same findings
    form = sg_form(materials={"application": True})
    assert [f for f in evaluate_establishment(OrgType.SOCIAL_GROUP, form, today=TODAY)
            if f.code == "material_missing"] == materials_findings(items, form["materials"])


async def test_ticking_a_material_updates_the_messages_without_f5(make_ctx):
    screen = IntakeScreen(make_ctx("clerk", Role.CLERK, today=TODAY))
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        fill(screen, sg_form())
        screen.query_one("#m-charter_draft", Checkbox).value = False
        screen.query_one("#m-premises_proof", Checkbox).value = False
        await pilot.press("f5")
        await settle(app, pilot)
        assert "章程草案" in problem(screen, "materials")
        assert "住所（场所）使用权证明" in problem(screen, "materials")
        assert "章程草案" in summary(screen)

        # the clerk ticks 章程草案 with the keyboard: its message goes at once
        box = screen.query_one("#m-charter_draft", Checkbox)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value
        assert "章程草案" not in problem(screen, "materials")
        assert "住所" in problem(screen, "materials")
        assert "章程草案" not in summary(screen)

        # the last one: no message left under the checklist
        screen.query_one("#m-premises_proof", Checkbox).value = True
        await pilot.pause()
        assert problem(screen, "materials") == ""
        assert "缺少申请材料" not in summary(screen)

        # unticking brings the message back
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert "章程草案" in problem(screen, "materials")
        assert "章程草案" in summary(screen)


async def test_no_materials_message_before_the_form_is_checked(make_ctx):
    screen = IntakeScreen(make_ctx("clerk", Role.CLERK, today=TODAY))
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        box = screen.query_one("#m-application", Checkbox)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        # nothing was checked yet: ticking one box does not list the five others
        assert problem(screen, "materials") == ""


async def test_direct_registration_drops_the_approval_message(make_ctx):
    screen = IntakeScreen(make_ctx("clerk", Role.CLERK, today=TODAY))
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        fill(screen, sg_form())
        screen.query_one("#m-supervisory_approval", Checkbox).value = False
        screen.query_one("#m-charter_draft", Checkbox).value = False
        await pilot.press("f5")
        await settle(app, pilot)
        assert "业务主管单位的批准文件" in problem(screen, "materials")
        # registered directly: the checklist is rebuilt without the approval, and what is
        # still missing is listed again under it
        screen.query_one("#f-direct_category", Select).value = "community_service"
        await settle(app, pilot)
        assert not screen.query("#m-supervisory_approval")
        assert "业务主管单位的批准文件" not in problem(screen, "materials")
        assert "章程草案" in problem(screen, "materials")
