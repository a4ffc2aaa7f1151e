"""Builders for the dormancy and revocation tests: organizations with reports, letters
and listings written through units, the officers, the approver and a reviewer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mca_tui.domain.enums import OrgStatus, OrgType, Role
from mca_tui.domain.identifiers import build_uscc
from mca_tui.services import dormancy
from mca_tui.services.context import ServiceContext
from mca_tui.services.organizations import PersonInput, insert_organization
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import AnnualReport, Certificate

_SEQ = iter(range(1, 10_000))


def at(ctx: ServiceContext, day: date) -> ServiceContext:
    """The same user acting on ``day``."""
    return replace(ctx, today=lambda: day)


def add_org(ctx: ServiceContext, name: str, *, established: date = date(2016, 5, 4),
            reports: dict[int, str | None] | None = None,
            status: OrgStatus = OrgStatus.ACTIVE,
            org_type: OrgType = OrgType.SOCIAL_GROUP,
            valid_to: date | None = None) -> str:
    """An organization with a certificate and annual reports ``{year: conclusion}``
    (submitted 1 April of the next year), its dormancy summary refreshed in the unit."""
    org_id = new_id()
    n = next(_SEQ)
    uscc = build_uscc("1", "350205", f"MJ{n:06d}", "5")
    with ctx.unit("test.org", subject=Subject("organization", org_id)) as unit:
        insert_organization(
            unit, office_id=ctx.actor.office_id, org_type=org_type, name=name,
            legal_rep=PersonInput("陈明"), uscc=uscc, status=status,
            established_on=established, domicile="厦门市海沧区海沧大道100号",
            supervisory_unit="厦门市海沧区文化和旅游局", id=org_id)
        s = unit.session
        s.add(Certificate(office_id=ctx.actor.office_id, organization_id=org_id,
                          kind="social_group", serial_original=f"Z{n:08d}",
                          serial_duplicate=f"F{n:08d}", issued_on=established,
                          valid_to=valid_to))
        for year, conclusion in (reports or {}).items():
            s.add(AnnualReport(office_id=ctx.actor.office_id, organization_id=org_id,
                               report_year=year, submitted_on=date(year + 1, 4, 1),
                               conclusion=conclusion, concluded_on=date(year + 1, 4, 20)
                               if conclusion else None))
        dormancy.refresh(unit, ctx, org_id)
    return org_id


def good_years(first: int, last: int) -> dict[int, str | None]:
    return {y: "accepted" for y in range(first, last + 1)}


@pytest.fixture
def people(make_ctx):
    return {
        "officer1": make_ctx("officer1", Role.ENFORCEMENT),
        "officer2": make_ctx("officer2", Role.ENFORCEMENT),
        "approver": make_ctx("approver", Role.APPROVER),
        "reviewer": make_ctx("reviewer", Role.REVIEWER),
        "clerk": make_ctx("clerk", Role.CLERK),
    }


@pytest.fixture
def officers(people) -> list[str]:
    return [people["officer1"].actor.user_id, people["officer2"].actor.user_id]
