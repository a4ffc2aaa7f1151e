"""注销登记: one deregistration file (the list of those in progress is in
``deregistration_list``, the 收缴登记 dialog in ``deregistration_custody``, the file's text
in ``deregistration_view``; all three are importable from here too).

The file page is the form the clerk fills at the counter (application date, trigger, the
liquidation body and its dates, the checklist of materials, the liquidation audit) while
the file is a draft, and below it what the rules say now: the 15-day application period
after the liquidation (late applications flagged), the 20-working-day decision clock with
its article (and the head's extension), what is missing, the liquidation audit, custody
of the certificate 正本/副本, seals and financial vouchers, the announcement, the steps
and the documents. Its keys are the actions ``services.deregistration`` offers this user
now (the transition table, four eyes and the dated rules):

F9 the main action (受理 / 补正完成 / 审查通过 / 准予注销 / 收缴登记), F2 save the draft,
F6 延长期限 (approver) or 发布公告 (clerk, after approval), F8 不予注销 (approver) or
通知补正 (reviewer), F4 the documents in turn, F7 export, F5 refresh, Esc back.

Reached from the organization record (申请注销), the home queues (注销登记待审查、待决定;
注销后待收缴、待公告) and the home menu (注销登记: the files in progress).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Label, Select, Static

from mca_tui.domain import permissions
from mca_tui.domain.casework import CustodyRecord
from mca_tui.domain.deregistration import triggers_for
from mca_tui.domain.enums import ApplicationStatus, DeregistrationMaterial, OrgType
from mca_tui.i18n import label, t
from mca_tui.services import deregistration as dereg
from mca_tui.services.context import ServiceContext
from mca_tui.ui.calls import stale
from mca_tui.ui.screens.deregistration_custody import CustodyDialog
from mca_tui.ui.screens.deregistration_list import DeregistrationListScreen
from mca_tui.ui.screens.deregistration_view import CSS, DeregistrationCalls, render_info
from mca_tui.ui.widgets.footer import ShellFooter

__all__ = ["CustodyDialog", "DeregistrationListScreen", "DeregistrationScreen"]

# F9: the first of these the file offers this user now, in this order.
_MAIN = {"deregistration.accept": "accept", "deregistration.correction_complete": "continue",
         "deregistration.review": "review", "deregistration.approve": "approve",
         "deregistration.custody": "custody"}
_AUDIT_RESULTS = dereg.AUDIT_RESULTS


def _row(caption: str, widget) -> Horizontal:  # noqa: ANN001 - a form widget
    return Horizontal(Label(caption), widget, classes="dr-row")


class DeregistrationScreen(DeregistrationCalls, Screen):
    """One deregistration file (see the module docstring)."""

    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("f9", "main('accept')", t("dereg.ui.key_accept"), id="dereg.accept"),
        Binding("f9", "main('continue')", t("dereg.ui.key_continue"), id="dereg.continue"),
        Binding("f9", "main('review')", t("dereg.ui.key_review"), id="dereg.review"),
        Binding("f9", "main('approve')", t("dereg.ui.key_approve"), id="dereg.approve"),
        Binding("f9", "main('custody')", t("dereg.ui.key_custody"), id="dereg.custody"),
        Binding("f2", "save", t("dereg.ui.key_save"), id="dereg.save"),
        Binding("f6", "extend", t("dereg.ui.key_extend"), id="dereg.extend"),
        Binding("f6", "announce", t("dereg.ui.key_announce"), id="dereg.announce"),
        Binding("f8", "refuse", t("dereg.ui.key_refuse"), id="dereg.refuse"),
        Binding("f8", "correction", t("dereg.ui.key_correction"), id="dereg.correction"),
        Binding("f4", "preview", t("dereg.ui.key_preview"), id="dereg.preview"),
        Binding("f7", "export", t("dereg.ui.key_export"), id="dereg.export"),
        Binding("f5", "refresh", t("dereg.ui.key_refresh"), id="dereg.refresh"),
        Binding("escape", "back", t("dereg.ui.key_back"), id="dereg.back"),
    ]

    def __init__(self, ctx: ServiceContext, organization_id: str | None = None, *,
                 application_id: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.organization_id = organization_id
        self.application_id = application_id
        self.info: dereg.DeregistrationInfo | None = None
        self.org_name = ""
        self.org_type = OrgType.SOCIAL_GROUP
        self._doc_index = 0
        self._loaded = False
        self._snapshot: dict | None = None  # the form as last loaded or saved

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(Text(t("dereg.ui.loading")), id="dr-title")
        with VerticalScroll(id="dr-body"):
            with Vertical(id="dr-form"):
                yield Static(Text(t("dereg.ui.sec_form")), classes="dr-section")
                yield _row(t("dereg.ui.field_applied_on"), Input(compact=True, id="f-applied_on"))
                yield _row(t("dereg.ui.field_trigger"),
                           Select([], prompt=t("dereg.ui.choose"), compact=True, id="f-trigger"))
                yield _row(t("dereg.ui.field_formed_on"), Input(compact=True, id="f-formed_on"))
                yield _row(t("dereg.ui.field_members"), Input(compact=True, id="f-members"))
                yield _row(t("dereg.ui.field_guided_by"), Input(compact=True, id="f-guided_by"))
                yield _row(t("dereg.ui.field_ended_on"), Input(compact=True, id="f-ended_on"))
                yield Static(Text(t("dereg.ui.field_materials")), classes="dr-section")
                for m in DeregistrationMaterial:
                    yield Checkbox(label(m), compact=True, id=f"m-{m.value}",
                                   classes="dr-material")
                yield _row(t("dereg.ui.field_audit_firm"), Input(compact=True, id="f-audit_firm"))
                yield _row(t("dereg.ui.field_audit_on"), Input(compact=True, id="f-audit_on"))
                yield _row(t("dereg.ui.field_audit_result"), Select(
                    [(t(f"dereg.ui.audit_{r}"), r) for r in _AUDIT_RESULTS],
                    prompt=t("dereg.ui.choose"), compact=True, id="f-audit_result"))
                yield _row(t("dereg.ui.field_residual"), Input(compact=True, id="f-residual_assets"))
            yield Static(Text(""), id="dr-info")
        yield ShellFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.info is not None:
            self.action_refresh()

    # ------------------------------------------------------------------ loading

    def action_refresh(self) -> None:
        if self.application_id:
            self.call(dereg.get, self._show, self.ctx, self.application_id)
        elif self.organization_id:
            self.call(_open_for, self._opened, self.ctx, self.organization_id)

    def _opened(self, found: tuple) -> None:
        info, org_name, org_type, blank = found
        if info is not None:
            self._show(info)
            return
        self.org_name, self.org_type = org_name, OrgType(org_type)
        self.query_one("#dr-title", Static).update(Text(t("dereg.ui.title_new",
                                                          name=org_name)))
        self._fill_form(blank)
        self.query_one("#dr-info", Static).update(Text(t("dereg.ui.no_clock")))
        self._loaded = True
        self.refresh_bindings()
        self.query_one("#f-applied_on", Input).focus()

    def _show(self, info: dereg.DeregistrationInfo) -> None:
        if stale(self.info, info):
            return
        first = self.info is None or self.info.status != info.status
        self.info = info
        self.application_id = info.id
        self.organization_id = info.organization_id
        self.org_name, self.org_type = info.org_name, info.org_type
        self.query_one("#dr-title", Static).update(Text(t(
            "dereg.ui.title", name=info.org_name, status=label(info.status))))
        editable = self._editable()
        form = self.query_one("#dr-form")
        form.set_class(not editable, "hidden")
        if editable and first:
            self._fill_form(info.form)
        self.query_one("#dr-info", Static).update(self.render_info(info))
        self._loaded = True
        self.refresh_bindings()
        if editable and first:
            self.query_one("#f-applied_on", Input).focus()
        elif not editable:
            self.query_one("#dr-body").focus()

    def _editable(self) -> bool:
        if self.info is None:
            return self._loaded and self.ctx.actor.has(
                *permissions.roles_for("deregistration.draft"))
        return ("deregistration.draft_save" in self.info.actions
                or "deregistration.correction_complete" in self.info.actions)

    def _fill_form(self, form: dict) -> None:
        triggers = self.query_one("#f-trigger", Select)
        triggers.set_options([(label(tr), tr.value) for tr in triggers_for(self.org_type)])
        if form.get("trigger") in {tr.value for tr in triggers_for(self.org_type)}:
            triggers.value = form["trigger"]
        liq = form.get("liquidation") or {}
        members = liq.get("members") or []
        values = {"applied_on": form.get("applied_on"), "formed_on": liq.get("formed_on"),
                  "members": "、".join(members) if isinstance(members, list) else members,
                  "guided_by": liq.get("guided_by"), "ended_on": liq.get("ended_on"),
                  "audit_firm": form.get("audit_firm"), "audit_on": form.get("audit_on"),
                  "residual_assets": form.get("residual_assets")}
        for key, value in values.items():
            self.query_one(f"#f-{key}", Input).value = str(value or "")
        for m in DeregistrationMaterial:
            self.query_one(f"#m-{m.value}", Checkbox).value = bool(
                (form.get("materials") or {}).get(m.value))
        if form.get("audit_result") in _AUDIT_RESULTS:
            self.query_one("#f-audit_result", Select).value = form["audit_result"]
        self._snapshot = self.collect_form()

    @property
    def dirty(self) -> bool:
        """Typed and not saved (the app asks before quitting; Esc saves first)."""
        if not self._loaded or not self._editable() or self._snapshot is None:
            return False
        try:
            return self.collect_form() != self._snapshot
        except Exception:  # noqa: BLE001 - the form is being rebuilt
            return False

    def collect_form(self) -> dict:
        """What the clerk typed, as the service's form (as typed; the service checks)."""
        def text(key: str) -> str:
            return self.query_one(f"#f-{key}", Input).value.strip()

        def choice(key: str) -> str:
            value = self.query_one(f"#f-{key}", Select).value
            return value if isinstance(value, str) else ""

        return {
            "applied_on": text("applied_on"), "trigger": choice("trigger"),
            "liquidation": {"formed_on": text("formed_on"), "members": text("members"),
                            "guided_by": text("guided_by"), "ended_on": text("ended_on")},
            "materials": {m.value: self.query_one(f"#m-{m.value}", Checkbox).value
                          for m in DeregistrationMaterial},
            "audit_firm": text("audit_firm"), "audit_on": text("audit_on"),
            "audit_result": choice("audit_result"),
            "residual_assets": text("residual_assets"),
        }

    # ------------------------------------------------------------------ display

    def render_info(self, info: dereg.DeregistrationInfo) -> Text:
        return render_info(info, self.ctx.today())

    # ------------------------------------------------------------------ what may be done

    def _main_kind(self) -> str | None:
        if self.info is None:
            return "accept" if self._editable() else None
        if (self.info.status is ApplicationStatus.DRAFT
                and "deregistration.draft_save" in self.info.actions
                and self.ctx.actor.has(*permissions.roles_for("deregistration.accept"))):
            # F9 on a draft saves what is typed and tries acceptance: the rules (what is
            # still missing) answer with their article, the typed form is kept
            return "accept"
        return next((_MAIN[a] for a in self.info.actions if a in _MAIN), None)

    def _offers(self, action: str) -> bool:
        return self.info is not None and action in self.info.actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "main":
            return bool(parameters) and self._main_kind() == parameters[0]
        if action == "save":
            return self._editable() and (self.info is None or self._offers(
                "deregistration.draft_save"))
        if action == "extend":
            return self._offers("deregistration.extend") or self._offers(
                "deregistration.extend_after_review")
        if action == "announce":
            return self._offers("deregistration.announce")
        if action == "refuse":
            return self._offers("deregistration.refuse")
        if action == "correction":
            return self._offers("deregistration.correction")
        if action in ("preview", "export"):
            return bool(self.info and (self.info.documents or action == "export"))
        return True

    # ------------------------------------------------------------------ actions

    def action_save(self) -> None:
        form = self.collect_form()
        if self.info is None:
            self.call(dereg.start, self._saved, self.ctx, self.organization_id, form)
        else:
            self.call(dereg.save, self._saved, self.ctx, self.info.id, form,
                      expected_version=self.info.version)

    def _saved(self, info: dereg.DeregistrationInfo) -> None:
        self.notify(t("dereg.ui.saved"), markup=False)
        self._snapshot = self.collect_form()
        self._show(info)

    def _after(self, info: dereg.DeregistrationInfo) -> None:
        self.notify(t("dereg.ui.done", status=label(info.status)), markup=False)
        self._show(info)

    def action_main(self, wanted: str = "") -> None:
        kind = self._main_kind()
        if kind is None or (wanted and wanted != kind):
            return
        info = self.info
        if kind == "accept":
            form = self.collect_form()
            if info is None:
                self.call(_start_and_accept, self._accepted, self.ctx, self.organization_id,
                          form)
            else:
                self.call(_save_and_accept, self._accepted, self.ctx, info.id, form,
                          info.version)
        elif kind == "continue" and info is not None:
            self.call(dereg.complete_correction, self._after, self.ctx, info.id,
                      self.collect_form(), expected_version=info.version)
        elif kind == "review" and info is not None:
            self._prompt(t("dereg.ui.review_title"), t("dereg.ui.review_prompt"), "",
                         lambda note: self.call(dereg.review, self._after, self.ctx, info.id,
                                                note=note, expected_version=info.version),
                         required=False)
        elif kind == "approve" and info is not None:
            self._confirm(t("dereg.ui.approve_title"),
                          t("dereg.ui.approve_body", name=info.org_name),
                          lambda: self.call(dereg.approve, self._decided, self.ctx, info.id,
                                            expected_version=info.version))
        elif kind == "custody" and info is not None:
            def chosen(records: list[CustodyRecord] | None) -> None:
                if records:
                    self.call(dereg.record_custody, self._decided, self.ctx, info.id,
                              records, expected_version=info.version)

            self.app.push_screen(CustodyDialog(info, self.ctx.today()), chosen)

    def _accepted(self, result: tuple) -> None:
        info, error = result
        self._show(info)
        if error:  # the draft is saved; the rules refused acceptance for now
            self.show_error(error)
            return
        self.notify(t("dereg.ui.done", status=label(info.status)), markup=False)
        self._preview_last()

    def _decided(self, info: dereg.DeregistrationInfo) -> None:
        before = len(self.info.documents) if self.info is not None else 0
        self._after(info)
        if len(info.documents) > before:  # show the document just issued
            self._preview_last()

    def _preview_last(self) -> None:
        if self.info and self.info.documents:
            self._doc_index = len(self.info.documents) - 1
            self.action_preview()

    def action_extend(self) -> None:
        info = self.info
        if info is None:
            return
        self._prompt(t("dereg.ui.extend_title"), t("dereg.ui.extend_prompt"), "",
                     lambda reason: self.call(dereg.extend, self._decided, self.ctx, info.id,
                                              reason, expected_version=info.version))

    def action_announce(self) -> None:
        info = self.info
        if info is None:
            return
        self._confirm(t("dereg.ui.announce_title"),
                      t("dereg.ui.announce_body", date=self.ctx.today().isoformat()),
                      lambda: self.call(dereg.announce, self._decided, self.ctx, info.id,
                                        expected_version=info.version))

    def action_refuse(self) -> None:
        info = self.info
        if info is None:
            return
        self._prompt(t("dereg.ui.refuse_title"), t("dereg.ui.refuse_prompt"), "",
                     lambda text: self.call(dereg.refuse, self._decided, self.ctx, info.id,
                                            text, expected_version=info.version))

    def action_correction(self) -> None:
        info = self.info
        if info is None:
            return
        items = "\n".join(label(f.material) for f in info.missing)
        self._prompt(t("dereg.ui.correction_title"), t("dereg.ui.correction_prompt"), items,
                     lambda text: self.call(dereg.request_correction, self._after, self.ctx,
                                            info.id, text.splitlines(),
                                            expected_version=info.version))

    def _prompt(self, title: str, prompt: str, initial: str, then: Callable[[str], None], *,
                required: bool = True) -> None:
        from mca_tui.ui.dialogs.registration_dialogs import TextPromptDialog

        def given(text: str | None) -> None:
            if text is not None and (text.strip() or not required):
                then(text)

        self.app.push_screen(TextPromptDialog(title, prompt, initial, required=required),
                             given)

    def _confirm(self, title: str, body: str, then: Callable[[], None]) -> None:
        from mca_tui.ui.dialogs.registration_dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog(title, body), lambda yes: then() if yes else None)

    def action_preview(self) -> None:
        info = self.info
        if info is None or not info.documents:
            return
        from mca_tui.ui.dialogs.registration_dialogs import PreviewDialog
        from mca_tui.ui.screens.application import _preview

        doc = info.documents[self._doc_index % len(info.documents)]
        self._doc_index += 1
        self.call(_preview, lambda text: self.app.push_screen(PreviewDialog(
            t("dereg.ui.doc_title", number=doc.number, title=doc.title), text)),
            self.ctx, doc.id)

    def action_export(self) -> None:
        info = self.info
        if info is None:
            return
        from mca_tui.ui.export import export_table

        rows = [[line] for line in self.render_info(info).plain.splitlines() if line.strip()]
        export_table(self, self.ctx, f"deregistration-{info.number or info.id}",
                     [t("dereg.ui.sec_form")], rows)

    def action_back(self) -> None:
        if not self.dirty:
            self.app.pop_screen()
            return
        # nothing typed is lost: the draft is saved first (an error keeps the screen)
        form = self.collect_form()

        def saved(info: dereg.DeregistrationInfo) -> None:
            self._snapshot = form
            self.notify(t("dereg.ui.saved"), markup=False)
            self.app.pop_screen()

        if self.info is None:
            self.call(dereg.start, saved, self.ctx, self.organization_id, form)
        else:
            self.call(dereg.save, saved, self.ctx, self.info.id, form,
                      expected_version=self.info.version)


def _open_for(ctx: ServiceContext, organization_id: str) -> tuple:
    """(file in progress or None, organization name, type, blank form) for the record's
    申请注销."""
    info = dereg.in_progress_for(ctx, organization_id)
    if info is not None:
        return info, info.org_name, info.org_type.value, info.form
    from mca_tui.services.records import get_record

    rec = get_record(ctx, organization_id)
    return None, rec.name, rec.org_type, dereg.new_form(None, ctx.today())


def _start_and_accept(ctx: ServiceContext, organization_id: str, form: dict) -> tuple:
    """A new file accepted at once at the counter: the draft is saved first (nothing typed
    is lost), then accepted; a refusal of acceptance comes back with the saved draft."""
    info = dereg.start(ctx, organization_id, form)
    return _accept(ctx, info)


def _save_and_accept(ctx: ServiceContext, app_id: str, form: dict, version: int) -> tuple:
    info = dereg.save(ctx, app_id, form, expected_version=version)
    return _accept(ctx, info)


def _accept(ctx: ServiceContext, info: dereg.DeregistrationInfo) -> tuple:
    from mca_tui.services.errors import ServiceError

    try:
        return dereg.accept(ctx, info.id, expected_version=info.version), None
    except ServiceError as exc:
        return dereg.get(ctx, info.id), exc.message()
