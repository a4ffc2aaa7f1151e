"""The registration workflow (成立登记 and 变更登记) as data: one transition table that the
services apply (``services.workflow.apply_transition``) and the screens ask which actions
to offer (``services.registration.available_actions``).

::

    new ──draft (clerk)──> draft ──accept (clerk, 受理)──> accepted ──review (reviewer)──> reviewed
                             │                             │  ^                              │
                             │         correction (reviewer)│  │correction_complete (clerk)   │
                             │                             v  │                              │
                             └─withdraw─> withdrawn       correction          approve/refuse (approver,
                                                                              not the acceptor)
                                                                              -> approved | refused

Clocks (domain.md §10.1, computed in ``domain.clocks``): ``correction_notice`` — every
defect told at once within 5 working days of receipt (行政许可法 Art 32); ``decision`` —
60 days for establishment ([S1] Art 12, [S2] Art 11, [S3] Art 11), 30 for charities
(慈善法 Art 10), 20 working days for a change (行政许可法 Art 42), from the day the file is
complete.
"""

from __future__ import annotations

from mca_tui.domain.enums import ApplicationStatus, Role
from mca_tui.domain.workflow import NEW, FourEyes, Transition, Workflow

S = ApplicationStatus

FOUR_EYES_ACCEPTOR = FourEyes(
    not_after=("application.accept",),
    article="受理与审批分离（内部控制）：受理本案的人员不得核准或不予登记本案",
)
"""The clerk who accepted an application may not decide it (approve or refuse)."""

_DECISION_ARTICLE = "《社会团体登记管理条例》第十二条、第十三条；《民办非企业单位登记管理暂行条例》第十一条"


def _t(action: str, from_: tuple[ApplicationStatus | str, ...], to: ApplicationStatus,
       roles: tuple[Role, ...], step: str, **kw: object) -> Transition:
    return Transition(action=action, from_states=frozenset(str(s) for s in from_),
                      to_state=str(to), roles=frozenset(roles), step=step, **kw)  # type: ignore[arg-type]


REGISTRATION = Workflow(
    name="registration",
    states=tuple(s.value for s in ApplicationStatus),
    terminal=frozenset({S.APPROVED.value, S.REFUSED.value, S.WITHDRAWN.value}),
    transitions=(
        _t("application.draft", (NEW,), S.DRAFT, (Role.CLERK,), "draft_created"),
        _t("application.draft_save", (S.DRAFT,), S.DRAFT, (Role.CLERK,), ""),
        # an incomplete file whose 补正 notice is given on the spot waits in correction
        _t("application.accept", (S.DRAFT,), S.ACCEPTED, (Role.CLERK,), "accepted",
           starts=("correction_notice", "decision"), article="《中华人民共和国行政许可法》第三十二条",
           main=True, alternatives=frozenset({S.CORRECTION.value})),
        _t("application.withdraw", (S.DRAFT,), S.WITHDRAWN, (Role.CLERK,), "withdrawn"),
        _t("application.review", (S.ACCEPTED,), S.REVIEWED, (Role.REVIEWER,), "reviewed",
           article="《中华人民共和国行政许可法》第三十四条", main=True),
        _t("application.correction", (S.ACCEPTED, S.REVIEWED), S.CORRECTION, (Role.REVIEWER,),
           "correction_requested", stops=("correction_notice",),
           article="《中华人民共和国行政许可法》第三十二条"),
        _t("application.correction_complete", (S.CORRECTION,), S.ACCEPTED, (Role.CLERK,),
           "correction_completed", starts=("decision",),
           article="《中华人民共和国行政许可法》第三十二条", main=True),
        _t("application.approve", (S.REVIEWED,), S.APPROVED, (Role.APPROVER,), "approved",
           four_eyes=FOUR_EYES_ACCEPTOR, stops=("decision",), article=_DECISION_ARTICLE,
           main=True),
        _t("application.refuse", (S.ACCEPTED, S.REVIEWED), S.REFUSED, (Role.APPROVER,),
           "refused", four_eyes=FOUR_EYES_ACCEPTOR, stops=("decision",),
           article=_DECISION_ARTICLE),
    ),
)
"""成立登记 and 变更登记 (same states and steps; the services differ in what approval does)."""
