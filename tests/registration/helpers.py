"""Shared builders for the registration tests."""

from __future__ import annotations

from datetime import date

from mca_tui.domain.enums import OrgType
from mca_tui.domain.forms import materials_for
from mca_tui.domain.identifiers import validate_id_number

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))


def make_id(body17: str) -> str:
    """A valid 18-character ID number from 17 digits (check digit computed)."""
    total = sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True))
    number = body17 + "10X98765432"[total % 11]
    assert validate_id_number(number).valid, number
    return number


REP_ID = make_id("35020519800101001")
REP2_ID = make_id("35020519850505002")
FOUNDER_ID = make_id("35020519900303003")


def sg_form(**over: object) -> dict:
    """A complete, eligible 社会团体 establishment form, as a clerk would type it."""
    form = {
        "name": "厦门市海沧区老年人体育协会",
        "domicile": "厦门市海沧区海沧大道899号",
        "subdistrict_code": "350205001",
        "purpose": "团结全区老年体育爱好者，开展健身活动",
        "business_scope": "组织老年人体育健身活动、比赛和培训",
        "activity_area": "海沧区行政区域内",
        "funds": "30000",
        "direct_category": "",
        "supervisory_unit": "厦门市海沧区文化和旅游局",
        "legal_rep_name": "陈明",
        "legal_rep_id_number": REP_ID,
        "legal_rep_phone": "13800001111",
        "individual_members": "50",
        "unit_members": "0",
        "received_on": "2025-03-03",
        "persons": [{"name": "林芳", "id_number": FOUNDER_ID, "title": "秘书长",
                     "role": "responsible"}],
        "materials": {m.key: True for m in materials_for(OrgType.SOCIAL_GROUP)},
    }
    form.update(over)
    return form


def pne_form(**over: object) -> dict:
    form = {
        "name": "厦门市海沧区阳光社会工作服务中心",
        "civil_form": "legal_person",
        "domicile": "厦门市海沧区沧林路12号",
        "subdistrict_code": "350205003",
        "purpose": "提供专业社会工作服务",
        "business_scope": "社区社会工作服务、培训",
        "funds": "50000",
        "direct_category": "community_service",
        "supervisory_unit": "",
        "legal_rep_name": "黄伟",
        "legal_rep_id_number": REP2_ID,
        "received_on": "2025-03-03",
        "persons": [],
        "materials": {m.key: True
                      for m in materials_for(OrgType.PRIVATE_NON_ENTERPRISE, direct=True)},
    }
    form.update(over)
    return form


TODAY = date(2025, 3, 5)
