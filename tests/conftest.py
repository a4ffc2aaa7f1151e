"""Shared fixtures: a real SQLite file per test, migrated to head; settings; contexts
for a command-line actor and for signed-in users of each role."""

from __future__ import annotations

import contextlib
import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.pool import NullPool

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


def _import_the_screens_in_chinese() -> None:
    """Textual reads a key binding's label when its screen's module is imported (class
    attributes), in the language set at that moment. Import every UI module once, in the
    default language, when a worker starts: otherwise which language the footers and
    F1 help show in a test depends on which test of the same worker imported the module
    first (a test that sets English), and changes with the order xdist gives."""
    import importlib

    from mca_tui import i18n, ui

    i18n.set_language("zh")
    root = Path(ui.__file__).parent  # screens/ and dialogs/ are namespace packages
    names = sorted("mca_tui.ui." + ".".join(p.relative_to(root).with_suffix("").parts)
                   for p in root.rglob("*.py") if p.name != "__init__.py")
    for name in names:
        # a module that does not import (mid-edit) fails the tests that use it, not all
        with contextlib.suppress(Exception):
            importlib.import_module(name)


_import_the_screens_in_chinese()


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


_STRAY = ("None", "None-wal", "None-shm", "None-journal")


@pytest.fixture(autouse=True)
def _no_stray_registry(request: pytest.FixtureRequest):
    """A registry named ``None`` in the working folder means a test handed ``str(None)``
    (``db.path`` of a PostgreSQL registry) to the CLI as ``--db``: name that test. Pass
    ``tests.rawdb.db_arg(db)`` (``db.path or db.url``) instead."""
    folder = Path.cwd()
    before = {n for n in _STRAY if (folder / n).exists()}
    yield
    after = {n for n in _STRAY if (folder / n).exists()}
    assert not after - before, (f"{request.node.nodeid} left {sorted(after - before)} in "
                                f"{folder}: a None database path became the string 'None'")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(documents_dir=str(tmp_path / "documents"))


# ------------------------------------------------------------------ engine selection
# MCA_TUI_TEST_PG=postgresql+psycopg://user@host:port/dbname (or ``--pg URL``) runs every
# test that uses the ``db`` fixture against PostgreSQL: each test gets its own database,
# copied from a template migrated once per session. Tests that check SQLite itself are
# marked ``sqlite_only``; in a PostgreSQL run they and tests without ``db`` are skipped
# (the SQLite run covers them).


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    parser.addoption("--pg", default=None, metavar="URL",
                     help="run the db fixture on this PostgreSQL database (MCA_TUI_TEST_PG)")
    if not pluginmanager.has_plugin("syrupy"):  # syrupy (snapshot tests) defines it
        parser.addoption("--snapshot-update", action="store_true", default=False,
                         help="rewrite the screen snapshots")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: checks SQLite itself (skipped on PostgreSQL)")


def _pg_url(config: pytest.Config) -> str | None:
    return config.getoption("--pg") or os.environ.get("MCA_TUI_TEST_PG") or None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _pg_url(config):
        return
    sqlite_only = pytest.mark.skip(reason="SQLite-specific (run in the SQLite pass)")
    no_db = pytest.mark.skip(reason="does not use the db fixture (run in the SQLite pass)")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(sqlite_only)
        elif not {"db", "empty_db_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(no_db)


class _PgDatabases:
    """Creates a fresh PostgreSQL database per test from a migrated template."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"mca_t{os.getpid()}"
        self.template = f"{self.prefix}_tmpl"
        self.n = 0
        self._exec(f"DROP DATABASE IF EXISTS {self.template}")
        self._exec(f"CREATE DATABASE {self.template}")
        database = Database.open(self.url_of(self.template))
        database.dispose()

    def _exec(self, sql: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, *, empty: bool = False) -> str:
        """A new database: a copy of the migrated template, or ``empty``."""
        self.n += 1
        name = f"{self.prefix}_{self.n}"
        self._exec(f"DROP DATABASE IF EXISTS {name}")
        self._exec(f"CREATE DATABASE {name}" + ("" if empty else f" TEMPLATE {self.template}"))
        return name

    def drop(self, name: str) -> None:
        self._exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        self.drop(self.template)
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases(request: pytest.FixtureRequest):
    url = _pg_url(request.config)
    if not url:
        yield None
        return
    dbs = _PgDatabases(url)
    yield dbs
    dbs.close()


@pytest.fixture
def empty_db_url(tmp_path: Path, pg_databases) -> str:
    """The URL of a registry not created yet, on the engine the ``db`` fixture uses."""
    if pg_databases is None:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = pg_databases.create(empty=True)
    yield pg_databases.url_of(name)
    pg_databases.drop(name)


@pytest.fixture
def db(tmp_path: Path, pg_databases) -> Database:
    """The registry of one test: a SQLite file, or a fresh PostgreSQL database."""
    if pg_databases is None:
        database = Database.open(tmp_path / "registry.db")
        yield database
        database.dispose()
        return
    name = pg_databases.create()
    database = Database.open(pg_databases.url_of(name))
    yield database
    database.dispose()
    pg_databases.drop(name)


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
