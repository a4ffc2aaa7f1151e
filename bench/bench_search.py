"""Search latency at scale: ``python bench/bench_search.py [N]`` (default 100000).

Builds N organizations with Haicang-like names in a temporary SQLite file (rows are
bulk-inserted; the index is built by the same code the services use), then prints the
p50/p95 latency of the first result page (50 rows, ranked) with the capped count, and of
the next page, for 1-character, 2-character, 4-character, USCC-fragment and
pinyin-initials queries.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from mca_tui.config import Settings
from mca_tui.domain.identifiers import build_uscc
from mca_tui.services.context import ensure_office
from mca_tui.storage import search
from mca_tui.storage.engine import Database
from mca_tui.storage.ids import new_id
from mca_tui.storage.models import Organization

PLACES = ["厦门市海沧区", "海沧区", "厦门市海沧区嵩屿街道", "海沧区新阳街道", "海沧区东孚街道",
          "海沧区海沧街道", "厦门市"]
COMMUNITIES = ["", "兴旺社区", "海发社区", "鳌冠社区", "天竺社区", "祥露社区", "霞阳社区", "石塘"]
SECTORS = ["社会工作", "老年人体育", "志愿者", "慈善", "青少年发展", "书画", "摄影", "太极拳",
           "篮球", "企业家", "餐饮行业", "物业管理", "心理咨询", "家政服务", "养老服务", "长寿",
           "音乐", "舞蹈", "龙舟", "茶文化", "潮汕", "安溪", "重庆", "银行业", "教育", "文化"]
FORMS = ["协会", "促进会", "服务中心", "联合会", "研究会", "商会", "俱乐部", "培训学校", "幼儿园"]
SURNAMES = "陈林黄张李王吴刘蔡杨许郑谢洪郭邱曾廖赖徐周叶苏庄吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华志建国海燕晓"
ROADS = ["海沧大道", "沧林路", "钟林路", "滨湖北路", "新阳路", "东孚大道", "翁角路", "马青路"]
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def build(db: Database, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    office = ensure_office(db, Settings())
    rows = []
    for i in range(n):
        name = (rnd.choice(PLACES) + rnd.choice(COMMUNITIES) + rnd.choice(SECTORS)
                + rnd.choice(FORMS) + (str(i) if rnd.random() < 0.5 else ""))
        body = "MJ" + f"{i:06d}"
        try:
            uscc = build_uscc(rnd.choice("12"), "350205", body)
        except Exception:  # noqa: BLE001 - the bench only needs plausible codes
            uscc = None
        status = rnd.choices(["active", "deregistered", "revoked"], [90, 7, 3])[0]
        rows.append({
            "id": new_id(), "office_id": office.id, "org_type": rnd.choice(
                ["social_group", "private_non_enterprise"]),
            "name": name, "uscc": uscc, "status": status,
            "legal_rep_name": rnd.choice(SURNAMES) + "".join(rnd.sample(GIVEN, 2)),
            "domicile": f"厦门市海沧区{rnd.choice(ROADS)}{rnd.randint(1, 999)}号",
            "name_sort_key": "", "purpose": "", "business_scope": "", "activity_area": "",
            "supervisory_unit": "", "phone": "", "is_charity": False, "version": 1,
        })
    with db.write() as s:
        for start in range(0, n, 5000):
            s.execute(insert(Organization), rows[start:start + 5000])
        t0 = time.perf_counter()
        search.reindex_all(s)
        print(f"indexed {n} organizations in {time.perf_counter() - t0:.1f} s")


QUERIES = {
    "1-char": ["海", "社", "协", "会", "茶", "龙", "陈", "心"],
    "2-char": ["社工", "老年", "志愿", "书画", "天竺", "慈善", "商会", "林伟"],
    "4-char": ["社会工作", "体育协会", "兴旺社区", "服务中心", "餐饮行业", "沧林路1"],
    "code-fragment": ["MJ0001", "350205MJ01", "0205MJ00", "MJ00999", "51350205"],
    "pinyin": ["hcqsg", "xm", "hcq", "zyz", "cq", "sh", "xmshcq", "lnr"],
}


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * q + 0.5) - 1)]


def measure(db: Database, repeat: int = 5) -> None:
    """Per query kind: the first page with its count (what one keystroke costs), and
    the next page from its keyset."""
    print(f"{'query kind':14s} {'first page + count':>26s} {'next page':>22s}")
    for kind, queries in QUERIES.items():
        first, second = [], []
        for _ in range(repeat):
            for q in queries:
                pq = search.parse_query(q)
                t0 = time.perf_counter()
                with db.read() as s:
                    rows = search.find(s, pq, limit=50)
                    search.count(s, pq)
                t1 = time.perf_counter()
                first.append((t1 - t0) * 1000)
                if rows:
                    last = rows[-1]
                    with db.read() as s:
                        search.find(s, pq, limit=50,
                                    after=(last["rank"], last["sort_key"], last["id"]))
                    second.append((time.perf_counter() - t1) * 1000)
        print(f"{kind:14s} p50 {statistics.median(first):6.1f} ms p95 {_pct(first, 0.95):6.1f} ms"
              f"   p50 {statistics.median(second or [0]):6.1f} ms p95 "
              f"{_pct(second or [0], 0.95):6.1f} ms")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        build(db, n)
        print(f"built {n} organizations in {time.perf_counter() - t0:.1f} s")
        measure(db)
        db.dispose()


if __name__ == "__main__":
    main()
