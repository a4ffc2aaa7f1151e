"""Pilot tests of the clerk shell at 100x30."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widgets import Input, OptionList, Static

from mca_tui.domain.enums import Role, SupervisionKind
from mca_tui.services import users
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import SupervisionRecord
from mca_tui.ui.screens.home import HomeScreen
from mca_tui.ui.screens.record import RecordScreen
from mca_tui.ui.screens.search import SearchScreen
from mca_tui.ui.screens.sign_in import BootstrapScreen, SignInScreen

from ..search.helpers import code
from .conftest import TODAY, settle, sign_in, type_text

SIZE = (100, 30)


def static_text(widget: Static) -> str:
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def screen_text(app) -> str:  # noqa: ANN001
    return "\n".join(static_text(w) for w in app.screen.query(Static))


async def test_first_start_asks_for_the_administrator(make_app, db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, BootstrapScreen)
        await type_text(pilot, "李明辉")
        await pilot.press("enter")
        await type_text(pilot, "admin-pass-1")
        await pilot.press("enter")
        await type_text(pilot, "admin-pass-2")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "不一致" in static_text(app.screen.query_one("#bootstrap-status", Static))
        app.screen.query_one("#bs-password2", Input).value = "admin-pass-1"
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.actor.name == "admin" and app.ctx.actor.has(Role.ADMIN)
    assert users.has_users(db)


async def test_sign_in_wrong_then_right(make_app, registry):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, password="wrong-password")
        assert isinstance(app.screen, SignInScreen)
        status = static_text(app.screen.query_one("#sign-in-status", Static))
        assert "用户名或密码不正确" in status
        assert app.screen.query_one("#password", Input).value == ""
        assert app.screen.focused.id == "password"
        await type_text(pilot, "clerk-pass-1")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "陈晓燕" in screen_text(app) and "窗口受理" in screen_text(app)


async def test_lock_out_after_five_failures(make_app, registry):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, password="wrong-1")
        for i in range(2, 6):
            await type_text(pilot, f"wrong-{i}")
            await pilot.press("enter")
            await settle(app, pilot)
        status = static_text(app.screen.query_one("#sign-in-status", Static))
        assert "连续登录失败次数过多" in status
        await type_text(pilot, "clerk-pass-1")  # even the right password must wait
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "秒后再试" in static_text(app.screen.query_one("#sign-in-status", Static))


async def _search(app, pilot, query: str) -> list[str]:  # noqa: ANN001
    box = app.screen.query_one("#query", Input)
    box.value = ""
    await type_text(pilot, query)
    await settle(app, pilot)
    for _ in range(50):  # a query typed during a search runs after it (no fixed debounce)
        if not app.screen.searching:
            break
        await settle(app, pilot)
    return [h.name for h in app.screen.hits]


async def test_search_from_anywhere_with_chinese_codes_and_initials(make_app, registry):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert await _search(app, pilot, "寿") == ["海沧区长寿老人协会"]  # 1 character
        assert await _search(app, pilot, "社工") == ["海沧区社工协会"]  # 2 characters
        assert await _search(app, pilot, "社会工作者") == ["厦门市海沧区社会工作者协会"]
        assert await _search(app, pilot, code(2)[11:17]) == ["海沧区社工协会"]  # USCC part
        # the terminal cursor (where an input method draws its candidates) sits right
        # after the Chinese text typed: two double-width characters = four cells
        box = app.screen.query_one("#query", Input)
        box.value = ""
        await pilot.pause()
        empty = app.cursor_position
        assert empty.y == box.content_region.y
        assert await _search(app, pilot, "社工") == ["海沧区社工协会"]
        assert (app.cursor_position.x, app.cursor_position.y) == (empty.x + 4, empty.y)
        assert await _search(app, pilot, "hcqsg") == ["海沧区社工协会"]  # pinyin initials
        assert (app.cursor_position.x, app.cursor_position.y) == (empty.x + 5, empty.y)
        results = app.screen.query_one("#results", OptionList)
        assert results.option_count == 1
        status = static_text(app.screen.query_one("#search-status", Static))
        assert "共 1 个结果" in status
        # nothing more to load: the hint about loading more is not shown
        assert "已全部显示" in status and "加载更多" not in status
        # deregistered organizations appear, marked
        await _search(app, pilot, "长寿")
        line = results.get_option_at_index(0).prompt
        assert "已注销" in (line.plain if isinstance(line, Text) else str(line))


async def test_open_record_from_search_and_go_back(make_app, registry):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        await _search(app, pilot, "社工")
        await pilot.press("down")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        title = static_text(app.screen.query_one("#record-title", Static))
        assert title == "海沧区社工协会"
        items = static_text(app.screen.query_one("#body-items", Static))
        assert "钟林路1号" in items and "陈晓燕" in items
        timeline = static_text(app.screen.query_one("#body-timeline", Static))
        assert "test.add_org" in timeline and "海沧区社工协会" in timeline
        # the clerk may open a change registration on an active organization (F9)
        # (the supervision procedures follow it on every record)
        assert [p.id for p in app.screen.actions][0] == "change"
        # F7 exports the whole record, a sheet per section
        await pilot.press("f7")
        await app.workers.wait_for_complete()
        await pilot.pause()
        exported = list((app.screen.ctx.settings.documents_path() / "exports").glob("record-*"))
        assert len(exported) == 1
        import openpyxl

        book = openpyxl.load_workbook(exported[0])
        assert book.sheetnames[0] == "登记事项" and "历史记录" in book.sheetnames
        items_rows = list(book["登记事项"].iter_rows(values_only=True))
        assert ("住所", "厦门市海沧区钟林路1号") in items_rows
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#query", Input).value == "社工"


async def test_name_with_markup_is_shown_as_typed(make_app, registry):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        await _search(app, pilot, "测试")
        line = app.screen.query_one("#results", OptionList).get_option_at_index(0).prompt
        assert "海沧区[/]测试[b]协会" in line.plain
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert static_text(app.screen.query_one("#record-title", Static)) == "海沧区[/]测试[b]协会"


async def test_record_actions_depend_on_role_and_status(make_app, registry, ctx):
    users.add_user(ctx, "rev", "黄丽芳", "review-pass-1", ["reviewer"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "rev", "review-pass-1")
        app.open_record(registry[1])
        await settle(app, pilot)
        # a reviewer does not take change applications
        assert "change" not in [p.id for p in app.screen.actions]
        app.pop_screen()
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        app.open_record(registry[2])  # deregistered
        await settle(app, pilot)
        assert "change" not in [p.id for p in app.screen.actions]
        assert "已注销" in static_text(app.screen.query_one("#record-title", Static))
        app.pop_screen()
        await pilot.pause()
        app.open_record(registry[1])  # active: a clerk is offered change registration
        await settle(app, pilot)
        assert [p.id for p in app.screen.actions][0] == "change"


async def test_home_queue_count_opens_its_list_and_the_record(make_app, registry, ctx):
    with ctx.unit("test.rectification", subject=Subject("organization", registry[0])) as unit:
        unit.session.add(SupervisionRecord(
            office_id=ctx.actor.office_id, organization_id=registry[0],
            kind=SupervisionKind.RECTIFICATION.value, record_date=TODAY - timedelta(days=40),
            description="整改财务制度", due_on=TODAY - timedelta(days=3)))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        home = app.screen
        counts = {s.id: s.count for s in home.summaries}
        assert counts["rectifications"] == 1
        queue_list = home.query_one("#queue-list", OptionList)
        index = [s.id for s in home.summaries].index("rectifications")
        line = queue_list.get_option_at_index(index).prompt
        assert "逾期 1 项" in line.plain  # the count with its overdue items, in red
        assert any(span.style == "bold red" for span in line.spans)
        queue_list.highlighted = [s.id for s in home.summaries].index("rectifications")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.queue == "rectifications" and len(app.screen.items) == 1
        from textual.widgets import DataTable

        table = app.screen.query_one(DataTable)
        assert "逾期 3 天" in str(table.get_row_at(0)[3])
        await pilot.press("enter")
        await settle(app, pilot)
        # an overdue rectification opens the organization's supervision screen, on the
        # order due first (23a75f5), not the record
        from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen

        assert isinstance(app.screen, OrgSupervisionScreen)
        assert app.screen.organization_id == registry[0]


async def test_idle_lock_keeps_the_screen(make_app, registry):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        await _search(app, pilot, "社工")
        search_screen = app.screen
        app._last_input -= app.settings.ui.idle_lock_minutes * 60 + 1
        app._check_idle()
        await pilot.pause()
        assert app.locked and type(app.screen).__name__ == "LockScreen"
        await pilot.press("f3")  # nothing opens while locked
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "LockScreen"
        app.go_home()
        await pilot.pause()
        assert type(app.screen).__name__ == "LockScreen"
        await type_text(pilot, "wrong")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.locked
        assert "密码不正确" in static_text(app.screen.query_one("#lock-status", Static))
        app.screen.query_one(Input).value = ""
        await type_text(pilot, "clerk-pass-1")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not app.locked and app.screen is search_screen
        assert search_screen.query_one("#query", Input).value == "社工"
        assert [h.name for h in search_screen.hits] == ["海沧区社工协会"]


async def test_english_interface(make_app, registry):
    from mca_tui.i18n import set_language

    set_language("en")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "User name" in text and "Password" in text
        await sign_in(app, pilot)
        assert "Work queues" in screen_text(app)


async def test_palette_switch_language_restarts(make_app, registry):
    from mca_tui.ui.app import SWITCH_LANGUAGE

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        app.switch_language()
        await pilot.pause()
    assert app.return_value == SWITCH_LANGUAGE


async def test_quit_asks_when_a_form_has_unsaved_changes(make_app, registry):
    from textual.screen import Screen

    class Form(Screen):
        dirty = True

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        app.push_screen(Form())
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Form) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_value == 0


async def test_keymap_file_remaps_a_binding(make_app, registry, settings, tmp_path):
    from dataclasses import replace

    keymap = tmp_path / "keymap.toml"
    keymap.write_text('"app.search" = "f4"\n"home.refresh" = "x"\n', encoding="utf-8")
    app = make_app(settings=replace(settings, ui=replace(settings.ui,
                                                         keymap_file=str(keymap))))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        assert app.keymap_problem and "home.refresh" in app.keymap_problem
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # F3 no longer searches
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


async def test_high_contrast_theme_from_settings(make_app, settings):
    from dataclasses import replace

    app = make_app(settings=replace(settings, ui=replace(settings.ui, theme="high-contrast")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "mca-high-contrast"
        app.toggle_theme()
        assert app.theme == "mca-default"


def test_palette_finds_procedures_by_pinyin_initials():
    from mca_tui.ui.palette import initials_score

    assert initials_score("tj", "统计") == 1.0
    assert initials_score("cx", "查询社会组织") == 1.0
    assert initials_score("shzz", "查询社会组织") == 0.7
    assert initials_score("zz", "统计") == 0.0
    assert initials_score("统", "统计") == 0.0  # Chinese goes through the fuzzy matcher


async def test_palette_provider_yields_hits_for_initials(make_app, registry):
    from mca_tui.ui.palette import ShellCommands

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        provider = ShellCommands(app.screen)
        hits = [h async for h in provider.search("tj")]
        assert any(h.text == "统计" for h in hits)
        hits = [h async for h in provider.search("海沧")]
        assert any("海沧" in (h.text or "") for h in hits)  # 查询「海沧」


def test_started_marker_and_today(make_app):
    app = make_app()
    assert app._today() == TODAY and app.started > 0
    assert date.today() >= TODAY or True


async def test_search_results_export_what_is_shown(make_app, registry, settings):
    from openpyxl import load_workbook

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        await _search(app, pilot, "协会")
        shown = [h.name for h in app.screen.hits]
        await pilot.press("f7")
        await settle(app, pilot)
    files = list((settings.documents_path() / "exports").glob("search-*.xlsx"))
    assert len(files) == 1
    from mca_tui.storage import anchor  # every export leaves a receipt of the chain heads

    assert len(list(anchor.receipts_dir().glob("anchor-*.json"))) == 1
    rows = list(load_workbook(files[0]).active.iter_rows(values_only=True))
    assert rows[0][0] == "名称" and [r[0] for r in rows[1:]] == shown
    assert "海沧区[/]测试[b]协会" in shown


async def test_enter_in_the_query_box_opens_the_first_result(make_app, registry):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        await _search(app, pilot, "晓燕")  # legal representative
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        assert static_text(app.screen.query_one("#record-title", Static)) == "海沧区社工协会"


async def test_f1_lists_the_keys_of_the_screen_from_the_catalog(make_app, registry):
    from mca_tui.ui.dialogs.help import HelpScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        described = dict(app.screen.lines)
        assert described.get("f7") == "导出" and described.get("f3") in ("查询", "输入查询")
        assert all(d for d in described.values())
        assert "Focus Next" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


async def test_stale_search_results_are_dropped(make_app, registry, ctx):
    from mca_tui.services.search import search_organizations

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        screen = app.screen
        await _search(app, pilot, "社工")
        old_page = search_organizations(ctx, "协会")
        screen._show(screen._seq - 1, "协会", old_page)  # an answer to an older query
        await pilot.pause()
        assert [h.name for h in screen.hits] == ["海沧区社工协会"]
        assert screen.query_one("#results", OptionList).option_count == 1


async def test_load_more_hint_only_when_more_exist(make_app, registry, ctx):
    from ..search.helpers import add_orgs

    add_orgs(ctx, [{"name": f"海沧区棋类协会{i:02d}", "rep": "王五",
                    "uscc": code(100 + i)} for i in range(55)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        await pilot.press("f3")
        await _search(app, pilot, "棋类")
        status = static_text(app.screen.query_one("#search-status", Static))
        assert len(app.screen.hits) == 50 and "加载更多" in status
        results = app.screen.query_one("#results", OptionList)
        results.focus()
        results.highlighted = 49  # the end of the first page: the rest is fetched
        await settle(app, pilot)
        status = static_text(app.screen.query_one("#search-status", Static))
        assert len(app.screen.hits) == 55 and "已全部显示" in status
