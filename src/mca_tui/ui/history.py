"""How a change on the record's history reads (组织档案 · 历史): a label, not a column
name; subdistricts and enumerations in words; ids, hashes and bookkeeping left out; no
「（空）→（空）」 rows."""

from __future__ import annotations

import json

from mca_tui.i18n import t

# columns that mean nothing to a clerk
_HIDDEN = frozenset({"id", "version", "updated_at", "created_at", "content_sha256", "sha256",
                     "hash", "prev_hash", "name_sort_key", "search_rowid", "form_json",
                     "file_path", "data_json", "office_code", "hash_version"})

# field -> the enumerations its value may belong to, tried in order
_ENUMS = {
    "status": ("OrgStatus", "ApplicationStatus", "CaseStatus"),
    "kind": ("ApplicationKind", "SupervisionKind", "CreditListKind"),
    "org_type": ("OrgType",),
    "civil_form": ("CivilForm",),
    "revocation_kind": ("RevocationKind",),
    "conclusion": ("ReportConclusion",),
    "list_kind": ("CreditListKind",),
    "service_method": ("ServiceMethod",),
}


def _lookup(key: str) -> str | None:
    text = t(key)
    return None if text == key else text


def field_label(name: str) -> str | None:
    """The label of a recorded column, or None when it is not for people."""
    if name in _HIDDEN or name.endswith("_id") or name.endswith("_json"):
        return None
    for key in (f"field.{name}", f"registration.field.{name}", f"ui.history.field.{name}"):
        found = _lookup(key)
        if found:
            return found
    return None


def value_text(name: str, value: object, subdistricts: dict[str, str]) -> str:
    """A recorded value in words ('' for nothing)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return t("ui.history.yes" if value else "ui.history.no")
    if isinstance(value, list):
        return "；".join(value_text(name, v, subdistricts) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if name == "subdistrict_code":
        return subdistricts.get(text, text)
    if name == "direct_category":
        return _lookup(f"registration.direct.{text}") or text
    for enum in _ENUMS.get(name, ()):
        found = _lookup(f"enum.{enum}.{text}")
        if found:
            return found
    return text


def change_rows(changes, subdistricts: dict[str, str]) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(label, before, after) of the changes worth a line: labelled, and not empty on
    both sides (nor unchanged)."""
    out = []
    for ch in changes:
        label = field_label(ch.field)
        if label is None:
            continue
        before = value_text(ch.field, _parse(ch.before), subdistricts)
        after = value_text(ch.field, _parse(ch.after), subdistricts)
        if not before and not after or before == after:
            continue
        out.append((label, before, after))
    return out


def _parse(value: object) -> object:
    """Change values arrive as display strings; JSON lists and booleans become values."""
    if value in ("True", "False"):
        return value == "True"
    if isinstance(value, str) and value[:1] in ("[", "{") or value in ("true", "false"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
