"""Pilot tests of the registration screens in a bare App (the shell is tested elsewhere):
checks on leaving a field, autosave and restore, F9 acceptance, review and approval by
different users, four eyes on screen, the foundation refusal."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from mca_tui.domain.enums import ApplicationStatus, OrgType, Role
from mca_tui.services import registration as reg
from mca_tui.ui.calls import wait_for_closing_calls
from mca_tui.ui.screens.application import ApplicationScreen, ApplicationsScreen
from mca_tui.ui.screens.intake import IntakeScreen

from ..ui.waiting import wait_until
from .helpers import FOUNDER_ID, REP_ID, TODAY, sg_form


class Harness(App):
    def __init__(self, screen) -> None:  # noqa: ANN001
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)


async def settle(app: App, pilot) -> None:  # noqa: ANN001
    """Wait (bounded) until the app is quiet: workers finished, what they posted handled
    (tests/ui/waiting.settled); no fixed pause."""
    from ..ui.waiting import settled

    await settled(app, pilot)


def problem(screen, name: str) -> str:  # noqa: ANN001
    box = screen.query_one(f"#p-{name}", Static)
    return str(box.render()) if box.display else ""


@pytest.fixture
def people(make_ctx):
    return {
        "clerk": make_ctx("clerk", Role.CLERK, today=TODAY),
        "reviewer": make_ctx("reviewer", Role.REVIEWER, today=TODAY),
        "approver": make_ctx("approver", Role.APPROVER, today=TODAY),
        "both": make_ctx("both", Role.CLERK, Role.APPROVER, today=TODAY),
    }


def fill(screen, form: dict) -> None:  # noqa: ANN001
    for key, value in form.items():
        if key in ("persons", "materials"):
            continue
        widgets = list(screen.query(f"#f-{key}"))
        if not widgets:
            continue
        w = widgets[0]
        if isinstance(w, Input):
            w.value = str(value)
        elif isinstance(w, Select):
            w.value = value if value else Select.NULL
        elif isinstance(w, Checkbox):
            w.value = bool(value)
        elif isinstance(w, TextArea):
            w.load_text(str(value))
    for i, p in enumerate(form.get("persons") or []):
        screen.query_one(f"#pn-{i}", Input).value = p["name"]
        screen.query_one(f"#pi-{i}", Input).value = p["id_number"]
    for box in screen.query("#reg-materials Checkbox").results(Checkbox):
        box.value = True


async def test_field_checked_on_leaving_and_draft_autosaved(people):
    clerk = people["clerk"]
    screen = IntakeScreen(clerk)
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen.query_one("#f-name", Input).focus()
        await pilot.press(*"中国老年人协会")
        await pilot.press("tab")
        await settle(app, pilot)
        text = problem(screen, "name")
        assert "「中国」" in text and "第十条" in text
        await pilot.press(*"35020519800101001")
        screen.query_one("#f-legal_rep_id_number", Input).focus()
        await pilot.press(*"350205198001010011", "tab")
        await settle(app, pilot)
        assert "校验码" in problem(screen, "legal_rep_id_number")
        # the typed text is kept and autosaved (as typed) within a few seconds
        def autosaved() -> bool:
            drafts = reg.list_applications(clerk, statuses=(ApplicationStatus.DRAFT,))
            return bool(drafts) and reg.get_application(clerk, drafts[0].id).form.get(
                "legal_rep_id_number") == "350205198001010011"

        await wait_until(pilot, autosaved, timeout=15)  # the tick, then its worker
        await settle(app, pilot)
        [draft] = reg.list_applications(clerk, statuses=(ApplicationStatus.DRAFT,))
        saved = reg.get_application(clerk, draft.id)
        assert saved.form["name"] == "中国老年人协会"
        assert saved.form["legal_rep_id_number"] == "350205198001010011"
        # typing just before the app closes is not lost either
        screen.query_one("#f-domicile", Input).focus()
        await pilot.press(*"海沧大道1号")
        await pilot.pause()
    assert wait_for_closing_calls()  # saved off the event loop as the app closed
    again = reg.get_application(clerk, draft.id)
    assert again.form["domicile"] == "海沧大道1号"


async def test_draft_resumes_from_the_list(people):
    clerk = people["clerk"]
    draft = reg.save_draft(clerk, sg_form(name="厦门市海沧区书法协会"), org_type=OrgType.SOCIAL_GROUP)
    app = Harness(ApplicationsScreen(clerk))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.application_id == draft.id
        assert app.screen.query_one("#f-name", Input).value == "厦门市海沧区书法协会"


async def test_intake_to_approval_by_different_users(people):
    clerk = people["clerk"]
    screen = IntakeScreen(clerk)
    app = Harness(screen)
    form = sg_form(individual_members="49", persons=[{"name": "林芳", "id_number": FOUNDER_ID}])
    form["materials"] = {**form["materials"], "charter_draft": False}
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        fill(screen, form)
        screen.query_one("#m-charter_draft", Checkbox).value = False
        await pilot.pause()
        await pilot.press("f9")
        await settle(app, pilot)
        # a material is missing: the 补正材料通知书 is handed over on the spot, listing
        # every problem at once (行政许可法 Art 32), never a 受理通知书
        notice = str(app.screen.query_one("#preview-body Static").render())
        assert "补正材料通知书" in notice and "受理通知书" not in notice
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ApplicationScreen)
        app_id = app.screen.application_id
    info = reg.get_application(clerk, app_id)
    assert info.status is ApplicationStatus.CORRECTION and info.form["legal_rep_id_number"] == REP_ID
    assert any("章程草案" in item for item in info.correction_items)
    assert info.decision_deadline is None  # the clock waits for the last material
    done = reg.complete_correction(clerk, app_id, {**info.form, "individual_members": "50",
                                                   "materials": sg_form()["materials"]})
    assert done.decision_deadline.start == TODAY

    # the file is complete: its page shows the 60-day clock from the completion
    app = Harness(ApplicationScreen(people["reviewer"], app_id))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        body = str(app.screen.query_one("#app-content", Static).render())
        assert "60日内作出登记决定" in body

    app = Harness(ApplicationScreen(people["reviewer"], app_id))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")  # 审查通过 -> note dialog
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
    assert reg.get_application(clerk, app_id).status is ApplicationStatus.REVIEWED

    # the approver approves; the preview of the documents opens
    app = Harness(ApplicationScreen(people["approver"], app_id))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert "登记证书信息表" in str(app.screen.query_one("#preview-body Static").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert "统一社会信用代码：51350205" in str(
            app.screen.query_one("#app-content", Static).render())
    assert reg.get_application(clerk, app_id).status is ApplicationStatus.APPROVED


async def _shown_when_loaded(app: App, pilot) -> dict[str, str]:  # noqa: ANN001
    """Wait until the application page has its data, then the keys its footer shows."""
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if getattr(app.screen, "info", None) is not None:
            break
    assert app.screen.info is not None
    return {key: ab.binding.description for key, ab in app.screen.active_bindings.items()}


async def test_four_eyes_on_screen(people):
    """The clerk who accepted a file is never offered F9 核准 (nor F7 不予登记) on it; an
    approver is. The screen asks the registration table, as the service does."""
    both = people["both"]
    draft = reg.save_draft(both, sg_form(), org_type=OrgType.SOCIAL_GROUP)
    reg.submit(both, draft.id)
    reg.review(people["reviewer"], draft.id)
    by_id = {b.id: b for b in ApplicationScreen.BINDINGS}
    approve, refuse = by_id["registration.app.approve"], by_id["registration.app.refuse"]
    approve_key, refuse_key = approve.description, refuse.description
    assert "核准" in approve_key
    app = Harness(ApplicationScreen(both, draft.id))
    messages = []
    async with app.run_test(size=(100, 30)) as pilot:
        shown = await _shown_when_loaded(app, pilot)
        assert shown.get(approve.key) != approve_key and shown.get(refuse.key) != refuse_key
        assert approve_key not in shown.values() and refuse_key not in shown.values()
        app.notify = lambda message, **kw: messages.append(message)  # type: ignore[method-assign]
        await pilot.press("f9")  # not offered: nothing happens, nothing is refused
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ApplicationScreen)  # no confirmation opened
    assert messages == []
    assert reg.get_application(both, draft.id).status is ApplicationStatus.REVIEWED

    app = Harness(ApplicationScreen(people["approver"], draft.id))
    async with app.run_test(size=(100, 30)) as pilot:
        shown = await _shown_when_loaded(app, pilot)
        assert shown.get(approve.key) == approve_key
        assert shown.get(refuse.key) == refuse_key


async def test_foundation_intake_says_why_and_saves_nothing(people):
    clerk = people["clerk"]
    screen = IntakeScreen(clerk)
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen.query_one("#reg-type", Select).value = OrgType.FOUNDATION.value
        await settle(app, pilot)
        notice = screen.query_one("#reg-notice", Static)
        assert notice.display and "第六条" in str(notice.render())
        assert not list(screen.query("#f-name"))
        await pilot.press("f9")
        await asyncio.sleep(0)
        await settle(app, pilot)
    assert reg.list_applications(clerk) == []


async def test_change_screen_shows_present_values_and_accepts(people):
    from mca_tui.ui.screens.change import ChangeScreen

    clerk = people["clerk"]
    draft = reg.save_draft(clerk, sg_form(), org_type=OrgType.SOCIAL_GROUP)
    reg.submit(clerk, draft.id)
    reg.review(people["reviewer"], draft.id)
    org_id = reg.approve(people["approver"], draft.id).organization_id
    screen = ChangeScreen(clerk, org_id)
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        shown = " ".join(str(s.render()) for s in screen.query(".reg-current"))
        assert "现登记：厦门市海沧区老年人体育协会" in shown
        assert "现登记：陈明" in shown
        screen.query_one("#f-domicile", Input).focus()
        await pilot.press(*"厦门市海沧区新阳路2号", "tab")
        screen.query_one("#f-supervisory_approval_on", Input).value = "2025-01-20"
        for box in screen.query("#reg-materials Checkbox").results(Checkbox):
            box.value = True
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("escape")  # the acceptance notice preview
        await settle(app, pilot)
        assert isinstance(app.screen, ApplicationScreen)
        body = str(app.screen.query_one("#app-content", Static).render())
        assert "变更为 厦门市海沧区新阳路2号" in body
        assert "逾期" in body  # applied 2025-03-03, more than 30 days after 2025-01-20


async def test_applications_list_exports_what_it_shows(people):
    import openpyxl

    clerk = people["clerk"]
    reg.save_draft(clerk, sg_form(name="厦门市海沧区书法协会"), org_type=OrgType.SOCIAL_GROUP)
    screen = ApplicationsScreen(clerk)
    app = Harness(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await app.workers.wait_for_complete()
        await settle(app, pilot)
    files = list((clerk.settings.documents_path() / "exports").glob("applications-*.xlsx"))
    assert len(files) == 1
    rows = list(openpyxl.load_workbook(files[0]).active.iter_rows(values_only=True))
    assert rows[0][1] == "名称"
    assert rows[1][1] == "厦门市海沧区书法协会" and rows[1][3] == "草稿"
