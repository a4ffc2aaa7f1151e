"""Render every kind of official document for a person to look at (``python3 tasks.py
docs-check``): .docx files in ``bench/out/docs/``, and PDFs beside them through LibreOffice
(``soffice``) when it is installed. Not part of the test run.

    python bench/docs_check.py [OUT_DIR]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from mca_tui.reports import documents as render_lib

ON = date(2026, 11, 28)
BASE = {
    "org_name": "厦门市海沧区老年人体育协会", "applicant": "陈明", "received_on": date(2026, 11, 20),
    "accepted_on": ON, "org_type": "social_group", "application_number": "350205-2026-00012",
    "decision_due": date(2027, 1, 27), "office_phone": "0592-6051234",
    "uscc": "51350205MJ0000026B", "legal_rep": "李四", "domicile": "厦门市海沧区海沧大道100号",
    "purpose": "团结全区老年体育爱好者，开展健身活动，增进老年人身心健康",
    "business_scope": "组织老年人体育健身活动、赛事交流、培训辅导",
    "activity_area": "厦门市海沧区", "funds_fen": 3_000_000,
    "supervisory_unit": "厦门市海沧区体育局", "serial_original": "350205202600012Z",
    "serial_duplicate": "350205202600012F", "established_on": ON,
    "valid_from": ON, "valid_to": date(2031, 11, 27),
    "review_body": "厦门市海沧区人民政府", "court": "人民法院",
    "notice_due": date(2026, 11, 27), "received_items": ["登记申请书", "章程草案", "验资报告"],
    "missing_items": ["章程草案（须经会员大会表决通过，并由全体发起人签字）",
                      "住所使用权证明（租赁合同及出租方产权证明复印件）",
                      "拟任负责人的身份证明"],
    "correction_due": date(2026, 12, 28),
    "reasons": "在同一行政区域内已有业务范围相同或者相似的社会团体，没有必要成立\n"
               "发起人、拟任负责人正在或者曾经受到剥夺政治权利的刑事处罚",
    "decided_on": ON,
    "changes": [{"item": "name", "before": "厦门市海沧区书法协会", "after": "厦门市海沧区书法家协会"},
                {"item": "domicile", "before": "厦门市海沧区海沧大道1号",
                 "after": "厦门市海沧区沧林路8号"},
                {"item": "legal_rep", "before": "王五", "after": "赵六"}],
}
VARIANTS: dict[str, tuple[str, dict]] = {
    "acceptance_notice": ("acceptance_notice", {}),
    "receipt": ("receipt", {}),
    "correction_notice": ("correction_notice", {}),
    "refusal_decision": ("refusal_decision", {}),
    "approval_decision": ("approval_decision", {"changes": []}),
    "approval_decision-change": ("approval_decision", {"registration_kind": "change",
                                                       "certificate_reissued": True}),
    "certificate_sheet": ("certificate_sheet", {}),
    "certificate_sheet-pne": ("certificate_sheet", {
        "org_type": "private_non_enterprise", "civil_form": "legal_person",
        "org_name": "厦门市海沧区阳光社会工作服务中心", "activity_area": "",
        "supervisory_unit": "", "direct_category": "community_service"}),
    "announcement": ("announcement", {}),
    "change_announcement": ("change_announcement", {}),
}
# Deregistration (services.deregistration) and custody (services.custody).
_DEREG = {"trigger": "self_dissolution", "liquidation_end_on": date(2026, 11, 2),
          "application_due": date(2026, 11, 17), "late": True,
          "custody_items": ["certificate_original", "certificate_duplicate", "seals",
                            "financial_vouchers"],
          "reason": "清算报告所列债权债务需向债权人逐一核实", "published_on": ON,
          "reason_code": "deregistration",
          "void_items": [{"item": "certificate_duplicate", "serial": "350205201600012F"},
                         {"item": "seals", "serial": ""}]}
VARIANTS.update({
    kind: (kind, _DEREG) for kind in (
        "dereg_acceptance_notice", "dereg_extension_notice", "dereg_approval_decision",
        "dereg_refusal_decision", "dereg_announcement", "void_announcement")
})


# Credit lists (services.supervision.credit_lists): listing, new ground, removal, promotion.
_CREDIT = {"list_kind": "abnormal", "ground_codes": ["report_not_submitted"],
           "reason": "2025年度工作报告逾期未报（截止日期 2026-06-01）",
           "legal_basis": "《社会组织信用信息管理办法》（民政部令第60号）（列入活动异常名录情形第一项）",
           "action_on": ON, "listed_on": date(2025, 7, 15), "way": "verified"}
VARIANTS.update({
    "credit_listing_notice": ("credit_listing_notice", _CREDIT),
    "credit_listing_notice-restart": ("credit_listing_notice", {
        **_CREDIT, "ground_codes": ["unreachable"], "restarted": True,
        "reason": "两次挂号信均被退回"}),
    "credit_listing_notice-serious": ("credit_listing_notice", {
        **_CREDIT, "list_kind": "serious", "ground_codes": ["abnormal_two_years"],
        "reason": "", "promoted_since": date(2024, 6, 20)}),
    "credit_removal_notice": ("credit_removal_notice", {**_CREDIT, "reason": ""}),
})


# Revocation cases (services.revocation): filing, advance notice, hearing notice, decision,
# service by announcement, publication.
_CASE = {"grounds": [{"message": "dormancy.signal.no_report_two_years", "params": {}},
                     {"message": "dormancy.signal.unreachable", "params": {}}],
         "legal_basis": "《社会团体登记管理条例》第二十九条、第三十条", "filed_on": date(2026, 9, 1),
         "officers": "王海涛、蔡志强", "evidence": "年度报告系统截图；挂号信退回凭证",
         "statement_days": 5, "hearing_days": 5, "requested_on": date(2026, 9, 20),
         "hearing_on": date(2026, 10, 16), "hearing_place": "海沧区民政局三楼会议室",
         "notice_served_on": date(2026, 10, 8), "statement_sentence":
         "你单位在规定期限内未提出陈述、申辩和听证要求，视为放弃上述权利。",
         "served_title": "行政处罚决定书", "served_number": "海民社罚决〔2026〕3号",
         "published_on": ON, "effective_days": 30, "effective_on": date(2026, 12, 28),
         "rights_sentence": "", "decision_number": "海民社罚决〔2026〕3号",
         "ground_summary": [{"message": "dormancy.signal.no_report_two_years", "params": {}}]}
VARIANTS.update({kind: (kind, _CASE) for kind in (
    "case_filing", "advance_notice", "hearing_notice", "penalty_decision",
    "service_announcement", "revocation_announcement")})


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "out" / "docs"
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, (kind, extra) in VARIANTS.items():
        number = render_lib.document_number(
            "海民", render_lib.builtin_template(kind).number_code, ON.year, 12)
        values = render_lib.prepare_values(kind, {**BASE, **extra}, number=number,
                                           issued_on=ON, office_name="厦门市海沧区民政局")
        path = out / f"{name}.docx"
        path.write_bytes(render_lib.render_docx(kind, values, issued_on=ON))
        files.append(path)
    print(f"{len(files)} documents written to {out}")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice (soffice) is not installed: no PDFs. Install it (e.g. "
              "apt-get install libreoffice-writer fonts-noto-cjk) to see the pages.")
        return 0
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out),
                    *map(str, files)], check=True, stdout=subprocess.DEVNULL)
    pdfs = sorted(out.glob("*.pdf"))
    print(f"{len(pdfs)} PDFs written by LibreOffice to {out}: open them to check the layout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
