"""Batch: a preview of five candidates writes nothing; running it opens every case with
its first-step documents in its own units; a failure on one stops none of the others and
is reported by name (issue 11, Batch)."""

from __future__ import annotations

from datetime import date

from sqlmodel import func, select

from mca_tui.domain.enums import ServiceMethod
from mca_tui.services import dormancy, revocation
from mca_tui.services.errors import ServiceError
from mca_tui.storage.models import AuditEvent, IssuedDocument, PenaltyCase
from tests.revocation.conftest import add_org, at, good_years

D = date.fromisoformat
DAY = D("2026-03-02")


def _count(db, model) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _five(ctx) -> list[str]:
    ids = [add_org(ctx, f"厦门市海沧区沉睡协会{i}", reports=good_years(2016, 2022))
           for i in range(5)]
    # the last one answered a letter recently: it can be served in person
    dormancy.record_contact(at(ctx, D("2026-02-27")), ids[-1], kind="registered_letter",
                            on=D("2026-02-20"), fate="reached", fate_on=D("2026-02-25"))
    return ids


def test_preview_of_five_writes_nothing(ctx, db, people, officers):
    ids = _five(ctx)
    events, docs, cases = (_count(db, AuditEvent), _count(db, IssuedDocument),
                           _count(db, PenaltyCase))
    previews = revocation.preview_batch(at(people["officer1"], DAY), ids, DAY)
    assert (_count(db, AuditEvent), _count(db, IssuedDocument), _count(db, PenaltyCase)) == (
        events, docs, cases)
    assert [p.candidate.organization_id for p in previews] == ids
    assert all(p.opens_case for p in previews)
    announced = previews[0]
    assert announced.service_method is ServiceMethod.ANNOUNCEMENT
    assert [d.kind for d in announced.documents] == ["case_filing", "advance_notice",
                                                     "service_announcement"]
    assert announced.notice_effective_on == D("2026-04-01")
    assert announced.decision_due == D("2026-05-31") or announced.decision_due >= D(
        "2026-05-31")
    in_person = previews[-1]
    assert in_person.service_method is ServiceMethod.IN_PERSON
    assert [d.kind for d in in_person.documents] == ["case_filing", "advance_notice"]


def test_batch_opens_every_case_and_reports_a_failure_by_name(ctx, db, people, officers,
                                                              monkeypatch):
    ids = _five(ctx)
    officer = at(people["officer1"], DAY)
    real = revocation.open_case

    def flaky(c, organization_id, **kw):  # noqa: ANN001, ANN003
        if organization_id == ids[2]:
            raise ServiceError("case.refusal.case_open")
        return real(c, organization_id, **kw)

    monkeypatch.setattr(revocation.batch, "open_case", flaky)  # the batch calls it there
    outcomes = revocation.run_batch(officer, ids, DAY, officers=officers, lang="zh")
    assert [o.ok for o in outcomes] == [True, True, False, True, True]
    failed = outcomes[2]
    assert failed.name == "厦门市海沧区沉睡协会2" and "未结案件" in failed.error
    assert len(outcomes[0].documents) == 3  # 立案审批表, 事先告知书, 送达公告
    assert len(outcomes[4].documents) == 2  # served in person later: no announcement
    with db.read() as s:
        cases = list(s.exec(select(PenaltyCase)))
        assert len(cases) == 4
        # each case its own audit events: file, evidence, notice (and the announcement)
        for case in cases:
            n = s.exec(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action.like("penalty_case.%"),
                AuditEvent.entity_id == case.id)).one()
            assert n in (3, 4)
    # each case keeps its own clocks
    view = revocation.case_view(ctx, outcomes[0].case_id, DAY)
    assert view.clocks.notice_served_on == D("2026-04-01")
    assert [s for s, _, _ in view.steps] == ["file", "evidence", "issue_notice", "serve_notice"]
    assert dormancy.count_candidates(ctx, DAY) == 1  # only the failed one is left
