"""The registration form's fields: each ``FieldSpec`` of the paper form becomes a labelled
row (input, choice, text area or checkbox) with the problem line under it, the persons
rows and the materials checklist; ``collect`` reads the form back as typed.

``FormFields`` is the bottom of the form screen's layers (fields -> layout -> checks ->
drafts -> ``RegistrationFormScreen``): it holds the screen's state."""

from __future__ import annotations

import threading
from datetime import datetime

from rich.text import Text
from textual.containers import Horizontal
from textual.events import Key
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from mca_tui.domain.enums import ApplicationStatus, OrgType
from mca_tui.domain.forms import FieldSpec, establishment_fields, materials_for
from mca_tui.i18n import t
from mca_tui.services.context import ServiceContext
from mca_tui.ui.calls import ServiceCalls


class FieldCheckbox(Checkbox):
    """A checkbox that toggles when it processes Space/Enter itself. Checkbox's own
    binding is resolved when the key has bubbled up to the app, against whatever is
    focused *then*: in a burst "Space Tab Space" that is already the next box."""

    def key_space(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self.toggle()

    key_enter = key_space


def choice_label(spec: FieldSpec, value: str) -> str:
    if spec.name == "direct_category" and value == "":
        return t("registration.direct.none")
    return t(f"{spec.choice_prefix}.{value}")


class FormFields(ServiceCalls, Screen):
    """The fields of the form and its state (the first layer of ``RegistrationFormScreen``)."""

    change_mode = False

    _last_form: dict = {}
    _baseline: dict = {}

    def __init__(self, ctx: ServiceContext, *, application_id: str | None = None,
                 org_type: OrgType | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.application_id = application_id
        self.org_type = org_type or OrgType.SOCIAL_GROUP
        self.status = ApplicationStatus.DRAFT
        self.form: dict = {}
        self.dirty = False
        self.saved_at: datetime | None = None
        self.correction_items: tuple[str, ...] = ()
        self._loading = True
        self._save_lock = threading.Lock()
        self.draft_version: int | None = None  # the version last read or saved
        self._persons = 0

    def field_specs(self) -> tuple[FieldSpec, ...]:
        return establishment_fields(self.org_type)

    def with_persons(self) -> bool:
        return True

    def materials(self):  # noqa: ANN201
        return materials_for(self.org_type, direct=bool(self.form.get("direct_category")))

    def current_text(self, name: str) -> str | None:
        """The present registered value shown under a change field (None: no line)."""
        return None

    def _widget_for(self, spec: FieldSpec, value: object) -> Widget:
        wid = f"f-{spec.name}"
        hint = t(spec.hint_key)
        if spec.kind == "multiline":
            return TextArea(str(value or ""), id=wid, soft_wrap=True, compact=True)
        if spec.kind == "choice":
            if spec.name == "subdistrict_code":
                options = [(s.name, s.code) for s in self.ctx.settings.office.subdistricts]
            else:
                options = [(choice_label(spec, c), c) for c in spec.choices if c != ""]
            current = str(value or "")
            values = {v for _, v in options}
            return Select(options, prompt=choice_label(spec, "") if spec.name ==
                          "direct_category" else t("registration.ui.choose"),
                          allow_blank=True, value=current if current in values else Select.NULL,
                          id=wid, compact=True)
        if spec.kind == "bool":
            return FieldCheckbox(hint, bool(value), id=wid)
        return Input(str(value or ""), placeholder=hint, id=wid, compact=True)

    def _rows_for(self, spec: FieldSpec) -> list[Widget]:
        rows: list[Widget] = [Horizontal(Label(t(spec.label_key(self.org_type)),
                                               classes="reg-label"),
                                         self._widget_for(spec, self.form.get(spec.name)),
                                         classes="reg-row")]
        current = self.current_text(spec.name)
        if current is not None:
            rows.append(Static(Text(t("registration.ui.current", value=current or "-")),
                               classes="reg-current"))
        problem = Static("", id=f"p-{spec.name}", classes="reg-problem")
        problem.display = False
        rows.append(problem)
        return rows

    def _person_row(self, i: int, person: dict) -> Widget:
        return Horizontal(
            Label(t("registration.ui.person_n", n=i + 1), classes="reg-label"),
            Input(str(person.get("name") or ""), placeholder=t("registration.ui.person_name"),
                  id=f"pn-{i}", classes="reg-pname", compact=True),
            Input(str(person.get("id_number") or ""),
                  placeholder=t("registration.ui.person_id"), id=f"pi-{i}", compact=True),
            Input(str(person.get("title") or ""), placeholder=t("registration.ui.person_title"),
                  id=f"pt-{i}", classes="reg-ptitle", compact=True),
            classes="reg-row reg-person")

    @staticmethod
    def material_label(key: str, received: bool) -> str:
        state = t("registration.ui.received" if received else "registration.ui.not_received")
        return f"{state}  {t(f'registration.material.{key}')}"

    def _value(self, widget: Widget) -> object:
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else widget.value
        if isinstance(widget, Checkbox):
            return widget.value
        return None

    def collect(self) -> dict:
        """The form as typed: the widgets' values over what was loaded."""
        form = dict(self.form)
        for spec in self.field_specs():
            try:
                widget = self.query_one(f"#f-{spec.name}")
            except Exception:  # noqa: BLE001 - not mounted yet
                continue
            form[spec.name] = self._value(widget)
        if self.with_persons():
            persons = []
            role = "founder" if self.org_type is OrgType.SOCIAL_GROUP else "responsible"
            for i in range(self._persons):
                try:
                    persons.append({
                        "name": self.query_one(f"#pn-{i}", Input).value,
                        "id_number": self.query_one(f"#pi-{i}", Input).value,
                        "title": self.query_one(f"#pt-{i}", Input).value,
                        "role": role})
                except Exception:  # noqa: BLE001
                    continue
            form["persons"] = persons
        materials = dict(form.get("materials") or {})
        for box in self.query("#reg-materials Checkbox").results(Checkbox):
            materials[(box.id or "m-")[2:]] = box.value
        form["materials"] = materials
        return form

    def show_error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False, timeout=10)
