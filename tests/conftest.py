"""Shared fixtures: a real SQLite file per test, migrated to head; settings; contexts
for a command-line actor and for signed-in users of each role."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mca_tui.config import Settings
from mca_tui.domain import permissions
from mca_tui.domain.enums import Role
from mca_tui.services import users
from mca_tui.services.context import ServiceContext, cli_context, ensure_office
from mca_tui.storage.engine import Database

PASSWORD = "password-123"

# Test fixtures write rows through ``ctx.unit`` under these names (not actions of the
# application); ``ctx.unit`` refuses an undeclared action, so they are declared here,
# open to every role.
FIXTURE_ACTIONS = ("test.add", "test.add_org", "test.audit", "test.audit_done", "test.case",
                   "test.op", "test.org", "test.rectification", "test.rename", "doc.test",
                   "import", "org.create", "org.change")
for _action in FIXTURE_ACTIONS:
    permissions.declare(_action, Role)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep settings, data and logs of every test out of the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MCA_TUI_HOME", str(home))
    monkeypatch.delenv("MCA_TUI_DB", raising=False)
    monkeypatch.delenv("MCA_TUI_CONFIG", raising=False)
    from mca_tui import i18n

    i18n.set_language("zh")
    return home


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(documents_dir=str(tmp_path / "documents"))


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database.open(tmp_path / "registry.db")
    yield database
    database.dispose()


@pytest.fixture
def ctx(db: Database, settings: Settings) -> ServiceContext:
    """The command-line actor: the OS user, who holds every role."""
    return cli_context(db, settings)


@pytest.fixture
def make_ctx(db: Database, settings: Settings, ctx: ServiceContext):
    """``make_ctx("alice", Role.CLERK, today=date(...))``: a signed-in user's context
    (the user is created on first use with password ``PASSWORD``)."""

    def make(username: str, *roles: Role, today: date | None = None) -> ServiceContext:
        existing = {u.username for u in users.list_users(ctx)}
        if username not in existing:
            users.add_user(ctx, username, username, PASSWORD, [r.value for r in roles])
        actor = users.authenticate(ctx, username, PASSWORD)
        c = ServiceContext(db=db, settings=settings, actor=actor)
        if today is not None:
            c.today = lambda: today
        return c

    ensure_office(db, settings)
    return make
