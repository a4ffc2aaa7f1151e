"""Fixtures for the supervision services: settings in inspection mode (合格/基本合格/不合格),
organizations inserted through a unit, and signed-in users of each role on a given day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from mca_tui.config import Settings
from mca_tui.domain.enums import OrgType, Role
from mca_tui.services.organizations import insert_organization
from mca_tui.storage.audit import Subject


@pytest.fixture
def inspection_settings(tmp_path: Path) -> Settings:
    """Settings in inspection mode (年检: 合格/基本合格/不合格); a module that wants it
    overrides ``settings`` with this fixture."""
    base = Settings(documents_dir=str(tmp_path / "documents"))
    return replace(base, legal=replace(base.legal, annual_report_mode="inspection"))


@pytest.fixture
def add_org(ctx):
    def add(name: str, established: date, **kw) -> str:
        with ctx.unit("test.org", subject=Subject("test", None)) as unit:
            return insert_organization(
                unit, office_id=ctx.actor.office_id,
                org_type=kw.pop("org_type", OrgType.SOCIAL_GROUP), name=name,
                established_on=established, **kw).id
    return add


@pytest.fixture
def staff(make_ctx):
    """``staff(today)`` -> (clerk, reviewer, approver, reviewer2) contexts on ``today``."""
    def make(today: date):
        return (make_ctx("clerk1", Role.CLERK, today=today),
                make_ctx("reviewer1", Role.REVIEWER, today=today),
                make_ctx("approver1", Role.APPROVER, today=today),
                make_ctx("reviewer2", Role.REVIEWER, today=today))
    return make
