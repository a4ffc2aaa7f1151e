"""Reads the footer row of the main screens at 80x24 in one UI language, in a process of
its own (``python -m tests.ui.footer_probe LANG FOLDER``; prints JSON ``{screen: row}``).

A process of its own because the key labels are read from the catalog when the screens'
modules are imported (Textual bindings are class attributes), as ``mca-tui --lang en``
does: switching the language inside a test process that has already imported them would
show the other language's labels."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date
from pathlib import Path

SIZE = (80, 24)
TODAY = date(2026, 6, 1)
PASSWORD = "probe-pass-1"
# the screens a clerk, reviewer or approver works in, opened as the home menu, the
# palette or a record action opens them: (name, procedure id or None, with an organization)
PROCEDURE_SCREENS = (
    ("applications", "applications", False),
    ("statistics", "statistics", False),
    ("annual_reports", "annual_reports", False),
    ("credit_lists", "credit_lists", False),
    ("spot_checks", "spot_checks", False),
    ("deregistrations", "deregistrations", False),
    ("change", "change", True),
    ("supervision", "supervision", True),
)


def _registry(folder: Path):  # noqa: ANN202
    from mca_tui.config import Settings
    from mca_tui.domain.enums import OrgType, Role
    from mca_tui.services import registration as reg
    from mca_tui.services import users
    from mca_tui.services.context import ServiceContext, cli_context
    from mca_tui.storage.engine import Database
    from tests import conftest  # noqa: F401 - declares the fixture actions (test.add_org)
    from tests.registration.helpers import sg_form
    from tests.search.helpers import add_orgs

    db = Database.open(folder / "registry.db")
    settings = Settings(documents_dir=str(folder / "documents"))
    cli = cli_context(db, settings)
    every_role = [r.value for r in Role]
    users.add_user(cli, "boss", "全能", PASSWORD, every_role)
    users.add_user(cli, "reviewer", "审核", PASSWORD, [Role.REVIEWER.value])
    org_ids = add_orgs(cli, [{"name": "厦门市海沧区社会工作者协会", "rep": "林志伟",
                              "domicile": "厦门市海沧区沧林路8号"}])

    def as_user(name: str) -> ServiceContext:
        c = ServiceContext(db=db, settings=settings,
                           actor=users.authenticate(cli, name, PASSWORD))
        c.today = lambda: TODAY
        return c

    clerk, reviewer = as_user("boss"), as_user("reviewer")
    form = sg_form(received_on=TODAY.isoformat())
    form["materials"] = {**form["materials"], "charter_draft": False}
    draft = reg.save_draft(clerk, form, org_type=OrgType.SOCIAL_GROUP)
    reg.submit(clerk, draft.id, on_the_spot=False)
    reg.request_correction(reviewer, draft.id, ["章程草案"], due_on=date(2026, 6, 20))
    return db, settings, org_ids[0], draft.id


async def _footers(folder: Path) -> dict[str, str]:
    from mca_tui import i18n
    from mca_tui.ui import procedures, router
    from mca_tui.ui.app import McaApp
    from mca_tui.ui.screens.home import HomeScreen
    from tests.ui.waiting import screen_lines, settled, wait_until

    lang = i18n.get_language()
    db, settings, org_id, application_id = _registry(folder)
    # tests.conftest (imported by _registry for its fixture actions) imports every screen
    # module in Chinese and leaves the language at zh: the screens were imported before it
    # (main), and the language is set back here
    i18n.set_language(lang)
    app = McaApp(settings, lambda: db, today=lambda: TODAY)
    rows: dict[str, str] = {}

    async def read(name: str, pilot) -> None:  # noqa: ANN001
        await settled(app, pilot)
        await pilot.pause()
        rows[name] = screen_lines(app)[-1]

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.db is not None and app.focused is not None,
                         timeout=30)
        await read("signin", pilot)
        await pilot.press(*"boss", "enter", *PASSWORD, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), timeout=30)
        await read("home", pilot)
        home = app.screen

        async def show(name: str, screen) -> None:  # noqa: ANN001
            app.push_screen(screen)
            await wait_until(pilot, lambda: app.screen is screen, timeout=30)
            await read(name, pilot)
            app.pop_screen()
            await wait_until(pilot, lambda: app.screen is home, timeout=30)

        from mca_tui.ui.screens.search import SearchScreen

        await show("search", SearchScreen(app.ctx, "海沧"))
        await show("record", router.screen("record", app.ctx, org_id))
        await show("application", router.screen("application", app.ctx, application_id))
        await show("intake", router.screen("intake", app.ctx))
        for name, proc_id, with_org in PROCEDURE_SCREENS:
            proc = procedures.get(proc_id)
            await show(name, proc.build(app.ctx, org_id if with_org else None))
    return rows


def _import_the_screens() -> None:
    import importlib

    from mca_tui import ui

    root = Path(ui.__file__).parent
    for path in sorted(root.rglob("*.py")):
        if path.name != "__init__.py":
            importlib.import_module("mca_tui.ui." + ".".join(path.relative_to(root)
                                                             .with_suffix("").parts))


def main() -> None:
    lang, folder = sys.argv[1], Path(sys.argv[2])
    from mca_tui.i18n import set_language

    set_language(lang)  # before the screens' modules are imported
    _import_the_screens()
    rows = asyncio.run(_footers(folder))
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
