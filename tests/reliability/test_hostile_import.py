"""Hostile ledger files get a clear message, never a crash or a silently empty cell
(issue 13): a UTF-16 CSV, a huge cell, a formula without a computed value."""

from __future__ import annotations

import openpyxl

from mca_tui import cli
from mca_tui.reports import ledger as L

from ..reports.helpers import code

HEADER = "统一社会信用代码,名称,类型,成立登记日期,登记状态\n"


def _keys(path) -> list[str]:
    return [p.key for p in L.read_ledger(path).problems]


def test_a_utf16_csv_is_named(tmp_path, capsys):
    path = tmp_path / "unicode.csv"
    path.write_text(HEADER + f"{code(1)},海沧区测试协会,社会团体,2020-03-05,正常\n",
                    encoding="utf-16")
    assert _keys(path) == ["csv_utf16"]
    db = tmp_path / "r.db"
    assert cli.main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    assert cli.main(["--lang", "en", "--db", str(db), "import", str(path), "--dry-run"]) == 1
    out = capsys.readouterr()
    assert "UTF-16" in out.out and "unexpected" not in (out.out + out.err).lower()


def test_huge_cells_are_named(tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text(HEADER + f'{code(1)},"{"海" * 200_000}\n', encoding="utf-8")
    assert _keys(broken) == ["csv_huge_cell"]
    long = tmp_path / "long.csv"
    long.write_text(HEADER + f"{code(1)},{'海' * 10_001},社会团体,2020-03-05,正常\n",
                    encoding="utf-8")
    raw = L.read_ledger(long)
    huge = [p for p in raw.problems if p.key == "huge_cell"]
    assert len(huge) == 1 and huge[0].row == 2 and huge[0].is_error


def test_a_formula_without_a_computed_value_is_named_not_read_as_empty(tmp_path):
    path = tmp_path / "formula.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = L.SHEET_ORGS
    ws.append(["统一社会信用代码", "名称", "类型", "成立登记日期", "登记状态"])
    ws.append([code(1), '="海沧区"&"测试协会"', "社会团体", "2020-03-05", "正常"])
    wb.save(path)  # openpyxl stores formulas without computed values
    raw = L.read_ledger(path)
    found = [p for p in raw.problems if p.key == "formula_no_value"]
    assert len(found) == 1 and found[0].row == 2 and found[0].is_error
    assert "测试协会" in found[0].describe("en")


def test_skip_bad_rows_where_the_rejected_file_cannot_be_written(tmp_path, monkeypatch,
                                                                 capsys):
    from mca_tui.services import ledger_import

    path = tmp_path / "ledger.csv"
    path.write_text(HEADER + f"{code(1)},海沧区测试一协会,社会团体,2020-03-05,正常\n"
                    + "bad,海沧区测试二协会,社会团体,2020-03-05,正常\n", encoding="utf-8")
    db = tmp_path / "r.db"
    assert cli.main(["--db", str(db), "init"]) == 0

    def read_only_folder(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ledger_import.L, "write_rejected", read_only_folder)
    capsys.readouterr()
    assert cli.main(["--lang", "en", "--db", str(db), "import", str(path),
                     "--skip-bad-rows"]) == 1
    err = capsys.readouterr().err
    assert "cannot be written" in err and "nothing was imported" in err
    import sqlite3

    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from organization").fetchone()[0] == 0
    conn.close()


def test_names_and_texts_have_length_limits(tmp_path):
    path = tmp_path / "long-name.csv"
    path.write_text(HEADER + f"{code(1)},{'海沧区' * 70}协会,社会团体,2020-03-05,正常\n"
                    + f"{code(2)},海沧区测试二协会,社会团体,2020-03-05,正常\n", encoding="utf-8")
    raw = L.read_ledger(path)
    long = [p for p in raw.problems if p.key == "too_long"]
    assert len(long) == 1 and long[0].row == 2 and long[0].is_error
    assert "200" in long[0].describe("en")


def test_a_merged_range_is_reported_not_read_as_empty(tmp_path):
    path = tmp_path / "merged.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = L.SHEET_ORGS
    ws.append(["统一社会信用代码", "名称", "类型", "成立登记日期", "登记状态"])
    ws.append([code(1), "海沧区测试一协会", "社会团体", "2020-03-05", "正常"])
    ws.append([code(2), "海沧区测试二协会", None, "2020-03-05", "正常"])
    ws.merge_cells("C2:C3")  # one 类型 for two rows: the second would read as empty
    wb.save(path)
    merged = [p for p in L.read_ledger(path).problems if p.key == "merged_cells"]
    assert sorted(p.row for p in merged) == [2, 3]
    assert all(p.is_error and "C2:C3" in p.describe("en") for p in merged)
