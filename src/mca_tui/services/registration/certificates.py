"""Certificates: a new certificate with its serials and validity, and its data sheet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mca_tui.domain.calendar import add_years
from mca_tui.domain.enums import OrgType
from mca_tui.services import codes
from mca_tui.services.context import ServiceContext, Unit
from mca_tui.storage.models import Application, Certificate, Organization


def _certificate_kind(org_type: OrgType, civil_form: str | None) -> str:
    if org_type is OrgType.PRIVATE_NON_ENTERPRISE:
        return f"pne_{civil_form or 'legal_person'}"
    return org_type.value



def _new_certificate(unit: Unit, ctx: ServiceContext, org: Organization, app: Application,
                     on: date) -> Certificate:
    original, duplicate = codes.certificate_serials(unit.session, ctx.settings, on.year)
    years = ctx.settings.legal.certificate_validity_years
    cert = Certificate(office_id=org.office_id, organization_id=org.id,
                       kind=_certificate_kind(OrgType(org.org_type), org.civil_form),
                       serial_original=original, serial_duplicate=duplicate, issued_on=on,
                       valid_from=on if years else None,
                       valid_to=add_years(on, years) - timedelta(days=1) if years else None,
                       status="valid", status_on=on, application_id=app.id)
    unit.session.add(cert)
    unit.session.flush()
    unit.record("certificate", cert.id, None,
                {"serial_original": original, "serial_duplicate": duplicate,
                 "valid_from": cert.valid_from, "valid_to": cert.valid_to},
                organization_id=org.id)
    return cert



def _sheet_data(org: Organization, cert: Certificate) -> dict[str, Any]:
    """Certificate items for the 登记证书信息表 and the 公告: codes, dates and fen."""
    return {"org_name": org.name, "uscc": org.uscc, "org_type": org.org_type,
            "civil_form": org.civil_form, "legal_rep": org.legal_rep_name,
            "serial_original": cert.serial_original,
            "serial_duplicate": cert.serial_duplicate, "domicile": org.domicile,
            "purpose": org.purpose, "business_scope": org.business_scope,
            "activity_area": org.activity_area, "funds_fen": org.funds_fen,
            "supervisory_unit": org.supervisory_unit or "",
            "direct_category": org.direct_category or "",
            "established_on": org.established_on, "valid_from": cert.valid_from,
            "valid_to": cert.valid_to}
