"""An organization's registered items as the change form shows them (现登记事项)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from mca_tui.domain.identifiers import mask_id_number
from mca_tui.domain.money import format_fen
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import NotFound
from mca_tui.storage.models import Organization, Person


def current_items_in(session: Session, org_id: str) -> dict[str, Any]:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("org.not_found", id=org_id)
    rep = session.get(Person, org.legal_rep_person_id) if org.legal_rep_person_id else None
    return {
        "name": org.name, "civil_form": org.civil_form or "", "domicile": org.domicile,
        "subdistrict_code": org.subdistrict_code or "", "purpose": org.purpose,
        "business_scope": org.business_scope, "activity_area": org.activity_area,
        "funds": format_fen(org.funds_fen) if org.funds_fen is not None else "",
        "funds_fen": org.funds_fen, "direct_category": org.direct_category or "",
        "supervisory_unit": org.supervisory_unit, "legal_rep_name": org.legal_rep_name,
        "legal_rep_id_number": mask_id_number(rep.id_number) if rep and rep.id_number else "",
        "org_type": org.org_type, "uscc": org.uscc or "", "status": org.status,
    }



def current_items(ctx: ServiceContext, org_id: str) -> dict[str, Any]:
    """The registered items of an organization as the change form shows them (现登记事项)."""
    ctx.permit("application.read")
    with ctx.db.read() as s:
        return current_items_in(s, org_id)
