"""The registration form's draft: every change is noticed and autosaved to the draft
(``Application.form_json``, as typed) every few seconds and when the screen closes, so
nothing typed is lost when a check fails or the app exits; the save status line."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.css.query import NoMatches
from textual.widgets import Checkbox, Input, Static, TextArea

from mca_tui.domain.enums import ApplicationStatus
from mca_tui.i18n import label, t
from mca_tui.services import registration as reg
from mca_tui.ui.calls import call_on_close
from mca_tui.ui.widgets.form.checks import FormChecks

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


class FormDrafts(FormChecks):
    """The draft of the form (the fourth layer of ``RegistrationFormScreen``)."""

    def _worth_saving(self, form: dict) -> bool:
        return self.application_id is not None or meaningful(form)

    def on_unmount(self) -> None:
        # The last keystrokes must not be lost when the screen or the app closes: saved
        # off the event loop, and waited for before the process exits (ui.calls).
        if self.dirty and self.status == ApplicationStatus.DRAFT and not self._loading \
                and self._worth_saving(self._last_form):
            self.dirty = False
            call_on_close(self._save, dict(self._last_form), autosave=True)

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

    @property
    def has_unsaved_changes(self) -> bool:
        """For the app's quit confirmation (autosave makes this rare)."""
        return self.dirty
