"""Financial audits through the services: the pending audit a change of legal
representative opens, marked done; a change of term proposes one; an audit that finds
problems orders a rectification; statistics count an audit in the year it was done."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from mca_tui.domain.enums import AuditTrigger, OrgType
from mca_tui.reports.stats import year_stats
from mca_tui.services.errors import ValidationFailed
from mca_tui.services.supervision import audits, rectification
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import Organization, SupervisionRecord
from tests.supervision.h10_helpers import TODAY, add, org, people


def _pending(ctx, org_id, on=date(2023, 12, 20)):
    row = SupervisionRecord(office_id=ctx.actor.office_id, organization_id=org_id,
                            kind="financial_audit", record_date=on,
                            trigger="change_of_legal_rep",
                            details_json=json.dumps({"status": "required"}))
    add(ctx, row)
    return row.id


def test_required_audit_from_a_legal_rep_change_is_marked_done(ctx, make_ctx, settings):
    a = org(ctx, "海沧慈善会")
    rid = _pending(ctx, a)
    p = people(make_ctx)
    [pending] = audits.pending(p["clerk"])
    assert pending.id == rid and pending.trigger is AuditTrigger.LEGAL_REP_CHANGE
    assert "第二十七条" in pending.article
    assert year_stats(ctx.db, settings, 2023).financial_audit == 0  # pending: not counted
    audits.record_audit(p["clerk"], a, trigger="legal_rep_change", audited_on=date(2024, 1, 15),
                        auditor="厦门某会计师事务所", findings="账实相符", result="unqualified",
                        audit_id=rid)
    assert audits.pending(p["clerk"]) == []
    [view] = audits.audits_of(p["clerk"], a)
    assert view.status == "done" and view.audited_on == date(2024, 1, 15)
    assert view.required_on == date(2023, 12, 20)
    assert year_stats(ctx.db, settings, 2024).financial_audit == 1
    assert year_stats(ctx.db, settings, 2023).financial_audit == 0
    with pytest.raises(ValidationFailed):  # done already
        audits.record_audit(p["clerk"], a, trigger="legal_rep_change", audited_on=TODAY,
                            auditor="x", findings="", result="unqualified", audit_id=rid)


def test_audit_refuses_missing_auditor_unknown_result_and_future_date(ctx, make_ctx):
    a = org(ctx, "海沧慈善会")
    p = people(make_ctx)
    with pytest.raises(ValidationFailed) as err:
        audits.record_audit(p["clerk"], a, trigger="other", audited_on=date(2025, 1, 1),
                            auditor=" ", findings="", result="great")
    assert {x.field for x in err.value.problems} == {"auditor", "result", "audited_on"}


def test_audit_with_findings_orders_a_rectification(ctx, make_ctx):
    a = org(ctx, "海沧慈善会")
    p = people(make_ctx)
    aid = audits.record_audit(p["reviewer"], a, trigger="spot_check", audited_on=TODAY,
                              auditor="某所", findings="票据不规范", result="qualified",
                              rectify_items=["规范票据管理"], rectify_by=date(2025, 1, 31))
    [order] = rectification.orders_of(p["clerk"], a)
    assert order.source == "financial_audit" and order.due_on == date(2025, 1, 31)
    [view] = audits.audits_of(p["clerk"], a)
    assert view.id == aid and view.result == "qualified"


@pytest.mark.parametrize(("org_type", "items", "expected"), [
    (OrgType.SOCIAL_GROUP, ["change_of_term"], "change_of_term"),
    (OrgType.PRIVATE_NON_ENTERPRISE, ["change_of_term"], None),
    # a new legal representative: stored as the pending trigger the statistics read
    (OrgType.FOUNDATION, ["legal_rep"], "change_of_legal_rep"),
    (OrgType.SOCIAL_GROUP, ["domicile"], None),
])
def test_a_registered_change_proposes_the_audit_it_calls_for(ctx, org_type, items, expected):
    a = org(ctx, "海沧某组织", org_type=org_type)
    with ctx.unit("test.audit", subject=Subject("test", None)) as unit:
        o = unit.session.get(Organization, a)
        row = audits.propose_for_change(unit, ctx, o, items, TODAY)
        again = audits.propose_for_change(unit, ctx, o, items, TODAY)
        assert (row.trigger if row else None) == expected
        assert again is row  # one pending audit, not two
    with ctx.db.read() as s:
        rows = s.exec(select(SupervisionRecord)).all()
    assert len(rows) == (1 if expected else 0)
