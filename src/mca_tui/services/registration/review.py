"""审查: the reviewer records the review and the findings seen."""

from __future__ import annotations

from mca_tui.services.context import ServiceContext
from mca_tui.services.registration.base import _load, _touch
from mca_tui.services.registration.dto import ApplicationInfo
from mca_tui.services.registration.errors import MaterialsMissing
from mca_tui.services.registration.findings import _all_findings
from mca_tui.services.registration.read import _info
from mca_tui.services.registration.steps import _move, _step
from mca_tui.storage.audit import Subject


def review(ctx: ServiceContext, app_id: str, *, note: str = "",
           expected_version: int | None = None) -> ApplicationInfo:
    """审查: the reviewer records the review; the findings at that moment are kept on the
    step so the approver sees what the reviewer saw. Refused (MaterialsMissing) while
    materials are missing: the reviewer must send it back for 补正 first. Other blocking
    findings do not stop the review: the approver refuses, or approve() refuses."""
    today = ctx.today()
    with ctx.unit("application.review", subject=Subject("application", app_id)) as unit:
        s = unit.session
        app = _load(s, app_id)
        tr = _move(ctx, s, app, "application.review", expected_version)
        findings = _all_findings(s, ctx, app)
        missing = [f for f in findings if f.code == "material_missing"]
        if missing:
            raise MaterialsMissing(missing)
        app.reviewed_on = today
        app.reviewed_by_id = ctx.actor.user_id
        _touch(app)
        s.add(app)
        _step(ctx, unit, app, tr.step, today, note,
              {"findings": [f.as_dict() for f in findings]})
        unit.record("application", app.id, {"status": "accepted"},
                    {"status": "reviewed", "reviewed_on": today,
                     "findings": [f.code for f in findings]},
                    organization_id=app.organization_id)
        s.flush()
        return _info(s, ctx, app)
