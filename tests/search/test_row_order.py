"""SQLite search rows are numbered in pinyin order (storage.sqlite_search), so each ranking
tier is an FTS query in row order with LIMIT: the order must survive inserts between
neighbours (midpoints, then a renumbered window), renames and a rebuild."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from mca_tui.services.organizations import update_organization
from mca_tui.services.search import search_organizations
from mca_tui.storage import search as index
from mca_tui.storage import sqlite_search, sqlite_search_write
from mca_tui.storage.audit import Subject

from .helpers import add_orgs

pytestmark = pytest.mark.sqlite_only


def _order_holds(ctx) -> list[tuple[str, str, int]]:  # noqa: ANN001
    with ctx.db.read() as s:
        rows = s.execute(text("SELECT name_sort_key, id, search_rowid FROM organization "
                              "ORDER BY name_sort_key, id")).all()
        fts = sqlite_search.indexed_rowids(s)
    rowids = [r[2] for r in rows]
    assert None not in rowids
    assert rowids == sorted(rowids) and len(set(rowids)) == len(rowids)
    assert fts == set(rowids)
    return [tuple(r) for r in rows]


def _index_equals_rows(ctx) -> None:  # noqa: ANN001
    """The contentless index holds exactly the tokens of each organization's stored row
    (sqlite_search.stored_document): deletes on renames and renumbering removed the old
    ones and left nothing behind."""
    with ctx.db.read() as s:
        s.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING "
                       f"fts5vocab(main, {sqlite_search.FTS_TABLE}, instance)"))
        held = {(int(d), c, t) for t, d, c in s.execute(text(
            "SELECT term, doc, col FROM temp.vocab"))}
        s.execute(text("DROP TABLE temp.vocab"))
        expected = set()
        for row in s.execute(text(
                "SELECT search_rowid, name, legal_rep_name, domicile, uscc, name_sort_key "
                "FROM organization")):
            doc = sqlite_search.stored_document(*row[1:])
            expected |= {(row[0], col, tok) for col, value in doc.items()
                         for tok in value.split()}
    assert held and held == expected


def test_inserts_between_neighbours_keep_pinyin_order(ctx, monkeypatch):
    # a small gap makes the window renumbering happen within a few inserts
    monkeypatch.setattr(sqlite_search_write, "GAP", 4)
    rnd = random.Random(5)
    names = [f"海沧区{c}协会" for c in "甲乙丙丁戊己庚辛壬癸"] + \
        [f"厦门市{n}商会" for n in range(12)] + ["阿里协会", "中关村协会"]
    rnd.shuffle(names)
    add_orgs(ctx, [{"name": n} for n in names])
    _order_holds(ctx)
    # same name many times: ties ordered by id, squeezed into the same spot
    add_orgs(ctx, [{"name": "海沧区丙协会", "uscc": None} for _ in range(9)])
    _order_holds(ctx)
    hits = search_organizations(ctx, "海", limit=100).items
    keys = [h.keyset for h in hits]
    assert keys == sorted(keys) and len(hits) == 19
    _index_equals_rows(ctx)


def test_rename_moves_the_row_and_paging_continues(ctx, monkeypatch):
    monkeypatch.setattr(sqlite_search_write, "GAP", 4)
    ids = add_orgs(ctx, [{"name": f"海沧区{c}协会"} for c in "甲乙丙丁戊己庚辛"])
    with ctx.unit("test.rename", subject=Subject("organization", ids[0])) as unit:
        update_organization(unit, ids[0], {"name": "海沧区庚一协会"})
    with ctx.unit("test.rename", subject=Subject("organization", ids[1])) as unit:
        update_organization(unit, ids[1], {"legal_rep_name": "欧阳修", "domicile": "东孚大道9号"})
    _order_holds(ctx)
    _index_equals_rows(ctx)
    assert search_organizations(ctx, "甲协").items == ()  # the old name's tokens are gone
    seen, after = [], None
    while True:
        page = search_organizations(ctx, "协会", limit=3, after=after)
        seen += [h.id for h in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    with ctx.db.read() as s:
        expected = [r[0] for r in s.execute(text(
            "SELECT id FROM organization ORDER BY name_sort_key, id"))]
    assert seen == expected


def test_rebuild_numbers_rows_gap_apart_in_pinyin_order(ctx):
    add_orgs(ctx, [{"name": n} for n in ["重庆商会", "阿里协会", "海沧协会", "莆田商会"]])
    with ctx.db.write() as s:
        assert index.reindex_all(s) == 4
    rows = _order_holds(ctx)
    assert [r[2] for r in rows] == [sqlite_search_write.GAP * (i + 1) for i in range(4)]
    _index_equals_rows(ctx)
