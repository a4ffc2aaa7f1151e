"""Drafts (issue 14): a draft appears only when something meaningful was typed; it can
be discarded with a confirmation; a reopened draft does not call itself new."""

from __future__ import annotations

from textual.widgets import Input, Static

from mca_tui.domain.enums import ApplicationStatus, OrgType
from mca_tui.services import registration as reg
from mca_tui.ui.dialogs.registration_dialogs import ConfirmDialog
from mca_tui.ui.screens.application import ApplicationsScreen
from mca_tui.ui.screens.intake import IntakeScreen
from mca_tui.ui.widgets.form import meaningful

from ..ui.waiting import wait_until
from .helpers import sg_form
from .test_screens import Harness, people, settle  # noqa: F401 - fixture

DRAFT = (ApplicationStatus.DRAFT,)


def test_meaningful():
    from datetime import date

    assert not meaningful(reg.new_form(OrgType.SOCIAL_GROUP, date(2025, 3, 5)))
    assert meaningful({"name": "海沧区书法协会"})
    assert meaningful({"persons": [{"name": "林芳", "role": "founder"}]})
    assert not meaningful({"persons": [{"name": "", "role": "founder"}], "received_on": "x"})


async def test_opening_and_leaving_a_new_form_leaves_no_draft(people, monkeypatch):  # noqa: F811
    from mca_tui.ui.widgets import form as form_widget

    ticks: list[IntakeScreen] = []
    tick = IntakeScreen._autosave_tick

    def counted(screen: IntakeScreen) -> None:
        tick(screen)
        ticks.append(screen)

    monkeypatch.setattr(IntakeScreen, "_autosave_tick", counted)
    monkeypatch.setattr(form_widget, "AUTOSAVE_SECONDS", 0.2)  # the interval set on mount
    clerk = people["clerk"]
    app = Harness(ApplicationsScreen(clerk))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f9")  # new 成立登记
        await wait_until(pilot, lambda: bool(app.screen.query("#f-name")))
        # two autosave ticks of the open form (the first may come before the form is
        # built), and whatever they started has finished
        await wait_until(pilot, lambda: len(ticks) >= 2)
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ApplicationsScreen))
        await settle(app, pilot)
    assert reg.list_applications(clerk, statuses=DRAFT) == []


async def test_reopened_draft_is_not_new_and_can_be_discarded(people):  # noqa: F811
    clerk = people["clerk"]
    draft = reg.save_draft(clerk, sg_form(name="厦门市海沧区书法协会"),
                           org_type=OrgType.SOCIAL_GROUP)
    app = Harness(IntakeScreen(clerk, application_id=draft.id))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.screen.query_one("#f-name", Input).value
                         == "厦门市海沧区书法协会")
        await wait_until(pilot, lambda: str(app.screen.query_one("#reg-status", Static)
                                            .render()) != "")
        status = str(app.screen.query_one("#reg-status", Static).render())
        assert "新草稿" not in status and "继续填写草稿" in status
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")  # not yet: nothing happens
        await wait_until(pilot, lambda: isinstance(app.screen, IntakeScreen))
        assert reg.get_application(clerk, draft.id).status is ApplicationStatus.DRAFT
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("f9")
        await wait_until(pilot, lambda: reg.get_application(clerk, draft.id).status
                         is ApplicationStatus.WITHDRAWN)
    assert reg.list_applications(clerk, statuses=DRAFT) == []


async def test_f5_result_at_the_top_and_focus_on_the_first_problem(people):  # noqa: F811
    clerk = people["clerk"]
    draft = reg.save_draft(clerk, sg_form(legal_rep_name=""), org_type=OrgType.SOCIAL_GROUP)
    app = Harness(IntakeScreen(clerk, application_id=draft.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.screen.query_one("#f-name", Input).value != "")
        await settle(app, pilot)
        await pilot.press("f5")
        summary = app.screen.query_one("#reg-summary", Static)
        await wait_until(pilot, lambda: summary.display and "须处理" in str(summary.render()))
        assert summary.region.y <= 3  # at the top, not below the fold
        await wait_until(pilot, lambda: app.focused is not None
                         and app.focused.id == "f-legal_rep_name")


def test_applications_found_by_number_name_and_applicant(people):  # noqa: F811
    clerk = people["clerk"]
    draft = reg.save_draft(clerk, sg_form(name="厦门市海沧区书法协会", legal_rep_name="王建华"),
                           org_type=OrgType.SOCIAL_GROUP)
    other = reg.save_draft(clerk, sg_form(name="厦门市海沧区围棋协会"),
                           org_type=OrgType.SOCIAL_GROUP)
    accepted = reg.submit(clerk, other.id)

    def found(text: str) -> list[str]:
        return [r.id for r in reg.list_applications(clerk, text=text)]

    assert found("书法") == [draft.id]
    assert found("王建华") == [draft.id]  # the applicant (legal representative)
    assert found(accepted.number) == [other.id]
    assert found("purpose") == []  # keys of the stored form are not matched
    assert set(found("")) == {draft.id, other.id}


async def test_applications_list_search_box(people):  # noqa: F811
    clerk = people["clerk"]
    reg.save_draft(clerk, sg_form(name="厦门市海沧区书法协会", legal_rep_name="王建华"),
                   org_type=OrgType.SOCIAL_GROUP)
    reg.save_draft(clerk, sg_form(name="厦门市海沧区围棋协会"), org_type=OrgType.SOCIAL_GROUP)
    app = Harness(ApplicationsScreen(clerk))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.screen.rows) == 2)
        app.screen.query_one("#apps-query", Input).focus()
        await pilot.press(*"王建华")
        await wait_until(pilot, lambda: [r.org_name for r in app.screen.rows]
                         == ["厦门市海沧区书法协会"])
        await pilot.press("enter")  # opens the one found
        await wait_until(pilot, lambda: isinstance(app.screen, IntakeScreen))


def test_a_stale_draft_leaves_the_acceptance_queue_but_stays_listed(people, db):  # noqa: F811
    from datetime import timedelta

    from mca_tui.services import queues
    from mca_tui.storage.models import Application, utcnow

    clerk = people["clerk"]
    fresh = reg.save_draft(clerk, sg_form(name="厦门市海沧区书法协会"), org_type=OrgType.SOCIAL_GROUP)
    stale = reg.save_draft(clerk, sg_form(name="厦门市海沧区围棋协会"), org_type=OrgType.SOCIAL_GROUP)
    with db.write() as s:  # untouched for longer than the window (test set-up, no audit)
        row = s.get(Application, stale.id)
        row.updated_at = utcnow() - timedelta(days=queues.STALE_DRAFT_DAYS + 1)
        s.add(row)
    assert [i.application_id for i in queues.items(clerk, "acceptance")] == [fresh.id]
    assert {r.id for r in reg.list_applications(clerk, statuses=DRAFT)} == {fresh.id, stale.id}
