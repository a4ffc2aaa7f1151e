"""Official documents (文书) as .docx: templates, values and GB/T 9704-2012 layout.

This module only renders. Numbering (文号), the ``IssuedDocument`` record and the
transaction live in ``mca_tui.services.documents``; this module never imports
``mca_tui.services`` and never touches the database.

Document language
-----------------
Documents are written in the *document language* (setting ``documents.language``,
default ``zh-CN``), never in the UI language. Each language has its own template set
under ``reports/templates/<language>/``: one ``<kind>.toml`` per kind and a
``vocabulary.toml`` with the words the renderer puts in for codes (organization type,
kind of registration, changed items, certificate names, …). Records hold codes and
parameters only (``org_type = "social_group"``, ``registration_kind = "change"``,
``changes = [{"item": "domicile", "before": …, "after": …}]``); the words come from the
vocabulary at render time.

Templates
---------
A template (``<kind>.toml``) has a title, a number code (文号 代字), its required keys
and a body of blocks with ``{placeholders}``: ``addressee`` (主送, flush left),
``body`` (first line indented two characters), ``list`` (the whole block is one list
placeholder: one hanging-indented, numbered paragraph per item) and ``table`` (label /
value rows). The head (发文机关标志, 文号, title) and the signature (署名, 成文日期) are
the same for every kind and added by the renderer. An administrator can override a kind
with a Word file ``<override dir>/<kind>.docx`` holding the same placeholders
(``write_default_templates`` writes the built-in ones to start from). When filling
either, a paragraph that is only a list placeholder becomes one paragraph per item, a
paragraph left empty is removed (no empty paragraphs), and a table row whose value is
empty is removed.

Layout (GB/T 9704-2012)
-----------------------
A4; margins 37 mm top, 35 mm bottom, 28 mm left (binding side), 26 mm right: a 版心 of
156 × 225 mm; 22 lines × 28 characters (a line grid of 28.95 pt, exact line spacing;
characters condensed 0.25 pt). Body 仿宋_GB2312 3号 (16 pt, font table fallback 仿宋); title
方正小标宋简体 2号 (22 pt) bold, fallback 宋体; 发文机关标志 in red 方正小标宋简体; 文号
``海民社受〔2026〕3号`` centred two lines under it, with the red separator line 4 mm below;
the signature and the 成文日期 (Arabic numerals, 2026年11月28日) right-aligned, the date
four characters from the right edge and the signature centred over it, two lines below
the text so that the seal fits (§7.3.5.1); page numbers ``— 1 —`` in 4号 宋体 half-width
digits (a PAGE field), odd pages right, even pages left, one character in (§7.5);
language zh-CN; quotation marks “ ” (「」 in values are converted).

Amounts
-------
Amounts come from the record in fen and are printed by one rule (``format_amount``):
below 10,000 yuan in 元, from 10,000 in 万元, from 100,000,000 in 亿元, the figure
exact with trailing zeros dropped: 3万元, 3.5万元, 8,000元, 1.2亿元, 3.012345万元.
"""

from __future__ import annotations

from mca_tui.reports.documents.kinds import (
    DEFAULT_LANGUAGE,
    KINDS,
    MissingDocumentData,
    Template,
    UnknownDocumentKind,
    UnknownDocumentLanguage,
)
from mca_tui.reports.documents.layout import (
    BODY_FONT,
    BODY_FONT_FALLBACK,
    LATIN_FONT,
    PAGE_NO_FONT,
    TITLE_FONT,
    TITLE_FONT_FALLBACK,
    build_template_document,
    render_docx,
    write_default_templates,
)
from mca_tui.reports.documents.templates import (
    builtin_template,
    document_number,
    missing_fields,
    vocabulary,
    word,
)
from mca_tui.reports.documents.text import preview_text, render_text
from mca_tui.reports.documents.values import (
    chinese_quotes,
    fill,
    format_amount,
    format_date,
    numbered,
    prepare_values,
    split_items,
)

__all__ = [
    "BODY_FONT",
    "BODY_FONT_FALLBACK",
    "DEFAULT_LANGUAGE",
    "KINDS",
    "LATIN_FONT",
    "MissingDocumentData",
    "PAGE_NO_FONT",
    "TITLE_FONT",
    "TITLE_FONT_FALLBACK",
    "Template",
    "UnknownDocumentKind",
    "UnknownDocumentLanguage",
    "build_template_document",
    "builtin_template",
    "chinese_quotes",
    "document_number",
    "fill",
    "format_amount",
    "format_date",
    "missing_fields",
    "numbered",
    "prepare_values",
    "preview_text",
    "render_docx",
    "render_text",
    "split_items",
    "vocabulary",
    "word",
    "write_default_templates",
]
