"""监督管理 of one organization (opened from its record, F-key of the record action, or from
a home queue through the record): its financial audits, rectification orders, interviews
and evaluations in one list, and the step each one waits for.

Keys: F9 the next step of the row under the cursor (mark a required audit done, complete an
item / report completion / verify a rectification, record an interview, take the next
evaluation step, lower or cancel a grade); F4 record a financial audit; F6 order a
rectification; F8 notify an interview; F2 an evaluation application (the eligibility check
of Order 39 Art 6–7 answers at once); F10 (approver) withdraw the rectification order under
the cursor, with its reason; F11 record a change of term (换届: the term, its leading
persons; the departure audit is proposed with it); F5 refresh; Esc back. The recorded
terms are rows of the list too. Every step opens a small form
(ui.screens.supervision_forms): a refusal keeps what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from mca_tui.domain import permissions
from mca_tui.domain.calendar import add_years
from mca_tui.domain.enums import (
    AuditTrigger,
    EvaluationGrade,
    InterviewRole,
    RectificationSource,
)
from mca_tui.domain.supervision.evaluation import GRADE_CHANGE_REASONS
from mca_tui.domain.supervision.rectification import Interviewee, InterviewOutcome
from mca_tui.domain.supervision.term import leaders_from
from mca_tui.i18n import label, t
from mca_tui.services.context import ServiceContext
from mca_tui.services.registration import terms
from mca_tui.services.supervision import _rows, audits, evaluation, interviews, rectification
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.screens.supervision_forms import Field, SupervisionForm
from mca_tui.ui.widgets.footer import ShellFooter

CSS = """
OrgSupervisionScreen { layout: vertical; }
#svo-title { height: 1; background: $primary; color: $text; padding: 0 1; text-style: bold; }
#svo-table { height: 1fr; }
#svo-detail { height: auto; max-height: 5; padding: 0 1; color: $text-muted; }
#svo-status { height: auto; max-height: 3; padding: 0 1; }
"""


@dataclass(frozen=True)
class Row:
    kind: str  # financial_audit | rectification | interview | evaluation
    id: str
    on: date | None
    state: str  # shown
    summary: str
    view: object


@dataclass(frozen=True)
class Overview:
    name: str
    rows: tuple[Row, ...]


def load(ctx: ServiceContext, org_id: str) -> Overview:
    """The organization's supervision records, newest first (one worker call)."""
    rows: list[Row] = []
    for a in audits.audits_of(ctx, org_id):
        rows.append(Row("financial_audit", a.id, a.audited_on or a.required_on,
                        t(f"sv.org.audit_{a.status}"),
                        f"{label(a.trigger)} {a.auditor} {a.findings}".strip(), a))
    for o in rectification.orders_of(ctx, org_id):
        done = sum(1 for _text, d in o.items if d)
        rows.append(Row("rectification", o.id, o.ordered_on, t(f"sv.org.order_{o.state}"),
                        t("sv.org.order_summary", done=done, total=len(o.items),
                          due=o.due_on.isoformat() if o.due_on else "-",
                          first=o.items[0][0] if o.items else ""), o))
    for i in interviews.interviews_of(ctx, org_id):
        rows.append(Row("interview", i.id, i.interview_on, t(f"sv.org.interview_{i.status}"),
                        f"{i.reason} {'、'.join(p.name for p in i.persons)}", i))
    for e in evaluation.evaluations_of(ctx, org_id):
        state = (t(f"enum.EvaluationState.{e.status}") if e.status else "-")
        grade = e.grade or e.proposed_grade or ""
        until = t("sv.org.valid_until", on=e.valid_until.isoformat()) if e.valid_until else ""
        rows.append(Row("evaluation", e.id, e.granted_on or e.applied_on, state,
                        f"{grade} {until}".strip(), e))
    for term in terms.terms_of(ctx, org_id):
        chair = next((f"{p.title} {p.name}" for p in term.leaders), "")
        until = term.ends_on.isoformat() if term.ends_on else "-"
        summary = (t("term.row_summary", number=term.term_number, chair=chair, until=until)
                   if term.term_number else
                   t("term.row_summary_no_number", chair=chair, until=until))
        rows.append(Row("term", term.id, term.elected_on, t("term.state"), summary, term))
    rows.sort(key=lambda r: r.on or date.min, reverse=True)
    return Overview(_rows.organization_name(ctx, org_id), tuple(rows))


class OrgSupervisionScreen(ServiceCalls, Screen):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="svorg.back"),
        Binding("f9", "next_step", t("sv.org.key_next"), id="svorg.next"),
        Binding("f4", "audit", t("sv.org.key_audit"), id="svorg.audit"),
        Binding("f6", "order", t("sv.org.key_order"), id="svorg.order"),
        Binding("f8", "interview", t("sv.org.key_interview"), id="svorg.interview"),
        Binding("f2", "evaluation", t("sv.org.key_evaluation"), id="svorg.evaluation"),
        # the approver withdraws an order made in error (RECTIFICATION: cancel)
        Binding("f10", "cancel_order", t("sv.org.key_cancel"), id="svorg.cancel_order"),
        # a change of term (换届) filed: proposes the departure audit (services.registration.terms)
        Binding("f11", "change_of_term", t("term.key"), id="svorg.change_of_term"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="svorg.refresh"),
    ]

    def __init__(self, ctx: ServiceContext, organization_id: str, *,
                 open_order_first: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.organization_id = organization_id
        self.rows: tuple[Row, ...] = ()
        # opened from the home queue 整改到期: the cursor starts on the open order that is
        # due first (the one the queue showed)
        self.open_order_first = open_order_first

    def compose(self) -> ComposeResult:
        yield Static(t("sv.org.title", name=""), id="svo-title", markup=False)
        yield DataTable(id="svo-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="svo-detail", markup=False)
        yield Static("", id="svo-status", markup=False)
        yield ShellFooter()

    # the keys that start something, each offered only to the roles its service allows
    # (the footer stays within 80 columns, and nothing is offered that would be refused)
    KEY_ACTIONS = {"audit": "financial_audit.record", "order": "rectification.order",
                   "interview": "interview.notify", "evaluation": "evaluation.apply",
                   "cancel_order": "rectification.cancel", "change_of_term": terms.ACTION}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needs = self.KEY_ACTIONS.get(action)
        if needs is not None:
            return self.ctx.actor.has(*permissions.roles_for(needs))
        return True

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("sv.org.col_kind"), t("sv.org.col_date"), t("sv.org.col_state"),
                          t("sv.org.col_summary"))
        table.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.call_service(load, self.ctx, self.organization_id, then=self._show,
                          failed=self._error, group="svorg-load", exclusive=True)

    def _show(self, overview: Overview) -> None:
        self.rows = overview.rows
        self.query_one("#svo-title", Static).update(Text(t("sv.org.title",
                                                           name=overview.name)))
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for r in overview.rows:
            table.add_row(t(f"sv.org.kind.{r.kind}"), r.on.isoformat() if r.on else "-",
                          Text(r.state), Text(r.summary[:60]), key=r.id)
        if overview.rows and self.open_order_first:
            self.open_order_first = False
            due = [(r.view.due_on or date.max, i) for i, r in enumerate(overview.rows)  # type: ignore[attr-defined]
                   if r.kind == "rectification" and r.view.state in ("open", "overdue")]  # type: ignore[attr-defined]
            table.move_cursor(row=min(due)[1] if due else 0)
        elif overview.rows:
            table.move_cursor(row=min(cursor, len(overview.rows) - 1))
        else:
            self._say(t("sv.org.empty"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        row = self._current()
        self.query_one("#svo-detail", Static).update(Text(self._detail(row) if row else ""))

    def _detail(self, row: Row) -> str:
        v = row.view
        if row.kind == "rectification":
            lines = [f"{i}. {text}" + (f"（{d.isoformat()}）" if d else "")
                     for i, (text, d) in enumerate(v.items, 1)]  # type: ignore[attr-defined]
            if v.cancel_reason:  # type: ignore[attr-defined]
                lines.insert(0, t("sv.org.cancelled_line",
                                  reason=v.cancel_reason))  # type: ignore[attr-defined]
            return "\n".join(lines)
        if row.kind == "financial_audit":
            return f"{v.article}"  # type: ignore[attr-defined]
        if row.kind == "term":
            return "　".join(f"{p.title} {p.name}" for p in v.leaders)  # type: ignore[attr-defined]
        return row.summary

    def _current(self) -> Row | None:
        table = self.query_one(DataTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#svo-status", Static).update(
            Text(text, style="bold red" if error else ""))

    def _error(self, message: str) -> None:
        self._say(message, error=True)

    def _form(self, title: str, fields: list[Field], submit, hint: str = "") -> None:  # noqa: ANN001
        def done(result: object) -> None:
            if result is not None:
                self._say(t("sv.ui.done"))
            self.action_refresh()

        self.app.push_screen(SupervisionForm(title, fields, submit, hint), done)

    def action_back(self) -> None:
        self.app.pop_screen()

    # -- new records ---------------------------------------------------------------------

    def _today(self) -> str:
        return self.ctx.today().isoformat()

    def _rectify_fields(self) -> list[Field]:
        return [Field("rectify_items", t("sv.ui.f_rectify_items"), "lines"),
                Field("rectify_by", t("sv.ui.f_rectify_by"), "date")]

    def _audit_fields(self, trigger: str = AuditTrigger.OTHER.value) -> list[Field]:
        return [
            Field("trigger", t("sv.org.f_trigger"), "choice", trigger,
                  tuple((label(x), x.value) for x in AuditTrigger)),
            Field("audited_on", t("sv.org.f_audited_on"), "date", self._today()),
            Field("auditor", t("sv.org.f_auditor")),
            Field("result", t("sv.org.f_result"), "choice", "unqualified",
                  tuple((t(f"sv.audit.result.{r}"), r) for r in audits.AUDIT_RESULTS)),
            Field("findings", t("sv.org.f_findings")),
            *self._rectify_fields(),
        ]

    def _record_audit(self, audit_id: str | None, trigger: str) -> None:
        ctx, org = self.ctx, self.organization_id

        def submit(v: dict) -> str:
            return audits.record_audit(
                ctx, org, trigger=v["trigger"] or "other",
                audited_on=v["audited_on"] or ctx.today(), auditor=v["auditor"],
                findings=v["findings"], result=v["result"] or "", audit_id=audit_id,
                rectify_items=v["rectify_items"], rectify_by=v["rectify_by"])

        self._form(t("sv.org.audit_title"), self._audit_fields(trigger), submit)

    def action_audit(self) -> None:
        self._record_audit(None, AuditTrigger.OTHER.value)

    def action_order(self) -> None:
        ctx, org = self.ctx, self.organization_id
        fields = [
            Field("source", t("sv.org.f_source"), "choice", RectificationSource.OTHER.value,
                  tuple((label(x), x.value) for x in RectificationSource)),
            Field("items", t("sv.ui.f_rectify_items"), "lines"),
            Field("ordered_on", t("sv.org.f_ordered_on"), "date", self._today()),
            Field("due_on", t("sv.ui.f_rectify_by"), "date",
                  (ctx.today() + timedelta(days=30)).isoformat()),
        ]

        def submit(v: dict) -> str:
            return rectification.order(ctx, org,
                                       source=RectificationSource(v["source"] or "other"),
                                       items=v["items"], due_on=v["due_on"] or ctx.today(),
                                       ordered_on=v["ordered_on"] or ctx.today())

        self._form(t("sv.org.order_title"), fields, submit)

    def action_interview(self) -> None:
        ctx, org = self.ctx, self.organization_id
        roles = tuple((label(r), r.value) for r in InterviewRole)

        def open_form(people: list[Interviewee]) -> None:
            first = people[0] if people else None
            second = people[1] if len(people) > 1 else None
            third = people[2] if len(people) > 2 else None
            fields = [
                Field("interview_on", t("sv.org.f_interview_on"), "date", self._today()),
                Field("reason", t("sv.org.f_reason")),
                Field("place", t("sv.org.f_place")),
                Field("name1", t("sv.org.f_person", n=1), "text", first.name if first else ""),
                Field("role1", t("sv.org.f_role", n=1), "choice",
                      first.role.value if first else InterviewRole.CHAIR.value, roles),
                Field("name2", t("sv.org.f_person", n=2), "text", second.name if second else ""),
                Field("role2", t("sv.org.f_role", n=2), "choice",
                      second.role.value if second else InterviewRole.SECRETARY_GENERAL.value,
                      roles),
                Field("name3", t("sv.org.f_person", n=3), "text", third.name if third else ""),
                Field("role3", t("sv.org.f_role", n=3), "choice",
                      third.role.value if third else InterviewRole.VICE_CHAIR.value, roles),
            ]

            def submit(v: dict) -> str:
                persons = [Interviewee(v[f"name{i}"], InterviewRole(v[f"role{i}"]))
                           for i in (1, 2, 3) if v[f"name{i}"] and v[f"role{i}"]]
                return interviews.notify(ctx, org, interview_on=v["interview_on"] or ctx.today(),
                                         reason=v["reason"], persons=persons, place=v["place"])

            self._form(t("sv.org.interview_title"), fields, submit)

        self.call_service(interviews.candidates, ctx, org, then=open_form, failed=self._error)

    def action_evaluation(self) -> None:
        ctx, org = self.ctx, self.organization_id
        fields = [Field("applied_on", t("sv.org.f_applied_on"), "date", self._today())]

        def submit(v: dict) -> str:
            return evaluation.apply(ctx, org, v["applied_on"] or ctx.today())

        self._form(t("sv.org.evaluation_title"), fields, submit, t("sv.org.evaluation_hint"))

    # -- the next step of the row under the cursor ----------------------------------------

    def action_next_step(self) -> None:
        row = self._current()
        if row is None:
            self._say(t("sv.org.pick_row"), error=True)
            return
        getattr(self, f"_next_{row.kind}")(row)

    def _next_financial_audit(self, row: Row) -> None:
        v: audits.AuditView = row.view  # type: ignore[assignment]
        if v.status != "required":
            self._say(t("sv.org.nothing_to_do"))
            return
        self._record_audit(v.id, v.trigger.value)

    def _next_rectification(self, row: Row) -> None:
        v: rectification.OrderView = row.view  # type: ignore[assignment]
        ctx = self.ctx
        if v.status == "ordered" and all(d for _t, d in v.items):
            self.call_service(rectification.report_completed, ctx, v.id, ctx.today(),
                              then=lambda _r: self._refresh_said(), failed=self._error)
            return
        if v.status == "ordered" and not self.ctx.actor.has(
                *permissions.roles_for("rectification.record_item")):
            self._extend(v)  # the approver: a longer deadline, with its reason
            return
        if v.status == "ordered":
            open_items = [(i, text) for i, (text, d) in enumerate(v.items) if d is None]
            fields = [
                Field("item", t("sv.org.f_item"), "choice", str(open_items[0][0]),
                      tuple((f"{i + 1}. {text}"[:40], str(i)) for i, text in open_items)),
                Field("on", t("sv.org.f_completed_on"), "date", self._today()),
            ]

            def submit(values: dict) -> None:
                rectification.record_item(ctx, v.id, int(values["item"] or 0),
                                          values["on"] or ctx.today())
                return True  # type: ignore[return-value]

            self._form(t("sv.org.item_title"), fields, submit)
            return
        if v.status == "completed":
            fields = [
                Field("passed", t("sv.org.f_passed"), "choice", "yes",
                      ((t("sv.org.passed_yes"), "yes"), (t("sv.org.passed_no"), "no"))),
                Field("on", t("sv.org.f_verified_on"), "date", self._today()),
                Field("note", t("sv.org.f_note")),
            ]

            def verify(values: dict) -> bool:
                rectification.verify(ctx, v.id, passed=values["passed"] == "yes",
                                     on=values["on"] or ctx.today(), note=values["note"])
                return True

            self._form(t("sv.org.verify_title"), fields, verify)
            return
        self._say(t("sv.org.nothing_to_do"))

    def _extend(self, v: rectification.OrderView) -> None:
        ctx = self.ctx
        due = v.due_on or ctx.today()
        fields = [Field("due_on", t("sv.org.f_new_due"), "date",
                        (due + timedelta(days=30)).isoformat()),
                  Field("reason", t("sv.org.f_reason"))]

        def submit(values: dict) -> bool:
            rectification.extend(ctx, v.id, values["due_on"] or due, values["reason"])
            return True

        self._form(t("sv.org.extend_title"), fields, submit)

    def action_cancel_order(self) -> None:
        """Withdraw the order under the cursor (撤回整改通知), with its reason: a small
        form is the confirmation; the service refuses a state the table does not allow."""
        row = self._current()
        if row is None or row.kind != "rectification":
            self._say(t("sv.org.cancel_pick"), error=True)
            return
        v: rectification.OrderView = row.view  # type: ignore[assignment]
        if v.status not in ("ordered", "completed"):
            self._say(t("sv.org.cannot_cancel", state=row.state), error=True)
            return
        ctx = self.ctx
        fields = [Field("reason", t("sv.org.f_cancel_reason")),
                  Field("on", t("sv.org.f_cancelled_on"), "date", self._today())]

        def submit(values: dict) -> bool:
            rectification.cancel(ctx, v.id, values["reason"], values["on"] or ctx.today())
            return True

        first = v.items[0][0] if v.items else ""
        self._form(f"{t('sv.org.cancel_title')}：{first}"[:30], fields, submit,
                   t("sv.org.cancel_hint"))

    def action_change_of_term(self) -> None:
        """Record a change of term (换届) as the meeting resolved it: the term and its
        leading persons; the service proposes the departure audit in the same unit."""
        ctx, org = self.ctx, self.organization_id
        today = ctx.today()
        titles = tuple((x, x) for x in ("理事长", "会长", "主席"))
        fields = [
            Field("term_number", t("term.f_term_number"), "number"),
            Field("elected_on", t("term.f_elected_on"), "date", today.isoformat()),
            Field("starts_on", t("term.f_starts_on"), "date"),
            Field("ends_on", t("term.f_ends_on"), "date",
                  (add_years(today, 5) - timedelta(days=1)).isoformat()),
            Field("chair_title", t("term.f_chair_title"), "choice", "理事长", titles),
            Field("chair", t("term.f_chair")),
            Field("vice_chairs", t("term.f_vice_chairs"), "lines"),
            Field("secretary", t("term.f_secretary")),
        ]

        def submit(v: dict) -> terms.TermResult:
            return terms.record_change_of_term(
                ctx, org, term_number=v["term_number"], elected_on=v["elected_on"] or today,
                starts_on=v["starts_on"], ends_on=v["ends_on"],
                leaders=leaders_from(v["chair_title"] or "理事长", v["chair"],
                                     v["vice_chairs"], v["secretary"]))

        def done(result: object) -> None:
            if isinstance(result, terms.TermResult):
                said = (t("term.done_audit", article=result.audit_article) if result.audit_id
                        else t("term.done_no_audit"))
                if result.legal_rep_differs:
                    said += "\n" + t("term.legal_rep_differs")
                self._say(said)
            self.action_refresh()

        self.app.push_screen(SupervisionForm(t("term.title"), fields, submit, t("term.hint")),
                             done)

    def _next_term(self, row: Row) -> None:
        self._say(t("sv.org.nothing_to_do"))

    def _refresh_said(self) -> None:
        self._say(t("sv.ui.done"))
        self.action_refresh()

    def _next_interview(self, row: Row) -> None:
        v: interviews.InterviewView = row.view  # type: ignore[assignment]
        ctx = self.ctx
        if v.status != "notified":
            self._say(t("sv.org.nothing_to_do"))
            return
        fields = [
            Field("held_on", t("sv.org.f_held_on"), "date", v.interview_on.isoformat()),
            Field("absent", t("sv.org.f_absent"), "lines"),
            Field("record", t("sv.org.f_record")),
            Field("outcome", t("sv.org.f_outcome"), "choice",
                  InterviewOutcome.NO_FURTHER_ACTION.value,
                  tuple((label(o), o.value) for o in InterviewOutcome)),
            *self._rectify_fields(),
        ]

        def submit(values: dict) -> bool:
            absent = set(values["absent"])
            attendance = [Interviewee(p.name, p.role, p.name not in absent,
                                      p.name in absent) for p in v.persons]
            interviews.record(ctx, v.id, held_on=values["held_on"] or ctx.today(),
                              record_text=values["record"], outcome=values["outcome"] or "",
                              attendance=attendance, rectify_items=values["rectify_items"],
                              rectify_by=values["rectify_by"])
            return True

        self._form(t("sv.org.record_title"), fields, submit, t("sv.org.absent_hint"))

    def _next_evaluation(self, row: Row) -> None:
        v: evaluation.EvaluationView = row.view  # type: ignore[assignment]
        ctx = self.ctx
        grades = tuple((g.value, g.value) for g in reversed(EvaluationGrade))
        today = self._today()
        steps = {
            "evaluation.assess": (
                [Field("on", t("sv.org.f_date"), "date", today),
                 Field("score", t("sv.org.f_score"), "number"),
                 Field("note", t("sv.org.f_note"))],
                lambda x: evaluation.assess(ctx, v.id, on=x["on"] or ctx.today(),
                                            note=x["note"], score=x["score"])),
            "evaluation.decide_grade": (
                [Field("grade", t("sv.org.f_grade"), "choice", "3A", grades),
                 Field("on", t("sv.org.f_date"), "date", today),
                 Field("publicity_to", t("sv.org.f_publicity_to"), "date",
                       (ctx.today() + timedelta(days=7)).isoformat())],
                lambda x: evaluation.decide_grade(ctx, v.id, x["grade"] or "",
                                                  on=x["on"] or ctx.today(),
                                                  publicity_to=x["publicity_to"] or ctx.today())),
            "evaluation.request_review": (
                [Field("on", t("sv.org.f_date"), "date", today),
                 Field("reason", t("sv.org.f_reason"))],
                lambda x: evaluation.request_review(ctx, v.id, requested_on=x["on"] or ctx.today(),
                                                    reason=x["reason"])),
            "evaluation.decide_review": (
                [Field("grade", t("sv.org.f_grade"), "choice", v.proposed_grade or "3A", grades),
                 Field("on", t("sv.org.f_date"), "date", today),
                 Field("note", t("sv.org.f_note"))],
                lambda x: evaluation.decide_review(ctx, v.id, on=x["on"] or ctx.today(),
                                                   grade=x["grade"] or "", note=x["note"])),
            "evaluation.confirm": (
                [Field("on", t("sv.org.f_date"), "date", today)],
                lambda x: evaluation.confirm(ctx, v.id, on=x["on"] or ctx.today())),
        }
        action = next((a for a in v.actions if a in steps), None)
        if action is None and v.status == "granted":
            self._change_grade(v)
            return
        if action is None:
            self._say(t("sv.org.nothing_to_do"))
            return
        fields, fn = steps[action]

        def submit(values: dict) -> bool:
            fn(values)
            return True

        self._form(t(f"sv.org.step.{action.split('.')[1]}"), fields, submit)

    def _change_grade(self, v: evaluation.EvaluationView) -> None:
        ctx = self.ctx
        lower = tuple((g.value, g.value) for g in reversed(EvaluationGrade)
                      if v.grade and g.rank < EvaluationGrade(v.grade).rank)
        fields = [
            Field("grade", t("sv.org.f_new_grade"), "choice", "cancel",
                  (*lower, (t("sv.org.cancel_grade"), "cancel"))),
            Field("reason", t("sv.org.f_change_reason"), "choice", "other",
                  tuple((t(f"sv.org.change_reason.{r}"), r) for r in GRADE_CHANGE_REASONS)),
            Field("text", t("sv.org.f_reason_text")),
            Field("on", t("sv.org.f_date"), "date", self._today()),
        ]

        def submit(x: dict) -> bool:
            if x["grade"] == "cancel":
                evaluation.cancel(ctx, v.id, reason=x["reason"] or "", reason_text=x["text"],
                                  on=x["on"])
            else:
                evaluation.lower(ctx, v.id, x["grade"] or "", reason=x["reason"] or "",
                                 reason_text=x["text"], on=x["on"])
            return True

        self._form(t("sv.org.change_title"), fields, submit)
