"""Test helpers for the supervision services of H10 (audits, rectification, interviews,
spot checks, evaluation): organizations and users on a real registry."""

from __future__ import annotations

from datetime import date

from mca_tui.domain.enums import OrgType, Role
from mca_tui.services.organizations import insert_organization
from mca_tui.storage.audit import Subject

TODAY = date(2024, 11, 26)


def org(ctx, name, established=date(2015, 3, 1), **kw) -> str:
    with ctx.unit("test.org", subject=Subject("test", None)) as unit:
        return insert_organization(unit, office_id=ctx.actor.office_id,
                                   org_type=kw.pop("org_type", OrgType.SOCIAL_GROUP), name=name,
                                   established_on=established, **kw).id


def add(ctx, row) -> None:
    with ctx.unit("test.add", subject=Subject("test", None)) as unit:
        unit.session.add(row)


def people(make_ctx, today=TODAY):
    """A clerk, two reviewers, an approver and a ctx per role."""
    return {
        "clerk": make_ctx("clerk1", Role.CLERK, today=today),
        "reviewer": make_ctx("rev1", Role.REVIEWER, today=today),
        "reviewer2": make_ctx("rev2", Role.REVIEWER, today=today),
        "approver": make_ctx("boss", Role.APPROVER, today=today),
    }


def officers(make_ctx, n, today=TODAY):
    return [make_ctx(f"officer{i}", Role.ENFORCEMENT, today=today) for i in range(1, n + 1)]


def reasons(err) -> set[str]:
    """The rule codes of a refusal (``sv.error.rule`` problems), as ``supervision.reason.*``
    keys, each problem also naming its article."""
    out = set()
    for p in err.value.problems:
        if p.key == "sv.error.rule":
            assert p.params["article"], p
            out.add(f"supervision.reason.{p.params['code']}")
        else:
            out.add(p.key)
    return out
