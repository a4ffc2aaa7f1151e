"""A rebuild of the search index takes a name's readings from its stored sort key when the
key fits the name (domain.pinyin.index_terms): the result must equal computing them
afresh, and a key that does not fit (stale, truncated) must be ignored."""

from __future__ import annotations

import pytest

from mca_tui.domain import pinyin

NAMES = [
    "厦门市海沧区社会工作者协会",
    "重庆商会",
    "莆田市长乐区单氏宗亲会12",
    "ABC 海沧 2号 协会",
    "海沧区（嵩屿）篮球俱乐部第3分会",
    "Xiamen 青年会 club",
    "㐀字协会",  # extension A: no reading, stands for itself
    "123",
    "",
]


@pytest.mark.parametrize("name", NAMES)
def test_stored_key_gives_the_same_terms(name):
    fresh = (pinyin.sort_key(name), pinyin.initials_variants(name))
    assert pinyin.index_terms(name, fresh[0]) == fresh
    assert pinyin.index_terms(name) == fresh


def test_a_key_that_does_not_fit_is_recomputed():
    name = "重庆商会"
    stale = pinyin.sort_key("海沧商会")  # renamed without the key following (same shape)
    assert pinyin.index_terms(name, stale) == (pinyin.sort_key(name),
                                               pinyin.initials_variants(name))
    wrong_reading = "zhong qing shang hui"  # same shape, other reading: still recovered as stored
    key, variants = pinyin.index_terms(name, wrong_reading)
    assert key == wrong_reading and variants[0] == "zqsh"
    assert pinyin.index_terms(name, "x" * 400)[0] == pinyin.sort_key(name)
