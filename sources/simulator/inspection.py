"""综合查一次: inspection tasks of one month, and the clues they hand to case handling.

The month is generated entity-first, because the reform's headline figure is about the
burden on an enterprise: an inspected entity receives K visits on K distinct days, each led
by a different department. Before the reform K is about 6 and visits are mostly single-
department; as joint inspections take over, the same departments come together and K falls
to about 2.5. Results then drive the follow-ups: a rectification is verified later (a newer
state row of the same task) and a clue becomes an enforcement case days later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sources.simulator import sampling
from sources.simulator.city import INSPECTORS_PER_UNIT, N_PEOPLE, STAFF_RESERVED
from sources.simulator.handoffs import Clue
from sources.simulator.timeline import Month, day_weight, expected_volume, reform_progress
from sources.simulator.world import Stream, World

Row = dict[str, object]

TASKS_PER_YEAR = 200_000
SOURCES = ("PLAN_FIXED", "PLAN_DYNAMIC", "RANDOM", "WARNING", "COMPLAINT", "DRONE", "SUPERIOR")
TRIGGERED = np.array([False, False, False, True, True, True, False])
RESULTS = ("COMPLIANT", "RECTIFY", "CLUE")
RESULT_P_PLANNED = np.array([0.80, 0.16, 0.04])
RESULT_P_TRIGGERED = np.array([0.60, 0.30, 0.10])
PLAN_KIND = {"PLAN_FIXED": "GD", "PLAN_DYNAMIC": "DT", "RANDOM": "SS", "SUPERIOR": "SJ"}


@dataclass
class MonthTasks:
    rows: list[Row]
    clues: list[Clue]
    tasks: int


def visit_days_target(progress: float) -> float:
    """Distinct inspection days per inspected entity per month: 5–7 before, 2–3 after."""
    return 6.0 - 3.5 * progress


def joint_share(progress: float) -> float:
    return 0.10 + 0.45 * progress


def on_time_share(progress: float) -> float:
    return 0.85 + 0.10 * progress


def source_weights(month: Month, progress: float) -> np.ndarray:
    """Task triggers: dynamic plans and drones grow with the reform, floods raise warnings."""
    flood = 2.5 if month.is_flood_season else 1.0
    weights = np.array([
        0.34 - 0.12 * progress,  # PLAN_FIXED
        0.04 + 0.14 * progress,  # PLAN_DYNAMIC
        0.22,  # RANDOM (双随机)
        0.08 * flood,  # WARNING
        0.18,  # COMPLAINT
        (0.005 + 0.06 * progress) * flood,  # DRONE
        0.05 + (0.03 if month.is_flood_season else 0.0),  # SUPERIOR
    ])
    return weights / weights.sum()


def generate_month(world: World, month: Month, per_year: float, end: date) -> MonthTasks:
    """Every task inspected in ``month`` with all its state rows up to ``end``."""
    rng = world.rng(Stream.INSPECTION, month.label)
    progress = reform_progress(month)
    weights = np.array([day_weight(d, "planned") for d in month.days])
    flood = 1.1 if month.is_flood_season else 1.0
    wanted = rng.poisson(expected_volume(month.days, per_year, "planned") * flood)
    target = visit_days_target(progress)
    chosen = sampling.top_k(rng, world.entities.inspect_weight, max(1, round(wanted / target)))
    visits = visits_per_entity(rng, world, chosen, target, len(month.days))
    owner, day = visit_days(rng, weights, visits)
    cover_all_days(day, len(month.days))
    tasks = _assemble(rng, world, month, progress, chosen, owner, day)
    rows = _state_rows(rng, world, tasks, progress, end)
    return MonthTasks(rows=rows, clues=_clues(rng, tasks, end), tasks=len(owner))


def visits_per_entity(rng: np.random.Generator, world: World, chosen: np.ndarray, target: float,
                      n_days: int) -> np.ndarray:
    """Visit days per chosen entity: mean ``target``, more in busy counties, ≥ 1 each."""
    intensity = world.geo.county_intensity[world.entities.county[chosen]]
    mean = target * intensity / intensity.mean()
    draw = np.maximum(mean + rng.normal(0.0, 0.15, len(chosen)) * mean, 1.0)
    visits = np.clip(sampling.stochastic_round(rng, draw), 1, n_days)
    slack = np.flatnonzero(visits < n_days)
    short = n_days - visits.sum()  # a tiny range: make sure every day can get a visit
    if short > 0 and len(slack):
        visits[np.resize(slack, short)] += 1
        visits = np.minimum(visits, n_days)
    return visits


def visit_days(rng: np.random.Generator, weights: np.ndarray, visits: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """For each entity, ``visits`` distinct days of the month favouring busy days."""
    order = sampling.ranked(rng, np.broadcast_to(weights, (len(visits), len(weights))))
    take = np.arange(len(weights))[None, :] < visits[:, None]
    owner = np.repeat(np.arange(len(visits)), visits)
    return owner, order[take]


def cover_all_days(day: np.ndarray, n_days: int) -> None:
    """Move single visits from the busiest days to empty ones: every day gets an export.

    Nobody was visited on an empty day, so a moved visit never lands on a day its entity
    already has and the entity's number of distinct days is unchanged.
    """
    counts = np.bincount(day, minlength=n_days)
    for empty in np.flatnonzero(counts == 0):
        busiest = int(np.argmax(counts))
        if counts[busiest] < 2:
            return
        moved = np.flatnonzero(day == busiest)[-1]
        day[moved] = empty
        counts[busiest] -= 1
        counts[empty] += 1


def _assemble(rng: np.random.Generator, world: World, month: Month, progress: float,
              chosen: np.ndarray, owner: np.ndarray, day: np.ndarray) -> dict[str, np.ndarray]:
    """Departments, triggers, results and dates of each visit, sorted by time."""
    depts = world.departments
    n = len(owner)
    seconds = sampling.office_seconds(rng, n)
    order = np.lexsort((seconds, day))
    owner, day, seconds = owner[order], day[order], seconds[order]
    entity = chosen[owner]
    # The k-th visit of an entity this month is led by its k-th department: separate visits
    # come from different departments, which is exactly the burden the reform removes.
    affinity = depts.affinity[world.entities.industry[chosen]]
    affinity[:, depts.index("ZHZF")] *= 1.0 + progress  # items move to the comprehensive bureau
    dept_order = sampling.ranked(rng, affinity)
    lead = dept_order[owner, visit_rank(owner, day) % len(depts.codes)]
    source = rng.choice(len(SOURCES), size=n, p=source_weights(month, progress))
    result_p = np.where(TRIGGERED[source][:, None], RESULT_P_TRIGGERED, RESULT_P_PLANNED)
    return {
        "entity": entity, "day": sampling.to_day(month.days[0]) + day, "seconds": seconds,
        "lead": lead, "source": source, "result": sampling.categorical(rng, result_p),
        "joint": rng.random(n) < joint_share(progress),
        "partners": np.array(_partners(rng, world, entity, lead), dtype=object),
        "remote": rng.random(n) < 0.05 + 0.15 * progress,
        "plan": rng.integers(1, 4, n), "inspector": rng.integers(0, INSPECTORS_PER_UNIT, n),
        "task_id": np.array([f"JC{month.yyyymm}{i:06d}" for i in range(1, n + 1)]),
    }


def visit_rank(owner: np.ndarray, day: np.ndarray) -> np.ndarray:
    """0 for an entity's first visit of the month, 1 for its second, and so on."""
    by_owner = np.lexsort((day, owner))
    sorted_owner = owner[by_owner]
    is_start = np.r_[True, sorted_owner[1:] != sorted_owner[:-1]]
    start = np.maximum.accumulate(np.where(is_start, np.arange(len(owner)), 0))
    rank = np.empty(len(owner), dtype=np.int64)
    rank[by_owner] = np.arange(len(owner)) - start
    return rank


def _partners(rng: np.random.Generator, world: World, entity: np.ndarray, lead: np.ndarray
              ) -> list[str]:
    """1–3 other departments that would join each visit if it is a joint one."""
    affinity = world.departments.affinity[world.entities.industry[entity]].copy()
    affinity[np.arange(len(lead)), lead] = 0.0
    order = sampling.ranked(rng, affinity)
    count = rng.choice([1, 2, 3], size=len(lead), p=[0.5, 0.33, 0.17])
    codes = world.departments.codes
    return [";".join(codes[j] for j in row[:c]) for row, c in zip(order.tolist(), count.tolist(),
                                                                   strict=True)]


def _inspector_names(world: World, tasks: dict[str, np.ndarray]) -> list[str]:
    """Inspectors are a stable team per (county, department): names recur across tasks."""
    n_depts = len(world.departments.codes)
    unit = world.entities.county[tasks["entity"]] * n_depts + tasks["lead"]
    person = N_PEOPLE - STAFF_RESERVED + unit * INSPECTORS_PER_UNIT + tasks["inspector"]
    return world.people.names(person)


def _plan_ids(world: World, tasks: dict[str, np.ndarray]) -> list[str | None]:
    county = world.entities.county[tasks["entity"]].tolist()
    months = [d[:7].replace("-", "") for d in sampling.date_strings(tasks["day"])]
    result: list[str | None] = []
    for source, c, yyyymm, k in zip(tasks["source"].tolist(), county, months,
                                    tasks["plan"].tolist(), strict=True):
        kind = PLAN_KIND.get(SOURCES[source])
        if kind is None:
            result.append(None)  # triggered directly by a warning, complaint or drone
        elif kind == "GD":
            result.append(f"JH{yyyymm[:4]}{world.geo.county_codes[c]}GD{k:02d}")  # yearly
        elif kind == "SJ":
            result.append(f"JH{yyyymm}330800SJ{k:02d}")  # deployed by the city
        else:
            result.append(f"JH{yyyymm}{world.geo.county_codes[c]}{kind}{k:02d}")
    return result


def _state_rows(rng: np.random.Generator, world: World, tasks: dict[str, np.ndarray],
                progress: float, end: date) -> list[Row]:
    """The row of the inspection day, plus a later row when a rectification is verified."""
    n = len(tasks["entity"])
    result = tasks["result"]
    rectify = result == RESULTS.index("RECTIFY")
    findings = np.where(result == 0, 0, 1 + rng.poisson(np.where(rectify, 0.8, 1.5), n))
    allowed = rng.integers(7, 31, n)  # rectification deadline, days after the visit
    on_time = rng.random(n) < on_time_share(progress)
    delay = np.where(on_time, rng.integers(1, allowed + 1), allowed + rng.integers(1, 31, n))
    rectified_day = tasks["day"] + delay
    coordinates = _coordinates(rng, world, tasks)
    first = [
        {
            "task_id": task_id, "plan_id": plan, "entity_uscc": uscc, "entity_name": name,
            "county_code": county, "town_code": town, "dept_code": world.departments.codes[lead],
            "joint_dept_codes": partners if joint else None, "is_joint": joint,
            "task_source": SOURCES[source], "inspect_mode": "REMOTE" if remote else "ONSITE",
            "inspected_date": inspected, "result_code": RESULTS[res],
            "finding_count": min(count, 50), "rectify_deadline": deadline if res == 1 else None,
            "rectified_date": None, "inspector_name": inspector, "latitude": lat,
            "longitude": lon, "updated_at": updated,
        }
        for (task_id, plan, uscc, name, county, town, lead, partners, joint, source, remote,
             inspected, res, count, deadline, inspector, lat, lon, updated) in zip(
            tasks["task_id"].tolist(), _plan_ids(world, tasks),
            world.entities.uscc[tasks["entity"]].tolist(), world.entities.names(tasks["entity"]),
            *_places(world, tasks["entity"]), tasks["lead"].tolist(), tasks["partners"].tolist(),
            tasks["joint"].tolist(), tasks["source"].tolist(), tasks["remote"].tolist(),
            sampling.date_strings(tasks["day"]), result.tolist(), findings.tolist(),
            sampling.date_strings(tasks["day"] + allowed), _inspector_names(world, tasks),
            *coordinates, sampling.timestamp_strings(tasks["day"], tasks["seconds"]), strict=True,
        )
    ]
    seconds = sampling.office_seconds(rng, n)  # drawn for all: the end date must not shift
    later = np.flatnonzero(rectify & (rectified_day <= sampling.to_day(end)))  # the stream
    stamps = sampling.timestamp_strings(rectified_day[later], seconds[later])
    dates = sampling.date_strings(rectified_day[later])
    second = [{**first[i], "rectified_date": d, "updated_at": stamp}
              for i, d, stamp in zip(later.tolist(), dates, stamps, strict=True)]
    return first + second


def _places(world: World, entity: np.ndarray) -> tuple[list[str], list[str]]:
    pool, geo = world.entities, world.geo
    counties = [geo.county_codes[c] for c in pool.county[entity].tolist()]
    towns = [geo.town_codes[t] for t in pool.town[entity].tolist()]
    return counties, towns


def _coordinates(rng: np.random.Generator, world: World, tasks: dict[str, np.ndarray]
                 ) -> tuple[list[float | None], list[float | None]]:
    """GPS fix of an on-site visit, a few tens of metres off the entity; none when remote."""
    n = len(tasks["entity"])
    lat = np.round(world.entities.lat[tasks["entity"]] + rng.normal(0, 0.0003, n), 6)
    lon = np.round(world.entities.lon[tasks["entity"]] + rng.normal(0, 0.0003, n), 6)
    onsite = ~tasks["remote"]
    return sampling.nullable(lat.tolist(), onsite), sampling.nullable(lon.tolist(), onsite)


def _clues(rng: np.random.Generator, tasks: dict[str, np.ndarray], end: date) -> list[Clue]:
    """Each CLUE result is filed as a case 1–20 days after the visit (if before the end)."""
    rows = np.flatnonzero(tasks["result"] == RESULTS.index("CLUE"))
    filing = tasks["day"][rows] + rng.integers(1, 21, len(rows))
    keep = filing <= sampling.to_day(end)
    return [
        Clue(ref_id=task_id, entity=entity, dept=dept, found=date.fromisoformat(inspected),
             handed_over=date.fromisoformat(filed))
        for task_id, entity, dept, inspected, filed in zip(
            tasks["task_id"][rows][keep].tolist(), tasks["entity"][rows][keep].tolist(),
            tasks["lead"][rows][keep].tolist(), sampling.date_strings(tasks["day"][rows][keep]),
            sampling.date_strings(filing[keep]), strict=True,
        )
    ]
