"""The home count of open revocation cases is the length of their list: a case carried
through (decided, served, published, custody settled, listed, revoked) is in neither,
a decided case still under way and an open one are in both (issue 12: the count reads
only the decided cases' facts)."""

from __future__ import annotations

from datetime import date

from mca_tui.domain.casework import CustodyRecord
from mca_tui.domain.enums import CaseStepKind as K
from mca_tui.domain.enums import CustodyItem, CustodyOutcome, ServiceMethod
from mca_tui.services import queues, revocation
from mca_tui.services.revocation import StepData
from tests.revocation.conftest import add_org, at, good_years
from tests.revocation.test_case import _notice_served, _open

D = date.fromisoformat


def _decide(people, case_id, day):
    approver, reviewer = people["approver"], people["reviewer"]
    revocation.take_step(at(approver, day), case_id, K.COLLECTIVE_DISCUSSION, on=day,
                         data=StepData(note="集体讨论"))
    revocation.take_step(at(reviewer, day), case_id, K.LEGAL_REVIEW, on=day,
                         data=StepData(note="法制审核"))
    revocation.take_step(at(approver, day), case_id, K.DECIDE, on=day)


def test_count_equals_the_list_with_complete_decided_and_open_cases(ctx, people, officers):
    done = _open(people, officers, add_org(ctx, "海沧区甲协会", reports=good_years(2016, 2022)))
    decided = _open(people, officers, add_org(ctx, "海沧区乙协会",
                                              reports=good_years(2016, 2022)))
    _open(people, officers, add_org(ctx, "海沧区丙协会", reports=good_years(2016, 2022)))
    for case_id in (done, decided):
        _notice_served(people, case_id)
        _decide(people, case_id, D("2026-02-26"))
    o1, approver = people["officer1"], people["approver"]
    d2, d3 = D("2026-02-27"), D("2026-03-02")
    revocation.take_step(at(o1, d2), done, K.SERVE_DECISION, on=d2,
                         data=StepData(method=ServiceMethod.POST, sent_on=d2, served_on=d2))
    revocation.take_step(at(o1, d2), done, K.PUBLISH, on=d2)
    records = tuple(CustodyRecord(i, CustodyOutcome.VOID_ANNOUNCED, d3) for i in CustodyItem)
    revocation.take_step(at(o1, d3), done, K.CUSTODY, on=d3, data=StepData(custody=records))
    revocation.take_step(at(approver, d3), done, K.SERIOUS_LIST, on=d3)
    assert revocation.take_step(at(approver, d3), done, K.REVOKE, on=d3).complete
    day = D("2026-03-03")
    ctx_day = at(approver, day)
    items = queues.items(ctx_day, "revocation_cases", day)
    assert {i.name for i in items} == {"海沧区乙协会", "海沧区丙协会"}
    assert {s.id: s.count for s in queues.summaries(ctx_day, day)}["revocation_cases"] == 2
    # the carried-through case is still open (decided) until closed: the count left it out
    assert revocation.case_view(ctx_day, done, day).status in ("open", "decided")
