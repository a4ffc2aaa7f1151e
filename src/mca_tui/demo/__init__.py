"""The demo registry (演示数据库) opened by ``mca-tui --demo``.

A deterministic (fixed seed), realistic Haicang-like register: about 400 social groups
and 民非 across the four subdistricts, with histories since 2016 (registrations every
year, deregistrations, revocations of dormant organizations in the 2021-2023 campaign),
annual reports for every report year from 2016, and supervision records. Calendar year
2022 reproduces the figures of the bureau's 2022 report exactly (``FIGURES_2022``).

Everything is written through the services: the users through ``services.users``, the
register as an in-memory ledger through ``services.ledger_import`` (so every imported
record carries its import batch and source row, and the audit trail holds the import),
then each workflow's seeder through its own services (``_build``): in-flight
applications, the 2025 report cycle and credit lists, and the whole of 2022's
deregistrations, dormant revocations and supervision (spot check, financial audits,
rectification orders, interviews, evaluations), which the ledger therefore leaves out
(``SERVICE_WRITTEN``, ``SERVICE_DEREGISTRATION_YEARS``, ``SERVICE_REVOCATION_YEARS``). The
data is dated up to ``DEMO_AS_OF`` (30 June 2026) and does not depend on today's date:
reports for 2025 still missing and rectifications not completed by then show up as
overdue work on the home screen when the demo is opened later.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mca_tui.config import Settings
from mca_tui.domain.clocks import must_report
from mca_tui.domain.identifiers import build_uscc
from mca_tui.storage.engine import Database

# (username, display name, password, roles). Shown on the sign-in screen of the demo.
DEMO_USERS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("clerk", "陈晓燕", "demo-clerk-1", ("clerk",)),
    ("clerk2", "林志伟", "demo-clerk-2", ("clerk",)),
    ("reviewer", "黄丽芳", "demo-reviewer", ("reviewer",)),
    ("approver", "郑建国", "demo-approver", ("approver",)),
    ("enforcer", "王海涛", "demo-enforcer", ("enforcement",)),
    # a spot check sends two inspectors (民发〔2017〕45号; services.supervision.spot_checks)
    ("enforcer2", "蔡志强", "demo-enforcer-2", ("enforcement",)),
    ("admin", "李明辉", "demo-admin-1", ("admin",)),
]

DEMO_AS_OF = date(2026, 6, 30)
SEED = 20230221  # the date of the bureau's 2022 report
DEMO_FILE_NAME = "演示台账（海沧区社会组织，2016-2026）.xlsx"

# What `mca-tui --demo stats --year 2022 --json` must print (issue 5).
FIGURES_2022 = {
    "year": 2022,
    "registered": {"total": 27, "social_group": 8, "private_non_enterprise": 19,
                   "foundation": 0},
    "deregistered": {"total": 10, "social_group": 2, "private_non_enterprise": 8,
                     "foundation": 0},
    "revoked": {"total": 7, "dormant": 7},
    "annual_report": {"report_year": 2021, "due": 269, "accepted": 246},
    "financial_audit": 34, "rectification": 35, "interview": 3, "spot_check": 30,
    "evaluation": 11,
}

# Registrations per year: (social groups, 民非). 2021 is split at 30 June: 12 before.
REGISTRATIONS = {2016: (8, 14), 2017: (9, 17), 2018: (10, 20), 2019: (9, 19), 2020: (7, 14),
                 2021: (9, 16), 2022: (8, 19), 2023: (8, 16), 2024: (7, 15), 2025: (7, 13),
                 2026: (3, 6)}
REGISTERED_2021_H1 = 12
PRE_2016 = (60, 90)  # organizations registered 2001-2015, carried over with their codes
# Deregistrations per year: (social groups, 民非).
DEREGISTRATIONS = {2016: (1, 1), 2017: (1, 1), 2018: (1, 2), 2019: (1, 2), 2020: (1, 2),
                   2021: (1, 3), 2022: (2, 8), 2023: (2, 6), 2024: (2, 5), 2025: (1, 5),
                   2026: (1, 2)}
# Deregistrations of these years are written through services.deregistration after the
# import (demo.deregistrations): in the ledger those organizations are active.
SERVICE_DEREGISTRATION_YEARS = (2022,)
# Dormant revocations written through services.revocation (full penalty cases, H12)
# instead of being imported as revoked: the 7 of 2022 (demo.revocations).
SERVICE_REVOCATION_YEARS = (2022,)
# Revocations per year: (dormant, other).
REVOCATIONS = {2021: (3, 0), 2022: (7, 0), 2023: (6, 0), 2024: (1, 1), 2025: (1, 0)}
# Report year -> organizations not accepted (None: about 8 % of those due).
NOT_ACCEPTED = {2021: 23}
# Supervision records the demo writes through the supervision services instead of the
# ledger (issue 10): the whole of 2022 — the random spot check (demo.spot_check: a plan,
# its seeded draw of 30, the results, so `mca-tui --demo spotcheck verify` proves a
# draw), and the financial audits, rectification orders, interviews and evaluations
# (demo.supervision). The rows the ledger would have held are still drawn (the same
# random sequence for everything else) and become the seeders' plan.
SERVICE_WRITTEN = {(2022, "抽查"), (2022, "财务审计"), (2022, "整改"), (2022, "约谈"),
                   (2022, "评估")}
# Supervision: year -> {kind: (organizations, extra records for some of them)}.
SUPERVISION_2022 = {"财务审计": (34, 2), "整改": (35, 3), "约谈": (3, 0), "抽查": (30, 0),
                    "评估": (11, 0)}

# --------------------------------------------------------------------------- vocabulary

SUBDISTRICT_ROADS = {
    "350205001": ("海沧大道", "沧林路", "沧虹路", "海景路", "青礁路", "温厝路", "兴港路"),
    "350205002": ("新阳路", "新阳大道", "霞阳路", "兴旺路", "祥露路", "翁角路", "新垵路"),
    "350205003": ("滨湖北路", "嵩屿南二路", "钟林路", "海沧大道", "海虹路", "角嵩路", "鳌冠路"),
    "350205004": ("东孚大道", "孚中央路", "天竺路", "过坂路", "凤山路", "鼎美路", "洪塘路"),
}
SURNAMES = "陈林黄张李王吴刘蔡杨郑许洪谢曾苏叶庄周柯颜邱江卢方施杜温邵"
GIVEN = ("建华", "志强", "秀英", "丽娟", "国平", "明辉", "海燕", "文彬", "雅婷", "志明", "淑芬",
         "伟杰", "晓东", "美玲", "振华", "春花", "俊杰", "丽华", "金水", "阿梅", "清泉", "宏伟",
         "惠珍", "宗保", "燕玲", "少华", "思远", "佳怡", "荣发", "碧云", "德胜", "晓梅")
ID_REGIONS = ("350205", "350205", "350205", "350203", "350206", "350211", "350212",
              "350213", "350524", "350583")

SG_SECTORS = (
    ("老年人体育", "协会", "组织老年人开展健身、体育比赛和交流活动"),
    ("篮球", "协会", "推广篮球运动，组织训练、比赛和培训"),
    ("羽毛球", "协会", "推广羽毛球运动，组织比赛和培训"),
    ("乒乓球", "协会", "推广乒乓球运动，组织比赛和培训"),
    ("足球", "协会", "推广足球运动，组织青少年训练和比赛"),
    ("书法家", "协会", "开展书法创作、展览、交流和培训"),
    ("美术家", "协会", "开展美术创作、展览和交流"),
    ("摄影家", "协会", "开展摄影创作、展览和培训"),
    ("音乐家", "协会", "开展音乐创作、演出和交流"),
    ("舞蹈家", "协会", "开展舞蹈创作、演出和培训"),
    ("作家", "协会", "组织文学创作、研讨和交流"),
    ("志愿者", "协会", "组织开展志愿服务，培训志愿者"),
    ("慈善", "会", "募集善款，开展扶贫济困等慈善活动"),
    ("个体劳动者", "协会", "为个体工商户提供咨询、培训和维权服务"),
    ("物流", "协会", "开展行业交流、培训和行业自律"),
    ("餐饮", "协会", "开展行业自律、交流和培训"),
    ("旅游", "协会", "开展旅游行业交流、推介和培训"),
    ("建筑业", "协会", "开展建筑行业交流、培训和行业自律"),
    ("电子商务", "协会", "开展电子商务交流、培训和行业自律"),
    ("生物医药", "促进会", "促进生物医药产业交流与合作"),
    ("企业家", "联合会", "开展企业家交流、培训和服务"),
    ("青年创业", "促进会", "为青年创业提供交流、培训和服务"),
    ("退役军人", "协会", "为退役军人提供交流、就业和关爱服务"),
    ("残疾人康复", "协会", "开展残疾人康复服务和宣传"),
    ("社会工作者", "协会", "开展社会工作者交流、培训和行业自律"),
    ("心理咨询师", "协会", "开展心理健康知识普及和行业交流"),
    ("家庭教育", "研究会", "开展家庭教育研究、讲座和咨询"),
    ("闽南文化", "研究会", "开展闽南文化研究、交流和传承"),
    ("歌仔戏", "协会", "开展歌仔戏演出、传承和交流"),
    ("南音", "协会", "开展南音演出、传承和交流"),
    ("茶文化", "研究会", "开展茶文化研究、交流和推广"),
    ("渔业", "协会", "开展渔业技术交流和行业服务"),
    ("花卉", "协会", "开展花卉种植技术交流和推广"),
    ("海洋科技", "促进会", "促进海洋科技交流与成果转化"),
    ("科普", "协会", "开展科普宣传、讲座和展览"),
    ("围棋", "协会", "推广围棋运动，组织比赛和培训"),
    ("象棋", "协会", "推广象棋运动，组织比赛和培训"),
    ("太极拳", "协会", "推广太极拳运动，组织培训和交流"),
    ("钓鱼", "协会", "组织钓鱼比赛和交流活动"),
    ("登山", "协会", "组织登山健身活动和户外安全培训"),
    ("游泳", "协会", "推广游泳运动，组织培训和比赛"),
    ("龙舟", "协会", "组织龙舟训练、比赛和民俗活动"),
    ("跆拳道", "协会", "推广跆拳道运动，组织培训和比赛"),
    ("健身气功", "协会", "推广健身气功，组织培训和展示"),
    ("门球", "协会", "推广门球运动，组织比赛"),
    ("网球", "协会", "推广网球运动，组织比赛和培训"),
    ("老年书画", "研究会", "组织老年人书画创作和展览"),
    ("婚姻家庭", "研究会", "开展婚姻家庭问题研究和咨询"),
    ("红木家具", "商会", "开展行业交流与行业自律"),
    ("跨境电商", "商会", "开展跨境电商交流、培训和服务"),
)
HOMETOWNS = ("安溪", "南安", "晋江", "惠安", "永春", "龙岩", "漳浦", "长泰", "莆田", "三明",
             "宁德", "潮汕", "江西", "湖南", "四川", "河南", "安徽")
COMMUNITY_SG = (("志愿者协会", "组织社区居民开展志愿服务"),
                ("老年人协会", "组织社区老年人开展文体和互助活动"),
                ("文体协会", "组织社区文化体育活动"))
PNE_BRANDS = ("爱心", "阳光", "春晖", "和美", "同心", "启明", "彩虹", "蒲公英", "向日葵", "心悦",
              "乐龄", "颐养", "安康", "海韵", "沧江", "绿洲", "明德", "育才", "启航", "星光",
              "童心", "善缘", "鹭岛", "博雅", "慧心", "新芽", "鹭鸣", "嘉禾", "暖阳", "知行",
              "青禾", "微光", "禾苗", "德馨", "乐活", "众诚", "海丝", "瑞景")
PNE_SERVICES = (
    ("社会工作服务中心", "开展社会工作专业服务、社区服务和社工培训", ""),
    ("养老服务中心", "为老年人提供日间照料、助餐和康复护理服务", "厦门市海沧区民政局"),
    ("居家养老服务中心", "为居家老年人提供上门照料和助餐服务", "厦门市海沧区民政局"),
    ("幼儿园", "学前教育", "厦门市海沧区教育局"),
    ("艺术培训学校", "美术、音乐、舞蹈等艺术类非学历培训", "厦门市海沧区教育局"),
    ("职业培训学校", "职业技能培训", "厦门市海沧区人力资源和社会保障局"),
    ("康复中心", "为残疾儿童提供康复训练服务", "厦门市海沧区残疾人联合会"),
    ("青少年服务中心", "开展青少年成长辅导、课后托管和素质拓展服务", ""),
    ("心理咨询服务中心", "开展心理健康咨询、讲座和危机干预服务", ""),
    ("公益服务中心", "开展公益项目策划、实施和志愿服务", ""),
    ("社区服务中心", "开展社区便民服务和居民互助活动", ""),
    ("体育俱乐部", "开展全民健身培训和体育比赛", "厦门市海沧区文化和旅游局"),
    ("科普教育中心", "开展青少年科普教育和科技实践活动", "厦门市海沧区科学技术协会"),
    ("社工事务所", "承接社会工作服务项目，开展专业社会工作服务", ""),
    ("残疾人托养中心", "为智力、精神残疾人提供托养和照料服务", "厦门市海沧区残疾人联合会"),
    ("文化艺术中心", "开展群众文化艺术活动和公益演出", "厦门市海沧区文化和旅游局"),
)
SG_UNITS = ("厦门市海沧区文化和旅游局", "厦门市海沧区教育局", "厦门市海沧区科学技术协会",
            "厦门市海沧区工商业联合会", "厦门市海沧区文学艺术界联合会")


@dataclass
class _Org:
    uscc: str
    name: str
    org_type: str  # ledger word
    established_on: date
    subdistrict: str  # code
    legal_rep: str
    legal_rep_id: str
    domicile: str
    supervisory_unit: str
    funds_yuan: int
    business_scope: str
    phone: str
    status: str = "正常"
    deregistered_on: date | None = None
    revoked_on: date | None = None
    revocation_kind: str | None = None
    missing_years: set[int] = field(default_factory=set)  # report years with no report

    @property
    def closed_on(self) -> date | None:
        return self.deregistered_on or self.revoked_on

    def active_on(self, day: date) -> bool:
        return self.established_on <= day and (self.closed_on is None or self.closed_on > day)


class _Builder:
    """Builds the ledger rows of the demo registry, deterministically."""

    def __init__(self, settings: Settings) -> None:
        self.rng = random.Random(SEED)
        self.settings = settings
        self.orgs: list[_Org] = []
        self.names: set[str] = set()
        self.bodies: set[str] = set()
        self.next_mj = 1
        self.subs = [s for s in settings.office.subdistricts if s.code in SUBDISTRICT_ROADS] \
            or list(settings.office.subdistricts)
        # (year, kind) -> the drawn rows written through the services instead (SERVICE_WRITTEN)
        self.service_records: dict[tuple[int, str], list[dict]] = {}

    # ---- small generators

    def weekday(self, start: date, end: date) -> date:
        while True:
            d = start + timedelta(days=self.rng.randrange((end - start).days + 1))
            if d.weekday() < 5:
                return d

    def person(self) -> tuple[str, str]:
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        if self.rng.random() < 0.15:
            name = name[:2]
        birth = date(1950, 1, 1) + timedelta(days=self.rng.randrange(40 * 365))
        first17 = (f"{self.rng.choice(ID_REGIONS)}{birth:%Y%m%d}"
                   f"{self.rng.randrange(1, 999):03d}")
        weights = [pow(2, 17 - i, 11) for i in range(17)]
        check = "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True))
                              % 11]
        return name, first17 + check

    def phone(self) -> str:
        if self.rng.random() < 0.35:
            return f"0592-6{self.rng.randrange(100000, 999999)}"
        return f"1{self.rng.choice('3589')}{self.rng.randrange(0, 10)}" \
               f"{self.rng.randrange(10000000, 99999999)}"

    def address(self, sub: str) -> str:
        road = self.rng.choice(SUBDISTRICT_ROADS.get(sub, SUBDISTRICT_ROADS["350205001"]))
        addr = f"厦门市海沧区{road}{self.rng.randrange(1, 1200)}号"
        if self.rng.random() < 0.5:
            addr += f"{self.rng.randrange(1, 30)}号楼{self.rng.randrange(1, 20)}0" \
                    f"{self.rng.randrange(1, 9)}室"
        return addr

    def code(self, category: str, legacy: bool) -> str:
        if legacy:
            while True:
                body = f"{self.rng.randrange(50000000, 59999999)}"
                if body not in self.bodies:
                    break
        else:
            body = f"MJ{self.next_mj:06d}"
            self.next_mj += 1
        self.bodies.add(body)
        return build_uscc(category, self.settings.office.division_code, body)

    def unique(self, make) -> tuple:  # noqa: ANN001
        for _ in range(500):
            out = make()
            if out[0] not in self.names:
                self.names.add(out[0])
                return out
        raise RuntimeError("demo names exhausted")

    def sg_name(self, sub_name: str, communities: tuple[str, ...]) -> tuple[str, str, bool]:
        r = self.rng.random()
        if r < 0.18 and communities:
            tail, scope = self.rng.choice(COMMUNITY_SG)
            return f"厦门市海沧区{sub_name}{self.rng.choice(communities)}{tail}", scope, True
        if r < 0.28:
            return f"厦门市海沧区{self.rng.choice(HOMETOWNS)}商会", \
                "开展会员企业交流、投资推介和公益活动", False
        sector, form, scope = self.rng.choice(SG_SECTORS)
        prefix = "海沧区" if self.rng.random() < 0.3 else "厦门市海沧区"
        return f"{prefix}{sector}{form}", scope, False

    def pne_name(self, sub_name: str, communities: tuple[str, ...]) -> tuple[str, str, str]:
        r = self.rng.random()
        if r < 0.05:
            return f"厦门市海沧区{sub_name}社会工作服务中心", PNE_SERVICES[0][1], ""
        if r < 0.15 and communities:
            return (f"厦门市海沧区{sub_name}{self.rng.choice(communities)}居家养老服务站",
                    "为社区老年人提供日间照料和助餐服务", "厦门市海沧区民政局")
        service, scope, unit = self.rng.choice(PNE_SERVICES)
        return f"厦门市海沧区{self.rng.choice(PNE_BRANDS)}{service}", scope, unit

    def new_org(self, sg: bool, established: date, legacy: bool = False) -> _Org:
        sub = self.rng.choice(self.subs)
        if sg:
            name, scope, community = self.unique(
                lambda: self.sg_name(sub.name, sub.communities))
            unit = "" if established.year >= 2016 and (community or self.rng.random() < 0.6) \
                else self.rng.choice(SG_UNITS)
            funds = self.rng.choice((30000, 30000, 50000, 50000, 100000, 200000))
        else:
            name, scope, unit = self.unique(lambda: self.pne_name(sub.name, sub.communities))
            funds = self.rng.choice((30000, 50000, 100000, 100000, 200000, 300000, 500000))
        rep, rep_id = self.person()
        org = _Org(
            uscc=self.code("1" if sg else "2", legacy), name=name,
            org_type="社会团体" if sg else "民办非企业单位", established_on=established,
            subdistrict=sub.code, legal_rep=rep, legal_rep_id=rep_id,
            domicile=self.address(sub.code), supervisory_unit=unit, funds_yuan=funds,
            business_scope=scope, phone=self.phone(),
        )
        self.orgs.append(org)
        return org

    # ---- the register

    def register(self) -> None:
        sg_pre, pne_pre = PRE_2016
        kinds = [True] * sg_pre + [False] * pne_pre
        self.rng.shuffle(kinds)
        for sg in sorted(kinds, key=lambda _: self.rng.random()):
            self.new_org(sg, self.weekday(date(2001, 3, 1), date(2015, 12, 20)), legacy=True)
        for year, (n_sg, n_pne) in REGISTRATIONS.items():
            kinds = [True] * n_sg + [False] * n_pne
            self.rng.shuffle(kinds)
            end = DEMO_AS_OF if year == DEMO_AS_OF.year else date(year, 12, 28)
            if year == 2021:
                days = sorted([self.weekday(date(2021, 1, 4), date(2021, 6, 30))
                               for _ in range(REGISTERED_2021_H1)]
                              + [self.weekday(date(2021, 7, 1), end)
                                 for _ in range(len(kinds) - REGISTERED_2021_H1)])
            else:
                days = sorted(self.weekday(date(year, 1, 4), end) for _ in kinds)
            for sg, day in zip(kinds, days, strict=True):
                self.new_org(sg, day)
        # Two early pilot codes that fail the GB 32100 check (domain.md §11.4).
        for org in self.orgs[:2]:
            org.uscc = org.uscc[:17] + ("0" if org.uscc[17] != "0" else "1")

    def candidates(self, sg: bool | None, day: date, min_age_days: int) -> list[_Org]:
        return [o for o in self.orgs
                if (sg is None or (o.org_type == "社会团体") == sg)
                and o.closed_on is None
                and (day - o.established_on).days >= min_age_days]

    def close(self) -> None:
        for year in sorted(set(DEREGISTRATIONS) | set(REVOCATIONS)):
            end = DEMO_AS_OF if year == DEMO_AS_OF.year else date(year, 12, 28)
            dormant, other = REVOCATIONS.get(year, (0, 0))
            # The campaign (民发〔2021〕63号) started in the second half of 2021.
            start = date(2021, 9, 1) if year == 2021 else date(year, 3, 1)
            for i in range(dormant + other):
                day = self.weekday(start, end)
                pool = self.candidates(None, day, 3 * 365)
                org = self.rng.choice(pool)
                org.status, org.revoked_on = "已撤销", day
                org.revocation_kind = "僵尸型" if i < dormant else "其他"
                if i < dormant:
                    # Dormant: no report for the two (or three) years before.
                    org.missing_years |= {year - 1, year - 2}
                    if self.rng.random() < 0.5:
                        org.missing_years.add(year - 3)
            n_sg, n_pne = DEREGISTRATIONS.get(year, (0, 0))
            for sg, n in ((True, n_sg), (False, n_pne)):
                for _ in range(n):
                    day = self.weekday(date(year, 1, 4), end)
                    org = self.rng.choice(self.candidates(sg, day, 365))
                    org.status, org.deregistered_on = "已注销", day

    # ---- annual reports

    def reports(self) -> list[dict]:
        rows: list[dict] = []
        params = self.settings.legal
        # Organizations that will be revoked as dormant but are not yet: two more with
        # no report for 2024 and 2025 (candidates for the dormancy procedure).
        active = [o for o in self.orgs if o.closed_on is None
                  and o.established_on.year <= 2020]
        for org in self.rng.sample(active, 3):
            org.missing_years |= {2024, 2025}
        for year in range(2015, DEMO_AS_OF.year):
            due = [o for o in self.orgs
                   if must_report(o.established_on, year, o.closed_on, params)]
            forced = [o for o in due if year in o.missing_years]
            others = [o for o in due if year not in o.missing_years]
            target = NOT_ACCEPTED.get(year)
            if target is None:
                target = len(forced) + round(len(others) * 0.06)
            extra = self.rng.sample(others, max(0, target - len(forced)))
            failing = {id(o) for o in forced + extra}
            inspection = year <= 2018  # 年检 until the Fujian 年报 reform (domain.md §4.4)
            late_cycle = year == DEMO_AS_OF.year - 1  # still being filed in 2026
            for org in due:
                if id(org) in failing:
                    roll = self.rng.random()
                    if year in org.missing_years or roll < 0.35:
                        continue  # no report at all
                    if roll < 0.6:
                        rows.append(self._report(org, year, None, "未提交"))
                    else:
                        rows.append(self._report(org, year, self._filed(year),
                                                 "不合格" if inspection else "退回"))
                    continue
                if late_cycle and self.rng.random() < 0.09:
                    continue  # not filed by 31 May 2026: overdue
                if inspection:
                    conclusion = "基本合格" if self.rng.random() < 0.15 else "合格"
                else:
                    conclusion = "通过"
                rows.append(self._report(org, year, self._filed(year), conclusion))
        return rows

    def _filed(self, year: int) -> date:
        return self.weekday(date(year + 1, 3, 1), date(year + 1, 5, 29))

    @staticmethod
    def _report(org: _Org, year: int, filed: date | None, conclusion: str) -> dict:
        return {"统一社会信用代码": org.uscc, "报告年度": year, "提交日期": filed,
                "结论": conclusion}

    # ---- supervision

    def supervision(self) -> list[dict]:
        rows: list[dict] = []
        for year in range(2016, DEMO_AS_OF.year + 1):
            if year == 2022:
                plan = SUPERVISION_2022
            else:
                size = len([o for o in self.orgs if o.active_on(date(year, 6, 30))])
                r = self.rng
                plan = {"财务审计": (r.randrange(15, 32), r.randrange(0, 3)),
                        "整改": (r.randrange(12, 36), r.randrange(0, 3)),
                        "约谈": (r.randrange(1, 6), 0),
                        "抽查": (max(1, round(size * r.uniform(0.05, 0.1))), 0),
                        "评估": (r.randrange(5, 15), 0)}
                if year == DEMO_AS_OF.year:  # half a year so far
                    plan = {k: (max(1, n // 2), e) for k, (n, e) in plan.items()}
            for kind, (n, extra) in plan.items():
                records = self._records(year, kind, n, extra)  # drawn either way: same RNG
                if (year, kind) in SERVICE_WRITTEN:
                    self.service_records[(year, kind)] = records
                    continue  # written through the services (ensure_demo)
                rows.extend(records)
        return rows

    def _records(self, year: int, kind: str, n: int, extra: int) -> list[dict]:
        end = DEMO_AS_OF if year == DEMO_AS_OF.year else date(year, 12, 28)
        start = date(year, 1, 4)
        pool = [o for o in self.orgs if o.active_on(start) and o.active_on(end)]
        chosen = self.rng.sample(pool, n)
        out = []
        for i, org in enumerate(chosen + chosen[:extra]):
            day = self.weekday(start, end)
            desc = self._describe(kind, year, i >= n)
            due = completed = None
            if kind == "整改":
                due = day + timedelta(days=self.rng.choice((30, 60, 90)))
                if due < DEMO_AS_OF - timedelta(days=45) or self.rng.random() < 0.3:
                    done = day + timedelta(days=self.rng.randrange(7, 80))
                    completed = min(done, DEMO_AS_OF)
            out.append({"统一社会信用代码": org.uscc, "日期": day, "类别": kind, "说明": desc,
                        "整改期限": due, "完成日期": completed})
        return out

    def _describe(self, kind: str, year: int, again: bool) -> str:
        r = self.rng
        if kind == "财务审计":
            return r.choice(("法定代表人离任财务审计", "换届财务审计", "年度财务收支审计",
                             "注销前清算审计")) + ("（复审）" if again else "")
        if kind == "整改":
            return r.choice(("年度报告退回，责令限期整改", "未按规定办理变更登记，责令整改",
                             "财务管理不规范，责令整改", "未按章程按期换届，责令整改",
                             "抽查发现内部治理问题，责令整改")) + ("（第二次）" if again else "")
        if kind == "约谈":
            return r.choice(("未按时报送年度报告，约谈负责人", "负责人超龄任职，约谈法定代表人",
                             "擅自设立分支机构，约谈负责人"))
        if kind == "抽查":
            return f"{year}年「双随机、一公开」抽查，" + r.choice(
                ("未发现问题", "未发现问题", "发现问题已责令整改"))
        return f"参加{year}年度社会组织等级评估，" + r.choice(
            ("评为3A级", "评为3A级", "评为4A级", "评为2A级", "评为5A级"))

    # ---- the ledger

    def service_deregistrations(self) -> list[tuple[str, date]]:
        """(uscc, day) of the deregistrations written through the services, by day."""
        return sorted(((o.uscc, o.deregistered_on) for o in self.orgs
                       if o.deregistered_on is not None
                       and o.deregistered_on.year in SERVICE_DEREGISTRATION_YEARS),
                      key=lambda p: (p[1], p[0]))

    def service_revocations(self) -> list[tuple[str, date]]:
        """(uscc, day) of the dormant revocations written through the services."""
        return sorted(((o.uscc, o.revoked_on) for o in self.orgs
                       if o.revoked_on is not None and o.revocation_kind == "僵尸型"
                       and o.revoked_on.year in SERVICE_REVOCATION_YEARS),
                      key=lambda p: (p[1], p[0]))

    def org_rows(self) -> list[dict]:
        by_service = {u for u, _ in self.service_deregistrations()}
        revoked_by_service = {u for u, _ in self.service_revocations()}
        return [{
            "统一社会信用代码": o.uscc, "名称": o.name, "类型": o.org_type,
            "成立登记日期": o.established_on,
            "登记状态": "正常" if o.uscc in by_service | revoked_by_service else o.status,
            "注销日期": None if o.uscc in by_service else o.deregistered_on,
            "撤销日期": None if o.uscc in revoked_by_service else o.revoked_on,
            "撤销类别": None if o.uscc in revoked_by_service else o.revocation_kind,
            "法定代表人": o.legal_rep,
            "法定代表人身份证号": o.legal_rep_id, "住所": o.domicile,
            "所属街道": o.subdistrict, "业务主管单位": o.supervisory_unit,
            "注册资金(元)": o.funds_yuan, "业务范围": o.business_scope, "联系电话": o.phone,
        } for o in sorted(self.orgs, key=lambda o: (o.established_on, o.uscc))]


@dataclass
class DemoPlan:
    """Everything the demo build writes, drawn once from the seed: the ledger it imports
    and the records its seeders write through the services afterwards."""

    ledger: Any  # reports.ledger.RawLedger
    deregistrations: list[tuple[str, date]]
    revocations: list[tuple[str, date]]
    # 2022 supervision rows drawn for the ledger but written through the services:
    # kind (ledger word) -> rows {"统一社会信用代码", "日期", "说明", ...}
    supervision_2022: dict[str, list[dict]]


def build_plan(settings: Settings) -> DemoPlan:
    """The demo's plan (deterministic: the same seed gives the same plan)."""
    from mca_tui.reports import ledger

    b = _Builder(settings)
    b.register()
    b.close()
    reports = b.reports()
    records = b.supervision()
    raw = ledger.ledger_from_rows(DEMO_FILE_NAME, {
        ledger.SHEET_ORGS: b.org_rows(),
        ledger.SHEET_REPORTS: reports,
        ledger.SHEET_SUPERVISION: records,
    })
    return DemoPlan(raw, b.service_deregistrations(), b.service_revocations(),
                    {kind: rows for (year, kind), rows in b.service_records.items()
                     if year == 2022})


def build_ledger(settings: Settings):  # noqa: ANN201 - reports.ledger.RawLedger
    """The demo register as an in-memory ledger (deterministic)."""
    return build_plan(settings).ledger


def service_revocations(settings: Settings) -> list[tuple[str, date]]:
    """The demo's dormant revocations written through services.revocation."""
    b = _Builder(settings)
    b.register()
    b.close()
    return b.service_revocations()


def service_deregistrations(settings: Settings) -> list[tuple[str, date]]:
    """The demo's deregistrations written through the services (deterministic)."""
    b = _Builder(settings)
    b.register()
    b.close()
    return b.service_deregistrations()


def _admin_context(db: Database, settings: Settings):  # noqa: ANN202
    """A context acting as the demo administrator (for a realistic audit trail)."""
    from mca_tui.services import users
    from mca_tui.services.context import ServiceContext, cli_context, ensure_office

    office = ensure_office(db, settings)
    cli = cli_context(db, settings)
    admin = next((u for u in users.list_users(cli) if u.username == DEMO_USERS[-1][0]), None)
    if admin is None:
        return cli
    return ServiceContext(db=db, settings=settings,
                          actor=users.actor_for(db, admin, office.id),
                          today=lambda: DEMO_AS_OF)


def ensure_demo(db: Database, settings: Settings) -> None:
    """Create the demo registry if the database has no users / no organizations yet
    (idempotent: an existing demo is left as it is)."""
    from sqlmodel import select

    from mca_tui.services import users
    from mca_tui.services.context import cli_context
    from mca_tui.storage.models import Organization

    if not users.has_users(db):
        ctx = cli_context(db, settings)
        for username, display, password, roles in DEMO_USERS:
            users.add_user(ctx, username, display, password, list(roles), bootstrap=True)
    with db.read() as s:
        has_orgs = s.exec(select(Organization.id).limit(1)).first() is not None
    if not has_orgs:
        with _fast_build(db):
            _build(db, settings)


@contextmanager
def _fast_build(db: Database) -> Iterator[None]:
    """The demo registry is built in a few hundred short units. Its document files are
    rendered when first opened (``documents.files_deferred``), the dormancy summaries are
    computed once at the end (``dormancy.deferred``), and on SQLite its commits
    skip the fsync of ``synchronous=FULL`` (a throw-away registry, rebuilt from the same
    seed; every pooled connection goes back to the normal settings afterwards)."""
    from sqlalchemy import event

    from mca_tui.services import documents, dormancy

    def fast(dbapi_conn: Any, _record: object, _proxy: object) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        cur.close()

    if db.is_sqlite:
        event.listen(db.engine, "checkout", fast)
    try:
        # summaries: computed once, by the revocation seeder's rebuild_all at the end
        with documents.files_deferred(), dormancy.deferred():
            yield
    finally:
        if db.is_sqlite:
            event.remove(db.engine, "checkout", fast)
            db.engine.dispose()  # connections reopen with synchronous=FULL


def _build(db: Database, settings: Settings) -> None:
    """The demo data: the ledger import, then each workflow's seeder, in order."""
    from mca_tui.services.ledger_import import import_ledger

    ctx = _admin_context(db, settings)
    plan = build_plan(settings)
    result = import_ledger(ctx, plan.ledger, accept_legacy_codes=True)
    if not result.written:  # pragma: no cover - the demo data is checked by tests
        raise RuntimeError("demo ledger import failed: " + "; ".join(
            p.describe("en") for p in result.errors[:5]))

    # ---- registration workflow (helper R): in-flight applications go here ------
    from mca_tui.demo.applications import seed_demo_applications

    seed_demo_applications(db, settings)

    # ---- supervision (issue 10): 2022 through the services, in date order around the
    # spot check (so the notices are numbered in the order of their dates): the audits,
    # interviews and rectification orders before the spot check's visits, the spot check
    from mca_tui.demo.spot_check import CHECKED_FROM, seed_demo_spot_check
    from mca_tui.demo.supervision import SupervisionSeeder

    supervision = SupervisionSeeder(db, settings, plan.supervision_2022)
    supervision.before(CHECKED_FROM)
    seed_demo_spot_check(db, settings, avoid=supervision.interviewed())

    # ---- supervision (issue 10): the 2025 report cycle and the credit lists ---------
    from mca_tui.demo.annual_reports import seed_demo_reports

    seed_demo_reports(db, settings)

    # ---- deregistration (issue 11): the 2022 deregistrations through the services
    # (with their liquidation audits)
    from mca_tui.demo.deregistrations import seed_demo_deregistrations

    seed_demo_deregistrations(db, settings, plan.deregistrations)

    # ---- supervision (issue 10): the rest of 2022 — audits, rectification orders,
    # interviews, the orders' completion, evaluations — up to the bureau's figures
    supervision.rest()

    # ---- revocation (issue 11): the 7 dormant revocations of 2022 as real cases, one
    # case at the serious-list step, and the dormancy summary of every organization
    from mca_tui.demo.revocations import seed_demo_revocations

    seed_demo_revocations(db, settings, plan.revocations)
