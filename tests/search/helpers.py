"""Hand-built organizations for search and shell tests."""

from __future__ import annotations

from datetime import date

from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.domain.identifiers import build_uscc
from mca_tui.services.context import ensure_office
from mca_tui.services.organizations import PersonInput, insert_organization
from mca_tui.storage.audit import Subject


def code(n: int, category: str = "1") -> str:
    return build_uscc(category, "350205", f"MJ{n:06d}")


def add_orgs(ctx, rows: list[dict]) -> list[str]:  # noqa: ANN001
    """Insert organizations (name, rep, domicile, uscc, status ...) in one unit."""
    office = ensure_office(ctx.db, ctx.settings)
    ids = []
    for i, row in enumerate(rows, start=1):
        with ctx.unit("test.add_org", subject=Subject("test", None)) as unit:
            row = dict(row)
            name = row.pop("name")
            rep = row.pop("rep", "张三")
            row.setdefault("uscc", code(i))
            row.setdefault("established_on", date(2020, 1, 1))
            org_type = row.pop("org_type", OrgType.SOCIAL_GROUP)
            status = row.pop("status", OrgStatus.ACTIVE)
            org = insert_organization(unit, office_id=office.id, org_type=org_type, name=name,
                                      legal_rep=PersonInput(rep), status=status.value, **row)
            ids.append(org.id)
    return ids
