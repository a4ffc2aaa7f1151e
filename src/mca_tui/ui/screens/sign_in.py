"""Sign-in (登录) and, on an empty registry, the creation of the first administrator."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from mca_tui.i18n import t
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.keys import ENTER_NEXT
from mca_tui.ui.widgets.footer import ShellFooter


class SignInScreen(ServiceCalls, Screen):
    """User name and password. Shown at once and typed into at once: what the clerk types
    while the database is still opening is kept, and a sign-in asked for (Enter/F9) before
    then is carried out as soon as the database is ready."""

    BINDINGS = [
        Binding("enter", "sign_in", t("ui.key.sign_in"), id="sign_in.submit", show=True),
        Binding("f9", "sign_in", t("ui.key.sign_in"), id="sign_in.submit_f9", show=False),
    ]

    def __init__(self, demo_users: list | None = None) -> None:
        super().__init__()
        self.demo_users = demo_users or []
        self.ready = False
        self.pending = False  # Enter/F9 pressed before the database was ready

    def compose(self) -> ComposeResult:
        app = self.app
        with Vertical(id="sign-in-box", classes="panel"):
            yield Static(t("ui.app_title"), id="sign-in-title", classes="title")
            yield Static(Text(app.settings.office.name), classes="subtitle")  # type: ignore[attr-defined]
            yield Label(t("ui.sign_in.username"))
            yield Input(id="username", classes=ENTER_NEXT)
            yield Label(t("ui.sign_in.password"))
            yield Input(id="password", password=True)
            yield Static(t("ui.sign_in.opening"), id="sign-in-status", classes="status")
        if self.demo_users:
            with VerticalScroll(id="demo-users", classes="panel"):
                yield Static(t("ui.sign_in.demo_title"), classes="subtitle")
                for username, display, password, roles in self.demo_users:
                    role_text = "/".join(t(f"enum.Role.{r}") for r in roles)
                    yield Static(Text(f"{username:<10} {password:<15} {display} ({role_text})"),
                                 classes="demo-user")
        yield ShellFooter()

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def database_ready(self) -> None:
        self.ready = True
        self.set_status(t("ui.sign_in.prompt"))
        if not isinstance(self.focused, Input):
            self.query_one("#username", Input).focus()
        if self.pending:
            self.pending = False
            self.action_sign_in()

    def set_status(self, message: str, error: bool = False) -> None:
        status = self.query_one("#sign-in-status", Static)
        status.update(Text(message))
        status.set_class(error, "error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "username":
            self.query_one("#password", Input).focus()
        else:
            self.action_sign_in()

    def action_sign_in(self) -> None:
        if not self.ready:
            self.pending = True
            self.set_status(t("ui.sign_in.when_ready"))
            return
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        if not username.strip():
            self.set_status(t("ui.sign_in.need_username"), error=True)
            self.query_one("#username", Input).focus()
            return
        self.set_status(t("ui.sign_in.checking"))
        from mca_tui.services import users

        app = self.app
        self.call_service(users.authenticate, app.anonymous_context(), username, password,  # type: ignore[attr-defined]
                          then=app.signed_in, failed=self._refused)  # type: ignore[attr-defined]

    def _refused(self, message: str) -> None:
        self.set_status(message, error=True)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()


class BootstrapScreen(ServiceCalls, Screen):
    """First start on an empty registry: create the administrator (管理员)."""

    BINDINGS = [
        Binding("f9", "create", t("ui.key.create_admin"), id="bootstrap.create"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="bootstrap-box", classes="panel"):
            yield Static(t("ui.bootstrap.title"), classes="title")
            yield Static(t("ui.bootstrap.explain"), classes="subtitle")
            yield Label(t("ui.bootstrap.username"))
            yield Input(id="bs-username", value="admin", classes=ENTER_NEXT)
            yield Label(t("ui.bootstrap.display_name"))
            yield Input(id="bs-display", classes=ENTER_NEXT)
            yield Label(t("ui.bootstrap.password"))
            yield Input(id="bs-password", password=True, classes=ENTER_NEXT)
            yield Label(t("ui.bootstrap.password_again"))
            yield Input(id="bs-password2", password=True)
            yield Static("", id="bootstrap-status", classes="status")
        yield ShellFooter()

    def on_mount(self) -> None:
        self.query_one("#bs-display", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        order = ["bs-username", "bs-display", "bs-password", "bs-password2"]
        i = order.index(event.input.id or "bs-username")
        if i + 1 < len(order):
            self.query_one(f"#{order[i + 1]}", Input).focus()
        else:
            self.action_create()

    def _status(self, message: str, error: bool = True) -> None:
        status = self.query_one("#bootstrap-status", Static)
        status.update(Text(message))
        status.set_class(error, "error")

    def action_create(self) -> None:
        username = self.query_one("#bs-username", Input).value
        display = self.query_one("#bs-display", Input).value
        password = self.query_one("#bs-password", Input).value
        if password != self.query_one("#bs-password2", Input).value:
            self._status(t("ui.bootstrap.mismatch"))
            return
        app = self.app

        def create_and_sign_in():  # noqa: ANN202
            from mca_tui.services import users

            ctx = app.anonymous_context()  # type: ignore[attr-defined]
            users.add_user(ctx, username, display, password, ["admin"], bootstrap=True)
            return users.authenticate(ctx, username, password)

        self._status(t("ui.bootstrap.creating"), error=False)
        self.call_service(create_and_sign_in, then=app.signed_in,  # type: ignore[attr-defined]
                          failed=self._status)
