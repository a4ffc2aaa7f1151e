"""The ledger import's bulk path (issue 12): new rows are written by Core inserts in
parts, yet the registry ends as the services would leave it - searchable in pinyin order
as after a rebuild of the index, every row a change row of its part's audit event, the
chain valid, legal representatives found by ID number, and a crash between parts leaves
whole parts that a second import completes. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from mca_tui.services import dormancy, ledger_import
from mca_tui.services.ledger.spool import Spool
from mca_tui.services.ledger_import import import_ledger
from mca_tui.storage import audit, search, sqlite_search_write
from mca_tui.storage.models import (
    AuditEvent,
    Organization,
    OrganizationPerson,
    Person,
)

from ..registration.helpers import make_id
from ..reports.helpers import code, ledger, org

TODAY = date(2024, 1, 31)
# Names spread over the pinyin order, so that new rows fall between indexed ones.
PLACES = ["安溪", "北京", "长泰", "鼓浪屿", "海沧", "集美", "莆田", "思明", "同安", "厦门", "翔安",
          "漳州"]


def _name(n: int) -> str:
    return f"{PLACES[n % len(PLACES)]}第{n}测试协会"


def _orgs(numbers, **extra):
    return [org(n, 名称=_name(n), **extra) for n in numbers]


@pytest.fixture
def ictx(ctx):
    ctx.today = lambda: TODAY
    return ctx


def _count(db, model) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _pages(db, queries=("协会", "海沧", "第1", "xm", "ax")) -> dict[str, list[str]]:
    with db.read() as s:
        return {q: [r["id"] for r in search.find(s, search.parse_query(q), limit=500)]
                for q in queries}


def test_bulk_rows_are_found_in_the_order_a_rebuilt_index_gives(ictx, db, monkeypatch):
    import_ledger(ictx, ledger(_orgs(range(1, 120, 3))))
    # a narrow gap between row numbers makes the new rows renumber their neighbours
    monkeypatch.setattr(sqlite_search_write, "GAP", 4)
    monkeypatch.setattr(ledger_import, "WRITE_CHUNK", 25)
    monkeypatch.setattr(ledger_import, "CHUNK_PAUSE_S", 0)
    result = import_ledger(ictx, ledger(_orgs(n for n in range(1, 121) if n % 3 != 1)))
    assert result.written and result.counts["社会组织"]["create"] == 80
    assert _count(db, Organization) == 120
    with db.read() as s:
        for n in (2, 3, 59, 120):
            found = search.find(s, search.parse_query(_name(n)), limit=5)
            assert [r["name"] for r in found][:1] == [_name(n)]
        if db.is_sqlite:
            by_number = s.exec(text("SELECT id FROM organization ORDER BY search_rowid")).all()
            by_key = s.exec(text("SELECT id FROM organization ORDER BY name_sort_key, id")).all()
            assert by_number == by_key
    pages = _pages(db)
    assert all(pages.values())
    with db.write() as s:
        search.reindex_all(s)
    assert _pages(db) == pages


def test_every_row_is_a_change_row_of_its_part_and_people_are_found_by_id_number(
        ictx, db, monkeypatch):
    known = make_id("35020519800101001")
    import_ledger(ictx, ledger([org(1, 法定代表人="张三", 法定代表人身份证号=known)]))
    shared = make_id("35020519900202002")
    monkeypatch.setattr(ledger_import, "WRITE_CHUNK", 10)
    monkeypatch.setattr(ledger_import, "CHUNK_PAUSE_S", 0)
    rows = ([org(n, 法定代表人="李四", 法定代表人身份证号=shared) for n in range(2, 14)]
            + [org(14, 法定代表人="张三丰", 法定代表人身份证号=known), org(15, 法定代表人="王五"),
               org(16)])
    reports = [{"统一社会信用代码": code(n), "报告年度": 2022, "结论": "合格"} for n in range(1, 17)]
    before = set(_ids(db))
    result = import_ledger(ictx, ledger(rows, reports))
    assert result.written
    with db.read() as s:
        events = [e for e in s.exec(select(AuditEvent).where(AuditEvent.action == "ledger.import"))
                  if e.id not in before]
        assert len(events) == 4  # 31 rows in parts of at most 10
        assert {e.entity_id for e in events} == {result.batch_id}
        changes = [c for e in events for c in audit.changes_of(s, e.id)]
        inserted = {(c.entity, c.entity_id) for c in changes if c.operation == "insert"}
        batch = {"b": result.batch_id}
        for table, sql in (
                ("organization", "SELECT id FROM organization WHERE import_batch_id = :b"),
                ("annual_report", "SELECT id FROM annual_report WHERE import_batch_id = :b"),
                ("organization_person", "SELECT l.id FROM organization_person l JOIN "
                 "organization o ON o.id = l.organization_id WHERE o.import_batch_id = :b"),
                ("person", "SELECT id FROM person WHERE id_number IS NULL OR id_number != :k")):
            written = {(table, r[0]) for r in s.exec(text(sql), params={**batch, "k": known})}
            assert written and written <= inserted, table
        reports_written = s.exec(text("SELECT id FROM annual_report WHERE import_batch_id = :b"),
                                 params=batch).all()
        assert len(reports_written) == 16
        # one person per ID number; the one on record is renamed (an audited update)
        assert s.exec(select(func.count()).select_from(Person)
                      .where(Person.id_number == shared)).one() == 1
        renamed = s.exec(select(Person).where(Person.id_number == known)).one()
        assert renamed.name == "张三丰"
        assert ("person", renamed.id) in {(c.entity, c.entity_id) for c in changes
                                          if c.operation == "update"}
        org14 = s.exec(select(Organization).where(Organization.uscc == code(14))).one()
        assert (org14.legal_rep_person_id, org14.legal_rep_name) == (renamed.id, "张三丰")
        link = s.exec(select(OrganizationPerson).where(
            OrganizationPerson.organization_id == org14.id)).one()
        assert (link.role, link.from_date, link.to_date) == (
            "legal_rep", org14.established_on, None)
        org16 = s.exec(select(Organization).where(Organization.uscc == code(16))).one()
        assert (org16.legal_rep_person_id, org16.legal_rep_name) == (None, "")
        assert org16.name_sort_key and org16.version == 1
        assert audit.verify_chains(s).ok
    again = import_ledger(ictx, ledger(rows, reports))
    assert not again.written and again.total("create") == again.total("change") == 0


def _ids(db):
    with db.read() as s:
        return s.exec(select(AuditEvent.id)).all()


def test_a_crash_between_parts_leaves_whole_parts_and_the_import_again_completes(
        ictx, db, monkeypatch):
    monkeypatch.setattr(ledger_import, "WRITE_CHUNK", 10)
    monkeypatch.setattr(ledger_import, "CHUNK_PAUSE_S", 0)
    real = dormancy.refresh_many
    calls = []

    def crash_in_third_part(unit, ctx, ids):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        real(unit, ctx, ids)

    monkeypatch.setattr(dormancy, "refresh_many", crash_in_third_part)
    rows = _orgs(range(1, 36))
    with pytest.raises(RuntimeError):
        import_ledger(ictx, ledger(rows))
    assert _count(db, Organization) == 20  # two whole parts, nothing of the third
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(AuditEvent)
                      .where(AuditEvent.action == "ledger.import")).one() == 2
    monkeypatch.setattr(dormancy, "refresh_many", real)
    again = import_ledger(ictx, ledger(rows))
    assert again.counts["社会组织"] == {"create": 15, "change": 0, "skip": 20, "reject": 0}
    assert _count(db, Organization) == 35
    with db.read() as s:
        assert audit.verify_chains(s).ok
        assert [r["name"] for r in search.find(s, search.parse_query(_name(35)), limit=1)] == [
            _name(35)]


def _table(db, sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


_SUMMARY = "SELECT * FROM dormancy_summary ORDER BY organization_id"


def test_summaries_written_part_by_part_are_those_the_services_compute(
        ictx, db, monkeypatch):
    """Organizations and their reports and records fall in different parts (written in
    sheet order); every dormancy summary the import leaves equals the one computed
    afresh from the registry (``rebuild_all``, the per-organization path), including an
    evaluation that is a first activity and records that are not inputs."""
    import_ledger(ictx, ledger(_orgs(range(1, 6))))  # on record before the import
    monkeypatch.setattr(ledger_import, "WRITE_CHUNK", 7)
    monkeypatch.setattr(ledger_import, "CHUNK_PAUSE_S", 0)
    reports = [{"统一社会信用代码": code(n), "报告年度": year, "结论": conclusion}
               for n in range(1, 19, 2) for year, conclusion in ((2021, "合格"), (2022, "不合格"))]
    records = [{"统一社会信用代码": code(n), "日期": f"2022-0{1 + n % 9}-03", "类别": kind}
               for n in range(2, 19, 3) for kind in ("评估", "约谈", "整改")]
    result = import_ledger(ictx, ledger(_orgs(range(1, 19)), reports, records))
    assert result.written and result.total("create") == 13 + 18 + 18
    written = _table(db, _SUMMARY)
    assert len(written) == 18
    dormancy.rebuild_all(ictx)
    assert _table(db, _SUMMARY) == written


def test_an_xlsx_file_streamed_in_parts_writes_what_the_ledger_in_memory_writes(
        settings, tmp_path, monkeypatch):
    """The same rows imported from a workbook read row by row (in parts, through the
    spool) and from the same ledger held in memory (one part) leave the same rows."""
    from mca_tui.services.context import cli_context
    from mca_tui.storage.engine import Database

    from ..reports.helpers import write_xlsx

    db, other_db = Database.open(tmp_path / "a.db"), Database.open(tmp_path / "b.db")
    ictx, other = cli_context(db, settings), cli_context(other_db, settings)
    ictx.today = other.today = lambda: TODAY

    rows = _orgs(range(1, 25), 法定代表人="李四")
    reports = [{"统一社会信用代码": code(n), "报告年度": 2022, "结论": "合格",
                "提交日期": "2023-03-01"} for n in range(1, 25, 2)]
    records = [{"统一社会信用代码": code(n), "日期": "2022-05-06", "类别": "抽查",
                "情况": f"第{n}次"} for n in range(1, 25, 5)]
    path = tmp_path / "ledger.xlsx"
    write_xlsx(path, rows, reports, records)
    monkeypatch.setattr(ledger_import, "WRITE_CHUNK", 9)
    monkeypatch.setattr(ledger_import, "CHUNK_PAUSE_S", 0)
    streamed = import_ledger(ictx, path)
    assert streamed.written and streamed.total_rows == 24 + 12 + 5
    monkeypatch.setattr(ledger_import, "WRITE_CHUNK", 2000)
    held = import_ledger(other, ledger(rows, reports, records, name="ledger.xlsx"))
    assert held.counts == streamed.counts

    def content(database):
        return (_table(database, "SELECT uscc, name, name_sort_key, org_type, status, "
                       "established_on, legal_rep_name, source_sheet, source_row "
                       "FROM organization ORDER BY uscc"),
                _table(database, "SELECT o.uscc, r.report_year, r.conclusion, r.mode, "
                       "r.submitted_on, r.source_row FROM annual_report r JOIN organization o "
                       "ON o.id = r.organization_id ORDER BY 1, 2"),
                _table(database, "SELECT o.uscc, r.kind, r.record_date, r.description, "
                       "r.completed_on, r.source_row FROM supervision_record r JOIN "
                       "organization o ON o.id = r.organization_id ORDER BY 1, 3"),
                [row[1:] for row in _table(database, "SELECT s.organization_id, o.uscc, "
                 "s.watch_from FROM dormancy_summary s JOIN organization o "
                 "ON o.id = s.organization_id ORDER BY 2")])

    assert content(db) == content(other.db)
    with db.read() as s:
        assert audit.verify_chains(s).ok
        events = s.exec(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "ledger.import")).one()
    assert events == 5  # 41 rows in parts of at most 9
    db.dispose()
    other_db.dispose()


def test_a_workbook_is_read_row_by_row(tmp_path):
    """open_ledger holds no sheet in memory: a row is read when it is asked for."""
    from mca_tui.reports import ledger as L

    from ..reports.helpers import write_xlsx

    path = tmp_path / "ledger.xlsx"
    write_xlsx(path, _orgs(range(1, 50)))
    with L.open_ledger(path) as stream:
        assert stream.sheets[L.SHEET_ORGS].rows == [] and stream.rows_read == 0
        rows = stream.rows(L.SHEET_ORGS)
        first = next(rows)
        assert first[0] == 2 and stream.rows_read == 1
        assert sum(1 for _ in rows) == 48 and stream.rows_read == 49


def test_the_spool_gives_every_row_once_grouped_by_organization(monkeypatch):
    """Parts of at most the given size, as many as the rows need, every row once, each
    organization's rows together (its row first), the organizations given an order in
    that order - with the bucket buffers written out often, as for
    a big file."""
    from mca_tui.reports import ledger as L

    monkeypatch.setattr(Spool, "BLOCK", 3)
    monkeypatch.setattr(Spool, "HELD", 10)
    orgs = [(L.SHEET_ORGS, L.OrgRow(n, code(n), _name(n), None, None, None))
            for n in range(1, 80)]
    reports = [(L.SHEET_REPORTS, L.ReportRow(100 + n, code(n % 79 + 1), 2020 + n // 79))
               for n in range(150)]
    spool = Spool()
    try:
        for i in range(0, 229, 17):
            spool.add((orgs + reports)[i:i + 17])
        order = {r.uscc: i for i, (_s, r) in enumerate(orgs[:60])}
        parts = list(spool.parts(20, order))
    finally:
        spool.close()
    assert len(parts) == spool.count(20) == 12 and all(len(p) <= 20 for p in parts)
    rows = [item for part in parts for item in part]
    assert sorted(r.row for _s, r in rows) == sorted(r.row for _s, r in orgs + reports)
    position = {(s, r.row): i for i, (s, r) in enumerate(rows)}
    for sheet, report in reports:
        org_row = next(r.row for _s, r in orgs if r.uscc == report.uscc)
        assert position[(L.SHEET_ORGS, org_row)] < position[(sheet, report.row)]
    codes = [r.uscc for _s, r in rows]
    runs = sum(1 for i in range(1, len(codes)) if codes[i] != codes[i - 1])
    assert runs == 78  # one run of rows per organization
    assert [c for c in dict.fromkeys(codes) if c in order] == list(order)


@pytest.mark.sqlite_only
def test_parts_are_written_with_a_small_page_cache_given_back_after(ictx, db, monkeypatch):
    """Each part is written with a small SQLite page cache (the import's peak memory);
    the connection returns to the pool with the usual one."""
    from mca_tui.storage.sqlite import CACHE_KB

    seen = []
    real = ledger_import._apply

    def spy(ctx, unit, plan, batch, step):
        seen.append(unit.session.execute(text("PRAGMA cache_size")).scalar())
        return real(ctx, unit, plan, batch, step)

    monkeypatch.setattr(ledger_import, "_apply", spy)
    monkeypatch.setattr(ledger_import, "WRITE_CHUNK", 5)
    monkeypatch.setattr(ledger_import, "CHUNK_PAUSE_S", 0)
    assert import_ledger(ictx, ledger(_orgs(range(1, 12)))).written
    assert seen == [-ledger_import.PART_CACHE_KB] * 3
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -CACHE_KB


def test_an_error_in_the_last_row_of_a_long_file_writes_nothing(ictx, db, tmp_path,
                                                                 monkeypatch):
    """The file is checked to its end before the first part is written: a bad last row
    of a file of many parts blocks the import and nothing is written; with
    --skip-bad-rows every other row is written."""
    from ..reports.helpers import write_xlsx

    monkeypatch.setattr(ledger_import, "WRITE_CHUNK", 5)
    monkeypatch.setattr(ledger_import, "CHUNK_PAUSE_S", 0)
    path = tmp_path / "ledger.xlsx"
    write_xlsx(path, [*_orgs(range(1, 23)), org(23, 类型="合作社")])
    result = import_ledger(ictx, path)
    assert result.blocked and not result.written
    assert [(p.row, p.key) for p in result.errors] == [(24, "bad_choice")]
    assert _count(db, Organization) == 0
    assert import_ledger(ictx, path, skip_bad_rows=True).written
    assert _count(db, Organization) == 22


@pytest.mark.sqlite_only
def test_parts_pause_only_when_another_writer_said_it_waits(ictx, db, monkeypatch):
    """Between parts the import lets waiting writers in (a pause) only when one said it
    waits - a write begun while the import's busy marker exists - within the longest
    wait; a lone import does not pause."""
    import threading

    from mca_tui.storage import sqlite as sq

    pauses = []
    monkeypatch.setattr(ledger_import.time, "sleep", pauses.append)
    monkeypatch.setattr(ledger_import, "WRITE_CHUNK", 5)
    assert import_ledger(ictx, ledger(_orgs(range(1, 16)))).written
    assert pauses == []
    waiting = sq.waiting_marker_path(db.path)
    assert not waiting.exists() and not sq.someone_waiting(db.path)

    real = ledger_import._apply

    def clerk_writes_during_the_first_part(ctx, unit, plan, batch, step):
        if not calls:  # what another thread's (or process's) BEGIN does meanwhile
            other = threading.Thread(target=sq._announce_wait, args=(db.path,))
            other.start()
            other.join()
            sq._announce_wait(db.path)  # the import's own writes say nothing
            assert sq.someone_waiting(db.path)
        calls.append(1)
        return real(ctx, unit, plan, batch, step)

    calls: list[int] = []
    monkeypatch.setattr(ledger_import, "_apply", clerk_writes_during_the_first_part)
    assert import_ledger(ictx, ledger(_orgs(range(16, 31)))).written
    assert pauses == [ledger_import.CHUNK_PAUSE_S] * 2 and len(calls) == 3
    assert not waiting.exists()  # the import's markers are gone with it
    sq._announce_wait(db.path)  # no import running: nobody is told
    assert not waiting.exists()
