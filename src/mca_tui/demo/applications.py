"""In-flight applications for the demo registry (called at the end of ``demo.ensure_demo``).

Written through the registration services by the demo users, so the home queues and the
登记申请 list show real work: one awaiting review, one in 补正, one awaiting approval, one
whose 60-day decision clock is about to run out, a change application applied for late,
and a clerk's unfinished draft. Unlike the rest of the demo these dates are relative to
the real today (a queue of clocks is only meaningful against today); everything else is
fixed. An application the register refuses at intake (a name or person the generated
register happens to hold already) is skipped rather than failing the demo.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date, timedelta
from typing import Any

from sqlmodel import select

from mca_tui.config import Settings
from mca_tui.domain.enums import OrgStatus, OrgType
from mca_tui.domain.forms import materials_for
from mca_tui.services import registration as reg
from mca_tui.services.context import ServiceContext, ensure_office
from mca_tui.services.errors import ServiceError
from mca_tui.storage.engine import Database
from mca_tui.storage.models import Organization

log = logging.getLogger(__name__)

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))


def _id_number(body17: str) -> str:
    total = sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True))
    return body17 + "10X98765432"[total % 11]


def _form(org_type: OrgType, received: date, **items: object) -> dict[str, Any]:
    form: dict[str, Any] = {
        "received_on": received.isoformat(),
        "direct_category": "",
        "persons": [],
        "materials": {m.key: True for m in materials_for(org_type)},
    }
    form.update(items)
    return form


_APPLICATIONS = (
    # (key, type, fields)
    ("awaiting_review", OrgType.SOCIAL_GROUP, {
        "name": "厦门市海沧区桥牌协会", "domicile": "厦门市海沧区滨湖北路188号",
        "subdistrict_code": "350205001", "purpose": "普及桥牌运动，增进牌友交流",
        "business_scope": "桥牌培训、比赛、交流活动", "activity_area": "海沧区行政区域内",
        "funds": "50000", "supervisory_unit": "厦门市海沧区文化和旅游局",
        "legal_rep_name": "苏文博", "legal_rep_id_number": _id_number("35020519720314901"),
        "individual_members": "86", "unit_members": "0"}),
    ("correction", OrgType.PRIVATE_NON_ENTERPRISE, {
        "name": "厦门市海沧区知行社会工作服务中心", "civil_form": "legal_person",
        "domicile": "厦门市海沧区新阳路66号", "subdistrict_code": "350205002",
        "purpose": "为社区老年人提供专业社会工作服务", "business_scope": "老年社会工作、居家养老支持",
        "funds": "30000", "direct_category": "community_service",
        "legal_rep_name": "洪雅琴", "legal_rep_id_number": _id_number("35020519800822902")}),
    ("awaiting_approval", OrgType.SOCIAL_GROUP, {
        "name": "厦门市海沧区朱子文化研究会", "domicile": "厦门市海沧区沧林路39号",
        "subdistrict_code": "350205003", "purpose": "研究和传播朱子文化",
        "business_scope": "朱子文化研究、讲座、交流", "activity_area": "海沧区行政区域内",
        "funds": "30000", "supervisory_unit": "厦门市海沧区社会科学界联合会",
        "legal_rep_name": "颜志坚", "legal_rep_id_number": _id_number("35020519690105903"),
        "individual_members": "40", "unit_members": "12"}),
    ("clock_ending", OrgType.SOCIAL_GROUP, {
        "name": "厦门市海沧区青少年科技创新促进会", "domicile": "厦门市海沧区钟林路8号",
        "subdistrict_code": "350205003", "purpose": "促进青少年科技创新活动",
        "business_scope": "科技竞赛、科普活动、培训", "activity_area": "海沧区行政区域内",
        "funds": "80000", "direct_category": "science_technology",
        "legal_rep_name": "庄立群", "legal_rep_id_number": _id_number("35020519751111904"),
        "individual_members": "0", "unit_members": "31"}),
)


def _contexts(db: Database, settings: Settings) -> dict[str, ServiceContext]:
    from mca_tui.services import users
    from mca_tui.services.context import cli_context

    office = ensure_office(db, settings)
    cli = cli_context(db, settings)
    out = {}
    for info in users.list_users(cli):
        out[info.username] = ServiceContext(db=db, settings=settings,
                                            actor=users.actor_for(db, info, office.id))
    return out


def _on(ctx: ServiceContext, day: date) -> ServiceContext:
    ctx.today = lambda: day
    return ctx


def seed_demo_applications(db: Database, settings: Settings, today: date | None = None) -> None:
    """Create the demo's in-flight applications (see the module docstring)."""
    today = today or date.today()
    people = _contexts(db, settings)
    clerk, clerk2 = people.get("clerk"), people.get("clerk2")
    reviewer, approver = people.get("reviewer"), people.get("approver")
    if not (clerk and clerk2 and reviewer and approver):
        return
    plans = {
        "awaiting_review": (clerk, today - timedelta(days=1)),
        "correction": (clerk2, today - timedelta(days=20)),
        "awaiting_approval": (clerk, today - timedelta(days=30)),
        "clock_ending": (clerk2, today - timedelta(days=57)),
    }
    for key, org_type, fields in _APPLICATIONS:
        who, accepted = plans[key]
        draft = None
        try:
            _on(who, accepted)
            form = _form(org_type, accepted, **fields)
            if key == "correction":
                # received incomplete: a 材料接收凭证 at the counter, the reviewer tells
                # every missing item once within 5 working days (行政许可法 Art 32)
                form["materials"] = {**form["materials"], "premises_proof": False,
                                     "charter_draft": False}
            draft = reg.save_draft(who, form, org_type=org_type)
            app = reg.submit(who, draft.id, on_the_spot=key != "correction")
            if key == "correction":
                _on(reviewer, accepted + timedelta(days=2))
                reg.request_correction(reviewer, app.id, [
                    "补充提交住所（场所）使用权证明",
                    "补充提交章程草案（理事会任期的表述与示范文本一致）"])
            elif key in ("awaiting_approval", "clock_ending"):
                _on(reviewer, today - timedelta(days=2))
                reg.review(reviewer, app.id, note="材料齐全，符合登记条件")
        except ServiceError as exc:
            log.warning("demo application %s skipped: %s", key, exc.message("en"))
            if draft is not None and draft.status.value == "draft":
                with contextlib.suppress(ServiceError):
                    reg.discard_draft(who, draft.id)
    # a change application applied for more than 30 days after the supervisory approval
    with db.read() as s:
        org = s.exec(select(Organization).where(
            Organization.status == OrgStatus.ACTIVE,
            Organization.org_type == OrgType.SOCIAL_GROUP).order_by(Organization.name)).first()
    if org is not None:
        try:
            received = today - timedelta(days=3)
            _on(clerk, received)
            draft = reg.start_change(clerk, org.id)
            form = {**draft.form, "domicile": "厦门市海沧区海沧大道567号",
                    "supervisory_approval_on": (received - timedelta(days=45)).isoformat(),
                    "materials": {m.key: True for m in materials_for(
                        OrgType.SOCIAL_GROUP, direct=bool(org.direct_category), change=True)}}
            reg.save_draft(clerk, form, application_id=draft.id)
            reg.submit(clerk, draft.id)
        except ServiceError as exc:
            log.warning("demo change application skipped: %s", exc.message("en"))
    # an unfinished draft for the clerk to resume
    try:
        _on(clerk, today)
        reg.save_draft(clerk, {**reg.new_form(OrgType.SOCIAL_GROUP, today),
                               "name": "厦门市海沧区航模运动协会", "domicile": "厦门市海沧区"},
                       org_type=OrgType.SOCIAL_GROUP)
    except ServiceError as exc:
        log.warning("demo draft skipped: %s", exc.message("en"))
