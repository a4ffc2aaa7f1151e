"""The demo's 2022 deregistrations are real files written through the services."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from mca_tui import demo
from mca_tui.reports import stats
from mca_tui.services import documents
from mca_tui.storage.models import Application, AuditEvent, IssuedDocument, Organization


def test_demo_2022_deregistrations_go_through_the_service(db, settings, ctx):
    demo.ensure_demo(db, settings)
    figures = stats.year_stats(db, settings, 2022)
    assert figures.deregistered == demo.FIGURES_2022["deregistered"]
    plan = demo.service_deregistrations(settings)
    assert len(plan) == 10
    with db.read() as s:
        for uscc, day in plan:
            org = s.exec(select(Organization).where(Organization.uscc == uscc)).one()
            assert (org.status, org.deregistered_on) == ("deregistered", day)
            app = s.exec(select(Application).where(
                Application.organization_id == org.id,
                Application.kind == "deregistration")).one()
            assert app.status == "approved" and app.decided_on == day
            kinds = {d.kind for d in s.exec(select(IssuedDocument).where(
                IssuedDocument.application_id == app.id))}
            assert kinds == {"dereg_acceptance_notice", "dereg_approval_decision",
                             "dereg_announcement"}
        approvals = s.exec(select(AuditEvent).where(
            AuditEvent.action == "deregistration.approve")).all()
        assert {e.actor_name for e in approvals} == {"approver"}
        assert len(approvals) == 10
        # other years stay imported
        other = s.exec(select(Organization).where(
            Organization.deregistered_on < date(2022, 1, 1))).all()
        assert other and all(o.import_batch_id for o in other)
        doc = s.exec(select(IssuedDocument).where(
            IssuedDocument.kind == "dereg_approval_decision")).first()
    # the files of the demo's past documents are written when opened
    assert "准予注销登记决定书" in documents.preview(ctx, doc.id)
