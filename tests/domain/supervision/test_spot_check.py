"""双随机、一公开 (民发〔2017〕45号, domain.md §8): population, ratio floor, a draw anyone can
re-run from its seed, and inspectors who never include one with a conflict."""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace
from decimal import Decimal

import pytest

from mca_tui.domain.enums import OrgStatus, OrgType, SpotCheckKind
from mca_tui.domain.params import LegalParams
from mca_tui.domain.supervision import spot_check as sc
from mca_tui.domain.supervision.common import SupervisionRuleError
from mca_tui.domain.supervision.spot_check import PopulationFilter
from tests.domain.supervision.conftest import D, org

R = SpotCheckKind.REGULAR
OFFICERS = ("e01", "e02", "e03", "e04", "e05", "e06")


def register(n: int = 120):
    out = []
    for i in range(n):
        kind = (OrgType.SOCIAL_GROUP, OrgType.PRIVATE_NON_ENTERPRISE, OrgType.FOUNDATION)[i % 3]
        out.append(org(f"o{i:04d}", f"20{10 + i % 15}-03-01", kind,
                       subdistrict_code=f"35020500{i % 4 + 1}",
                       status=OrgStatus.ACTIVE if i % 10 else OrgStatus.DEREGISTERED))
    return out


def test_population_filter_and_hash():
    orgs = register()
    everyone = sc.select_population(orgs, PopulationFilter())
    assert len(everyone) == 108  # the deregistered tenth is out by default
    assert list(everyone) == sorted(everyone)
    flt = PopulationFilter(org_types=frozenset({OrgType.SOCIAL_GROUP}),
                           subdistricts=frozenset({"350205001"}),
                           registered_before=D("2020-01-01"), exclusions=frozenset({"o0000"}))
    some = sc.select_population(orgs, flt)
    for i in (int(x[1:]) for x in some):
        assert i % 3 == 0 and i % 4 == 0 and 10 + i % 15 < 20 and i % 10
    assert "o0000" not in some and some
    assert sc.population_hash(some) == hashlib.sha256("\n".join(some).encode()).hexdigest()
    assert sc.population_hash(tuple(reversed(some))) == sc.population_hash(some)


def test_sample_size_rounds_up_exactly():
    assert sc.sample_size(Decimal(3), 100) == 3
    assert sc.sample_size(Decimal(3), 101) == 4
    assert sc.sample_size(Decimal(3), 10) == 1
    assert sc.sample_size(Decimal("3.5"), 200) == 7
    assert sc.sample_size(Decimal(3), 0) == 0
    assert sc.sample_size(Decimal(100), 7) == 7


def test_ratio_floor():
    assert sc.check_ratio(3, R) == Decimal(3)
    assert sc.check_ratio("3.5%", R) == Decimal("3.5")
    for bad, code in (("2.99", "ratio_below_floor"), ("0", "ratio_out_of_range"),
                      ("101", "ratio_out_of_range"), ("abc", "ratio_not_number")):
        with pytest.raises(SupervisionRuleError) as err:
            sc.check_ratio(bad, R)
        assert err.value.reason.code == code
        assert "第五条" in err.value.reason.article
    # an irregular check is drawn "as needed": no floor
    assert sc.check_ratio(1, SpotCheckKind.IRREGULAR) == Decimal(1)
    # a setting may raise the floor, never lower it
    assert sc.minimum_ratio(R, LegalParams(spot_check_min_ratio_percent=5)) == 5
    with pytest.raises(SupervisionRuleError):
        sc.check_ratio(4, R, LegalParams(spot_check_min_ratio_percent=5))
    assert sc.minimum_ratio(R, LegalParams(spot_check_min_ratio_percent=1)) == 3
    with pytest.raises(SupervisionRuleError):
        sc.check_ratio(2, R, LegalParams(spot_check_min_ratio_percent=1))


def test_draw_reproduced_from_seed_and_frozen_list():
    plan = sc.make_plan(2025, R, 5, register(), PopulationFilter(), OFFICERS, seed="2025-spring")
    assert len(plan.drawn) == math.ceil(0.05 * len(plan.population)) == 6
    assert set(plan.drawn) <= set(plan.population)
    assert sc.verify_draw(plan) is None
    again = sc.make_plan(2025, R, 5, register(), PopulationFilter(), OFFICERS, seed="2025-spring")
    assert again == plan
    other = sc.make_plan(2025, R, 5, register(), PopulationFilter(), OFFICERS, seed="2025-autumn")
    assert other.drawn != plan.drawn


def test_draw_follows_the_published_algorithm():
    """Anyone can re-run the draw without this program: rank by SHA-256 of seed|org|id."""
    population = tuple(f"id{i}" for i in range(40))
    seed = "abc"
    ranked = sorted(population, key=lambda i: hashlib.sha256(f"{seed}|org|{i}".encode()).hexdigest())
    assert sc.draw(population, Decimal(10), seed) == tuple(sorted(ranked[:4]))


def test_verify_detects_tampering():
    plan = sc.make_plan(2025, R, 5, register(), PopulationFilter(), OFFICERS, seed="s")
    swapped = next(i for i in plan.population if i not in plan.drawn)
    forged = replace(plan, drawn=tuple(sorted((*plan.drawn[1:], swapped))))
    assert sc.verify_draw(forged).code == "verify_draw"
    shorter = replace(plan, population=plan.population[1:])
    assert sc.verify_draw(shorter).code == "verify_hash"
    unsorted = replace(plan, population=tuple(reversed(plan.population)))
    assert sc.verify_draw(unsorted).code == "verify_population_order"
    low = replace(plan, ratio_percent=Decimal(2))
    assert sc.verify_draw(low).code == "ratio_below_floor"
    first = plan.drawn[0]
    other_officers = tuple(o for o in OFFICERS if o not in plan.inspectors[first])[:2]
    moved = replace(plan, inspectors={**plan.inspectors, first: other_officers})
    assert sc.verify_draw(moved).code == "verify_inspectors"
    clash = replace(plan, conflicts={first: plan.inspectors[first][:1]})
    assert sc.verify_draw(clash).code == "verify_conflict"
    assert sc.verify_draw(replace(plan, algorithm="python-random")).code == "verify_algorithm"


def test_conflicted_inspector_never_drawn_for_that_org():
    orgs = register(60)
    for n in range(200):
        seed = f"seed-{n}"
        population = sc.select_population(orgs, PopulationFilter())
        drawn = sc.draw(population, Decimal(10), seed)
        target = drawn[n % len(drawn)]
        conflicts = {target: ("e01", "e02", "e03")}
        assigned = sc.assign_inspectors(drawn, OFFICERS, conflicts, seed)
        assert not set(assigned[target]) & {"e01", "e02", "e03"}
        for names in assigned.values():
            assert len(names) == 2 and len(set(names)) == 2 and set(names) <= set(OFFICERS)


def test_inspector_work_is_spread():
    drawn = tuple(f"o{i}" for i in range(9))
    assigned = sc.assign_inspectors(drawn, OFFICERS, {}, "spread")
    loads = [sum(o in v for v in assigned.values()) for o in OFFICERS]
    assert sorted(loads) == [3, 3, 3, 3, 3, 3]


def test_refused_when_not_enough_eligible_inspectors():
    with pytest.raises(SupervisionRuleError) as err:
        sc.assign_inspectors(("a",), ("e1", "e2", "e3"), {"a": ("e1", "e2")}, "s")
    assert err.value.reason.code == "not_enough_inspectors"
    assert err.value.reason.params == {"org": "a", "eligible": 1, "needed": 2}
    with pytest.raises(SupervisionRuleError) as err:
        sc.assign_inspectors(("a",), ("e1", "e2", "e3"), {}, "s", per_org=1)
    assert err.value.reason.code == "inspectors_per_org_below_floor"


def test_plan_refusals_and_parameters():
    with pytest.raises(SupervisionRuleError) as err:
        sc.make_plan(2025, R, 3, register(5), PopulationFilter(registered_before=D("2000-01-01")),
                     OFFICERS)
    assert err.value.reason.code == "population_empty"
    plan = sc.make_plan(2025, R, 3, register(), PopulationFilter(), OFFICERS,
                        params=LegalParams(spot_check_inspectors_per_org=3))
    assert all(len(v) == 3 for v in plan.inspectors.values()) and plan.per_org == 3
    assert sc.verify_draw(plan) is None
    assert len(plan.seed) == 32  # a new random seed was recorded


def test_result_checks():
    plan = sc.make_plan(2025, R, 5, register(), PopulationFilter(), OFFICERS, seed="r",
                        conflicts={})
    target = plan.drawn[0]
    pair = plan.inspectors[target]
    barred = next(o for o in OFFICERS if o not in pair)
    plan = replace(plan, conflicts={target: (barred,)})
    assert sc.check_result(plan, target, pair, sc.CHECK_ITEMS) == []
    outsider = next(i for i in plan.population if i not in plan.drawn)
    codes = [r.code for r in sc.check_result(plan, outsider, pair, sc.CHECK_ITEMS)]
    assert codes == ["result_not_drawn"]
    codes = [r.code for r in sc.check_result(plan, target, pair[:1], sc.CHECK_ITEMS)]
    assert codes == ["result_inspectors_too_few"]
    codes = [r.code for r in sc.check_result(plan, target, (barred, pair[0]), sc.CHECK_ITEMS)]
    assert codes == ["verify_conflict"]
    codes = [r.code for r in sc.check_result(plan, target, pair, ("finance", "gossip"))]
    assert codes == ["result_item_unknown", "result_items_missing"]
    irregular = replace(plan, kind=SpotCheckKind.IRREGULAR)
    assert sc.check_result(irregular, target, pair, ("finance",)) == []
    assert [r.code for r in sc.check_result(irregular, target, pair, ())] == ["result_items_missing"]


def test_settings_may_not_lower_the_inspector_floor(tmp_path):
    from mca_tui.config import SettingsError, load_settings

    keys = [k for k, _, _ in LegalParams(spot_check_inspectors_per_org=1).floor_violations()]
    assert keys == ["spot_check_inspectors_per_org"]
    assert LegalParams(spot_check_inspectors_per_org=3).floor_violations() == []
    path = tmp_path / "settings.toml"
    path.write_text("[legal]\nspot_check_inspectors_per_org = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="spot_check_inspectors_per_org"):
        load_settings(path, create=False)
    path.write_text("[legal]\nspot_check_inspectors_per_org = 3\n", encoding="utf-8")
    assert load_settings(path, create=False).legal.spot_check_inspectors_per_org == 3
