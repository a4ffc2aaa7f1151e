"""The shared registry on PostgreSQL: the migrated schema equals the models, the search
index is a GIN-indexed tsvector that finds what SQLite's FTS5 finds, in the same order.
Runs only when the ``db`` fixture is on PostgreSQL (MCA_TUI_TEST_PG / --pg)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from mca_tui.config import Settings
from mca_tui.domain.enums import OrgStatus
from mca_tui.services.context import cli_context
from mca_tui.services.search import search_organizations
from mca_tui.storage import postgres_search
from mca_tui.storage import search as index
from mca_tui.storage.engine import Database
from mca_tui.storage.migrate import include_name
from mca_tui.storage.models import metadata
from tests.search.helpers import add_orgs


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if db.is_sqlite:
        pytest.skip("PostgreSQL run only (MCA_TUI_TEST_PG)")


def test_migrated_schema_equals_the_models(db):
    with db.engine.connect() as conn:
        mc = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name})
        diffs = compare_metadata(mc, metadata)
    assert diffs == [], f"models and migrations disagree: {diffs}"
    collation = db.scalar("SELECT collation_name FROM information_schema.columns "
                          "WHERE table_name = 'organization' AND column_name = 'name_sort_key'")
    assert collation == "C"


ROWS = [
    {"name": "厦门市海沧区社会工作者协会", "rep": "林志伟", "domicile": "厦门市海沧区沧林路88号"},
    {"name": "海沧区社工协会", "rep": "陈晓燕", "domicile": "厦门市海沧区钟林路1号"},
    {"name": "海沧区长寿老人协会", "rep": "黄丽芳", "domicile": "新阳路2号",
     "status": OrgStatus.DEREGISTERED},
    {"name": "嵩屿街道社会工作服务中心", "rep": "郑建国", "domicile": "嵩屿大道3号",
     "status": OrgStatus.REVOKED},
    {"name": "海沧", "rep": "王海涛", "domicile": "东孚大道4号"},
    {"name": "重庆商会", "rep": "李明辉", "domicile": "滨湖北路5号"},
    {"name": "莆田商会", "rep": "吴海", "domicile": "海沧大道6号"},
    {"name": "福建省莆仙文化研究会", "rep": "方平", "domicile": "厦门市思明区7号"},
    {"name": "海沧区Ａ＆Ｂ青年志愿者协会", "rep": "海燕", "domicile": "沧江路8号"},
    {"name": "长庚社区老年人协会", "rep": "张长", "domicile": "海沧区长庚路9号"},
] + [{"name": f"海沧区第{i}志愿服务队", "rep": f"志愿者{i}", "domicile": f"海沧街道{i}号"}
     for i in range(1, 13)]
QUERIES = ["海", "沧", "海沧", "社工", "协会", "海沧区社", "志愿", "hcq", "hc", "xmshc", "pt",
           "ft", "cq", "zq", "zqsh", "MJ", "0205", "51350205", "mj00001", "林志伟", "沧林路",
           "海 协会", "a b", "ab", "hcqd", "长", "zs", "cg", "莆", "ｈｃｑ", "z", "9"]


def _ranked(ctx, query: str) -> list[tuple[int, str]]:  # noqa: ANN001
    out, after = [], None
    while True:  # pages of 4 walk the keyset across tiers
        page = search_organizations(ctx, query, limit=4, after=after)
        out += [(h.rank, h.name) for h in page.items]
        if page.next_after is None:
            return out
        after = page.next_after


def test_search_finds_what_sqlite_finds_in_the_same_order(ctx, tmp_path):
    add_orgs(ctx, ROWS)
    lite = Database.open(tmp_path / "parity.db")
    lite_ctx = cli_context(lite, Settings(documents_dir=str(tmp_path / "docs")))
    add_orgs(lite_ctx, ROWS)
    try:
        for q in QUERIES:
            pg_rows = _ranked(ctx, q)
            assert pg_rows == _ranked(lite_ctx, q), q
            assert search_organizations(ctx, q).total == search_organizations(lite_ctx, q).total
        assert _ranked(ctx, "海")  # not vacuous
        assert len(_ranked(ctx, "hcq")) >= 10
    finally:
        lite.dispose()


def test_search_uses_the_gin_index(ctx, db):
    add_orgs(ctx, ROWS)
    match = postgres_search.match_all(index.parse_query("海沧").terms)
    with db.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text(
            f"EXPLAIN SELECT rowid FROM {postgres_search.TABLE} "
            "WHERE doc @@ CAST(:m AS tsquery)"), {"m": match}))
    assert f"ix_{postgres_search.TABLE}_doc" in plan, plan


def test_reindex_restores_a_lost_index(ctx, db):
    add_orgs(ctx, ROWS)
    with db.write() as s:  # as after an upgrade from before the index existed
        s.execute(text(f"DELETE FROM {postgres_search.TABLE}"))
        s.execute(text("UPDATE organization SET search_rowid = NULL"))
    # (an exact name is still found in the organization table: a query without one)
    assert search_organizations(ctx, "社工").total == 0
    with db.write() as s:
        assert index.reindex_all(s) == len(ROWS)
    assert search_organizations(ctx, "海沧").total > 0
    with db.read() as s:
        rowids = s.execute(text("SELECT search_rowid FROM organization")).scalars().all()
    assert None not in rowids and len(set(rowids)) == len(ROWS)


def test_probe_walk_and_index_join_give_the_same_pages(ctx, db, monkeypatch):
    """A tier's page comes from the probe of the first organizations in sort-key order
    when it fills there, else from the GIN index joined and sorted: every probe size
    (none, part of a page, everything) gives the same pages."""
    add_orgs(ctx, ROWS)
    queries = ["海", "hcq", "协会", "0205", "志愿", "社工"]
    pages = {}
    for probe in (0, 1, 3, 10**6):
        monkeypatch.setattr(postgres_search, "PROBE_ROWS", probe)
        pages[probe] = {q: _ranked(ctx, q) for q in queries}
    assert any(pages[0].values())
    assert pages[1] == pages[0] and pages[3] == pages[0] and pages[10**6] == pages[0]
