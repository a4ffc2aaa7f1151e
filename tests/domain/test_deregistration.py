"""Deregistration: triggers by type, the liquidation body, the checklist and what is missing,
the 15-day flag, the 20(+10)-working-day decision, custody of every item, the workflow."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mca_tui.domain import deregistration as dr
from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.casework import CustodyRecord
from mca_tui.domain.enums import (
    ApplicationStatus as S,
)
from mca_tui.domain.enums import (
    CustodyItem,
    CustodyOutcome,
    OrgType,
    Role,
)
from mca_tui.domain.enums import (
    DeregistrationMaterial as M,
)
from mca_tui.domain.enums import (
    DeregistrationTrigger as T,
)
from mca_tui.domain.workflow import Refusal, actor_key

D = date.fromisoformat
ALL = frozenset(M)
LIQ = dr.Liquidation(formed_on=D("2025-06-01"), members=("张三", "李四"),
                     guided_by="区教育局", ended_on=D("2025-09-20"))


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def _file(**kw) -> dr.DeregistrationFacts:
    kw.setdefault("org_type", OrgType.SOCIAL_GROUP)
    kw.setdefault("trigger", T.SELF_DISSOLUTION)
    kw.setdefault("liquidation", LIQ)
    kw.setdefault("materials", ALL)
    kw.setdefault("applied_on", D("2025-09-25"))
    return dr.DeregistrationFacts(**kw)


def test_triggers_by_type_name_their_article():
    assert T.PURPOSE_ACHIEVED in dr.triggers_for(OrgType.SOCIAL_GROUP)
    assert T.PURPOSE_ACHIEVED not in dr.triggers_for(OrgType.PRIVATE_NON_ENTERPRISE)
    assert T.CANNOT_CONTINUE in dr.triggers_for(OrgType.FOUNDATION)
    assert T.SELF_DISSOLUTION not in dr.triggers_for(OrgType.FOUNDATION)
    assert dr.trigger_article(OrgType.SOCIAL_GROUP, T.SELF_DISSOLUTION).endswith("第十九条")
    assert dr.trigger_article(OrgType.PRIVATE_NON_ENTERPRISE, T.OTHER).endswith("第十六条")


def test_accept_refuses_a_trigger_the_type_does_not_list(cal):
    f = _file(org_type=OrgType.PRIVATE_NON_ENTERPRISE, trigger=T.PURPOSE_ACHIEVED)
    r = dr.refusal("deregistration.accept", f, D("2025-09-25"), cal)
    assert r.key == "dereg.refusal.trigger" and "民办非企业单位" in r.article
    assert dr.refusal("deregistration.accept", _file(), D("2025-09-25"), cal) is None


def test_checklist_and_what_is_missing():
    f = _file(materials=frozenset({M.APPLICATION, M.BANK_CLOSURE}))
    missing = dr.missing_materials(f)
    assert [m.material for m in missing] == [
        M.SUPERVISORY_DOCUMENT, M.LIQUIDATION_REPORT,
        M.CREDITOR_NOTICE, M.LIQUIDATION_AUDIT, M.TAX_CLOSURE]
    assert [m.statutory for m in missing] == [True, True, False, False, False]
    assert missing[0].article.endswith("第二十一条")
    assert not dr.statutory_complete(f)
    direct = replace(f, direct_registration=True)
    assert M.SUPERVISORY_DOCUMENT not in {m.material for m in dr.required_materials(direct)}
    practice_only = _file(materials=frozenset({M.APPLICATION, M.SUPERVISORY_DOCUMENT,
                                               M.LIQUIDATION_REPORT}))
    assert dr.statutory_complete(practice_only)
    assert len(dr.missing_materials(practice_only)) == 4


def test_accept_refuses_missing_statutory_materials_and_unfinished_liquidation(cal):
    f = _file(materials=frozenset({M.APPLICATION}))
    r = dr.refusal("deregistration.accept", f, D("2025-09-25"), cal)
    assert r.key == "dereg.refusal.materials_missing" and r.params == {"count": 2}
    assert "2" in r.message("en")
    open_liq = _file(liquidation=replace(LIQ, ended_on=None))
    assert dr.refusal("deregistration.accept", open_liq, D("2025-09-25"), cal).key == (
        "dereg.refusal.liquidation_not_ended")
    no_body = _file(liquidation=replace(LIQ, members=()))
    assert dr.refusal("deregistration.accept", no_body, D("2025-09-25"), cal).key == (
        "dereg.refusal.no_liquidation_body")
    backwards = _file(liquidation=replace(LIQ, ended_on=D("2025-05-01")))
    problems = dr.liquidation_problems(backwards)
    assert [p.key for p in problems] == ["dereg.refusal.liquidation_ends_before_formed"]
    early = _file(applied_on=D("2025-09-19"))
    assert dr.refusal("deregistration.accept", early, D("2025-09-19"), cal).key == (
        "dereg.refusal.applied_before_liquidation_end")


def test_fifteen_day_flag_across_national_day_2025(cal):
    # liquidation ended 2025-09-20: +15 days = Sun 10-05 (National Day) -> Thu 10-09
    dl = dr.application_deadline(_file(), cal)
    assert dl.due == D("2025-10-09") and dl.rolled_from == D("2025-10-05")
    assert not dr.is_late(_file(applied_on=D("2025-10-09")), cal)
    late = _file(applied_on=D("2025-10-10"))
    assert dr.is_late(late, cal)
    assert dr.findings(late, cal).late
    # a late application is flagged, not refused
    assert dr.refusal("deregistration.accept", late, D("2025-10-10"), cal) is None
    assert dr.application_deadline(_file(liquidation=replace(LIQ, ended_on=None)), cal) is None


def test_decision_20_working_days_and_the_recorded_extension(cal):
    f = _file(accepted_on=D("2026-02-10"))
    clock = dr.decision_clock(f, cal)
    assert clock.due == D("2026-03-16")  # across Spring Festival 2026 with two make-up Saturdays
    assert "第四十二条" in clock.article
    ext = dr.Extension(D("2026-03-16"), "u-head", "需征求业务主管单位意见")
    assert dr.refusal("deregistration.extend", f, D("2026-03-16"), cal, extension=ext) is None
    extended = replace(f, extension=ext)
    assert dr.decision_clock(extended, cal).due == D("2026-03-30")
    assert dr.refusal("deregistration.extend_after_review", extended, D("2026-03-17"), cal,
                      extension=ext).key == "dereg.refusal.extended_once"
    no_reason = replace(ext, reason=" ")
    assert dr.refusal("deregistration.extend", f, D("2026-03-16"), cal,
                      extension=no_reason).key == "dereg.refusal.extension_reason"
    too_late = replace(ext, approved_on=D("2026-03-17"))
    r = dr.refusal("deregistration.extend", f, D("2026-03-17"), cal, extension=too_late)
    assert r.key == "dereg.refusal.extension_too_late" and r.params["date"] == D("2026-03-16")
    assert dr.decision_clock(_file(), cal) is None


def test_decision_not_before_acceptance_nor_with_missing_materials(cal):
    assert dr.refusal("deregistration.approve", _file(), D("2025-10-01"), cal).key == (
        "dereg.refusal.not_accepted")
    f = _file(accepted_on=D("2025-09-26"))
    assert dr.refusal("deregistration.approve", f, D("2025-09-25"), cal).key == (
        "dereg.refusal.before_acceptance")
    assert dr.refusal("deregistration.approve", f, D("2025-10-10"), cal) is None
    lacking = replace(f, materials=frozenset({M.APPLICATION}))
    assert dr.refusal("deregistration.approve", lacking, D("2025-10-10"), cal).key == (
        "dereg.refusal.materials_missing")
    assert dr.refusal("deregistration.refuse", lacking, D("2025-10-10"), cal) is None


def _approved(**kw):
    return _file(accepted_on=D("2025-09-26"), decided_on=D("2025-10-15"), approved=True, **kw)


def test_custody_complete_only_when_every_item_is_collected_or_void(cal):
    f = _approved()
    assert not dr.findings(f, cal).custody.complete
    assert set(dr.findings(f, cal).custody.outstanding) == set(CustodyItem)
    records = (
        CustodyRecord(CustodyItem.CERTIFICATE_ORIGINAL, CustodyOutcome.COLLECTED, D("2025-10-16")),
        CustodyRecord(CustodyItem.CERTIFICATE_DUPLICATE, CustodyOutcome.VOID_ANNOUNCED,
                      D("2025-10-20")),
        CustodyRecord(CustodyItem.SEALS, CustodyOutcome.COLLECTED, D("2025-10-16"), "公章"),
        CustodyRecord(CustodyItem.SEALS, CustodyOutcome.PENDING, None, "财务专用章"),
        CustodyRecord(CustodyItem.FINANCIAL_VOUCHERS, CustodyOutcome.COLLECTED, D("2025-10-16")),
    )
    status = dr.findings(replace(f, custody=records), cal).custody
    assert not status.complete and status.outstanding == (CustodyItem.SEALS,)
    settled = records[:3] + (replace(records[3], outcome=CustodyOutcome.VOID_ANNOUNCED,
                                     on=D("2025-10-20")),) + records[4:]
    done = replace(f, custody=settled)
    status = dr.findings(done, cal).custody
    assert status.complete and status.settled_on == D("2025-10-20")
    assert not dr.is_complete(done)  # not yet announced
    assert dr.is_complete(replace(done, announced_on=D("2025-10-21")))


def test_custody_and_announcement_come_after_the_approval(cal):
    early = CustodyRecord(CustodyItem.SEALS, CustodyOutcome.COLLECTED, D("2025-10-14"))
    r = dr.refusal("deregistration.custody", _approved(), D("2025-10-14"), cal, custody=early)
    assert r.key == "case.refusal.custody_before_decision"
    undated = CustodyRecord(CustodyItem.SEALS, CustodyOutcome.COLLECTED, None)
    assert dr.refusal("deregistration.custody", _approved(), D("2025-10-16"), cal,
                      custody=undated).key == "case.refusal.custody_date_missing"
    pending = _file(accepted_on=D("2025-09-26"))
    assert dr.refusal("deregistration.custody", pending, D("2025-10-16"), cal,
                      custody=early).key == "dereg.refusal.not_approved"
    assert dr.refusal("deregistration.announce", pending, D("2025-10-16"), cal).key == (
        "dereg.refusal.not_approved")
    assert dr.refusal("deregistration.announce", _approved(), D("2025-10-16"), cal) is None


def test_workflow_table_four_eyes_and_offers(cal):
    wf = dr.DEREGISTRATION
    assert all(a.startswith("deregistration.") for a in wf.actions)
    clerk = actor_key("u-clerk", "clerk")
    history = {"deregistration.accept": frozenset({clerk})}
    v = wf.check("deregistration.approve", S.REVIEWED.value, {Role.APPROVER, Role.CLERK},
                 clerk, history)
    assert v.refusal is Refusal.FOUR_EYES
    head = actor_key("u-head", "head")
    assert wf.check("deregistration.approve", S.REVIEWED.value, {Role.APPROVER}, head,
                    history).ok
    assert wf.check("deregistration.custody", S.APPROVED.value, {Role.CLERK}, clerk).ok
    assert not wf.check("deregistration.custody", S.REFUSED.value, {Role.CLERK}, clerk).ok
    offered = {t.action for t in dr.offered(_approved(), S.APPROVED.value, {Role.CLERK},
                                            clerk, history, D("2025-10-16"), cal)}
    assert offered == {"deregistration.custody", "deregistration.announce"}
    f = _file(accepted_on=D("2025-09-26"), materials=frozenset({M.APPLICATION}))
    offered = {t.action for t in dr.offered(f, S.REVIEWED.value, {Role.APPROVER}, head,
                                            history, D("2025-10-10"), cal)}
    # approval is not offered while statutory materials are missing; refusal is
    assert "deregistration.approve" not in offered
    assert "deregistration.refuse" in offered


def test_extension_is_offered_only_while_the_20_days_run(cal):
    head = actor_key("u-head", "head")
    f = _file(accepted_on=D("2026-02-10"))
    def actions(on):
        return {t.action for t in dr.offered(f, S.ACCEPTED.value, {Role.APPROVER}, head, {},
                                              D(on), cal)}
    assert "deregistration.extend" in actions("2026-03-16")
    assert "deregistration.extend" not in actions("2026-03-17")
    extended = replace(f, extension=dr.Extension(D("2026-03-01"), head, "理由"))
    assert "deregistration.extend" not in {
        t.action for t in dr.offered(extended, S.ACCEPTED.value, {Role.APPROVER}, head, {},
                                     D("2026-03-02"), cal)}
