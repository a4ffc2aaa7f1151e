"""``mca-tui copy-registry``: a SQLite registry copied into a new database (PostgreSQL
when MCA_TUI_TEST_PG is set) keeps every row, its audit chain and its search results."""

from __future__ import annotations

from sqlalchemy import func, select

from mca_tui.config import Settings
from mca_tui.domain.enums import OrgStatus
from mca_tui.services.context import cli_context
from mca_tui.services.search import search_organizations
from mca_tui.storage.engine import Database
from mca_tui.storage.models import AuditEvent, metadata
from tests.search.helpers import add_orgs, code

ROWS = [{"name": "厦门市海沧区社会工作者协会", "rep": "林志伟", "domicile": "沧林路88号"},
        {"name": "海沧区社工协会", "rep": "陈晓燕", "domicile": "钟林路1号"},
        {"name": "莆田商会", "rep": "吴海", "domicile": "海沧大道6号",
         "status": OrgStatus.DEREGISTERED}]


def _counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
                for t in metadata.sorted_tables}


def test_copy_keeps_every_row_the_chain_and_search(empty_db_url, tmp_path, capsys):
    from mca_tui.cli import main

    source_path = tmp_path / "office.db"
    source = Database.open(source_path)
    settings = Settings(documents_dir=str(tmp_path / "docs"))
    add_orgs(cli_context(source, settings), ROWS)
    before = _counts(source)
    assert main(["--db", str(source_path), "copy-registry", empty_db_url]) == 0
    out = capsys.readouterr().out
    assert "已复制" in out and "审计链完整" in out
    target = Database.open(empty_db_url)
    try:
        after = _counts(target)
        assert after.pop("audit_event") == before.pop("audit_event") + 1  # registry.copy
        after.pop("audit_change"), before.pop("audit_change")
        after.pop("audit_subject"), before.pop("audit_subject")
        assert after == before
        with target.read() as s:
            last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last.action == "registry.copy"
        ctx = cli_context(target, settings)
        assert [h.name for h in search_organizations(ctx, "pt").items] == ["莆田商会"]
        assert [h.name for h in search_organizations(ctx, "社工").items] == ["海沧区社工协会"]
        # a second copy into the same (now filled) registry copies nothing
        assert main(["--db", str(source_path), "copy-registry", empty_db_url]) == 1
        assert "不是空的" in capsys.readouterr().out
        assert _counts(target)["organization"] == len(ROWS)
    finally:
        target.dispose()
        source.dispose()


def test_copy_leaves_statistics_and_numbering_ready_for_new_writes(empty_db_url, tmp_path):
    """After the bulk copy the target's planner statistics exist (ANALYZE ran) and a new
    organization written there gets a search row number of its own (on PostgreSQL from the
    sequence, after the copied ones)."""
    from sqlalchemy import text

    from mca_tui.domain.actor import Actor
    from mca_tui.storage import transfer
    from mca_tui.storage.audit import verify_chains
    from mca_tui.storage.models import Organization

    source = Database.open(tmp_path / "office.db")
    settings = Settings(documents_dir=str(tmp_path / "docs"))
    add_orgs(cli_context(source, settings), ROWS)
    target = Database.open(empty_db_url)
    try:
        actor = cli_context(source, settings).actor
        assert isinstance(actor, Actor)
        transfer.copy_registry(source, target, actor)
        with target.read() as s:
            if target.is_postgres:
                analyzed = s.execute(text(
                    "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                    "WHERE relname = 'organization'")).scalar_one()
            else:
                analyzed = bool(s.execute(text(
                    "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'organization'")).scalar())
            copied = set(s.scalars(select(Organization.search_rowid)).all())
        assert analyzed
        ctx = cli_context(target, settings)
        add_orgs(ctx, [{"name": "鳌冠社区书画协会", "rep": "蔡明", "domicile": "翁角路3号",
                        "uscc": code(99)}])
        with target.read() as s:
            fresh = s.scalars(select(Organization.search_rowid)
                              .where(Organization.name == "鳌冠社区书画协会")).one()
            assert verify_chains(s).ok
        assert fresh is not None and fresh not in copied
        if target.is_postgres:  # numbered by the sequence, which the copy moved past
            assert fresh > max(copied)
        assert [h.name for h in search_organizations(ctx, "书画").items] == ["鳌冠社区书画协会"]
    finally:
        target.dispose()
        source.dispose()
