"""Export: masking, formula neutralising, role check and audit of the unmasked export,
and export -> import round trip giving the same statistics."""

from __future__ import annotations

import csv
from datetime import date

import openpyxl
import pytest
from sqlmodel import select

from mca_tui import demo
from mca_tui.domain.enums import Role
from mca_tui.reports import stats
from mca_tui.reports.export import write_table
from mca_tui.services.context import cli_context
from mca_tui.services.errors import PermissionDenied
from mca_tui.services.export import export_ledger
from mca_tui.services.ledger_import import import_ledger
from mca_tui.storage.engine import Database
from mca_tui.storage.models import AuditEvent, Organization

from .helpers import ledger, org

ID = "11010519491231002X"


@pytest.fixture
def filled(ctx):
    ctx.today = lambda: date(2024, 1, 31)
    rows = [org(1, 法定代表人="张三", 法定代表人身份证号=ID, 联系电话="13812345678",
                名称="=HYPERLINK(\"http://x\")协会", 业务范围="+投资 -理财 @所有人"),
            org(2, 住所="＝1+1", 业务范围="\t制表符开头")]
    assert import_ledger(ctx, ledger(rows)).written
    return ctx


def test_masked_by_default_and_formulas_neutralised(filled, tmp_path):
    path = tmp_path / "out.xlsx"
    r = export_ledger(filled, path)
    assert r.masked and r.orgs == 2
    ws = openpyxl.load_workbook(path)["社会组织"]
    rows = list(ws.iter_rows(values_only=True))
    header, first = rows[0], {row[0]: row for row in rows[1:]}
    by = {h: i for i, h in enumerate(header)}
    row1 = next(r for r in rows[1:] if r[by["法定代表人"]] == "张三")
    assert row1[by["法定代表人身份证号"]] == "110105********002X"
    assert row1[by["联系电话"]] == "138****5678"
    # names keep their brackets full-width (domain.text.normalize_name)
    # formula-like text is a text cell as typed: no formula, no visible apostrophe
    assert row1[by["名称"]] == "=HYPERLINK（\"http://x\"）协会"
    assert row1[by["业务范围"]] == "+投资 -理财 @所有人"
    row2 = next(r for r in rows[1:] if r is not row1)
    assert row2[by["住所"]] == "＝1+1"  # full-width sign kept as typed
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row}
    for value in ("=HYPERLINK（\"http://x\"）协会", "+投资 -理财 @所有人", "＝1+1"):
        assert cells[value].data_type == "s" and cells[value].quotePrefix
    assert len(first) == 2


def test_reimport_undoes_neutralising(filled, tmp_path):
    path = tmp_path / "out.xlsx"
    export_ledger(filled, path)
    db2 = Database.open(tmp_path / "other.db")
    ctx2 = cli_context(db2, filled.settings)
    ctx2.today = lambda: date(2024, 1, 31)
    result = import_ledger(ctx2, path)
    assert result.written
    assert {p.key for p in result.warnings} == {"masked_id_ignored", "masked_phone_ignored"}
    with db2.read() as s:
        names = {o.name for o in s.exec(select(Organization))}
    assert '=HYPERLINK（"http://x"）协会' in names
    db2.dispose()


def test_unmasked_needs_approver_or_admin_and_is_audited(filled, make_ctx, tmp_path):
    clerk = make_ctx("clerk9", Role.CLERK)
    with pytest.raises(PermissionDenied):
        export_ledger(clerk, tmp_path / "x.xlsx", unmasked=True)
    assert not (tmp_path / "x.xlsx").exists()
    export_ledger(clerk, tmp_path / "masked.csv")  # masked export: any role
    approver = make_ctx("appr9", Role.APPROVER)
    path = tmp_path / "full.csv"
    r = export_ledger(approver, path, unmasked=True)
    assert not r.masked
    text = path.read_text(encoding="utf-8-sig")
    assert ID in text and "13812345678" in text
    with filled.db.read() as s:
        events = s.exec(select(AuditEvent).where(
            AuditEvent.action == "ledger.export_unmasked")).all()
    assert len(events) == 1 and events[0].actor_name == "appr9"
    assert str(path) in events[0].after_json


def test_csv_single_sheet(filled, tmp_path):
    path = tmp_path / "reports.csv"
    export_ledger(filled, path, sheet="年度报告")
    with path.open(encoding="utf-8-sig") as fh:
        assert next(csv.reader(fh)) == ["统一社会信用代码", "报告年度", "提交日期", "结论"]


def test_write_table_for_list_screens(tmp_path):
    headers = ["名称", "身份证号", "电话"]
    rows = [["=cmd|'/c calc'!A0", ID, "0592-6012345"], ["普通", None, ""],
            ["＝SUM(A1)", None, None], ["\tx", None, None], ["\rx", None, None],
            ["－1", None, None], ["＠x", None, None], ["＋x", None, None], [-5, None, None]]
    x = write_table(tmp_path / "t.xlsx", headers, rows,
                    mask={"身份证号": "id_number", "电话": "phone"})
    got = list(openpyxl.load_workbook(x).active.iter_rows(values_only=True))
    assert got[1] == ("=cmd|'/c calc'!A0", "110105********002X", "059*****2345")
    assert [r[0] for r in got[3:]] == ["＝SUM(A1)", "\tx", "\rx", "－1", "＠x", "＋x", -5]
    ws = openpyxl.load_workbook(x).active
    assert ws["A2"].data_type == "s" and ws["A2"].quotePrefix  # never a formula
    c = write_table(tmp_path / "t.csv", headers, rows)
    lines = c.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("'=cmd")
    with pytest.raises(Exception, match="txt"):
        write_table(tmp_path / "t.txt", headers, rows)


def test_export_import_round_trip_gives_same_statistics(db, settings, tmp_path):
    demo.ensure_demo(db, settings)
    path = tmp_path / "demo.xlsx"
    export_ledger(cli_context(db, settings), path, unmasked=True)
    db2 = Database.open(tmp_path / "empty.db")
    ctx2 = cli_context(db2, settings)
    ctx2.today = lambda: demo.DEMO_AS_OF
    result = import_ledger(ctx2, path, accept_legacy_codes=True)
    assert result.written, [p.describe() for p in result.errors[:5]]
    for year in (2017, 2021, 2022, 2025, 2026):
        assert stats.year_stats(db2, settings, year) == stats.year_stats(db, settings, year)
    assert stats.register_as_of(db2, date(2023, 3, 1)) == stats.register_as_of(
        db, date(2023, 3, 1))
    # And the export of the copy is the export of the original.
    again = tmp_path / "again.xlsx"
    export_ledger(ctx2, again, unmasked=True)
    for sheet in ("社会组织", "年度报告", "监督记录"):
        a = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
        b = list(openpyxl.load_workbook(again)[sheet].iter_rows(values_only=True))
        assert a == b, sheet
    db2.dispose()
