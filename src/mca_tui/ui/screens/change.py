"""变更登记: the change form of a registered organization.

Each registered item shows its present value (现登记) under the field; the clerk types the
new value of the items that change and leaves the others blank, with the supervisory
unit's approval date (the 30-day clock, [S1] Art 18). Same machinery as the intake:
checks on leaving a field, autosave to the draft, F9 to accept.
"""

from __future__ import annotations

from mca_tui.domain.enums import ApplicationStatus, CivilForm, OrgType
from mca_tui.domain.forms import FieldSpec, change_fields, materials_for
from mca_tui.i18n import label, t
from mca_tui.services import registration as reg
from mca_tui.services.context import ServiceContext
from mca_tui.ui.widgets.form import RegistrationFormScreen


class ChangeScreen(RegistrationFormScreen):
    change_mode = True

    def __init__(self, ctx: ServiceContext, organization_id: str | None, *,
                 application_id: str | None = None) -> None:
        super().__init__(ctx, application_id=application_id)
        self.organization_id = organization_id
        self.current: dict = {}

    async def on_mount(self) -> None:
        if self.application_id:
            await super().on_mount()
            return
        self.set_interval(2.0, self._autosave_tick)
        self.load_current()

    def load_current(self) -> None:
        self.call_service(reg.current_items, self.ctx, self.organization_id,
                          then=self._current_loaded, failed=self.show_error,
                          group="registration-load")

    async def _current_loaded(self, current: dict) -> None:
        self.current = current
        self.org_type = OrgType(current["org_type"])
        self.form = self.blank_form()
        await self.rebuild()
        self.after_build()

    def on_loaded(self, info: reg.ApplicationInfo) -> None:
        self.current = dict(info.current)
        self.organization_id = info.organization_id

    def blank_form(self) -> dict:
        return {"received_on": self.ctx.today().isoformat(), "materials": {}}

    def field_specs(self) -> tuple[FieldSpec, ...]:
        return change_fields(self.org_type)

    def with_persons(self) -> bool:
        return False

    def materials(self):  # noqa: ANN201
        direct = self.form.get("direct_category") or self.current.get("direct_category")
        return materials_for(self.org_type, direct=bool(direct), change=True)

    def current_text(self, name: str) -> str | None:
        if not self.current or name in ("supervisory_approval_on", "received_on",
                                        "legal_rep_phone"):
            return None
        value = self.current.get(name) or ""
        if name == "civil_form" and value:
            return label(CivilForm(value))
        if name == "direct_category":
            return t(f"registration.direct.{value or 'none'}")
        if name == "subdistrict_code":
            names = {s.code: s.name for s in self.ctx.settings.office.subdistricts}
            return names.get(value, value)
        return str(value)

    def create_draft(self, form: dict) -> reg.ApplicationInfo:
        info = reg.start_change(self.ctx, self.organization_id or "")
        return reg.save_draft(self.ctx, form, application_id=info.id, autosave=True)

    def title_text(self) -> str:
        name = self.current.get("name", "")
        key = ("registration.ui.change_correction_title"
               if self.status == ApplicationStatus.CORRECTION else "registration.ui.change_title")
        return t(key, name=name)
