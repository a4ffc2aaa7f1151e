"""The demo's 2022 supervision work is written through the supervision services (issue 10):
the bureau's figures (audited 34, rectifications 35, interviews 3, spot-checked 30,
evaluated 11) come from records the services wrote — none imported — each with its audit
events and documents, on the right organizations, with dates that hold together."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import col, select

from mca_tui import demo
from mca_tui.reports import stats
from mca_tui.services.supervision import rectification
from mca_tui.storage.audit import events_about_query
from mca_tui.storage.models import IssuedDocument, Organization, SupervisionRecord

SERVICE_KINDS = ("financial_audit", "rectification", "interview", "evaluation", "spot_check")


def test_demo_2022_supervision_is_written_by_the_services(db, settings, ctx):
    demo.ensure_demo(db, settings)
    figures = stats.year_stats(db, settings, 2022).to_dict()
    assert {k: figures[k] for k in stats.FIXED_KEYS} == demo.FIGURES_2022
    with db.read() as s:
        orgs = {o.id: o for o in s.exec(select(Organization))}
        rows = s.exec(select(SupervisionRecord).where(
            col(SupervisionRecord.kind).in_(SERVICE_KINDS))).all()
        of_2022 = [r for r in rows if r.record_date.year == 2022]
        # none of the 2022 records was imported; other years still come from the ledger
        assert of_2022 and all(r.import_batch_id is None and r.source_row is None
                               for r in of_2022)
        assert any(r.import_batch_id for r in rows if r.record_date.year == 2021)
        # every 2022 record has the events of the service that wrote it, by a demo user
        for r in of_2022:
            events = s.exec(events_about_query("supervision_record", r.id)).all()
            assert events, (r.kind, r.id)
            assert {e.actor_name for e in events} <= {u for u, *_ in demo.DEMO_USERS}
            assert all(e.action != "ledger.import" for e in events)
        docs = {d.id: d for d in s.exec(select(IssuedDocument))}
        by_id = {r.id: r for r in rows}

    def details(r: SupervisionRecord) -> dict:
        return json.loads(r.details_json or "{}")

    def kind(k: str) -> list[SupervisionRecord]:
        return [r for r in of_2022 if r.kind == k]

    # ---- interviews: notified with the notice, held, each ordering a rectification
    interviews = kind("interview")
    assert len(interviews) == 3
    for r in interviews:
        d = details(r)
        assert d["status"] == "held" and r.outcome == "rectification_ordered"
        assert docs[d["document_id"]].kind == "interview_notice"
        assert {p["role"] for p in d["persons"]} >= {"chair", "secretary_general"}
        order = by_id[d["rectification_id"]]
        assert (order.trigger, order.organization_id) == ("interview", r.organization_id)

    # ---- rectifications: 35 organizations, each order from its source, all verified in time
    orders = kind("rectification")
    assert len({r.organization_id for r in orders}) == 35
    assert {r.trigger for r in orders} == {"interview", "spot_check", "financial_audit", "other"}
    for r in orders:
        d = details(r)
        assert docs[d["document_id"]].kind == "rectification_notice"
        assert d["status"] == "verified"
        assert r.record_date < r.completed_on <= r.due_on <= date(2023, 6, 30)
        assert r.completed_on <= r.verified_on
        if r.trigger != "other":  # ordered by a record of the same organization
            source = by_id[d["source_ref"]]
            assert source.organization_id == r.organization_id
            assert source.kind == r.trigger
    assert not [p for p in rectification.overdue_proposals(ctx, demo.DEMO_AS_OF)
                if by_id.get(p.proposal.order_ref) in orders]  # none proposed for the list

    # ---- audits: 34 organizations, each with its trigger, firm and opinion
    audits = kind("financial_audit")
    assert len({r.organization_id for r in audits}) == 34
    assert all(r.completed_on == r.record_date and details(r)["auditor"] for r in audits)
    triggers = {r.trigger for r in audits}
    assert {"deregistration", "change_of_term", "legal_rep_change", "other"} <= triggers
    for r in audits:
        org = orgs[r.organization_id]
        if r.trigger == "deregistration":  # the liquidation audit of a 2022 deregistration
            assert org.deregistered_on is not None and org.deregistered_on.year == 2022
        if r.trigger == "change_of_term":  # [S1] Art 27: a social group's term
            assert org.org_type == "social_group"
        if r.outcome == "qualified":
            assert by_id[details(r)["rectification_id"]].trigger == "financial_audit"
    assert sum(1 for r in audits if r.trigger == "deregistration") == 10

    # ---- evaluations: 11 grades granted in 2022, valid five years
    grants = kind("evaluation")
    assert len(grants) == 11
    for r in grants:
        assert r.grade in {"1A", "2A", "3A", "4A", "5A"} and details(r)["status"] == "granted"
        assert r.valid_until is not None and r.valid_until.year == 2027
        assert orgs[r.organization_id].established_on <= date(2020, 6, 30)
