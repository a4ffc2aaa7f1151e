"""Documents as plain text: rendered from the built-in template (previews, the
announcement text kept with the record) and read back from a .docx file."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mca_tui.reports.documents.kinds import _LIST_ONLY, DEFAULT_LANGUAGE
from mca_tui.reports.documents.templates import builtin_template
from mca_tui.reports.documents.values import fill, numbered

if TYPE_CHECKING:
    pass


def render_text(kind: str, values: Mapping[str, object],
                language: str = DEFAULT_LANGUAGE) -> str:
    """The document as plain text from the built-in template (for previews and the
    announcement text kept with the record); no file, no Word."""
    template = builtin_template(kind, language)
    lines = [str(values.get("office_name", "")), str(values.get("number", "")),
             str(values.get("title", ""))]
    for block in template.body:
        style = block.get("style", "body")
        if style == "table":
            for label, cell in block["rows"]:
                value = fill(cell, values)
                if value.strip():
                    lines.append(f"{fill(label, values)}  {value}")
            continue
        m = _LIST_ONLY.match(block.get("text", ""))
        if style == "list" and m:
            items = values.get(m.group(1)) or []
            lines.extend(i.replace("\t", " ") for i in numbered(
                items if isinstance(items, list) else [str(items)]))
            continue
        text = fill(block.get("text", ""), values)
        if text.strip():
            lines.append(("　　" if style == "body" else "") + text)
    lines += [str(values.get("office_name", "")), str(values.get("issued_on", ""))]
    return "\n".join(lines)


def preview_text(source: str | Path | bytes) -> str:
    """Plain text of a .docx (a path or the bytes) for a terminal preview: paragraphs,
    then table rows with cells separated by two spaces."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    lines: list[str] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, doc).text.replace("\t", " "))
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                lines.append("  ".join(c.text for c in row.cells))
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)
