"""Each dormancy signal and each exclusion through services.dormancy (the summary kept by
the writers' units, the indexed list), and contact attempts (domain.md §6.3)."""

from __future__ import annotations

from datetime import date

import pytest

from mca_tui.domain.enums import OrgStatus
from mca_tui.services import dormancy, revocation
from mca_tui.services.errors import ValidationFailed
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import Application, CreditListEntry, DormancySummaryRow
from tests.revocation.conftest import add_org, at, good_years

D = date.fromisoformat


def _signals(ctx, org_id, day):
    found = {c.organization_id: c for c in dormancy.candidates(ctx, D(day))}
    if org_id not in found:
        return set(), set()
    a = found[org_id].assessment
    return {s.kind.value for s in a.signals}, {e.kind.value for e in a.exclusions}


def test_no_report_for_two_years(ctx):
    org = add_org(ctx, "连续未报协会", reports=good_years(2016, 2022))
    ok = add_org(ctx, "按时年报协会", reports=good_years(2016, 2024))
    assert _signals(ctx, org, "2025-06-03") == (set(), set())  # 31 May rolled to 3 June
    signals, _ = _signals(ctx, org, "2025-06-04")
    assert signals == {"no_report_two_years"}
    assert _signals(ctx, ok, "2025-06-04") == (set(), set())
    c = next(c for c in dormancy.candidates(ctx, D("2025-06-04")) if c.organization_id == org)
    data = c.to_json()
    assert data["uscc"] and data["name"] == "连续未报协会"
    assert data["signals"][0]["evidence"]["years"] == [2023, 2024]


def test_a_failed_report_counts_like_a_missing_one(ctx):
    org = add_org(ctx, "不合格协会", reports={**good_years(2016, 2022), 2023: "fail",
                                              2024: None})
    # 2024 submitted, waiting for its conclusion: not "no report"
    assert _signals(ctx, org, "2025-06-04")[0] == set()
    org2 = add_org(ctx, "不合格未报协会", reports={**good_years(2016, 2022), 2023: "fail"})
    assert _signals(ctx, org2, "2025-06-04")[0] == {"no_report_two_years"}


def test_no_activity_within_a_year_of_registration(ctx):
    org = add_org(ctx, "新设未活动协会", established=D("2024-03-01"))
    assert _signals(ctx, org, "2025-03-01")[0] == set()
    assert _signals(ctx, org, "2025-03-02")[0] == {"no_activity_first_year"}


def test_unreachable_after_two_unsigned_registered_letters(ctx):
    org = add_org(ctx, "无法联系协会", reports=good_years(2016, 2024))
    clerk = at(ctx, D("2025-09-30"))
    dormancy.record_contact(clerk, org, kind="registered_letter", on=D("2025-08-01"),
                            fate="unsigned", fate_on=D("2025-08-10"))
    assert _signals(ctx, org, "2025-09-30")[0] == set()  # one letter is not enough
    dormancy.record_contact(clerk, org, kind="field_check", on=D("2025-08-20"),
                            fate="unsigned", note="住所已改作他用")
    dormancy.record_contact(clerk, org, kind="registered_letter", on=D("2025-09-05"),
                            fate="unsigned", fate_on=D("2025-09-15"))
    signals, _ = _signals(ctx, org, "2025-09-30")
    assert signals == {"unreachable"}
    c = next(c for c in dormancy.candidates(ctx, D("2025-09-30")) if c.organization_id == org)
    evidence = c.assessment.signals[0].evidence
    assert evidence["gap_days"] == 35
    assert [x["kind"] for x in evidence["other_attempts"]] == ["field_check"]
    # it answers a call: no longer unreachable
    dormancy.record_contact(clerk, org, kind="phone", on=D("2025-09-29"), fate="reached",
                            fate_on=D("2025-09-29"))
    assert _signals(ctx, org, "2025-09-30")[0] == set()


def test_contact_attempt_refuses_dates_in_the_future(ctx):
    org = add_org(ctx, "未来日期协会")
    with pytest.raises(ValidationFailed):
        dormancy.record_contact(at(ctx, D("2025-01-01")), org, kind="registered_letter",
                                on=D("2025-02-01"))
    with pytest.raises(ValidationFailed):
        dormancy.record_contact(at(ctx, D("2025-03-01")), org, kind="letter",
                                on=D("2025-02-01"))


def test_certificate_expired(ctx):
    org = add_org(ctx, "证书过期协会", reports=good_years(2016, 2024), valid_to=D("2025-05-03"))
    assert _signals(ctx, org, "2025-05-03")[0] == set()
    assert _signals(ctx, org, "2025-05-04")[0] == {"certificate_expired"}


def test_two_years_on_the_abnormal_list(ctx):
    org = add_org(ctx, "异常名录协会", reports=good_years(2016, 2024))
    with ctx.unit("test.add", subject=Subject("organization", org)) as u:
        u.session.add(CreditListEntry(office_id=ctx.actor.office_id, organization_id=org,
                                      list_kind="abnormal", ground="not_reported",
                                      listed_on=D("2023-07-10")))
        dormancy.refresh(u, ctx, org)
    assert _signals(ctx, org, "2025-07-10")[0] == set()
    assert _signals(ctx, org, "2025-07-11")[0] == {"abnormal_two_years"}


@pytest.mark.parametrize("status", [OrgStatus.DEREGISTERED, OrgStatus.REVOKED])
def test_deregistered_or_revoked_never_listed(ctx, db, status):
    org = add_org(ctx, "已终止协会", reports=good_years(2016, 2022), status=status)
    assert _signals(ctx, org, "2025-06-04") == (set(), set())
    with db.read() as s:
        assert s.get(DormancySummaryRow, org).watch_from is None  # outside the index range


def test_in_liquidation_is_excluded(ctx):
    org = add_org(ctx, "清算中协会", reports=good_years(2016, 2022))
    with ctx.unit("test.add", subject=Subject("organization", org)) as u:
        u.session.add(Application(office_id=ctx.actor.office_id, kind="deregistration",
                                  org_type="social_group", organization_id=org,
                                  status="accepted", received_on=D("2025-05-20")))
        dormancy.refresh(u, ctx, org)
    signals, exclusions = _signals(ctx, org, "2025-06-04")
    assert signals == {"no_report_two_years"} and exclusions == {"in_liquidation"}
    assert org not in {c.organization_id for c in dormancy.candidates(
        ctx, D("2025-06-04"), include_excluded=False)}


def test_open_case_is_excluded(ctx, people, officers):
    org = add_org(ctx, "已立案协会", reports=good_years(2016, 2022))
    revocation.open_case(at(people["officer1"], D("2025-07-01")), org, filed_on=D("2025-07-01"),
                         officers=officers)
    assert _signals(ctx, org, "2025-07-02")[1] == {"case_open"}
    assert dormancy.count_candidates(ctx, D("2025-07-02")) == 0


def test_list_reads_only_the_summary_range(ctx, db):
    """The list as of D reads the summary rows with watch_from <= D (indexed); the
    annual-report table is not read."""
    from sqlalchemy import event

    add_org(ctx, "连续未报协会", reports=good_years(2016, 2022))
    add_org(ctx, "按时年报协会", reports=good_years(2016, 2024))
    seen: list[str] = []

    def spy(conn, cursor, statement, *args):  # noqa: ANN001
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        assert dormancy.count_candidates(ctx, D("2025-06-04")) == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    assert not [q for q in seen if "annual_report" in q]
    assert [q for q in seen if "dormancy_summary" in q]
    if db.engine.dialect.name != "sqlite":
        return
    with db.read() as s:
        rows = s.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT organization_id FROM dormancy_summary "
            "WHERE watch_from <= '2025-06-04'").fetchall()
    assert "ix_dormancy_summary_watch_from" in " ".join(str(r) for r in rows)


def test_a_delay_granted_is_excluded_until_it_ends(ctx, people):
    org = add_org(ctx, "准予延期协会", reports=good_years(2016, 2022))
    approver = at(people["approver"], D("2025-06-10"))
    with pytest.raises(ValidationFailed):
        dormancy.grant_delay(approver, org, granted_on=D("2025-06-10"), until=D("2025-09-30"),
                             reason=" ")
    dormancy.grant_delay(approver, org, granted_on=D("2025-06-10"), until=D("2025-09-30"),
                         reason="承诺于9月底前补报2023、2024年度报告")
    signals, exclusions = _signals(ctx, org, "2025-09-30")
    assert signals == {"no_report_two_years"} and exclusions == {"delay_granted"}
    assert dormancy.count_candidates(ctx, D("2025-09-30")) == 0
    assert _signals(ctx, org, "2025-10-01")[1] == set()  # the delay ran out
    assert dormancy.count_candidates(ctx, D("2025-10-01")) == 1
