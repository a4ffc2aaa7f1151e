"""Where the workflows meet: the dormancy summary kept current by the services that
change its inputs (annual reports, credit listings, deregistration, the calendar), and
the serious list written by a revocation case or ended by a deregistration through the
credit-list service (notice and publication-list row like every other listing)."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import select

from mca_tui.domain.enums import CreditListKind, OrgStatus, SeriousListGround
from mca_tui.services import calendar_admin, dormancy
from mca_tui.services import deregistration as dereg
from mca_tui.services.supervision import annual_reports, credit_lists
from mca_tui.storage.models import CreditListEntry, IssuedDocument
from tests.revocation.conftest import add_org, at, good_years

D = date.fromisoformat


def _dormant_names(capsys, ctx, as_of: str) -> list[str]:
    from mca_tui.cli import main
    from tests.rawdb import db_arg

    assert main(["--db", db_arg(ctx.db), "dormant", "--as-of", as_of, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    return [c["name"] for c in out["candidates"] if not c["exclusions"]]


def test_a_report_recorded_through_the_service_moves_the_org_off_the_dormant_list(
        ctx, capsys, people):
    org = add_org(ctx, "厦门市海沧区迟报协会", reports=good_years(2016, 2022))
    add_org(ctx, "厦门市海沧区按时协会", reports=good_years(2016, 2024))
    assert _dormant_names(capsys, ctx, "2025-07-02") == ["厦门市海沧区迟报协会"]
    day = D("2025-07-01")
    report_id = annual_reports.receive(at(people["clerk"], day), org, 2024, received_on=day,
                                       materials="年度工作报告书")
    annual_reports.conclude(at(people["reviewer"], day), report_id, "accepted",
                            concluded_on=day)
    # no --rebuild: the report's own unit rewrote the summary
    assert not dormancy.needs_rebuild(ctx)
    assert _dormant_names(capsys, ctx, "2025-07-02") == []


def test_deregistration_application_and_abnormal_listing_refresh_the_summary(ctx, people):
    org = add_org(ctx, "厦门市海沧区清算协会", reports=good_years(2016, 2022))
    listed = add_org(ctx, "厦门市海沧区异常协会", reports=good_years(2016, 2024))
    assert dormancy.summary_of(ctx, org).liquidation_started_on is None
    dereg.start(at(people["clerk"], D("2025-07-01")), org,
                {"applied_on": "2025-07-01", "trigger": "self_dissolution"})
    assert dormancy.summary_of(ctx, org).liquidation_started_on == D("2025-07-01")
    credit_lists.list_organization(at(people["approver"], D("2025-07-01")), listed,
                                   CreditListKind.ABNORMAL.value, "rectification_overdue", on=D("2025-07-01"),
                                   evidence="责令整改逾期未改正")
    assert dormancy.summary_of(ctx, listed).abnormal_listed_on == D("2025-07-01")


def test_a_calendar_change_recomputes_the_summaries(ctx, make_ctx):
    from mca_tui.domain.enums import Role

    org = add_org(ctx, "厦门市海沧区节前协会", reports=good_years(2016, 2022))
    before = dormancy.summary_of(ctx, org)
    admin = make_ctx("admin2", Role.ADMIN)
    # the 2024 report deadline (31 May 2025, 端午 31 May-2 June) rolls to 3 June; 3 June
    # declared a holiday moves it to 4 June, and with it the day the signal holds
    with ctx.db.read() as s:
        from mca_tui.storage.models_summary import DormancySummaryRow

        watch_before = s.get(DormancySummaryRow, org).watch_from
    calendar_admin.set_day(admin, D("2025-06-03"), False, "测试假日")
    with ctx.db.read() as s:
        watch_after = s.get(DormancySummaryRow, org).watch_from
    assert before is not None
    assert (watch_before, watch_after) == (D("2025-06-04"), D("2025-06-05"))
    calendar_admin.clear_day(admin, D("2025-06-03"))
    with ctx.db.read() as s:
        assert s.get(DormancySummaryRow, org).watch_from == watch_before


def test_deregistering_a_revoked_org_ends_its_serious_listing_on_ground_seven(ctx, people):
    from tests.deregistration.conftest import dereg_form

    org = add_org(ctx, "厦门市海沧区已撤销协会", reports=good_years(2016, 2022),
                  status=OrgStatus.REVOKED)
    listed_on = D("2025-03-01")
    approver = at(people["approver"], listed_on)
    with approver.unit("test.case", subject=_subject(org)) as u:
        res = credit_lists.list_in_unit(u, approver, org, CreditListKind.SERIOUS,
                                        SeriousListGround.REGISTRATION_REVOKED.value,
                                        on=listed_on, evidence="撤销登记决定")
    assert res.document_number
    rows = credit_lists.publication_list(ctx, kind="serious")
    assert [(r.event, r.document_number) for r in rows] == [("listed", res.document_number)]
    day = D("2025-03-10")
    clerk, reviewer = at(people["clerk"], day), at(people["reviewer"], day)
    draft = dereg.start(clerk, org, dereg_form(trigger="revoked"))
    info = dereg.accept(clerk, draft.id, expected_version=draft.version)
    info = dereg.review(reviewer, info.id)
    dereg.approve(at(people["approver"], day), info.id)
    with ctx.db.read() as s:
        entry = s.exec(select(CreditListEntry).where(CreditListEntry.organization_id == org)).one()
        assert entry.removed_on == day
        removal = s.exec(select(IssuedDocument).where(
            IssuedDocument.organization_id == org,
            IssuedDocument.kind == credit_lists.REMOVAL_DOC)).one()
    events = [r.event for r in credit_lists.publication_list(ctx, kind="serious")]
    assert events == ["removed", "listed"]
    assert removal.issued_on == day


def _subject(org_id: str):
    from mca_tui.storage.audit import Subject

    return Subject("organization", org_id)
