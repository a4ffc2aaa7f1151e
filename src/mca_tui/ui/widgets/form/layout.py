"""The registration form's layout: the screen's parts (title, save status, check summary,
the column of fields, the findings), building the rows for the current type and values,
moving the focus, and the keys typed before the form was ready."""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.events import Key
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from mca_tui.i18n import label, t
from mca_tui.ui.widgets.footer import ShellFooter
from mca_tui.ui.widgets.form.fields import FieldCheckbox, FormFields

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


class FormLayout(FormFields):
    """The layout of the form (the second layer of ``RegistrationFormScreen``)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="reg-title")
        yield Static("", id="reg-status")
        yield Static("", id="reg-summary")
        with VerticalScroll(id="reg-form", can_focus=False):
            yield from self.compose_head()
            yield Static("", id="reg-notice")
            yield Vertical(id="reg-fields")
            yield Static("", id="reg-findings")
        yield ShellFooter()

    def compose_head(self) -> ComposeResult:
        return iter(())

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

    def focus_field(self, name: str | None) -> None:
        if not name:
            return
        targets = {"persons": "#pn-0", "materials": "#reg-materials Checkbox"}
        found = list(self.query(targets.get(name, f"#f-{name}")))
        if found:
            found[0].focus()
            found[0].scroll_visible()

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

    def update_title(self) -> None:
        with contextlib.suppress(NoMatches):
            self.query_one("#reg-title", Static).update(Text(self.title_text()))

    def title_text(self) -> str:
        return t("registration.ui.intake_title", type=label(self.org_type))
