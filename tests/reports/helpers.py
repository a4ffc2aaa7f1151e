"""Building small ledgers for tests."""

from __future__ import annotations

from mca_tui.domain.identifiers import build_uscc
from mca_tui.reports import ledger as L


def code(n: int, category: str = "1") -> str:
    return build_uscc(category, "350205", f"MJ{n:06d}")


def org(n: int, org_type: str = "社会团体", established="2020-03-05", status="正常", **extra):
    category = {"社会团体": "1", "民办非企业单位": "2", "基金会": "3"}[org_type]
    row = {"统一社会信用代码": code(n, category), "名称": f"海沧区测试{n}协会",
           "类型": org_type, "成立登记日期": established, "登记状态": status}
    row.update(extra)
    return row


def ledger(orgs=(), reports=(), records=(), name="test.xlsx") -> L.RawLedger:
    data = {}
    if orgs:
        data[L.SHEET_ORGS] = list(orgs)
    if reports:
        data[L.SHEET_REPORTS] = list(reports)
    if records:
        data[L.SHEET_SUPERVISION] = list(records)
    return L.ledger_from_rows(name, data)


def write_xlsx(path, orgs=(), reports=(), records=()) -> None:
    sheets = {}
    for name, rows in ((L.SHEET_ORGS, orgs), (L.SHEET_REPORTS, reports),
                       (L.SHEET_SUPERVISION, records)):
        if rows:
            headers = [c.header for c in L.SHEETS[name]]
            sheets[name] = (headers, [[r.get(h) for h in headers] for r in rows])
    L.write_workbook(path, sheets)
