"""The built-in template sets (one folder per document language), their vocabulary,
the document number and the required keys of a template."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from mca_tui.reports.documents.kinds import (
    DEFAULT_LANGUAGE,
    KINDS,
    Template,
    UnknownDocumentKind,
    UnknownDocumentLanguage,
)

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def _folder(language: str) -> Traversable:
    folder = resources.files("mca_tui.reports") / "templates" / language
    if not folder.is_dir():
        raise UnknownDocumentLanguage(language)
    return folder


@cache
def builtin_template(kind: str, language: str = DEFAULT_LANGUAGE) -> Template:
    if kind not in KINDS:
        raise UnknownDocumentKind(kind)
    raw = tomllib.loads((_folder(language) / f"{kind}.toml").read_text(encoding="utf-8"))
    return Template(kind, language, raw["title"], raw["number_code"],
                    tuple(raw.get("required", ())), tuple(raw["body"]))


@cache
def vocabulary(language: str = DEFAULT_LANGUAGE) -> dict[str, dict[str, str]]:
    """Words of the document language for codes, by group (``org_type``, ``item`` …)."""
    raw = tomllib.loads((_folder(language) / "vocabulary.toml").read_text(encoding="utf-8"))
    return {group: {str(k): str(v) for k, v in table.items()} for group, table in raw.items()}


def word(group: str, code: object, language: str = DEFAULT_LANGUAGE) -> str:
    """The document-language word for ``code`` in ``group``; an unknown code prints as
    itself (never silently empty)."""
    if code in (None, ""):
        return ""
    return vocabulary(language).get(group, {}).get(str(code), str(code))


def document_number(short_name: str, number_code: str, year: int, seq: int) -> str:
    """文号: ``<机关代字><种类代字>〔<年份>〕<序号>号``, e.g. 海民社受〔2022〕3号."""
    return f"{short_name}{number_code}〔{year}〕{seq}号"


def missing_fields(template: Template, data: Mapping[str, object]) -> list[str]:
    return [k for k in template.required
            if data.get(k) in (None, "", [], ())
            and not (k == "funds" and data.get("funds_fen") is not None)]
