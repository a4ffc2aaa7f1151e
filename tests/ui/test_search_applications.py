"""F3 search finds applications and drafts too (issue 14): by application number,
proposed name and applicant, from the same box as organizations, marked as such and
opening the application; the lookup reads the term index, never the application table."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from textual.widgets import Input, OptionList, Static

from mca_tui.domain.enums import OrgType
from mca_tui.services import registration as reg
from mca_tui.services.search import search_applications
from mca_tui.storage import application_search

from ..registration.helpers import sg_form
from .conftest import settle, sign_in, type_text, wait_until

SIZE = (100, 30)


def static_text(widget: Static) -> str:
    return str(widget.render())


def _apps(ctx):  # noqa: ANN001, ANN202
    draft = reg.save_draft(ctx, {"name": "海沧区书法研究会", "legal_rep_name": "欧阳明"},
                           org_type=OrgType.SOCIAL_GROUP)
    filed = reg.save_draft(ctx, sg_form(name="厦门市海沧区围棋协会", legal_rep_name="司马光"),
                           org_type=OrgType.SOCIAL_GROUP)
    filed = reg.submit(ctx, filed.id)
    assert filed.number
    return draft, filed


def test_service_finds_by_number_name_and_applicant(ctx, registry):  # noqa: ANN001
    draft, filed = _apps(ctx)
    assert [h.id for h in search_applications(ctx, "书法")] == [draft.id]
    assert [h.id for h in search_applications(ctx, "欧阳")] == [draft.id]  # applicant
    assert [h.id for h in search_applications(ctx, "司马光")] == [filed.id]
    assert [h.id for h in search_applications(ctx, filed.number[-4:])] == [filed.id]
    assert [h.id for h in search_applications(ctx, filed.number.lower())] == [filed.id]
    assert search_applications(ctx, "社工协会") == ()  # organizations are not applications
    # a renamed draft is found by its new name only (the terms follow every write)
    reg.save_draft(ctx, {"name": "海沧区篆刻研究会", "legal_rep_name": "欧阳明"},
                   application_id=draft.id)
    assert search_applications(ctx, "书法") == ()
    assert [h.id for h in search_applications(ctx, "篆刻")] == [draft.id]


@pytest.mark.sqlite_only
def test_lookup_reads_the_index_not_the_application_table(ctx, db):  # noqa: ANN001
    with db.read() as s:
        q = application_search.fragment("书法")
        low, high = application_search.term_range(q)
        plan = " | ".join(str(r[-1]) for r in s.connection().execute(text(
            "EXPLAIN QUERY PLAN SELECT DISTINCT application_id FROM application_term "
            "WHERE office_id = :o AND term >= :low AND term < :high LIMIT 20"),
            {"o": ctx.actor.office_id, "low": low, "high": high}))
    assert "SEARCH application_term USING" in plan and "SCAN" not in plan.replace(
        "SCAN CONSTANT", ""), plan


async def test_f3_lists_applications_marked_and_opens_them(make_app, ctx, registry):  # noqa: ANN001
    from mca_tui.ui.screens.search import SearchScreen

    draft, filed = _apps(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        screen = app.screen
        await type_text(pilot, "围棋")
        await wait_until(pilot, lambda: not screen.searching and screen.query_text == "围棋")
        results = screen.query_one("#results", OptionList)
        assert results.option_count == 1
        line = str(results.get_option_at_index(0).prompt)
        assert line.startswith("申请") and "围棋协会" in line and filed.number in line
        assert "件申请或草稿" in static_text(screen.query_one("#search-status", Static))
        # organizations and applications side by side: applications first
        box = screen.query_one("#query", Input)
        box.value = ""
        await type_text(pilot, "海沧区")
        await wait_until(pilot, lambda: not screen.searching and screen.query_text == "海沧区")
        marks = {str(results.get_option_at_index(i).prompt)[:2] for i in (0, 1)}
        assert marks == {"申请", "草稿"}  # newest change first
        assert str(results.get_option_at_index(2).prompt).startswith("海沧区")  # an organization
        assert results.highlighted == 2  # the cursor starts on the first organization
        assert len(screen.app_hits) == 2 and len(screen.hits) >= 3
        # Enter on the filed application opens its page
        box.value = ""
        await type_text(pilot, filed.number)
        await wait_until(pilot, lambda: not screen.searching and screen.query_text == filed.number)
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ApplicationScreen")
        assert app.screen.application_id == filed.id
        await settle(app, pilot)
