"""Random spot checks, "双随机、一公开" (《社会组织抽查暂行办法》, 民发〔2017〕45号), domain.md §8.

A plan (:class:`SpotCheckPlan`) is made in three steps, each reproducible by anyone:

1. **Population**: the organizations the plan's filter selects (:class:`PopulationFilter`:
   types, subdistricts, statuses, registered before a date, exclusions), frozen as their
   sorted ids and fingerprinted with SHA-256 (:func:`population_hash`).
2. **Draw**: ``ceil(ratio × population)`` organizations drawn with a recorded random seed
   (:func:`draw`). A regular check's ratio is at least the statutory floor (county level
   3 %, Art 5); a setting may raise it, never lower it (domain.md §10.8).
3. **Inspectors**: at least two per organization (on-site checks, Art 7 practice), drawn
   with the same seed from the enforcement officers, never one who declared a conflict of
   interest with that organization (回避); refused when not enough are eligible.

The draw algorithm ("sha256-rank-v1") is written so that it can be re-run without this
program: each candidate's key is the hex SHA-256 of ``"<seed>|<purpose>|<id>"`` in UTF-8;
the candidates with the smallest keys are drawn (ties, practically impossible, by id).
For organizations the purpose is ``org``; for inspectors it is ``inspector|<org id>`` and
the officer with the fewest assignments so far wins first, then the smallest key, the
organizations being served in the order of their ids, so that the work is spread evenly.
:func:`verify_draw` re-runs all of it from the recorded plan.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from mca_tui.domain import params as _params
from mca_tui.domain.enums import OrgStatus, OrgType, SpotCheckKind
from mca_tui.domain.params import LegalParams
from mca_tui.domain.supervision.common import (
    SPOT_CHECK,
    OrgFacts,
    Reason,
    SupervisionRuleError,
    refuse,
)

__all__ = [
    "ALGORITHM",
    "CHECK_ITEMS",
    "MIN_INSPECTORS",
    "STATUTORY_MIN_RATIO_PERCENT",
    "PopulationFilter",
    "SpotCheckPlan",
    "assign_inspectors",
    "check_result",
    "check_ratio",
    "draw",
    "make_plan",
    "minimum_ratio",
    "new_seed",
    "population_hash",
    "sample_size",
    "select_population",
    "verify_draw",
]

ALGORITHM = "sha256-rank-v1"
STATUTORY_MIN_RATIO_PERCENT = 3  # county level (Art 5); city 4, province 5, MCA 10
MIN_INSPECTORS = 2  # at least 2 inspectors on site (Art 7 and local practice, §8)
RATIO_ARTICLE = f"{SPOT_CHECK}第五条"
INSPECTOR_ARTICLE = f"{SPOT_CHECK}第七条"

# Items of a regular check (Art 6): annual report, information disclosure, internal
# governance, finances, business activities (label ``supervision.check_item.<item>``).
CHECK_ITEMS = ("annual_report", "disclosure", "governance", "finance", "activities")


# -- population ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PopulationFilter:
    """Which organizations a plan draws from. Empty ``org_types`` / ``subdistricts`` mean
    all; ``statuses`` defaults to active organizations; ``registered_before``: registered
    strictly before that day; ``exclusions``: ids left out (e.g. checked last year)."""

    org_types: frozenset[OrgType] = frozenset()
    subdistricts: frozenset[str] = frozenset()
    statuses: frozenset[OrgStatus] = frozenset({OrgStatus.ACTIVE})
    registered_before: date | None = None
    exclusions: frozenset[str] = frozenset()

    def matches(self, org: OrgFacts) -> bool:
        if org.id in self.exclusions:
            return False
        if self.org_types and org.org_type not in self.org_types:
            return False
        if self.subdistricts and (org.subdistrict_code or "") not in self.subdistricts:
            return False
        if self.statuses and org.status not in self.statuses:
            return False
        if self.registered_before is None:
            return True
        return org.registered_on is not None and org.registered_on < self.registered_before


def select_population(orgs: Iterable[OrgFacts], flt: PopulationFilter) -> tuple[str, ...]:
    """The frozen population: sorted, unique ids of the organizations the filter selects."""
    return tuple(sorted({o.id for o in orgs if flt.matches(o)}))


def population_hash(ids: Sequence[str]) -> str:
    """SHA-256 (hex) of the sorted ids joined by newlines, UTF-8: the fingerprint printed
    on the plan so that anyone can check the list they are given."""
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()


# -- ratio ---------------------------------------------------------------------------------


def minimum_ratio(kind: SpotCheckKind, params: LegalParams | None = None) -> Decimal:
    """The lowest ratio (percent) a plan of ``kind`` may use: for a regular check the
    statutory 3 % or the configured value if higher (never lower, §10.8); an irregular
    check has no floor (drawn "as needed", Art 5)."""
    if SpotCheckKind(kind) is SpotCheckKind.IRREGULAR:
        return Decimal(0)
    params = params or LegalParams()
    floor = getattr(_params, "STATUTORY_FLOORS", {}).get("spot_check_min_ratio_percent")
    statutory = floor.bound if floor is not None else STATUTORY_MIN_RATIO_PERCENT
    return Decimal(max(statutory, STATUTORY_MIN_RATIO_PERCENT, params.spot_check_min_ratio_percent))


def check_ratio(
    ratio_percent: Decimal | str | int, kind: SpotCheckKind, params: LegalParams | None = None
) -> Decimal:
    """The ratio as a Decimal percent, or SupervisionRuleError when it is not a number,
    not above 0, above 100, or below the floor of :func:`minimum_ratio`."""
    try:
        ratio = Decimal(str(ratio_percent).strip().rstrip("%").strip())
    except InvalidOperation:
        raise refuse("ratio_not_number", RATIO_ARTICLE, value=str(ratio_percent)) from None
    if not ratio.is_finite() or ratio <= 0 or ratio > 100:
        raise refuse("ratio_out_of_range", RATIO_ARTICLE, value=str(ratio_percent))
    floor = minimum_ratio(kind, params)
    if ratio < floor:
        raise refuse("ratio_below_floor", RATIO_ARTICLE, value=str(ratio), floor=str(floor))
    return ratio


def sample_size(ratio_percent: Decimal, population: int) -> int:
    """``ceil(ratio × population)``, exact (no float): 3 % of 101 is 4."""
    if population <= 0:
        return 0
    num = Decimal(ratio_percent) * population
    return min(population, math.ceil(num / 100))


# -- the draw ------------------------------------------------------------------------------


def new_seed() -> str:
    """A fresh random seed (128 bits, hex) to record on the plan before drawing."""
    return secrets.token_hex(16)


def _key(seed: str, purpose: str, ident: str) -> str:
    return hashlib.sha256(f"{seed}|{purpose}|{ident}".encode()).hexdigest()


def draw(population: Sequence[str], ratio_percent: Decimal, seed: str) -> tuple[str, ...]:
    """The organizations drawn from the frozen ``population``, sorted by id."""
    size = sample_size(ratio_percent, len(population))
    ranked = sorted(population, key=lambda i: (_key(seed, "org", i), i))
    return tuple(sorted(ranked[:size]))


def assign_inspectors(
    drawn: Sequence[str],
    officers: Collection[str],
    conflicts: Mapping[str, Collection[str]],
    seed: str,
    per_org: int = MIN_INSPECTORS,
) -> dict[str, tuple[str, ...]]:
    """Inspectors for each drawn organization: ``per_org`` (at least 2) officers drawn
    from ``officers`` (the enforcement officers), never one in ``conflicts[org]`` (回避).
    SupervisionRuleError when an organization has fewer eligible officers than needed."""
    if per_org < MIN_INSPECTORS:
        raise refuse("inspectors_per_org_below_floor", INSPECTOR_ARTICLE,
                     value=per_org, floor=MIN_INSPECTORS)
    load = dict.fromkeys(sorted(set(officers)), 0)
    out: dict[str, tuple[str, ...]] = {}
    for org_id in sorted(drawn):
        barred = set(conflicts.get(org_id, ()))
        eligible = [o for o in load if o not in barred]
        if len(eligible) < per_org:
            raise refuse("not_enough_inspectors", INSPECTOR_ARTICLE, org=org_id,
                         eligible=len(eligible), needed=per_org)
        purpose = f"inspector|{org_id}"
        eligible.sort(key=lambda o: (load[o], _key(seed, purpose, o), o))
        chosen = tuple(sorted(eligible[:per_org]))
        for o in chosen:
            load[o] += 1
        out[org_id] = chosen
    return out


# -- the plan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpotCheckPlan:
    """What a plan records (everything needed to re-run the draw): the frozen population
    and its hash, the ratio, the seed and algorithm, the result, and the officers and
    declared conflicts the inspectors were drawn from."""

    year: int
    kind: SpotCheckKind
    ratio_percent: Decimal
    population: tuple[str, ...]
    population_hash: str
    seed: str
    drawn: tuple[str, ...]
    officers: tuple[str, ...] = ()
    conflicts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    inspectors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    per_org: int = MIN_INSPECTORS
    algorithm: str = ALGORITHM


def make_plan(
    year: int,
    kind: SpotCheckKind,
    ratio_percent: Decimal | str | int,
    orgs: Iterable[OrgFacts],
    flt: PopulationFilter,
    officers: Collection[str],
    conflicts: Mapping[str, Collection[str]] | None = None,
    *,
    seed: str | None = None,
    params: LegalParams | None = None,
    per_org: int | None = None,
) -> SpotCheckPlan:
    """Freeze the population, draw with ``seed`` (a new one when None) and assign the
    inspectors. Refuses a ratio below the floor, an empty population and too few eligible
    inspectors (SupervisionRuleError)."""
    kind = SpotCheckKind(kind)
    ratio = check_ratio(ratio_percent, kind, params)
    if per_org is None:
        per_org = getattr(params or LegalParams(), "spot_check_inspectors_per_org", MIN_INSPECTORS)
    population = select_population(orgs, flt)
    if not population:
        raise refuse("population_empty", RATIO_ARTICLE)
    seed = seed or new_seed()
    drawn = draw(population, ratio, seed)
    declared = {k: tuple(sorted(v)) for k, v in (conflicts or {}).items() if v}
    inspectors = assign_inspectors(drawn, officers, declared, seed, per_org)
    return SpotCheckPlan(
        year=year, kind=kind, ratio_percent=ratio, population=population,
        population_hash=population_hash(population), seed=seed, drawn=drawn,
        officers=tuple(sorted(set(officers))), conflicts=declared, inspectors=inspectors,
        per_org=per_org,
    )


def verify_draw(plan: SpotCheckPlan, params: LegalParams | None = None) -> Reason | None:
    """Re-run the plan's draw from its seed and frozen population: None when everything
    matches, else the first discrepancy (``mca-tui spotcheck verify``): unknown algorithm,
    population not sorted/unique, hash mismatch, ratio below the floor, a different draw,
    different inspectors, or an inspector with a declared conflict."""
    if plan.algorithm != ALGORITHM:
        return Reason("verify_algorithm", SPOT_CHECK, {"algorithm": plan.algorithm})
    if list(plan.population) != sorted(set(plan.population)):
        return Reason("verify_population_order", SPOT_CHECK)
    if population_hash(plan.population) != plan.population_hash:
        return Reason("verify_hash", SPOT_CHECK, {"hash": plan.population_hash})
    try:
        ratio = check_ratio(plan.ratio_percent, plan.kind, params)
    except SupervisionRuleError as exc:
        return exc.reason
    expected = draw(plan.population, ratio, plan.seed)
    if tuple(plan.drawn) != expected:
        return Reason("verify_draw", SPOT_CHECK, {"expected": len(expected), "recorded": len(plan.drawn)})
    for org_id, names in plan.inspectors.items():
        clash = set(names) & set(plan.conflicts.get(org_id, ()))
        if clash:
            return Reason("verify_conflict", INSPECTOR_ARTICLE,
                          {"org": org_id, "officer": sorted(clash)[0]})
    if plan.officers or plan.inspectors:
        try:
            again = assign_inspectors(expected, plan.officers, plan.conflicts, plan.seed,
                                      plan.per_org)
        except SupervisionRuleError as exc:
            return exc.reason
        if {k: tuple(v) for k, v in plan.inspectors.items()} != again:
            return Reason("verify_inspectors", INSPECTOR_ARTICLE)
    return None


def check_result(
    plan: SpotCheckPlan,
    organization_id: str,
    inspectors_present: Collection[str],
    items_checked: Collection[str],
) -> list[Reason]:
    """Reasons a result cannot be recorded as given (empty: fine): the organization was
    drawn; at least two inspectors were present (Art 7), none with a declared conflict
    (回避); for a regular check every item of Art 6 was checked (``CHECK_ITEMS``; an
    irregular check may choose some); no unknown item."""
    out: list[Reason] = []
    if organization_id not in plan.drawn:
        out.append(Reason("result_not_drawn", SPOT_CHECK, {"org": organization_id}))
    present = set(inspectors_present)
    if len(present) < MIN_INSPECTORS:
        out.append(Reason("result_inspectors_too_few", INSPECTOR_ARTICLE,
                          {"present": len(present), "needed": MIN_INSPECTORS}))
    clash = present & set(plan.conflicts.get(organization_id, ()))
    if clash:
        out.append(Reason("verify_conflict", INSPECTOR_ARTICLE,
                          {"org": organization_id, "officer": sorted(clash)[0]}))
    items = set(items_checked)
    unknown = items - set(CHECK_ITEMS)
    if unknown:
        out.append(Reason("result_item_unknown", f"{SPOT_CHECK}第六条", {"item": sorted(unknown)[0]}))
    if SpotCheckKind(plan.kind) is SpotCheckKind.REGULAR:
        missing = [i for i in CHECK_ITEMS if i not in items]
        if missing:
            out.append(Reason("result_items_missing", f"{SPOT_CHECK}第六条", {"item": missing[0]}))
    elif not items:
        out.append(Reason("result_items_missing", f"{SPOT_CHECK}第六条", {"item": ""}))
    return out
