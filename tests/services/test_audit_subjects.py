"""Every write service appends exactly one audit event about the subject it names, and
every row it wrote is among that event's change rows (issue 8). Data-driven: a later
workflow adds its services as rows of ``CASES``.

Also: the subject index answers "every event about X" by index search (EXPLAIN QUERY
PLAN shows no SCAN of the audit tables and no temporary sort), change rows are inside
the hash, and the organization timeline includes its applications' events."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import select

from mca_tui.domain.enums import OrgType, Role
from mca_tui.domain.forms import materials_for
from mca_tui.domain.supervision.term import leaders_from
from mca_tui.services import calendar_admin, records, users
from mca_tui.services import registration as reg
from mca_tui.services.context import ServiceContext
from mca_tui.services.export import export_ledger
from mca_tui.services.ledger_import import import_ledger
from mca_tui.services.registration import terms
from mca_tui.storage import audit
from mca_tui.storage.audit import AUDIT_TABLES, Subject
from mca_tui.storage.models import AuditChange, AuditEvent, Organization, UserAccount, metadata
from tests import rawdb

from ..conftest import PASSWORD
from ..registration.helpers import TODAY, make_id, sg_form
from ..reports.helpers import code, ledger, org


@dataclass
class Env:
    ctx: ServiceContext  # command-line actor (every role)
    clerk: ServiceContext
    reviewer: ServiceContext
    approver: ServiceContext
    tmp_path: object
    state: dict


@pytest.fixture
def env(ctx, make_ctx, tmp_path):
    ctx.today = lambda: TODAY
    return Env(ctx, make_ctx("clerk", Role.CLERK, today=TODAY),
               make_ctx("reviewer", Role.REVIEWER, today=TODAY),
               make_ctx("approver", Role.APPROVER, today=TODAY), tmp_path, {})


# --------------------------------------------------------------------------- building blocks


def _user_id(env: Env, username: str) -> str:
    with env.ctx.db.read() as s:
        return s.exec(select(UserAccount.id).where(UserAccount.username == username)).one()


def _add_zhang(env: Env) -> None:
    users.add_user(env.ctx, "zhang", "张三", PASSWORD, ["clerk"])


def _draft(env: Env, form: dict | None = None) -> str:
    return reg.save_draft(env.clerk, form or sg_form(), org_type=OrgType.SOCIAL_GROUP).id


def _accepted(env: Env, form: dict | None = None, *, on_the_spot: bool = True) -> str:
    app_id = _draft(env, form)
    reg.submit(env.clerk, app_id, on_the_spot=on_the_spot)
    return app_id


def _incomplete_form() -> dict:
    return sg_form(materials={m.key: False for m in materials_for(OrgType.SOCIAL_GROUP)})


def _received_incomplete(env: Env) -> str:
    """An incomplete file received with a 材料接收凭证 (补正 told by the reviewer)."""
    return _accepted(env, _incomplete_form(), on_the_spot=False)


def _in_correction(env: Env) -> str:
    """An incomplete file told its 补正 on the spot at intake."""
    return _accepted(env, _incomplete_form())


def _reviewed(env: Env) -> str:
    app_id = _accepted(env)
    reg.review(env.reviewer, app_id)
    return app_id


def _established(env: Env) -> str:
    return reg.approve(env.approver, _reviewed(env)).application.organization_id


def _change_reviewed(env: Env) -> str:
    app_id = _change_accepted(env)
    reg.review(env.reviewer, app_id)
    return app_id


def _change_accepted(env: Env) -> str:
    org_id = _established(env)
    env.state["org"] = org_id
    draft = reg.start_change(env.clerk, org_id)
    form = {**draft.form, "legal_rep_name": "王强", "supervisory_approval_on": "2025-03-01",
            "legal_rep_id_number": make_id("35020519750707004")}
    form["materials"] = {m.key: True for m in materials_for(OrgType.SOCIAL_GROUP, change=True)}
    reg.save_draft(env.clerk, form, application_id=draft.id)
    reg.submit(env.clerk, draft.id)
    return draft.id


def _app_subject(org_id: str | None = None) -> Callable:
    return lambda env, app_id, result: Subject("application", app_id, org_id)


@dataclass(frozen=True)
class Case:
    """A write service: ``prepare`` builds what it needs (returns a value passed on),
    ``act`` runs it once (returns a result), ``subject`` says what the event must name."""

    name: str
    action: str
    prepare: Callable[[Env], object]
    act: Callable[[Env, object], object]
    subject: Callable[[Env, object, object], Subject]
    writes_rows: bool = True  # False: the event is the only record (an export)


CASES = [
    Case("user add", "user.add", lambda env: None,
         lambda env, _: users.add_user(env.ctx, "zhang", "张三", PASSWORD, ["clerk"]),
         lambda env, _, r: Subject("user_account", r.id)),
    Case("user password", "user.password", _add_zhang,
         lambda env, _: users.set_password(env.ctx, "zhang", "another-pass-456"),
         lambda env, _, r: Subject("user_account", _user_id(env, "zhang"))),
    Case("user disable", "user.disable", _add_zhang,
         lambda env, _: users.set_disabled(env.ctx, "zhang"),
         lambda env, _, r: Subject("user_account", _user_id(env, "zhang"))),
    Case("user unlock", "user.unlock", _add_zhang,
         lambda env, _: users.unlock(env.ctx, "zhang"),
         lambda env, _, r: Subject("user_account", _user_id(env, "zhang"))),
    Case("user roles", "user.roles", _add_zhang,
         lambda env, _: users.set_roles(env.ctx, "zhang", ["clerk", "reviewer"]),
         lambda env, _, r: Subject("user_account", _user_id(env, "zhang"))),
    Case("sign in", "user.sign_in", _add_zhang,
         lambda env, _: users.authenticate(env.ctx, "zhang", PASSWORD),
         lambda env, _, r: Subject("user_account", _user_id(env, "zhang"))),
    Case("sign in failed", "user.sign_in_failed", _add_zhang,
         lambda env, _: pytest.raises(users.SignInRefused, users.authenticate, env.ctx, "zhang",
                                      "wrong"),
         lambda env, _, r: Subject("user_account", _user_id(env, "zhang"))),
    Case("calendar set", "calendar.set_day", lambda env: None,
         lambda env, _: calendar_admin.set_day(env.ctx, date(2027, 2, 8), False, "春节"),
         lambda env, _, r: Subject("calendar_override", "2027-02-08")),
    Case("calendar clear", "calendar.clear_day",
         lambda env: calendar_admin.set_day(env.ctx, date(2027, 2, 8), False, "春节"),
         lambda env, _: calendar_admin.clear_day(env.ctx, date(2027, 2, 8)),
         lambda env, _, r: Subject("calendar_override", "2027-02-08")),
    Case("calendar complete", "calendar.year_complete", lambda env: None,
         lambda env, _: calendar_admin.mark_year_complete(env.ctx, 2027),
         lambda env, _, r: Subject("calendar_year", "2027")),
    Case("ledger import", "ledger.import", lambda env: None,
         lambda env, _: import_ledger(env.ctx, ledger(
             [org(1, 法定代表人="陈明"), org(2)],
             [{"统一社会信用代码": code(1), "报告年度": 2021}],
             [{"统一社会信用代码": code(2), "日期": "2022-05-01", "类别": "约谈",
               "说明": "约谈负责人"}])),
         lambda env, _, r: Subject("import_batch", r.batch_id)),
    Case("ledger import changes", "ledger.import",
         lambda env: import_ledger(env.ctx, ledger([org(1)])),
         lambda env, _: import_ledger(env.ctx, ledger([org(1, 住所="厦门市海沧区沧林路8号")])),
         lambda env, _, r: Subject("import_batch", r.batch_id)),
    Case("draft", "application.draft", lambda env: None,
         lambda env, _: reg.save_draft(env.clerk, sg_form(), org_type=OrgType.SOCIAL_GROUP),
         lambda env, _, r: Subject("application", r.id)),
    Case("draft save", "application.draft_save", _draft,
         lambda env, app_id: reg.save_draft(env.clerk, sg_form(name="厦门市海沧区围棋协会"),
                                            application_id=app_id),
         _app_subject()),
    Case("withdraw", "application.withdraw", _draft,
         lambda env, app_id: reg.discard_draft(env.clerk, app_id), _app_subject()),
    Case("submit/accept", "application.accept", _draft,
         lambda env, app_id: reg.submit(env.clerk, app_id), _app_subject()),
    Case("correction", "application.correction", _received_incomplete,
         lambda env, app_id: reg.request_correction(env.reviewer, app_id), _app_subject()),
    Case("correction complete", "application.correction_complete", _in_correction,
         lambda env, app_id: reg.complete_correction(env.clerk, app_id, sg_form()),
         _app_subject()),
    Case("review", "application.review", _accepted,
         lambda env, app_id: reg.review(env.reviewer, app_id), _app_subject()),
    Case("refuse", "application.refuse", _reviewed,
         lambda env, app_id: reg.refuse(env.approver, app_id, "会员数量不足，不符合条例第十条"),
         _app_subject()),
    Case("approve", "application.approve", _reviewed,
         lambda env, app_id: reg.approve(env.approver, app_id),
         lambda env, app_id, r: Subject("application", app_id,
                                        r.application.organization_id)),
    Case("start change", "application.draft", _established,
         lambda env, org_id: reg.start_change(env.clerk, org_id),
         lambda env, org_id, r: Subject("application", r.id, org_id)),
    Case("approve change", "application.approve", _change_reviewed,
         lambda env, app_id: reg.approve(env.approver, app_id),
         lambda env, app_id, r: Subject("application", app_id, env.state["org"])),
    Case("extend decision period", "application.extend_decision", _change_accepted,
         lambda env, app_id: reg.extend_decision_period(env.approver, app_id, "需要现场核查"),
         lambda env, app_id, r: Subject("application", app_id, env.state["org"])),
    Case("unmasked export", "ledger.export_unmasked",
         lambda env: import_ledger(env.ctx, ledger([org(1, 联系电话="13800001234")])),
         lambda env, _: export_ledger(env.approver, env.tmp_path / "out.xlsx", unmasked=True),
         lambda env, _, r: Subject("export", None), writes_rows=False),
    # a change of term (换届, services.registration.terms): the term, its leaders (person,
    # organization_person) and the proposed audit (supervision_record) in one event
    Case("change of term", "term.record", _established,
         lambda env, org_id: terms.record_change_of_term(
             env.clerk, org_id, elected_on=TODAY,
             leaders=leaders_from("理事长", "林志强", ["黄美玲"], "郑小燕")),
         lambda env, org_id, r: Subject("organization_term", r.term_id, org_id)),
]


# --------------------------------------------------------------------------- table snapshots


# Derived tables (storage.audit.DERIVED_TABLES: the search indexes, the per-organization
# summaries), rewritten from audited rows: not changes of their own, and skipped by the
# capture. Each is checked against its derivation instead
# (test_derived_rows_follow_the_audited_rows, the summaries' own tests).
DERIVED_TABLES = audit.DERIVED_TABLES


def _tables(db) -> dict[str, dict[str, tuple]]:
    """Every non-audit, non-derived table: primary key (as change rows name it) -> row
    values."""
    out: dict[str, dict[str, tuple]] = {}
    with db.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in AUDIT_TABLES or table.name in DERIVED_TABLES:
                continue
            pk = [c.name for c in table.primary_key.columns]
            cols = [c.name for c in table.columns]
            rows = conn.execute(text(f"SELECT {', '.join(cols)} FROM {table.name}")).all()
            out[table.name] = {
                ":".join(str(r[cols.index(k)]) for k in pk): tuple(r) for r in rows}
    return out


def _written(before: dict, after: dict) -> set[tuple[str, str]]:
    rows = set()
    for table in after:
        old, new = before.get(table, {}), after[table]
        rows |= {(table, k) for k in new.keys() - old.keys()}
        rows |= {(table, k) for k in old.keys() - new.keys()}
        rows |= {(table, k) for k in new.keys() & old.keys() if new[k] != old[k]}
    return rows


def _events(db) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.exec(select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq)))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_one_event_about_the_named_subject_with_every_row_written(env, db, case):
    prepared = case.prepare(env)
    tables_before, events_before = _tables(db), {e.id for e in _events(db)}
    result = case.act(env, prepared)
    written = _written(tables_before, _tables(db))
    new = [e for e in _events(db) if e.id not in events_before]
    assert len(new) == 1, [e.action for e in new]
    event = new[0]
    assert event.action == case.action
    expected = case.subject(env, prepared, result)
    assert (event.entity, event.entity_id) == (expected.entity, expected.id)
    if expected.organization_id:
        assert event.organization_id == expected.organization_id
    with db.read() as s:
        changes = audit.changes_of(s, event.id)
        subjects = set(s.exec(text("SELECT entity, entity_id FROM audit_subject "
                                   "WHERE event_id = :e"), params={"e": event.id}).all())
        assert audit.verify_chains(s).ok
    changed = {(c.entity, c.entity_id) for c in changes}
    assert bool(written) == case.writes_rows, written
    assert written <= changed, f"rows written but not in the event: {written - changed}"
    # the event is found by its subject (and organization) through the index
    if expected.id:
        assert (expected.entity, expected.id) in subjects
    if expected.organization_id:
        assert ("organization", expected.organization_id) in subjects


def test_cases_cover_every_audited_write_action():
    """A new write service must add its row here (the list is the contract)."""
    from mca_tui.domain import permissions

    covered = {c.action for c in CASES}
    writes = {a for a in permissions.PERMISSIONS
              if a.startswith(("user.", "calendar.", "ledger.import", "ledger.export_unmasked",
                               "application."))}
    optional = {"user.enable", "calendar.year_incomplete",
                "user.list", "application.read"}  # the last two are reads
    assert writes - covered - optional == set()


# --------------------------------------------------------------------------- unit behaviour


def test_subject_is_required_and_keyword_only(ctx):
    with pytest.raises(TypeError):
        ctx.unit("org.create").__enter__()
    with pytest.raises(TypeError):
        ctx.unit("org.create", Subject("organization", "x")).__enter__()  # type: ignore[misc]


def test_subject_does_not_depend_on_the_order_of_records(ctx, db):
    """The old unit named its event after the first record; now the subject is named."""
    with ctx.unit("org.create", subject=Subject("calendar_year", "2030")) as unit:
        unit.record("organization", "o1", None, {"name": "x"})
        unit.record("calendar_year", "2030", None, {"a": 1})
    event = _events(db)[-1]
    assert (event.entity, event.entity_id) == ("calendar_year", "2030")
    assert '"a":1' in event.after_json and '"organization:o1"' in event.after_json


def test_bulk_statements_must_report_their_rows(ctx, db):
    from sqlalchemy import insert, update

    from mca_tui.storage.models import CalendarYear

    with pytest.raises(RuntimeError, match="audited"), \
            ctx.unit("org.change", subject=Subject("test", None)) as unit:
        unit.session.execute(update(CalendarYear).values(note="x"))
    with ctx.unit("org.change", subject=Subject("calendar_year", "2030")) as unit:
        unit.insert_rows(CalendarYear, [{"year": 2030, "note": ""}, {"year": 2031, "note": ""}])
        with pytest.raises(RuntimeError):
            unit.session.execute(insert(CalendarYear).values(year=2032, note=""))
    event = _events(db)[-1]
    with db.read() as s:
        changes = [(c.entity, c.entity_id, c.operation) for c in audit.changes_of(s, event.id)]
    assert changes == [("calendar_year", "2030", "insert"), ("calendar_year", "2031", "insert")]


def test_a_row_written_twice_in_a_unit_is_one_change(ctx, db):
    from mca_tui.services.organizations import insert_organization, update_organization

    with ctx.unit("org.create", subject=Subject("test", None)) as unit:
        o = insert_organization(unit, office_id=ctx.actor.office_id,
                                org_type=OrgType.SOCIAL_GROUP, name="海沧区测试协会")
        unit.session.flush()
        update_organization(unit, o.id, {"domicile": "海沧大道1号"})
    with db.read() as s:
        rows = [c for c in audit.changes_of(s, _events(db)[-1].id) if c.entity == "organization"]
    assert len(rows) == 1 and rows[0].operation == "insert"
    assert '"domicile":"海沧大道1号"' in rows[0].after_json


def test_password_hashes_never_enter_the_trail(ctx, db):
    users.add_user(ctx, "zhang", "张三", PASSWORD, ["clerk"])
    users.set_password(ctx, "zhang", "another-pass-456")
    raw = rawdb.connect(db)
    texts = [r[0] + r[1] for r in raw.execute("SELECT before_json, after_json FROM audit_change")]
    stored = raw.execute("SELECT password_hash FROM user_account").fetchone()[0]
    assert not any(stored in t for t in texts)
    assert any("[redacted]" in t for t in texts)


def test_change_rows_are_inside_the_hash(env, db):
    _established(env)
    raw = rawdb.connect(db)
    raw.execute("UPDATE audit_change SET after_json = '{}' WHERE entity = 'certificate'")
    raw.close()
    with db.read() as s:
        result = audit.verify_chains(s)
    assert not result.ok and result.broken.reason == "hash_mismatch"
    with db.read() as s:
        approve = s.exec(select(AuditEvent).where(
            AuditEvent.action == "application.approve")).one()
    assert result.broken.event_id == approve.id


@pytest.mark.sqlite_only
def test_deleted_change_row_is_detected(env, db):
    _established(env)
    raw = sqlite3.connect(db.path, isolation_level=None)
    raw.execute("DELETE FROM audit_change WHERE rowid = (SELECT max(rowid) FROM audit_change)")
    raw.close()
    with db.read() as s:
        assert not audit.verify_chains(s).ok


# --------------------------------------------------------------------------- timeline by index


def test_organization_timeline_includes_its_application_events(env, db):
    org_id = _established(env)
    record = records.get_record(env.ctx, org_id)
    actions = [e.action for e in record.timeline]
    assert actions[:4] == ["application.draft", "application.accept", "application.review",
                           "application.approve"]
    with db.read() as s:
        assert {e.action for e in audit.events_about(s, "organization", org_id)} >= {
            "application.approve"}


def _compiled(stmt) -> tuple[str, list]:  # noqa: ANN001
    """SQLite SQL with positional parameters, as the engine sends it."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    compiled = stmt.compile(dialect=sqlite_dialect.dialect())
    return str(compiled), [compiled.params[k] for k in compiled.positiontup]


@pytest.mark.sqlite_only
def test_timeline_queries_search_by_index_without_scans_or_sorts(env, db):
    org_id = _established(env)
    import_ledger(env.ctx, ledger([org(1)]))
    stmts = [audit.events_about_query("organization", org_id),
             audit.events_about_query("application", "x" * 32, newest_first=True),
             audit.events_about_query("organization", org_id).where(
                 AuditEvent.action == "ledger.import")]
    raw = sqlite3.connect(db.path)
    for stmt in stmts:
        sql, params = _compiled(stmt)
        plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
        text_plan = " | ".join(plan)
        assert not any(p.startswith("SCAN") for p in plan), text_plan
        assert "TEMP B-TREE" not in text_plan, text_plan
        assert "audit_subject" in text_plan
    # the change rows of one row of an event
    plan = [row[3] for row in raw.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM audit_change WHERE event_id = ? AND entity = ? "
        "AND entity_id = ? ORDER BY ordinal", ("e", "organization", org_id))]
    assert not any(p.startswith("SCAN") for p in plan), plan
    raw.close()


@pytest.mark.sqlite_only
def test_subject_index_is_its_own_key_without_rowid(env, db):
    """audit_subject is a WITHOUT ROWID table on SQLite (revision 0021_compact_storage):
    its rows are its primary key, stored once; the timeline searches that key."""
    org_id = _established(env)
    raw = sqlite3.connect(db.path)
    sql = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_subject'").fetchone()[0]
    assert "WITHOUT ROWID" in sql.upper()
    # no separate key index (a rowid table has sqlite_autoindex_audit_subject_1 beside it)
    assert raw.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'audit_subject' "
                       "AND type = 'index'").fetchall() == []
    sql, params = _compiled(audit.events_about_query("organization", org_id))
    plan = " | ".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    raw.close()
    assert "SEARCH audit_subject USING PRIMARY KEY (entity=? AND entity_id=?)" in plan, plan
    with db.read() as s:
        assert audit.events_about(s, "organization", org_id)


def test_import_history_reads_the_chain_not_the_summary(env, db):
    first = import_ledger(env.ctx, ledger([org(1)]))
    second = import_ledger(env.ctx, ledger([org(1, 住所="厦门市海沧区沧林路8号")]))
    with db.read() as s:
        org_id = s.exec(select(Organization.id)).one()
    raw = rawdb.connect(db)
    raw.execute("UPDATE import_batch SET summary_json = '{}'")  # mutable, not the truth
    raw.close()
    from mca_tui.services.ledger.history import import_history

    with db.read() as s:
        history = import_history(s, org_id)
    assert [(h.batch_id, h.what) for h in history] == [(first.batch_id, "created"),
                                                       (second.batch_id, "changed")]
    assert history[1].after["domicile"] == "厦门市海沧区沧林路8号"
    with db.read() as s:
        change = s.exec(select(AuditChange).where(AuditChange.entity_id == org_id,
                                                  AuditChange.operation == "update")).one()
    assert '"domicile":"厦门市海沧区沧林路8号"' in change.after_json


def test_timeline_shows_the_rows_changed_by_an_event_without_headline(env, db):
    org_id = _established(env)
    with env.ctx.unit("org.change", subject=Subject("organization", org_id)) as unit:
        row = unit.session.get(Organization, org_id)
        row.domicile = "厦门市海沧区沧林路8号"
        unit.session.add(row)
    last = records.get_record(env.ctx, org_id).timeline[-1]
    assert last.action == "org.change"
    assert [(c.field, c.after) for c in last.changes] == [("domicile", "厦门市海沧区沧林路8号")]


@pytest.mark.sqlite_only
def test_every_query_of_the_record_timeline_searches_by_index(env, db):
    """The queries the record screen's timeline actually runs (captured from the engine),
    each explained: no SCAN of an audit table, no temporary sort."""
    from sqlalchemy import event as sa_event

    org_id = _established(env)
    import_ledger(env.ctx, ledger([org(1)]))
    import_ledger(env.ctx, ledger([org(1, 住所="厦门市海沧区沧林路8号")]))
    with db.read() as s:
        imported = s.exec(select(Organization.id).where(Organization.uscc == code(1))).one()
    seen: list[tuple[str, tuple]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if "audit_" in statement:
            seen.append((statement, tuple(parameters or ())))

    sa_event.listen(db.engine, "before_cursor_execute", capture)
    try:
        assert len(records.get_record(env.ctx, org_id).timeline) >= 4
        assert any(e.action == "import.changed"
                   for e in records.get_record(env.ctx, imported).timeline)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", capture)
    assert seen
    raw = sqlite3.connect(db.path)
    for statement, params in seen:
        lines = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", params)]
        assert not any(line.startswith("SCAN") or "TEMP B-TREE" in line for line in lines), (
            statement, lines)
    raw.close()


def test_sealed_changes_still_merge_and_hash_the_same(ctx, db, monkeypatch):
    """A big unit serialises its changes as it goes; a row written again after that is
    still one change, and the chain verifies."""
    from mca_tui.services.organizations import insert_organization, update_organization

    monkeypatch.setattr(audit.ChangeLog, "SEAL_EVERY", 2)
    with ctx.unit("org.create", subject=Subject("test", None)) as unit:
        ids = []
        for i in range(3):
            ids.append(insert_organization(unit, office_id=ctx.actor.office_id,
                                           org_type=OrgType.SOCIAL_GROUP,
                                           name=f"海沧区测试{i}协会", established_on=date(2020, 1, 2)).id)
            unit.session.flush()
        update_organization(unit, ids[0], {"domicile": "海沧大道1号"})
    with db.read() as s:
        rows = [c for c in audit.changes_of(s, _events(db)[-1].id) if c.entity == "organization"]
        assert audit.verify_chains(s).ok
    assert [(r.entity_id, r.operation) for r in rows] == [(i, "insert") for i in ids]
    assert '"domicile":"海沧大道1号"' in rows[0].after_json
    assert '"established_on":"2020-01-02"' in rows[0].after_json


@pytest.mark.parametrize("case", [c for c in CASES if c.name in ("draft save", "submit/accept")],
                         ids=lambda c: c.name)
def test_derived_rows_follow_the_audited_rows(env, db, case):
    """The application search terms left out of the change rows are exactly those derived
    from the applications as audited (nothing else hides in a derived table)."""
    from mca_tui.storage import application_search
    from mca_tui.storage.models import Application

    case.act(env, case.prepare(env))
    with db.engine.connect() as conn:
        stored = {tuple(r) for r in conn.execute(
            text("SELECT application_id, office_id, term FROM application_term"))}
    with db.read() as s:
        derived = {(r["application_id"], r["office_id"], r["term"])
                   for a in s.exec(select(Application))
                   for r in application_search.rows_for(a.id, a.office_id, a.number,
                                                        a.form_json)}
    assert stored == derived and stored
