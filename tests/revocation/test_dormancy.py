"""Each dormancy signal and each exclusion through services.dormancy (the summary kept by
the writers' units, the indexed list), and contact attempts (domain.md §6.3)."""

from __future__ import annotations

from datetime import date

import pytest

from mca_tui.domain.enums import OrgStatus
from mca_tui.services import dormancy, revocation
from mca_tui.services.errors import ValidationFailed
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import Application, CreditListEntry
from mca_tui.storage.models_summary import DormancySummaryRow
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
    assert "ix_dormancy_summary_list" in " ".join(str(r) for r in rows)


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


# --------------------------------------------------------------------------- the stored assessment


def _expected(ctx, ids, day):
    from mca_tui.domain import dormancy as dm

    out = {}
    for oid in ids:
        a = dm.assess(dormancy.summary_of(ctx, oid), day, ctx.calendar, ctx.settings.legal)
        if a.signals:
            out[oid] = a.to_json()
    return out


def test_the_list_reads_each_rows_stored_assessment(ctx, db, monkeypatch):
    """Rows refreshed on a day carry their assessment (signals and evidence) until the next
    day it changes: the list on a day inside that window assesses nothing in Python and
    gives exactly the assessment; after the window (the next report deadline passed, no
    refresh) the row is assessed from its inputs and the run of missing years grows."""
    from mca_tui.domain import dormancy as dm

    day = D("2025-06-10")
    c = at(ctx, day)
    z1 = add_org(c, "连续未报协会", reports=good_years(2016, 2022))
    z2 = add_org(c, "新设未活动协会", established=D("2024-03-01"))
    cert = add_org(c, "证书过期协会", reports=good_years(2016, 2024), valid_to=D("2025-05-03"))
    ok = add_org(c, "按时年报协会", reports=good_years(2016, 2024))
    ids = (z1, z2, cert, ok)
    with db.read() as s:
        row = s.get(DormancySummaryRow, z1)
        assert row.assessed_on == day and row.assessed_until > D("2026-05-31")
        assert row.signals_since == D("2025-06-04")
    expected = {d: _expected(ctx, ids, D(d)) for d in ("2025-06-10", "2025-12-31")}
    assert set(expected["2025-06-10"]) == {z1, z2, cert}

    def no_assessment(*args, **kw):  # noqa: ANN002, ANN003
        raise AssertionError("assessed in Python although the row's assessment holds")

    monkeypatch.setattr(dm, "assess", no_assessment)
    for d, want in expected.items():
        found = dormancy.candidates(ctx, D(d))
        assert {x.organization_id: x.to_json() for x in found} == want
        assert [x.organization_id for x in found] == sorted(
            want, key=lambda o: (min(s["since"] for s in want[o]["signals"]),
                                 want[o]["uscc"]))
        assert dormancy.count_candidates(ctx, D(d)) == len(want)
        z1_signal = next(x for x in found if x.organization_id == z1).assessment.signals[0]
        assert z1_signal.evidence["years"] == [2023, 2024]
        assert z1_signal.since == D("2025-06-04")  # dates again, not ISO text
    monkeypatch.undo()
    later = D("2026-07-01")  # the 2025 deadline passed: the row's window has ended
    found = {x.organization_id: x for x in dormancy.candidates(ctx, later)}
    assert {o: x.to_json() for o, x in found.items()} == _expected(ctx, ids, later)
    assert found[z1].assessment.signals[0].evidence["years"] == [2023, 2024, 2025]
    first_page = dormancy.candidates(ctx, later, limit=2)
    assert len(first_page) == 2
    # rolled forward (the command and the screen do it for today's list): read again
    assert z1 in dormancy.expired(ctx, later)
    rolled = dormancy.current(at(ctx, later))
    assert {x.organization_id for x in rolled} == set(found)
    assert dormancy.expired(ctx, later) == []
    monkeypatch.setattr(dm, "assess", no_assessment)
    again = dormancy.candidates(ctx, later)
    assert {x.organization_id: x.to_json() for x in again} == {
        o: x.to_json() for o, x in found.items()}


def test_list_and_counts_are_index_range_reads(ctx, db):
    """EXPLAIN QUERY PLAN of every statement the list, its first page and the home count
    run: the watch_from index, no SCAN of a table."""
    from sqlalchemy import event

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite query plans")
    day = D("2025-06-10")
    add_org(at(ctx, day), "连续未报协会", reports=good_years(2016, 2022))
    seen: list[tuple[str, object]] = []

    def spy(conn, cursor, statement, parameters, *args):  # noqa: ANN001
        if "dormancy_summary" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        dormancy.candidates(ctx, day)
        dormancy.candidates(ctx, day, limit=200, include_excluded=False)
        dormancy.count_candidates(ctx, day)
        revocation.queue_count(ctx, "dormant_candidates", day)
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    assert len(seen) >= 4
    counts = 0
    with db.read() as s:
        for statement, parameters in seen:
            plan = " | ".join(str(r[-1]) for r in s.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters).fetchall())
            assert "ix_dormancy_summary_list" in plan, plan
            assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), plan
            assert "annual_report" not in statement and "organization " not in statement
            if statement.lstrip().upper().startswith("SELECT COUNT"):
                assert "COVERING INDEX ix_dormancy_summary_list" in plan, plan  # no row read
                counts += 1
    assert counts == 2  # the count and the home queue's count


# --------------------------------------------------------------------------- Z2: first activity


def test_first_activity_from_change_registration_and_spot_check(ctx):
    """Z2 evidence of activity besides accepted reports (domain.dormancy.ACTIVITY_SOURCES):
    an approved change registration (the day applied for) and a spot check that found the
    organization operating; a spot check that referred it, or a refused change, is not
    activity."""
    from mca_tui.storage.models import SupervisionRecord

    c = at(ctx, D("2025-04-01"))
    acted = add_org(c, "变更登记协会", established=D("2024-03-01"))
    checked = add_org(c, "抽查正常协会", established=D("2024-03-01"))
    idle = add_org(c, "未活动协会", established=D("2024-03-01"))
    with c.unit("test.add", subject=Subject("organization", acted)) as u:
        s = u.session
        s.add(Application(office_id=c.actor.office_id, kind="change", org_type="social_group",
                          organization_id=acted, status="approved",
                          received_on=D("2024-09-02"), decided_on=D("2024-09-20")))
        s.add(Application(office_id=c.actor.office_id, kind="change", org_type="social_group",
                          organization_id=idle, status="refused", received_on=D("2024-08-01"),
                          decided_on=D("2024-08-20")))
        for oid, outcome, on in ((checked, "no_problem", D("2024-11-05")),
                                 (idle, "referred", D("2024-11-06"))):
            s.add(SupervisionRecord(office_id=c.actor.office_id, organization_id=oid,
                                    kind="spot_check", record_date=on, outcome=outcome))
        dormancy.refresh_many(u, c, [acted, checked, idle])
    assert dormancy.summary_of(ctx, acted).first_activity_on == D("2024-09-02")
    assert dormancy.summary_of(ctx, checked).first_activity_on == D("2024-11-05")
    assert dormancy.summary_of(ctx, idle).first_activity_on is None
    assert _signals(ctx, acted, "2025-04-01")[0] == set()
    assert _signals(ctx, checked, "2025-04-01")[0] == set()
    assert _signals(ctx, idle, "2025-04-01")[0] == {"no_activity_first_year"}
    with c.unit("test.add", subject=Subject("organization", idle)) as u:
        dormancy.refresh(u, c, idle)  # one row refreshed alone reads the same sources
    assert dormancy.summary_of(ctx, idle).first_activity_on is None


def test_a_late_first_activity_recorded_by_a_service_is_kept_and_shown(ctx, make_ctx):
    """evaluation.apply (the organization applies) refreshes the summary in its unit: the
    first activity is kept; an organization that first acted late keeps the Z2 signal
    with that date as evidence, and leaves the list two years after it (行政处罚法 Art 36)."""
    from mca_tui.services.supervision import evaluation
    from tests.supervision.h10_helpers import people

    applied = D("2024-09-02")
    c = at(ctx, applied)
    org = add_org(c, "迟延活动协会", established=D("2021-01-01"),
                  reports={2021: "fail", 2022: "fail", 2023: "pass"})
    assert dormancy.summary_of(ctx, org).first_activity_on is None
    evaluation.apply(people(make_ctx, today=applied)["clerk"], org, applied)
    assert dormancy.summary_of(ctx, org).first_activity_on == applied
    c = next(x for x in dormancy.candidates(ctx, D("2024-10-01"))
             if x.organization_id == org)
    z2 = next(s for s in c.to_json()["signals"] if s["kind"] == "no_activity_first_year")
    # the 2023 report (accepted, counted on 31 Dec 2023) is earlier than the evaluation
    assert z2["evidence"]["first_activity_on"] == "2023-12-31"
    assert "no_activity_first_year" not in _signals(ctx, org, "2026-01-01")[0]


def test_a_row_assessed_again_reads_its_report_years_by_key(ctx, db):
    """The summary row does not store the report years (revision 0021_compact_storage):
    a row whose stored assessment ran out is assessed from its row and its report years,
    read from annual_report by key (no scan); a row inside its window reads nothing else."""
    from sqlalchemy import event

    day = D("2025-06-10")
    z1 = add_org(at(ctx, day), "连续未报协会", reports=good_years(2016, 2022))
    seen: list[tuple[str, object]] = []

    def spy(conn, cursor, statement, parameters, *args):  # noqa: ANN001
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        [fresh] = dormancy.candidates(ctx, day)
        assert not [q for q, _ in seen if "annual_report" in q]
        [stale] = dormancy.candidates(ctx, D("2026-07-01"))  # the row's window has ended
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    assert fresh.organization_id == stale.organization_id == z1
    assert fresh.name == stale.name == "连续未报协会"
    assert fresh.assessment.signals[0].evidence["years"] == [2023, 2024]
    assert stale.assessment.signals[0].evidence["years"] == [2023, 2024, 2025]
    other = [(q, p) for q, p in seen if "FROM annual_report" in q]
    assert other  # the stale row's report years
    if db.engine.dialect.name != "sqlite":
        return
    with db.read() as s:
        for statement, parameters in other:
            plan = " | ".join(str(r[-1]) for r in s.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters).fetchall())
            assert "SCAN" not in plan, (statement, plan)
