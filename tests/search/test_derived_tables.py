"""Derived tables (storage.audit.DERIVED_TABLES: search indexes, per-organization
summaries) are computed from audited rows, so the audit capture writes no change rows
for them: neither from a flush nor from a bulk insert."""

from __future__ import annotations

from sqlalchemy import text

from mca_tui.storage import audit
from mca_tui.storage.audit import ChangeLog, Subject
from mca_tui.storage.models import Organization, metadata
from mca_tui.storage.models_summary import DormancySummaryRow

from .helpers import add_orgs


def test_registry_names_tables_that_exist():
    modelled = {t.name for t in metadata.sorted_tables}
    index_only = {"organization_fts", "organization_search"}  # no model, one engine each
    assert audit.DERIVED_TABLES - index_only <= modelled
    assert "dormancy_summary" in audit.DERIVED_TABLES
    assert not audit.DERIVED_TABLES & audit.AUDIT_TABLES
    assert "organization" not in audit.DERIVED_TABLES  # a record, always audited


def test_bulk_rows_of_a_derived_table_make_no_change_rows():
    row = {"organization_id": "o1", "org_type": "social_group", "status": "active"}
    assert audit.change_rows_for(DormancySummaryRow, [row]) == []
    assert len(audit.change_rows_for(Organization, [{"id": "o1", "name": "x"}])) == 1
    log = ChangeLog()
    log.add(audit.Change("dormancy_summary", "o1", audit.INSERT, {}, row))
    log.add(audit.Change("organization", "o1", audit.INSERT, {}, {"name": "x"}))
    assert [c.entity for c in log] == ["organization"]


def test_a_unit_writing_a_derived_row_records_only_the_audited_rows(ctx):
    [org_id] = add_orgs(ctx, [{"name": "海沧区派生表测试协会"}])
    with ctx.unit("test.org", subject=Subject("organization", org_id)) as unit:
        unit.session.add(DormancySummaryRow(organization_id=org_id, org_type="social_group"))
        org = unit.session.get(Organization, org_id)
        org.phone = "0592-1234567"
    with ctx.db.read() as s:
        event_id = s.execute(text("SELECT id FROM audit_event WHERE action = 'test.org'")
                             ).scalar_one()
        entities = {c.entity for c in audit.changes_of(s, event_id)}
        subjects = set(s.execute(text("SELECT entity FROM audit_subject WHERE event_id = :e"),
                                 {"e": event_id}).scalars())
        assert audit.verify_chains(s).ok
    assert entities == {"organization"}
    assert "dormancy_summary" not in subjects


def test_a_unit_may_write_derived_rows_in_bulk_but_not_records(ctx):
    """Unit's guard refuses bulk statements on audited tables only."""
    import pytest
    from sqlalchemy import update

    [org_id] = add_orgs(ctx, [{"name": "海沧区批量派生协会"}])
    with ctx.unit("test.org", subject=Subject("organization", org_id)) as unit:
        unit.session.add(DormancySummaryRow(organization_id=org_id, org_type="social_group"))
        unit.session.flush()
        unit.session.execute(update(DormancySummaryRow).values(name="派生"))
    with pytest.raises(RuntimeError, match="bulk organization"), \
            ctx.unit("test.org", subject=Subject("organization", org_id)) as unit:
        unit.session.execute(update(Organization).values(phone="1"))
