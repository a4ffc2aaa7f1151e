"""补正: the clerk completes what the reviewer listed; F9 sends the application back to
review (the intake form with the correction keys)."""

from __future__ import annotations

from textual.binding import Binding

from mca_tui.i18n import t
from mca_tui.ui.screens.intake import IntakeScreen


class CorrectionScreen(IntakeScreen):
    """补正: the clerk completes what the reviewer listed; F9 sends it back to review."""

    BINDINGS = [
        Binding("f5", "check_all", t("registration.ui.key_check"), id="registration.check"),
        Binding("f6", "add_person", t("registration.ui.key_add_person"),
                id="registration.add_person"),
        Binding("f9", "submit", t("registration.ui.key_complete_correction"),
                id="registration.submit"),
        Binding("escape", "back", t("registration.ui.key_back"), id="registration.back"),
    ]
