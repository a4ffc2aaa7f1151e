"""Search service: substrings of any length, codes, pinyin initials, ranking, paging."""

from __future__ import annotations

import json

import pytest

from mca_tui.domain import pinyin
from mca_tui.domain.enums import OrgStatus
from mca_tui.services.organizations import update_organization
from mca_tui.services.search import search_organizations
from mca_tui.storage import search as index
from mca_tui.storage.audit import Subject

from .helpers import add_orgs, code

NAMES = [
    "厦门市海沧区社会工作者协会",
    "海沧区社工协会",
    "海沧区长寿老人协会",
    "嵩屿街道社会工作服务中心",
    "海沧",
    "重庆商会",
]


@pytest.fixture
def orgs(ctx):
    ids = add_orgs(ctx, [
        {"name": NAMES[0], "rep": "林志伟", "domicile": "厦门市海沧区沧林路88号"},
        {"name": NAMES[1], "rep": "陈晓燕", "domicile": "厦门市海沧区钟林路1号"},
        {"name": NAMES[2], "rep": "黄丽芳", "domicile": "厦门市海沧区新阳路2号",
         "status": OrgStatus.DEREGISTERED},
        {"name": NAMES[3], "rep": "郑建国", "domicile": "厦门市海沧区嵩屿大道3号",
         "status": OrgStatus.REVOKED},
        {"name": NAMES[4], "rep": "王海涛", "domicile": "厦门市海沧区东孚大道4号"},
        {"name": NAMES[5], "rep": "李明辉", "domicile": "厦门市海沧区滨湖北路5号"},
    ])
    return dict(zip(NAMES, ids, strict=True))


def names(ctx, query: str, **kw) -> list[str]:  # noqa: ANN001
    return [h.name for h in search_organizations(ctx, query, **kw).items]


def test_one_and_two_character_chinese_queries(ctx, orgs):
    assert set(names(ctx, "嵩")) == {NAMES[3]}
    assert set(names(ctx, "社工")) == {NAMES[1]}
    assert set(names(ctx, "寿")) == {NAMES[2]}
    assert set(names(ctx, "社会工作")) == {NAMES[0], NAMES[3]}


def test_longer_substring_in_the_middle_of_a_name(ctx, orgs):
    assert names(ctx, "海沧区社会工作者") == [NAMES[0]]
    assert names(ctx, "老人协") == [NAMES[2]]
    assert names(ctx, "不存在的组织") == []


def test_exact_then_prefix_then_contains(ctx, orgs):
    found = search_organizations(ctx, "海沧").items
    assert found[0].name == "海沧" and found[0].rank == 0
    prefix = [h.name for h in found if h.rank == 1]
    assert set(prefix) == {NAMES[1], NAMES[2]}
    assert [h.rank for h in found] == sorted(h.rank for h in found)
    assert NAMES[0] in [h.name for h in found if h.rank == 2]


def test_within_a_tier_names_are_in_pinyin_order(ctx, orgs):
    found = [h for h in search_organizations(ctx, "海沧").items if h.rank == 1]
    keys = [pinyin.sort_key(h.name) for h in found]
    assert keys == sorted(keys)
    assert [h.name for h in found] == [NAMES[2], NAMES[1]]  # chang shou < she gong


def test_uscc_fragments_any_position_and_width(ctx, orgs):
    full = code(2)
    assert names(ctx, full) == [NAMES[1]]
    assert names(ctx, full[11:17]) == [NAMES[1]]
    assert names(ctx, full[-5:].lower()) == [NAMES[1]]
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in full[11:17])  # full-width digits
    assert names(ctx, fullwidth) == [NAMES[1]]
    prefix = search_organizations(ctx, "5135").items
    assert len(prefix) == 6 and all(h.rank == 1 for h in prefix)


def test_pinyin_initials_phrase_aware_and_polyphones(ctx, orgs):
    assert names(ctx, "hcqsg") == [NAMES[1]]
    assert names(ctx, "HCQSG") == [NAMES[1]]
    assert names(ctx, "ｈｃｑｓｇ") == [NAMES[1]]
    assert names(ctx, "xmshcq") == [NAMES[0]]  # 厦门 read as xia men (phrase)
    assert names(ctx, "smshcq") == [NAMES[0]]  # the per-character reading also finds it
    assert names(ctx, "hcqcslr") == [NAMES[2]]  # 长寿 chang shou
    assert names(ctx, "hcqzslr") == [NAMES[2]]  # 长 read zhang
    assert names(ctx, "cqsh")[0] == NAMES[5]  # 重庆 chong qing: a prefix, ranked first
    assert names(ctx, "zqsh") == [NAMES[5]]  # 重 read zhong
    assert names(ctx, "gzzxh") == [NAMES[0]]  # initials from the middle of the name


def test_legal_representative_and_address(ctx, orgs):
    assert names(ctx, "陈晓燕") == [NAMES[1]]
    assert names(ctx, "晓燕") == [NAMES[1]]
    assert names(ctx, "沧林路") == [NAMES[0]]
    assert names(ctx, "嵩屿大道3") == [NAMES[3]]


def test_closed_organizations_are_found_and_marked(ctx, orgs):
    hits = {h.name: h for h in search_organizations(ctx, "协会").items}
    assert hits[NAMES[2]].closed and hits[NAMES[2]].status == "deregistered"
    assert not hits[NAMES[1]].closed
    revoked = search_organizations(ctx, "嵩屿").items
    assert revoked[0].closed and revoked[0].status == "revoked"


def test_several_terms_must_all_match(ctx, orgs):
    assert set(names(ctx, "海沧 老人")) == {NAMES[2]}
    assert set(names(ctx, "社会　工作者")) == {NAMES[0]}  # ideographic space separates


def test_empty_and_punctuation_only_queries_find_nothing(ctx, orgs):
    for q in ("", "   ", "[/]", "\"", "*", "()"):
        page = search_organizations(ctx, q)
        assert page.items == () and page.total == 0


def test_markup_like_name_is_stored_and_found_as_typed(ctx):
    add_orgs(ctx, [{"name": "海沧区[/]测试[b]协会"}])
    assert names(ctx, "测试") == ["海沧区[/]测试[b]协会"]


def test_index_follows_updates(ctx, orgs):
    org_id = orgs[NAMES[4]]
    with ctx.unit("test.rename", subject=Subject("organization", org_id)) as unit:
        update_organization(unit, org_id, {"name": "海沧区围棋协会", "legal_rep_name": "周围"})
    assert names(ctx, "围棋") == ["海沧区围棋协会"]
    assert names(ctx, "hcqwq") == ["海沧区围棋协会"]
    assert "海沧" not in names(ctx, "海沧")  # the old exact name is gone
    assert names(ctx, "周围") == ["海沧区围棋协会"]


def test_keyset_paging_walks_every_match_once(ctx):
    rows = [{"name": f"海沧区第{i:03d}号志愿者协会"} for i in range(130)]
    add_orgs(ctx, rows)
    seen, after, pages = [], None, 0
    while True:
        page = search_organizations(ctx, "志愿者", limit=40, after=after)
        seen.extend(h.id for h in page.items)
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after
    assert pages == 4 and len(seen) == 130 and len(set(seen)) == 130
    assert search_organizations(ctx, "志愿者").total == 130


def test_dense_tiers_use_the_index_walk_and_keep_order(ctx, monkeypatch):
    """Above the density threshold the tier is read by walking the sort index; the
    result must equal the join-and-sort plan."""
    from mca_tui.storage import sqlite_search

    add_orgs(ctx, [{"name": f"海沧区{c}协会"} for c in "甲乙丙丁戊己庚辛壬癸"])
    small = [h.id for h in search_organizations(ctx, "海", limit=7).items]
    monkeypatch.setattr(sqlite_search, "DENSE_THRESHOLD", 2)
    dense = [h.id for h in search_organizations(ctx, "海", limit=7).items]
    page2 = search_organizations(ctx, "海", limit=7,
                                 after=search_organizations(ctx, "海", limit=7).next_after)
    assert dense == small
    assert not set(h.id for h in page2.items) & set(dense)


def test_reindex_rebuilds_from_the_table(ctx, orgs):
    from sqlalchemy import text

    with ctx.db.write() as s:
        if ctx.db.is_sqlite:  # contentless FTS5: emptied by its command
            s.execute(text("INSERT INTO organization_fts(organization_fts) VALUES ('delete-all')"))
        else:
            s.execute(text("DELETE FROM organization_search"))
    assert names(ctx, "社工") == []
    with ctx.db.write() as s:
        assert index.reindex_all(s) == 6
    assert names(ctx, "社工") == [NAMES[1]]


def test_parse_query_normalises_width_and_case():
    q = index.parse_query("  ＨＣＱ　ｓｇ ")
    assert q.terms == ("HCQ", "sg") and q.initials == "hcqsg"
    assert index.parse_query("5135 0205-mj").code == "51350205MJ"


def test_search_requires_a_role(make_ctx, orgs):
    from mca_tui.domain.enums import Role

    clerk = make_ctx("clerk1", Role.CLERK)
    assert names(clerk, "社工") == [NAMES[1]]


def test_cli_search_json_and_text(ctx, orgs, capsys, tmp_path):
    from mca_tui.cli import main

    db_path = ctx.db.path or ctx.db.url
    assert main(["--db", str(db_path), "search", "--json", "--limit", "2", "海沧"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["query"] == "海沧" and out["total"] == 6  # every address has 海沧
    assert [r["name"] for r in out["results"]] == ["海沧", NAMES[2]]
    assert out["results"][1]["closed"] is True
    assert main(["--db", str(db_path), "search", "hcqsg"]) == 0
    text_out = capsys.readouterr().out
    assert NAMES[1] in text_out and code(2) in text_out
    assert main(["--db", str(db_path), "search", "无此组织"]) == 1


def test_a_code_like_query_is_looked_up_in_codes_only(ctx):
    """Four or more credit-code characters with a digit are a code fragment
    (search_tokens.looks_like_code): the digits of addresses are not searched for them,
    shorter digit strings still are."""
    from mca_tui.storage.search_tokens import looks_like_code

    assert looks_like_code("3502") and looks_like_code("m0009")
    assert not looks_like_code("350") and not looks_like_code("hcqsg")
    assert not looks_like_code("沧林路1") and not looks_like_code("ab12cs")  # S: not a code char
    add_orgs(ctx, [{"name": "海沧区门牌协会", "domicile": "海沧大道9876号"},
                   {"name": "海沧区代码协会", "uscc": code(987654)}])
    assert names(ctx, "9876") == ["海沧区代码协会"]
    assert set(names(ctx, "987")) == {"海沧区门牌协会", "海沧区代码协会"}
    assert names(ctx, "大道9876") == ["海沧区门牌协会"]


def test_count_after_a_page_that_held_every_match(ctx, orgs):
    """A first page shorter than its limit is every match: the count takes its length;
    another query in the same session is counted afresh."""
    pq, other = index.parse_query("协会"), index.parse_query("海沧")
    with ctx.db.read() as s:
        rows = index.find(s, pq, limit=50)
        assert index.count(s, pq) == len(rows) == 3
        index.find(s, pq, limit=50)
        assert index.count(s, other) == 6
        assert index.count(s, pq) == 3  # no page before: counted in the index
        assert len(index.find(s, other, limit=2)) == 2
        assert index.count(s, other, cap=4) == 4
