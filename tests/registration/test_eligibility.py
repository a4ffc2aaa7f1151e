"""Eligibility and name rules (domain.eligibility), field checks and form parsing."""

from __future__ import annotations

from datetime import date

import pytest

from mca_tui.domain.eligibility import (
    check_field,
    division_names_for,
    evaluate_establishment,
    field_findings,
    members_finding,
    name_findings,
    parse_count,
)
from mca_tui.domain.enums import OrgType
from mca_tui.domain.forms import materials_for, parse_date
from mca_tui.domain.params import LegalParams

from .helpers import TODAY, pne_form, sg_form

SG = OrgType.SOCIAL_GROUP
PNE = OrgType.PRIVATE_NON_ENTERPRISE


def codes(findings):
    return {f.code for f in findings}


def test_a_complete_form_has_no_finding():
    assert evaluate_establishment(SG, sg_form(), today=TODAY) == []
    assert evaluate_establishment(PNE, pne_form(), today=TODAY) == []


@pytest.mark.parametrize(("individual", "unit", "ok"), [
    (50, 0, True), (49, 0, False), (0, 30, True), (0, 29, False),
    (49, 1, True), (20, 29, False), (25, 25, True), (None, None, False), (0, 0, False),
    (None, 30, True),
])
def test_member_counts(individual, unit, ok):
    found = members_finding(individual, unit)
    assert (found is None) == ok
    if found:
        assert found.severity == "block" and "第十条" in found.article


def test_mixed_49_in_total_names_the_rule():
    [f] = [f for f in evaluate_establishment(SG, sg_form(individual_members="20",
                                                         unit_members="29"), today=TODAY)]
    assert f.code == "members_mixed_too_few"
    assert "合计 49 个" in f.message() and "《社会团体登记管理条例》第十条" in f.message()


@pytest.mark.parametrize(("funds", "ok"), [
    ("29999.99", False), ("30000", True), ("3万", True), ("２９９９９", False), ("30,000.00", True),
])
def test_activity_funds_boundary(funds, ok):
    found = field_findings(SG, "funds", funds, today=TODAY)
    assert (not found) == ok
    if not ok:
        assert found[0].code == "funds_too_low_social_group"
        assert "30,000.00" in found[0].message()


def test_funds_minimum_comes_from_the_parameter():
    params = LegalParams(social_group_min_funds_yuan=100_000)
    assert field_findings(SG, "funds", "30000", params=params, today=TODAY)
    assert not field_findings(SG, "funds", "10万", params=params, today=TODAY)
    # 民非: no minimum by default, a configured one applies
    assert not field_findings(PNE, "funds", "100", today=TODAY)
    assert field_findings(PNE, "funds", "100", today=TODAY,
                          params=LegalParams(pne_min_founding_funds_yuan=30_000))


@pytest.mark.parametrize("word", ["中国", "全国", "中华"])
def test_national_words_are_refused_only_as_a_prefix(word):
    # 冠以: at the head of the name -> refused, with the article
    found = name_findings(SG, f"{word}海沧区书法协会")
    [f] = [f for f in found if f.code == "name_forbidden_word"]
    assert f.severity == "block" and word in f.message()
    assert "《社会团体登记管理条例》第十条" in f.article
    [g] = [f for f in name_findings(PNE, f"{word}海沧区培训学校") if f.code == "name_forbidden_word"]
    assert "民办非企业单位" in g.article
    # inside the name (a sector qualifier) -> a warning, never a refusal
    inside = name_findings(SG, f"厦门市海沧区{word}书法协会")
    assert codes(inside) == {"name_national_word_inside"}
    assert inside[0].severity == "warn" and word in inside[0].message()


def test_foundation_name_rule_cites_order_69_not_foundation_article_6():
    [f] = [f for f in name_findings(OrgType.FOUNDATION, "中华海沧区助学基金会")
           if f.code == "name_forbidden_word"]
    assert f.article == "《社会组织名称管理办法》（民政部令第69号）第八条"
    assert "基金会管理条例" not in f.article


def test_name_pattern():
    assert name_findings(SG, "厦门市海沧区老年人体育协会") == []
    assert name_findings(SG, "海沧区书法家协会") == []
    assert codes(name_findings(SG, "老年人体育协会")) == {"name_no_division"}
    assert codes(name_findings(SG, "厦门市海沧区协会")) == {"name_no_sector"}
    no_form = name_findings(SG, "厦门市海沧区老年人体育队")
    assert codes(no_form) == {"name_no_form_word"}
    assert no_form[0].severity == "warn" and "厦门市海沧区老年人体育协会" in no_form[0].message()
    assert name_findings(PNE, "厦门市海沧区阳光社会工作服务中心") == []
    assert "《社会组织名称管理办法》" in name_findings(SG, "书法协会")[0].article


def test_division_names_from_the_office_name():
    assert division_names_for("厦门市海沧区民政局") == ("厦门市海沧区", "海沧区")
    assert division_names_for("福建省民政厅") == ("福建省",)


def test_check_field_messages_say_what_and_how():
    assert check_field(SG, "name", "厦门市海沧区老年人体育协会", today=TODAY) is None
    msg = check_field(SG, "legal_rep_id_number", "350205198001010011", today=TODAY)
    assert "校验码" in msg and "第 18 位" in msg
    msg = check_field(SG, "funds", "三万块", today=TODAY)
    assert "3万" in msg
    msg = check_field(SG, "name", "", today=TODAY)
    assert "「名称」未填写" in msg
    msg = check_field(SG, "individual_members", "五十", today=TODAY)
    assert "整数" in msg
    msg = check_field(SG, "received_on", "2025-02-30", today=TODAY)
    assert "2026-11-26" in msg
    assert "晚于今天" in check_field(SG, "received_on", "2025-03-06", today=TODAY)
    assert check_field(SG, "phone", "", today=TODAY) is None  # optional
    assert "位数不足" in check_field(SG, "phone", "12345", today=TODAY)
    # the supervisory unit is needed unless a direct-registration category is chosen
    assert "直接登记" in check_field(SG, "supervisory_unit", "", form={"direct_category": ""},
                                   today=TODAY)
    assert check_field(SG, "supervisory_unit", "", form={"direct_category": "public_welfare"},
                       today=TODAY) is None
    # English catalog
    msg = check_field(SG, "name", "中国老年协会", today=TODAY, lang="en")
    assert "中国" in msg and "basis" in msg


def test_member_fields_checked_on_leaving():
    # the individual count alone waits for the unit count
    assert check_field(SG, "individual_members", "20", form={}, today=TODAY) is None
    msg = check_field(SG, "unit_members", "29", form={"individual_members": "20"}, today=TODAY)
    assert "49" in msg
    assert check_field(SG, "unit_members", "30", form={"individual_members": "0"},
                       today=TODAY) is None


def test_materials_checklist_per_type():
    sg = [m.key for m in materials_for(SG)]
    assert sg == ["application", "supervisory_approval", "capital_verification",
                  "premises_proof", "founders_info", "charter_draft"]
    assert "supervisory_approval" not in [m.key for m in materials_for(SG, direct=True)]
    assert "directors_list" in [m.key for m in materials_for(OrgType.FOUNDATION)]
    form = sg_form(materials={"application": True})
    missing = [f for f in evaluate_establishment(SG, form, today=TODAY)
               if f.code == "material_missing"]
    assert len(missing) == 5 and all("第十一条" in f.article for f in missing)


def test_foundation_finding_cites_article_6():
    [f] = [f for f in evaluate_establishment(OrgType.FOUNDATION, {}, today=TODAY)
           if f.code == "foundation_not_district"]
    assert f.at_intake and "《基金会管理条例》第六条" in f.message()


def test_persons_need_valid_id_numbers():
    form = sg_form(persons=[{"name": "张三", "id_number": "123"}, {"name": "", "id_number": ""}])
    [f] = [f for f in evaluate_establishment(SG, form, today=TODAY) if f.field == "persons"]
    assert f.code == "person_id" and "张三" in f.message()


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-05", date(2025, 3, 5)), ("2025/3/5", date(2025, 3, 5)),
    ("２０２５年３月５日", date(2025, 3, 5)), ("20250305", date(2025, 3, 5)),
    ("2025-02-30", None), ("昨天", None), ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_count():
    assert parse_count("５０") == 50
    assert parse_count(" 50 人") == 50
    assert parse_count("") is None
    with pytest.raises(ValueError):
        parse_count("-3")
