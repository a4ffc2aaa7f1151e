"""成立登记 intake (受理): choose the type, fill in the form, F9 to accept. The form itself
is the engine in ``ui.widgets.form``."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Select, Static

from mca_tui.domain.enums import ApplicationStatus, OrgType
from mca_tui.i18n import label, t
from mca_tui.services import registration as reg
from mca_tui.ui.widgets.form import RegistrationFormScreen


class IntakeScreen(RegistrationFormScreen):
    """成立登记受理: choose the type, fill in the form, F9 to accept."""

    def compose_head(self) -> ComposeResult:
        if self.application_id is None:
            types = [(label(o), o.value) for o in OrgType]
            yield Horizontal(Label(t("registration.ui.org_type"), classes="reg-label"),
                             Select(types, value=self.org_type.value, allow_blank=False,
                                    id="reg-type", compact=True),
                             classes="reg-row")

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "reg-type":
            if self._loading or event.value is Select.NULL:
                return
            new_type = OrgType(str(event.value))
            if new_type == self.org_type and self.query("#reg-fields > *"):
                return
            kept = self.collect() if self.query("#reg-fields > *") else {}
            self.org_type = new_type
            self.update_title()
            notice = self.query_one("#reg-notice", Static)
            if new_type is OrgType.FOUNDATION:
                notice.update(Text(t("registration.error.foundation")))
                notice.display = True
                await self.query_one("#reg-fields", Vertical).remove_children()
                return
            notice.display = False
            self.form = {**reg.new_form(new_type, self.ctx.today()),
                         **{k: v for k, v in kept.items() if k != "materials"}}
            await self.rebuild()
            return
        await super().on_select_changed(event)

    def after_build(self) -> None:
        super().after_build()
        self.query_one("#reg-notice").display = False

    # a new intake starts in the name (the type, 社会团体 by default, is one Shift+Tab up)

    def action_save(self) -> None:
        if self.org_type is OrgType.FOUNDATION:
            self.show_error(t("registration.error.foundation"))
            return
        super().action_save()

    def action_submit(self) -> None:
        if self.org_type is OrgType.FOUNDATION:
            self.show_error(t("registration.error.foundation"))
            return
        super().action_submit()

    def _autosave_tick(self) -> None:
        if self.org_type is not OrgType.FOUNDATION:
            super()._autosave_tick()

    def title_text(self) -> str:
        key = ("registration.ui.correction_title" if self.status == ApplicationStatus.CORRECTION
               else "registration.ui.intake_title")
        return t(key, type=label(self.org_type))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "discard"):
            return self.status == ApplicationStatus.DRAFT
        return True
