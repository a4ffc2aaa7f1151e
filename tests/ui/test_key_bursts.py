"""No keystroke lost or misrouted (issue 14): keys sent in one piece — an ID-card reader
typing a number and a Tab, an input method's commit followed by a quick Tab — land each
in its own field, on every form. The keys are posted to the app all at once, before any of
them is processed, exactly as the terminal driver delivers a burst."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from mca_tui.ui.screens.home import HomeScreen
from mca_tui.ui.screens.sign_in import BootstrapScreen, SignInScreen

from .conftest import CLERK_PASSWORD, settle, sign_in, wait_until

SIZE = (100, 30)
ID_A = "350205199001011234"
ID_B = "110105194912310021"

BACKTAB = "\x19"  # stands for Shift+Tab in a burst
_NAMED = {"\t": "tab", "\n": "enter", BACKTAB: "shift+tab", "-": "minus", " ": "space",
          "@": "at", ".": "full_stop", "_": "underscore"}


def post_burst(app, text: str) -> None:  # noqa: ANN001
    """Queue every key of ``text`` on the app in one piece (nothing is processed between
    two keys). ``\\t`` is Tab, ``\\n`` is Enter."""
    for ch in text:
        key = _NAMED.get(ch, ch)
        char = None if ch in ("\t", "\n", BACKTAB) else ch
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)


async def test_sign_in_burst_with_enter_between_the_fields(make_app, registry):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        post_burst(app, f"clerk\n{CLERK_PASSWORD}\n")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await settle(app, pilot)
        assert app.ctx.actor.name == "clerk"


async def test_sign_in_burst_with_tab_between_the_fields(make_app, registry):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        post_burst(app, f"clerk\t{CLERK_PASSWORD}")
        await wait_until(pilot, lambda: app.screen.query_one("#password", Input).value
                         == CLERK_PASSWORD)
        assert app.screen.query_one("#username", Input).value == "clerk"


async def test_credentials_typed_while_the_database_opens_are_kept(make_app, registry, db):
    import threading

    gate = threading.Event()

    def slow_open():  # noqa: ANN202
        gate.wait(10)
        return db

    app = make_app()
    app._open_db = slow_open
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and not app.screen.ready
        post_burst(app, f"clerk\n{CLERK_PASSWORD}\n")
        # the whole burst is handled while the registry is still opening: both fields
        # hold what was typed, and the sign-in waits for the registry
        await wait_until(pilot, lambda: app.screen.query_one("#password", Input).value
                         == CLERK_PASSWORD)
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and not app.screen.ready
        assert app.screen.query_one("#username", Input).value == "clerk"
        gate.set()
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await settle(app, pilot)
        assert app.ctx.actor.name == "clerk"


async def test_bootstrap_burst(make_app, db):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, BootstrapScreen)
        post_burst(app, "李明辉\tadmin-pass-1\tadmin-pass-1")
        await wait_until(pilot, lambda: app.screen.query_one("#bs-password2", Input).value
                         == "admin-pass-1")
        assert app.screen.query_one("#bs-display", Input).value == "李明辉"
        assert app.screen.query_one("#bs-password", Input).value == "admin-pass-1"


async def test_intake_burst_lands_each_value_in_its_own_field(make_app, registry):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(app, pilot)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: bool(app.screen.query("#f-legal_rep_id_number")))
        screen = app.screen
        screen.query_one("#f-legal_rep_name", Input).focus()
        await pilot.pause()
        post_burst(app, f"陈明\t{ID_A}\t13906001234\t0592-6051234\t50\t5\t")
        await wait_until(pilot, lambda: screen.query_one("#f-unit_members", Input).value
                         == "5")
        assert screen.query_one("#f-legal_rep_name", Input).value == "陈明"
        assert screen.query_one("#f-legal_rep_id_number", Input).value == ID_A
        assert screen.query_one("#f-legal_rep_phone", Input).value == "13906001234"
        assert screen.query_one("#f-phone", Input).value == "0592-6051234"
        assert screen.query_one("#f-individual_members", Input).value == "50"
        # and back: shift+tab moves before the next key too
        post_burst(app, f"{BACKTAB}{BACKTAB}7")
        await wait_until(pilot, lambda: screen.query_one("#f-individual_members", Input)
                         .value.endswith("7"))
        assert app.focused.id == "f-individual_members"
        assert screen.query_one("#f-unit_members", Input).value == "5"


async def test_person_rows_take_a_burst(make_app, registry):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(app, pilot)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: bool(app.screen.query("#pn-0")))
        screen = app.screen
        screen.query_one("#pn-0", Input).focus()
        await pilot.pause()
        post_burst(app, f"张海燕\t{ID_B}\t秘书长\t")
        await wait_until(pilot, lambda: screen.query_one("#pt-0", Input).value == "秘书长")
        assert screen.query_one("#pn-0", Input).value == "张海燕"
        assert screen.query_one("#pi-0", Input).value == ID_B


async def test_text_typed_at_once_after_ctrl_n_lands_in_the_name(make_app, registry):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(app, pilot)
        # Ctrl+N and the name in one piece: the form is not built yet when the text comes
        app.post_message(events.Key("ctrl+n", None))
        post_burst(app, "厦门市海沧区老年人体育协会\t海沧大道899号\t")
        await wait_until(pilot, lambda: bool(app.screen.query("#f-domicile")))
        name = app.screen.query_one("#f-name", Input)
        domicile = app.screen.query_one("#f-domicile", Input)
        await wait_until(pilot, lambda: domicile.value == "海沧大道899号")
        await settle(app, pilot)
        assert name.value == "厦门市海沧区老年人体育协会"
        assert app.focused.id == "f-subdistrict_code"
        # the check on leaving the name saw the whole name, not the part typed before Tab
        assert "组织形式" not in str(app.screen.query_one("#p-name").render())


async def test_text_typed_right_after_ctrl_n_is_kept(make_app, registry):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(app, pilot)
        await pilot.press("ctrl+n")
        # the first moment the name field exists, the clerk types into it
        await wait_until(pilot, lambda: bool(app.screen.query("#f-name")), step=0)
        screen = app.screen
        screen.query_one("#f-name", Input).focus()
        post_burst(app, "厦门市海沧区老年人体育协会\t")
        await settle(app, pilot)
        assert screen.query_one("#f-name", Input).value == "厦门市海沧区老年人体育协会"
        assert app.focused is not None and app.focused.id != "f-name"


async def test_materials_ticked_in_one_burst(make_app, registry):
    from textual.widgets import Checkbox

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: bool(app.screen.query("#m-application")))
        screen = app.screen
        screen.query_one("#m-application").focus()
        await pilot.pause()
        boxes = list(screen.query("#reg-materials Checkbox").results(Checkbox))
        post_burst(app, " \t" * len(boxes))
        await wait_until(pilot, lambda: all(b.value for b in boxes))
        # and the focus went on past the last box, as the Tabs said
        assert app.focused is not None and app.focused not in boxes


async def test_change_form_takes_a_burst(make_app, registry):
    from mca_tui.ui.screens.change import ChangeScreen

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(app, pilot)
        app.push_screen(ChangeScreen(app.ctx, registry[1]))
        await wait_until(pilot, lambda: bool(app.screen.query("#f-legal_rep_id_number")))
        screen = app.screen
        inputs = [w for w in screen.focus_chain if isinstance(w, Input)
                  and (w.id or "").startswith("f-")]
        first, second = inputs[0], inputs[1]
        first.focus()
        await pilot.pause()
        post_burst(app, f"{ID_A}\t{ID_B}\t")
        await wait_until(pilot, lambda: second.value == ID_B)
        assert first.value == ID_A


async def test_correction_dialog_takes_a_burst(make_app, registry):
    from textual.widgets import TextArea

    from mca_tui.ui.dialogs.registration_dialogs import CorrectionDialog

    from .conftest import TODAY

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot)
        app.push_screen(CorrectionDialog("", TODAY))
        await wait_until(pilot, lambda: isinstance(app.focused, TextArea))
        post_burst(app, "补交章程草案\t2026-07-01")
        due = app.screen.query_one("#dialog-due", Input)
        await wait_until(pilot, lambda: due.value == "2026-07-01")
        assert app.screen.query_one("#dialog-text", TextArea).text == "补交章程草案"
