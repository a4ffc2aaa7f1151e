from __future__ import annotations

from datetime import date

import pytest

from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.enums import OrgType
from mca_tui.domain.supervision.common import OrgFacts

D = date.fromisoformat


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def org(id_: str, registered: str | None = "2020-01-10", org_type: OrgType = OrgType.SOCIAL_GROUP,
        **kw: object) -> OrgFacts:
    return OrgFacts(id_, org_type, D(registered) if registered else None, **kw)  # type: ignore[arg-type]
