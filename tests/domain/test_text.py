"""Text normalisation (design.md §3: NFKC at the service boundary)."""

from __future__ import annotations

import pytest

from mca_tui.domain.text import (
    DEFAULT_DIVISION_PREFIXES,
    ORG_FORM_WORDS,
    name_similarity_key,
    normalize_code,
    normalize_name,
    normalize_phone,
    normalize_text,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   \u3000\t\n", ""),
        ("  a\u3000\u3000b\t\nc  ", "a b c"),
        ("ＡＢＣ１２３", "ABC123"),  # full-width letters and digits
        ("a\u00a0\u00a0b", "a b"),  # non-breaking spaces
        ("海\u200b沧\ufeff区", "海沧区"),  # zero-width space and BOM pasted from the web
        ("（筹）", "（筹）"),  # full-width punctuation is kept as typed
        ("宗旨：服务，互助", "宗旨：服务，互助"),
        ("厦门市  海沧区", "厦门市 海沧区"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("５０１１４４３９－５", "501144395"),
        ("50114439-5", "501144395"),
        ("50114439\u20145", "501144395"),  # em dash
        ("50114439\u20105", "501144395"),  # Unicode hyphen
        ("50114439\u22125", "501144395"),  # minus sign
        ("5131 0110\t5011\u00a04439\u30005u", "51310110501144395U"),
        ("mj000001", "MJ000001"),
        ("  ｍｊ０００  ", "MJ000"),
    ],
)
def test_normalize_code(raw, expected):
    assert normalize_code(raw) == expected


def test_normalize_name_removes_all_spaces_and_folds_width():
    assert normalize_name("厦门市 海沧区\u3000老年人协会 ") == "厦门市海沧区老年人协会"
    assert normalize_name("海沧区书法协会（筹）") == "海沧区书法协会（筹）"
    assert normalize_name("海沧区书法协会(筹)") == "海沧区书法协会（筹）"
    assert normalize_name(None) == ""


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("厦门市海沧区老年人协会", "老年人"),
        ("海沧区老年人协会", "老年人"),
        ("海沧老年人协会", "老年人"),
        ("福建省厦门市海沧区书法协会", "书法"),  # all division levels go
        ("厦门市海沧区（新阳）老年人服务中心", "新阳老年人"),  # 服务中心 beats 中心
        ("海沧区【新阳】老年人中心", "新阳老年人"),
        ("海沧区阳光培训学校", "阳光"),  # 培训学校 beats 学校
        ("海沧区阳光学校", "阳光"),
        ("海沧区社区服务社", "社区"),  # 服务社 beats 社
        ("海沧区慈善基金会", "慈善"),
        ("海沧区 ABC 俱乐部", "abc"),
        ("海沧区abc俱乐部", "abc"),
        ("协会", "协会"),  # nothing would remain
        ("海沧区培训学校", "培训学校"),  # the longest match is the whole rest: kept
        ("海沧区协会", "协会"),
        ("海沧区", "海沧区"),
        ("海沧区书法协会协会", "书法协会"),  # one form word only
        ("思明区书法协会", "思明区书法"),  # not a default prefix
    ],
)
def test_name_similarity_key(name, key):
    assert name_similarity_key(name) == key


def test_similar_names_share_a_key():
    a = name_similarity_key("厦门市海沧区（新阳）老年人协会")
    b = name_similarity_key("海沧区新阳老年人服务中心")
    c = name_similarity_key("海 沧 区 新阳老年人联谊会")
    assert a == b == c == "新阳老年人"
    assert name_similarity_key("海沧区书法协会") != name_similarity_key("海沧区摄影协会")


def test_name_similarity_key_custom_prefixes():
    assert name_similarity_key("思明区书法协会", ["思明区", "厦门市"]) == "书法"
    assert name_similarity_key("厦门市思明区书法协会", ("思明区", "厦门市")) == "书法"
    # With custom prefixes the defaults no longer apply.
    assert name_similarity_key("海沧区书法协会", ["思明区"]) == "海沧区书法"
    assert name_similarity_key("书法协会", []) == "书法"


def test_defaults_as_specified():
    assert DEFAULT_DIVISION_PREFIXES == ("厦门市海沧区", "海沧区", "厦门市", "福建省", "海沧")
    for word in ("协会", "商会", "促进会", "联合会", "研究会", "学会", "基金会", "服务中心",
                 "中心", "服务社", "社", "院", "学校", "幼儿园", "培训学校", "俱乐部",
                 "联谊会", "服务站", "事务所"):  # fmt: skip
        assert word in ORG_FORM_WORDS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("0592-1234567", "0592-1234567"),
        ("（0592）1234567", "05921234567"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("１３８　１２３４　５６７８", "13812345678"),
        ("0592-1234567转801", "0592-1234567-801"),
        ("0592-1234567 ext. 801", "0592-1234567-801"),
        ("电话：0592 - 123 4567", "0592-1234567"),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected
