"""Pilot tests of the annual report and credit list screens at 80×24: report intake by
the clerk (an error keeps what was typed), the conclusion by a reviewer, the
abnormal-list proposal (the dry run writes nothing; only the approver confirms)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select
from textual.widgets import DataTable, Input, Static

from mca_tui.domain.enums import Role
from mca_tui.services import users
from mca_tui.storage.models import AnnualReport, AuditEvent, CreditListEntry, IssuedDocument

from ..ui.conftest import settle, sign_in, wait_until

SIZE = (80, 24)
TODAY = date(2025, 6, 16)
PASSWORDS = {"clerk": "clerk-pass-1", "rev": "review-pass-1", "head": "approve-pass-1"}


@pytest.fixture
def settings(inspection_settings):
    return inspection_settings


@pytest.fixture
def people(ctx, add_org):
    users.add_user(ctx, "clerk", "陈晓燕", PASSWORDS["clerk"], ["clerk"])
    users.add_user(ctx, "rev", "黄丽芳", PASSWORDS["rev"], ["reviewer"])
    users.add_user(ctx, "head", "林志伟", PASSWORDS["head"], ["approver"])
    return {"reported": add_org("海沧区书法协会", date(2020, 1, 1)),
            "missing": add_org("海沧区篮球协会", date(2020, 1, 1)),
            "new": add_org("海沧区新协会", date(2024, 7, 1))}


@pytest.fixture
def make_app(db, settings):
    from mca_tui.ui.app import McaApp

    def make():  # noqa: ANN202
        return McaApp(settings, lambda: db, today=lambda: TODAY)

    return make


def _count(db, model) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _text(widget: Static) -> str:
    return str(widget.render())


async def test_clerk_records_a_report_and_an_error_keeps_what_was_typed(make_app, people, db):
    from mca_tui.ui.screens.annual_report import AnnualReportScreen, AnnualReportsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk", PASSWORDS["clerk"])
        app.open_procedure("annual_reports")
        await settle(app, pilot)
        listing = app.screen
        assert isinstance(listing, AnnualReportsScreen) and listing.year == 2024
        # the organization registered after 30 June 2024 is not due
        assert {r.name for r in listing.rows} == {"海沧区书法协会", "海沧区篮球协会"}
        index = [r.organization_id for r in listing.rows].index(people["reported"])
        listing.query_one(DataTable).move_cursor(row=index)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnualReportScreen)
                         and app.screen.info is not None)
        page = app.screen
        assert page.query_one("#rp-received_on", Input).value == TODAY.isoformat()
        page.query_one("#rp-received_on", Input).value = "2024-12-31"  # before the year ended
        page.query_one("#rp-supervisory_opinion", Input).value = "同意报送"
        page.query_one("#rp-materials", Input).value = "年度工作报告书"
        await pilot.press("f9")
        await wait_until(pilot, lambda: "次年1月1日" in _text(page.query_one("#rp-error", Static)))
        assert _count(db, AnnualReport) == 0
        assert page.query_one("#rp-supervisory_opinion", Input).value == "同意报送"  # kept
        assert page.query_one("#rp-materials", Input).value == "年度工作报告书"
        page.query_one("#rp-received_on", Input).value = "2025-05-30"
        await pilot.press("f9")
        await wait_until(pilot, lambda: page.info is not None and page.info.state == "received")
        with db.read() as s:
            report = s.exec(select(AnnualReport)).one()
        assert (report.submitted_on, report.supervisory_opinion, report.note) == (
            date(2025, 5, 30), "同意报送", "年度工作报告书")
        # the clerk may amend the intake, never conclude
        assert "annual_report.conclude" not in page.info.actions
        assert page.query_one("#rp-row-conclusion").display is False
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, AnnualReportsScreen)


async def test_reviewer_concludes_basic_pass_with_rectification(make_app, people, db, make_ctx):
    from mca_tui.services.supervision import annual_reports
    from mca_tui.ui.screens.annual_report import AnnualReportScreen

    clerk = make_ctx("desk", Role.CLERK, today=TODAY)
    annual_reports.receive(clerk, people["reported"], 2024, received_on=date(2025, 5, 30))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "rev", PASSWORDS["rev"])
        app.push_screen(AnnualReportScreen(app.ctx, people["reported"], 2024))
        await wait_until(pilot, lambda: getattr(app.screen, "info", None) is not None)
        page = app.screen
        assert page.query_one("#rp-row-items").display is False
        page.query_one("#rp-conclusion").value = "basic_pass"
        await pilot.pause()
        assert page.query_one("#rp-row-items").display is True
        page.query_one("#rp-rectify_by", Input).value = "2025-08-31"
        await pilot.press("f9")  # no items: refused, nothing written
        await wait_until(pilot, lambda: "整改事项" in _text(page.query_one("#rp-error", Static)))
        page.query_one("#rp-items").text = "补交审计报告\n召开理事会"
        await pilot.press("f9")
        await wait_until(pilot, lambda: page.info is not None and page.info.state == "concluded")
        assert page.info.conclusion == "basic_pass" and page.info.rectification_id


async def test_abnormal_proposal_writes_nothing_and_the_approver_confirms(make_app, people, db,
                                                                         make_ctx):
    from mca_tui.services.supervision import annual_reports
    from mca_tui.ui.screens.annual_report import AbnormalProposalScreen, AnnualReportsScreen

    annual_reports.receive(make_ctx("desk", Role.CLERK, today=TODAY), people["reported"], 2024,
                           received_on=date(2025, 5, 30))
    events = _count(db, AuditEvent)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk", PASSWORDS["clerk"])
        events = _count(db, AuditEvent)  # after the sign-in event
        app.push_screen(AnnualReportsScreen(app.ctx, 2024))
        await settle(app, pilot)
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, AbnormalProposalScreen)
                         and app.screen.loaded)
        proposal = app.screen
        assert [r.organization_id for r in proposal.rows] == [people["missing"]]
        assert "拟列入 1 家" in _text(proposal.query_one("#pp-status", Static))
        assert proposal.check_action("confirm", ()) is None  # a clerk does not list
        await pilot.press("f9")
        await settle(app, pilot)
        assert _count(db, AuditEvent) == events  # the dry run wrote nothing
        assert _count(db, CreditListEntry) == 0
        await pilot.press("enter")  # the proposed organization's report page
        await wait_until(pilot, lambda: getattr(app.screen, "organization_id", None)
                         == people["missing"])
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is proposal)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "head", PASSWORDS["head"])
        app.push_screen(AbnormalProposalScreen(app.ctx, 2024))
        await wait_until(pilot, lambda: app.screen.loaded)
        await pilot.press("f9")  # asks first
        await settle(app, pilot)
        assert _count(db, CreditListEntry) == 0
        await pilot.press("f9")  # confirmed
        await wait_until(pilot, lambda: _count(db, CreditListEntry) == 1)
        await wait_until(pilot, lambda: app.screen.loaded and app.screen.rows == [])
        with db.read() as s:
            entry = s.exec(select(CreditListEntry)).one()
            doc = s.get(IssuedDocument, entry.notice_document_id)
        assert entry.organization_id == people["missing"] and doc.kind == "credit_listing_notice"


async def test_credit_listing_page_lists_and_exports_the_publication_list(make_app, people, db,
                                                                          settings):
    from mca_tui.ui.screens.credit_list import CreditListingScreen, CreditListsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "head", PASSWORDS["head"])
        app.push_screen(CreditListingScreen(app.ctx, people["missing"]))
        await wait_until(pilot, lambda: getattr(app.screen, "info", None) is not None)
        page = app.screen
        assert page.offered == ["credit.abnormal.list"]
        page.query_one("#li-ground").value = "unreachable"
        page.query_one("#li-text", Input).value = "两次挂号信均被退回"
        await pilot.press("f9")
        await wait_until(pilot, lambda: page.info is not None and page.info.state == "listed")
        assert "credit.abnormal.add_ground" in page.offered
        app.pop_screen()
        app.push_screen(CreditListsScreen(app.ctx))
        await wait_until(pilot, lambda: len(getattr(app.screen, "rows", [])) == 1)
        await pilot.press("f7")
        folder = settings.documents_path() / "exports"
        await wait_until(pilot, lambda: folder.exists() and any(folder.glob("*.xlsx")))


async def test_overdue_reports_queue_opens_the_report_page(make_app, people):
    from textual.widgets import OptionList

    from mca_tui.ui.screens.annual_report import AnnualReportScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk", PASSWORDS["clerk"])
        home = app.screen
        ids = [s.id for s in home.summaries]
        assert {s.id: s.count for s in home.summaries}["reports_overdue"] == 2
        home.query_one("#queue-list", OptionList).highlighted = ids.index("reports_overdue")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(getattr(app.screen, "items", [])) == 2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AnnualReportScreen)
                         and app.screen.info is not None)
        assert app.screen.year == 2024 and "annual_report.receive" in app.screen.info.actions


async def test_approver_adjusts_a_conclusion_with_its_reason(make_app, people, db, make_ctx):
    from mca_tui.services.supervision import annual_reports
    from mca_tui.ui.screens.annual_report import AnnualReportScreen

    rid = annual_reports.receive(make_ctx("desk", Role.CLERK, today=TODAY), people["reported"],
                                 2024, received_on=date(2025, 5, 30))
    annual_reports.conclude(make_ctx("rev2", Role.REVIEWER, today=TODAY), rid, "pass",
                            concluded_on=TODAY)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "head", PASSWORDS["head"])
        app.push_screen(AnnualReportScreen(app.ctx, people["reported"], 2024))
        await wait_until(pilot, lambda: getattr(app.screen, "info", None) is not None)
        page = app.screen
        assert page._mode() == "adjust"
        page.query_one("#rp-conclusion").value = "basic_pass"
        page.query_one("#rp-items").text = "补交审计报告"
        page.query_one("#rp-rectify_by", Input).value = "2025-08-31"
        await pilot.press("f9")  # no reason: refused, what was typed stays
        await wait_until(pilot, lambda: "理由" in _text(page.query_one("#rp-error", Static)))
        assert page.query_one("#rp-items").text == "补交审计报告"
        page.query_one("#rp-note", Input).value = "复核发现财务问题"
        await pilot.press("f9")
        await wait_until(pilot, lambda: page.info is not None
                         and page.info.conclusion == "basic_pass")
        assert page.info.rectification_id


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_report_list_and_page_fit_80x24(make_app, people, lang):
    """At 80×24 the list keeps name, deadline and status on one row; the report page shows
    its deadlines and the footer keeps F9 and the palette key."""
    from mca_tui.i18n import set_language, t
    from mca_tui.ui.screens.annual_report import AnnualReportScreen, AnnualReportsScreen

    from ..ui.waiting import screen_lines

    set_language(lang)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "clerk", PASSWORDS["clerk"])
        app.push_screen(AnnualReportsScreen(app.ctx, 2024))
        await wait_until(pilot, lambda: len(getattr(app.screen, "rows", [])) == 2)
        await settle(app, pilot)
        rows = [line for line in screen_lines(app) if "海沧区篮球协会" in line]
        assert rows and "2025-06-03" in rows[0], "\n".join(screen_lines(app))
        assert t("enum.AnnualReportStatus.overdue") in rows[0]
        assert "^p" in screen_lines(app)[-1]
        app.push_screen(AnnualReportScreen(app.ctx, people["missing"], 2024))
        await wait_until(pilot, lambda: getattr(app.screen, "info", None) is not None)
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        assert "2025-06-03" in text and "f9" in screen_lines(app)[-1], text


async def test_listing_page_offers_promotion_only_from_the_day_after_two_years(db, settings,
                                                                             people, make_ctx):
    from mca_tui.services.supervision import credit_lists
    from mca_tui.ui.app import McaApp
    from mca_tui.ui.screens.credit_list import CreditListingScreen

    credit_lists.list_organization(make_ctx("boss", Role.APPROVER, today=date(2023, 6, 16)),
                                   people["missing"], "abnormal", "unreachable",
                                   on=date(2023, 6, 16), evidence="退信")
    for day, offered in ((date(2025, 6, 16), False), (date(2025, 6, 17), True)):
        app = McaApp(settings, lambda: db, today=lambda day=day: day)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(app, pilot, "head", PASSWORDS["head"])
            app.push_screen(CreditListingScreen(app.ctx, people["missing"]))
            await wait_until(pilot, lambda a=app: getattr(a.screen, "info", None) is not None)
            assert ("credit.abnormal.promote" in app.screen.offered) is offered, day
            assert "credit.abnormal.remove_after_period" in app.screen.offered
