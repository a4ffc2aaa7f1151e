"""A change of term (换届) recorded on the organization's record: the term and its leading
persons, and - for a social group or a foundation - the financial audit proposed in the
same unit with trigger ``change_of_term`` (离任审计, [S1] Art 27, [S3] Art 37), exactly as a
change of legal representative proposes its audit. A 民非's change of term proposes none
([S2] Art 22). The pending audit is not counted by the statistics until it is done."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from mca_tui.domain.enums import AuditTrigger, OrgType
from mca_tui.domain.supervision.term import Leader, leaders_from
from mca_tui.reports.stats import year_stats
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.services.registration import terms
from mca_tui.services.supervision import audits, interviews
from mca_tui.storage.models import AuditEvent, OrganizationPerson, SupervisionRecord
from tests.supervision.h10_helpers import TODAY, org, people, reasons

LEADERS = leaders_from("理事长", "林志强", ["黄美玲", "陈国华"], "郑小燕")


def test_a_change_of_term_proposes_the_departure_audit(ctx, make_ctx, settings):
    a = org(ctx, "海沧区茶文化研究会")
    p = people(make_ctx)
    result = terms.record_change_of_term(
        p["clerk"], a, term_number=3, elected_on=date(2024, 11, 20),
        ends_on=date(2029, 11, 19), leaders=LEADERS)
    assert result.audit_id and "第二十七条" in result.audit_article
    [view] = terms.terms_of(p["clerk"], a)
    assert (view.term_number, view.starts_on, view.filed_on) == (3, date(2024, 11, 20), TODAY)
    assert [(x.title, x.name) for x in view.leaders] == [
        ("理事长", "林志强"), ("副理事长", "黄美玲"), ("副理事长", "陈国华"), ("秘书长", "郑小燕")]
    [pending] = audits.pending(p["clerk"])
    assert pending.id == result.audit_id and pending.trigger is AuditTrigger.CHANGE_OF_TERM
    assert pending.required_on == TODAY and "第二十七条" in pending.article
    # one unit, one event about the term, naming the organization
    with ctx.db.read() as s:
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "term.record")).all()
        [row] = s.exec(select(SupervisionRecord)).all()
    assert event.organization_id == a and event.entity == "organization_term"
    assert row.trigger == "change_of_term" and row.completed_on is None
    from mca_tui.services.records import get_record

    assert "audit_required" in get_record(p["clerk"], a).flags  # the record says so
    # the pending audit is not an audit done: not counted, then counted once recorded
    assert year_stats(ctx.db, settings, 2024).financial_audit == 0
    audits.record_audit(p["clerk"], a, trigger="change_of_term", audited_on=TODAY,
                        auditor="厦门某会计师事务所", findings="", result="unqualified",
                        audit_id=result.audit_id)
    assert audits.pending(p["clerk"]) == []
    assert year_stats(ctx.db, settings, 2024).financial_audit == 1
    # the new leaders are the persons an interview names
    names = {(x.name, x.role.value) for x in interviews.candidates(p["clerk"], a)}
    assert ("林志强", "chair") in names and ("郑小燕", "secretary_general") in names


def test_the_next_term_ends_the_previous_leaders_and_keeps_one_pending_audit(ctx, make_ctx):
    a = org(ctx, "海沧慈善基金会", org_type=OrgType.FOUNDATION)
    p = people(make_ctx)
    first = terms.record_change_of_term(p["clerk"], a, elected_on=date(2019, 6, 1),
                                        ends_on=date(2024, 5, 31), leaders=LEADERS)
    assert "第三十七条" in first.audit_article
    second = terms.record_change_of_term(
        p["reviewer"], a, elected_on=date(2024, 6, 1), ends_on=date(2029, 5, 31),
        leaders=leaders_from("理事长", "王建新", [], ""))
    assert second.audit_id == first.audit_id  # still pending: one audit, not two
    with ctx.db.read() as s:
        links = s.exec(select(OrganizationPerson).where(
            OrganizationPerson.role == "leader")).all()
    current = [x for x in links if x.to_date is None]
    assert len(links) == 5 and [x.title for x in current] == ["理事长"]
    assert {x.to_date for x in links if x.to_date} == {date(2024, 6, 1)}


def test_a_private_non_enterprise_unit_records_its_term_without_an_audit(ctx, make_ctx):
    a = org(ctx, "海沧某幼儿园", org_type=OrgType.PRIVATE_NON_ENTERPRISE)
    result = terms.record_change_of_term(people(make_ctx)["clerk"], a,
                                         elected_on=date(2024, 9, 1), leaders=LEADERS)
    assert result.audit_id is None and result.audit_article == ""
    with ctx.db.read() as s:
        assert s.exec(select(SupervisionRecord)).all() == []


def test_refusals_name_each_field_and_write_nothing(ctx, make_ctx):
    a = org(ctx, "海沧慈善基金会", org_type=OrgType.FOUNDATION)
    p = people(make_ctx)
    with pytest.raises(ValidationFailed) as err:
        terms.record_change_of_term(
            p["clerk"], a, elected_on=date(2024, 12, 1), starts_on=date(2024, 11, 1),
            ends_on=date(2030, 12, 1), leaders=[Leader("秘书长", "郑小燕")])
    fields = {x.field for x in err.value.problems}
    assert fields == {"elected_on", "starts_on", "ends_on", "chair"}
    assert {"supervision.reason.term_elected_in_future",
            "supervision.reason.term_starts_before_election",
            "supervision.reason.term_too_long",
            "supervision.reason.term_no_chair"} <= reasons(err)
    # five years to the day is allowed for a foundation ([S3] Art 20), one more day is not
    terms.record_change_of_term(p["clerk"], a, elected_on=date(2024, 6, 1),
                                ends_on=date(2029, 6, 1), leaders=LEADERS)
    with pytest.raises(ValidationFailed):
        terms.record_change_of_term(p["clerk"], a, elected_on=date(2024, 6, 1),
                                    ends_on=date(2029, 6, 2), leaders=LEADERS)
    with pytest.raises(PermissionDenied):
        terms.record_change_of_term(p["approver"], a, elected_on=date(2024, 6, 1),
                                    leaders=LEADERS)
    with ctx.db.read() as s:
        assert len(s.exec(select(AuditEvent).where(
            AuditEvent.action == "term.record")).all()) == 1


def test_a_new_chair_who_is_not_the_legal_representative_is_pointed_out(ctx, make_ctx):
    a = org(ctx, "海沧区茶文化研究会", legal_rep_name="林志强")
    p = people(make_ctx)
    same = terms.record_change_of_term(p["clerk"], a, elected_on=date(2019, 3, 1),
                                       leaders=LEADERS)
    other = terms.record_change_of_term(p["clerk"], a, elected_on=date(2024, 3, 1),
                                        leaders=leaders_from("会长", "王建新", [], ""))
    assert not same.legal_rep_differs and other.legal_rep_differs


# --------------------------------------------------------------------------- the screen


@pytest.fixture
def make_app(db, settings):
    from mca_tui.ui.app import McaApp

    def make(**kw):
        return McaApp(kw.pop("settings", settings), lambda: db, today=lambda: TODAY, **kw)

    return make


async def test_a_clerk_records_a_change_of_term_from_the_record(make_app, ctx):
    from textual.widgets import DataTable, Input, Static

    from mca_tui.services import users
    from mca_tui.ui.screens.supervision_forms import SupervisionForm
    from mca_tui.ui.screens.supervision_org import OrgSupervisionScreen
    from tests.ui.conftest import settle, sign_in, type_text, wait_until

    def text(widget: Static) -> str:
        rendered = widget.render()
        return getattr(rendered, "plain", str(rendered))

    users.add_user(ctx, "clerk", "陈晓燕", "clerk-pass-1", ["clerk"])
    a = org(ctx, "海沧区茶文化研究会", legal_rep_name="林志强")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "clerk", "clerk-pass-1")
        app.open_record(a)
        await settle(app, pilot)
        await pilot.press("f8")  # the record's 监督管理
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen))
        await settle(app, pilot)
        await pilot.press("f11")
        await wait_until(pilot, lambda: isinstance(app.screen, SupervisionForm))
        form = app.screen
        form.query_one("#svf-elected_on", Input).value = "2024-11-20"
        form.query_one("#svf-ends_on", Input).value = "2029-11-19"
        await pilot.press("f9")  # no chair: refused under its field, the form stays
        await wait_until(pilot, lambda: text(form.query_one("#svf-problem-chair", Static)))
        assert form.query_one("#svf-ends_on", Input).value == "2029-11-19"
        form.query_one("#svf-chair", Input).focus()
        await type_text(pilot, "林志强")
        form.query_one("#svf-vice_chairs", Input).value = "黄美玲；陈国华"  # as an IME commits
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, OrgSupervisionScreen)
                         and app.screen.query_one(DataTable).row_count == 2)
        await settle(app, pilot)
        said = text(app.screen.query_one("#svo-status", Static))
        assert "离任审计" in said and "第二十七条" in said
        table = app.screen.query_one(DataTable)
        kinds = {str(table.get_row_at(i)[0]) for i in range(2)}
        assert kinds == {"换届", "财务审计"}
    [view] = terms.terms_of(ctx, a)
    assert [(x.title, x.name) for x in view.leaders] == [
        ("理事长", "林志强"), ("副理事长", "黄美玲"), ("副理事长", "陈国华")]
    [pending] = audits.pending(ctx)
    assert pending.trigger is AuditTrigger.CHANGE_OF_TERM
