"""统一处罚办案: enforcement cases of one month and their state rows until closing.

Cases come from clues: inspection clues handed over by the inspection generator (same entity,
town and department) and clues from complaints, drones, warnings, superiors and grid patrols.
Each case is exported on its filing day, again on its decision day and again on its closing
day; a row carries every field known by then and the latest state reached that day.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from sources.simulator import sampling
from sources.simulator.city import N_PEOPLE, STAFF_RESERVED
from sources.simulator.handoffs import Clue
from sources.simulator.inspection import Row
from sources.simulator.timeline import Month, day_weight, expected_volume, reform_progress
from sources.simulator.world import Stream, World

CASES_PER_YEAR = 175_000
# The inspection generator supplies about 5% of cases; the other sources make up the rest.
OTHER_CASES_PER_YEAR = 165_000
SOURCES = ("INSPECTION", "COMPLAINT", "DRONE", "WARNING", "SUPERIOR", "GRID")
CLUE_PREFIX = {"COMPLAINT": "TS", "DRONE": "WR", "WARNING": "YJ", "SUPERIOR": "SJ", "GRID": "WG"}
BUSINESS_SHARE = np.array([1.0, 0.55, 0.35, 0.85, 0.8, 0.45])  # party is a market entity
SIMPLE_SHARE = np.array([0.2, 0.45, 0.2, 0.15, 0.05, 0.6])  # 简易程序, for persons and traders
DECISIONS = ("PENALTY", "NO_PENALTY", "FIRST_WAIVER", "NOT_ESTABLISHED")
# Handling departments by clue source (before industry affinity); ZHZF grows with the reform.
SOURCE_DEPTS = {
    "COMPLAINT": {"ZHZF": 3, "SCJG": 3, "STHJ": 1.5, "WSJK": 0.8, "JTYS": 0.8, "YJGL": 0.5,
                  "RSJ": 0.5, "WGLY": 0.3},
    "DRONE": {"ZHZF": 3, "STHJ": 2, "ZRZY": 2, "SLJ": 1, "LYJ": 0.8, "NYNC": 0.5, "ZJJS": 0.5},
    "WARNING": {"STHJ": 3, "ZHZF": 2, "YJGL": 2, "SLJ": 1, "SCJG": 0.5},
    "SUPERIOR": {"ZHZF": 1, "SCJG": 1, "STHJ": 1, "JTYS": 1, "WSJK": 1, "YJGL": 1},
    "GRID": {"ZHZF": 6, "SCJG": 1, "STHJ": 0.5, "ZJJS": 0.5, "NYNC": 0.3},
}


def source_weights(month: Month, progress: float) -> np.ndarray:
    """Non-inspection clue sources; drones arrive with the reform, floods raise warnings."""
    flood = 2.5 if month.is_flood_season else 1.0
    weights = np.array([0.0, 0.34, (0.02 + 0.13 * progress) * flood, 0.08 * flood, 0.05, 0.34])
    return weights / weights.sum()


def dept_weights(world: World, progress: float) -> np.ndarray:
    """(source, department) weights; the comprehensive bureau's share rises with the reform."""
    codes = world.departments.codes
    table = np.full((len(SOURCES), len(codes)), 0.05)
    for row, source in enumerate(SOURCES):
        for code, weight in SOURCE_DEPTS.get(source, {}).items():
            table[row, codes.index(code)] += weight
    table[:, codes.index("ZHZF")] *= 1.0 + progress
    return table


def generate_month(world: World, month: Month, clues: list[Clue], per_year: float, end: date
                   ) -> tuple[list[Row], int]:
    """Cases filed in ``month`` (from ``clues`` and other sources) with their state rows."""
    rng = world.rng(Stream.ENFORCEMENT, month.label)
    progress = reform_progress(month)
    flood = 1.1 if month.is_flood_season else 1.0
    n_other = rng.poisson(expected_volume(month.days, per_year, "reactive") * flood)
    weights = np.array([day_weight(d, "reactive") for d in month.days])
    filing = rng.choice(len(month.days), size=n_other, p=weights / weights.sum())
    first = sampling.to_day(month.days[0])
    clue_days = np.array([(c.handed_over - month.days[0]).days for c in clues], dtype=np.int64)
    _cover_all_days(filing, clue_days, len(month.days))
    cases = _parties(rng, world, month, progress, clues, n_other)
    cases["day"] = first + np.r_[clue_days, filing]
    cases["seconds"] = sampling.office_seconds(rng, len(cases["day"]))
    order = np.lexsort((cases["seconds"], cases["day"]))
    cases = {name: values[order] for name, values in cases.items()}
    cases["case_no"] = np.array([f"AJ{month.yyyymm}{i:06d}" for i in range(1, len(order) + 1)])
    _decide(rng, cases, progress)
    return _state_rows(rng, world, cases, month, end), len(order)


def _cover_all_days(filing: np.ndarray, fixed: np.ndarray, n_days: int) -> None:
    """Move filings from the busiest days to days nobody filed on: every day has an export."""
    counts = np.bincount(filing, minlength=n_days) + np.bincount(fixed, minlength=n_days)
    movable = np.bincount(filing, minlength=n_days)
    for empty in np.flatnonzero(counts == 0):
        busiest = int(np.argmax(np.where(movable > 0, counts, 0)))
        if counts[busiest] < 2 or movable[busiest] == 0:
            return
        filing[np.flatnonzero(filing == busiest)[-1]] = empty
        for array in (counts, movable):
            array[busiest] -= 1
            array[empty] += 1


def _parties(rng: np.random.Generator, world: World, month: Month, progress: float,
             clues: list[Clue], n_other: int) -> dict[str, np.ndarray]:
    """Source, party, place and department of each case (clue cases first)."""
    pool, geo = world.entities, world.geo
    n_clues, n = len(clues), len(clues) + n_other
    # a handed-over clue keeps its source (inspection, or a 12345 ticket turned into a clue)
    clue_sources = [SOURCES.index(c.source) for c in clues]
    source = np.r_[np.array(clue_sources, dtype=np.int64),
                   rng.choice(len(SOURCES), size=n_other, p=source_weights(month, progress))]
    business = rng.random(n) < BUSINESS_SHARE[source]
    entity = rng.choice(len(pool), size=n, p=pool.case_weight / pool.case_weight.sum())
    entity[:n_clues] = [c.entity for c in clues]
    town = np.where(business, pool.town[entity],
                    rng.choice(len(geo.town_codes), size=n, p=geo.town_weight))
    person = rng.integers(0, N_PEOPLE - STAFF_RESERVED, n)
    person = np.where(business, pool.operator[entity], person)
    affinity = world.departments.affinity[pool.industry[entity]] / world.departments.base
    probs = dept_weights(world, progress)[source] * np.where(business[:, None],
                                                             np.sqrt(affinity), 1.0)
    dept = sampling.categorical(rng, probs)
    dept[:n_clues] = [c.dept for c in clues]
    sole = business & pool.sole[entity]
    simple_p = SIMPLE_SHARE[source] * np.where(business & ~sole, 0.5, 1.0)
    return {
        "source": source, "business": business, "sole": sole, "entity": entity,
        "town": town, "person": person, "dept": dept,
        "simple": rng.random(n) < simple_p,
        "with_clue": (source == 0) | (rng.random(n) < 0.85),
        "phone": rng.random(n) < np.where(business & ~sole, 0.6, 0.9),
        "clue_task": np.array([c.ref_id for c in clues] + [""] * n_other, dtype=object),
    }


def _decide(rng: np.random.Generator, cases: dict[str, np.ndarray], progress: float) -> None:
    """Decision, fine, and the days from filing to decision and from decision to closing."""
    n = len(cases["day"])
    simple = cases["simple"]
    waiver = 0.06 + 0.05 * progress  # 首违不罚 lists spread during the reform
    probs = np.where(simple[:, None], [0.86, 0.04, waiver + 0.04, 0.0],
                     [0.82, 0.07, waiver, 0.04])
    decision = sampling.categorical(rng, probs)
    overdue = rng.random(n) < 0.09 - 0.05 * progress  # decided past the 90-day limit
    general_days = np.where(overdue, rng.integers(91, 181, n),
                            np.clip(np.round(rng.gamma(2.5, 14.0, n)), 3, 90))
    simple_days = np.where(rng.random(n) < 0.75, 0, rng.integers(1, 4, n))
    cases["to_decision"] = np.where(simple, simple_days, general_days).astype(np.int64)
    paid_on_spot = simple & (rng.random(n) < 0.6)
    penalty = decision == 0
    close_days = np.where(penalty, rng.integers(5, 61, n), rng.integers(1, 11, n))
    close_days = np.where(simple, np.where(paid_on_spot, 0, rng.integers(1, 16, n)), close_days)
    enforced = rng.random(n) < 0.02  # unpaid fines go to compulsory execution: months
    cases["to_closing"] = np.where(enforced & penalty, rng.integers(90, 366, n), close_days)
    fine = np.where(simple, np.clip(rng.lognormal(np.log(100), 0.45, n), 20, 200).round(-1),
                    np.clip(rng.lognormal(np.log(3000), 1.2, n), 200, 500_000).round(-2))
    cases["fine"] = np.where(penalty, fine, 0.0)
    cases["decision"] = decision


def _state_rows(rng: np.random.Generator, world: World, cases: dict[str, np.ndarray],
                month: Month, end: date) -> list[Row]:
    """One row per case and day on which its state changed, up to the scenario's end."""
    filed = cases["day"]
    decided = filed + cases["to_decision"]
    closed = decided + cases["to_closing"]
    base = _base_fields(world, cases, month)
    decision = [DECISIONS[d] for d in cases["decision"].tolist()]
    fine = cases["fine"].tolist()
    filed_s, decided_s, closed_s = (sampling.date_strings(d) for d in (filed, decided, closed))
    last = sampling.to_day(end)
    stages = (
        (np.ones(len(filed), dtype=bool), filed, cases["seconds"]),
        ((decided > filed) & (decided <= last), decided, None),
        ((closed > decided) & (closed <= last), closed, None),
    )
    rows: list[Row] = []
    for present, day, seconds in stages:
        idx = np.flatnonzero(present)
        if seconds is None:
            seconds = sampling.office_seconds(rng, len(filed))
        stamps = sampling.timestamp_strings(day[idx], seconds[idx])
        for i, stamp, on_day in zip(idx.tolist(), stamps, day[idx].tolist(), strict=True):
            is_decided, is_closed = decided[i] <= on_day, closed[i] <= on_day
            rows.append({
                **base[i],
                "case_status": "CLOSED" if is_closed else "DECIDED" if is_decided else "FILED",
                "filed_date": filed_s[i],
                "decided_date": decided_s[i] if is_decided else None,
                "closed_date": closed_s[i] if is_closed else None,
                "decision_type": decision[i] if is_decided else None,
                "fine_amount": fine[i] if is_decided else None,
                "updated_at": stamp,
            })
    return rows


def _base_fields(world: World, cases: dict[str, np.ndarray], month: Month) -> list[Row]:
    """Fields fixed at filing: number, clue, department, place and party."""
    pool, geo, people = world.entities, world.geo, world.people
    entity, person = cases["entity"], cases["person"]
    business, sole = cases["business"].tolist(), cases["sole"].tolist()
    entity_names = pool.names(entity)
    person_names = people.names(person)
    ids = people.id_numbers(person)
    phones = people.phones(person)
    yyyymm = month.yyyymm
    rows = []
    for i, (case_no, source, dept, town, uscc) in enumerate(zip(
        cases["case_no"].tolist(), cases["source"].tolist(), cases["dept"].tolist(),
        cases["town"].tolist(), pool.uscc[entity].tolist(), strict=True,
    )):
        company = business[i] and not sole[i]
        rows.append({
            "case_no": case_no,
            "clue_id": _clue_id(cases, i, SOURCES[source], yyyymm),
            "clue_source": SOURCES[source],
            "dept_code": world.departments.codes[dept],
            "county_code": geo.county_codes[geo.town_county[town]],
            "town_code": geo.town_codes[town],
            "entity_uscc": uscc if business[i] else None,
            "party_name": entity_names[i] if company else person_names[i],
            "party_id_no": None if company else ids[i],
            "party_phone": phones[i] if cases["phone"][i] else None,
            "procedure": "SIMPLE" if cases["simple"][i] else "GENERAL",
        })
    return rows


def _clue_id(cases: dict[str, np.ndarray], i: int, source: str, yyyymm: str) -> str | None:
    """Handed-over clues keep their origin's number (XS + task_id or ticket number), so the
    loop can be followed from the inspection or the 12345 ticket to the case."""
    if cases["clue_task"][i]:
        return f"XS{cases['clue_task'][i]}"
    if not cases["with_clue"][i]:
        return None  # an on-the-spot case with no registered clue
    return f"XS{CLUE_PREFIX[source]}{yyyymm}{i + 1:06d}"
