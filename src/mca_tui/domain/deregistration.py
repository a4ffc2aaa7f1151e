"""Deregistration (注销登记, domain.md §3, §10.1, §10.3) as pure rules.

What is here:
- the triggers each organization type may give ([S1] Art 19, [S2] Art 16, [S3] Art 16),
  plus liquidation after revocation (domain.md §3, PRACTICE [S27]);
- the liquidation body and its dates ([S1] Art 20, [S2] Art 16 ¶2, [S3] Art 18);
- the checklist of materials and what is missing: the statutory three ([S1] Art 21,
  [S2] Art 17) and the four of local practice (creditor notice, liquidation audit, bank and
  tax closure — PRACTICE, domain.md §3);
- the 15-day application deadline after liquidation ends and the late flag
  (``clocks.deregistration_deadline``; domain.md §10.3);
- the decision within 20 working days of acceptance, 30 with the head's recorded approval
  (行政许可法 Art 42; ``clocks.deregistration_decision_deadline``);
- custody of certificate 正本 and 副本, seals and financial vouchers, each collected or
  declared void by announcement (``domain.casework.custody_status``);
- the transition table :data:`DEREGISTRATION` in the form of ``domain.workflow``.

How the next layers use it: a deregistration is an ``Application`` of kind
``deregistration`` (its ``form_json`` keeps the trigger, the liquidation body, the
materials received, the extension and the custody records). The service reads that row
into :class:`DeregistrationFacts`, asks ``DEREGISTRATION.check(...)`` for state, role and
four eyes, then :func:`refusal` for the dated and material rules, and refuses with the
returned :class:`~mca_tui.domain.casework.LegalRefusal` (nothing written). The screen
calls the same two functions to decide which keys to offer and shows :func:`findings`
(what is missing, the late flag) and :func:`decision_clock`. On approval the service sets
the organization to 已注销 (it stays in the registry, searchable and marked); the file is
complete (:func:`is_complete`) when the custody of every item is settled and the
announcement is published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mca_tui.domain import clocks
from mca_tui.domain.calendar import Deadline, WorkingCalendar
from mca_tui.domain.casework import (
    CustodyRecord,
    CustodyStatus,
    LegalRefusal,
    check_custody_record,
    custody_status,
)
from mca_tui.domain.enums import (
    ApplicationStatus,
    CustodyItem,
    CustodyOutcome,
    DeregistrationMaterial,
    DeregistrationTrigger,
    OrgType,
    Role,
)
from mca_tui.domain.params import LegalParams
from mca_tui.domain.workflow import NEW, FourEyes, Transition, Workflow

_DEFAULT_PARAMS = LegalParams()

S1, S2, S3 = clocks.S1, clocks.S2, clocks.S3
LICENSING_LAW = clocks.LICENSING_LAW
_PRACTICE = "地方实践（domain.md §3：四平2022、云南《社会组织注销登记办法》、民政部办事指南）"

T = DeregistrationTrigger
M = DeregistrationMaterial

# -- triggers ------------------------------------------------------------------------

_TRIGGERS: dict[OrgType, tuple[DeregistrationTrigger, ...]] = {
    OrgType.SOCIAL_GROUP: (
        T.PURPOSE_ACHIEVED, T.SELF_DISSOLUTION, T.SPLIT_OR_MERGER, T.OTHER, T.REVOKED
    ),
    OrgType.PRIVATE_NON_ENTERPRISE: (T.SELF_DISSOLUTION, T.SPLIT_OR_MERGER, T.OTHER, T.REVOKED),
    OrgType.FOUNDATION: (T.CHARTER_TERMINATION, T.CANNOT_CONTINUE, T.OTHER, T.REVOKED),
}


def triggers_for(org_type: OrgType) -> tuple[DeregistrationTrigger, ...]:
    """The triggers the type's regulation lists, in its order ([S1] Art 19: purpose
    achieved, dissolution, split or merger, other termination; [S2] Art 16; [S3] Art 16:
    terminated per charter, cannot continue its purpose, other), then deregistration after
    revocation (revoked organizations must liquidate and deregister, domain.md §3)."""
    return _TRIGGERS[org_type]


def trigger_article(org_type: OrgType, trigger: DeregistrationTrigger) -> str:
    if trigger is T.REVOKED:
        return "domain.md §3（被撤销登记的社会组织应当清算并办理注销登记，[S27]）"
    return {
        OrgType.SOCIAL_GROUP: f"{S1}第十九条",
        OrgType.PRIVATE_NON_ENTERPRISE: f"{S2}第十六条",
        OrgType.FOUNDATION: f"{S3}第十六条",
    }[org_type]


# -- liquidation and materials ---------------------------------------------------------


@dataclass(frozen=True)
class Liquidation:
    """清算组织: formed on a date, its members, who guided it, and when it ended."""

    formed_on: date | None = None
    members: tuple[str, ...] = ()
    guided_by: str = ""  # 业务主管单位 / 登记管理机关 who guided the liquidation
    ended_on: date | None = None


@dataclass(frozen=True)
class Extension:
    """The head's approval of 10 more working days (行政许可法 Art 42 ¶1), with its reason
    (told to the applicant)."""

    approved_on: date
    approved_by: str
    reason: str


@dataclass(frozen=True)
class DeregistrationFacts:
    """One deregistration file as the rules need it (read from the Application row)."""

    org_type: OrgType
    trigger: DeregistrationTrigger | None = None
    direct_registration: bool = False  # no supervisory unit (直接登记)
    liquidation: Liquidation = Liquidation()
    materials: frozenset[DeregistrationMaterial] = frozenset()
    applied_on: date | None = None
    accepted_on: date | None = None
    extension: Extension | None = None
    decided_on: date | None = None
    approved: bool | None = None  # None until decided
    custody: tuple[CustodyRecord, ...] = ()
    announced_on: date | None = None  # 注销登记公告 published


@dataclass(frozen=True)
class MaterialFinding:
    material: DeregistrationMaterial
    statutory: bool  # required by the regulation (else local practice)
    article: str


def required_materials(facts: DeregistrationFacts) -> tuple[MaterialFinding, ...]:
    """The checklist for this file, statutory items first. The supervisory unit's review
    document is not asked of a directly registered organization (no supervisory unit)."""
    art = {
        OrgType.SOCIAL_GROUP: f"{S1}第二十一条",
        OrgType.PRIVATE_NON_ENTERPRISE: f"{S2}第十七条",
        # [S3] lists no materials; the same three are asked (Art 18: liquidation under
        # the authority's and the supervisory unit's guidance)
        OrgType.FOUNDATION: f"{S3}第十八条",
    }[facts.org_type]
    items = [MaterialFinding(M.APPLICATION, True, art)]
    if not facts.direct_registration:
        items.append(MaterialFinding(M.SUPERVISORY_DOCUMENT, True, art))
    items.append(MaterialFinding(M.LIQUIDATION_REPORT, True, art))
    for m in (M.CREDITOR_NOTICE, M.LIQUIDATION_AUDIT, M.BANK_CLOSURE, M.TAX_CLOSURE):
        items.append(MaterialFinding(m, False, _PRACTICE))
    return tuple(items)


def missing_materials(facts: DeregistrationFacts) -> tuple[MaterialFinding, ...]:
    """The checklist items not yet received (statutory first)."""
    return tuple(f for f in required_materials(facts) if f.material not in facts.materials)


def statutory_complete(facts: DeregistrationFacts) -> bool:
    return not any(f.statutory for f in missing_materials(facts))


# -- the 15-day application deadline and the decision clock -------------------------


def application_deadline(facts: DeregistrationFacts, cal: WorkingCalendar) -> Deadline | None:
    """Apply within 15 days after liquidation ends ([S1] Art 21, [S2] Art 17, [S3] Art 18);
    None until the liquidation's end is known."""
    if facts.liquidation.ended_on is None:
        return None
    return clocks.deregistration_deadline(
        facts.liquidation.ended_on, cal, org_type=facts.org_type
    )


def is_late(facts: DeregistrationFacts, cal: WorkingCalendar) -> bool:
    """True if the application came after the 15-day deadline (domain.md §10.3). A late
    application is flagged, not refused: the organization must still be deregistered."""
    if facts.applied_on is None or facts.liquidation.ended_on is None:
        return False
    return clocks.is_deregistration_late(
        facts.applied_on, facts.liquidation.ended_on, cal, org_type=facts.org_type
    )


def decision_clock(
    facts: DeregistrationFacts, cal: WorkingCalendar, params: LegalParams = _DEFAULT_PARAMS
) -> Deadline | None:
    """Decide within 20 working days of acceptance, 30 when the head approved the
    extension (行政许可法 Art 42, 82); None before acceptance."""
    if facts.accepted_on is None:
        return None
    return clocks.deregistration_decision_deadline(
        facts.accepted_on, cal, extended=facts.extension is not None, params=params
    )


# -- findings shown on the screen ------------------------------------------------------


@dataclass(frozen=True)
class Findings:
    missing: tuple[MaterialFinding, ...]
    late: bool
    application_deadline: Deadline | None
    liquidation_problems: tuple[LegalRefusal, ...]
    custody: CustodyStatus


def liquidation_problems(facts: DeregistrationFacts) -> tuple[LegalRefusal, ...]:
    """What is wrong or missing about the liquidation body ([S1] Art 20, [S2] Art 16 ¶2,
    [S3] Art 18: a liquidation body under guidance, no activity but liquidation)."""
    art = {
        OrgType.SOCIAL_GROUP: f"{S1}第二十条",
        OrgType.PRIVATE_NON_ENTERPRISE: f"{S2}第十六条第二款",
        OrgType.FOUNDATION: f"{S3}第十八条",
    }[facts.org_type]
    liq = facts.liquidation
    out: list[LegalRefusal] = []
    if liq.formed_on is None or not liq.members:
        out.append(LegalRefusal("dereg.refusal.no_liquidation_body", art))
    if not liq.guided_by.strip():
        out.append(LegalRefusal("dereg.refusal.liquidation_unguided", art))
    if liq.ended_on is None:
        out.append(LegalRefusal("dereg.refusal.liquidation_not_ended", art))
    elif liq.formed_on is not None and liq.ended_on < liq.formed_on:
        out.append(LegalRefusal(
            "dereg.refusal.liquidation_ends_before_formed", art,
            {"formed": liq.formed_on, "ended": liq.ended_on},
        ))
    return tuple(out)


def findings(facts: DeregistrationFacts, cal: WorkingCalendar) -> Findings:
    return Findings(
        missing=missing_materials(facts),
        late=is_late(facts, cal),
        application_deadline=application_deadline(facts, cal),
        liquidation_problems=liquidation_problems(facts),
        custody=custody_status(facts.custody),
    )


def is_complete(facts: DeregistrationFacts) -> bool:
    """The file is finished: approved, every custody item collected or declared void, and
    the deregistration announced ([S1] Art 21, 23; [S2] Art 17, 18; [S3] Art 19)."""
    return (
        facts.approved is True
        and custody_status(facts.custody).complete
        and facts.announced_on is not None
    )


# -- the dated and material rules behind each action ---------------------------------

_ANNOUNCE_ARTICLE = f"{S1}第二十三条；{S2}第十八条；{S3}第十九条"


def refusal(
    action: str,
    facts: DeregistrationFacts,
    on: date,
    cal: WorkingCalendar,
    *,
    actor: str = "",
    extension: Extension | None = None,
    custody: CustodyRecord | None = None,
    params: LegalParams = _DEFAULT_PARAMS,
) -> LegalRefusal | None:
    """Why ``action`` (a :data:`DEREGISTRATION` action) cannot be taken on ``on``, or None.

    State, role and four eyes are the workflow's (``DEREGISTRATION.check``); this checks
    the facts: a trigger the type allows; acceptance only after liquidation ended, with the
    statutory materials; the extension approved by the head before the 20 working days
    ran out, with a reason, once; no decision before acceptance; custody dated not before
    the decision; the announcement only after approval.
    """
    org_art = trigger_article(facts.org_type, facts.trigger or T.OTHER)
    if action == "deregistration.accept":
        if facts.trigger is None or facts.trigger not in triggers_for(facts.org_type):
            return LegalRefusal("dereg.refusal.trigger", org_art)
        problems = liquidation_problems(facts)
        if problems:
            return problems[0]
        liq_end = facts.liquidation.ended_on
        if facts.applied_on is not None and liq_end is not None and facts.applied_on < liq_end:
            return LegalRefusal(
                "dereg.refusal.applied_before_liquidation_end",
                application_deadline(facts, cal).article,  # type: ignore[union-attr]
                {"date": liq_end},
            )
        missing = [f for f in missing_materials(facts) if f.statutory]
        if missing:
            return LegalRefusal(
                "dereg.refusal.materials_missing", missing[0].article,
                {"count": len(missing)},
            )
        return None
    if action in ("deregistration.extend", "deregistration.extend_after_review"):
        article = f"{LICENSING_LAW}第四十二条"
        if facts.extension is not None:
            return LegalRefusal("dereg.refusal.extended_once", article)
        if extension is None or not extension.reason.strip() or not extension.approved_by:
            return LegalRefusal("dereg.refusal.extension_reason", article)
        clock = decision_clock(facts, cal, params)
        if clock is None:
            return LegalRefusal("dereg.refusal.not_accepted", article)
        if extension.approved_on > clock.due:
            return LegalRefusal("dereg.refusal.extension_too_late", article, {"date": clock.due})
        if extension.approved_on < clock.start:
            return LegalRefusal("dereg.refusal.before_acceptance", article,
                                {"date": clock.start})
        return None
    if action in ("deregistration.approve", "deregistration.refuse"):
        article = f"{LICENSING_LAW}第四十二条"
        if facts.accepted_on is None:
            return LegalRefusal("dereg.refusal.not_accepted", article)
        if on < facts.accepted_on:
            return LegalRefusal("dereg.refusal.before_acceptance", article,
                                {"date": facts.accepted_on})
        if action == "deregistration.approve":
            missing = [f for f in missing_materials(facts) if f.statutory]
            if missing:
                return LegalRefusal("dereg.refusal.materials_missing", missing[0].article,
                                    {"count": len(missing)})
        return None
    if action == "deregistration.custody":
        if facts.approved is not True:
            return LegalRefusal("dereg.refusal.not_approved", f"{S1}第二十一条；{S2}第十七条")
        if custody is None:
            return LegalRefusal("case.refusal.custody_date_missing", f"{S1}第二十一条")
        return check_custody_record(custody, facts.decided_on)
    if action == "deregistration.announce":
        if facts.approved is not True:
            return LegalRefusal("dereg.refusal.not_approved", _ANNOUNCE_ARTICLE)
        if facts.decided_on is not None and on < facts.decided_on:
            return LegalRefusal("dereg.refusal.before_decision", _ANNOUNCE_ARTICLE,
                                {"date": facts.decided_on})
        return None
    return None


def offered(
    facts: DeregistrationFacts, state: str, roles: Iterable[Role] | None, actor: str,
    history: dict[str, frozenset[str]] | None, on: date, cal: WorkingCalendar,
    params: LegalParams = _DEFAULT_PARAMS,
) -> tuple[Transition, ...]:
    """The transitions a screen offers: allowed by the workflow and not refused by the
    facts on ``on``. Actions that need an input (the extension's reason, a custody record)
    are probed with a stand-in input dated ``on``; their dialog checks the real input with
    :func:`refusal`."""
    out = []
    for tr in DEREGISTRATION.available(state, roles, actor, history):
        probe_ext = Extension(on, actor or "probe", "probe")
        probe_custody = CustodyRecord(CustodyItem.SEALS, CustodyOutcome.COLLECTED, on)
        if refusal(tr.action, facts, on, cal, actor=actor, extension=probe_ext,
                   custody=probe_custody, params=params) is None:
            out.append(tr)
    return tuple(out)


# -- the transition table --------------------------------------------------------------

S = ApplicationStatus

FOUR_EYES_ACCEPTOR = FourEyes(
    not_after=("deregistration.accept",),
    article="受理与审批分离（内部控制）：受理本案的人员不得核准或不予注销登记",
)

_DECISION_ARTICLE = f"{S1}第二十一条；{S2}第十七条；{LICENSING_LAW}第四十二条"


def _t(action: str, from_: tuple[ApplicationStatus | str, ...], to: ApplicationStatus,
       roles: tuple[Role, ...], step: str, **kw: object) -> Transition:
    return Transition(action=action, from_states=frozenset(str(s) for s in from_),
                      to_state=str(to), roles=frozenset(roles), step=step, **kw)  # type: ignore[arg-type]


DEREGISTRATION = Workflow(
    name="deregistration",
    states=tuple(s.value for s in ApplicationStatus),
    terminal=frozenset({S.REFUSED.value, S.WITHDRAWN.value}),
    transitions=(
        _t("deregistration.draft", (NEW,), S.DRAFT, (Role.CLERK,), "draft_created"),
        _t("deregistration.draft_save", (S.DRAFT,), S.DRAFT, (Role.CLERK,), ""),
        _t("deregistration.accept", (S.DRAFT,), S.ACCEPTED, (Role.CLERK,), "accepted",
           starts=("deregistration_decision",),
           article=f"{LICENSING_LAW}第三十二条；{S1}第二十一条；{S2}第十七条", main=True),
        _t("deregistration.withdraw", (S.DRAFT, S.ACCEPTED), S.WITHDRAWN, (Role.CLERK,),
           "withdrawn", stops=("deregistration_decision",)),
        _t("deregistration.correction", (S.ACCEPTED, S.REVIEWED), S.CORRECTION,
           (Role.REVIEWER,), "correction_requested",
           article=f"{LICENSING_LAW}第三十二条"),
        _t("deregistration.correction_complete", (S.CORRECTION,), S.ACCEPTED, (Role.CLERK,),
           "correction_completed", article=f"{LICENSING_LAW}第三十二条", main=True),
        _t("deregistration.review", (S.ACCEPTED,), S.REVIEWED, (Role.REVIEWER,), "reviewed",
           article=f"{LICENSING_LAW}第三十四条", main=True),
        _t("deregistration.extend", (S.ACCEPTED,), S.ACCEPTED, (Role.APPROVER,), "extended",
           starts=("deregistration_decision_extended",), stops=("deregistration_decision",),
           article=f"{LICENSING_LAW}第四十二条"),
        _t("deregistration.extend_after_review", (S.REVIEWED,), S.REVIEWED, (Role.APPROVER,),
           "extended", starts=("deregistration_decision_extended",),
           stops=("deregistration_decision",), article=f"{LICENSING_LAW}第四十二条"),
        _t("deregistration.approve", (S.REVIEWED,), S.APPROVED, (Role.APPROVER,), "approved",
           four_eyes=FOUR_EYES_ACCEPTOR,
           stops=("deregistration_decision", "deregistration_decision_extended"),
           article=_DECISION_ARTICLE, main=True),
        _t("deregistration.refuse", (S.ACCEPTED, S.REVIEWED), S.REFUSED, (Role.APPROVER,),
           "refused", four_eyes=FOUR_EYES_ACCEPTOR,
           stops=("deregistration_decision", "deregistration_decision_extended"),
           article=_DECISION_ARTICLE),
        _t("deregistration.custody", (S.APPROVED,), S.APPROVED, (Role.CLERK,),
           "custody_recorded", article=f"{S1}第二十一条；{S2}第十七条"),
        _t("deregistration.announce", (S.APPROVED,), S.APPROVED, (Role.CLERK,), "announced",
           article=_ANNOUNCE_ARTICLE),
    ),
)
"""注销登记: intake and decision like a change registration (20 working days, 行政许可法
Art 42), then custody of the certificate, seals and vouchers and the announcement, which
stay open on the approved file until :func:`is_complete`."""
