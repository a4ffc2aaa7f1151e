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
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.events import DescendantBlur, Key
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static, TextArea

from mca_tui.domain.eligibility import FindingDTO, materials_findings
from mca_tui.domain.enums import ApplicationStatus, OrgType
from mca_tui.domain.forms import FieldSpec, establishment_fields, materials_for
from mca_tui.domain.identifiers import validate_id_number
from mca_tui.i18n import label, t
from mca_tui.services import registration as reg
from mca_tui.services.context import ServiceContext
from mca_tui.services.errors import ServiceError
from mca_tui.ui import router
from mca_tui.ui.calls import ServiceCalls, call_on_close

log = logging.getLogger(__name__)



AUTOSAVE_SECONDS = 2.0



FORM_CSS = """
RegistrationFormScreen { layout: vertical; }
#reg-title { height: 1; background: $primary; color: $text; padding: 0 1; text-style: bold; }
#reg-status { height: 1; padding: 0 1; color: $text-muted; }
#reg-summary { height: auto; padding: 0 1; color: $warning; text-style: bold; display: none; }
#reg-form { height: 1fr; padding: 0 1; }
#reg-fields, #reg-person-more, #reg-materials { height: auto; }
.reg-row { height: auto; min-height: 1; }
.reg-label { width: 24; height: 1; padding: 0 1 0 0; text-align: right; color: $text-muted; }
.reg-row Input, .reg-row Select, .reg-row TextArea { width: 1fr; }
.reg-row TextArea { height: 3; }
.reg-row Checkbox { border: none; height: 1; padding: 0; width: 1fr; }
.reg-problem { color: $error; padding: 0 0 0 24; height: auto; }
.reg-current { color: $text-muted; padding: 0 0 0 24; height: auto; }
.reg-section { margin-top: 1; text-style: bold; height: 1; }
.reg-person Input { width: 1fr; }
.reg-person .reg-pname { width: 14; }
.reg-person .reg-ptitle { width: 14; }
#reg-notice { color: $warning; padding: 1 2; height: auto; }
#reg-findings { height: auto; padding: 1 0 0 0; }
#reg-materials Checkbox { border: none; height: 1; padding: 0 0 0 24; }
"""



class FieldCheckbox(Checkbox):
    """A checkbox that toggles when it processes Space/Enter itself. Checkbox's own
    binding is resolved when the key has bubbled up to the app, against whatever is
    focused *then*: in a burst "Space Tab Space" that is already the next box."""

    def key_space(self, event: Key) -> None:
        event.stop()
        event.prevent_default()
        self.toggle()

    key_enter = key_space



# filled in by the form itself, not typed: they alone do not make a draft worth keeping
_PREFILLED = ("received_on", "materials", "persons", "org_type", "civil_form",
              "direct_category", "is_charity", "subdistrict_code")



def meaningful(form: dict) -> bool:
    """Something the clerk typed (a text field or a person): only then is a new form
    saved as a draft; opening Ctrl+N and leaving leaves nothing behind."""
    for key, value in form.items():
        if key in _PREFILLED:
            continue
        if isinstance(value, str) and value.strip():
            return True
    return any(str(v).strip() for p in form.get("persons") or [] for k, v in p.items()
               if k != "role" and v)



def choice_label(spec: FieldSpec, value: str) -> str:
    if spec.name == "direct_category" and value == "":
        return t("registration.direct.none")
    return t(f"{spec.choice_prefix}.{value}")



class RegistrationFormScreen(ServiceCalls, Screen):
    """The form machinery: builds rows from FieldSpecs, checks on blur, autosaves."""

    DEFAULT_CSS = FORM_CSS
    BINDINGS = [
        Binding("f2", "save", t("registration.ui.key_save"), id="registration.save"),
        Binding("f5", "check_all", t("registration.ui.key_check"), id="registration.check"),
        Binding("f6", "add_person", t("registration.ui.key_add_person"),
                id="registration.add_person"),
        Binding("f9", "submit", t("registration.ui.key_submit"), id="registration.submit"),
        # an incomplete file: 材料接收凭证 now, the 补正 notice within 5 working days
        # (行政许可法 Art 32) instead of the 补正材料通知书 on the spot (F9)
        Binding("f10", "submit_receipt", t("registration.ui.key_submit_receipt"),
                id="registration.submit_receipt"),
        Binding("f8", "discard", t("registration.ui.key_discard"), id="registration.discard"),
        Binding("escape", "back", t("registration.ui.key_back"), id="registration.back"),
    ]

    change_mode = False

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "discard", "submit_receipt"):
            return self.status == ApplicationStatus.DRAFT
        return True

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="reg-title")
        yield Static("", id="reg-status")
        yield Static("", id="reg-summary")
        with VerticalScroll(id="reg-form", can_focus=False):
            yield from self.compose_head()
            yield Static("", id="reg-notice")
            yield Vertical(id="reg-fields")
            yield Static("", id="reg-findings")
        yield Footer(show_command_palette=True, compact=True)

    def compose_head(self) -> ComposeResult:
        return iter(())

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

    async def rebuild(self) -> None:
        """(Re)build the fields for the current type and form values."""
        self._loading = True
        box = self.query_one("#reg-fields", Vertical)
        await box.remove_children()
        widgets: list[Widget] = []
        for spec in self.field_specs():
            widgets.extend(self._rows_for(spec))
        if self.with_persons():
            widgets.append(Static(t("registration.field.persons"), classes="reg-section"))
            persons = list(self.form.get("persons") or [])
            while len(persons) < 1:
                persons.append({})
            self._persons = len(persons)
            widgets.extend(self._person_row(i, p) for i, p in enumerate(persons))
            widgets.append(Vertical(id="reg-person-more"))
            problem = Static("", id="p-persons", classes="reg-problem")
            problem.display = False
            widgets.append(problem)
        widgets.append(Static(t("registration.field.materials"), classes="reg-section"))
        ticked = self.form.get("materials") or {}
        widgets.append(Vertical(*[FieldCheckbox(self.material_label(m.key, bool(ticked.get(m.key))),
                                           bool(ticked.get(m.key)), id=f"m-{m.key}")
                                  for m in self.materials()],
                                id="reg-materials"))
        problem = Static("", id="p-materials", classes="reg-problem")
        problem.display = False
        widgets.append(problem)
        await box.mount_all(widgets)
        # what the widgets hold now; only a difference from it is a change to save
        self._baseline = self.collect()
        self._loading = False

    # ------------------------------------------------------------------ values

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

    # ------------------------------------------------------------------ lifecycle

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

    def focus_first(self) -> None:
        found = list(self.query("#reg-fields Input, #reg-fields TextArea"))
        if found:
            self.set_focus(found[0])  # now, not later: the early keys go to it next
        self._replay_early_keys()

    # Keys typed in the first moments after the form opens (Ctrl+N, then typing at once,
    # or while a draft loads) must not be lost nor land in the wrong field. Until the form
    # is built and has taken them, the app sends every key to this screen (``keys_ready``
    # is False, see McaApp.on_event); they are kept, then applied in order, synchronously:
    # text into the focused field, Tab/Shift+Tab moving the focus.
    keys_ready = False
    _early_keys: list[tuple[str, str | None]] | None = None

    def on_key(self, event: Key) -> None:
        if self.keys_ready:
            return
        if self._early_keys is not None or self.focused is None:
            if self._early_keys is None:
                self._early_keys = []
            self._early_keys.append((event.key, event.character))
        elif not self._apply_key(event.key, event.character):
            return
        event.stop()
        event.prevent_default()

    def _apply_key(self, key: str, character: str | None) -> bool:
        target = self.focused
        if key == "tab":
            self.focus_next()
        elif key == "shift+tab":
            self.focus_previous()
        elif character and character.isprintable() and isinstance(target, Input):
            target.insert_text_at_cursor(character)
        elif character and character.isprintable() and isinstance(target, TextArea):
            target.insert(character)
        else:
            return False
        return True

    def _replay_early_keys(self) -> None:
        early, self._early_keys = self._early_keys or [], None
        for key, character in early:
            self._apply_key(key, character)
        # ready once the keys already queued for this screen have been applied
        self.call_later(self._keys_now_ready)

    def _keys_now_ready(self) -> None:
        self.keys_ready = True

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

    def _worth_saving(self, form: dict) -> bool:
        return self.application_id is not None or meaningful(form)

    def on_unmount(self) -> None:
        # The last keystrokes must not be lost when the screen or the app closes: saved
        # off the event loop, and waited for before the process exits (ui.calls).
        if self.dirty and self.status == ApplicationStatus.DRAFT and not self._loading \
                and self._worth_saving(self._last_form):
            self.dirty = False
            call_on_close(self._save, dict(self._last_form), autosave=True)

    # ------------------------------------------------------------------ changes and checks

    def _mark_dirty(self) -> None:
        if self._loading:
            return
        try:
            form = self.collect()
        except Exception:  # noqa: BLE001 - widgets being rebuilt
            return
        if form == self._baseline:
            return
        self._baseline = form
        self._last_form = form
        self.dirty = True
        self.update_status()

    _last_form: dict = {}
    _baseline: dict = {}

    def on_input_changed(self, event: Input.Changed) -> None:
        self._mark_dirty()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._mark_dirty()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        box = event.checkbox
        self._mark_dirty()
        if box.id and box.id.startswith("m-"):
            box.label = self.material_label(box.id[2:], box.value)
            if not self._loading:
                self.recheck_materials()

    def recheck_materials(self) -> None:
        """A material ticked or unticked: once the form has been checked (F5/F9), the
        messages under the checklist and the list at the end follow the boxes at once."""
        if self._findings is None:
            return
        try:
            received = self.collect().get("materials")
        except Exception:  # noqa: BLE001 - widgets being rebuilt
            return
        missing = materials_findings(self.materials(), received)
        self.show_problem("materials", "\n".join(f.message() for f in missing) or None)
        kept = [f for f in self._findings if f.code != "material_missing"]
        self._findings = [*kept, *missing]
        self.show_findings_summary(self._findings)

    @staticmethod
    def material_label(key: str, received: bool) -> str:
        state = t("registration.ui.received" if received else "registration.ui.not_received")
        return f"{state}  {t(f'registration.material.{key}')}"

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

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        widget = event.widget
        wid = widget.id or ""
        if self._loading or not wid:
            return
        # Checked once the field has taken the keys still queued for it: in a burst the
        # Tab moves the focus (app priority binding) before the field has processed the
        # text typed just before it, so the value read now would be cut short.
        if wid.startswith("f-") and not isinstance(widget, Select):
            widget.call_later(lambda: self.check_one(wid[2:], self._value(widget),
                                                     on_blur=True))
        elif wid[:3] in ("pn-", "pi-"):
            widget.call_later(self.check_person, int(wid[3:]))

    def check_one(self, name: str, value: object, *, on_blur: bool = False) -> None:
        if on_blur and (value is None or (isinstance(value, str) and not value.strip())) \
                and name != "supervisory_unit":
            # an empty field is reported by F5/F9, not while tabbing through the form
            self.show_problem(name, None)
            return
        form = self.collect()
        message = reg.field_message(self.ctx, self.org_type, name, value, form,
                                    change=self.change_mode)
        self.show_problem(name, message)
        if name == "name" and isinstance(value, str) and value.strip() and not message:
            self.run_name_check(value)

    def run_name_check(self, name: str) -> None:
        """The register look-ups of a name (taken, similar) once the clerk leaves it."""

        def found(findings) -> None:  # noqa: ANN001
            if findings:
                self.show_problem("name", "\n".join(
                    f.message() for f in sorted(findings, key=lambda f: not f.blocks)))

        self.call_service(reg.check_name, self.ctx, name, self.org_type,
                          application_id=self.application_id,
                          organization_id=getattr(self, "organization_id", None),
                          then=found, failed=lambda _m: None, group="registration-name")

    def check_person(self, i: int) -> None:
        try:
            name = self.query_one(f"#pn-{i}", Input).value.strip()
            number = self.query_one(f"#pi-{i}", Input).value.strip()
        except Exception:  # noqa: BLE001
            return
        message = None
        if number:
            info = validate_id_number(number, today=self.ctx.today())
            if not info.valid:
                message = t("registration.check.person_id", row=i + 1, name=name or "-",
                            problem="；".join(info.messages()))
        self.show_problem("persons", message)

    def show_problem(self, name: str, message: str | None) -> None:
        try:
            box = self.query_one(f"#p-{name}", Static)
        except Exception:  # noqa: BLE001
            return
        box.update(Text(message or ""))
        box.display = bool(message)

    # the findings last shown by F5/F9 (None: the form has not been checked yet)
    _findings: list[FindingDTO] | None = None

    def show_findings(self, findings: list[FindingDTO] | tuple[FindingDTO, ...]) -> None:
        """Each finding under its field, and all of them at the end of the form."""
        self._findings = list(findings)
        by_field: dict[str, list[str]] = {}
        for f in findings:
            by_field.setdefault(f.field or "", []).append(f.message())
        for spec in self.field_specs():
            self.show_problem(spec.name, "\n".join(by_field.get(spec.name, [])) or None)
        for extra in ("persons", "materials"):
            self.show_problem(extra, "\n".join(by_field.get(extra, [])) or None)
        self.show_findings_summary(findings)

    def show_findings_summary(self, findings: list[FindingDTO] | tuple[FindingDTO, ...]) -> None:
        if not findings:
            self.show_findings_text(t("registration.ui.no_findings"))
            return
        lines = []
        for f in sorted(findings, key=lambda f: 0 if f.blocks else 1):
            tag = t("registration.ui.tag_block" if f.blocks else "registration.ui.tag_warn")
            lines.append(f"{tag} {f.message()}")
        self.show_findings_text(t("registration.ui.findings_head") + "\n" + "\n".join(lines))

    def show_findings_text(self, text: str) -> None:
        self.query_one("#reg-findings", Static).update(Text(text))

    def focus_field(self, name: str | None) -> None:
        if not name:
            return
        targets = {"persons": "#pn-0", "materials": "#reg-materials Checkbox"}
        found = list(self.query(targets.get(name, f"#f-{name}")))
        if found:
            found[0].focus()
            found[0].scroll_visible()

    # ------------------------------------------------------------------ saving

    def _save(self, form: dict, *, autosave: bool) -> reg.ApplicationInfo:
        with self._save_lock:
            if self.application_id is None:
                info = self.create_draft(form)
                self.application_id = info.id
                self.draft_version = info.version
                return info
            # refused (DraftConflict) if another clerk saved the draft meanwhile (issue 13)
            info = reg.save_draft(self.ctx, form, application_id=self.application_id,
                                  autosave=autosave, expected_version=self.draft_version)
            self.draft_version = info.version
            return info

    def create_draft(self, form: dict) -> reg.ApplicationInfo:
        return reg.save_draft(self.ctx, form, org_type=self.org_type)

    def _autosave_tick(self) -> None:
        if self.dirty and self.status == ApplicationStatus.DRAFT and not self._loading:
            form = self.collect()
            if not self._worth_saving(form):
                return
            self.dirty = False
            self.run_save(form, autosave=True, then=None)

    def run_save(self, form: dict, *, autosave: bool,
                 then: Callable[[reg.ApplicationInfo], None] | None) -> None:
        def saved(info: reg.ApplicationInfo) -> None:
            self.saved_at = datetime.now()
            self.update_status()
            if then is not None:
                then(info)

        def not_saved(message: str) -> None:
            self.dirty = True  # keep the form; say what happened
            self.show_error(message)

        self.call_service(self._save, form, autosave=autosave, then=saved, failed=not_saved,
                          group="registration-save")

    def action_save(self) -> None:
        if self.status != ApplicationStatus.DRAFT:
            self.notify(t("registration.ui.save_not_draft"))
            return
        self.dirty = False

        def done(info: reg.ApplicationInfo) -> None:
            self.notify(t("registration.ui.saved"))
            self.update_title()

        self.run_save(self.collect(), autosave=False, then=done)

    def update_status(self) -> None:
        if self.status != ApplicationStatus.DRAFT:
            text = t("registration.ui.status_line", status=label(self.status))
        elif self.dirty:
            text = t("registration.ui.unsaved")
        elif self.saved_at:
            text = t("registration.ui.saved_at", time=self.saved_at.strftime("%H:%M:%S"))
        elif self.application_id is not None:
            text = t("registration.ui.draft_resumed")
        else:
            text = t("registration.ui.not_saved_yet")
        with contextlib.suppress(NoMatches):
            self.query_one("#reg-status", Static).update(Text(text))

    def update_title(self) -> None:
        with contextlib.suppress(NoMatches):
            self.query_one("#reg-title", Static).update(Text(self.title_text()))

    def title_text(self) -> str:
        return t("registration.ui.intake_title", type=label(self.org_type))

    @property
    def has_unsaved_changes(self) -> bool:
        """For the app's quit confirmation (autosave makes this rare)."""
        return self.dirty

    def show_error(self, message: str) -> None:
        self.notify(message, severity="error", markup=False, timeout=10)

    # ------------------------------------------------------------------ actions

    def action_check_all(self) -> None:
        form = self.collect()
        self.run_check(form)

    def show_summary_top(self, findings) -> None:  # noqa: ANN001
        """F5/F9: the result where the clerk is looking — one line at the top — and the
        focus on the first field with a problem (the details stay under each field)."""
        blocking = [f for f in findings if f.blocks]
        box = self.query_one("#reg-summary", Static)
        if not findings:
            box.update(Text(t("registration.ui.check_summary_ok")))
        else:
            box.update(Text(t("registration.ui.check_summary", blocking=len(blocking),
                              warnings=len(findings) - len(blocking))))
        box.display = True
        first = next((f for f in (blocking or list(findings)) if f.field), None)
        if first is not None:
            self.focus_field(first.field)

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
