"""Official documents: numbering, render-after-commit, relative paths and re-rendering,
GB/T 9704-2012 layout and the content the law asks of each kind, in the document
language whatever the UI language."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.shared import Length, Mm, Pt
from sqlmodel import select

from mca_tui import i18n
from mca_tui.domain.enums import Role
from mca_tui.reports import documents as render_lib
from mca_tui.services import documents
from mca_tui.services.context import ServiceContext, open_unit
from mca_tui.services.errors import PermissionDenied, ValidationFailed
from mca_tui.storage.audit import Subject
from mca_tui.storage.models import IssuedDocument

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ON = date(2022, 3, 2)

ACCEPT = {"org_name": "厦门市海沧区嵩屿街道社会工作服务中心", "applicant": "张三",
          "received_on": date(2022, 3, 1), "accepted_on": ON,
          "org_type": "private_non_enterprise", "application_number": "350205-2022-00001",
          "decision_due": date(2022, 4, 30)}
SHEET = {"org_name": "厦门市海沧区老年人体育协会", "uscc": "51350205MJ0000026B",
         "org_type": "social_group", "legal_rep": "李四", "domicile": "厦门市海沧区海沧大道100号",
         "purpose": "团结老年体育爱好者", "business_scope": "组织老年人体育活动",
         "activity_area": "厦门市海沧区", "funds_fen": 3_000_000,
         "supervisory_unit": "厦门市海沧区体育局", "serial_original": "350205202200001Z",
         "serial_duplicate": "350205202200001F", "established_on": date(2022, 6, 30),
         "valid_from": date(2022, 6, 30), "valid_to": date(2027, 6, 29)}
CHANGES = [{"item": "name", "before": "厦门市海沧区书法协会", "after": "厦门市海沧区书法家协会"},
           {"item": "domicile", "before": "海沧大道1号", "after": "沧林路8号"},
           {"item": "funds", "before_fen": 3_000_000, "after_fen": 5_000_000}]

# Data that satisfies every kind (each kind uses what it needs).
EVERY = {**ACCEPT, **{k: v for k, v in SHEET.items() if k not in ("org_type",)},
         "missing_items": ["章程草案", "验资报告"], "reasons": "在同一行政区域内已有业务范围相同的社会团体",
         "notice_due": date(2022, 3, 9), "received_items": ["登记申请书"],
         "changes": CHANGES, "decided_on": ON,
         # deregistration and custody kinds (services.deregistration / services.custody)
         "trigger": "self_dissolution", "liquidation_end_on": date(2022, 2, 20),
         "custody_items": ["certificate_original", "seals"], "published_on": ON,
         "void_items": [{"item": "certificate_original", "serial": "350205202200001Z"},
                        {"item": "seals", "serial": ""}],
         "reason_code": "deregistration", "reason": "清算报告需进一步核实"}


# The kinds of the registration workflow (services.registration); other workflows add
# theirs to render_lib.KINDS and are covered here by the layout test.
REGISTRATION_KINDS = ("acceptance_notice", "correction_notice", "refusal_decision",
                      "approval_decision", "certificate_sheet", "announcement",
                      "change_announcement", "receipt")


def _full(kind: str, data: dict) -> dict:
    """``data`` plus a sample value for every other key the kind requires."""
    template = render_lib.builtin_template(kind)
    return {**{k: "示例" for k in template.required}, **data}


def _issue(ctx: ServiceContext, kind: str = "acceptance_notice", data: dict | None = None,
           on: date = ON) -> documents.IssuedDocumentInfo:
    with open_unit(ctx.db, ctx.actor, "document.test",
                   subject=Subject("issued_document", None)) as unit:
        return documents.issue(unit, ctx, kind, issued_on=on, data=dict(data or ACCEPT))


def _file(ctx: ServiceContext, info: documents.IssuedDocumentInfo) -> Path:
    return documents.resolve(ctx.settings, info.file_path, ctx.db)


def _body_texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


# --------------------------------------------------------------------------- numbering, files


def test_numbers_are_sequential_per_kind_and_year(ctx):
    a = _issue(ctx)
    b = _issue(ctx)
    c = _issue(ctx, on=date(2023, 1, 5))
    d = _issue(ctx, "correction_notice", {**ACCEPT, "missing_items": ["章程草案"]})
    assert a.number == "海民社受〔2022〕1号"
    assert b.number == "海民社受〔2022〕2号"
    assert c.number == "海民社受〔2023〕1号"
    assert d.number == "海民社补〔2022〕1号"


def test_failed_transaction_consumes_no_number_and_writes_no_file(ctx, settings):
    _issue(ctx)
    with pytest.raises(RuntimeError), open_unit(ctx.db, ctx.actor, "document.test",
                                                subject=Subject("issued_document", None)) as u:
        lost = documents.issue(u, ctx, "acceptance_notice", issued_on=ON, data=dict(ACCEPT))
        raise RuntimeError("boom")
    assert not (settings.documents_path() / lost.file_path).exists()
    again = _issue(ctx)
    assert again.number == "海民社受〔2022〕2号"
    with ctx.db.read() as s:
        assert sorted(d.seq for d in s.exec(select(IssuedDocument))) == [1, 2]


def test_file_is_written_only_after_commit_at_a_relative_path(ctx, settings):
    with open_unit(ctx.db, ctx.actor, "document.test",
                   subject=Subject("issued_document", None)) as unit:
        info = documents.issue(unit, ctx, "acceptance_notice", issued_on=ON, data=dict(ACCEPT))
        # inside the transaction (write lock held): numbered and recorded, no file yet
        assert not (settings.documents_path() / info.file_path).exists()
    assert not Path(info.file_path).is_absolute()
    assert info.file_path.startswith("2022/") and info.file_path.endswith(".docx")
    assert (settings.documents_path() / info.file_path).exists()
    with ctx.db.read() as s:
        row = s.get(IssuedDocument, info.id)
    assert row.file_path == info.file_path
    assert "受理通知书" in info.preview_text and info.number in info.preview_text
    assert documents.verify(ctx, info.id)


@pytest.mark.sqlite_only
def test_rendering_runs_after_the_write_lock_is_released(ctx, db, monkeypatch):
    import sqlite3

    seen = []
    real = render_lib.render_docx

    def probe(*args, **kwargs):
        # another writer can take the write lock at once while the file is rendered
        conn = sqlite3.connect(db.path, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError:
            seen.append("locked")
        finally:
            conn.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(render_lib, "render_docx", probe)
    _issue(ctx)
    assert seen == ["free"]


def test_failed_rendering_keeps_the_record_and_the_file_is_rendered_from_it(ctx, settings,
                                                                            monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(render_lib, "render_docx", broken)
    info = _issue(ctx)  # the operation succeeds: the record is the act, the file a rendering
    path = settings.documents_path() / info.file_path
    assert not path.exists()
    monkeypatch.undo()
    assert documents.render_missing(ctx) == [info.number]
    assert path.exists()
    assert info.number in render_lib.preview_text(path)
    assert documents.render_missing(ctx) == []
    path.unlink()
    assert info.number in documents.preview(ctx, info.id)  # a missing file is written again


def test_missing_required_data_is_refused_and_numbers_nothing(ctx):
    with pytest.raises(ValidationFailed) as exc:
        _issue(ctx, "correction_notice", dict(ACCEPT))
    assert exc.value.problems[0].field == "missing_items"
    assert _issue(ctx, "correction_notice",
                  {**ACCEPT, "missing_items": ["x"]}).number == "海民社补〔2022〕1号"


def test_issuing_is_role_checked(make_ctx):
    clerk = make_ctx("clerk1", Role.CLERK)
    with pytest.raises(PermissionDenied):
        _issue(clerk, "refusal_decision", {**ACCEPT, "reasons": "理由"})
    assert _issue(clerk, "acceptance_notice").number.startswith("海民社受")


def test_reports_documents_does_not_import_services():
    code = ("import sys, mca_tui.reports.documents as d; "
            "bad = [m for m in sys.modules if m.startswith('mca_tui.services')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- backup, restore


@pytest.mark.sqlite_only
def test_backup_includes_documents_and_a_restored_registry_finds_them(ctx, db, tmp_path,
                                                                      monkeypatch, capsys):
    from mca_tui import cli

    infos = [_issue(ctx), _issue(ctx, "certificate_sheet", SHEET)]
    # one file lost before the backup: the backup writes it from its record
    (ctx.settings.documents_path() / infos[1].file_path).unlink()
    target = tmp_path / "backup" / "registry-2022.db"
    target.parent.mkdir()
    settings_file = tmp_path / "settings.toml"
    from mca_tui.config import write_settings

    write_settings(ctx.settings, settings_file)
    monkeypatch.setenv("MCA_TUI_CONFIG", str(settings_file))
    assert cli.main(["--db", str(db.path), "backup", str(target)]) == 0
    out = capsys.readouterr().out
    folder = documents.backup_folder(target)
    assert str(folder) in out
    for info in infos:
        assert (folder / info.file_path).exists()
    # restored elsewhere: another data directory, default settings, --db on the copy
    from mca_tui.config import Settings
    from mca_tui.storage.engine import Database

    monkeypatch.setenv("MCA_TUI_HOME", str(tmp_path / "elsewhere"))
    restored_db = Database.open(target)
    try:
        restored = ServiceContext(db=restored_db, settings=Settings(), actor=ctx.actor)
        for info in infos:
            assert documents.path_of(restored, info.id).exists()
            assert info.number in documents.preview(restored, info.id)
        # or the folder's contents put into the new data directory's documents folder
        import shutil

        shutil.copytree(folder, Settings().documents_path())
        shutil.rmtree(folder)
        for info in infos:
            assert documents.path_of(restored, info.id).is_relative_to(
                Settings().documents_path())
            assert documents.path_of(restored, info.id).exists()
    finally:
        restored_db.dispose()


# --------------------------------------------------------------------------- language


def test_documents_are_chinese_with_the_ui_in_english(ctx, settings):
    i18n.set_language("en")
    for kind in REGISTRATION_KINDS:
        data = {**EVERY, "org_type": "social_group", "registration_kind":
                "change" if kind == "change_announcement" else "establishment",
                "direct_category": "public_welfare", "supervisory_unit": "",
                "missing_items": [{"message": "registration.material.charter_draft"}]}
        info = _issue(ctx, kind, data)
        text = render_lib.preview_text(_file(ctx, info))
        assert "社会团体" in text or kind in ("certificate_sheet",), kind
        for english in ("Establishment", "registration", "Social group", "Charter",
                        "public welfare", "Announcement", "notice"):
            assert english.lower() not in text.lower(), (kind, english)
        with ctx.db.read() as s:
            row = s.get(IssuedDocument, info.id)
        assert '"registration_kind":"' in row.data_json  # codes, not words
        assert "Establishment" not in row.data_json and "成立登记" not in row.data_json
    text = render_lib.preview_text(_file(ctx, _issue(ctx, "correction_notice", {
        **ACCEPT, "missing_items": [{"message": "registration.material.charter_draft"}]})))
    assert "章程草案" in text


# --------------------------------------------------------------------------- GB/T 9704 layout


def _mm(length: int) -> float:
    return round(length / Mm(1), 1)


def _fonts(rpr) -> dict:
    rfonts = rpr.find(f"{W}rFonts") if rpr is not None else None
    return {k.replace(W, ""): v for k, v in (rfonts.attrib.items() if rfonts is not None else [])}


def test_every_kind_has_the_gbt_9704_layout(ctx):
    for kind in render_lib.KINDS:
        data = _full(kind, {**EVERY, "org_type": "social_group",
                            "office_phone": "0592-6051234"})
        info = _issue(ctx, kind, data)
        path = _file(ctx, info)
        d = docx.Document(str(path))
        sec = d.sections[0]
        assert _mm(sec.page_width) == 210 and _mm(sec.page_height) == 297, kind  # A4
        assert (_mm(sec.top_margin), _mm(sec.bottom_margin)) == (37, 35)
        assert (_mm(sec.left_margin), _mm(sec.right_margin)) == (28, 26)
        body_w = sec.page_width - sec.left_margin - sec.right_margin
        body_h = sec.page_height - sec.top_margin - sec.bottom_margin
        assert (_mm(body_w), _mm(body_h)) == (156, 225)  # 版心
        grid = sec._sectPr.find(f"{W}docGrid")
        assert grid.get(f"{W}linePitch") == "579"  # 28.95 pt: 22 lines in 225 mm
        assert 22 * 28.95 <= Length(body_h).pt < 23 * 28.95
        # body: 仿宋_GB2312 3号, exact line pitch, zh-CN; 28 characters a line
        defaults = d.styles.element.find(f"{W}docDefaults").find(f"{W}rPrDefault").find(
            f"{W}rPr")
        assert _fonts(defaults)["eastAsia"] == "仿宋_GB2312"
        assert defaults.find(f"{W}sz").get(f"{W}val") == "32"
        assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
        condense = int(defaults.find(f"{W}spacing").get(f"{W}val")) / 20
        assert 28 * (16 + condense) <= Length(body_w).pt < 29 * (16 + condense)
        normal = d.styles["Normal"].paragraph_format
        assert normal.line_spacing == Pt(28.95)
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        table = d.part.part_related_by(RT.FONT_TABLE).blob.decode("utf-8")
        assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in table
        assert 'w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in table
        paras = d.paragraphs
        # 发文机关标志: red; 文号 in 〔〕; title 小标宋 2号 bold
        head = paras[0].runs[0]
        assert paras[0].text == "厦门市海沧区民政局" and str(head.font.color.rgb) == "FF0000"
        assert _fonts(head._r.rPr)["eastAsia"] == "方正小标宋简体"
        assert paras[1].text == info.number and "〔2022〕" in info.number
        title = paras[2].runs[0]
        assert paras[2].text == info.title
        assert _fonts(title._r.rPr)["eastAsia"] == "方正小标宋简体"
        assert title.font.size == Pt(22) and title.font.bold
        # signature and 成文日期: right-aligned, the date 4 characters in, Arabic numerals
        sig, day = paras[-2], paras[-1]
        assert sig.text == "厦门市海沧区民政局" and day.text == "2022年3月2日"
        assert sig.alignment == day.alignment == 2  # RIGHT
        assert day.paragraph_format.right_indent == Pt(64)
        assert sig.paragraph_format.space_before >= Pt(2 * 28.95) - Pt(0.1)
        # no empty paragraphs, no 「」
        assert all(p.text.strip() for p in paras), kind
        text = render_lib.preview_text(path)
        assert "「" not in text and "」" not in text
        # page numbers "— 1 —": PAGE field, 4号 宋体, odd right / even left
        assert d.settings.odd_and_even_pages_header_footer
        for footer in (sec.footer, sec.even_page_footer):
            p = footer.paragraphs[0]
            xml = p._p.xml
            assert "PAGE" in xml and p.text.startswith("— ") and p.text.endswith(" —")
            assert p.runs[0].font.size == Pt(14)
            assert _fonts(p.runs[0]._r.rPr)["ascii"] == "宋体"


# --------------------------------------------------------------------------- content


def test_refusal_gives_each_reason_its_own_numbered_line_and_the_remedy_from_settings(ctx):
    reasons = "1. 在同一行政区域内已有业务范围相同的社会团体\n2、拟任负责人不具有完全民事行为能力"
    info = _issue(ctx, "refusal_decision", {**ACCEPT, "org_type": "social_group",
                                            "reasons": reasons})
    texts = _body_texts(_file(ctx, info))
    assert "1.\t在同一行政区域内已有业务范围相同的社会团体；" in texts
    assert "2.\t拟任负责人不具有完全民事行为能力。" in texts
    remedy = next(t for t in texts if "行政复议" in t)
    assert "60日内向厦门市海沧区人民政府申请行政复议" in remedy
    assert "6个月内依法向人民法院提起行政诉讼" in remedy
    assert any("《社会团体登记管理条例》第十三条" in t for t in texts)
    other = replace(ctx.settings, documents=replace(ctx.settings.documents,
                                                    review_body="某某复议机关",
                                                    court="厦门市某区人民法院"))
    ctx2 = ServiceContext(db=ctx.db, settings=other, actor=ctx.actor)
    text = render_lib.preview_text(_file(ctx2, _issue(ctx2, "refusal_decision", {
        **ACCEPT, "reasons": "理由"})))
    assert "向某某复议机关申请行政复议" in text and "向厦门市某区人民法院提起行政诉讼" in text


def test_correction_notice_items_deadline_consequence_and_contact(ctx):
    items = ["章程草案（须经会员大会通过，并由全体发起人签字确认后提交）", "住所使用权证明"]
    info = _issue(ctx, "correction_notice", {**ACCEPT, "missing_items": items,
                                             "correction_due": date(2022, 3, 20)})
    d = docx.Document(str(_file(ctx, info)))
    listed = [p for p in d.paragraphs if p.text.split("\t")[0] in ("1.", "2.")]
    assert [p.text.split("\t")[1] for p in listed] == [items[0] + "；", items[1] + "。"]
    for p in listed:  # hanging indent: wrapped lines align after the number
        fmt = p.paragraph_format
        assert fmt.left_indent == Pt(64) and fmt.first_line_indent == -Pt(32)
    text = "\n".join(p.text for p in d.paragraphs)
    assert "请于2022年3月20日前" in text and "视为放弃本次申请" in text
    assert "联系电话" not in text  # no phone set: no contact line, and no empty paragraph
    assert all(p.text.strip() for p in d.paragraphs)
    # without a deadline from the clerk the default period applies; with a phone, a line
    phoned = replace(ctx.settings, office=replace(ctx.settings.office, phone="0592-6051234"))
    ctx2 = ServiceContext(db=ctx.db, settings=phoned, actor=ctx.actor)
    text = render_lib.preview_text(_file(ctx2, _issue(ctx2, "correction_notice", {
        **ACCEPT, "missing_items": items})))
    assert "请于2022年4月1日前" in text  # 2 March + 30 days
    assert "联系电话：0592-6051234" in text


def test_establishment_decision_names_the_filings_and_change_decision_does_not(ctx):
    est = render_lib.preview_text(_file(ctx, _issue(ctx, "approval_decision", {
        **ACCEPT, "org_type": "social_group", "uscc": "51350205MJ0000026B",
        "legal_rep": "李四"})))
    assert "准予成立登记决定书" in est and "准予成立登记" in est
    assert "印章式样" in est and "银行账号" in est
    assert "《社会团体登记管理条例》第十二条" in est
    change = render_lib.preview_text(_file(ctx, _issue(ctx, "approval_decision", {
        **ACCEPT, "org_type": "social_group", "uscc": "51350205MJ0000026B",
        "registration_kind": "change", "changes": CHANGES, "certificate_reissued": True})))
    assert "准予变更登记决定书" in change and "成立登记" not in change
    assert "刻制印章" not in change and "银行" not in change
    assert "名称由厦门市海沧区书法协会变更为厦门市海沧区书法家协会。" in change
    assert "住所由海沧大道1号变更为沧林路8号。" in change
    assert "注册资金由3万元变更为5万元。" in change  # a social group: 注册资金
    assert "换领新的登记证书" in change


def test_certificate_sheet_and_announcements_name_the_right_funds_and_items(ctx):
    sheet = render_lib.preview_text(_file(ctx, _issue(ctx, "certificate_sheet", SHEET)))
    for needle in ("《社会团体法人登记证书》", "51350205MJ0000026B", "注册资金  3万元",
                   "活动地域  厦门市海沧区", "宗旨  团结老年体育爱好者",
                   "登记管理机关  厦门市海沧区民政局", "350205202200001Z", "350205202200001F",
                   "厦门市海沧区体育局", "2022年6月30日至2027年6月29日"):
        assert needle in sheet, needle
    pne = {**SHEET, "org_type": "private_non_enterprise", "civil_form": "legal_person",
           "activity_area": "", "funds_fen": 12_345_678, "supervisory_unit": "",
           "direct_category": "community_service"}
    text = render_lib.preview_text(_file(ctx, _issue(ctx, "announcement", pne)))
    assert "民办非企业单位成立登记公告" in text
    assert "开办资金  12.345678万元" in text and "注册资金" not in text
    assert "《民办非企业单位（法人）登记证书》" in text
    assert "活动地域" not in text  # no value: the row is left out, not printed empty
    assert "无（直接登记：城乡社区服务类）" in text
    change = render_lib.preview_text(_file(ctx, _issue(ctx, "change_announcement", {
        **SHEET, "changes": CHANGES[:2], "decided_on": date(2022, 7, 1)})))
    assert "社会团体变更登记公告" in change and "2022年7月1日" in change
    assert "住所由海沧大道1号变更为沧林路8号。" in change


def test_amounts_have_one_standard_format():
    f = render_lib.format_amount
    assert f(3_000_000) == "3万元"
    assert f(3_050_000) == "3.05万元"
    assert f(800_000) == "8,000元"
    assert f(800_050) == "8,000.5元"
    assert f(12_000_000_000) == "1.2亿元"
    assert f(300_000_000_000) == "30亿元"


def test_quotation_marks_are_chinese():
    assert render_lib.chinese_quotes("「海沧」和\"书法\"") == "“海沧”和“书法”"


def test_administrator_template_overrides_builtin(ctx):
    folder = documents.override_dir()
    written = render_lib.write_default_templates(folder)
    assert len(written) == len(render_lib.KINDS)
    path = folder / "announcement.docx"
    d = docx.Document(str(path))
    d.add_paragraph("联系人：{contact}")
    d.save(str(path))
    text = render_lib.preview_text(_file(ctx, _issue(ctx, "announcement", {
        **SHEET, "contact": "王五"})))
    assert "联系人：王五" in text
    assert "社会团体成立登记公告" in text
    assert "{" not in text


def test_every_kind_renders_without_leftover_placeholders(ctx):
    for kind in render_lib.KINDS:
        info = _issue(ctx, kind, _full(kind, {**EVERY, "org_type": "social_group"}))
        assert "{" not in info.preview_text
        assert "{" not in render_lib.preview_text(_file(ctx, info))


def test_registration_with_the_ui_in_english_issues_chinese_documents(make_ctx, settings, db):
    """The whole establishment path with the clerk's UI in English: every document the
    services issue is Chinese, and its record holds codes."""
    from mca_tui.domain.enums import OrgType
    from mca_tui.services import registration as reg
    from tests.registration.helpers import TODAY, sg_form

    clerk = make_ctx("clerk", Role.CLERK, today=TODAY)
    reviewer = make_ctx("reviewer", Role.REVIEWER, today=TODAY)
    approver = make_ctx("approver", Role.APPROVER, today=TODAY)
    i18n.set_language("en")
    draft = reg.save_draft(clerk, sg_form(), org_type=OrgType.SOCIAL_GROUP)
    app = reg.submit(clerk, draft.id)
    reg.review(reviewer, app.id)
    result = reg.approve(approver, app.id)
    with db.read() as s:
        rows = list(s.exec(select(IssuedDocument)))
    kinds = {r.kind for r in rows}
    assert {"acceptance_notice", "approval_decision", "certificate_sheet",
            "announcement"} <= kinds
    for row in rows:
        text = render_lib.preview_text(documents.resolve(settings, row.file_path, db))
        assert "社会团体" in text, row.kind
        assert not any(w in text for w in ("Social", "registration", "Establishment")), row.kind
        assert "Social" not in row.data_json and "成立登记" not in row.data_json
    assert "社会团体成立登记公告" in result.preview or "登记证书信息表" in result.preview


def test_documents_render_command_writes_missing_files(ctx, db, settings, tmp_path,
                                                       monkeypatch, capsys):
    from mca_tui import cli
    from mca_tui.config import write_settings

    info = _issue(ctx)
    path = settings.documents_path() / info.file_path
    path.unlink()
    settings_file = tmp_path / "settings.toml"
    write_settings(settings, settings_file)
    monkeypatch.setenv("MCA_TUI_CONFIG", str(settings_file))
    assert cli.main(["--db", str(db.path or db.url), "documents", "render"]) == 0
    assert path.exists()
    assert "1" in capsys.readouterr().out
    assert cli.main(["--db", str(db.path or db.url), "documents", "render", "--number",
                     info.number]) == 0
    assert cli.main(["--db", str(db.path or db.url), "documents", "render", "--number", "无此文号"]) == 1


def test_change_registration_with_the_ui_in_english_writes_chinese(make_ctx, settings, db):
    """变更登记 with the UI in English: the decision lists "由 A 变更为 B。" lines, the
    变更公告 is issued (社团条例 Art 23), and the stored free text is Chinese."""
    from mca_tui.domain.enums import OrgType
    from mca_tui.domain.forms import materials_for
    from mca_tui.services import registration as reg
    from mca_tui.storage.models import Announcement, Certificate, SupervisionRecord
    from tests.registration.helpers import TODAY, make_id, sg_form

    clerk = make_ctx("clerk", Role.CLERK, today=TODAY)
    reviewer = make_ctx("reviewer", Role.REVIEWER, today=TODAY)
    approver = make_ctx("approver", Role.APPROVER, today=TODAY)
    app = reg.submit(clerk, reg.save_draft(clerk, sg_form(), org_type=OrgType.SOCIAL_GROUP).id)
    reg.review(reviewer, app.id)
    org_id = reg.approve(approver, app.id).organization_id
    i18n.set_language("en")
    draft = reg.start_change(clerk, org_id)
    form = {**draft.form, "domicile": "厦门市海沧区沧林路8号", "legal_rep_name": "王强",
            "legal_rep_id_number": make_id("35020519750707004"),
            "supervisory_approval_on": "2025-02-20", "received_on": "2025-03-03",
            "materials": {m.key: True for m in materials_for(OrgType.SOCIAL_GROUP,
                                                             change=True)}}
    reg.save_draft(clerk, form, application_id=draft.id)
    changed = reg.submit(clerk, draft.id)
    reg.review(reviewer, changed.id)
    result = reg.approve(approver, changed.id)
    kinds = [d.kind for d in result.documents]
    assert kinds[0] == "approval_decision" and "change_announcement" in kinds
    texts = {d.kind: render_lib.preview_text(documents.resolve(settings, d.file_path, db))
             for d in result.documents}
    decision = texts["approval_decision"]
    assert "准予变更登记决定书" in decision
    assert "住所由厦门市海沧区海沧大道899号变更为厦门市海沧区沧林路8号。" in decision
    assert "法定代表人由陈明变更为王强。" in decision
    assert "印章式样" not in decision and "银行" not in decision
    notice = texts["change_announcement"]
    assert "社会团体变更登记公告" in notice and "法定代表人由陈明变更为王强。" in notice
    for text in texts.values():
        assert "Domicile" not in text and "registration" not in text
    with db.read() as s:
        replaced = s.exec(select(Certificate).where(Certificate.status == "replaced")).one()
        audit = s.exec(select(SupervisionRecord)).one()
        ann = s.exec(select(Announcement).where(Announcement.kind == "change")).one()
    assert "换发" in replaced.reason and "变更" in audit.description
    assert ann.document_id and "变更登记公告" in ann.text
