"""Deterministic synthetic registry for the benchmark suite (``bench/suite.py``).

``python bench/generate.py --size 10k|100k|1m`` writes ``bench/out/registry-<size>.db``
(kept and reused: the file name carries ``GENERATOR_VERSION``). The same seed gives the
same registry.

What is written, per N organizations (Haicang-like names, USCC, legal representative,
domicile; about 90 % active): five report years 2021-2025 of annual reports for each
organization registered by the year (about 4.4 N rows), supervision records (~0.2 N),
credit-list entries (~0.03 N), penalty cases (~0.005 N) and audit events (~0.3 N, each
with its change row and its subject index rows).

The bulk path (documented here because it bypasses the services on purpose): the schema
is created by the app's own migrations (``Database.open``); rows are written with
``sqlite3.executemany`` in one transaction per table; then the state the services would
leave is completed the way the app completes it:

- audit events are hashed with ``storage.audit.event_hash`` and chained on the office's
  chain after the events the app wrote itself (office set-up), and the chain head is
  moved, so ``mca-tui audit verify`` passes;
- the search index and the pinyin sort keys are built by ``storage.search.reindex_all``
  (what ``mca-tui search --reindex`` runs), the report summary by
  ``storage.report_summary.rebuild`` (what its migration back-fills);
- the per-organization dormancy summary is built by ``services.dormancy.refresh_many``
  (what ``rebuild_all`` runs), one audited unit per 50,000 organizations;
- ``ANALYZE`` runs at the end, then ``VACUUM`` (the pages the build freed go back).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import text

from mca_tui.config import Settings
from mca_tui.domain.identifiers import build_uscc
from mca_tui.services import dormancy
from mca_tui.services.context import cli_context, ensure_office
from mca_tui.storage import audit, report_summary, search
from mca_tui.storage.audit import Subject
from mca_tui.storage.engine import Database
from mca_tui.storage.models import AuditEvent

GENERATOR_VERSION = 3
OUT = Path(__file__).resolve().parent / "out"
SIZES = {"400": 400, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
SEED = 20261129
REPORT_YEARS = range(2021, 2026)  # five closed years as of TODAY
TODAY = date(2026, 6, 30)
DORMANCY_CHUNK = 50_000

CITIES = ["厦门市", "莆田市", "福州市", "泉州市", "漳州市", "龙岩市", "三明市", "南平市", "宁德市"]
DISTRICTS = ["海沧区", "思明区", "湖里区", "集美区", "同安区", "翔安区", "城厢区", "仙游县",
             "鼓楼区", "晋江市", "长泰区", "新罗区"]
COMMUNITIES = ["", "", "兴旺社区", "海发社区", "鳌冠社区", "天竺社区", "祥露社区", "霞阳社区",
               "石塘村", "嵩屿街道", "新阳街道", "东孚街道", "重庆路社区"]
SECTORS = ["社会工作", "老年人体育", "志愿者", "慈善", "青少年发展", "书画", "摄影", "太极拳",
           "篮球", "企业家", "餐饮行业", "物业管理", "心理咨询", "家政服务", "养老服务", "长寿",
           "音乐", "舞蹈", "龙舟", "茶文化", "潮汕", "安溪", "银行业", "教育", "文化", "乐器",
           "围棋", "钓鱼", "登山", "汽车", "电子商务", "红木家具", "茶叶", "水产", "律师"]
FORMS = ["协会", "促进会", "服务中心", "联合会", "研究会", "商会", "俱乐部", "培训学校",
         "幼儿园", "基金会", "发展中心", "社会工作服务站"]
SURNAMES = "陈林黄张李王吴刘蔡杨许郑谢洪郭邱曾廖赖徐周叶苏庄吕单翟查"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华志建国海燕晓长乐"
ROADS = ["海沧大道", "沧林路", "钟林路", "滨湖北路", "新阳路", "东孚大道", "翁角路", "马青路",
         "文兴东路", "荔园路", "五四路", "鼓浪屿"]
AREA = {"厦门市": "3502", "莆田市": "3503", "福州市": "3501", "泉州市": "3505",
        "漳州市": "3506", "龙岩市": "3508", "三明市": "3504", "南平市": "3507",
        "宁德市": "3509"}


def db_path(size: str) -> Path:
    return OUT / f"registry-{size}-v{GENERATOR_VERSION}.db"


def _hex(rnd: random.Random) -> str:
    return f"{rnd.getrandbits(128):032x}"


def _ts(d: date, rnd: random.Random) -> str:
    """A DATETIME as SQLAlchemy stores it on SQLite (millisecond precision)."""
    return f"{d.isoformat()} {rnd.randrange(8, 18):02d}:{rnd.randrange(60):02d}:" \
           f"{rnd.randrange(60):02d}.{rnd.randrange(1000):03d}000"


class Org(NamedTuple):
    id: str
    established: date
    status: str


def _organizations(n: int, office_id: str, rnd: random.Random) -> tuple[list[tuple], list[Org]]:
    rows, orgs = [], []
    for i in range(n):
        city = rnd.choice(CITIES)
        name = (city + rnd.choice(DISTRICTS) + rnd.choice(COMMUNITIES) + rnd.choice(SECTORS)
                + rnd.choice(FORMS) + (f"第{i}分会" if rnd.random() < 0.3 else str(i)))
        org_type = rnd.choices(["social_group", "private_non_enterprise", "foundation"],
                               [55, 43, 2])[0]
        kind_digit = {"social_group": "1", "private_non_enterprise": "2", "foundation": "3"}
        body = f"M{i:07d}"
        try:
            uscc = build_uscc(kind_digit[org_type], AREA[city] + f"{rnd.randrange(1, 30):02d}",
                              body)
        except Exception:  # noqa: BLE001 - a synthetic code that fails the check is left out
            uscc = None
        established = date(2001, 1, 1) + timedelta(days=rnd.randrange(0, 8700))
        status = rnd.choices(["active", "deregistered", "revoked"], [90, 7, 3])[0]
        oid = _hex(rnd)
        rep = rnd.choice(SURNAMES) + "".join(rnd.sample(GIVEN, rnd.choice((1, 2))))
        dereg = (established + timedelta(days=rnd.randrange(365, 3000))).isoformat() \
            if status == "deregistered" else None
        revoked = (established + timedelta(days=rnd.randrange(365, 3000))).isoformat() \
            if status == "revoked" else None
        ts = _ts(established, rnd)
        rows.append((oid, office_id, uscc, org_type, name, "",
                     f"{city}{rnd.choice(DISTRICTS)}{rnd.choice(ROADS)}{rnd.randint(1, 999)}号",
                     "", "", "", "", 0, rep, "", status, established.isoformat(), dereg,
                     revoked, ts, ts, 1))
        orgs.append(Org(oid, established, status))
    return rows, orgs


def _reports(orgs: list[Org], office_id: str, rnd: random.Random):  # noqa: ANN202
    for org in orgs:
        for year in REPORT_YEARS:
            if org.established.year > year:
                continue
            r = rnd.random()
            if r < 0.04:
                continue  # not submitted
            submitted = date(year + 1, rnd.randint(1, 5), rnd.randint(1, 28))
            conclusion = "accepted" if r < 0.9 else ("rejected" if r < 0.95 else None)
            concluded = (submitted + timedelta(days=rnd.randrange(5, 40))).isoformat() \
                if conclusion else None
            yield (_hex(rnd), office_id, org.id, year, "report", submitted.isoformat(), "",
                   conclusion, concluded, "")


def _supervision(orgs: list[Org], office_id: str, rnd: random.Random):  # noqa: ANN202
    kinds = ["audit", "rectification", "interview", "spot_check", "evaluation"]
    for org in orgs:
        if rnd.random() < 0.2:
            d = date(2020, 1, 1) + timedelta(days=rnd.randrange(0, 2300))
            yield (_hex(rnd), office_id, org.id, rnd.choice(kinds), d.isoformat(), "", "",
                   "", "{}")


def _listings(orgs: list[Org], office_id: str, rnd: random.Random):  # noqa: ANN202
    for org in orgs:
        if rnd.random() < 0.03:
            d = date(2021, 1, 1) + timedelta(days=rnd.randrange(0, 1900))
            removed = (d + timedelta(days=200)).isoformat() if rnd.random() < 0.3 else None
            yield (_hex(rnd), office_id, org.id, "abnormal", "annual_report_missing",
                   d.isoformat(), "", removed, "")


def _cases(orgs: list[Org], office_id: str, rnd: random.Random):  # noqa: ANN202
    for org in orgs:
        if rnd.random() < 0.005:
            d = date(2022, 1, 1) + timedelta(days=rnd.randrange(0, 1500))
            yield (_hex(rnd), office_id, org.id, "annual_report_missing", "warning",
                   d.isoformat(), rnd.choice(["open", "closed"]), "", "", "{}")


class _Change(NamedTuple):
    ordinal: int
    entity: str
    entity_id: str | None
    operation: str
    before_json: str
    after_json: str


def _audit(conn: sqlite3.Connection, orgs: list[Org], rnd: random.Random) -> int:
    """~0.3 events per organization, chained after the events the app wrote."""
    chain, seq, prev = conn.execute(
        "SELECT chain, seq, hash FROM audit_chain_head").fetchone()
    office_id, code, actor = conn.execute(
        "SELECT office_id, office_code, actor_name FROM audit_event WHERE chain = ? "
        "ORDER BY seq DESC LIMIT 1", (chain,)).fetchone()
    picks = sorted(rnd.sample(range(len(orgs)), int(len(orgs) * 0.3)),
                   key=lambda i: orgs[i].established)
    start = datetime(2024, 1, 1)
    events, changes, subjects = [], [], []
    os_account = audit.process_os_account()  # keyed like every event (hash version 3)
    step = max(1, int(2.5 * 365 * 86400 / max(1, len(picks))))
    for k, i in enumerate(picks):
        org = orgs[i]
        seq += 1
        at = start + timedelta(seconds=k * step, milliseconds=rnd.randrange(1000))
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)
        after = f'{{"phone":"0592-{rnd.randrange(10**7):07d}"}}'
        ev = AuditEvent(id=_hex(rnd), chain=chain, seq=seq, at=at, actor_kind="user",
                        actor_id=None, actor_name=actor, office_id=office_id,
                        office_code=code, action="org.update", organization_id=org.id,
                        entity="organization", entity_id=org.id, before_json="{}",
                        after_json=after, note="", prev_hash=prev, hash="",
                        hash_version=audit.HASH_VERSION, os_account=os_account)
        change = _Change(0, "organization", org.id, "update", '{"phone":""}', after)
        ev.hash = audit.event_hash(ev, [change])
        prev = ev.hash
        stamp = at.isoformat(sep=" ", timespec="microseconds")
        events.append((ev.id, chain, seq, stamp, "user", None, actor, office_id, code,
                       ev.action, org.id, "organization", org.id, "{}", after, "", ev.prev_hash,
                       ev.hash, audit.HASH_VERSION, os_account))
        changes.append((ev.id, 0, "organization", org.id, "update", '{"phone":""}', after))
        subjects.append(("organization", org.id, stamp, ev.id))
    conn.executemany("INSERT INTO audit_event (id, chain, seq, at, actor_kind, actor_id, "
                     "actor_name, office_id, office_code, action, organization_id, entity, "
                     "entity_id, before_json, after_json, note, prev_hash, hash, hash_version, "
                     "os_account) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", events)
    conn.executemany("INSERT INTO audit_change (event_id, ordinal, entity, entity_id, "
                     "operation, before_json, after_json) VALUES (?,?,?,?,?,?,?)", changes)
    conn.executemany("INSERT INTO audit_subject (entity, entity_id, at, event_id) "
                     "VALUES (?,?,?,?)", subjects)
    conn.execute("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE chain = ?",
                 (seq, prev, chain))
    return len(events)


def build(path: Path, n: int, log=print) -> None:  # noqa: ANN001
    t0 = time.perf_counter()
    tmp = path.with_suffix(".part")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    settings = Settings(documents_dir=str(path.parent / "documents"))
    db = Database.open(tmp)
    office = ensure_office(db, settings)
    db.dispose()
    rnd = random.Random(SEED)
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA synchronous=OFF")
    org_rows, orgs = _organizations(n, office.id, rnd)
    conn.executemany(
        "INSERT INTO organization (id, office_id, uscc, org_type, name, name_sort_key, domicile,"
        " purpose, business_scope, activity_area, supervisory_unit, is_charity, legal_rep_name,"
        " phone, status, established_on, deregistered_on, revoked_on, created_at, updated_at,"
        " version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", org_rows)
    del org_rows
    conn.executemany(
        "INSERT INTO annual_report (id, office_id, organization_id, report_year, mode,"
        " submitted_on, supervisory_opinion, conclusion, concluded_on, note)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)", _reports(orgs, office.id, rnd))
    conn.executemany(
        "INSERT INTO supervision_record (id, office_id, organization_id, kind, record_date,"
        " description, \"trigger\", outcome, details_json) VALUES (?,?,?,?,?,?,?,?,?)",
        _supervision(orgs, office.id, rnd))
    conn.executemany(
        "INSERT INTO credit_list_entry (id, office_id, organization_id, list_kind, ground,"
        " listed_on, listing_reason, removed_on, removal_reason) VALUES (?,?,?,?,?,?,?,?,?)",
        _listings(orgs, office.id, rnd))
    conn.executemany(
        "INSERT INTO penalty_case (id, office_id, organization_id, ground, proposed_penalty,"
        " filed_on, status, decision, closing_reason, details_json)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)", _cases(orgs, office.id, rnd))
    events = _audit(conn, orgs, rnd)
    conn.commit()
    conn.close()
    log(f"rows written in {time.perf_counter() - t0:.1f} s ({events:,} audit events)")
    t1 = time.perf_counter()
    db = Database.open(tmp)
    with db.write() as s:
        search.reindex_all(s)
        # the per-organization report summary (derived; the app keeps it on every write)
        report_summary.rebuild(s.connection())
    log(f"search index and report summary built in {time.perf_counter() - t1:.1f} s")
    t1 = time.perf_counter()
    ctx = cli_context(db, settings)
    with db.read() as s:
        ids = list(s.execute(text("SELECT id FROM organization ORDER BY id")).scalars())
    for start in range(0, len(ids), DORMANCY_CHUNK):  # services.dormancy.rebuild_all, chunked
        with ctx.unit("dormancy.rebuild", subject=Subject("dormancy_summary", None)) as u:
            dormancy.refresh_many(u, ctx, ids[start:start + DORMANCY_CHUNK])
            u.record("dormancy_summary", None, None, {"organizations": len(ids)})
    log(f"dormancy summary built in {time.perf_counter() - t1:.1f} s")
    with db.write() as s:
        s.connection().exec_driver_sql("ANALYZE")
    db.dispose()
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # the pages the index rebuild and the summaries freed go back: db.bytes_per_org
    # measures what the registry holds, not what building it left behind
    conn.execute("VACUUM")
    conn.close()
    tmp.replace(path)
    log(f"built {n:,} organizations in {time.perf_counter() - t0:.1f} s -> {path}")


def ensure(size: str, log=print) -> Path:  # noqa: ANN001
    """The cached registry of ``size`` (built if missing)."""
    path = db_path(size)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build(path, SIZES[size], log)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="10k")
    ap.add_argument("--force", action="store_true", help="build again even if cached")
    args = ap.parse_args()
    if args.force:
        db_path(args.size).unlink(missing_ok=True)
    ensure(args.size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
