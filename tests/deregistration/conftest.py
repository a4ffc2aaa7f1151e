"""Builders for the deregistration tests: a registered organization with its certificate,
the users of each role, and a complete application form."""

from __future__ import annotations

from datetime import date

import pytest

from mca_tui.domain.enums import DeregistrationMaterial, OrgStatus, OrgType, Role
from mca_tui.services.organizations import PersonInput, insert_organization
from mca_tui.storage.audit import Subject
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import Certificate

TODAY = date(2025, 3, 10)  # a Monday
USCC = "51350205MJ0000026B"


def dereg_form(**over: object) -> dict:
    """A complete 社会团体 deregistration: dissolution, liquidation ended 20 Feb, applied
    3 Mar (within 15 days), every material in, the liquidation audit report received."""
    form = {
        "applied_on": "2025-03-03",
        "trigger": "self_dissolution",
        "liquidation": {"formed_on": "2025-01-06", "members": "陈明、林芳、黄伟",
                        "guided_by": "厦门市海沧区文化和旅游局", "ended_on": "2025-02-20"},
        "materials": {m.value: True for m in DeregistrationMaterial},
        "audit_firm": "厦门海信会计师事务所", "audit_on": "2025-02-18",
        "audit_result": "unqualified",
    }
    form.update(over)
    return form


def add_org(ctx, name: str = "厦门市海沧区书法协会", uscc: str = USCC,
            status: OrgStatus = OrgStatus.ACTIVE) -> str:
    org_id = new_id()
    with ctx.unit("test.org", subject=Subject("organization", org_id)) as unit:
        org = insert_organization(
            unit, office_id=ctx.actor.office_id, org_type=OrgType.SOCIAL_GROUP, name=name,
            legal_rep=PersonInput("陈明"), uscc=uscc, status=status,
            established_on=date(2016, 5, 4), domicile="厦门市海沧区海沧大道100号",
            supervisory_unit="厦门市海沧区文化和旅游局", id=org_id)
        unit.session.add(Certificate(office_id=org.office_id, organization_id=org_id,
                                     kind="social_group", serial_original="350205201600001Z",
                                     serial_duplicate="350205201600001F",
                                     issued_on=date(2016, 5, 4)))
    return org_id


@pytest.fixture
def people(make_ctx):
    """Contexts of a clerk, a reviewer, two approvers, and a clerk who is also an
    approver (the four-eyes case), all on TODAY."""
    return {
        "clerk": make_ctx("clerk", Role.CLERK, today=TODAY),
        "reviewer": make_ctx("reviewer", Role.REVIEWER, today=TODAY),
        "approver": make_ctx("approver", Role.APPROVER, today=TODAY),
        "both": make_ctx("both", Role.CLERK, Role.APPROVER, today=TODAY),
    }


@pytest.fixture
def org_id(ctx) -> str:
    return add_org(ctx)
