"""The transition table of a revocation case (撤销登记): its steps as audited actions, who
may take each (roles, and four eyes: the case officers never decide, review, chair the
hearing or close the case), the clocks each starts and stops and its article. The order of
the steps inside a state is the dated rules' (:func:`mca_tui.domain.penalty_case.refusal`)."""

from __future__ import annotations

from mca_tui.domain.enums import CaseStatus, CaseStepKind, Role
from mca_tui.domain.penalty_case_facts import (
    ART_CLOSE,
    ART_CUSTODY,
    ART_DECISION,
    ART_DISCUSSION,
    ART_EXTENSION,
    ART_HEARING_CHAIR,
    ART_HEARING_NOTICE,
    ART_HEARING_REQUEST,
    ART_LEGAL_REVIEW,
    ART_NOTICE,
    ART_OFFICERS,
    ART_PUBLISH,
    ART_REVOKE,
    ART_SERIOUS,
    ART_SERVICE,
    PL,
)
from mca_tui.domain.workflow import NEW, FourEyes, Transition, Workflow

_STEP_ACTION = {k: f"penalty_case.{k.value}" for k in CaseStepKind}


def action_for(step: CaseStepKind) -> str:
    """The audited action name of a step (e.g. ``penalty_case.decide``)."""
    return _STEP_ACTION[step]


FOUR_EYES_OFFICERS = FourEyes(
    not_after=("penalty_case.file", "penalty_case.evidence", "penalty_case.issue_notice"),
    article=f"{PL}第五十七条、第五十八条、第六十四条第四项（调查人员不得决定、审核或主持听证）",
)

C = CaseStatus
_ENF = (Role.ENFORCEMENT,)


def _t(step: CaseStepKind, from_: tuple[str, ...], to: CaseStatus, roles: tuple[Role, ...],
       **kw: object) -> Transition:
    return Transition(action=action_for(step), from_states=frozenset(str(s) for s in from_),
                      to_state=str(to), roles=frozenset(roles), step=step.value,
                      **kw)  # type: ignore[arg-type]


K = CaseStepKind
_OPEN = (C.OPEN,)
_DECIDED = (C.DECIDED,)

PENALTY_CASE = Workflow(
    name="penalty_case",
    states=tuple(s.value for s in CaseStatus),
    terminal=frozenset({C.CLOSED.value}),
    transitions=(
        _t(K.FILE, (NEW,), C.OPEN, _ENF, starts=("penalty_decision",),
           article=ART_OFFICERS, main=True),
        _t(K.EVIDENCE, _OPEN, C.OPEN, _ENF, article=ART_OFFICERS),
        _t(K.ISSUE_NOTICE, _OPEN, C.OPEN, _ENF, article=ART_NOTICE),
        _t(K.SERVE_NOTICE, _OPEN, C.OPEN, (Role.ENFORCEMENT, Role.CLERK),
           starts=("statement_defence", "hearing_request"), article=ART_SERVICE),
        _t(K.STATEMENT, _OPEN, C.OPEN, (Role.ENFORCEMENT, Role.CLERK),
           stops=("statement_defence",), article=ART_NOTICE),
        _t(K.REQUEST_HEARING, _OPEN, C.OPEN, (Role.ENFORCEMENT, Role.CLERK),
           stops=("hearing_request",), starts=("hearing_notice",),
           article=ART_HEARING_REQUEST),
        _t(K.NOTIFY_HEARING, _OPEN, C.OPEN, _ENF, stops=("hearing_notice",),
           article=ART_HEARING_NOTICE),
        _t(K.HOLD_HEARING, _OPEN, C.OPEN, (Role.APPROVER, Role.REVIEWER),
           four_eyes=FOUR_EYES_OFFICERS, article=ART_HEARING_CHAIR),
        _t(K.COLLECTIVE_DISCUSSION, _OPEN, C.OPEN, (Role.APPROVER,), article=ART_DISCUSSION),
        _t(K.LEGAL_REVIEW, _OPEN, C.OPEN, (Role.REVIEWER, Role.APPROVER),
           four_eyes=FOUR_EYES_OFFICERS, article=ART_LEGAL_REVIEW),
        _t(K.EXTEND, _OPEN, C.OPEN, (Role.APPROVER,), four_eyes=FOUR_EYES_OFFICERS,
           stops=("penalty_decision",), starts=("penalty_decision_extended",),
           article=ART_EXTENSION),
        _t(K.DECIDE, _OPEN, C.DECIDED, (Role.APPROVER,), four_eyes=FOUR_EYES_OFFICERS,
           stops=("penalty_decision", "penalty_decision_extended"),
           starts=("decision_service",), article=ART_DECISION,
           main=True),
        _t(K.SERVE_DECISION, _DECIDED, C.DECIDED, (Role.ENFORCEMENT, Role.CLERK),
           stops=("decision_service",), starts=("reconsideration", "lawsuit"),
           article=ART_SERVICE, main=True),
        _t(K.PUBLISH, _DECIDED, C.DECIDED, (Role.ENFORCEMENT, Role.CLERK),
           article=ART_PUBLISH),
        _t(K.CUSTODY, _DECIDED, C.DECIDED, (Role.ENFORCEMENT, Role.CLERK),
           article=ART_CUSTODY),
        # the listing is the approver's decision (its notice: credit_listing_notice)
        _t(K.SERIOUS_LIST, _DECIDED, C.DECIDED, (Role.APPROVER,), article=ART_SERIOUS),
        _t(K.REVOKE, _DECIDED, C.DECIDED, (Role.APPROVER,), article=ART_REVOKE),
        _t(K.CLOSE, _OPEN, C.CLOSED, (Role.APPROVER,), four_eyes=FOUR_EYES_OFFICERS,
           stops=("penalty_decision", "penalty_decision_extended", "statement_defence",
                  "hearing_request", "hearing_notice"),
           article=ART_CLOSE),
    ),
)
"""撤销登记案件: states are :class:`CaseStatus` (open → decided, or open → closed); the order of
the steps inside a state is the dated rules' (:func:`refusal`)."""
