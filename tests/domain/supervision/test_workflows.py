"""The supervision transition tables: well formed, who may do what, four eyes, labels."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from enum import StrEnum

import pytest

from mca_tui.domain import enums
from mca_tui.domain.enums import Role
from mca_tui.domain.supervision import workflows as wf
from mca_tui.domain.workflow import NEW, Refusal
from mca_tui.i18n import catalog

CLERK, REVIEWER, APPROVER = {Role.CLERK}, {Role.REVIEWER}, {Role.APPROVER}


def test_every_state_reachable_and_every_action_named_after_its_area():
    for flow in wf.SUPERVISION_WORKFLOWS:
        reached = {NEW}
        for _ in flow.transitions:
            reached |= {t.to_state for t in flow.transitions if t.from_states & reached}
        assert set(flow.states) <= reached, flow.name
        assert any(t.main for t in flow.transitions), flow.name
    names = [a for flow in wf.SUPERVISION_WORKFLOWS for a in flow.actions]
    assert len(names) == len(set(names))
    from mca_tui.domain.registration import REGISTRATION
    assert not set(names) & set(REGISTRATION.actions)


def test_clerks_record_reviewers_conclude_approvers_decide():
    ar = wf.ANNUAL_REPORT
    assert ar.check("annual_report.receive", NEW, CLERK, "user:c").ok
    assert ar.check("annual_report.conclude", "received", CLERK, "user:c").refusal is Refusal.ROLE
    assert ar.check("annual_report.conclude", "received", REVIEWER, "user:r").ok
    ab = wf.ABNORMAL_LISTING
    assert ab.check("credit.abnormal.list", "proposed", REVIEWER, "user:r").refusal is Refusal.ROLE
    assert ab.check("credit.abnormal.list", "proposed", APPROVER, "user:a").ok
    assert ab.check("credit.abnormal.remove", "listed", APPROVER, "user:a").refusal is Refusal.WRONG_STATE
    assert ab.check("credit.abnormal.remove", "removal_verified", APPROVER, "user:a").ok
    ev = wf.EVALUATION
    assert ev.check("evaluation.cancel", "granted", REVIEWER, "user:r").refusal is Refusal.ROLE
    assert ev.check("evaluation.cancel", "granted", APPROVER, "user:a").ok
    sp = wf.SPOT_CHECK_PLAN
    assert sp.check("spot_check.record_result", "notified", {Role.ENFORCEMENT}, "user:e").ok
    assert sp.check("spot_check.draw", "draft", REVIEWER, "user:r").refusal is Refusal.WRONG_STATE


def test_four_eyes():
    both = {Role.CLERK, Role.REVIEWER, Role.APPROVER}
    history = {"annual_report.receive": frozenset({"user:x"})}
    verdict = wf.ANNUAL_REPORT.check("annual_report.conclude", "received", both, "user:x", history)
    assert verdict.refusal is Refusal.FOUR_EYES
    assert wf.ANNUAL_REPORT.check("annual_report.conclude", "received", both, "user:y", history).ok
    history = {"annual_report.resubmit": frozenset({"user:y"})}
    assert wf.ANNUAL_REPORT.check("annual_report.conclude", "received", both, "user:y",
                                  history).refusal is Refusal.FOUR_EYES
    history = {"credit.abnormal.propose": frozenset({"user:x"})}
    assert wf.ABNORMAL_LISTING.check("credit.abnormal.list", "proposed", both, "user:x",
                                     history).refusal is Refusal.FOUR_EYES
    history = {"rectification.report_completed": frozenset({"user:x"})}
    assert wf.RECTIFICATION.check("rectification.verify", "completed", both, "user:x",
                                  history).refusal is Refusal.FOUR_EYES
    history = {"spot_check.plan": frozenset({"user:x"})}
    assert wf.SPOT_CHECK_PLAN.check("spot_check.approve", "draft", both, "user:x",
                                    history).refusal is Refusal.FOUR_EYES


def test_terminal_states_offer_nothing():
    every = set(Role)
    for flow in wf.SUPERVISION_WORKFLOWS:
        for state in flow.terminal:
            assert flow.available(state, every, "user:a") == (), (flow.name, state)


def test_abnormal_listing_path_with_restart_and_promotion():
    ab = wf.ABNORMAL_LISTING
    assert ab.transition("credit.abnormal.add_ground").to_state == "listed"
    assert "abnormal_promotion" in ab.transition("credit.abnormal.add_ground").starts
    assert ab.transition("credit.abnormal.promote").to_state == "promoted"
    assert "abnormal_removal_verified" in ab.transition("credit.abnormal.verify_removal").starts
    assert "abnormal_removal_verified" in ab.transition("credit.abnormal.remove").stops
    se = wf.SERIOUS_LISTING
    assert se.check("credit.serious.remove_on_deregistration", "listed", APPROVER, "user:a").ok
    assert "promoted" not in se.states


def test_state_and_vocabulary_labels_in_both_languages():
    classes = [c for _, c in inspect.getmembers(wf, inspect.isclass)
               if issubclass(c, StrEnum) and c.__module__ == wf.__name__]
    from mca_tui.domain.supervision.rectification import InterviewOutcome

    classes += [InterviewOutcome, enums.AnnualReportMode, enums.AnnualReportStatus, enums.AbnormalListGround,
                enums.SeriousListGround, enums.RectificationSource, enums.AuditTrigger,
                enums.InterviewRole, enums.SpotCheckKind, enums.EvaluationGrade]
    assert len(classes) >= 14
    for cls in classes:
        for member in cls:
            for lang in ("zh", "en"):
                assert f"enum.{cls.__name__}.{member.value}" in catalog(lang), (cls, member, lang)


def test_every_reason_code_has_a_message():
    import re
    from pathlib import Path

    import mca_tui.domain.supervision as pkg

    codes: set[str] = set()
    for path in Path(pkg.__file__).parent.glob("*.py"):
        codes |= set(re.findall(r"""(?:Reason|refuse)\(\s*["']([a-z_]+)["']""", path.read_text("utf-8")))
    assert len(codes) > 40
    for lang in ("zh", "en"):
        missing = sorted(c for c in codes if f"supervision.reason.{c}" not in catalog(lang))
        assert not missing, (lang, missing)


@pytest.mark.parametrize("module", ["annual_report", "credit_list", "rectification", "spot_check",
                                    "evaluation", "workflows", "common"])
def test_modules_import(module):
    importlib.import_module(f"mca_tui.domain.supervision.{module}")


def test_supervision_stays_pure():
    code = (
        "import sys, importlib, pkgutil, mca_tui.domain.supervision as s\n"
        "for info in pkgutil.iter_modules(s.__path__):\n"
        "    importlib.import_module('mca_tui.domain.supervision.' + info.name)\n"
        "print(','.join(m for m in ('sqlalchemy', 'sqlmodel', 'textual', 'rich') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
