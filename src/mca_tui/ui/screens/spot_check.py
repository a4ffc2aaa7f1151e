"""双随机抽查 screen: the spot-check plans of the office and, for the plan under the cursor,
the organizations drawn with their inspector pairs and results.

Keys: F4 new plan; F9 the plan's next step (approve, draw — after a confirmation, the
seed and the list's fingerprint are shown —, send the notices, finish, publish); F6 an
officer's declared conflict (回避) before the draw; F8 the result of the organization under
the cursor; F7 export the publication list (公示); F10 (approver) cancel the plan before its
draw, with its reason; F5 refresh; Tab between the two lists;
Esc back. Every step runs in a worker through ``services.supervision.spot_checks``.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from mca_tui.domain import permissions
from mca_tui.domain.enums import OrgType, SpotCheckKind
from mca_tui.domain.supervision.spot_check import CHECK_ITEMS
from mca_tui.i18n import label, t
from mca_tui.services.context import ServiceContext
from mca_tui.services.supervision import spot_checks as svc
from mca_tui.ui.calls import ServiceCalls
from mca_tui.ui.screens.supervision_forms import Field, SupervisionForm
from mca_tui.ui.widgets.footer import ShellFooter

CSS = """
SpotCheckScreen { layout: vertical; }
#spot-title { height: 1; background: $primary; color: $text; padding: 0 1; text-style: bold; }
#spot-plans { height: 7; }
#spot-info { height: 2; padding: 0 1; color: $text-muted; }
#spot-drawn { height: 1fr; }
#spot-status { height: auto; max-height: 3; padding: 0 1; }
"""

MAIN_STEPS = ("spot_check.approve", "spot_check.draw", "spot_check.notify",
              "spot_check.finish", "spot_check.publish")


class SpotCheckScreen(ServiceCalls, Screen):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("escape", "back", t("ui.key.back"), id="spot.back"),
        Binding("f4", "new_plan", t("sv.spot.key_new"), id="spot.new"),
        Binding("f9", "next_step", t("sv.spot.key_next"), id="spot.next"),
        Binding("f6", "conflict", t("sv.spot.key_conflict"), id="spot.conflict"),
        Binding("f8", "result", t("sv.spot.key_result"), id="spot.result"),
        Binding("f7", "export", t("ui.key.export"), id="spot.export"),
        # the approver cancels a plan before its draw (SPOT_CHECK_PLAN: cancel)
        Binding("f10", "cancel_plan", t("sv.spot.key_cancel"), id="spot.cancel"),
        Binding("f5", "refresh", t("ui.key.refresh"), id="spot.refresh"),
    ]

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.plans: list[svc.PlanView] = []
        self.plan: svc.PlanView | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("sv.spot.title"), id="spot-title")
        yield DataTable(id="spot-plans", cursor_type="row", zebra_stripes=True)
        yield Static("", id="spot-info", markup=False)
        yield DataTable(id="spot-drawn", cursor_type="row", zebra_stripes=True)
        yield Static("", id="spot-status", markup=False)
        yield ShellFooter()

    # the keys that start something, each offered only to the roles the service allows
    # (the footer stays within 80 columns, and nothing is offered that would be refused)
    KEY_ACTIONS = {"new_plan": "spot_check.plan", "conflict": "spot_check.declare_conflict",
                   "result": "spot_check.record_result", "cancel_plan": "spot_check.cancel"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needs = self.KEY_ACTIONS.get(action)
        if needs is not None:
            return self.ctx.actor.has(*permissions.roles_for(needs))
        return True

    def on_mount(self) -> None:
        plans = self.query_one("#spot-plans", DataTable)
        plans.add_columns(t("sv.spot.col_year"), t("sv.spot.col_title"),
                          t("sv.spot.col_status"), t("sv.spot.col_ratio"),
                          t("sv.spot.col_population"), t("sv.spot.col_drawn"))
        drawn = self.query_one("#spot-drawn", DataTable)
        drawn.add_columns(t("sv.spot.col_org"), t("sv.spot.col_inspectors"),
                          t("sv.spot.col_result"))
        plans.focus()
        self.action_refresh()

    # -- loading -------------------------------------------------------------------------

    def action_refresh(self, select_id: str | None = None) -> None:
        self.call_service(svc.list_plans, self.ctx, then=lambda p: self._show(p, select_id),
                          group="spot-load", exclusive=True)

    def _show(self, plans: list[svc.PlanView], select_id: str | None = None) -> None:
        self.plans = plans
        table = self.query_one("#spot-plans", DataTable)
        keep = select_id or (self.plan.id if self.plan else None)
        table.clear()
        for p in plans:
            table.add_row(str(p.year), Text(p.title), t(f"enum.SpotCheckPlanState.{p.status}"),
                          f"{p.ratio_percent}%", str(p.population_size or "-"),
                          str(len(p.drawn) or "-"), key=p.id)
        if not plans:
            self.plan = None
            self._show_plan(None)
            self._say(t("sv.spot.none"))
            return
        index = next((i for i, p in enumerate(plans) if p.id == keep), 0)
        table.move_cursor(row=index)
        self._show_plan(plans[index])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "spot-plans":
            return
        event.stop()
        plan = next((p for p in self.plans if p.id == event.row_key.value), None)
        if plan is not None and (self.plan is None or plan.id != self.plan.id
                                 or plan is not self.plan):
            self._show_plan(plan)

    def _show_plan(self, plan: svc.PlanView | None) -> None:
        self.plan = plan
        drawn = self.query_one("#spot-drawn", DataTable)
        drawn.clear()
        info = self.query_one("#spot-info", Static)
        if plan is None:
            info.update("")
            return
        if plan.status == "cancelled":
            info.update(Text(t("sv.spot.info_cancelled", reason=plan.cancel_reason)))
        elif plan.seed:
            info.update(Text(t("sv.spot.info_drawn", population=plan.population_size,
                               hash=plan.population_hash[:16], seed=plan.seed,
                               drawn=len(plan.drawn))))
        else:
            info.update(Text(t("sv.spot.info_plan", filter=self._filter_text(plan))))
        for oid, name in plan.drawn:
            result = plan.results.get(oid)
            drawn.add_row(Text(name), Text("、".join(plan.inspectors.get(oid, ()))),
                          t(f"sv.spot.result.{result}") if result else t("sv.spot.result.pending"),
                          key=oid)
        step = self._next_step(plan)
        self._say(t("sv.spot.next", step=t(f"sv.spot.step.{step}")) if step
                  else t("sv.spot.no_step"))

    def _filter_text(self, plan: svc.PlanView) -> str:
        f = plan.filter
        parts = [label(OrgType(x)) for x in f.get("org_types", [])] or [t("sv.spot.all_types")]
        names = {s.code: s.name for s in self.ctx.settings.office.subdistricts}
        parts += [names.get(x, x) for x in f.get("subdistricts", [])]
        if f.get("registered_before"):
            parts.append(t("sv.spot.before", on=f["registered_before"]))
        if f.get("exclusions"):
            parts.append(t("sv.spot.excluded", n=len(f["exclusions"])))
        return "，".join(parts)

    def _next_step(self, plan: svc.PlanView) -> str | None:
        return next((a for a in MAIN_STEPS if a in plan.actions), None)

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#spot-status", Static).update(
            Text(text, style="bold red" if error else ""))

    def _after(self, result: object = None) -> None:
        self.action_refresh()

    # -- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new_plan(self) -> None:
        ctx = self.ctx
        subs = tuple((f"{s.name}", s.code) for s in ctx.settings.office.subdistricts)
        fields = [
            Field("year", t("sv.spot.f_year"), "number", str(ctx.today().year)),
            Field("kind", t("sv.spot.f_kind"), "choice", SpotCheckKind.REGULAR.value,
                  tuple((label(k), k.value) for k in SpotCheckKind)),
            Field("ratio", t("sv.spot.f_ratio"), "text",
                  str(ctx.settings.legal.spot_check_min_ratio_percent)),
            Field("title", t("sv.spot.f_title")),
            Field("org_type", t("sv.spot.f_type"), "choice", "",
                  tuple((label(k), k.value) for k in OrgType)),
            Field("subdistrict", t("sv.spot.f_subdistrict"), "choice", "", subs),
            Field("registered_before", t("sv.spot.f_before"), "date"),
            Field("exclusions", t("sv.spot.f_exclusions"), "lines"),
        ]

        def submit(v: dict) -> str:
            excluded = tuple(svc.find_organization(ctx, x) for x in v["exclusions"])
            return svc.create_plan(
                ctx, v["year"] or ctx.today().year, v["kind"] or "regular", v["ratio"],
                title=v["title"], org_types=(v["org_type"],) if v["org_type"] else (),
                subdistricts=(v["subdistrict"],) if v["subdistrict"] else (),
                registered_before=v["registered_before"], exclusions=excluded)

        self.app.push_screen(SupervisionForm(t("sv.spot.new_title"), fields, submit),
                             self._created)

    def _created(self, plan_id: object) -> None:
        if plan_id:
            self._say(t("sv.spot.created"))
            self.action_refresh(str(plan_id))

    def action_next_step(self) -> None:
        plan = self.plan
        if plan is None:
            self._say(t("sv.spot.none"), error=True)
            return
        step = self._next_step(plan)
        if step is None:
            self._say(t("sv.spot.no_step"), error=True)
            return
        if step == "spot_check.draw":
            from mca_tui.ui.dialogs.confirm import ConfirmScreen

            self.app.push_screen(
                ConfirmScreen(t("sv.spot.draw_title"), t("sv.spot.draw_confirm",
                                                         title=plan.title)),
                lambda ok: self._run(svc.draw, plan.id) if ok else None)
            return
        fn = {"spot_check.approve": svc.approve, "spot_check.notify": svc.notify,
              "spot_check.finish": svc.finish, "spot_check.publish": svc.publish}[step]
        self._run(fn, plan.id)

    def _run(self, fn, plan_id: str) -> None:  # noqa: ANN001
        self._say(t("sv.ui.working"))

        def done(result: object) -> None:
            if isinstance(result, list) and result:
                self._say(t("sv.spot.notices", n=len(result), first=result[0]))
            else:
                self._say(t("sv.ui.done"))
            self.action_refresh(plan_id)

        self.call_service(fn, self.ctx, plan_id, then=done,
                          failed=lambda m: self._say(m, error=True), group="spot-step")

    def action_cancel_plan(self) -> None:
        """Cancel the plan under the cursor before its draw, with its reason (the form is
        the confirmation; the service refuses a drawn plan)."""
        plan = self.plan
        if plan is None:
            self._say(t("sv.spot.none"), error=True)
            return
        if "spot_check.cancel" not in plan.actions:
            self._say(t("sv.spot.cannot_cancel",
                        state=t(f"enum.SpotCheckPlanState.{plan.status}")), error=True)
            return
        ctx = self.ctx

        def submit(v: dict) -> bool:
            svc.cancel(ctx, plan.id, v["reason"])
            return True

        def done(result: object) -> None:
            if result:
                self._say(t("sv.spot.cancelled"))
            self.action_refresh(plan.id)

        self.app.push_screen(
            SupervisionForm(t("sv.spot.cancel_title", title=plan.title)[:30],
                            [Field("reason", t("sv.spot.f_cancel_reason"))], submit,
                            t("sv.spot.cancel_hint")), done)

    def action_conflict(self) -> None:
        plan = self.plan
        if plan is None:
            return
        ctx = self.ctx

        def open_form(officers: list[svc.Officer]) -> None:
            fields = [
                Field("officer", t("sv.spot.f_officer"), "choice", "",
                      tuple((f"{o.name}（{o.username}）", o.id) for o in officers)),
                Field("organization", t("sv.spot.f_org")),
                Field("reason", t("sv.spot.f_reason")),
            ]

            def submit(v: dict) -> None:
                oid = svc.find_organization(ctx, v["organization"])
                svc.declare_conflict(ctx, plan.id, v["officer"] or "", oid, v["reason"])

            self.app.push_screen(SupervisionForm(t("sv.spot.conflict_title"), fields, submit),
                                 lambda _r: self._after())

        self.call_service(svc.officers, ctx, then=open_form,
                          failed=lambda m: self._say(m, error=True))

    def action_result(self) -> None:
        plan = self.plan
        table = self.query_one("#spot-drawn", DataTable)
        if plan is None or not plan.drawn or table.row_count == 0:
            self._say(t("sv.spot.pick_org"), error=True)
            return
        oid, name = plan.drawn[table.cursor_row]
        ctx = self.ctx

        def open_form(officers: list[svc.Officer]) -> None:
            by_name = {o.name: o.id for o in officers} | {o.username: o.id for o in officers}
            fields = [
                Field("checked_on", t("sv.spot.f_checked_on"), "date", ctx.today().isoformat()),
                Field("inspectors", t("sv.spot.f_inspectors"), "lines",
                      "；".join(plan.inspectors.get(oid, ()))),
                Field("items", t("sv.spot.f_items"), "choice", "all",
                      (("、".join(t(f"supervision.check_item.{i}") for i in CHECK_ITEMS), "all"),)),
                Field("result", t("sv.spot.f_result"), "choice", "no_problem",
                      tuple((t(f"sv.spot.result.{r}"), r) for r in svc.RESULTS)),
                Field("findings", t("sv.spot.f_findings")),
                Field("rectify_items", t("sv.ui.f_rectify_items"), "lines"),
                Field("rectify_by", t("sv.ui.f_rectify_by"), "date"),
            ]

            def submit(v: dict) -> str:
                present = [by_name.get(x, x) for x in v["inspectors"]]
                return svc.record_result(
                    ctx, plan.id, oid, checked_on=v["checked_on"] or ctx.today(),
                    inspectors_present=present, items_checked=list(CHECK_ITEMS),
                    findings=v["findings"], result=v["result"] or "",
                    rectify_items=v["rectify_items"], rectify_by=v["rectify_by"])

            self.app.push_screen(
                SupervisionForm(t("sv.spot.result_title", name=name), fields, submit),
                lambda _r: self._after())

        self.call_service(svc.officers, ctx, then=open_form,
                          failed=lambda m: self._say(m, error=True))

    def action_export(self) -> None:
        plan = self.plan
        if plan is None:
            return
        from mca_tui.ui.export import export_table

        def show(rows: list[svc.PublicationRow]) -> None:
            headers = [t("sv.spot.col_org"), t("field.uscc"), t("sv.spot.f_checked_on"),
                       t("sv.spot.col_result"), t("sv.spot.f_findings"),
                       t("sv.ui.f_rectify_by")]
            export_table(self, self.ctx, "spot-check-results", headers, [
                [r.name, r.uscc, r.checked_on.isoformat() if r.checked_on else "", r.result,
                 r.findings, r.rectification_due.isoformat() if r.rectification_due else ""]
                for r in rows], empty_message=t("sv.spot.nothing_to_export"))

        self.call_service(svc.publication_list, self.ctx, plan.id, then=show,
                          failed=lambda m: self._say(m, error=True))
