"""Document engine: official documents (文书) as .docx, each with a number (文号).

``issue_document(unit, settings, kind, issued_on=..., data={...})`` runs inside the
caller's write transaction (``ctx.unit``): it allocates the next number for (office,
kind, year) from ``DocNumberCounter`` — so a rolled-back transaction consumes no number
and two clerks can never get the same one — renders the kind's template, writes the
file under ``settings.documents_path()/<year>/``, stores an ``IssuedDocument`` row
(file path, SHA-256 of the content, the data as JSON) and records it in the unit's
audit event. If the transaction later fails, the file stays on disk but no row points
at it; the next document of that number overwrites it (file names are per number).

Templates
---------
Each kind has a built-in default (``reports/templates/<kind>.toml``: title, number
code, required keys and the body as paragraphs/tables with ``{placeholders}``). An
administrator overrides it with a Word file ``<config dir>/templates/<kind>.docx``
holding the same placeholders; ``write_default_templates(folder)`` writes the built-in
defaults as .docx files to start from. A placeholder split across Word runs still works
(each paragraph is rendered as a whole; its formatting is that of its first run).

Number format: ``<office short name><number code>〔<year>〕<seq>号``, for example
受理通知书 海民社受〔2022〕3号 (short name from ``settings.office.short_name``).

Data keys (``data`` dict)
-------------------------
Values may be str, int, date (rendered 2022年3月5日), list (rendered as numbered lines),
or None (rendered empty). Any key ending in ``_fen`` also yields the key without the
suffix as a Chinese amount (``funds_fen`` -> ``{funds}`` = 3万元). ``org_type`` may be
an OrgType value ("social_group"): it is rendered as its Chinese label.
Filled in by the engine: ``number``, ``issued_on``, ``office_name``, ``year``, ``title``.
Optional everywhere: ``office_phone`` (default: settings ``office.phone``; the line
``{contact_line}`` is empty without one), ``application_number`` (受理号), ``note``,
``registration_kind`` (成立登记 by default, 变更登记 for a change).

- ``acceptance_notice`` 受理通知书: org_name*, applicant* (申请人), received_on*,
  accepted_on*, org_type, application_number, decision_due (the decision deadline),
  materials_complete (False: the file still needs 补正; the notice then says so and
  that every missing item will be listed within 5 working days).
- ``correction_notice`` 补正材料通知书: org_name*, applicant*, received_on*,
  missing_items* (list of every missing or defective item, in full), org_type,
  application_number, correction_due (date or text; ``{correction_request}`` is the
  sentence asking for the corrections, with or without that deadline), note.
- ``refusal_decision`` 不予登记决定书: org_name*, applicant*, received_on*, reasons*
  (str or list: the written reasons), org_type, application_number, legal_basis
  (default from org_type: 《社会团体登记管理条例》第十三条 / 《民办非企业单位登记管理暂行条例》
  第十一条), review_body (行政复议机关, default 厦门市海沧区人民政府), court (default
  厦门市海沧区人民法院). The remedy sentence (review within 60 days, lawsuit within 6
  months) is part of the template.
- ``approval_decision`` 准予登记决定书: org_name*, applicant*, uscc*, org_type,
  received_on, application_number, legal_rep, domicile, legal_basis (default from
  org_type: 社会团体登记管理条例第十二条 / 民办非企业单位登记管理暂行条例第十一条),
  note (for a change: the changed items, before and after).
- ``certificate_sheet`` 登记证书信息表: org_name*, uscc*, org_type*, legal_rep*,
  serial_original* (正本), serial_duplicate* (副本), domicile, business_scope,
  funds_fen (or funds as text), supervisory_unit (业务主管单位), established_on,
  valid_from, valid_to.
- ``announcement`` 成立登记公告: org_name*, uscc*, org_type*, legal_rep*, domicile,
  business_scope, funds_fen (or funds), supervisory_unit, established_on.

(* = required; a missing required key raises ValidationFailed naming it.)
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from sqlmodel import Session, select

from mca_tui import config as cfg
from mca_tui.config import Settings
from mca_tui.domain.enums import OrgType
from mca_tui.domain.money import format_yuan_cn
from mca_tui.services.context import Unit
from mca_tui.services.errors import FieldProblem, ValidationFailed
from mca_tui.storage.audit import to_json
from mca_tui.storage.models import DocNumberCounter, IssuedDocument, Office

KINDS: tuple[str, ...] = (
    "acceptance_notice",
    "correction_notice",
    "refusal_decision",
    "approval_decision",
    "certificate_sheet",
    "announcement",
)

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

_LAW_SG = "《社会团体登记管理条例》"
_LAW_PNE = "《民办非企业单位登记管理暂行条例》"
_LAW_FD = "《基金会管理条例》"
_DEFAULT_BASIS = {
    "refusal_decision": {
        OrgType.SOCIAL_GROUP: f"{_LAW_SG}第十三条",
        OrgType.PRIVATE_NON_ENTERPRISE: f"{_LAW_PNE}第十一条",
        OrgType.FOUNDATION: f"{_LAW_FD}第十一条",
    },
    "approval_decision": {
        OrgType.SOCIAL_GROUP: f"{_LAW_SG}第十二条",
        OrgType.PRIVATE_NON_ENTERPRISE: f"{_LAW_PNE}第十一条",
        OrgType.FOUNDATION: f"{_LAW_FD}第十一条",
    },
}
_DEFAULTS = {
    "registration_kind": "成立登记",
    "review_body": "厦门市海沧区人民政府",
    "court": "厦门市海沧区人民法院",
}


@dataclass(frozen=True)
class IssuedDocumentInfo:
    id: str
    kind: str
    number: str
    title: str
    file_path: str
    issued_on: date
    preview_text: str


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    number_code: str
    required: tuple[str, ...]
    body: tuple[dict, ...]


class UnknownDocumentKind(ValueError):
    pass


@cache
def builtin_template(kind: str) -> Template:
    if kind not in KINDS:
        raise UnknownDocumentKind(kind)
    text = (resources.files("mca_tui.reports") / "templates" / f"{kind}.toml").read_text(
        encoding="utf-8")
    raw = tomllib.loads(text)
    return Template(kind, raw["title"], raw["number_code"], tuple(raw.get("required", ())),
                    tuple(raw["body"]))


def override_path(kind: str) -> Path:
    """Where an administrator's template for ``kind`` lives."""
    return cfg.config_dir() / "templates" / f"{kind}.docx"


def format_date_cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def document_number(settings: Settings, template: Template, year: int, seq: int) -> str:
    return f"{settings.office.short_name}{template.number_code}〔{year}〕{seq}号"


# --------------------------------------------------------------------------- values


def _render_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date_cn(value)
    if isinstance(value, (list, tuple)):
        items = [_render_value(v) for v in value if v not in (None, "")]
        return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
    if isinstance(value, OrgType):
        from mca_tui.i18n import label

        return label(value, "zh")
    return str(value)


def prepare_values(kind: str, data: dict, fixed: dict) -> dict[str, str]:
    """The placeholder values of a document: ``data`` plus derived and fixed keys."""
    values: dict[str, object] = dict(_DEFAULTS)
    org_type: OrgType | None = None
    raw_type = data.get("org_type")
    if isinstance(raw_type, str) and raw_type in OrgType._value2member_map_:
        org_type = OrgType(raw_type)
    elif isinstance(raw_type, OrgType):
        org_type = raw_type
    if org_type and kind in _DEFAULT_BASIS:
        values["legal_basis"] = _DEFAULT_BASIS[kind][org_type]
    values.update(data)
    if org_type:
        values["org_type"] = org_type
    # The acceptance notice may not call an incomplete file complete (行政许可法 Art 32).
    if values.get("materials_complete", True) in (False, "false", 0):
        values["acceptance_finding"] = ("经初步查验，申请材料尚需补正。本机关将自收到申请之日起"
                                        "5个工作日内一次性告知需要补正的全部内容。")
        values["decision_text"] = ("补正材料齐全之日起，本机关依法进行审查，并在法定期限内作出"
                                   "准予登记或者不予登记的决定。")
    else:
        values["acceptance_finding"] = "经审查，申请材料齐全、符合法定形式，本机关决定予以受理。"
        values["decision_text"] = (f"本机关将自受理之日起依法进行审查，并于"
                                   f"{_render_value(values.get('decision_due'))}前作出准予登记"
                                   "或者不予登记的决定。审查期间如需补充说明情况，请按本机关通知办理。")
    phone = values.get("office_phone")
    values["contact_line"] = f"联系电话：{_render_value(phone)}" if phone else ""
    # The 补正 notice must read well with or without a deadline for the applicant.
    due = values.get("correction_due")
    values["correction_request"] = (f"请于{_render_value(due)}前一并提交补正材料。" if due
                                    else "请将上述全部内容一次补正后一并提交。")
    for key, value in data.items():
        if key.endswith("_fen") and isinstance(value, int) and key[:-4] not in data:
            values[key[:-4]] = format_yuan_cn(value)
    values.update(fixed)
    return {k: _render_value(v) for k, v in values.items()}


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text)


def _check_required(template: Template, data: dict) -> None:
    missing = [k for k in template.required
               if data.get(k) in (None, "", [], ())
               and not (k == "funds" and data.get("funds_fen") is not None)]
    if missing:
        raise ValidationFailed([FieldProblem(k, "doc.missing_field", {"field": k})
                                for k in missing])


# --------------------------------------------------------------------------- rendering


def _new_document():  # noqa: ANN202 - docx.Document
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(14)
    # East-Asian font must be set on the rFonts element for Word to use it for CJK.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return doc


def build_template_document(template: Template):  # noqa: ANN201 - docx.Document
    """The built-in template as a Word document with {placeholders} (unfilled)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = _new_document()
    for block in template.body:
        style = block.get("style", "para")
        if style == "table":
            rows = block["rows"]
            table = doc.add_table(rows=len(rows), cols=2)
            table.style = "Table Grid"
            for r, (left, right) in enumerate(rows):
                table.cell(r, 0).text = left
                table.cell(r, 1).text = right
            continue
        p = doc.add_paragraph()
        run = p.add_run(block.get("text", ""))
        if style == "office":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
            run.font.size = Pt(18)
        elif style == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
            run.font.size = Pt(22)
        elif style == "number":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif style == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif style in ("indent", "list"):
            p.paragraph_format.first_line_indent = Pt(28)
    return doc


def _fill_paragraph(paragraph, values: dict[str, str]) -> None:  # noqa: ANN001
    text = paragraph.text
    if "{" not in text:
        return
    new = _fill(text, values)
    runs = paragraph.runs
    if not runs:
        return
    runs[0].text = new  # python-docx turns "\n" into line breaks
    for run in runs[1:]:
        run.text = ""


def _iter_paragraphs(doc):  # noqa: ANN001, ANN202
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in doc.sections:
        yield from section.header.paragraphs
        yield from section.footer.paragraphs


def render(kind: str, values: dict[str, str]) -> bytes:
    """The filled document as .docx bytes (administrator's template if present)."""
    import docx

    path = override_path(kind)
    doc = docx.Document(str(path)) if path.exists() else build_template_document(
        builtin_template(kind))
    for paragraph in _iter_paragraphs(doc):
        _fill_paragraph(paragraph, values)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write_default_templates(folder: Path | None = None) -> list[Path]:
    """Write the built-in templates as editable .docx files (default: the override
    folder); existing files are left alone. Returns the paths written."""
    folder = folder or override_path(KINDS[0]).parent
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        target = folder / f"{kind}.docx"
        if target.exists():
            continue
        build_template_document(builtin_template(kind)).save(str(target))
        written.append(target)
    return written


def preview_text(path: str | Path) -> str:
    """Plain text of a .docx for a terminal preview: paragraphs, then table rows with
    cells separated by two spaces."""
    import docx

    doc = docx.Document(str(path))
    lines: list[str] = []
    body = doc.element.body
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, doc).text)
        elif tag == "tbl":
            for row in Table(child, doc).rows:
                lines.append("  ".join(c.text for c in row.cells))
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


# --------------------------------------------------------------------------- issuing


def _office(session: Session, settings: Settings, office_id: str | None) -> Office:
    if office_id:
        office = session.get(Office, office_id)
    else:
        office = session.exec(
            select(Office).where(Office.code == settings.office.division_code)).first()
    if office is None:
        raise ValueError("the office row does not exist (run ensure_office first)")
    return office


def next_number(session: Session, office_id: str, kind: str, year: int) -> int:
    """Advance the gapless counter of (office, kind, year) inside the caller's
    transaction; a rollback returns the number."""
    counter = session.get(DocNumberCounter, (office_id, kind, year))
    if counter is None:
        counter = DocNumberCounter(office_id=office_id, kind=kind, year=year, last_seq=0)
    counter.last_seq += 1
    session.add(counter)
    session.flush()
    return counter.last_seq


def issue_document(unit: Unit, settings: Settings, kind: str, *, issued_on: date,
                   organization_id: str | None = None, application_id: str | None = None,
                   case_id: str | None = None, data: dict,
                   office_id: str | None = None) -> IssuedDocumentInfo:
    """Number, render, store and record one document (see the module docstring)."""
    template = builtin_template(kind)
    _check_required(template, data)
    s = unit.session
    office = _office(s, settings, office_id)
    year = issued_on.year
    seq = next_number(s, office.id, kind, year)
    number = document_number(settings, template, year, seq)
    fixed = {"number": number, "issued_on": issued_on, "office_name": settings.office.name,
             "year": str(year)}
    if not data.get("office_phone") and settings.office.phone:
        data = {**data, "office_phone": settings.office.phone}
    values = prepare_values(kind, data, fixed)
    title = _fill(template.title, values)
    values["title"] = title
    content = render(kind, values)
    folder = settings.documents_path() / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{office.code}-{year}-{seq:05d}.docx"
    path.write_bytes(content)
    sha = hashlib.sha256(content).hexdigest()
    doc = IssuedDocument(
        office_id=office.id, kind=kind, year=year, seq=seq, number=number, title=title,
        organization_id=organization_id, application_id=application_id, case_id=case_id,
        issued_on=issued_on, file_path=str(path), content_sha256=sha,
        data_json=to_json(_jsonable(data)),
    )
    s.add(doc)
    s.flush()
    unit.record("issued_document", doc.id, None,
                {"kind": kind, "number": number, "title": title, "file_path": str(path),
                 "content_sha256": sha, "issued_on": issued_on},
                organization_id=organization_id)
    return IssuedDocumentInfo(doc.id, kind, number, title, str(path), issued_on,
                              preview_text(path))


def _jsonable(data: dict) -> dict:
    return json.loads(to_json(data))


def verify_file(doc: IssuedDocument) -> bool:
    """True if the file on disk still has the content recorded when it was issued."""
    path = Path(doc.file_path)
    return path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == doc.content_sha256
