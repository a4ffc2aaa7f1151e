"""Document engine: numbering without gaps or repeats, rendering, templates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from mca_tui.reports import documents
from mca_tui.services.errors import ValidationFailed
from mca_tui.storage.models import AuditEvent, IssuedDocument

ACCEPT = {"org_name": "厦门市海沧区嵩屿街道社会工作服务中心", "applicant": "张三",
          "received_on": date(2022, 3, 1), "accepted_on": date(2022, 3, 2),
          "org_type": "private_non_enterprise", "application_number": "SL2022-0001",
          "decision_due": date(2022, 4, 30)}


def _issue(ctx, settings, kind="acceptance_notice", data=None, on=date(2022, 3, 2)):
    with ctx.unit("doc.test") as unit:
        return documents.issue_document(unit, settings, kind, issued_on=on,
                                        data=data or ACCEPT)


def test_numbers_are_sequential_per_kind_and_year(ctx, settings):
    a = _issue(ctx, settings)
    b = _issue(ctx, settings)
    c = _issue(ctx, settings, on=date(2023, 1, 5))
    d = _issue(ctx, settings, "correction_notice",
               {**ACCEPT, "missing_items": ["章程草案", "验资报告"]})
    assert a.number == "海民社受〔2022〕1号"
    assert b.number == "海民社受〔2022〕2号"
    assert c.number == "海民社受〔2023〕1号"
    assert d.number == "海民社补〔2022〕1号"


def test_failed_transaction_does_not_consume_a_number(ctx, settings):
    _issue(ctx, settings)
    with pytest.raises(RuntimeError), ctx.unit("doc.test") as unit:
        documents.issue_document(unit, settings, "acceptance_notice",
                                 issued_on=date(2022, 5, 1), data=ACCEPT)
        raise RuntimeError("boom")
    again = _issue(ctx, settings)
    assert again.number == "海民社受〔2022〕2号"
    with ctx.db.read() as s:
        seqs = sorted(d.seq for d in s.exec(select(IssuedDocument)))
    assert seqs == [1, 2]


def test_document_file_text_hash_and_audit(ctx, settings):
    info = _issue(ctx, settings)
    text = info.preview_text
    assert "受理通知书" in text
    assert info.number in text
    assert "厦门市海沧区嵩屿街道社会工作服务中心" in text
    assert "民办非企业单位" in text  # org_type rendered as its label
    assert "2022年4月30日" in text
    assert "{" not in text
    with ctx.db.read() as s:
        row = s.get(IssuedDocument, info.id)
        assert documents.verify_file(row)
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "doc.test")).first()
    assert info.number in event.after_json
    assert info.file_path.endswith(".docx")
    assert "/2022/" in info.file_path.replace("\\", "/")


def test_correction_notice_lists_every_missing_item(ctx, settings):
    items = ["章程草案（须经会员大会通过）", "住所使用权证明", "拟任负责人身份证明"]
    info = _issue(ctx, settings, "correction_notice", {**ACCEPT, "missing_items": items})
    for i, item in enumerate(items, 1):
        assert f"{i}. {item}" in info.preview_text


def test_refusal_decision_states_reasons_and_remedy(ctx, settings):
    data = {**ACCEPT, "org_type": "social_group",
            "reasons": ["在同一行政区域内已有业务范围相同的社会团体"]}
    info = _issue(ctx, settings, "refusal_decision", data)
    text = info.preview_text
    assert "在同一行政区域内已有业务范围相同的社会团体" in text
    assert "60日内" in text and "6个月内" in text
    assert "《社会团体登记管理条例》第十三条" in text
    assert info.number.startswith("海民社不〔2022〕")


def test_certificate_sheet_has_every_item(ctx, settings):
    data = {"org_name": "海沧区老年人体育协会", "uscc": "51350205MJ0000026B",
            "org_type": "social_group", "legal_rep": "李四", "domicile": "海沧大道100号",
            "business_scope": "组织老年人体育活动", "funds_fen": 3_000_000,
            "supervisory_unit": "厦门市海沧区体育局", "serial_original": "350205202200001Z",
            "serial_duplicate": "350205202200001F", "established_on": date(2022, 6, 30),
            "valid_from": date(2022, 6, 30), "valid_to": date(2027, 6, 29)}
    text = _issue(ctx, settings, "certificate_sheet", data).preview_text
    for needle in ("51350205MJ0000026B", "3万元", "350205202200001Z", "350205202200001F",
                   "厦门市海沧区体育局", "2027年6月29日", "社会团体"):
        assert needle in text


def test_missing_required_data_is_refused_and_numbers_nothing(ctx, settings):
    with pytest.raises(ValidationFailed) as exc:
        _issue(ctx, settings, "correction_notice", dict(ACCEPT))
    assert exc.value.problems[0].field == "missing_items"
    assert _issue(ctx, settings, "correction_notice",
                  {**ACCEPT, "missing_items": ["x"]}).number == "海民社补〔2022〕1号"


def test_administrator_template_overrides_builtin(ctx, settings):
    folder = documents.override_path("announcement").parent
    written = documents.write_default_templates(folder)
    assert len(written) == len(documents.KINDS)
    import docx

    path = folder / "announcement.docx"
    doc = docx.Document(str(path))
    doc.add_paragraph("特此公告。联系人：{contact}")
    doc.save(str(path))
    data = {"org_name": "海沧区老年人体育协会", "uscc": "51350205MJ0000026B",
            "org_type": "social_group", "legal_rep": "李四", "contact": "王五"}
    text = _issue(ctx, settings, "announcement", data).preview_text
    assert "特此公告。联系人：王五" in text
    assert "社会团体成立登记公告" in text


def test_every_kind_renders_without_leftover_placeholders(ctx, settings):
    full = {**ACCEPT, "missing_items": ["a"], "reasons": "理由", "uscc": "52350205MJ0000018D",
            "legal_rep": "李四", "serial_original": "1Z", "serial_duplicate": "1F"}
    for kind in documents.KINDS:
        assert "{" not in _issue(ctx, settings, kind, full).preview_text


def test_change_documents_say_change_and_correction_notice_reads_without_deadline(ctx, settings):
    from datetime import date

    from mca_tui.reports.documents import issue_document, preview_text

    with ctx.unit("doc.test") as unit:
        approval = issue_document(
            unit, settings, "approval_decision", issued_on=date(2022, 3, 5),
            data={"org_name": "厦门市海沧区书法协会", "applicant": "厦门市海沧区书法协会",
                  "uscc": "51350205MJ0000026B", "org_type": "social_group",
                  "registration_kind": "变更登记", "note": "住所：海沧大道1号 → 沧林路8号"})
        notice = issue_document(
            unit, settings, "correction_notice", issued_on=date(2022, 3, 5),
            data={"org_name": "厦门市海沧区书法协会", "applicant": "张三",
                  "received_on": date(2022, 3, 1), "missing_items": ["章程草案"]})
    text = preview_text(approval.file_path)
    assert "变更登记申请" in text and "成立登记" not in text
    assert "沧林路8号" in text
    body = preview_text(notice.file_path)
    assert "请将上述全部内容一次补正后一并提交" in body and "请于前" not in body
