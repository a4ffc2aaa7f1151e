"""Revision 0021_compact_storage on a registry with data: ``audit_subject`` becomes a
WITHOUT ROWID table (same rows, the timeline still searches its key), and
``dormancy_summary`` loses ``reports_json`` while the list, the stored assessments and
the summaries read the same (report years by key); revision 0025_dormancy_articles leaves
the standard articles out of the stored signals (the list's JSON is the same). The
downgrade puts the column and the articles back, and the rowid table."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from alembic import command

from mca_tui.services import dormancy
from mca_tui.storage import audit
from mca_tui.storage.migrate import alembic_config, current_revision, head_revision
from tests.revocation.conftest import add_org, at, good_years

DAY = date(2025, 6, 10)


def _migrate(db, revision: str, *, down: bool = False) -> None:
    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        cfg.attributes["connection"] = conn.execution_options(mca_write=True)
        (command.downgrade if down else command.upgrade)(cfg, revision)
    db.engine.dispose()


def _without_rowid(path, table: str) -> bool:
    raw = sqlite3.connect(path)
    try:
        sql = raw.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        raw.close()
    return "WITHOUT ROWID" in sql.upper()


def _columns(path, table: str) -> set[str]:
    raw = sqlite3.connect(path)
    try:
        return {r[1] for r in raw.execute(f"PRAGMA table_info({table})")}
    finally:
        raw.close()


def _subjects(path) -> list[tuple]:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT entity, entity_id, at, event_id FROM audit_subject "
                           "ORDER BY 1, 2, 3, 4").fetchall()
    finally:
        raw.close()


def _listing(ctx) -> list[dict]:
    return [c.to_json() for c in dormancy.candidates(ctx, DAY)]


def _signals_json(path, org_id: str) -> str:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT signals_json FROM dormancy_summary WHERE organization_id = ?",
                           (org_id,)).fetchone()[0]
    finally:
        raw.close()


@pytest.mark.sqlite_only
def test_compact_storage_down_and_up_keeps_every_row_and_the_list(ctx, db):
    c = at(ctx, DAY)
    z1 = add_org(c, "连续未报协会", reports=good_years(2016, 2022))
    add_org(c, "按时年报协会", reports=good_years(2016, 2024))
    add_org(c, "新设未活动协会", established=date(2024, 3, 1))
    path = db.path
    assert _without_rowid(path, "audit_subject")
    assert "reports_json" not in _columns(path, "dormancy_summary")
    subjects, listing = _subjects(path), _listing(ctx)
    summary = dormancy.summary_of(ctx, z1)
    assert summary.name == "连续未报协会" and [r.year for r in summary.reports] == list(
        range(2016, 2023))
    assert {x["name"] for x in listing} == {"连续未报协会", "新设未活动协会"}
    assert all(s["article"] for x in listing for s in x["signals"])
    assert '"no_report_two_years"' in _signals_json(path, z1)
    assert "article" not in _signals_json(path, z1)  # the standard article: left out

    _migrate(db, "0020_open_listing_index", down=True)
    assert current_revision(db) == "0020_open_listing_index"
    assert not _without_rowid(path, "audit_subject")
    assert _subjects(path) == subjects
    raw = sqlite3.connect(path)
    [reports] = raw.execute("SELECT reports_json FROM dormancy_summary "
                            "WHERE organization_id = ?", (z1,)).fetchone()
    raw.close()
    assert reports.startswith('[[2016,"accepted","') and reports.count("[20") == 7
    assert '"article":"' in _signals_json(path, z1)  # put back by the downgrade of 0025

    _migrate(db, "head")
    assert current_revision(db) == head_revision()
    assert _without_rowid(path, "audit_subject")
    assert _subjects(path) == subjects
    assert "reports_json" not in _columns(path, "dormancy_summary")
    assert "article" not in _signals_json(path, z1)  # stripped again by 0025 (in SQL)
    assert _listing(ctx) == listing
    assert json.dumps(_listing(ctx), ensure_ascii=False) == json.dumps(listing,
                                                                       ensure_ascii=False)
    assert dormancy.summary_of(ctx, z1) == summary
    with db.read() as s:
        assert [e.id for e in audit.events_about(s, "organization", z1)]


@pytest.mark.sqlite_only
def test_organization_keeps_only_the_indexes_its_queries_use(db):
    """Revision 0024_compact_indexes: no index on office_id, subdistrict_code,
    legal_rep_name or established_on alone (the lifespan index begins with it); the
    closing dates are partial indexes that the statistics' ranges still search."""
    raw = sqlite3.connect(db.path)
    try:
        names = {r[0] for r in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'organization'")}
        assert not {f"ix_organization_{c}" for c in (
            "office_id", "subdistrict_code", "legal_rep_name", "established_on",
            "deregistered_on", "revoked_on")} & names
        assert {"ix_organization_deregistered", "ix_organization_revoked",
                "ix_organization_lifespan"} <= names

        def plan(sql: str) -> str:
            return " | ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + sql))

        year = "BETWEEN '2024-01-01' AND '2024-12-31'"
        assert "ix_organization_deregistered" in plan(
            f"SELECT org_type, count(*) FROM organization WHERE deregistered_on {year} "
            "GROUP BY org_type")
        assert "ix_organization_revoked" in plan(
            f"SELECT count(*) FROM organization WHERE revoked_on {year}")
        assert "ix_organization_lifespan" in plan(
            "SELECT id FROM organization WHERE established_on IS NOT NULL "
            "AND established_on <= '2024-12-31'")
        # the statistics' "not due" set (reports.stats, a year outside the summary's bits)
        not_due = plan("SELECT id FROM organization WHERE established_on IS NULL "
                       "OR established_on > '2024-06-30' OR deregistered_on < '2025-01-01' "
                       "OR revoked_on < '2025-01-01'")
        assert "SCAN" not in not_due, not_due
    finally:
        raw.close()
