"""Spot checks (双随机、一公开, 民发〔2017〕45号) through the services: the ratio floor, the
frozen and hashed population, the seeded draw reproduced by ``verify``, conflicted
inspectors never drawn, results, rectification, publication."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from mca_tui.domain.enums import OrgType, Role
from mca_tui.domain.supervision import spot_check as rules
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.services.supervision import rectification, spot_checks
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import AuditEvent, SpotCheckPlanRow, SupervisionRecord
from tests.supervision.h10_helpers import TODAY, org, people, reasons

ITEMS = list(rules.CHECK_ITEMS)


def _registry(ctx, n=40):
    ids = [org(ctx, f"海沧测试社团{i:03d}", date(2015, 1, 1) + timedelta(days=i)) for i in range(n)]
    # two organizations the filter leaves out: deregistered, and a foundation
    org(ctx, "已注销协会", date(2015, 1, 1), status="deregistered",
        deregistered_on=date(2020, 1, 1))
    org(ctx, "海沧基金会", date(2016, 1, 1), org_type=OrgType.FOUNDATION)
    return ids


def _drawn_plan(ctx, make_ctx, ratio="10", officers=3, seed="seed-2024"):
    p = people(make_ctx)
    offs = [make_ctx(f"officer{i}", Role.ENFORCEMENT, today=TODAY) for i in range(officers)]
    pid = spot_checks.create_plan(p["reviewer"], 2024, "regular", ratio,
                                  org_types=("social_group",))
    spot_checks.approve(p["approver"], pid)
    view = spot_checks.draw(p["reviewer"], pid, seed=seed)
    return pid, view, p, offs


def test_ratio_below_the_floor_is_refused_and_nothing_written(ctx, make_ctx):
    p = people(make_ctx)
    with pytest.raises(ValidationFailed) as err:
        spot_checks.create_plan(p["reviewer"], 2024, "regular", "2.9")
    assert reasons(err) == {"supervision.reason.ratio_below_floor"}
    with ctx.db.read() as s:
        assert s.exec(select(SpotCheckPlanRow)).first() is None
    # exactly the floor is accepted; an irregular check has no floor
    assert spot_checks.create_plan(p["reviewer"], 2024, "regular", "3")
    assert spot_checks.create_plan(p["reviewer"], 2024, "irregular", "1")


def test_draw_freezes_hashes_records_the_seed_and_verify_reproduces_it(ctx, make_ctx):
    ids = _registry(ctx)
    pid, view, _p, offs = _drawn_plan(ctx, make_ctx)
    assert view.population_size == 40  # active social groups only
    with ctx.db.read() as s:
        row = s.get(SpotCheckPlanRow, pid)
        population = json.loads(row.population_json)
    assert population == sorted(ids)
    assert row.population_hash == rules.population_hash(ids)
    assert row.seed == "seed-2024" and row.algorithm == rules.ALGORITHM
    drawn = json.loads(row.drawn_json)
    assert len(drawn) == 4  # ceil(10 % of 40)
    assert tuple(drawn) == rules.draw(tuple(sorted(ids)), rules.check_ratio("10", "regular"),
                                      "seed-2024")
    inspectors = json.loads(row.inspectors_json)
    assert all(len(v) >= 2 for v in inspectors.values())
    assert {o for v in inspectors.values() for o in v} <= {c.actor.user_id for c in offs}
    # anyone can re-run it
    [result] = spot_checks.verify(ctx.db)
    assert result.plan_id == pid and result.reason is None
    # a tampered draw is caught
    with ctx.unit("test.op", subject=Subject("test", None)) as unit:
        r = unit.session.get(SpotCheckPlanRow, pid)
        r.drawn_json = json.dumps(sorted(set(ids) - set(drawn))[:4])
        unit.session.add(r)
    [result] = spot_checks.verify(ctx.db, pid)
    assert result.reason is not None and result.reason.code == "verify_draw"


def test_same_seed_same_draw_other_seed_other_draw(ctx, make_ctx):
    _registry(ctx)
    p = people(make_ctx)
    [make_ctx(f"officer{i}", Role.ENFORCEMENT, today=TODAY) for i in range(2)]
    drawn = []
    for seed in ("a", "a", "b"):
        pid = spot_checks.create_plan(p["reviewer"], 2024, "regular", "10")
        spot_checks.approve(p["approver"], pid)
        drawn.append(spot_checks.draw(p["reviewer"], pid, seed=seed).drawn)
    assert drawn[0] == drawn[1] != drawn[2]


def test_a_conflicted_inspector_is_never_drawn_for_that_organization(ctx, make_ctx):
    ids = _registry(ctx, 12)
    p = people(make_ctx)
    offs = [make_ctx(f"officer{i}", Role.ENFORCEMENT, today=TODAY) for i in range(3)]
    barred = offs[0].actor.user_id
    for seed in [f"s{i}" for i in range(4)]:
        pid = spot_checks.create_plan(p["reviewer"], 2024, "regular", "100")
        for oid in ids:  # every social group
            spot_checks.declare_conflict(offs[0], pid, barred, oid, "曾任该会理事")
        spot_checks.approve(p["approver"], pid)
        view = spot_checks.draw(p["reviewer"], pid, seed=seed)
        with ctx.db.read() as s:
            inspectors = json.loads(s.get(SpotCheckPlanRow, pid).inspectors_json)
        assert len(view.drawn) == 13  # the foundation too: no type filter
        assert all(barred not in v and len(v) == 2 for k, v in inspectors.items() if k in ids)
        assert len(inspectors) == 13
    assert all(r.reason is None for r in spot_checks.verify(ctx.db))


def test_too_few_eligible_inspectors_refuses_the_draw(ctx, make_ctx):
    [oid] = _registry(ctx, 1)
    p = people(make_ctx)
    offs = [make_ctx(f"officer{i}", Role.ENFORCEMENT, today=TODAY) for i in range(2)]
    pid = spot_checks.create_plan(p["reviewer"], 2024, "regular", "100")
    spot_checks.declare_conflict(offs[1], pid, offs[1].actor.user_id, oid, "亲属任职")
    spot_checks.approve(p["approver"], pid)
    with pytest.raises(ValidationFailed) as err:
        spot_checks.draw(p["reviewer"], pid, seed="x")
    assert reasons(err) == {"supervision.reason.not_enough_inspectors"}
    assert spot_checks.get_plan(p["reviewer"], pid).status == "approved"


def test_four_eyes_and_roles(ctx, make_ctx):
    p = people(make_ctx)
    with pytest.raises(PermissionDenied):
        spot_checks.create_plan(p["clerk"], 2024, "regular", "5")
    pid = spot_checks.create_plan(p["reviewer"], 2024, "regular", "5")
    both = make_ctx("both", Role.REVIEWER, Role.APPROVER, today=TODAY)
    pid2 = spot_checks.create_plan(both, 2024, "regular", "5")
    with pytest.raises(PermissionDenied):
        spot_checks.approve(both, pid2)  # the planner may not approve
    spot_checks.approve(p["approver"], pid)


def test_notice_results_rectification_and_publication(ctx, make_ctx):
    _registry(ctx, 20)
    pid, view, p, offs = _drawn_plan(ctx, make_ctx, ratio="10", seed="pub")
    numbers = spot_checks.notify(p["clerk"], pid)
    assert len(numbers) == 2 and all("社查" in n for n in numbers)
    plan = spot_checks.get_plan(p["reviewer"], pid)
    (a, _), (b, _) = plan.drawn
    with ctx.db.read() as s:
        inspectors = json.loads(s.get(SpotCheckPlanRow, pid).inspectors_json)
    by_id = {c.actor.user_id: c for c in offs}
    officer = by_id[inspectors[a][0]]
    # one inspector present is not enough (Art 7)
    with pytest.raises(ValidationFailed) as err:
        spot_checks.record_result(officer, pid, a, checked_on=TODAY,
                                  inspectors_present=inspectors[a][:1], items_checked=ITEMS,
                                  findings="", result="no_problem")
    assert "supervision.reason.result_inspectors_too_few" in reasons(err)
    spot_checks.record_result(officer, pid, a, checked_on=TODAY,
                              inspectors_present=inspectors[a], items_checked=ITEMS,
                              findings="", result="no_problem")
    with pytest.raises(ValidationFailed):
        spot_checks.finish(p["reviewer"], pid)  # b has no result yet
    rid = spot_checks.record_result(
        by_id[inspectors[b][0]], pid, b, checked_on=TODAY, inspectors_present=inspectors[b],
        items_checked=ITEMS, findings="财务凭证不全", result="rectification_ordered",
        rectify_items=["补齐2023年度会计凭证"], rectify_by=TODAY + timedelta(days=30))
    with ctx.db.read() as s:
        rec = s.get(SupervisionRecord, rid)
        rect_id = json.loads(rec.details_json)["rectification_id"]
        order = s.get(SupervisionRecord, rect_id)
        assert order.trigger == "spot_check" and order.due_on == TODAY + timedelta(days=30)
    assert rectification.load_order(p["reviewer"], rect_id).status == "ordered"
    spot_checks.finish(p["reviewer"], pid)
    spot_checks.publish(p["approver"], pid)
    rows = spot_checks.publication_list(p["clerk"], pid)
    assert [r.result for r in rows].count("责令限期整改") == 1
    assert any(r.rectification_due == TODAY + timedelta(days=30) for r in rows)
    # one audit event per write, each about the plan or the record
    with ctx.db.read() as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    for action in ("spot_check.plan", "spot_check.approve", "spot_check.draw",
                   "spot_check.notify", "spot_check.finish", "spot_check.publish"):
        assert actions.count(action) == 1, action
    assert actions.count("spot_check.record_result") == 2


def test_cli_spotcheck_verify_reproduces_every_recorded_draw(ctx, make_ctx, tmp_path, capsys,
                                                            db):
    from mca_tui import cli

    _registry(ctx, 30)
    pid, view, _p, _offs = _drawn_plan(ctx, make_ctx, seed="cli-seed")
    undrawn = spot_checks.create_plan(_p["reviewer"], 2024, "regular", "5")
    path = str(db.path or db.url)
    assert cli.main(["--db", path, "spotcheck", "verify"]) == 0
    out = capsys.readouterr().out
    assert "cli-seed" in out and "复现一致" in out and "不一致 0 个" in out
    assert undrawn[:12] not in out  # only drawn plans are verified
    assert cli.main(["--db", path, "spotcheck", "verify", pid, "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["ok"] and entry["seed"] == "cli-seed" and entry["drawn"] == len(view.drawn)
    # the frozen list changed after the draw: the hash no longer matches
    with ctx.unit("test.op", subject=Subject("test", None)) as unit:
        r = unit.session.get(SpotCheckPlanRow, pid)
        r.population_json = json.dumps(json.loads(r.population_json)[1:])
        unit.session.add(r)
    assert cli.main(["--db", path, "spotcheck", "verify"]) == 1
    assert "✗" in capsys.readouterr().out
    assert cli.main(["--db", path, "spotcheck", "verify", "nosuchplan"]) == 1
