"""Role checks by construction: every declared action × every role.

1. ``ServiceContext.unit(action)`` itself: allowed → the unit opens (past the role
   check); not allowed → PermissionDenied and the database is unchanged (row counts of
   every table, the audit chain heads, the applications' states).
2. The services behind the actions, reads included (``list_users``, the statistics,
   the record, search, applications): the same, called as the screens call them.
3. An undeclared action is refused before anything is written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from mca_tui.config import Settings
from mca_tui.domain import permissions
from mca_tui.domain.actor import Actor
from mca_tui.domain.enums import OrgType, Role
from mca_tui.domain.registration import REGISTRATION
from mca_tui.services import calendar_admin, records, statistics, users
from mca_tui.services import registration as reg
from mca_tui.services.context import ServiceContext, cli_context, ensure_office
from mca_tui.services.errors import PermissionDenied, ServiceError
from mca_tui.services.export import export_ledger
from mca_tui.services.ledger_import import import_ledger
from mca_tui.services.search import search_organizations
from mca_tui.storage.audit import Subject
from mca_tui.storage.engine import Database
from tests.conftest import FIXTURE_ACTIONS, PASSWORD
from tests.registration.helpers import TODAY, make_id, sg_form
from tests.reports.helpers import ledger, org

APP_ACTIONS = sorted(a for a in permissions.PERMISSIONS if a not in FIXTURE_ACTIONS)
# every role, and a signed-in user left without any role (refused even what every role may)
ROLES: list[Role | None] = [*Role, None]
ROLE_KEY = PermissionDenied.key  # a role refusal (four eyes has its own key)


# --------------------------------------------------------------------------- fixtures


@dataclass
class Template:
    path: Path
    actors: dict[Role | None, Actor]
    ids: dict[str, str]


def _form(n: int, name: str, *, incomplete: bool = False) -> dict:
    form = sg_form(name=name, legal_rep_id_number=make_id(f"35020519800101{n:03d}"),
                   persons=[])
    if incomplete:  # one material missing: received, not complete (补正 possible)
        first = next(iter(form["materials"]))
        form["materials"] = {**form["materials"], first: False}
    return form


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A registry with one user per role, an application in every state that has a way
    out, an organization, and a user account to administer."""
    folder = tmp_path_factory.mktemp("permissions")
    settings = Settings(documents_dir=str(folder / "documents"))
    db = Database.open(folder / "template.db")
    cli = cli_context(db, settings)
    cli.today = lambda: TODAY
    ensure_office(db, settings)
    actors = {}
    for role in Role:
        users.add_user(cli, f"u_{role.value}", role.value, PASSWORD, [role.value])
        actors[role] = users.authenticate(cli, f"u_{role.value}", PASSWORD)
    users.add_user(cli, "u_none", "none", PASSWORD, ["clerk"])
    users.set_roles(cli, "u_none", [])
    actors[None] = users.authenticate(cli, "u_none", PASSWORD)
    assert not actors[None].roles
    users.add_user(cli, "target", "target", PASSWORD, ["clerk"])

    def as_(role: Role) -> ServiceContext:
        return ServiceContext(db=db, settings=settings, actor=actors[role], today=lambda: TODAY)

    clerk, reviewer, approver = as_(Role.CLERK), as_(Role.REVIEWER), as_(Role.APPROVER)

    def accepted(n: int, name: str, incomplete: bool = False, on_the_spot: bool = True) -> str:
        draft = reg.save_draft(clerk, _form(n, name, incomplete=incomplete),
                               org_type=OrgType.SOCIAL_GROUP)
        return reg.submit(clerk, draft.id, on_the_spot=on_the_spot).id

    ids = {"draft": reg.save_draft(clerk, _form(1, "厦门市海沧区围棋协会"),
                                   org_type=OrgType.SOCIAL_GROUP).id,
           "accepted": accepted(2, "厦门市海沧区书法家协会"),
           "reviewed": accepted(3, "厦门市海沧区摄影家协会"),
           # incomplete, the 补正 notice left to the reviewer (5 working days)
           "incomplete": accepted(6, "厦门市海沧区钓鱼协会", incomplete=True, on_the_spot=False),
           # incomplete, the 补正 notice given on the spot: waits in correction
           "correction": accepted(4, "厦门市海沧区集邮协会", incomplete=True),
           "established": accepted(5, "厦门市海沧区老年人体育协会")}
    reg.review(reviewer, ids["reviewed"])
    reg.review(reviewer, ids["established"])
    ids["org"] = reg.approve(approver, ids["established"]).organization_id
    db.dispose()
    return Template(folder / "template.db", actors, ids)


@dataclass
class Registry:
    db: Database
    settings: Settings
    template: Template
    folder: Path

    def ctx(self, role: Role | None) -> ServiceContext:
        return ServiceContext(db=self.db, settings=self.settings,
                              actor=self.template.actors[role], today=lambda: TODAY)


def _copy(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


@pytest.fixture
def registry(template: Template, tmp_path: Path) -> Registry:
    """A fresh copy of the template registry for one test."""
    _copy(template.path, tmp_path / "registry.db")
    db = Database.open(tmp_path / "registry.db")
    yield Registry(db, Settings(documents_dir=str(tmp_path / "documents")), template,
                   tmp_path)
    db.dispose()


@pytest.fixture(scope="module")
def shared(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Registry:
    """One copy shared by the tests that must not write at all."""
    folder = tmp_path_factory.mktemp("shared")
    _copy(template.path, folder / "registry.db")
    db = Database.open(folder / "registry.db")
    yield Registry(db, Settings(documents_dir=str(folder / "documents")), template, folder)
    db.dispose()


def snapshot(db: Database) -> dict:
    """Row counts of every table, the audit chain heads and every application's state."""
    con = sqlite3.connect(db.path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' "
            # a contentless FTS table cannot be scanned; its shadow tables are counted
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
        assert "audit_event" in tables and "application" in tables
        out: dict = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                     for t in tables}
        out["chain"] = con.execute(
            "SELECT chain, seq, hash FROM audit_chain_head ORDER BY chain").fetchall()
        out["applications"] = con.execute(
            "SELECT id, status, version FROM application ORDER BY id").fetchall()
        return out
    finally:
        con.close()


# --------------------------------------------------------------------------- 1. the unit


class _Entered(Exception):
    pass


def test_every_audited_action_is_declared():
    """Every action a service opens a unit with is in domain.permissions (the unit
    would refuse it otherwise); read back from the source, so a new service that
    forgets to declare its action fails here, not at the counter."""
    import re

    root = Path(__file__).resolve().parents[2] / "src" / "mca_tui"
    found = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"\.unit\(\s*\"([a-z_.]+)\"", text))
        found |= set(re.findall(r"^ACTION\w*\s*=\s*\"([a-z_.]+)\"", text, re.M))
    assert {"application.approve", "user.add", "ledger.import"} <= found
    assert found - set(APP_ACTIONS) == set()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "no_role")
@pytest.mark.parametrize("action", APP_ACTIONS)
def test_unit_checks_the_role_of_every_action(shared: Registry, action: str,
                                              role: Role | None):
    ctx = shared.ctx(role)
    before = snapshot(shared.db)
    if role is not None and role in permissions.roles_for(action):
        with pytest.raises(_Entered), ctx.unit(action, subject=Subject("test", "x")):
            raise _Entered  # past the role check: the transaction is open
    else:
        with pytest.raises(PermissionDenied) as refused, \
                ctx.unit(action, subject=Subject("test", "x")):
            pytest.fail(f"{role} entered a unit of {action}")
        assert refused.value.key == ROLE_KEY
    assert snapshot(shared.db) == before


def test_an_undeclared_action_is_refused(shared: Registry):
    before = snapshot(shared.db)
    ctx = ServiceContext(db=shared.db, settings=shared.settings,
                         actor=cli_context(shared.db, shared.settings).actor)
    with pytest.raises(permissions.UnknownAction), \
            ctx.unit("application.teleport", subject=Subject("application", "x")):
        pytest.fail("entered an undeclared action")
    with pytest.raises(permissions.UnknownAction):
        ctx.permit("statistics.teleport")
    assert snapshot(shared.db) == before


# --------------------------------------------------------------------------- 2. the services


def _ledger_file(folder: Path) -> object:
    return ledger([org(901, 名称="厦门市海沧区导入测试协会")])


# action -> (the service call as a screen or sub-command makes it)
CALLS = {
    "application.draft": lambda c, r: reg.save_draft(
        c, _form(9, "厦门市海沧区新建协会"), org_type=OrgType.SOCIAL_GROUP),
    "application.draft_save": lambda c, r: reg.save_draft(
        c, _form(1, "厦门市海沧区围棋协会"), application_id=r.template.ids["draft"]),
    "application.draft_autosave": lambda c, r: reg.save_draft(
        c, _form(1, "厦门市海沧区围棋研究会"), application_id=r.template.ids["draft"],
        autosave=True),
    "application.withdraw": lambda c, r: reg.discard_draft(c, r.template.ids["draft"]),
    "application.accept": lambda c, r: reg.submit(c, r.template.ids["draft"]),
    "application.review": lambda c, r: reg.review(c, r.template.ids["accepted"]),
    "application.correction": lambda c, r: reg.request_correction(
        c, r.template.ids["incomplete"], ["法定代表人身份证明"]),
    "application.correction_complete": lambda c, r: reg.complete_correction(
        c, r.template.ids["correction"]),
    "application.approve": lambda c, r: reg.approve(c, r.template.ids["reviewed"]),
    "application.refuse": lambda c, r: reg.refuse(c, r.template.ids["reviewed"], "名称不规范"),
    "application.extend_decision": lambda c, r: reg.extend_decision_period(
        c, r.template.ids["accepted"], "情况复杂，需要实地核查"),
    "application.change": lambda c, r: reg.start_change(c, r.template.ids["org"]),
    "application.read": lambda c, r: reg.get_application(c, r.template.ids["accepted"]),
    "application.list": lambda c, r: reg.list_applications(c),
    "application.actions": lambda c, r: reg.available_actions(c, r.template.ids["reviewed"]),
    "application.current_items": lambda c, r: reg.current_items(c, r.template.ids["org"]),
    "application.check_name": lambda c, r: reg.check_name(c, "厦门市海沧区围棋协会",
                                                           OrgType.SOCIAL_GROUP),
    "user.add": lambda c, r: users.add_user(c, "newbie", "新人", PASSWORD, ["clerk"]),
    "user.password": lambda c, r: users.set_password(c, c.actor.name, "another-pass-9"),
    "user.password_of_another": lambda c, r: users.set_password(c, "target", "another-pass-9"),
    "user.disable": lambda c, r: users.set_disabled(c, "target", True),
    "user.enable": lambda c, r: users.set_disabled(c, "target", False),
    "user.unlock": lambda c, r: users.unlock(c, "target"),
    "user.roles": lambda c, r: users.set_roles(c, "target", ["reviewer"]),
    "user.list": lambda c, r: users.list_users(c),
    "calendar.set_day": lambda c, r: calendar_admin.set_day(c, date(2027, 2, 6), False, "春节"),
    "calendar.clear_day": lambda c, r: calendar_admin.clear_day(c, date(2027, 2, 6)),
    "calendar.year_complete": lambda c, r: calendar_admin.mark_year_complete(c, 2027),
    "calendar.year_incomplete": lambda c, r: calendar_admin.mark_year_complete(c, 2027, False),
    "ledger.import": lambda c, r: import_ledger(c, _ledger_file(r.folder)),
    "ledger.check": lambda c, r: import_ledger(c, _ledger_file(r.folder), dry_run=True),
    "ledger.export": lambda c, r: export_ledger(c, r.folder / "out.xlsx"),
    "ledger.export_unmasked": lambda c, r: export_ledger(c, r.folder / "out.xlsx",
                                                         unmasked=True),
    "record.read": lambda c, r: records.get_record(c, r.template.ids["org"]),
    "search.read": lambda c, r: search_organizations(c, "海沧"),
    "statistics.read": lambda c, r: statistics.year_stats(c, 2025),
    "statistics.as_of": lambda c, r: statistics.register_as_of(c, TODAY),
}
# calls named after the action they need, where the name is not itself an action
NEEDS = {"application.draft_autosave": "application.draft_save",
         "application.change": "application.draft",
         "application.list": "application.read", "application.actions": "application.read",
         "application.current_items": "application.read",
         "application.check_name": "application.read",
         "user.password_of_another": "user.add",  # only an administrator
         "statistics.as_of": "statistics.read"}


def test_every_registration_and_administration_action_has_a_call():
    """The registration table and the non-workflow actions; the other workflows'
    services (supervision …) are covered by the unit test above and their own tests."""
    covered = {NEEDS.get(name, name) for name in CALLS}
    prefixes = ("application.", "user.", "office.", "calendar.", "ledger.", "record.",
                "search.", "statistics.")
    mine = set(REGISTRATION.actions) | {a for a in APP_ACTIONS if a.startswith(prefixes)}
    # sign-in events and the office row are written for, not by, a signed-in user
    assert mine - covered == {"user.sign_in", "user.sign_in_failed", "office.create"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "no_role")
@pytest.mark.parametrize("call", sorted(CALLS))
def test_every_service_checks_the_role(call: str, role: Role | None, shared: Registry,
                                       template: Template, tmp_path: Path):
    action = NEEDS.get(call, call)
    if role is None or role not in permissions.roles_for(action):
        before = snapshot(shared.db)
        with pytest.raises(PermissionDenied) as refused:
            CALLS[call](shared.ctx(role), shared)
        assert refused.value.key == ROLE_KEY, refused.value.message()
        assert snapshot(shared.db) == before
        return
    # allowed: the call proceeds past the role check (it may still be refused for a
    # reason of substance, but never for the role)
    _copy(template.path, tmp_path / "registry.db")
    db = Database.open(tmp_path / "registry.db")
    try:
        fresh = Registry(db, Settings(documents_dir=str(tmp_path / "documents")), template,
                         tmp_path)
        try:
            CALLS[call](fresh.ctx(role), fresh)
        except PermissionDenied as exc:
            pytest.fail(f"{role} refused {call}: {exc.message()}")
        except ServiceError:
            pass
    finally:
        db.dispose()


def test_the_role_refusal_names_the_roles_in_the_ui_language(shared: Registry):
    with pytest.raises(PermissionDenied) as refused:
        users.list_users(shared.ctx(Role.CLERK))
    assert "管理员" in refused.value.message("zh")
