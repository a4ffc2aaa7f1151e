"""Ledger import: date formats, every validation error, dry run, skip bad rows,
idempotent re-import, changes, CSV input, audit."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlmodel import func, select

from mca_tui.domain.enums import Role
from mca_tui.reports import ledger as L
from mca_tui.services.errors import PermissionDenied
from mca_tui.services.ledger.history import import_history
from mca_tui.services.ledger_import import import_ledger
from mca_tui.storage.models import (
    AnnualReport,
    AuditEvent,
    ImportBatch,
    Organization,
    Person,
    SupervisionRecord,
)

from .helpers import code, ledger, org, write_xlsx

TODAY = date(2024, 1, 31)


@pytest.fixture
def ictx(ctx):
    ctx.today = lambda: TODAY
    return ctx


def count(db, model) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize("value", [
    datetime(2022, 3, 5), date(2022, 3, 5), 44625, 44625.0, "2022-03-05",
    "2022/3/5", "2022.3.5", "20220305", "2022年3月5日", "２０２２－０３－０５", " 2022 年 3 月 5 日 ",
    "2022-03-05 00:00:00",
])
def test_date_formats(value):
    assert L.parse_date(value) == date(2022, 3, 5)


@pytest.mark.parametrize("value,key", [
    ("2022-02-30", "date_impossible"), ("下周一", "date_invalid"), ("2022-3", "date_invalid"),
    ("44625", "date_serial_text"), ("1949-09-30", "date_too_early"), (1000, "date_too_early"),
])
def test_bad_dates(value, key):
    with pytest.raises(L.CellError) as exc:
        L.parse_date(value)
    assert exc.value.key == key


def test_xlsx_real_dates_and_full_width_normalised(ictx, tmp_path):
    path = tmp_path / "l.xlsx"
    write_xlsx(path, orgs=[org(1, established=datetime(2020, 3, 5),
                               名称="  海沧区　老年人体育协会 ",
                               **{"注册资金(元)": "３万", "所属街道": "新阳"})],
               reports=[{"统一社会信用代码": " ５１３５ " + code(1)[4:].lower(),
                         "报告年度": "2021年", "提交日期": 44650, "结论": "通过"}])
    result = import_ledger(ictx, path)
    assert result.written, [p.describe() for p in result.problems]
    with ictx.db.read() as s:
        o = s.exec(select(Organization)).one()
        assert (o.name, o.established_on, o.funds_fen, o.subdistrict_code) == (
            "海沧区老年人体育协会", date(2020, 3, 5), 3_000_000, "350205002")
        r = s.exec(select(AnnualReport)).one()
        assert (r.report_year, r.submitted_on, r.conclusion, r.mode) == (
            2021, date(2022, 3, 30), "accepted", "report")
        assert (r.source_sheet, r.source_row) == ("年度报告", 2)


ERROR_CASES = [
    ({"统一社会信用代码": ""}, "统一社会信用代码", "required"),
    ({"统一社会信用代码": "51350205MJ00000"}, "统一社会信用代码", "bad_code"),
    ({"统一社会信用代码": code(1)[:17] + ("0" if code(1)[17] != "0" else "1")},
     "统一社会信用代码", "legacy_code"),
    ({"名称": None}, "名称", "required"),
    ({"类型": "合作社"}, "类型", "bad_choice"),
    ({"类型": "民办非企业单位"}, "类型", "type_code_mismatch"),
    ({"成立登记日期": None}, "成立登记日期", "required"),
    ({"成立登记日期": "2020-02-30"}, "成立登记日期", "date_impossible"),
    ({"成立登记日期": "2030-01-01"}, "成立登记日期", "date_in_future"),
    ({"登记状态": "休眠"}, "登记状态", "bad_choice"),
    ({"登记状态": "已注销"}, "注销日期", "dereg_date_required"),
    ({"登记状态": "已撤销"}, "撤销日期", "revoked_date_required"),
    ({"注销日期": "2021-01-01"}, "登记状态", "closed_date_but_active"),
    ({"登记状态": "已注销", "注销日期": "2019-01-01"}, "注销日期", "date_before_established"),
    ({"登记状态": "已注销", "注销日期": "2021-01-01", "撤销日期": "2021-02-01"}, "撤销日期",
     "revoked_date_but_deregistered"),
    ({"登记状态": "已撤销", "撤销日期": "2021-01-01", "注销日期": "2021-02-01"}, "注销日期",
     "dereg_date_but_revoked"),
    ({"撤销类别": "僵尸型"}, "撤销类别", "revocation_kind_not_revoked"),
    ({"撤销类别": "别的"}, "撤销类别", "bad_choice"),
    ({"法定代表人": "张三", "法定代表人身份证号": "350205199001011230"}, "法定代表人身份证号",
     "bad_id_number"),
    ({"法定代表人身份证号": "11010519491231002X"}, "法定代表人", "id_without_name"),
    ({"所属街道": "火星街道"}, "所属街道", "unknown_subdistrict"),
    ({"注册资金(元)": "三万"}, "注册资金(元)", "money_invalid"),
    ({"注册资金(元)": "-5"}, "注册资金(元)", "money_invalid"),
    ({"联系电话": "无"}, "联系电话", "bad_phone"),
]


@pytest.mark.parametrize("change,column,key", ERROR_CASES)
def test_each_org_validation_error_names_sheet_row_column(ictx, change, column, key):
    row = org(1, established="2020-03-05")
    row.update(change)
    result = import_ledger(ictx, ledger([org(2), row]))
    assert result.blocked and not result.written
    problems = [p for p in result.errors if p.key == key]
    assert problems, [p.describe() for p in result.problems]
    p = problems[0]
    assert (p.sheet, p.row, p.column) == ("社会组织", 3, column)
    text = p.describe()
    assert "社会组织" in text and "第3行" in text and column in text and "{" not in text
    assert count(ictx.db, Organization) == 0  # nothing written at all


REPORT_CASES = [
    ({"报告年度": "二〇二一"}, "year_invalid"),
    ({"报告年度": 2024}, "report_year_range"),
    ({"报告年度": 2019}, "report_before_established"),
    ({"提交日期": "2021-12-31"}, "submitted_before_year_end"),
    ({"结论": "优秀"}, "bad_choice"),
    ({"统一社会信用代码": code(99)}, "unknown_org"),
]


@pytest.mark.parametrize("change,key", REPORT_CASES)
def test_each_report_validation_error(ictx, change, key):
    report = {"统一社会信用代码": code(1), "报告年度": 2021, "结论": "通过"}
    report.update(change)
    result = import_ledger(ictx, ledger([org(1)], [report]))
    assert [p.key for p in result.errors] == [key]
    assert result.errors[0].sheet == "年度报告" and result.errors[0].row == 2
    assert count(ictx.db, Organization) == 0


@pytest.mark.parametrize("change,key", [
    ({"类别": "检查"}, "bad_choice"), ({"日期": None}, "required"),
    ({"日期": "2019-01-01"}, "record_before_established"),
    ({"完成日期": "2021-01-01"}, "date_before_record"),
    ({"统一社会信用代码": code(98)}, "unknown_org"),
])
def test_each_supervision_validation_error(ictx, change, key):
    rec = {"统一社会信用代码": code(1), "日期": "2022-03-03", "类别": "整改"}
    rec.update(change)
    result = import_ledger(ictx, ledger([org(1)], records=[rec]))
    assert [p.key for p in result.errors] == [key]


def test_duplicates_in_file(ictx):
    result = import_ledger(ictx, ledger(
        [org(1), org(1)],
        [{"统一社会信用代码": code(1), "报告年度": 2021}] * 2,
        [{"统一社会信用代码": code(1), "日期": "2022-01-05", "类别": "约谈"}] * 2))
    keys = sorted(p.key for p in result.problems)
    assert keys == ["duplicate_record", "duplicate_report", "duplicate_uscc"]
    assert [p.level for p in result.problems if p.key == "duplicate_record"] == ["warning"]


def test_legacy_code_accepted_with_flag(ictx):
    legacy = code(1)[:17] + ("0" if code(1)[17] != "0" else "1")
    row = org(1, 统一社会信用代码=legacy)
    assert import_ledger(ictx, ledger([row])).blocked
    result = import_ledger(ictx, ledger([row]), accept_legacy_codes=True)
    assert result.written
    assert [p.key for p in result.warnings] == ["legacy_code_accepted"]
    with ictx.db.read() as s:
        assert s.exec(select(Organization)).one().uscc_override_reason


def test_dry_run_writes_nothing_and_says_what_would_happen(ictx):
    raw = ledger([org(1), org(2)], [{"统一社会信用代码": code(1), "报告年度": 2021}])
    before_events = count(ictx.db, AuditEvent)
    result = import_ledger(ictx, raw, dry_run=True)
    assert not result.written and result.dry_run
    assert result.counts["社会组织"]["create"] == 2
    assert result.counts["年度报告"]["create"] == 1
    assert count(ictx.db, Organization) == 0
    assert count(ictx.db, AuditEvent) == before_events
    import_ledger(ictx, raw)
    changed = ledger([org(1, 名称="海沧区改名协会"), org(2)])
    dry = import_ledger(ictx, changed, dry_run=True)
    assert dry.counts["社会组织"] == {"create": 0, "change": 1, "skip": 1, "reject": 0}
    assert dry.changes[0].after == {"name": "海沧区改名协会"}
    assert dry.changes[0].before == {"name": "海沧区测试1协会"}


def test_reimport_same_file_changes_nothing(ictx, tmp_path):
    path = tmp_path / "l.xlsx"
    write_xlsx(path, [org(1, 法定代表人="张三", 法定代表人身份证号="11010519491231002X"),
                      org(2, "民办非企业单位")],
               [{"统一社会信用代码": code(1), "报告年度": 2021, "结论": "合格"}],
               [{"统一社会信用代码": code(2, "2"), "日期": "2022-02-02", "类别": "整改",
                 "说明": "财务不规范"}])
    first = import_ledger(ictx, path)
    assert first.written
    events = count(ictx.db, AuditEvent)
    with ictx.db.read() as s:
        snapshot = [(o.id, o.version) for o in s.exec(select(Organization))]
    second = import_ledger(ictx, path)
    assert not second.written and not second.blocked
    assert all(c["create"] == c["change"] == 0 for c in second.counts.values())
    assert second.total("skip") == 4
    assert count(ictx.db, AuditEvent) == events
    assert count(ictx.db, ImportBatch) == 1
    assert count(ictx.db, Person) == 1
    with ictx.db.read() as s:
        assert [(o.id, o.version) for o in s.exec(select(Organization))] == snapshot


def test_one_audited_operation_with_sources_and_timeline(ictx):
    result = import_ledger(ictx, ledger([org(1), org(2)],
                                        [{"统一社会信用代码": code(1), "报告年度": 2021}]))
    with ictx.db.read() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "ledger.import")).all()
        assert len(events) == 1
        assert events[0].entity == "import_batch" and events[0].entity_id == result.batch_id
        assert json.loads(events[0].after_json)["counts"]["社会组织"]["create"] == 2
        org1 = s.exec(select(Organization).where(Organization.uscc == code(1))).one()
        assert (org1.import_batch_id, org1.source_sheet, org1.source_row) == (
            result.batch_id, "社会组织", 2)
    second = import_ledger(ictx, ledger([org(1, 住所="厦门市海沧区沧林路8号", 登记状态="已注销",
                                             注销日期="2023-06-01")]))
    assert second.counts["社会组织"]["change"] == 1
    with ictx.db.read() as s:
        org1 = s.get(Organization, org1.id)
        assert (org1.status, org1.deregistered_on, org1.domicile) == (
            "deregistered", date(2023, 6, 1), "厦门市海沧区沧林路8号")
        history = import_history(s, org1.id)
        event = s.exec(select(AuditEvent).where(
            AuditEvent.entity_id == second.batch_id)).one()
    assert org1.id in json.loads(event.after_json)["changed_organization_ids"]
    assert [h.what for h in history] == ["created", "reports", "changed"]
    assert history[2].after["status"] == "deregistered"


def test_empty_cell_keeps_value_on_record(ictx):
    import_ledger(ictx, ledger([org(1, 住所="海沧大道1号", 联系电话="13800001234")]))
    result = import_ledger(ictx, ledger([org(1)]))
    assert result.total("change") == 0
    with ictx.db.read() as s:
        assert s.exec(select(Organization)).one().domicile == "海沧大道1号"


def test_skip_bad_rows_writes_rest_and_rejected_file(ictx, tmp_path):
    path = tmp_path / "ledger.xlsx"
    write_xlsx(path, [org(1), org(2, 类型="合作社")],
               [{"统一社会信用代码": code(1), "报告年度": 2021},
                {"统一社会信用代码": code(2), "报告年度": 2021}])
    blocked = import_ledger(ictx, path)
    assert blocked.blocked and count(ictx.db, Organization) == 0
    result = import_ledger(ictx, path, skip_bad_rows=True)
    assert result.written
    assert result.counts["社会组织"] == {"create": 1, "change": 0, "skip": 0, "reject": 1}
    # The report of the rejected organization is rejected in turn.
    assert result.counts["年度报告"]["reject"] == 1
    rejected = tmp_path / "ledger.rejected.xlsx"
    assert result.rejected_file == str(rejected)
    import openpyxl

    wb = openpyxl.load_workbook(rejected)
    rows = list(wb["社会组织"].iter_rows(values_only=True))
    assert rows[0][:2] == ("原行号", "导入问题")
    assert rows[1][0] == 3 and "合作社" in rows[1][1]
    assert list(wb["年度报告"].iter_rows(values_only=True))[1][0] == 3


def test_csv_recognised_by_header_gbk_and_unknown_column(ictx, tmp_path):
    path = tmp_path / "reports.csv"
    text = "统一社会信用代码,报告年度,结论,备注\n" + f"{code(1)},2021,合格,好\n"
    path.write_bytes(text.encode("gb18030"))
    import_ledger(ictx, ledger([org(1)]))
    result = import_ledger(ictx, path)
    assert result.written
    assert [p.key for p in result.warnings] == ["unknown_column"]
    assert count(ictx.db, AnnualReport) == 1
    bad = tmp_path / "x.csv"
    bad.write_text("名字,日期\n甲,2022-01-01\n", encoding="utf-8")
    assert [p.key for p in import_ledger(ictx, bad).errors] == ["csv_unknown_header"]


def test_missing_required_column_and_unknown_sheet(ictx, tmp_path):
    import openpyxl

    path = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "社会组织"
    wb.active.append(["统一社会信用代码", "名称", "类型", "登记状态"])
    wb.create_sheet("其他表").append(["a"])
    wb.save(path)
    result = import_ledger(ictx, path, skip_bad_rows=True)
    keys = {p.key: p for p in result.problems}
    assert keys["missing_column"].column == "成立登记日期"
    assert keys["unknown_sheet"].level == "warning"
    assert not result.written and result.blocked  # a file-level error blocks even with skip


def test_rectification_open_until_completed(ictx):
    rec = {"统一社会信用代码": code(1), "日期": "2022-03-03", "类别": "整改",
           "整改期限": "2022-04-02"}
    import_ledger(ictx, ledger([org(1)], records=[rec,
                  {"统一社会信用代码": code(1), "日期": "2022-03-04", "类别": "约谈"}]))
    with ictx.db.read() as s:
        got = {r.kind: r for r in s.exec(select(SupervisionRecord))}
    assert got["rectification"].completed_on is None
    assert got["rectification"].due_on == date(2022, 4, 2)
    assert got["interview"].completed_on == date(2022, 3, 4)
    result = import_ledger(ictx, ledger([org(1)], records=[{**rec, "完成日期": "2022-03-30"}]))
    assert result.counts["监督记录"]["change"] == 1
    with ictx.db.read() as s:
        rect = s.exec(select(SupervisionRecord).where(
            SupervisionRecord.kind == "rectification")).one()
    assert rect.completed_on == date(2022, 3, 30)


def test_roles(make_ctx):
    clerk = make_ctx("clerk1", Role.CLERK, today=TODAY)
    raw = ledger([org(1)])
    assert import_ledger(clerk, raw, dry_run=True).counts["社会组织"]["create"] == 1
    with pytest.raises(PermissionDenied):
        import_ledger(clerk, raw)
    approver = make_ctx("appr1", Role.APPROVER, today=TODAY)
    assert import_ledger(approver, raw).written


def test_messages_in_english(ictx):
    result = import_ledger(ictx, ledger([org(1, 类型="合作社")]))
    text = result.errors[0].describe("en")
    assert "sheet 「社会组织」" in text and "row 2" in text and "not an allowed value" in text


def test_progress_callback(ictx):
    seen = []
    import_ledger(ictx, ledger([org(i) for i in range(1, 1201)]),
                  progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = [s for s, *_ in seen]
    assert "validate" in stages and "write" in stages
    assert seen[-1] == ("write", 1200, 1200)
