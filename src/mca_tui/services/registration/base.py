"""The application row and its form: the states in flight, the articles cited, loading
an application, its form as typed (JSON), its organization's and applicant's names."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from mca_tui.domain.eligibility import division_names_for
from mca_tui.domain.enums import ApplicationKind, ApplicationStatus
from mca_tui.domain.text import normalize_name
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import NotFound
from mca_tui.storage.models import Application, Organization, UserAccount, utcnow

IN_FLIGHT = (ApplicationStatus.ACCEPTED, ApplicationStatus.CORRECTION, ApplicationStatus.REVIEWED)



# The step recording the head's extension of a change decision period (行政许可法 Art 42).
EXTENSION_STEP = "decision_extended"



LICENSING_LAW = "《中华人民共和国行政许可法》"



ART_32 = f"{LICENSING_LAW}第三十二条"



def _form(app: Application) -> dict[str, Any]:
    try:
        data = json.loads(app.form_json or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}



def _dump(form: dict[str, Any]) -> str:
    return json.dumps(form, ensure_ascii=False, sort_keys=True, default=str)



def _load(session: Session, app_id: str) -> Application:
    app = session.get(Application, app_id)
    # a deregistration has its own table and service (services.deregistration)
    if app is None or app.kind == ApplicationKind.DEREGISTRATION:
        raise NotFound("registration.error.not_found", id=app_id)
    return app



def _touch(app: Application) -> None:
    app.version += 1
    app.updated_at = utcnow()



def _divisions(ctx: ServiceContext) -> tuple[str, ...]:
    return division_names_for(ctx.settings.office.name)



def _org_name(app: Application, form: dict[str, Any], session: Session) -> str:
    if app.kind in (ApplicationKind.CHANGE, ApplicationKind.DEREGISTRATION) \
            and app.organization_id:
        org = session.get(Organization, app.organization_id)
        if org is not None:
            return org.name
    return normalize_name(form.get("name"))



def _user_names(session: Session, ids: set[str | None]) -> dict[str, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.exec(select(UserAccount).where(col(UserAccount.id).in_(ids))).all()
    return {u.id: u.display_name for u in rows}



ORDER_69 = "《社会组织名称管理办法》（民政部令第69号）"



def _applicant(form: dict[str, Any], org_name: str) -> str:
    return normalize_name(form.get("legal_rep_name")) or org_name
