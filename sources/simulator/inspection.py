"""综合查一次: one month of inspection tasks, their checklists, plans and clues.

A month is generated entity-first (``inspection_visits``), because the reform's headline
figure is the burden on an enterprise: distinct inspection days per inspected entity fall
from about 6 to about 2.5 a month. Triggers (a warning, a 12345 ticket, a drone finding, a
granted licence: ``handoffs.Trigger``) each become one task of their entity, led by the
department asked, visited by the due day (late less often as the reform takes hold); the
planned and random tasks make up the rest of the month's volume (about 230k a year before
the reform, 200k after, as joint visits replace separate ones), drawn by the credit-class
weights the engine passes, and each belongs to a plan of the register (``plans``). Results
drive the follow-ups: a rectification is verified later (a newer state row of the same task)
and a clue reaches case handling days later. Every inspection has a checklist
(``checklists``) whose failed lines are its findings.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from sources.simulator import checklists, market, plans, sampling
from sources.simulator.city import INSPECTORS_PER_UNIT, N_PEOPLE, STAFF_RESERVED
from sources.simulator.formats import Row
from sources.simulator.handoffs import Clue, Sanctioned, SystemMonth, Trigger
from sources.simulator.inspection_visits import (
    Triggered,
    Visits,
    planned_visits,
    triggered_visits,
)
from sources.simulator.timeline import Month, day_weight, expected_volume, reform_progress
from sources.simulator.world import EntityPool, Stream, World
from sources.systems.inspection import CHECKLIST_LINES, PLANS, TASKS

__all__ = ["Row", "TASKS_PER_YEAR", "generate_month"]

TASKS_PER_YEAR = 200_000
SOURCES = ("PLAN_FIXED", "PLAN_DYNAMIC", "RANDOM", "WARNING", "COMPLAINT", "DRONE", "SUPERIOR",
           "APPROVAL")
SIGNALS = ("WARNING", "COMPLAINT", "DRONE")  # drawn at random only when no triggers are passed
PLAN_KIND = {"PLAN_FIXED": plans.FIXED, "PLAN_DYNAMIC": plans.DYNAMIC, "RANDOM": plans.RANDOM,
             "SUPERIOR": plans.SUPERIOR}
SOURCE_OF_KIND = np.array(["PLAN_FIXED", "PLAN_DYNAMIC", "RANDOM", "SUPERIOR"], dtype=object)
RESULTS = ("COMPLIANT", "RECTIFY", "CLUE")
RESULT_P_PLANNED = np.array([0.80, 0.16, 0.04])
RESULT_P_TRIGGERED = np.array([0.60, 0.30, 0.10])  # a warning, complaint or finding
RESULT_P_APPROVAL = np.array([0.85, 0.13, 0.02])  # a new licensee, checked at licensing
PLANNED_FLOOR = 0.3  # planned and random tasks never fall below this share of the volume
# 综合查一次 merges separate visits into joint ones: the yearly volume falls from about 15%
# above TASKS_PER_YEAR before the reform to TASKS_PER_YEAR after it.
VOLUME_BEFORE, VOLUME_AFTER = 1.15, 1.0
CLUE_DAYS = (1, 21)  # a clue reaches the clue centre 1-20 days after the visit


def volume_factor(progress: float) -> float:
    """Tasks relative to ``TASKS_PER_YEAR``: fewer, joint visits as the reform takes hold."""
    return VOLUME_BEFORE + (VOLUME_AFTER - VOLUME_BEFORE) * progress


def joint_share(progress: float) -> float:
    return 0.10 + 0.45 * progress


def on_time_share(progress: float) -> float:
    """Rectifications verified by their deadline."""
    return 0.85 + 0.10 * progress


def remote_share(progress: float) -> float:
    return 0.05 + 0.15 * progress


def source_weights(month: Month, progress: float) -> np.ndarray:
    """Weights of the first seven ``SOURCES`` (all but APPROVAL): dynamic plans and drones
    grow with the reform, floods raise warnings. Signals are drawn only without triggers."""
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


def generate_month(world: World, month: Month, per_year: float, end: date, *,
                   start: date | None = None, triggers: list[Trigger] | None = None,
                   weights: np.ndarray | None = None) -> SystemMonth:
    """Every task of ``month`` with all its state rows and checklist lines up to ``end``.

    ``triggers``: the signals raised so far and not yet inspected (``None``: none are
    modelled, and warning, complaint and drone tasks are drawn at random as before). Those
    raised after the month are handed back in ``triggers`` of the result (for the next
    month: so the month does not depend on how far the run goes).
    ``weights``: per pool entity, the chance of a planned or random visit (the engine passes
    ``credit.inspection_weights``; default the pool's ``inspect_weight``). ``start``: the
    run's first day; when given, the plan register's rows of the month are exported too (the
    snapshot of the plans drafted before it on that day).
    """
    rng = world.rng(Stream.INSPECTION, month.label)
    progress = reform_progress(month)
    day_weights = np.array([day_weight(d, "planned") for d in month.days])
    flood = 1.1 if month.is_flood_season else 1.0
    wanted = int(rng.poisson(expected_volume(month.days, per_year, "planned") * flood
                             * volume_factor(progress)))
    now = [t for t in triggers or [] if t.raised <= month.days[-1]]
    later = [t for t in triggers or [] if month.days[-1] < t.raised <= end]
    triggered = triggered_visits(world.rng(Stream.INSPECTION, month.label, 1), month.days[0],
                                 now, progress)
    budget = wanted if triggers is None else max(wanted - len(now),
                                                 round(PLANNED_FLOOR * wanted))
    pool_weights = world.entities.inspect_weight if weights is None else weights
    planned = planned_visits(rng, world, day_weights, progress, budget, pool_weights,
                             triggered.visits)
    tasks = _assemble(rng, world, month, progress, planned, triggered, triggers is None)
    findings = _findings(rng, tasks["result"])
    plan_rng = world.rng(Stream.PLANS, 1, month.label)
    _assign_plans(world, plan_rng, tasks)
    lines, findings = checklists.line_counts(plan_rng, findings)
    tasks.update(findings=findings, lines=lines)
    exports = _month_exports(rng, plan_rng, world, month, tasks, progress, start, end)
    exports.triggers = later
    return exports


def _month_exports(rng: np.random.Generator, plan_rng: np.random.Generator, world: World,
                   month: Month, tasks: dict[str, np.ndarray], progress: float,
                   start: date | None, end: date) -> SystemMonth:
    """Rows, line frames and clues of the month's tasks, cut at ``end``."""
    pool = _pool(world, tasks["entity"])
    rows = _state_rows(rng, world, pool, tasks, progress, end)
    recorded = checklists.epoch_seconds(tasks["day"], tasks["seconds"])
    picker = checklists.item_picker(world.seed, world.departments.codes)
    lines = checklists.line_frames(plan_rng, picker, checklists.Inspections(
        task_id=tasks["task_id"], lead=tasks["lead"], partners=tasks["partners"],
        joint=tasks["joint"], day=tasks["day"], recorded=recorded, lines=tasks["lines"],
        findings=tasks["findings"]))
    inside = tasks["day"] <= sampling.to_day(end)
    exports = SystemMonth(
        rows={TASKS.table_name: rows},
        frames={CHECKLIST_LINES.table_name: {d: f for d, f in lines.items() if d <= end}},
        records={TASKS.table_name: int(inside.sum()),
                 CHECKLIST_LINES.table_name: int(tasks["lines"][inside].sum())},
        clues=_clues(rng, tasks, end),
        sanctioned=[_failed(tasks)])
    if start is not None:
        exports.rows[PLANS.table_name] = plans.month_rows(world, month, start, end)
        exports.records[PLANS.table_name] = plans.created_in(world, month, start, end)
    return exports


def _failed(tasks: dict[str, np.ndarray]) -> Sanctioned:
    """Inspections that ended in a rectification order or a clue: they cost credit."""
    failed = tasks["result"] != RESULTS.index("COMPLIANT")
    return Sanctioned("FAILED_INSPECTION", tasks["entity"][failed], tasks["day"][failed])


def _pool(world: World, entity: np.ndarray) -> EntityPool:
    """The pool, or the whole market register when a trigger names a later registration."""
    if len(entity) and int(entity.max()) >= len(world.entities):
        return market.register(world).entities  # built once per world, kept
    return world.entities


def _assemble(rng: np.random.Generator, world: World, month: Month, progress: float,
              planned: Visits, triggered: Triggered, draw_signals: bool
              ) -> dict[str, np.ndarray]:
    """Planned and triggered visits as one set of tasks, sorted by time and numbered."""
    n_planned, n = len(planned.entity), len(planned.entity) + len(triggered.ref)
    names = SOURCES[:7] if draw_signals else tuple(PLAN_KIND)
    p = source_weights(month, progress)[[SOURCES.index(s) for s in names]]
    p = p / p.sum()
    source = np.r_[np.array(names, dtype=object)[rng.choice(len(names), n_planned, p=p)],
                   triggered.source]
    entity = np.r_[planned.entity, triggered.visits.entity]
    lead = np.r_[planned.lead, triggered.visits.lead]
    width = triggered.partners.shape[1]
    partners = _partners(rng, world, _pool(world, entity), entity, lead, width)
    given = np.r_[np.zeros(n_planned, dtype=bool), (triggered.partners >= 0).any(axis=1)]
    partners[given] = triggered.partners[given[n_planned:]]
    joint = _joint(rng, progress, given, n_planned)
    scripted = np.r_[np.full(n_planned, "", dtype=object), triggered.scripted]
    tasks = {
        "entity": entity, "lead": lead, "source": source, "partners": partners,
        "day": sampling.to_day(month.days[0]) + np.r_[planned.day, triggered.visits.day]
        .astype("timedelta64[D]"),
        "seconds": sampling.office_seconds(rng, n), "joint": joint,
        "result": _results(rng, source, scripted), "scripted": scripted,
        "remote": (rng.random(n) < remote_share(progress)) & _may_be_remote(source, scripted),
        "inspector": rng.integers(0, INSPECTORS_PER_UNIT, n),
        "trigger_ref": np.r_[np.full(n_planned, None, dtype=object), triggered.ref],
    }
    order = np.lexsort((tasks["seconds"], tasks["day"]))
    tasks = {k: v[order] for k, v in tasks.items()}
    tasks["task_id"] = np.array([f"JC{month.yyyymm}{i:06d}" for i in range(1, n + 1)])
    return tasks


def _joint(rng: np.random.Generator, progress: float, given: np.ndarray, n_planned: int
           ) -> np.ndarray:
    """Triggers naming partners are joint visits; the others are joint with the reform's
    share, the planned ones a little less or more so that the month's share holds."""
    share = joint_share(progress)
    draw = rng.random(len(given))
    triggered = given[n_planned:] | (draw[n_planned:] < share)
    wanted = share * len(given) - triggered.sum()
    planned_p = float(np.clip(wanted / n_planned, 0.0, 1.0)) if n_planned else 0.0
    return np.r_[draw[:n_planned] < planned_p, triggered]


def _may_be_remote(source: np.ndarray, scripted: np.ndarray) -> np.ndarray:
    """A warning, complaint or drone finding (and a scripted story) is checked on site; a
    planned check or a new licensee's first inspection may be a remote one (非现场)."""
    return ~np.isin(source, SIGNALS) & (scripted == "")


def _results(rng: np.random.Generator, source: np.ndarray, scripted: np.ndarray) -> np.ndarray:
    """Result index per task: signals find more than plans, licensees less; a scripted
    story's result is kept."""
    signal = np.isin(source, SIGNALS)
    p = np.where(signal[:, None], RESULT_P_TRIGGERED,
                 np.where((source == "APPROVAL")[:, None], RESULT_P_APPROVAL, RESULT_P_PLANNED))
    result = sampling.categorical(rng, p)
    for k, code in enumerate(RESULTS):
        result[scripted == code] = k
    return result


def _partners(rng: np.random.Generator, world: World, pool: EntityPool, entity: np.ndarray,
              lead: np.ndarray, width: int) -> np.ndarray:
    """1–3 other departments that would join each visit if it is a joint one (-1 padded)."""
    affinity = world.departments.affinity[pool.industry[entity]].copy()
    affinity[np.arange(len(lead)), lead] = 0.0
    order = sampling.ranked(rng, affinity)
    count = rng.choice([1, 2, 3], size=len(lead), p=[0.5, 0.33, 0.17])
    partners = np.full((len(lead), width), -1, dtype=np.int64)
    for k in range(3):
        partners[:, k] = np.where(count > k, order[:, k], -1)
    return partners


def _assign_plans(world: World, rng: np.random.Generator, tasks: dict[str, np.ndarray]) -> None:
    """The plan of each planned task (a DYNAMIC task without a running plan becomes FIXED)."""
    register = plans.register(world)
    kind = np.array([PLAN_KIND.get(s, -1) for s in tasks["source"].tolist()])
    county = _pool(world, tasks["entity"]).county[tasks["entity"]]
    plan, kind = plans.assign(register, rng, kind, county, tasks["lead"], tasks["day"])
    tasks["source"] = np.where(kind >= 0, SOURCE_OF_KIND[np.maximum(kind, 0)], tasks["source"])
    ids = register.plan_id
    tasks["plan"] = np.where(plan >= 0, ids[np.maximum(plan, 0)], None).astype(object)


def _findings(rng: np.random.Generator, result: np.ndarray) -> np.ndarray:
    rectify = result == RESULTS.index("RECTIFY")
    count = 1 + rng.poisson(np.where(rectify, 0.8, 1.5), len(result))
    return np.where(result == 0, 0, count)


def _state_rows(rng: np.random.Generator, world: World, pool: EntityPool,
                tasks: dict[str, np.ndarray], progress: float, end: date) -> list[Row]:
    """The row of the inspection day, plus a later row when a rectification is verified;
    everything is drawn for every task first, so that an earlier end cuts but never shifts."""
    n = len(tasks["entity"])
    result, codes = tasks["result"], world.departments.codes
    rectify = result == RESULTS.index("RECTIFY")
    allowed = rng.integers(7, 31, n)  # rectification deadline, days after the visit
    on_time = rng.random(n) < on_time_share(progress)
    delay = np.where(on_time, rng.integers(1, allowed + 1), allowed + rng.integers(1, 31, n))
    rectified_day = tasks["day"] + delay
    joint_codes = [";".join(codes[d] for d in row if d >= 0) for row in tasks["partners"].tolist()]
    first = [
        {
            "task_id": task_id, "plan_id": plan, "entity_uscc": uscc, "entity_name": name,
            "county_code": county, "town_code": town, "dept_code": codes[lead],
            "joint_dept_codes": partners if joint else None, "is_joint": joint,
            "task_source": source, "trigger_ref": ref,
            "inspect_mode": "REMOTE" if remote else "ONSITE",
            "inspected_date": inspected, "result_code": RESULTS[res],
            "finding_count": count, "rectify_deadline": deadline if res == 1 else None,
            "rectified_date": None, "inspector_name": inspector, "latitude": lat,
            "longitude": lon, "updated_at": updated,
        }
        for (task_id, plan, uscc, name, county, town, lead, partners, joint, source, ref, remote,
             inspected, res, count, deadline, inspector, lat, lon, updated) in zip(
            tasks["task_id"].tolist(), tasks["plan"].tolist(),
            pool.uscc[tasks["entity"]].tolist(), pool.names(tasks["entity"]),
            *_places(world, pool, tasks["entity"]), tasks["lead"].tolist(), joint_codes,
            tasks["joint"].tolist(), tasks["source"].tolist(), tasks["trigger_ref"].tolist(),
            tasks["remote"].tolist(), sampling.date_strings(tasks["day"]), result.tolist(),
            tasks["findings"].tolist(), sampling.date_strings(tasks["day"] + allowed),
            _inspector_names(world, pool, tasks), *_coordinates(rng, pool, tasks),
            sampling.timestamp_strings(tasks["day"], tasks["seconds"]), strict=True,
        )
    ]
    seconds = sampling.office_seconds(rng, n)
    last = sampling.to_day(end)
    later = np.flatnonzero(rectify & (rectified_day <= last))
    stamps = sampling.timestamp_strings(rectified_day[later], seconds[later])
    dates = sampling.date_strings(rectified_day[later])
    second = [{**first[i], "rectified_date": d, "updated_at": stamp}
              for i, d, stamp in zip(later.tolist(), dates, stamps, strict=True)]
    inside = (tasks["day"] <= last).tolist()
    return [row for row, keep in zip(first, inside, strict=True) if keep] + second


def _inspector_names(world: World, pool: EntityPool, tasks: dict[str, np.ndarray]) -> list[str]:
    """Inspectors are a stable team per (county, department): names recur across tasks."""
    n_depts = len(world.departments.codes)
    unit = pool.county[tasks["entity"]] * n_depts + tasks["lead"]
    person = N_PEOPLE - STAFF_RESERVED + unit * INSPECTORS_PER_UNIT + tasks["inspector"]
    return world.people.names(person)


def _places(world: World, pool: EntityPool, entity: np.ndarray) -> tuple[list[str], list[str]]:
    geo = world.geo
    counties = [geo.county_codes[c] for c in pool.county[entity].tolist()]
    towns = [geo.town_codes[t] for t in pool.town[entity].tolist()]
    return counties, towns


def _coordinates(rng: np.random.Generator, pool: EntityPool, tasks: dict[str, np.ndarray]
                 ) -> tuple[list[float | None], list[float | None]]:
    """GPS fix of an on-site visit, a few tens of metres off the entity; none when remote."""
    n = len(tasks["entity"])
    lat = np.round(pool.lat[tasks["entity"]] + rng.normal(0, 0.0003, n), 6)
    lon = np.round(pool.lon[tasks["entity"]] + rng.normal(0, 0.0003, n), 6)
    onsite = ~tasks["remote"]
    return sampling.nullable(lat.tolist(), onsite), sampling.nullable(lon.tolist(), onsite)


def _clues(rng: np.random.Generator, tasks: dict[str, np.ndarray], end: date) -> list[Clue]:
    """Each CLUE result is filed 1–20 days after the visit (if by the end; a scripted story's
    clue always arrives, on the last day at the latest)."""
    rows = np.flatnonzero(tasks["result"] == RESULTS.index("CLUE"))
    last = sampling.to_day(end)
    filing = tasks["day"][rows] + rng.integers(*CLUE_DAYS, len(rows))
    filing = np.where(tasks["scripted"][rows] != "", np.minimum(filing, last), filing)
    keep = (filing <= last) & (tasks["day"][rows] <= last)
    rows, filing = rows[keep], filing[keep]
    return [
        Clue(ref_id=task_id, entity=entity, dept=dept, found=date.fromisoformat(inspected),
             handed_over=date.fromisoformat(filed))
        for task_id, entity, dept, inspected, filed in zip(
            tasks["task_id"][rows].tolist(), tasks["entity"][rows].tolist(),
            tasks["lead"][rows].tolist(), sampling.date_strings(tasks["day"][rows]),
            sampling.date_strings(filing), strict=True,
        )
    ]
