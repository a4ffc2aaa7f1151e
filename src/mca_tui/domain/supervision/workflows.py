"""The supervision workflows as data (``domain.workflow``): annual report, abnormal-list
and serious-list listing, rectification order, spot-check plan and evaluation.

Roles follow the office's division of work: clerks (窗口) record what arrives (a report,
an application for removal, the completion of an item, a review request); reviewers
(审核) examine and conclude (a report's conclusion, a rectification order and its
verification, a spot-check plan and its draw, an evaluation's assessment); approvers
(审批) decide what the bureau does to an organization (list, remove, promote, grade,
lower or cancel a grade, publish). Enforcement officers (执法) record spot-check results.
Four eyes: the person who proposed or recorded a step may not decide it.

Computed conditions are not states: "overdue" (a report, an order) comes from the
clocks and dates (``annual_report.report_status``, ``rectification.order_state``), and a
grade's expiry from its date. The services apply these tables with
``services.workflow.apply_transition``; ``domain.permissions.WORKFLOWS`` should list
:data:`SUPERVISION_WORKFLOWS` once the services exist.
"""

from __future__ import annotations

from enum import StrEnum

from mca_tui.domain.enums import Role
from mca_tui.domain.supervision.common import ORDER_39, ORDER_60, SPOT_CHECK
from mca_tui.domain.workflow import NEW, FourEyes, Transition, Workflow

__all__ = [
    "ABNORMAL_LISTING",
    "ANNUAL_REPORT",
    "EVALUATION",
    "RECTIFICATION",
    "SERIOUS_LISTING",
    "SPOT_CHECK_PLAN",
    "SUPERVISION_WORKFLOWS",
    "AnnualReportState",
    "EvaluationState",
    "ListingState",
    "RectificationState",
    "SpotCheckPlanState",
]

CLERK, REVIEWER, APPROVER, ENFORCEMENT = Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.ENFORCEMENT
_ANNUAL = "《社会团体登记管理条例》第二十八条；《民办非企业单位登记管理暂行条例》第二十三条；《基金会管理条例》第三十六条"
_SEPARATION = "内部控制：登记、审核与决定分离"


def _t(action: str, from_: tuple[str, ...], to: str, roles: tuple[Role, ...], step: str,
       **kw: object) -> Transition:
    return Transition(action=action, from_states=frozenset(str(s) for s in from_),
                      to_state=str(to), roles=frozenset(roles), step=step, **kw)  # type: ignore[arg-type]


def _not_after(*actions: str) -> FourEyes:
    return FourEyes(not_after=actions, article=_SEPARATION)


# -- annual report -------------------------------------------------------------------------


class AnnualReportState(StrEnum):
    RECEIVED = "received"  # 已接收, waiting for the conclusion
    CONCLUDED = "concluded"  # 已作结论 (合格/基本合格/不合格, or accepted/returned)


AR = AnnualReportState
ANNUAL_REPORT = Workflow(
    name="annual_report",
    states=tuple(s.value for s in AR),
    transitions=(
        _t("annual_report.receive", (NEW,), AR.RECEIVED, (CLERK,), "received",
           stops=("annual_report_authority",), article=_ANNUAL, main=True),
        _t("annual_report.amend", (AR.RECEIVED,), AR.RECEIVED, (CLERK,), ""),
        # 基本合格 / 不合格 also open a rectification order in the same unit of work
        _t("annual_report.conclude", (AR.RECEIVED,), AR.CONCLUDED, (REVIEWER,), "concluded",
           four_eyes=_not_after("annual_report.receive", "annual_report.resubmit"), article="domain.md §4.2、§4.4",
           main=True),
        # a report returned without a grade (report mode) comes back corrected; the
        # service allows it only after the conclusion ``returned``
        _t("annual_report.resubmit", (AR.CONCLUDED,), AR.RECEIVED, (CLERK,), "resubmitted",
           article="domain.md §4.4"),
        # result adjustment (the 2026 社团 Order, details UNCONFIRMED): the approver, with
        # a reason, never the reviewer who concluded
        _t("annual_report.adjust", (AR.CONCLUDED,), AR.CONCLUDED, (APPROVER,), "adjusted",
           four_eyes=_not_after("annual_report.conclude"), article="domain.md §4.2"),
    ),
)


# -- credit lists ----------------------------------------------------------------------------


class ListingState(StrEnum):
    PROPOSED = "proposed"  # 拟列入 (shown first, nothing public)
    NOTIFIED = "notified"  # 已告知 (written notice before listing, when the setting wants it)
    LISTED = "listed"  # 已列入
    REMOVAL_APPLIED = "removal_applied"  # 申请移出
    REMOVAL_VERIFIED = "removal_verified"  # 已核实 (abnormal list: remove within 5 working days)
    REMOVED = "removed"  # 已移出
    PROMOTED = "promoted"  # 转入严重违法失信名单 (abnormal list only)
    DROPPED = "dropped"  # 不予列入


L = ListingState
_LIST_FOUR_EYES = _not_after("credit.abnormal.propose")

ABNORMAL_LISTING = Workflow(
    name="abnormal_listing",
    states=tuple(s.value for s in L),
    terminal=frozenset({L.REMOVED.value, L.PROMOTED.value, L.DROPPED.value}),
    transitions=(
        _t("credit.abnormal.propose", (NEW,), L.PROPOSED, (CLERK, REVIEWER), "proposed",
           article=ORDER_60, main=True),
        _t("credit.abnormal.notify", (L.PROPOSED,), L.NOTIFIED, (CLERK, REVIEWER), "notified",
           article=f"{ORDER_60}（列入前书面告知，终稿未确认）", main=True),
        _t("credit.abnormal.list", (L.PROPOSED, L.NOTIFIED), L.LISTED, (APPROVER,), "listed",
           four_eyes=_LIST_FOUR_EYES, starts=("abnormal_promotion", "abnormal_auto_removal"),
           article=ORDER_60, main=True),
        _t("credit.abnormal.drop", (L.PROPOSED, L.NOTIFIED), L.DROPPED, (APPROVER,), "dropped",
           article=ORDER_60),
        # a new ground while listed restarts the period (Order 60; domain.md §5.1)
        _t("credit.abnormal.add_ground", (L.LISTED, L.REMOVAL_APPLIED), L.LISTED, (APPROVER,),
           "ground_added", starts=("abnormal_promotion", "abnormal_auto_removal"),
           article=ORDER_60),
        _t("credit.abnormal.apply_removal", (L.LISTED,), L.REMOVAL_APPLIED, (CLERK,),
           "removal_applied", article=ORDER_60, main=True),
        _t("credit.abnormal.verify_removal", (L.REMOVAL_APPLIED,), L.REMOVAL_VERIFIED,
           (REVIEWER,), "removal_verified", starts=("abnormal_removal_verified",),
           article=ORDER_60, main=True),
        _t("credit.abnormal.reject_removal", (L.REMOVAL_APPLIED,), L.LISTED, (REVIEWER,),
           "removal_rejected", article=ORDER_60),
        _t("credit.abnormal.remove", (L.REMOVAL_VERIFIED,), L.REMOVED, (APPROVER,), "removed",
           four_eyes=_not_after("credit.abnormal.verify_removal"),
           stops=("abnormal_removal_verified", "abnormal_promotion", "abnormal_auto_removal"),
           article=ORDER_60, main=True),
        # the configured period passed with nothing left to rectify (domain.md §5.2)
        _t("credit.abnormal.remove_after_period", (L.LISTED,), L.REMOVED, (APPROVER,),
           "removed", stops=("abnormal_promotion", "abnormal_auto_removal"), article=ORDER_60),
        # the day after 2 full years still listed: to the serious list (ground (一))
        _t("credit.abnormal.promote", (L.LISTED, L.REMOVAL_APPLIED), L.PROMOTED, (APPROVER,),
           "promoted", stops=("abnormal_promotion", "abnormal_auto_removal"),
           article=f"{ORDER_60}（列入严重违法失信名单情形第一项）"),
    ),
)

SERIOUS_LISTING = Workflow(
    name="serious_listing",
    states=tuple(s.value for s in L if s not in (L.PROMOTED, L.REMOVAL_VERIFIED)),
    terminal=frozenset({L.REMOVED.value, L.DROPPED.value}),
    transitions=(
        _t("credit.serious.propose", (NEW,), L.PROPOSED, (CLERK, REVIEWER), "proposed",
           article=ORDER_60, main=True),
        _t("credit.serious.notify", (L.PROPOSED,), L.NOTIFIED, (CLERK, REVIEWER), "notified",
           article=f"{ORDER_60}（列入前书面告知，终稿未确认）", main=True),
        _t("credit.serious.list", (L.PROPOSED, L.NOTIFIED), L.LISTED, (APPROVER,), "listed",
           four_eyes=_not_after("credit.serious.propose"), starts=("serious_removal",),
           article=ORDER_60, main=True),
        _t("credit.serious.drop", (L.PROPOSED, L.NOTIFIED), L.DROPPED, (APPROVER,), "dropped",
           article=ORDER_60),
        _t("credit.serious.add_ground", (L.LISTED, L.REMOVAL_APPLIED), L.LISTED, (APPROVER,),
           "ground_added", starts=("serious_removal",), article=ORDER_60),
        _t("credit.serious.apply_removal", (L.LISTED,), L.REMOVAL_APPLIED, (CLERK,),
           "removal_applied", article=ORDER_60, main=True),
        # "严进严出": two years without a new ground (plus rectification for ground (一))
        _t("credit.serious.remove", (L.REMOVAL_APPLIED,), L.REMOVED, (APPROVER,), "removed",
           four_eyes=_not_after("credit.serious.apply_removal"), stops=("serious_removal",),
           article=ORDER_60, main=True),
        _t("credit.serious.reject_removal", (L.REMOVAL_APPLIED,), L.LISTED, (APPROVER,),
           "removal_rejected", article=ORDER_60),
        # ground (七): removed once deregistration is completed
        _t("credit.serious.remove_on_deregistration", (L.LISTED, L.REMOVAL_APPLIED), L.REMOVED,
           (APPROVER,), "removed", stops=("serious_removal",),
           article=f"{ORDER_60}（列入严重违法失信名单情形第七项）"),
    ),
)


# -- rectification --------------------------------------------------------------------------


class RectificationState(StrEnum):
    ORDERED = "ordered"  # 已下达整改通知
    COMPLETED = "completed"  # 整改完成, waiting for verification
    VERIFIED = "verified"  # 验收通过
    CANCELLED = "cancelled"  # 撤销 (ordered in error)


RS = RectificationState
RECTIFICATION = Workflow(
    name="rectification",
    states=tuple(s.value for s in RS),
    terminal=frozenset({RS.VERIFIED.value, RS.CANCELLED.value}),
    transitions=(
        _t("rectification.order", (NEW,), RS.ORDERED, (REVIEWER,), "ordered",
           starts=("rectification_due",), article="domain.md §9", main=True),
        _t("rectification.record_item", (RS.ORDERED,), RS.ORDERED, (CLERK,), "item_completed"),
        _t("rectification.report_completed", (RS.ORDERED,), RS.COMPLETED, (CLERK,), "completed",
           stops=("rectification_due",), main=True),
        _t("rectification.extend", (RS.ORDERED,), RS.ORDERED, (APPROVER,), "extended",
           four_eyes=_not_after("rectification.order")),
        _t("rectification.verify", (RS.COMPLETED,), RS.VERIFIED, (REVIEWER,), "verified",
           four_eyes=_not_after("rectification.report_completed"), main=True),
        # verification failed: back to the organization; the original deadline still runs
        _t("rectification.reject", (RS.COMPLETED,), RS.ORDERED, (REVIEWER,), "rejected",
           starts=("rectification_due",)),
        _t("rectification.cancel", (RS.ORDERED, RS.COMPLETED), RS.CANCELLED, (APPROVER,),
           "cancelled", stops=("rectification_due",)),
    ),
)
"""Ordered by a report conclusion, a spot check, an interview (民发〔2016〕39号) or an
audit; an order past its deadline proposes the abnormal list (Order 60 ground (三))."""


# -- spot-check plan --------------------------------------------------------------------------


class SpotCheckPlanState(StrEnum):
    DRAFT = "draft"  # 草拟 (filters and ratio)
    APPROVED = "approved"  # 已批准
    DRAWN = "drawn"  # 已抽取 (population frozen and hashed, seed recorded)
    NOTIFIED = "notified"  # 已发检查通知
    CHECKED = "checked"  # 检查完毕 (results recorded)
    PUBLISHED = "published"  # 已公示
    CANCELLED = "cancelled"


SP = SpotCheckPlanState
SPOT_CHECK_PLAN = Workflow(
    name="spot_check_plan",
    states=tuple(s.value for s in SP),
    terminal=frozenset({SP.PUBLISHED.value, SP.CANCELLED.value}),
    transitions=(
        _t("spot_check.plan", (NEW,), SP.DRAFT, (REVIEWER,), "planned",
           article=f"{SPOT_CHECK}第五条", main=True),
        _t("spot_check.edit", (SP.DRAFT,), SP.DRAFT, (REVIEWER,), ""),
        _t("spot_check.approve", (SP.DRAFT,), SP.APPROVED, (APPROVER,), "approved",
           four_eyes=_not_after("spot_check.plan"), article=f"{SPOT_CHECK}第五条", main=True),
        # the draw is public and reproducible: anyone may re-run it (spot_check.verify_draw)
        _t("spot_check.draw", (SP.APPROVED,), SP.DRAWN, (REVIEWER,), "drawn",
           article=f"{SPOT_CHECK}第五条、第七条", main=True),
        _t("spot_check.notify", (SP.DRAWN,), SP.NOTIFIED, (CLERK, REVIEWER), "notified",
           article=f"{SPOT_CHECK}第七条", main=True),
        _t("spot_check.record_result", (SP.NOTIFIED,), SP.NOTIFIED, (ENFORCEMENT, REVIEWER),
           "result_recorded", article=f"{SPOT_CHECK}第六条"),
        _t("spot_check.finish", (SP.NOTIFIED,), SP.CHECKED, (REVIEWER,), "checked",
           starts=("spot_check_publication",), main=True),
        _t("spot_check.publish", (SP.CHECKED,), SP.PUBLISHED, (APPROVER,), "published",
           stops=("spot_check_publication",), article=SPOT_CHECK, main=True),
        _t("spot_check.cancel", (SP.DRAFT, SP.APPROVED), SP.CANCELLED, (APPROVER,), "cancelled"),
    ),
)


# -- evaluation --------------------------------------------------------------------------------


class EvaluationState(StrEnum):
    APPLIED = "applied"  # 申请 (eligibility checked, Art 6-7)
    ASSESSED = "assessed"  # 实地考察、初评
    PUBLICIZED = "publicized"  # 评估委员会确定等级，公示
    UNDER_REVIEW = "under_review"  # 复核中 (Art 20-23)
    GRANTED = "granted"  # 民政部门确认并公告，等级有效
    REFUSED = "refused"  # 不予评估
    CANCELLED = "cancelled"  # 等级撤销


EV = EvaluationState
_ART_6_7 = f"{ORDER_39}第六条、第七条"
EVALUATION = Workflow(
    name="evaluation",
    states=tuple(s.value for s in EV),
    terminal=frozenset({EV.REFUSED.value, EV.CANCELLED.value}),
    transitions=(
        _t("evaluation.apply", (NEW,), EV.APPLIED, (CLERK,), "applied", article=_ART_6_7,
           main=True),
        _t("evaluation.refuse", (EV.APPLIED,), EV.REFUSED, (REVIEWER,), "refused",
           article=_ART_6_7),
        _t("evaluation.assess", (EV.APPLIED,), EV.ASSESSED, (REVIEWER,), "assessed",
           four_eyes=_not_after("evaluation.apply"), main=True),
        _t("evaluation.decide_grade", (EV.ASSESSED,), EV.PUBLICIZED, (APPROVER,), "graded",
           four_eyes=_not_after("evaluation.assess"), article=f"{ORDER_39}第二十六条",
           main=True),
        _t("evaluation.request_review", (EV.PUBLICIZED,), EV.UNDER_REVIEW, (CLERK,),
           "review_requested", article=f"{ORDER_39}第二十条"),
        _t("evaluation.decide_review", (EV.UNDER_REVIEW,), EV.PUBLICIZED, (APPROVER,),
           "review_decided", four_eyes=_not_after("evaluation.decide_grade"),
           starts=("review_notice",), article=f"{ORDER_39}第二十条至第二十三条", main=True),
        _t("evaluation.confirm", (EV.PUBLICIZED,), EV.GRANTED, (APPROVER,), "granted",
           starts=("evaluation_expiry",), article=f"{ORDER_39}第二十八条", main=True),
        _t("evaluation.lower", (EV.GRANTED,), EV.GRANTED, (APPROVER,), "lowered",
           article=f"{ORDER_39}；domain.md §7"),
        _t("evaluation.cancel", (EV.GRANTED,), EV.CANCELLED, (APPROVER,), "cancelled",
           stops=("evaluation_expiry",), article=f"{ORDER_39}；domain.md §7（撤销情形未确认）"),
    ),
)


SUPERVISION_WORKFLOWS: tuple[Workflow, ...] = (
    ANNUAL_REPORT, ABNORMAL_LISTING, SERIOUS_LISTING, RECTIFICATION, SPOT_CHECK_PLAN, EVALUATION,
)
