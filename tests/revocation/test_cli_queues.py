"""``mca-tui dormant`` and the home queues of revocation cases and dormant candidates."""

from __future__ import annotations

import json
from datetime import date

from mca_tui.domain.enums import CaseStepKind as K
from mca_tui.domain.enums import ServiceMethod
from mca_tui.services import queues, revocation
from mca_tui.services.revocation import StepData
from tests.revocation.conftest import add_org, at, good_years

D = date.fromisoformat


def test_dormant_json_lists_each_candidate_with_signals_and_exclusions(ctx, capsys, people,
                                                                       officers):
    from mca_tui.cli import main

    a = add_org(ctx, "连续未报协会", reports=good_years(2016, 2022))
    b = add_org(ctx, "已立案未报协会", reports=good_years(2016, 2022))
    add_org(ctx, "按时年报协会", reports=good_years(2016, 2024))
    revocation.open_case(at(people["officer1"], D("2025-07-01")), b, filed_on=D("2025-07-01"),
                         officers=officers)
    args = ["--db", str(ctx.db.path or ctx.db.url), "dormant", "--as-of", "2025-07-02"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2025-07-02" and out["count"] == 1
    by_name = {c["name"]: c for c in out["candidates"]}
    assert set(by_name) == {"连续未报协会", "已立案未报协会"}
    first = by_name["连续未报协会"]
    assert first["uscc"] and first["exclusions"] == []
    assert first["signals"][0]["kind"] == "no_report_two_years"
    assert first["signals"][0]["evidence"]["years"] == [2023, 2024]
    assert "第三十条" in first["signals"][0]["article"]
    assert [e["kind"] for e in by_name["已立案未报协会"]["exclusions"]] == ["case_open"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "连续未报协会" in text and "已立案" in text
    assert a
    assert main([*args[:-1], "June"]) == 2  # not a date: said, nothing listed
    assert "June" in capsys.readouterr().out


def test_home_queues_show_the_case_clocks_and_the_candidates(ctx, people, officers):
    org = add_org(ctx, "厦门市海沧区沉睡协会", reports=good_years(2016, 2022))
    add_org(ctx, "另一沉睡协会", reports=good_years(2016, 2022))
    o1 = people["officer1"]
    day = D("2026-02-09")
    assert queues.items(at(o1, day), "dormant_candidates", day)[0].name in (
        "厦门市海沧区沉睡协会", "另一沉睡协会")
    case_id = revocation.open_case(at(o1, day), org, filed_on=day, officers=officers)
    revocation.take_step(at(o1, day), case_id, K.EVIDENCE, on=day, data=StepData(note="截图"))
    revocation.take_step(at(o1, day), case_id, K.ISSUE_NOTICE, on=day)
    served = D("2026-02-11")
    revocation.take_step(at(o1, served), case_id, K.SERVE_NOTICE, on=served,
                         data=StepData(method=ServiceMethod.IN_PERSON, served_on=served))
    items = queues.items(at(o1, served), "revocation_cases", served)
    assert [i.name for i in items] == ["厦门市海沧区沉睡协会"]
    assert items[0].due == D("2026-05-11")  # the office's 90-day decision clock
    assert items[0].subject == "queue.subject.case_decision"
    summary = {s.id: s.count for s in queues.summaries(at(o1, served), served)}
    assert summary["revocation_cases"] == 1 and summary["dormant_candidates"] == 1
    # the approver sees the case, the clerk does not
    assert "revocation_cases" not in queues.visible_queues(people["clerk"])
    assert queues.items(at(people["approver"], served), "revocation_cases", served)
