"""The registration form's checks: a field checked as the clerk leaves it
(``services.registration.field_message``, the name's register look-ups, the persons' ID
numbers), the materials checklist rechecked as boxes are ticked, and the findings of F5/F9
under their fields, at the end of the form and summed up at the top."""

from __future__ import annotations

from rich.text import Text
from textual.events import DescendantBlur
from textual.widgets import Input, Select, Static

from mca_tui.domain.eligibility import FindingDTO, materials_findings
from mca_tui.domain.identifiers import validate_id_number
from mca_tui.i18n import t
from mca_tui.services import registration as reg
from mca_tui.ui.widgets.form.layout import FormLayout


class FormChecks(FormLayout):
    """The checks of the form (the third layer of ``RegistrationFormScreen``)."""

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
