"""Ledgers that open cleanly in Excel, WPS and LibreOffice: cell types and formats,
widths, frozen header and filter of exports and the template; the template's
drop-down lists and notes; import messages for codes Excel turned into scientific
notation, and the report's order (errors, then grouped hints); the unmasked export's
short audited unit; reports/ never importing services/."""

from __future__ import annotations

import ast
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from mca_tui.config import Settings
from mca_tui.domain.enums import Role
from mca_tui.reports import ledger as L
from mca_tui.services import export as export_service
from mca_tui.services.export import export_ledger
from mca_tui.services.ledger_import import import_ledger
from mca_tui.storage import audit
from mca_tui.storage.models import AuditEvent

from .helpers import code, ledger, org, write_xlsx

ID = "11010519491231002X"
TODAY = date(2024, 1, 31)
LONG_NAME = "厦门市海沧区青少年科技创新与人工智能教育促进会"  # 24 CJK characters


@pytest.fixture
def filled(ctx):
    ctx.today = lambda: TODAY
    rows = [org(1, 名称=LONG_NAME, 法定代表人="张三", 法定代表人身份证号=ID,
                联系电话="05926012345", 业务范围="=1+1 开头的业务范围",
                **{"注册资金(元)": "3万"}),
            org(2, 住所="-2 号楼", 联系电话="13812345678")]
    reports = [{"统一社会信用代码": code(1), "报告年度": 2022, "提交日期": "2023-03-01",
                "结论": "合格"}]
    assert import_ledger(ctx, ledger(rows, reports)).written
    return ctx


def _by_header(ws) -> dict[str, int]:  # noqa: ANN001
    return {c.value: c.column for c in ws[1]}


# --------------------------------------------------------------------------- export


def test_export_cells_are_typed_and_formatted(filled, tmp_path):
    path = tmp_path / "out.xlsx"
    export_ledger(filled, path, unmasked=True)
    wb = openpyxl.load_workbook(path)
    ws = wb["社会组织"]
    col = _by_header(ws)
    rows = {ws.cell(r, col["统一社会信用代码"]).value: r for r in range(2, ws.max_row + 1)}
    r1 = rows[code(1)]

    def cell(name: str, row: int = r1):  # noqa: ANN202
        return ws.cell(row, col[name])

    for name in ("统一社会信用代码", "法定代表人身份证号", "联系电话"):
        assert cell(name).data_type == "s" and cell(name).number_format == "@", name
    assert cell("法定代表人身份证号").value == ID
    assert cell("联系电话").value == "05926012345"  # leading zero kept
    funds = cell("注册资金(元)")
    assert funds.value == 30000 and funds.data_type == "n" and funds.number_format == "#,##0.00"
    established = cell("成立登记日期")
    assert isinstance(established.value, datetime) and established.is_date
    assert established.number_format == "yyyy-mm-dd"
    assert established.value.date() == date(2020, 3, 5)
    # formula-looking text: a text cell, shown as typed (quote prefix), no apostrophe
    scope = cell("业务范围")
    assert scope.value == "=1+1 开头的业务范围" and scope.data_type == "s" and scope.quotePrefix
    assert cell("住所", rows[code(2)]).value == "-2 号楼"
    assert cell("住所", rows[code(2)]).quotePrefix
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert not (isinstance(c.value, str) and c.value.startswith("'")), c.coordinate
                assert c.data_type != "f", c.coordinate
    # frozen header, filter over the whole table, widths that fit (CJK counts double)
    for sheet in wb.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
                                        f"{sheet.max_row}"
        assert all(c.font.b for c in sheet[1])
    width = {h: ws.column_dimensions[ws.cell(1, i).column_letter].width for h, i in col.items()}
    assert width["名称"] >= 2 * len(LONG_NAME)
    assert width["统一社会信用代码"] >= 18
    assert width["法定代表人身份证号"] >= 18
    assert 12 <= width["成立登记日期"] <= L.display_width("成立登记日期") + 4  # header fits
    assert width["类型"] < width["名称"]
    report = wb["年度报告"]
    submitted = report.cell(2, _by_header(report)["提交日期"])
    assert submitted.is_date and submitted.value.date() == date(2023, 3, 1)


def test_csv_keeps_the_apostrophe(filled, tmp_path):
    path = tmp_path / "out.csv"
    export_ledger(filled, path)
    text = path.read_text(encoding="utf-8-sig")
    assert "'=1+1 开头的业务范围" in text and "'-2 号楼" in text


def test_widths_count_cjk_double():
    assert L.display_width("abc") == 3
    assert L.display_width("社会组织") == 8
    assert L.display_width("ＡＢ") == 4  # full-width letters
    widths = L.column_widths(["名称", "代码"], [["海沧区书法协会", "1"]])
    assert widths[0] >= 14 and widths[1] < widths[0]


def test_large_export_streams_and_sizes_from_a_sample(tmp_path):
    rows = ([[f"52350205MJ{n:07d}X", date(2020, 1, 1) if n % 2 else None]
             for n in range(3000)])
    path = tmp_path / "big.xlsx"
    L.write_workbook(path, {"t": (["代码", "日期"], iter(rows))})
    ws = openpyxl.load_workbook(path, read_only=False)["t"]
    assert ws.max_row == 3001 and ws.auto_filter.ref == "A1:B3001"
    assert ws["A3001"].value == "52350205MJ0002999X" and ws["A3001"].data_type == "s"


# --------------------------------------------------------------------------- template


def test_template_drop_downs_formats_and_notes(tmp_path, settings: Settings):
    path = tmp_path / "t.xlsx"
    L.write_template(path, settings)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["社会组织", "年度报告", "监督记录", "填写说明"]
    expected = {
        ("社会组织", "类型"): ["社会团体", "民办非企业单位", "基金会"],
        ("社会组织", "登记状态"): ["正常", "已注销", "已撤销"],
        ("社会组织", "撤销类别"): ["僵尸型", "其他"],
        ("社会组织", "所属街道"): [s.name for s in settings.office.subdistricts],
        ("年度报告", "结论"): list(L.CONCLUSIONS),
        ("监督记录", "类别"): list(L.SUPERVISION_KINDS),
    }
    for name, cols in L.SHEETS.items():
        ws = wb[name]
        assert [c.value for c in ws[1]] == [c.header for c in cols]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
        by = _by_header(ws)
        lists = {}
        for dv in ws.data_validations.dataValidation:
            assert dv.type == "list" and dv.showErrorMessage
            assert str(dv.sqref).endswith("20000")
            letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
            lists[letter] = dv.formula1.strip('"').split(",")
        enumerated = [c for c in cols if c.kind == L.CHOICE]
        assert len(lists) == len(enumerated)
        for c in enumerated:
            letter = ws.cell(1, by[c.header]).column_letter
            assert lists[letter] == expected[(name, c.header)]
        for c in cols:
            dim = ws.column_dimensions[ws.cell(1, by[c.header]).column_letter]
            assert dim.width >= L.display_width(c.header) + 2
            if c.kind == L.CODE:
                assert dim.number_format == "@" and dim.width >= 18, c.header
            if c.kind == L.DATE:
                assert dim.number_format == "yyyy-mm-dd", c.header
    notes = wb["填写说明"]
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "--" not in text  # the clerk's words, no command-line flags
    assert "科学计数法" in text and "文本" in text and "下拉列表" in text
    assert "社会团体、民办非企业单位、基金会" in text and "僵尸型" in text
    assert notes.column_dimensions["D"].width >= 40
    wrapped = [c for row in notes.iter_rows(min_row=2) for c in row if c.value]
    assert wrapped and all(c.alignment.wrap_text for c in wrapped)
    # a long paragraph row is tall enough for its wrapped lines
    intro_row = next(c.row for c in wrapped if str(c.value).startswith("本工作簿"))
    assert notes.row_dimensions[intro_row].height >= 30


def test_filled_template_imports(ctx, tmp_path, settings: Settings):
    """A template filled in as a clerk would (codes typed into the text columns) imports."""
    ctx.today = lambda: TODAY
    path = tmp_path / "t.xlsx"
    L.write_template(path, settings)
    wb = openpyxl.load_workbook(path)
    ws = wb["社会组织"]
    ws.append([code(5), "海沧区测试5协会", "社会团体", date(2021, 4, 1), "正常"])
    wb.save(path)
    result = import_ledger(ctx, path)
    assert result.written and not result.errors


# --------------------------------------------------------------------------- import


@pytest.mark.parametrize("value,shown", [
    (5.13502055076169e17, "5.13502055076169E+17"),
    ("5.13502055076169E+17", "5.13502055076169E+17"),
    ("5.13502055076169e+17", "5.13502055076169e+17"),
])
def test_code_in_scientific_notation_says_so_and_how_to_fix(ictx_today, tmp_path, value, shown):
    path = tmp_path / "l.xlsx"
    write_xlsx(path, [org(1, 统一社会信用代码=value)])
    result = import_ledger(ictx_today, path, dry_run=True)
    [problem] = result.errors
    assert problem.key == "code_scientific" and problem.column == "统一社会信用代码"
    text = problem.describe("zh")
    assert shown in text and "科学计数法" in text and "“文本”格式" in text
    assert "重新输入或粘贴" in text
    english = problem.describe("en")
    assert "scientific notation" in english and "Text" in english


def test_code_in_scientific_notation_in_a_csv(ictx_today, tmp_path):
    """A CSV that Excel saved after showing the codes as numbers."""
    path = tmp_path / "l.csv"
    path.write_text("统一社会信用代码,名称,类型,成立登记日期,登记状态\n"
                    "5.13502055076169E+17,海沧区测试协会,社会团体,2020/3/5,正常\n",
                    encoding="gb18030")
    [problem] = import_ledger(ictx_today, path, dry_run=True).errors
    assert problem.key == "code_scientific" and problem.row == 2
    assert problem.describe("zh").startswith(
        "[错误] 工作表「社会组织」，第2行，「统一社会信用代码」列：「5.13502055076169E+17」是被 Excel")


def test_id_number_in_scientific_notation(ictx_today, tmp_path):
    path = tmp_path / "l.xlsx"
    write_xlsx(path, [org(1, 法定代表人="张三", 法定代表人身份证号=1.10105194912312e17)])
    result = import_ledger(ictx_today, path, dry_run=True)
    assert [(p.key, p.column) for p in result.errors] == [("code_scientific", "法定代表人身份证号")]


def test_exact_numeric_code_is_read_as_text():
    assert L.parse_code(12345) == "12345"
    assert L.parse_code(" 52350205mj0000018d ") == "52350205MJ0000018D"
    with pytest.raises(L.CellError):
        L.parse_code(3.50205199001011e17)


@pytest.fixture
def ictx_today(ctx):
    ctx.today = lambda: TODAY
    return ctx


def test_report_lists_errors_before_grouped_hints(ictx_today):
    masked = "350205********1234"
    rows = [org(n, 法定代表人="张三", 法定代表人身份证号=masked) for n in range(1, 801)]
    rows += [org(900, 类型="合作社"), org(901, 成立登记日期="下周")]
    result = import_ledger(ictx_today, ledger(rows), dry_run=True)
    lines = L.report_lines(result.problems, "zh")
    assert lines[0] == "错误（2 处）："
    assert lines[1].startswith("  [错误]") and lines[2].startswith("  [错误]")
    assert lines[3] == "提示（800 处）："
    assert len(lines) == 5  # 800 identical hints said once
    hint = lines[4]
    assert hint.startswith("  [提示] 800 行：身份证号已遮蔽")
    assert "原有的号码保持不变" in hint and "第 2–801 行" in hint
    assert "「法定代表人身份证号」列" in hint
    english = L.report_lines(result.problems, "en")
    assert english[0] == "Errors (2):" and "800 rows: ID number masked" in english[4]


def test_grouped_rows_are_ranges_and_cut_short():
    problems = [L.Problem("社会组织", r, "联系电话", "masked_phone_ignored", {}, "warning")
                for r in (2, 3, 4, 7, *range(10, 40, 2))]
    [title, line] = L.report_lines(problems, "zh")
    assert title == "提示（19 处）："
    assert "19 行" in line and "第 2–4、7、10、12、14、16、18、20… 行" in line


def test_import_command_prints_errors_first(tmp_path, capsys):
    from mca_tui import cli

    path = tmp_path / "l.xlsx"
    write_xlsx(path, [org(1, 联系电话="138****5678"), org(2, 联系电话="139****0000"),
                      org(3, 类型="合作社")])
    assert cli.main(["--db", str(tmp_path / "r.db"), "init"]) == 0
    assert cli.main(["--db", str(tmp_path / "r.db"), "import", str(path), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert out.index("错误（1 处）") < out.index("提示（2 处）") < out.index("2 行：联系电话已遮蔽")


# --------------------------------------------------------------------------- unmasked export


def test_unmasked_export_audits_in_a_short_unit_then_renames(filled, make_ctx, tmp_path,
                                                            monkeypatch):
    approver = make_ctx("appr1", Role.APPROVER)
    path = tmp_path / "full.xlsx"
    seen = {}
    real_unit = type(approver).unit

    def spy(self, action, **kw):  # noqa: ANN001, ANN202
        # When the write transaction opens, the file is already rendered beside the
        # target, and the target does not exist yet.
        parts = list(tmp_path.glob(".full.xlsx.*.part"))
        seen["parts"] = [p.stat().st_size for p in parts]
        seen["target"] = path.exists()
        return real_unit(self, action, **kw)

    monkeypatch.setattr(type(approver), "unit", spy)
    r = export_ledger(approver, path, unmasked=True)
    assert not r.masked and path.exists()
    assert len(seen["parts"]) == 1 and seen["parts"][0] > 0 and seen["target"] is False
    assert not list(tmp_path.glob("*.part"))
    with filled.db.read() as s:
        events = s.exec(select(AuditEvent).where(
            AuditEvent.action == "ledger.export_unmasked")).all()
    assert len(events) == 1 and str(path) in events[0].after_json


def test_failed_audit_leaves_no_unmasked_file(filled, make_ctx, tmp_path, monkeypatch):
    approver = make_ctx("appr2", Role.APPROVER)
    path = tmp_path / "full.csv"

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk full")

    # the audit event cannot be appended: the unit rolls back
    monkeypatch.setattr(audit, "append_event", broken)
    with pytest.raises(RuntimeError):
        export_ledger(approver, path, unmasked=True)
    assert not path.exists() and not list(tmp_path.glob("*.part"))
    with filled.db.read() as s:
        assert not s.exec(select(AuditEvent).where(
            AuditEvent.action == "ledger.export_unmasked")).all()


def test_failed_rendering_leaves_nothing(filled, make_ctx, tmp_path, monkeypatch):
    approver = make_ctx("appr3", Role.APPROVER)
    path = tmp_path / "full.xlsx"

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError("no space left")

    monkeypatch.setattr(export_service, "write_ledger", broken)
    with pytest.raises(OSError):
        export_ledger(approver, path, unmasked=True)
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".part")]


# --------------------------------------------------------------------------- layers


def test_reports_never_import_services():
    import mca_tui.reports

    root = Path(mca_tui.reports.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(re.match(r"mca_tui\.(services|ui|commands)\b", n) for n in names):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
    assert (root / "ledger").is_dir() and len(list((root / "ledger").glob("*.py"))) >= 6
