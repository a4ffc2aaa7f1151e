"""Fixtures for Pilot tests of the shell: a registry with users and organizations, and
an app factory."""

from __future__ import annotations

from datetime import date

import pytest

from mca_tui.domain.enums import OrgStatus
from mca_tui.services import users

from ..search.helpers import add_orgs
from .waiting import settled, wait_until  # noqa: F401 - re-exported for the tests

TODAY = date(2026, 6, 1)
CLERK_PASSWORD = "clerk-pass-1"


@pytest.fixture
def registry(ctx):
    users.add_user(ctx, "clerk", "陈晓燕", CLERK_PASSWORD, ["clerk"])
    ids = add_orgs(ctx, [
        {"name": "厦门市海沧区社会工作者协会", "rep": "林志伟", "domicile": "厦门市海沧区沧林路8号"},
        {"name": "海沧区社工协会", "rep": "陈晓燕", "domicile": "厦门市海沧区钟林路1号"},
        {"name": "海沧区长寿老人协会", "rep": "黄丽芳", "domicile": "厦门市海沧区新阳路2号",
         "status": OrgStatus.DEREGISTERED},
        {"name": "海沧区[/]测试[b]协会", "rep": "郑建国", "domicile": "厦门市海沧区嵩屿路3号"},
    ])
    return ids


@pytest.fixture
def make_app(db, settings):
    from mca_tui.ui.app import McaApp

    def make(**kw) -> McaApp:
        return McaApp(kw.pop("settings", settings), lambda: db, today=lambda: TODAY, **kw)

    return make


async def settle(app, pilot) -> None:  # noqa: ANN001
    """Wait (bounded) until the app is quiet: its workers finished and what they posted
    handled (``waiting.settled``); no fixed pause."""
    await settled(app, pilot)


async def type_text(pilot, text: str) -> None:  # noqa: ANN001
    await pilot.press(*list(text))


async def sign_in(app, pilot, username: str = "clerk",  # noqa: ANN001
                  password: str = CLERK_PASSWORD) -> None:
    await settle(app, pilot)
    await type_text(pilot, username)
    await pilot.press("enter")
    await pilot.pause()
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(app, pilot)
