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

import copy
import io
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from docx.document import Document as DocxDocument
    from docx.section import Section
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

DEFAULT_LANGUAGE = "zh-CN"

KINDS: tuple[str, ...] = (
    "acceptance_notice",
    "correction_notice",
    "refusal_decision",
    "approval_decision",
    "certificate_sheet",
    "announcement",
    "change_announcement",
    "receipt",  # 材料接收凭证 (行政许可法 Art 32): services.registration.submit
    # 列入 / 移出信用名录决定书 (Order 60): services.supervision.credit_lists
    "credit_listing_notice",
    "credit_removal_notice",
    # supervision (issue 10, services.supervision.{rectification,interviews,spot_checks})
    "rectification_notice",  # 责令整改通知书 (domain.md §9)
    "interview_notice",  # 约谈通知书 (民发〔2016〕39号)
    "inspection_notice",  # 抽查检查通知书 (民发〔2017〕45号)
    # deregistration (注销登记, services.deregistration) and custody (services.custody)
    "dereg_acceptance_notice",  # 注销登记申请受理通知书
    "dereg_extension_notice",  # 延长注销登记审查期限告知书 (行政许可法 Art 42)
    "dereg_approval_decision",  # 准予注销登记决定书 (also the 注销证明文件)
    "dereg_refusal_decision",  # 不予注销登记决定书
    "dereg_announcement",  # 注销登记公告
    "void_announcement",  # 证书印章作废公告 (also for revocation cases)
    # revocation of dormant organizations (撤销登记, services.revocation)
    "case_filing",  # 行政处罚立案审批表
    "advance_notice",  # 行政处罚事先告知书
    "hearing_notice",  # 听证通知书
    "penalty_decision",  # 行政处罚决定书（撤销登记）
    "service_announcement",  # 送达公告
    "revocation_announcement",  # 撤销登记公告
)

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_LIST_ONLY = re.compile(r"^\s*\{([a-z_][a-z0-9_]*)\}\s*$")

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


class UnknownDocumentKind(ValueError):
    pass


class UnknownDocumentLanguage(ValueError):
    pass


class MissingDocumentData(ValueError):
    """Required keys of a document are empty; ``fields`` names them."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


@dataclass(frozen=True)
class Template:
    kind: str
    language: str
    title: str
    number_code: str
    required: tuple[str, ...]
    body: tuple[dict[str, Any], ...]


# --------------------------------------------------------------------------- templates


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


# --------------------------------------------------------------------------- values


def format_date(d: date) -> str:
    """成文日期 style: Arabic numerals, no padding (2026年11月28日)."""
    return f"{d.year}年{d.month}月{d.day}日"


def _exact(n: int, unit: int) -> str:
    whole, rest = divmod(n, unit)
    width = len(str(unit)) - 1
    frac = f"{rest:0{width}d}".rstrip("0") if rest else ""
    return f"{whole:,}" + (f".{frac}" if frac else "")


def format_amount(fen: int) -> str:
    """One standard for every amount (see the module docstring): 3万元, 8,000元, 1.2亿元."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    if fen >= 100_000_000 * 100:
        return f"{sign}{_exact(fen, 100_000_000 * 100)}亿元"
    if fen >= 10_000 * 100:
        return f"{sign}{_exact(fen, 10_000 * 100)}万元"
    return f"{sign}{_exact(fen, 100)}元"


def chinese_quotes(text: str) -> str:
    """「」/『』 and straight double quotes become “ ” (GB/T 15834)."""
    text = text.replace("「", "“").replace("」", "”").replace("『", "‘").replace("』", "’")
    if '"' in text:
        parts = text.split('"')
        text = "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1]))
        text += parts[-1]
    return text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return format_date(date.fromisoformat(value))
    return chinese_quotes(str(value))


_LEADING_NUMBER = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）、.．]\s*)")


def _item_text(item: object, lang: str) -> str:
    """A list item: text as given, or a catalog message ``{"message": key, "params": {},
    "article": …}`` (e.g. an eligibility finding) in the document language."""
    if isinstance(item, (date, datetime)):
        return _text(item)
    if not isinstance(item, Mapping):
        return str(item)
    from mca_tui.i18n import normalize_language, t

    catalog = normalize_language(lang)
    text = t(str(item.get("message", "")), catalog, **dict(item.get("params") or {}))
    if item.get("article"):
        text += vocabulary(lang)["phrase"]["basis"].format(article=item["article"])
    return text


def split_items(value: object, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """A list of items from a list, or from text with one item per line (or items
    separated by ；); numbering typed by the user ("1." "一、" "（2）") is dropped,
    the renderer numbers the items itself; each item ends with ；, the last with 。."""
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        raw = [_item_text(v, lang) for v in value if v not in (None, "")]
    else:
        text = str(value).strip()
        raw = text.splitlines()
        if len(raw) == 1:
            raw = [p for p in re.split(r"[；;]", text)]
    items = [i for i in (_LEADING_NUMBER.sub("", r).strip().rstrip("；;。，,") for r in raw) if i]
    # a list reads as one sentence: items end with "；", the last with "。"
    return [i + ("。" if n == len(items) else "；") for n, i in enumerate(items, 1)]


def _changes(data: Mapping[str, object], lang: str, org_type: str) -> list[str]:
    lines = []
    given = data.get("changes")
    for change in given if isinstance(given, (list, tuple)) else []:
        if not isinstance(change, Mapping):
            continue
        item = str(change.get("item", ""))
        if item == "funds":
            label = word("funds_label", org_type or "social_group", lang)
            before = (format_amount(int(change["before_fen"]))
                      if change.get("before_fen") is not None else "")
            after = (format_amount(int(change["after_fen"]))
                     if change.get("after_fen") is not None else "")
        else:
            label = word("item", item, lang)
            before, after = change.get("before") or "", change.get("after") or ""
            if item == "direct_category":
                before, after = word("direct", before, lang), word("direct", after, lang)
            elif item == "civil_form":
                before, after = word("civil_form", before, lang), word("civil_form", after, lang)
        before, after = _text(before), _text(after)
        if before and before != after:
            lines.append(f"{label}由{before}变更为{after}。")
        elif before == after and after:
            lines.append(f"{label}{after}（人员身份信息变更）。")
        else:
            lines.append(f"{label}变更为{after}。")
    return lines


def prepare_values(kind: str, data: Mapping[str, object], *, number: str, issued_on: date,
                   office_name: str, language: str = DEFAULT_LANGUAGE,
                   ) -> dict[str, str | list[str]]:
    """The placeholder values of one document from its record: ``data`` (codes and
    parameters) plus the number, date and office. Lists stay lists (one paragraph per
    item); everything else is text in the document language."""
    lang = language
    v = vocabulary(lang)
    phrases = v.get("phrase", {})
    org_type = str(data.get("org_type") or "")
    values: dict[str, str | list[str]] = {}
    for key, value in data.items():
        if isinstance(value, (list, tuple)):
            values[key] = [_text(_item_text(x, lang)) for x in value if x not in (None, "")
                           if not isinstance(x, Mapping) or "message" in x]
        elif isinstance(value, Mapping):
            continue
        else:
            values[key] = _text(value)
    values["org_type"] = word("org_type", org_type, lang)
    reg_kind = str(data.get("registration_kind") or "establishment")
    values["registration_kind"] = word("registration_kind", reg_kind, lang)
    values["certificate_name"] = word(
        "certificate", f"{org_type}.{data.get('civil_form') or 'legal_person'}"
        if org_type == "private_non_enterprise" else org_type, lang) if org_type else ""
    values["funds_label"] = word("funds_label", org_type or "social_group", lang)
    for key, value in data.items():
        if key.endswith("_fen") and isinstance(value, int) and not isinstance(value, bool):
            values[key[:-4]] = format_amount(value)
    direct = str(data.get("direct_category") or "")
    if not data.get("supervisory_unit"):
        values["supervisory_unit"] = (word("direct", direct, lang) if direct
                                      else phrases.get("no_supervisory_unit", ""))
    basis = v.get(f"basis.{kind}.{reg_kind}", {}) or v.get(f"basis.{kind}", {})
    if not data.get("legal_basis") and org_type in basis:
        values["legal_basis"] = basis[org_type]
    values["registration_authority"] = _text(data.get("registration_authority") or office_name)
    # Kind-specific sentences, chosen here so that a Word override template can use them.
    complete = data.get("materials_complete", True) not in (False, "false", 0)
    if kind == "acceptance_notice":
        values["acceptance_finding"] = phrases["accept_complete" if complete
                                               else "accept_incomplete"]
        due = _text(data.get("decision_due"))
        values["decision_text"] = (phrases["decision_due"].format(due=due)
                                   if complete and due else phrases["decision_after_complete"])
    if kind == "correction_notice":
        values["missing_items"] = split_items(data.get("missing_items"), lang)
        values["correction_request"] = phrases["correction_due"].format(
            due=_text(data.get("correction_due")))
    if kind == "refusal_decision":
        values["reasons"] = split_items(data.get("reasons"), lang)
    if kind in ("approval_decision", "change_announcement"):
        values["change_lines"] = _changes(data, lang, org_type)
    if kind == "approval_decision":
        if reg_kind == "change":
            values["decision_sentence"] = phrases["approve_change"]
            values["registered_items"] = ""
            values["after_registration"] = (phrases["reissue_certificate"]
                                            if data.get("certificate_reissued") else "")
        else:
            values["decision_sentence"] = phrases["approve_establishment"]
            values["registered_items"] = "；".join(
                phrases[f"registered_{k}"].format(value=values[k])
                for k in ("uscc", "legal_rep", "domicile") if values.get(k)) + "。"
            values["after_registration"] = phrases["after_establishment"]
    if kind in ("credit_listing_notice", "credit_removal_notice"):
        _credit_values(values, data, kind, lang)
    if kind.startswith("dereg_") or kind == "void_announcement":
        _dereg_values(values, data, kind, lang)
    phone = _text(data.get("office_phone"))
    values["contact_line"] = phrases["contact_line"].format(phone=phone) if phone else ""
    validity = ""
    if data.get("valid_from") and data.get("valid_to"):
        validity = f"{_text(data['valid_from'])}至{_text(data['valid_to'])}"
    values["validity"] = validity
    values["number"] = number
    values["issued_on"] = format_date(issued_on)
    values["office_name"] = office_name
    values["year"] = str(issued_on.year)
    values["title"] = fill(builtin_template(kind, lang).title, values)
    return values


def _credit_values(values: dict[str, Any], data: Mapping[str, object], kind: str, lang: str) -> None:
    """Credit-list notices: list name, grounds and sentences from codes (Order 60)."""
    v = vocabulary(lang)
    list_kind = str(data.get("list_kind") or "abnormal")
    values["list_name"] = word("list_kind", list_kind, lang)
    codes = data.get("ground_codes") or []
    if isinstance(codes, (list, tuple)) and codes:
        values["grounds"] = [word(f"credit_ground.{list_kind}", c, lang) for c in codes]
    if kind == "credit_listing_notice":
        listing = v.get("credit_listing", {})
        values["restart_sentence"] = listing.get("restart", "") if data.get("restarted") else ""
        values["listing_consequence"] = listing.get(list_kind, "")
        if data.get("promoted_since") and not data.get("reason"):
            values["reason"] = listing.get("promoted_fact", "").format(
                since=_text(data.get("promoted_since")))
    else:
        values["removal_sentence"] = v.get("credit_removal", {}).get(str(data.get("way") or ""), "")


def _dereg_values(values: dict[str, Any], data: Mapping[str, object], kind: str, lang: str) -> None:
    """Deregistration documents and the void announcement: trigger, custody items and
    sentences from codes (services.deregistration, services.custody)."""
    v = vocabulary(lang)
    phrases = v.get("dereg", {})
    org_type = str(data.get("org_type") or "")
    values["trigger_text"] = word("dereg_trigger", data.get("trigger"), lang)
    if kind == "dereg_refusal_decision":
        values["reasons"] = split_items(data.get("reasons"), lang)
    if not data.get("legal_basis"):
        group = "basis.dereg_announcement" if kind == "dereg_announcement" else "basis.dereg"
        values["legal_basis"] = v.get(group, {}).get(org_type, "")
    values["late_sentence"] = (phrases.get("late", "").format(
        applied=_text(data.get("received_on")), due=_text(data.get("application_due")))
        if data.get("late") else "")
    items = data.get("custody_items")
    if isinstance(items, (list, tuple)):
        values["custody_items"] = [word("custody_item", c, lang) for c in items]
    void = data.get("void_items")
    if isinstance(void, (list, tuple)):
        lines = []
        for entry in void:
            if not isinstance(entry, Mapping):
                continue
            name = word("custody_item", entry.get("item"), lang)
            serial = str(entry.get("serial") or "")
            lines.append(phrases.get("serial", "{item}").format(item=name, serial=serial)
                         if serial else name)
        values["void_items"] = lines
    values["void_reason"] = phrases.get(f"void_reason_{data.get('reason_code')}", "")
    values["void_sentence"] = phrases.get("void_some" if data.get("custody_outstanding")
                                          else "void_none", "")


def fill(text: str, values: Mapping[str, object]) -> str:
    def one(m: re.Match[str]) -> str:
        value = values.get(m.group(1), "")
        if isinstance(value, list):
            return "；".join(value)
        return str(value)

    return _PLACEHOLDER.sub(one, text)


def numbered(items: Iterable[str]) -> list[str]:
    return [f"{i}.\t{item}" for i, item in enumerate(items, 1)]


# --------------------------------------------------------------------------- plain text


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


# --------------------------------------------------------------------------- .docx


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
