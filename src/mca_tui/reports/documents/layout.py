"""The .docx file in the GB/T 9704-2012 layout: page, fonts, head, signature, page
numbers, the body blocks, filling an administrator's Word template."""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mca_tui.reports.documents.kinds import _LIST_ONLY, DEFAULT_LANGUAGE, KINDS, Template
from mca_tui.reports.documents.templates import builtin_template
from mca_tui.reports.documents.values import fill, numbered

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.section import Section
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run


# GB/T 9704-2012 geometry.
_LINE_PITCH_TWIPS = 579  # 225 mm / 22 lines = 28.95 pt
_BODY_PT = 16  # 3号
_TITLE_PT = 22  # 2号
_HEAD_PT = 36  # 发文机关标志 (小初)
_PAGE_NO_PT = 14  # 4号
# 28 characters a line: 156 mm / 28 = 15.79 pt, so each 16 pt character is condensed by
# 0.25 pt (w:spacing -5 twentieths: 28 × 15.75 pt = 441 pt ≤ 442.2 pt). A line-only grid
# (type "lines"): LibreOffice gives a character grid cell narrower than the glyph two
# cells, which would halve the characters per line.
_CHAR_CONDENSE = -5
_CHAR_TWIPS = 320  # one 3号 character, for indents given both in chars and twips
_RED = "FF0000"
BODY_FONT = "仿宋_GB2312"
BODY_FONT_FALLBACK = "仿宋"
TITLE_FONT = "方正小标宋简体"
TITLE_FONT_FALLBACK = "宋体"
PAGE_NO_FONT = "宋体"
LATIN_FONT = "Times New Roman"


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _element(tag: str, **attrs: str) -> Any:  # noqa: ANN401 - an lxml element
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{tag}")
    for k, val in attrs.items():
        el.set(_w(k), val)
    return el


def _fonts(rpr: Any, east_asia: str, latin: str) -> None:  # noqa: ANN401
    rfonts = rpr.find(_w("rFonts"))
    if rfonts is None:
        rfonts = _element("rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme"):
            del rfonts.attrib[attr]
    rfonts.set(_w("ascii"), latin)
    rfonts.set(_w("hAnsi"), latin)
    rfonts.set(_w("eastAsia"), east_asia)
    rfonts.set(_w("cs"), latin)


def _run_format(run: Run, *, east_asia: str = BODY_FONT, latin: str = LATIN_FONT,
                size: float | None = None, bold: bool = False, color: str | None = None) -> None:
    from docx.shared import Pt, RGBColor

    rpr = run._r.get_or_add_rPr()
    _fonts(rpr, east_asia, latin)
    if size:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _indent(paragraph: Paragraph, **chars: int) -> None:
    """Indents in hundredths of a 3号 character (firstLine=200: two characters), written
    in twips only: LibreOffice drops a ``firstLineChars`` that follows a paragraph with
    ``hangingChars``."""
    ppr = paragraph._p.get_or_add_pPr()
    ind = ppr.find(_w("ind"))
    if ind is None:
        ind = _element("ind")
        ppr.append(ind)
    for side, hundredths in chars.items():
        ind.set(_w(side), str(hundredths * _CHAR_TWIPS // 100))


def _lines_before(paragraph: Paragraph, lines: float) -> None:
    from docx.shared import Twips

    paragraph.paragraph_format.space_before = Twips(int(_LINE_PITCH_TWIPS * lines))


def _setup_document() -> DocxDocument:
    import docx
    from docx.enum.text import WD_LINE_SPACING
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.shared import Mm, Pt, Twips

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    sect = section._sectPr
    grid = sect.find(_w("docGrid"))
    if grid is None:
        grid = _element("docGrid")
        sect.append(grid)
    grid.set(_w("type"), "lines")
    grid.set(_w("linePitch"), str(_LINE_PITCH_TWIPS))
    # Defaults for every run and paragraph: 仿宋 3号, zh-CN, exact line pitch.
    styles = doc.styles.element
    defaults = styles.find(_w("docDefaults"))
    rpr = defaults.find(_w("rPrDefault")).find(_w("rPr"))
    _fonts(rpr, BODY_FONT, LATIN_FONT)
    for tag in ("sz", "szCs"):
        rpr.find(_w(tag)).set(_w("val"), str(_BODY_PT * 2))
    rpr.find(_w("sz")).addprevious(_element("spacing", val=str(_CHAR_CONDENSE)))
    lang = rpr.find(_w("lang"))
    lang.set(_w("val"), "zh-CN")
    lang.set(_w("eastAsia"), "zh-CN")
    ppr = defaults.find(_w("pPrDefault")).find(_w("pPr"))
    spacing = ppr.find(_w("spacing"))
    spacing.attrib.clear()
    spacing.set(_w("before"), "0")
    spacing.set(_w("after"), "0")
    spacing.set(_w("line"), str(_LINE_PITCH_TWIPS))
    spacing.set(_w("lineRule"), "exact")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(_BODY_PT)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT, LATIN_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(_LINE_PITCH_TWIPS)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False
    # Font table: the GB fonts with their fallbacks (w:altName) for machines without them.
    table = doc.part.part_related_by(RT.FONT_TABLE)
    extra = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>'
        for name, alt, family in ((BODY_FONT, BODY_FONT_FALLBACK, "modern"),
                                  (TITLE_FONT, TITLE_FONT_FALLBACK, "script"),
                                  (PAGE_NO_FONT, "SimSun", "auto")))
    table._blob = table.blob.replace(b"</w:fonts>", extra.encode("utf-8") + b"</w:fonts>")
    doc.settings.odd_and_even_pages_header_footer = True
    theme_lang = doc.settings.element.find(_w("themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(_w("val"), "zh-CN")
        theme_lang.set(_w("eastAsia"), "zh-CN")
    _page_numbers(section)
    return doc


def _page_numbers(section: Section) -> None:
    """ "— 1 —" (4号 宋体, half-width digits): odd pages right, even pages left, one
    character in (GB/T 9704 §7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = align
        p.paragraph_format.line_spacing = None
        _indent(p, **{side: 100})
        _page_run(p, "— ")
        run = _page_run(p, "")
        run._r.append(_element("fldChar", fldCharType="begin"))
        instr = _element("instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = " PAGE "
        run._r.append(instr)
        run._r.append(_element("fldChar", fldCharType="separate"))
        run._r.append(_element("t"))
        run._r[-1].text = "1"
        run._r.append(_element("fldChar", fldCharType="end"))
        _page_run(p, " —")


def _page_run(p: Paragraph, text: str) -> Run:
    run = p.add_run(text)
    _run_format(run, east_asia=PAGE_NO_FONT, latin=PAGE_NO_FONT, size=_PAGE_NO_PT)
    return run


def _width(text: str) -> float:
    """Width in 3号 characters: half-width characters count one half."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


def _head(doc: DocxDocument, office: str, number: str, title: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _run_format(p.add_run(office), east_asia=TITLE_FONT, latin=TITLE_FONT, size=_HEAD_PT,
                color=_RED)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _lines_before(p, 2)
    _run_format(p.add_run(number))
    # 版头 separator: red, the width of the 版心, 4 mm under the number.
    borders = _element("pBdr")
    borders.append(_element("bottom", val="single", sz="12", space="11", color=_RED))
    p._p.get_or_add_pPr().append(borders)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _lines_before(p, 2)
    _run_format(p.add_run(title), east_asia=TITLE_FONT, latin=TITLE_FONT, size=_TITLE_PT,
                bold=True)


def _signature(doc: DocxDocument, office: str, issued_on: str) -> None:
    """署名 centred over the 成文日期, the date four characters from the right, two lines
    under the text: room for the seal (GB/T 9704 §7.3.5.1)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    sig = doc.add_paragraph()
    sig.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _lines_before(sig, 2)
    offset = 4 + (_width(issued_on) - _width(office)) / 2
    _indent(sig, right=max(0, round(offset * 100)))
    _run_format(sig.add_run(office))
    day = doc.add_paragraph()
    day.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _indent(day, right=400)
    _run_format(day.add_run(issued_on))


def _body_paragraph(doc: DocxDocument, style: str, text: str, first: bool) -> Paragraph:
    p = doc.add_paragraph()
    if style == "body":  # left given too: LibreOffice otherwise keeps a list's indent
        _indent(p, left=0, firstLine=200)
    elif style == "list":
        _indent(p, left=400, hanging=200)
    if first:
        _lines_before(p, 1)
    _run_format(p.add_run(text))
    return p


def _table(doc: DocxDocument, rows: list[list[str]]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, (52, 104), strict=True):
        column.width = Mm(width)
    for r, (label, value) in enumerate(rows):
        for c, (text, width) in enumerate(((label, 52), (value, 104))):
            cell = table.cell(r, c)
            cell.width = Mm(width)
            p = cell.paragraphs[0]
            if c == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run_format(p.add_run(text))


def build_template_document(template: Template) -> DocxDocument:
    """The built-in template as a laid-out Word document with {placeholders}."""
    doc = _setup_document()
    _head(doc, "{office_name}", "{number}", "{title}")
    first = True
    for block in template.body:
        style = block.get("style", "body")
        if style == "table":
            _table(doc, block["rows"])
        else:
            _body_paragraph(doc, style, block.get("text", ""), first)
        first = False
    _signature(doc, "{office_name}", "{issued_on}")
    return doc


def _iter_paragraphs(doc: DocxDocument) -> Iterator[Paragraph]:
    yield from list(doc.paragraphs)
    for section in doc.sections:
        yield from section.header.paragraphs
        yield from section.footer.paragraphs


def _set_text(paragraph: Paragraph, text: str) -> None:
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def _remove(element: Any) -> None:  # noqa: ANN401 - an lxml element
    element.getparent().remove(element)


def _fill_document(doc: DocxDocument, values: Mapping[str, object]) -> None:
    for paragraph in _iter_paragraphs(doc):
        text = paragraph.text
        if "{" not in text or not paragraph.runs:
            continue
        m = _LIST_ONLY.match(text)
        if m and isinstance(values.get(m.group(1)), list):
            items = numbered(values[m.group(1)])  # type: ignore[arg-type]
            for item in items:
                clone = copy.deepcopy(paragraph._p)
                paragraph._p.addprevious(clone)
                from docx.text.paragraph import Paragraph

                _set_text(Paragraph(clone, paragraph._parent), item)
            _remove(paragraph._p)
            continue
        new = fill(text, values)
        if new.strip():
            _set_text(paragraph, new)
        else:
            _remove(paragraph._p)
    for table in doc.tables:
        for row in list(table.rows):
            cells = row.cells
            texts = [c.text for c in cells]
            if not any("{" in x for x in texts):
                continue
            if "{" in texts[-1] and not fill(texts[-1], values).strip():
                _remove(row._tr)
                continue
            for cell in cells:
                for p in cell.paragraphs:
                    if p.runs and "{" in p.text:
                        _set_text(p, fill(p.text, values))


def _finish(doc: DocxDocument, values: Mapping[str, object], issued_on: date) -> bytes:
    props = doc.core_properties
    props.title = str(values.get("title", ""))
    props.author = props.last_modified_by = str(values.get("office_name", ""))
    props.language = "zh-CN"
    props.comments = ""
    moment = datetime(issued_on.year, issued_on.month, issued_on.day)
    props.created = props.modified = moment
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render_docx(kind: str, values: Mapping[str, object], *, issued_on: date,
                language: str = DEFAULT_LANGUAGE, override_dir: Path | None = None) -> bytes:
    """The filled document as .docx bytes (an administrator's template from
    ``override_dir`` if it holds one for ``kind``)."""
    import docx

    path = override_dir / f"{kind}.docx" if override_dir else None
    if path is not None and path.exists():
        doc = docx.Document(str(path))
    else:
        doc = build_template_document(builtin_template(kind, language))
    _fill_document(doc, values)
    return _finish(doc, values, issued_on)


def write_default_templates(folder: Path, language: str = DEFAULT_LANGUAGE) -> list[Path]:
    """Write the built-in templates as editable .docx files to ``folder``; existing files
    are left alone. Returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        target = folder / f"{kind}.docx"
        if target.exists():
            continue
        build_template_document(builtin_template(kind, language)).save(str(target))
        written.append(target)
    return written
