"""Home work queues on hand-built registries with known answers."""

from __future__ import annotations

from datetime import date

from mca_tui.domain.enums import OrgType, Role
from mca_tui.services import queues
from mca_tui.services.organizations import insert_organization
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import AnnualReport, CreditListEntry, PenaltyCase, SupervisionRecord

TODAY = date(2024, 11, 26)


def _org(ctx, name, established, **kw):
    with ctx.unit("test.org", subject=Subject("test", None)) as unit:
        return insert_organization(unit, office_id=ctx.actor.office_id,
                                   org_type=kw.pop("org_type", OrgType.SOCIAL_GROUP), name=name,
                                   established_on=established, **kw).id


def _add(ctx, row):
    with ctx.unit("test.add", subject=Subject("test", None)) as unit:
        unit.session.add(row)


def _ids(ctx, queue):
    return [i.name for i in queues.items(ctx, queue, TODAY)]


def test_reports_overdue_follow_the_report_cycle(ctx):
    a = _org(ctx, "海沧区甲协会", date(2023, 6, 30))  # registered on the cutoff: must report 2023
    _org(ctx, "海沧区乙协会", date(2023, 7, 1))  # after the cutoff: not due for 2023
    c = _org(ctx, "海沧区丙协会", date(2020, 1, 1))
    _org(ctx, "海沧区丁协会", date(2020, 1, 1), status="deregistered",
         deregistered_on=date(2023, 12, 31))
    e = _org(ctx, "海沧区戊协会", date(2020, 1, 1), status="deregistered",
             deregistered_on=date(2024, 1, 1))
    _add(ctx, AnnualReport(office_id=ctx.actor.office_id, organization_id=c, report_year=2023,
                           conclusion="accepted"))
    _add(ctx, AnnualReport(office_id=ctx.actor.office_id, organization_id=a, report_year=2023,
                           conclusion="returned"))
    assert queues.last_closed_report_year(ctx, TODAY) == 2023
    assert queues.last_closed_report_year(ctx, date(2024, 5, 31)) == 2022
    names = _ids(ctx, "reports_overdue")
    # 丙 reported; 乙 was not due; 丁 closed in 2023; 戊 closed later but is no longer active
    assert names == ["海沧区甲协会"]
    assert e
    summary = {s.id: s.count for s in queues.summaries(ctx, TODAY)}
    assert summary["reports_overdue"] == 1


def test_reports_overdue_lists_who_did_not_submit_not_who_failed(ctx):
    o = ctx.actor.office_id
    failed = _org(ctx, "海沧区不合格协会", date(2020, 1, 1))
    pending = _org(ctx, "海沧区待审协会", date(2020, 1, 1))
    _org(ctx, "海沧区未报协会", date(2020, 1, 1))
    marked = _org(ctx, "海沧区标记未报协会", date(2020, 1, 1))
    _add(ctx, AnnualReport(office_id=o, organization_id=failed, report_year=2023,
                           conclusion="fail", submitted_on=date(2024, 5, 20)))
    _add(ctx, AnnualReport(office_id=o, organization_id=pending, report_year=2023,
                           submitted_on=date(2024, 5, 30)))
    _add(ctx, AnnualReport(office_id=o, organization_id=marked, report_year=2023,
                           conclusion="not_submitted"))
    assert sorted(_ids(ctx, "reports_overdue")) == sorted(["海沧区未报协会", "海沧区标记未报协会"])
    assert {s.id: s.count for s in queues.summaries(ctx, TODAY)}["reports_overdue"] == 2


def test_abnormal_queue_window_uses_the_day_after(ctx):
    b = _org(ctx, "海沧区异常协会", date(2018, 1, 1))
    c = _org(ctx, "海沧区稍后协会", date(2018, 1, 1))
    o = ctx.actor.office_id
    # promoted on 26 Dec 2024 = TODAY + 30: listed; one day later: not yet
    _add(ctx, CreditListEntry(office_id=o, organization_id=b, list_kind="abnormal", ground="1",
                              listed_on=date(2022, 12, 25)))
    _add(ctx, CreditListEntry(office_id=o, organization_id=c, list_kind="abnormal", ground="1",
                              listed_on=date(2022, 12, 26)))
    items = queues.items(ctx, "abnormal_two_years", TODAY)
    assert [(i.name, i.due) for i in items] == [("海沧区异常协会", date(2024, 12, 26))]


def test_rectifications_abnormal_list_cases_and_evaluations(ctx):
    a = _org(ctx, "海沧区整改协会", date(2018, 1, 1))
    b = _org(ctx, "海沧区异常协会", date(2018, 1, 1))
    c = _org(ctx, "海沧区案件协会", date(2018, 1, 1))
    d = _org(ctx, "海沧区评估协会", date(2015, 1, 1))
    o = ctx.actor.office_id
    _add(ctx, SupervisionRecord(office_id=o, organization_id=a, kind="rectification",
                                record_date=date(2024, 9, 1), due_on=date(2024, 11, 20)))
    _add(ctx, SupervisionRecord(office_id=o, organization_id=a, kind="rectification",
                                record_date=date(2024, 9, 1), due_on=date(2024, 10, 1),
                                completed_on=date(2024, 9, 30)))
    _add(ctx, CreditListEntry(office_id=o, organization_id=b, list_kind="abnormal", ground="1",
                              listed_on=date(2022, 12, 10)))
    # (a second ground on the abnormal list would restart the period, Order 60; the
    # serious list does not: tests/supervision/test_credit_lists.py)
    _add(ctx, CreditListEntry(office_id=o, organization_id=b, list_kind="serious", ground="1",
                              listed_on=date(2024, 1, 10)))
    _add(ctx, PenaltyCase(office_id=o, organization_id=c, filed_on=date(2024, 8, 30)))
    _add(ctx, PenaltyCase(office_id=o, organization_id=c, filed_on=date(2024, 10, 1)))
    _add(ctx, SupervisionRecord(office_id=o, organization_id=d, kind="evaluation",
                                record_date=date(2020, 1, 10), grade="3A"))
    rect = queues.items(ctx, "rectifications", TODAY)
    assert [(i.name, i.due, i.days_left) for i in rect] == [
        ("海沧区整改协会", date(2024, 11, 20), -6)]
    assert rect[0].overdue
    abnormal = queues.items(ctx, "abnormal_two_years", TODAY)
    # 满2年 at the end of 10 Dec 2024: promoted on 11 Dec (民法典 Art 201-203)
    assert [i.due for i in abnormal] == [date(2024, 12, 11)]
    assert "民法典" in abnormal[0].deadline.article
    cases = queues.items(ctx, "case_steps", TODAY)
    assert [i.due for i in cases] == [date(2024, 11, 28)]  # 90 days after 30 Aug
    evals = queues.items(ctx, "evaluation_expiring", TODAY)
    assert [i.due for i in evals] == [date(2025, 1, 10)]


def test_queues_depend_on_the_role(make_ctx):
    clerk = make_ctx("c", Role.CLERK)
    approver = make_ctx("a", Role.APPROVER)
    enforcement = make_ctx("e", Role.ENFORCEMENT)
    assert "approval" not in queues.visible_queues(clerk)
    assert queues.visible_queues(approver) == ("approval", "deregistration_decision",
                                              "revocation_cases")
    assert "case_steps" in queues.visible_queues(enforcement)
    assert "acceptance" not in queues.visible_queues(enforcement)
    assert queues.items(clerk, "approval", TODAY) == []
    assert {s.id for s in queues.summaries(clerk, TODAY)} == set(queues.visible_queues(clerk))


def test_empty_registry_has_empty_queues(ctx):
    assert all(s.count == 0 for s in queues.summaries(ctx, TODAY))


def test_every_count_equals_its_list(ctx):
    o = ctx.actor.office_id
    c = _org(ctx, "海沧区案件甲协会", date(2018, 1, 1))
    d = _org(ctx, "海沧区评估甲协会", date(2015, 1, 1))
    _add(ctx, PenaltyCase(office_id=o, organization_id=c, filed_on=date(2024, 8, 30)))
    _add(ctx, PenaltyCase(office_id=o, organization_id=c, filed_on=date(2024, 10, 1)))
    _add(ctx, PenaltyCase(office_id=o, organization_id=c, filed_on=date(2024, 9, 2)))
    _add(ctx, SupervisionRecord(office_id=o, organization_id=d, kind="evaluation",
                                record_date=date(2020, 1, 10), grade="3A"))
    _add(ctx, SupervisionRecord(office_id=o, organization_id=d, kind="evaluation",
                                record_date=date(2020, 2, 10), grade="4A"))
    for summary in queues.summaries(ctx, TODAY):
        assert summary.count == len(queues.items(ctx, summary.id, TODAY)), summary.id
    assert {s.id: s.count for s in queues.summaries(ctx, TODAY)}["case_steps"] == 2


def test_evaluation_queue_follows_the_setting_and_the_evaluation_service(ctx):
    """One rule for 评估等级到期 (Order 39 Art 28): the home queue and
    services.supervision.evaluation.expiring read the window from
    ``evaluation_expiry_queue_days`` and list the latest grade of each organization."""
    from dataclasses import replace

    from mca_tui.services.supervision import evaluation

    o = ctx.actor.office_id
    soon = _org(ctx, "海沧区四十五日协会", date(2015, 1, 1))
    later = _org(ctx, "海沧区一百三十五日协会", date(2015, 1, 1))
    far = _org(ctx, "海沧区二百三十日协会", date(2015, 1, 1))
    regraded = _org(ctx, "海沧区重新评估协会", date(2012, 1, 1))
    for org, granted in ((soon, date(2020, 1, 10)), (later, date(2020, 4, 10)),
                         (far, date(2020, 7, 15)), (regraded, date(2019, 12, 1)),
                         (regraded, date(2024, 6, 1))):
        _add(ctx, SupervisionRecord(office_id=o, organization_id=org, kind="evaluation",
                                    record_date=granted, grade="3A"))

    def both():
        names = [i.name for i in queues.items(ctx, "evaluation_expiring", TODAY)]
        count = {s.id: s.count for s in queues.summaries(ctx, TODAY)}["evaluation_expiring"]
        assert count == len(names) == len(evaluation.expiring(ctx, TODAY))
        return names

    # default window 180 days: 45 and 135 days left; the re-graded one's new grade runs to 2029
    assert both() == ["海沧区四十五日协会", "海沧区一百三十五日协会"]
    ctx.settings = replace(ctx.settings, legal=replace(ctx.settings.legal,
                                                       evaluation_expiry_queue_days=240))
    assert both() == ["海沧区四十五日协会", "海沧区一百三十五日协会", "海沧区二百三十日协会"]
