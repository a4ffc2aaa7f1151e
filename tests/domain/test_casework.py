"""Shared casework pieces: service of documents, custody, remedy periods; the catalog keys
and labels of the deregistration, dormancy and penalty-case modules; their purity."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from mca_tui.domain import casework as cw
from mca_tui.domain.calendar import WorkingCalendar
from mca_tui.domain.enums import (
    CaseStepKind,
    ContactFate,
    ContactKind,
    CustodyItem,
    CustodyOutcome,
    DeregistrationMaterial,
    DeregistrationTrigger,
    DormancyExclusion,
    DormancySignal,
    ServiceMethod,
)
from mca_tui.domain.params import LegalParams
from mca_tui.i18n import catalog, label

D = date.fromisoformat
DOMAIN = Path(cw.__file__).parent
MODULES = ("casework.py", "deregistration.py", "dormancy.py", "penalty_case.py")


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def test_service_effective_by_method(cal):
    person = cw.ServiceFacts(ServiceMethod.IN_PERSON, served_on=D("2026-03-02"))
    assert cw.service_effective_on(person, cal) == D("2026-03-02")
    returned = cw.ServiceFacts(ServiceMethod.POST, sent_on=D("2026-03-02"), returned=True)
    assert cw.service_effective_on(returned, cal) is None
    e_mail = cw.ServiceFacts(ServiceMethod.ELECTRONIC, served_on=D("2026-03-02"))
    assert cw.service_effective_on(e_mail, cal) is None
    consented = cw.ServiceFacts(ServiceMethod.ELECTRONIC, served_on=D("2026-03-02"),
                                consented=True)
    assert cw.service_effective_on(consented, cal) == D("2026-03-02")
    ann = cw.ServiceFacts(ServiceMethod.ANNOUNCEMENT, published_on=D("2026-01-16"),
                          other_methods_failed=True)
    assert cw.service_effective_on(ann, cal) == D("2026-02-24")
    assert cw.service_effective_on(ann, cal, LegalParams(announcement_service_days=60)) == (
        D("2026-03-17"))
    assert cw.first_effective_service([returned, ann, person], cal) == D("2026-02-24")
    assert cw.first_effective_service([returned], cal) is None


def test_custody_needs_a_record_for_every_item():
    assert cw.custody_status(()).outstanding == tuple(CustodyItem)
    full = [cw.CustodyRecord(i, CustodyOutcome.COLLECTED, D("2026-01-02")) for i in CustodyItem]
    assert cw.custody_status(full).complete
    undated = full[:-1] + [cw.CustodyRecord(CustodyItem.FINANCIAL_VOUCHERS,
                                            CustodyOutcome.VOID_ANNOUNCED)]
    assert cw.custody_status(undated).outstanding == (CustodyItem.FINANCIAL_VOUCHERS,)


def test_remedy_periods_roll_off_rest_days(cal):
    r = cw.remedy_periods(D("2026-08-05"), cal)
    assert r.reconsideration.due == D("2026-10-08")  # 10-04 falls in National Day
    assert r.reconsideration.rolled_from == D("2026-10-04")
    assert r.lawsuit.due == D("2027-02-05")
    assert r.lawsuit.provisional  # 2027 holidays are not known yet
    assert r.reconsideration.rule_text("zh") == "知道该行政行为之日起60日内申请行政复议"


def test_refusal_message_and_article():
    r = cw.LegalRefusal("case.refusal.closed", "《行政处罚法》第五十七条", {"date": D("2026-02-26")})
    assert r.message("zh") == "案件已于2026-02-26结案，所有期限已停止，不能再办理。"
    assert r.describe("en").endswith("(basis: 《行政处罚法》第五十七条)")


# -- catalog --------------------------------------------------------------------------------

_KEY = re.compile(r'"((?:case|dereg)\.[a-z_]+(?:\.[a-z_]+)+)"')


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for name in MODULES:
        keys |= set(_KEY.findall((DOMAIN / name).read_text(encoding="utf-8")))
    return keys


def test_used_keys_found():
    keys = _used_keys()
    assert "case.refusal.window_open" in keys and "dereg.refusal.trigger" in keys
    assert len(keys) > 40


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_key_used_exists(lang):
    missing = sorted(k for k in _used_keys() if k not in catalog(lang))
    assert missing == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_new_enum_member_has_a_label(lang):
    for enum in (DeregistrationTrigger, DeregistrationMaterial, CustodyItem, CustodyOutcome,
                 DormancySignal, DormancyExclusion, ContactKind, ContactFate, CaseStepKind):
        for member in enum:
            text = label(member, lang)
            assert not text.startswith("enum."), member


def test_dated_refusals_pass_the_placeholders_their_text_uses():
    """Every refusal built with ``date=`` has {date} in its text, and the reverse."""
    zh = catalog("zh")
    src = "".join((DOMAIN / n).read_text(encoding="utf-8") for n in MODULES)
    for key in _used_keys():
        if not key.startswith(("case.refusal.", "dereg.refusal.")) or key.endswith("with_article"):
            continue
        calls = [re.split(r"LegalRefusal\(|_r\(|\n\s*(?:return|if) ", src[m.end():m.end() + 200])[0]
                 for m in re.finditer(re.escape(f'"{key}"'), src)]
        if not calls:
            continue
        uses_date = "{date}" in zh[key]
        passes_date = any(re.search(r"\bdate=|\"date\"", c) for c in calls)
        assert uses_date == passes_date, key


def test_modules_are_pure():
    code = (
        "import sys\n"
        "import mca_tui.domain.deregistration, mca_tui.domain.dormancy\n"
        "import mca_tui.domain.penalty_case\n"
        "bad = [m for m in ('sqlalchemy', 'sqlmodel', 'textual', 'rich') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_workflow_actions_do_not_clash_with_other_workflows():
    """permissions.WORKFLOWS refuses an action declared twice: ours must be unique."""
    from mca_tui.domain import permissions
    from mca_tui.domain.deregistration import DEREGISTRATION
    from mca_tui.domain.penalty_case import PENALTY_CASE

    ours = set(DEREGISTRATION.actions) | set(PENALTY_CASE.actions)
    assert len(ours) == len(DEREGISTRATION.actions) + len(PENALTY_CASE.actions)
    others = {a for wf in permissions.WORKFLOWS if wf not in (DEREGISTRATION, PENALTY_CASE)
              for a in wf.actions} | set(permissions._OTHER)
    assert not ours & others
