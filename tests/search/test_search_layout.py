"""Layout of the SQLite search index (storage.sqlite_search, revision 0023_search_layout):
no FTS5 prefix indexes; short fragments of codes and initials are tokens of their own, so
every query is a lookup of whole terms (no prefix query, no scan of a range of terms),
and the matches are exactly what the rules say (substrings of name, representative and
address; code fragments; initials of any reading)."""

from __future__ import annotations

import re

import pytest
from alembic import command
from sqlalchemy import text

from mca_tui.domain import pinyin
from mca_tui.domain.text import normalize_code
from mca_tui.services.organizations import update_organization
from mca_tui.services.search import search_organizations
from mca_tui.storage import rebuild_workers, sqlite_search, sqlite_search_write
from mca_tui.storage import search as index
from mca_tui.storage.audit import Subject
from mca_tui.storage.migrate import alembic_config, current_revision, head_revision
from mca_tui.storage.search_tokens import chars, looks_like_code

from .helpers import WORKERS, add_orgs, code, rebuild_workers_as

pytestmark = pytest.mark.sqlite_only

ROWS = [
    {"name": "厦门市海沧区社会工作者协会", "rep": "林志伟", "domicile": "厦门市海沧区沧林路88号"},
    {"name": "海沧区社工协会", "rep": "陈晓燕", "domicile": "钟林路1号", "uscc": code(731)},
    {"name": "重庆商会", "rep": "李明辉", "domicile": "滨湖北路5号"},
    {"name": "长乐12号协会", "rep": "张三", "domicile": "新阳路12号"},  # digits in the readings
    {"name": "ABC舞蹈协会", "rep": "王五", "domicile": "东孚大道9876号"},  # Latin letters
    {"name": "行业协会", "rep": "赵六", "domicile": "海沧区", "uscc": code(20, "2")},
    {"name": "茶", "rep": "钱七", "domicile": "茶山路"},  # one character
]

QUERIES = ["h", "x", "s", "c", "m", "j", "z", "1", "2", "5", "12", "88", "35", "hc", "xm", "cq",
           "sh", "ab", "mj", "hcq", "xms", "zqs", "513", "350", "hcqs", "xmsh", "3502", "m0007",
           "hcqsg", "xmshcq", "cqsh", "hcqshgzzxh", "zlxh", "clxh", "hyxh", "5235", "51350205",
           "海", "海沧", "社工", "沧林路8", "茶", "林", "陈晓", "9876", "大道9876", "abc", "abcwd",
           "a", "12h", "hcq 林", "社 h", "xh"]


def _hit(term: str, texts: list[str], readings: tuple[str, ...], uscc: str) -> bool:
    """One term of a query matches an organization, by the rules."""
    c = chars(term)
    if looks_like_code(c):
        return c in uscc
    if any(c in t for t in texts):
        return True
    return c.isascii() and (c in uscc or (c.isalpha() and any(c in r for r in readings)))


def _expected(orgs: list[dict], query: str) -> dict[str, int]:
    """Matches of ``query`` by the rules, without the index: id -> tier."""
    out = {}
    for org in orgs:
        texts = [chars(org["name"]), chars(org["rep"]), chars(org["domicile"])]
        readings = pinyin.initials_variants(org["name"])
        uscc = normalize_code(org["uscc"]).lower()
        if not all(_hit(t, texts, readings, uscc) for t in query.split()):
            continue
        c = chars(query)
        if org["name"] == query or uscc == c:
            out[org["id"]] = 0
        elif len(query.split()) == 1 and (
                texts[0].startswith(c) or (c.isascii() and uscc.startswith(c))
                or (c.isalpha() and c.isascii() and not looks_like_code(c)
                    and readings[0].startswith(c))):
            out[org["id"]] = 1
        else:
            out[org["id"]] = 2
    return out


@pytest.fixture
def orgs(ctx):
    ids = add_orgs(ctx, [dict(r) for r in ROWS])
    with ctx.db.read() as s:
        stored = {r[0]: r[1] for r in s.execute(text("SELECT id, uscc FROM organization"))}
    return [dict(r, id=i, uscc=stored[i]) for r, i in zip(ROWS, ids, strict=True)]


def test_every_kind_of_query_finds_what_the_rules_say(ctx, orgs):
    for query in QUERIES:
        found = {h.id: h.rank for h in search_organizations(ctx, query, limit=50).items}
        assert found == _expected(orgs, query), query


def test_no_prefix_index_and_no_prefix_query(ctx, orgs):
    """Every query of every tier is a lookup of whole terms: 1-letter initials, short code
    fragments, anchored starts and 4-character code fragments alike."""
    with ctx.db.read() as s:
        sql = s.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"),
                        {"n": sqlite_search.FTS_TABLE}).scalar_one()
    assert "prefix" not in sql.lower()
    assert re.search(r"fts5\(\s*py,", sql)  # the column with the most postings first
    for query in QUERIES:
        terms = index.parse_query(query).terms
        expressions = [sqlite_search.match_all(terms), sqlite_search.match_prefix(terms)]
        assert not any("*" in e for e in expressions), query
    frag, mark = sqlite_search.FRAG, sqlite_search.MARK
    assert sqlite_search.match_all(["h"]) == f'({{name rep addr}} : "h" OR py : {frag}h)'
    assert sqlite_search.match_all(["3502"]) == "code : 3502"
    assert sqlite_search.match_prefix(["x"]).endswith(f"py : {frag}{mark}x")


def _vocabulary(session) -> dict[str, set[tuple[str, str]]]:  # noqa: ANN001
    """Organization id -> its (column, term) pairs as held by the index."""
    session.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.layout_vocab USING "
                         f"fts5vocab(main, {sqlite_search.FTS_TABLE}, instance)"))
    ids = dict(session.execute(text("SELECT search_rowid, id FROM organization")).all())
    out: dict[str, set[tuple[str, str]]] = {}
    for term, doc, col in session.execute(text("SELECT term, doc, col FROM temp.layout_vocab")):
        out.setdefault(ids[doc], set()).add((col, term))
    session.execute(text("DROP TABLE temp.layout_vocab"))
    return out


def test_short_fragments_are_terms_of_their_own(ctx, orgs):
    """A 1-letter query reads the posting list of that letter's fragment: the term is held
    for every organization whose code or any reading contains it, and for no other; the
    letter itself as a character of a name (its own term) is not held for them."""
    with ctx.db.read() as s:
        vocab = _vocabulary(s)
    frag = sqlite_search.FRAG
    for letter in ("h", "q", "5", "zq"):
        holders = {i for i, terms in vocab.items() if ("py", frag + letter) in terms}
        assert holders == {o["id"] for o in orgs if letter in normalize_code(o["uscc"]).lower()
                           or any(letter in r for r in pinyin.initials_variants(o["name"]))}
    # fragments of readings with a digit are never looked up: not indexed
    twelve = next(o["id"] for o in orgs if o["name"] == "长乐12号协会")
    assert ("py", frag + "l12") not in vocab[twelve] and ("py", frag + "cl") in vocab[twelve]
    abc = next(o["id"] for o in orgs if o["name"] == "ABC舞蹈协会")
    assert {i for i, terms in vocab.items() if ("name", "a") in terms} == {abc}
    assert not any(t == "h" for terms in vocab.values() for _, t in terms)


@pytest.mark.parametrize("worker", list(WORKERS))
def test_rebuild_and_incremental_indexing_give_the_same_index(ctx, orgs, monkeypatch, worker):
    """Small chunks, documents computed in a worker process (a large registry), a worker
    thread, in place (a busy machine), or in a thread after the worker process could not
    start: the rebuilt index holds exactly the terms the services' incremental indexing
    wrote."""
    monkeypatch.setattr(sqlite_search_write, "REBUILD_CHUNK", 3)
    if worker in ("process", "no process"):
        monkeypatch.setattr(sqlite_search_write, "PROCESS_MIN", 1)
    started = rebuild_workers_as(monkeypatch, worker)
    first = orgs[0]["id"]
    with ctx.unit("test.rename", subject=Subject("organization", first)) as unit:
        update_organization(unit, first, {"name": "厦门市海沧区长乐社会工作者协会",
                                          "legal_rep_name": "曾长春"})
    add_orgs(ctx, [{"name": "海沧区重阳协会", "uscc": code(990)}])
    with ctx.db.read() as s:
        incremental = _vocabulary(s)
    with ctx.db.write() as s:
        assert index.reindex_all(s) == len(ROWS) + 1
    with ctx.db.read() as s:
        rebuilt = _vocabulary(s)
    assert incremental == rebuilt and len(rebuilt) == len(ROWS) + 1
    assert started == WORKERS[worker]


def test_migration_rebuilds_an_index_of_the_older_layout(ctx, orgs, db):
    """Revision 0023_search_layout replaces the prefix-indexed table (the layout of
    revisions 0017-0022) with the current one; the same rows are found."""
    before = {q: [h.id for h in search_organizations(ctx, q).items] for q in QUERIES}
    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn.execution_options(mca_write=True)
        command.downgrade(cfg, "0022_pg_search_marks")
        conn.exec_driver_sql(f"DROP TABLE {sqlite_search.FTS_TABLE}")
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE {sqlite_search.FTS_TABLE} USING fts5(name, rep, addr, "
            "code, py, tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3', "
            "content = '', columnsize = 0)")
        conn.exec_driver_sql(f"INSERT INTO {sqlite_search.FTS_TABLE} (rowid, name) "
                             "VALUES (1, '旧')")
        conn.commit()
        command.upgrade(cfg, "head")
    db.engine.dispose()
    assert current_revision(db) == head_revision()
    with ctx.db.read() as s:
        sql = s.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"),
                        {"n": sqlite_search.FTS_TABLE}).scalar_one()
        assert "prefix" not in sql.lower()
        assert set(sqlite_search.indexed_rowids(s)) == set(s.execute(text(
            "SELECT search_rowid FROM organization")).scalars())
    assert {q: [h.id for h in search_organizations(ctx, q).items] for q in QUERIES} == before


@pytest.mark.parametrize("late_max", [10_000, 0])
def test_rebuild_fixes_stale_sort_keys_few_in_place_many_in_a_second_pass(
        ctx, orgs, monkeypatch, late_max):
    """Rows are numbered by their stored sort key; one that no longer fits its name is
    placed after with its new key between its neighbours, or (more than LATE_MAX) the
    keys are fixed and the rebuild runs again: either way the index is the one an
    incremental indexing gives, in pinyin order."""
    monkeypatch.setattr(sqlite_search_write, "LATE_MAX", late_max)
    with ctx.db.read() as s:
        expected = _vocabulary(s)
    stale = {orgs[0]["id"]: "a", orgs[2]["id"]: pinyin.sort_key("海沧商会")}
    with ctx.db.write() as s:
        for org_id, key in stale.items():
            s.execute(text("UPDATE organization SET name_sort_key = :k WHERE id = :i"),
                      {"k": key, "i": org_id})
        assert index.reindex_all(s) == len(ROWS)
    with ctx.db.read() as s:
        rows = s.execute(text("SELECT id, name, name_sort_key, search_rowid FROM organization "
                              "ORDER BY name_sort_key, id")).all()
        assert _vocabulary(s) == expected
    assert all(r.name_sort_key == pinyin.sort_key(r.name) for r in rows)
    numbers = [r.search_rowid for r in rows]
    assert None not in numbers and numbers == sorted(numbers)
    assert [h.id for h in search_organizations(ctx, "协会", limit=50).items] == [
        r.id for r in rows if "协会" in r.name and r.name != "协会"]


def test_rebuild_gives_back_the_connection_and_index_settings(ctx, orgs, monkeypatch):
    """The load's settings (no zeroing of freed pages, a large FTS5 hash, no crisis
    merges) do not outlive the rebuild: the services' writes find the defaults."""
    import os

    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 9.0, 9.0))
    assert not rebuild_workers.second_core()  # a busy machine: no worker thread
    with ctx.db.write() as s:
        before = s.execute(text("PRAGMA secure_delete")).scalar_one()
        index.reindex_all(s)
        assert s.execute(text("PRAGMA secure_delete")).scalar_one() == before
        config = dict(s.execute(text(f"SELECT k, v FROM {sqlite_search.FTS_TABLE}_config")).all())
    assert config["automerge"] == 4 and config["crisismerge"] == 16
    assert config["hashsize"] == sqlite_search_write.DEFAULT_HASHSIZE



def test_a_renumbered_window_leaves_room_for_the_next_inserts(ctx, orgs):
    """When a run of new rows does not fit between its two neighbours (a ledger import's
    names cluster in pinyin order), a window of neighbours is renumbered with room to
    spare - at least a quarter of the rebuild's GAP between rows - so the next rows
    inserted nearby take free numbers instead of renumbering an ever wider window (a
    30,000-row import spent 80 % of its time there). Order is kept."""
    add_orgs(ctx, [{"name": f"海沧区社工协会乙{n:03d}分会", "rep": "林志伟",
                    "uscc": code(800 + n)} for n in range(60)])
    with ctx.db.write() as s:
        index.reindex_all(s)
        before = [r[0] for r in s.execute(text(
            "SELECT search_rowid FROM organization ORDER BY search_rowid"))]
        prev, nxt = before[10], before[11]  # GAP apart
        new = sqlite_search_write._spread_many(s, prev, nxt, 120)
        after = [r[0] for r in s.execute(text(
            "SELECT search_rowid FROM organization ORDER BY name_sort_key, id"))]
    assert after == sorted(after) and len(after) == len(before)
    numbers = sorted(after + new)
    assert len(set(numbers)) == len(numbers)
    gaps = [b - a for a, b in zip(numbers, numbers[1:], strict=False)]
    assert min(gaps) >= sqlite_search_write.GAP // 4, gaps
