"""Rectification orders through the services: items, deadline, completion, verification
by another person, extension, and the abnormal-list proposal for an overdue order
(ground (三)): the dry run writes nothing, the confirmation lists it once."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from mca_tui.domain.enums import RectificationSource
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.services.supervision import rectification
from mca_tui.storage.models import AuditEvent, CreditListEntry, IssuedDocument, SupervisionRecord
from tests.supervision.h10_helpers import TODAY, add, org, people, reasons

DUE = TODAY + timedelta(days=30)


def _events(ctx):
    with ctx.db.read() as s:
        return len(s.exec(select(AuditEvent)).all())


def test_order_issues_its_notice_and_needs_items_and_a_later_deadline(ctx, make_ctx):
    a = org(ctx, "海沧书法协会")
    p = people(make_ctx)
    with pytest.raises(ValidationFailed) as err:
        rectification.order(p["reviewer"], a, source=RectificationSource.OTHER, items=["  "],
                            due_on=TODAY, ordered_on=TODAY)
    keys = reasons(err)
    assert {"supervision.reason.rectification_items_missing",
            "supervision.reason.rectification_due_not_after_order"} <= keys
    with pytest.raises(PermissionDenied):
        rectification.order(p["clerk"], a, source="other", items=["x"], due_on=DUE)
    rid = rectification.order(p["reviewer"], a, source="other",
                              items=["完善财务制度", "补开理事会"], due_on=DUE)
    view = rectification.load_order(p["clerk"], rid)
    assert view.status == "ordered" and view.state == "open" and len(view.items) == 2
    with ctx.db.read() as s:
        doc = s.get(IssuedDocument, view.document_id)
    assert doc.kind == "rectification_notice" and "社整" in doc.number


def test_items_completion_and_verification_by_another_person(ctx, make_ctx):
    a = org(ctx, "海沧书法协会")
    p = people(make_ctx)
    rid = rectification.order(p["reviewer"], a, source="other", items=["甲", "乙"], due_on=DUE,
                              ordered_on=TODAY - timedelta(days=10))
    with pytest.raises(ValidationFailed):
        rectification.report_completed(p["clerk"], rid, TODAY)  # item 乙 open
    rectification.record_item(p["clerk"], rid, 0, TODAY - timedelta(days=5))
    rectification.record_item(p["clerk"], rid, 1, TODAY - timedelta(days=2))
    rectification.report_completed(p["clerk"], rid, TODAY)
    assert rectification.load_order(p["clerk"], rid).state == "completed"
    with pytest.raises(ValidationFailed):  # verified before the last completion
        rectification.verify(p["reviewer2"], rid, passed=True, on=TODAY - timedelta(days=3))
    rectification.verify(p["reviewer2"], rid, passed=True, on=TODAY)
    view = rectification.load_order(p["clerk"], rid)
    assert view.status == "verified" and view.state == "verified"



def test_statistics_count_orders_in_the_year_ordered(ctx, make_ctx, settings):
    from mca_tui.reports.stats import year_stats

    a = org(ctx, "海沧书法协会")
    p = people(make_ctx)
    rectification.order(p["reviewer"], a, source="other", items=["甲"], due_on=DUE,
                        ordered_on=date(2023, 12, 29))
    rectification.order(p["reviewer"], a, source="other", items=["乙"], due_on=DUE)
    assert year_stats(ctx.db, settings, 2023).rectification == 1
    assert year_stats(ctx.db, settings, 2024).rectification == 1  # one organization


def test_extension_is_the_approvers_and_later(ctx, make_ctx):
    a = org(ctx, "海沧书法协会")
    p = people(make_ctx)
    rid = rectification.order(p["reviewer"], a, source="other", items=["甲"], due_on=DUE)
    with pytest.raises(PermissionDenied):
        rectification.extend(p["reviewer"], rid, DUE + timedelta(days=10), "申请延期")
    with pytest.raises(ValidationFailed):
        rectification.extend(p["approver"], rid, DUE, "申请延期")
    rectification.extend(p["approver"], rid, DUE + timedelta(days=10), "疫情影响")
    assert rectification.load_order(p["clerk"], rid).due_on == DUE + timedelta(days=10)


def test_overdue_order_proposes_the_abnormal_list_dry_run_then_confirm(ctx, make_ctx):
    a = org(ctx, "逾期整改协会")
    b = org(ctx, "按期整改协会")
    ordered = date(2024, 9, 1)
    p = people(make_ctx, today=ordered)
    late = rectification.order(p["reviewer"], a, source="other", items=["甲"],
                               due_on=date(2024, 10, 31), ordered_on=ordered)
    ok = rectification.order(p["reviewer"], b, source="other", items=["甲"],
                             due_on=date(2024, 10, 31), ordered_on=ordered)
    p = people(make_ctx)  # on TODAY, after the deadline
    rectification.record_item(p["clerk"], ok, 0, date(2024, 9, 20))
    # the deadline day itself: not yet overdue
    assert rectification.overdue_proposals(p["clerk"], date(2024, 10, 31)) == []
    before = _events(ctx)
    rows = rectification.overdue_proposals(p["clerk"])
    assert [(r.proposal.organization_id, r.proposal.order_ref) for r in rows] == [(a, late)]
    assert rows[0].proposal.ground.value == "rectification_overdue"
    assert _events(ctx) == before  # the dry run writes nothing
    out = rectification.list_overdue(p["approver"], [late])
    assert out[0].entry_id and out[0].error is None
    with ctx.db.read() as s:
        [entry] = s.exec(select(CreditListEntry)).all()
    assert entry.organization_id == a and entry.ground == "rectification_overdue"
    assert rectification.overdue_proposals(p["clerk"]) == []  # not proposed twice
    again = rectification.list_overdue(p["approver"], [late])
    assert again[0].entry_id is None and again[0].error


def test_an_order_written_by_another_service_reads_back(ctx, make_ctx):
    """The row shape the report conclusion writes (H9) is read by this service."""
    a = org(ctx, "海沧书法协会")
    p = people(make_ctx)
    row = SupervisionRecord(office_id=ctx.actor.office_id, organization_id=a,
                            kind="rectification", record_date=TODAY, due_on=DUE,
                            trigger="report_conclusion", details_json=json.dumps(
                                {"status": "ordered", "items": [{"text": "补报年报",
                                                                 "completed_on": None}]}))
    add(ctx, row)
    rectification.record_item(p["clerk"], row.id, 0, TODAY)
    rectification.report_completed(p["clerk"], row.id, TODAY)
    rectification.verify(p["reviewer"], row.id, passed=True, on=TODAY)
    assert rectification.load_order(p["clerk"], row.id).state == "verified"
