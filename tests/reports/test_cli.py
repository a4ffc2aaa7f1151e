"""Commands template, import, export."""

from __future__ import annotations

import openpyxl

from mca_tui import cli
from mca_tui.reports import ledger as L

from .helpers import org, write_xlsx


def test_template_has_headers_and_notes(tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    docs = tmp_path / "docs"
    assert cli.main(["--db", str(tmp_path / "r.db"), "template", str(path),
                     "--documents", str(docs)]) == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["社会组织", "年度报告", "监督记录", "填写说明"]
    for name, cols in L.SHEETS.items():
        assert [c.value for c in wb[name][1]] == [c.header for c in cols]
    notes = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row)
    assert "社会团体、民办非企业单位、基金会" in notes and "僵尸型" in notes
    assert len(list(docs.glob("*.docx"))) >= 6


def test_import_and_export_commands(tmp_path, capsys):
    db = str(tmp_path / "r.db")
    assert cli.main(["--db", db, "init"]) == 0  # commands never create a registry
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    write_xlsx(good, [org(1)])
    write_xlsx(bad, [org(2, 类型="合作社")])
    assert cli.main(["--db", db, "import", str(bad)]) == 1
    assert "第2行" in capsys.readouterr().out
    assert cli.main(["--db", db, "import", str(bad), "--dry-run"]) == 1
    capsys.readouterr()
    assert cli.main(["--db", db, "import", str(good), "--dry-run"]) == 0
    assert "新增 1" in capsys.readouterr().out
    assert cli.main(["--db", db, "import", str(good)]) == 0
    assert cli.main(["--db", db, "import", str(good)]) == 0
    assert "没有需要新增或变更的记录" in capsys.readouterr().out
    out = tmp_path / "e.csv"
    assert cli.main(["--db", db, "export", str(out)]) == 0
    assert "海沧区测试1协会" in out.read_text(encoding="utf-8-sig")
