"""Opening a record reads each kind of row once (a bounded number of queries, whatever
the number of cases and steps) and the newest events of its timeline, saying when older
ones were left out (issue 12: record.open_with_timeline)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from mca_tui.domain.enums import OrgType
from mca_tui.services import records
from mca_tui.services.organizations import insert_organization, update_organization
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import CaseStep, PenaltyCase


def _org(ctx, name="厦门市海沧区书法协会"):
    with ctx.unit("org.create", subject=Subject("test", None)) as unit:
        return insert_organization(unit, office_id=ctx.actor.office_id,
                                   org_type=OrgType.SOCIAL_GROUP, name=name,
                                   established_on=date(2019, 3, 1), domicile="海沧大道1号").id


def _change(ctx, oid, n):
    with ctx.unit("org.change", subject=Subject("organization", oid)) as unit:
        update_organization(unit, oid, {"domicile": f"沧林路{n}号"})


def test_the_newest_events_and_whether_older_ones_were_left_out(ctx):
    oid = _org(ctx)
    for n in range(1, 6):
        _change(ctx, oid, n)
    full = records.get_record(ctx, oid, timeline_limit=None)
    assert [e.action for e in full.timeline] == ["org.create"] + ["org.change"] * 5
    assert not full.timeline_more
    short = records.get_record(ctx, oid, timeline_limit=3)
    assert short.timeline == full.timeline[-3:]  # the newest three, oldest first
    assert short.timeline_more
    assert [c.after for c in short.timeline[-1].changes if c.field == "domicile"] == ["沧林路5号"]
    exact = records.get_record(ctx, oid, timeline_limit=6)
    assert exact.timeline == full.timeline and not exact.timeline_more
    assert records.get_record(ctx, oid).timeline == full.timeline  # default limit: all here


def _queries(ctx, oid) -> int:
    count = [0]

    def counter(*_args) -> None:
        count[0] += 1

    event.listen(ctx.db.engine, "before_cursor_execute", counter)
    try:
        records.get_record(ctx, oid)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", counter)
    return count[0]


def test_queries_do_not_grow_with_cases_steps_or_events(ctx):
    oid = _org(ctx)
    o = ctx.actor.office_id
    with ctx.unit("test.case", subject=Subject("test", None)) as unit:
        unit.session.add(PenaltyCase(id="case1", office_id=o, organization_id=oid,
                                     filed_on=date(2024, 8, 30)))
        unit.session.flush()
        unit.session.add(CaseStep(office_id=o, case_id="case1", step="filed", on_date=date(2024, 8, 30)))
    base = _queries(ctx, oid)
    with ctx.unit("test.case", subject=Subject("test", None)) as unit:
        for i in range(2, 6):
            unit.session.add(PenaltyCase(id=f"case{i}", office_id=o, organization_id=oid,
                                         filed_on=date(2024, 9, i)))
        unit.session.flush()
        for i in range(2, 6):
            for step in ("filed", "notice"):
                unit.session.add(CaseStep(office_id=o, case_id=f"case{i}", step=step,
                                          on_date=date(2024, 9, i)))
    for n in range(3):
        _change(ctx, oid, n)
    rec = records.get_record(ctx, oid)
    assert len(rec.cases) == 5 and sum(len(c.steps) for c in rec.cases) == 9
    assert _queries(ctx, oid) == base
