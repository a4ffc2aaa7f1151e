"""The registration form engine, shared by the 成立登记 intake, the 补正 form and the
变更登记 form.

One column of labelled fields in the order of the paper form, the problem of a field shown
directly under it as the clerk leaves it (``services.registration.field_message``). Every
change is autosaved to the draft (``Application.form_json``, as typed) every few seconds
and when the screen closes, so nothing typed is lost when a check fails or the app exits;
the draft is resumed from the 登记申请 list. After 受理 the form gives way to the
application page (``ui.router`` name ``application``).

Keys: F2 save draft, F5 check everything, F6 add a person row, F9 accept (受理) / complete
the correction (补正完成), F8 discard a draft, Esc back (saves first).

The engine is in layers, one module a concern: ``fields`` (the FieldSpecs as rows, the
form as typed), ``layout`` (the screen's parts, building the rows, focus, early keys),
``checks`` (checks on leaving a field, findings), ``drafts`` (dirty tracking, autosave);
``RegistrationFormScreen`` here adds the keys, loading and the actions.
"""

from __future__ import annotations

import logging

from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select

from mca_tui.domain.eligibility import FindingDTO
from mca_tui.domain.enums import ApplicationStatus
from mca_tui.i18n import t
from mca_tui.services import registration as reg
from mca_tui.services.errors import ServiceError
from mca_tui.ui import router
from mca_tui.ui.widgets.form.drafts import FormDrafts, meaningful
from mca_tui.ui.widgets.form.fields import FieldCheckbox, choice_label
from mca_tui.ui.widgets.form.layout import FORM_CSS

__all__ = ["AUTOSAVE_SECONDS", "FORM_CSS", "FieldCheckbox", "RegistrationFormScreen",
           "choice_label", "meaningful"]

log = logging.getLogger(__name__)

AUTOSAVE_SECONDS = 2.0


class RegistrationFormScreen(FormDrafts):
    """The form machinery: builds rows from FieldSpecs, checks on blur, autosaves."""

    DEFAULT_CSS = FORM_CSS
    # in the footer's order, most important first: at 80 columns the keys on the right
    # are clipped (F1 help lists them all)
    BINDINGS = [
        Binding("f9", "submit", t("registration.ui.key_submit"), id="registration.submit"),
        # an incomplete file: 材料接收凭证 now, the 补正 notice within 5 working days
        # (行政许可法 Art 32) instead of the 补正材料通知书 on the spot (F9)
        Binding("f10", "submit_receipt", t("registration.ui.key_submit_receipt"),
                id="registration.submit_receipt"),
        Binding("f5", "check_all", t("registration.ui.key_check"), id="registration.check"),
        Binding("f2", "save", t("registration.ui.key_save"), id="registration.save"),
        Binding("f6", "add_person", t("registration.ui.key_add_person"),
                id="registration.add_person"),
        Binding("f8", "discard", t("registration.ui.key_discard"), id="registration.discard"),
        Binding("escape", "back", t("registration.ui.key_back"), id="registration.back"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "discard", "submit_receipt"):
            return self.status == ApplicationStatus.DRAFT
        return True

    async def on_mount(self) -> None:
        if self.application_id:
            self.load_application()
        else:
            self.form = self.blank_form()
            await self.rebuild()
            self.after_build()
        self.set_interval(AUTOSAVE_SECONDS, self._autosave_tick)
        self.update_title()

    def blank_form(self) -> dict:
        return reg.new_form(self.org_type, self.ctx.today())

    def after_build(self) -> None:
        self.update_title()
        self.update_status()
        self.focus_first()

    def load_application(self) -> None:
        self.call_service(reg.get_application, self.ctx, self.application_id,
                          then=self._loaded, failed=self.show_error, group="registration-load")

    async def _loaded(self, info: reg.ApplicationInfo) -> None:
        self.draft_version = info.version
        self.org_type = info.org_type
        self.status = info.status
        self.form = dict(info.form)
        self.correction_items = info.correction_items
        self.on_loaded(info)
        await self.rebuild()
        self.after_build()
        if self.correction_items:
            self.show_findings_text(t("registration.ui.correction_items") + "\n" +
                                    "\n".join(f"{i}. {x}" for i, x in
                                              enumerate(self.correction_items, 1)))

    def on_loaded(self, info: reg.ApplicationInfo) -> None:
        pass

    async def on_select_changed(self, event: Select.Changed) -> None:
        self._mark_dirty()
        if not self._loading and event.select.id and event.select.id.startswith("f-"):
            name = event.select.id[2:]
            self.check_one(name, self._value(event.select))
            if name == "direct_category":
                # the checklist depends on the route (no supervisory approval if direct).
                # Rebuild only when it changes: the rebuilt Select posts Changed too, and
                # rebuilding on every Changed would loop for as long as the form is open.
                before = [m.key for m in self.materials()]
                self.form = self.collect()
                if [m.key for m in self.materials()] != before:
                    await self.rebuild()
                    self.recheck_materials()
                self.check_one("supervisory_unit", self.form.get("supervisory_unit"))

    # ------------------------------------------------------------------ actions

    def action_check_all(self) -> None:
        form = self.collect()
        self.run_check(form)

    def run_check(self, form: dict) -> None:
        def check() -> reg.ApplicationInfo:
            info = self._save(form, autosave=True) if self.status == ApplicationStatus.DRAFT \
                else None
            return reg.get_application(self.ctx,
                                       info.id if info else self.application_id or "")

        def checked(full: reg.ApplicationInfo) -> None:
            self.dirty = False
            self.show_findings(full.findings)
            self.show_summary_top(full.findings)

        self.call_service(check, then=checked, failed=self.show_error,
                          group="registration-check")

    async def action_add_person(self) -> None:
        if not self.with_persons():
            return
        i = self._persons
        self._persons += 1
        await self.query_one("#reg-person-more", Vertical).mount(self._person_row(i, {}))
        self.query_one(f"#pn-{i}", Input).focus()

    def action_submit(self) -> None:
        form = self.collect()
        self.dirty = False
        self.run_submit(form)

    def action_submit_receipt(self) -> None:
        if self.status != ApplicationStatus.DRAFT:
            return
        form = self.collect()
        self.dirty = False
        self.run_submit(form, on_the_spot=False)

    def run_submit(self, form: dict, *, on_the_spot: bool = True) -> None:
        def submit() -> reg.ApplicationInfo:
            if self.status == ApplicationStatus.CORRECTION:
                return reg.complete_correction(self.ctx, self.application_id or "", form)
            self._save(form, autosave=False)
            return reg.submit(self.ctx, self.application_id or "",  # saved just above
                              on_the_spot=on_the_spot)

        def refused(exc: ServiceError) -> None:
            self.dirty = True  # what was typed is still to be accepted
            if isinstance(exc, reg.NotReady):
                self._not_ready(exc.findings)
            else:
                self.show_error(exc.message())

        self.call_service(submit, then=self._submitted, on_error=refused,
                          failed=self.show_error, group="registration-submit")

    def _not_ready(self, findings: list[FindingDTO]) -> None:
        self.show_findings(findings)
        self.notify(t("registration.ui.not_ready", count=len(findings)), severity="warning")
        self.show_summary_top(findings)

    def _submitted(self, info: reg.ApplicationInfo) -> None:
        completed = self.status == ApplicationStatus.CORRECTION
        self.status = info.status
        self.dirty = False
        if completed:
            # 补正完成: back to review; no new document, so nothing to preview
            self.notify(t("registration.ui.correction_done", number=info.number or ""))
        else:
            self.notify(t("registration.ui.accepted", number=info.number or ""))
        self.app.switch_screen(router.screen("application", self.ctx, info.id,
                                             preview_latest=not completed))

    def action_back(self) -> None:
        form = self.collect()
        if self.dirty and self.status == ApplicationStatus.DRAFT and self._worth_saving(form):
            def saved(_info: reg.ApplicationInfo) -> None:
                self.dirty = False
                self.app.pop_screen()

            # saved in a worker; the screen closes once it is (an error keeps it open)
            self.call_service(self._save, form, autosave=True, then=saved,
                              failed=self.show_error, group="registration-save")
            return
        self.dirty = False
        self.app.pop_screen()

    def action_discard(self) -> None:
        """F8 on a draft: discard it (删除草稿) after a confirmation."""
        from mca_tui.ui.dialogs.registration_dialogs import ConfirmDialog

        if self.status != ApplicationStatus.DRAFT:
            return
        if self.application_id is None:
            self.dirty = False
            self.app.pop_screen()
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def discarded(_none: object) -> None:
                self.dirty = False
                self.status = ApplicationStatus.WITHDRAWN
                self.notify(t("registration.ui.draft_discarded"))
                self.app.pop_screen()

            self.call_service(reg.discard_draft, self.ctx, self.application_id,
                              then=discarded, failed=self.show_error,
                              group="registration-save")

        self.app.push_screen(ConfirmDialog(t("registration.ui.discard_title"),
                                           t("registration.ui.discard_body")), answered)
