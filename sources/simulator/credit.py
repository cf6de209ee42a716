"""信用+激励: monthly credit-risk classes A-D of every registered entity, written columnar.

At full scale the ratings are the biggest table of the scenario (about 350k rows a month), so
a month is drawn with numpy and written with polars, never as Python rows.

The class follows what the entity's records show. Each penalty decided against it and each
of its inspections that ended in a rectification order or a clue costs points in the month
it happened; lost points are forgiven slowly (a half-life of about ten months), so an entity
that is caught drifts down to C or D and a clean one climbs back to A. The engine hands these
outcomes over as they are generated (``record``) and marks each month it generates as
observed (``observe``); a month before the run (the register's history) has no records, so
there the generator draws the penalties and failed inspections the other generators would
give the entity on average (their yearly volumes spread over the pool by the same case and
inspection weights). A listing in the abnormal-operation list costs points while it lasts; a
new entity is B at best for its first half year. The classes end up near the mix SAMR
publishes: about A 30%, B 55%, C 12%, D 3%. The class in turn sets how often planned and
random supervision visits the entity (``inspection_weights``), closing the loop.

``frames.write_frame`` (the columnar twin of ``writers.write_export``) writes them:
polars writes the clean lines, and the few defective ones are rendered by ``writers.render``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl

from sources.contracts import TableContract
from sources.simulator import market, sampling
from sources.simulator.city import N_ENTITIES
from sources.simulator.enforcement import CASES_PER_YEAR
from sources.simulator.formats import Row, csv_cell
from sources.simulator.handoffs import Sanctioned
from sources.simulator.inspection import TASKS_PER_YEAR
from sources.simulator.timeline import Month
from sources.simulator.world import Stream, World
from sources.systems.market import CREDIT_RATINGS

CLASSES = ("A", "B", "C", "D")
THRESHOLDS = (90, 72, 53)  # lowest score of A, B and C; below the last is D
# Per entity and year, on average: penalties (cases against a business ending in a penalty)
# and inspections ending in a rectification order or a clue.
PENALTIES_PER_YEAR = CASES_PER_YEAR * 0.5 / N_ENTITIES
FAILED_INSPECTIONS_PER_YEAR = TASKS_PER_YEAR * 0.22 / N_ENTITIES
PENALTY_POINTS = 18.0
FAILED_POINTS = 10.0
FORGIVENESS = 0.93  # share of last month's lost points still counted this month
BASE_SCORE = 90.0
PROPENSITY_POINTS = 7.0  # points per unit of latent violation propensity
ABNORMAL_POINTS = 28.0
MONTHLY_NOISE = 2.0
PROBATION_MONTHS = 6  # a new entity is rated B at best
EXPORT_DAY_P = np.array([0.7, 0.2, 0.1])  # share of a month's ratings exported on the 1st-3rd
BATCH_SECONDS = (3600, 6 * 3600)  # the classification run works at night
SANCTION_POINTS = {"PENALTY": PENALTY_POINTS, "FAILED_INSPECTION": FAILED_POINTS}
# Supervision follows the class (双随机 sampling ratios by class; A only when triggered).
INSPECTION_FACTOR = np.array([0.3, 1.0, 2.0, 4.0])


# --- the score: outcomes the run recorded, or drawn before the run ------------------------


_LOST: dict[tuple[int, int], dict[int, np.ndarray]] = {}  # (seed, pool) -> label -> points
_KEPT_MONTHS = 3  # a run asks for this month (ratings) and the last (inspection weights)


@dataclass
class _RunLedger:
    """The months a generation run has generated, and the points its records cost each
    entity per month (register indices; months after the run's current one fill up as
    cases filed now are decided later)."""

    observed: set[int] = field(default_factory=set)
    caught: dict[int, np.ndarray] = field(default_factory=dict)


_RUNS: dict[tuple[int, int], _RunLedger] = {}


def start_run(world: World) -> None:
    """Start recording a generation run's outcomes (worlds are shared per process, so an
    earlier run's records and scores are dropped first)."""
    finish_run(world)
    _RUNS[_key(world)] = _RunLedger()


def finish_run(world: World) -> None:
    """Drop the run's records and the scores computed from them: outside a run, every month
    of the world is drawn, so a caller gets the same answer whatever ran before it."""
    _RUNS.pop(_key(world), None)
    _LOST.pop(_key(world), None)


def observe(world: World, label: int) -> None:
    """Mark month ``label`` as generated: its credit comes from recorded outcomes only.

    Called by the engine when it starts the month; every outcome of the month is recorded
    before the month is rated (ratings of a month are taken in the next one)."""
    _RUNS[_key(world)].observed.add(label)


def record(world: World, sanctioned: Sanctioned) -> None:
    """Charge each entity the points of its outcome in the month of the outcome's day."""
    if not len(sanctioned.entity):
        return
    run = _RUNS[_key(world)]
    size = len(market.register(world))
    days = np.asarray(sanctioned.day).astype("datetime64[D]")
    labels = days.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    points = SANCTION_POINTS[sanctioned.kind]
    for label in np.unique(labels).tolist():
        if label in run.observed and _LOST.get(_key(world), {}).get(label) is not None:
            raise RuntimeError(f"month {label} was scored before all its outcomes arrived")
        bucket = run.caught.setdefault(label, np.zeros(size))
        np.add.at(bucket, sanctioned.entity[labels == label], points)


def _key(world: World) -> tuple[int, int]:
    return world.seed, len(world.entities)


def lost_points(world: World, label: int) -> np.ndarray:
    """Points each entity has lost to penalties and failed inspections by the month's end.

    Carried month by month from ``market.HISTORY_START``; the last few months are kept, so a
    run that rates its months in order (and weighs inspection by the month before) does one
    step per month instead of replaying the history from the start.
    """
    reg = market.register(world)
    first = market.month_label(market.HISTORY_START)
    kept = _LOST.setdefault(_key(world), {})
    if label in kept:
        return kept[label]
    earlier = [done for done in kept if done < label]
    done = max(earlier) if earlier else first - 1
    points = kept[done] if earlier else np.zeros(len(reg))
    rates = _event_rates(world)
    run = _RUNS.get(_key(world), _RunLedger())
    for step in range(done + 1, label + 1):
        if step in run.observed:
            caught = run.caught.get(step, np.zeros(len(reg)))
        else:
            caught = _drawn(world.rng(Stream.CREDIT, step, 1), rates)
        points = _step(points, caught, reg.status_at_month_end(step))
    points.setflags(write=False)  # kept for later months: callers must not change it
    kept[label] = points
    for old in sorted(kept)[:-_KEPT_MONTHS]:
        del kept[old]
    return points


def _event_rates(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Monthly penalty and failed-inspection rates per registered entity."""
    reg = market.register(world)
    pool, n_pool = reg.entities, reg.n_pool
    case = pool.case_weight / pool.case_weight[:n_pool].mean()
    inspect = pool.inspect_weight / pool.inspect_weight[:n_pool].mean()
    return case * PENALTIES_PER_YEAR / 12, inspect * FAILED_INSPECTIONS_PER_YEAR / 12


def _drawn(rng: np.random.Generator, rates: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Points an unrecorded month (before the run) costs: outcomes drawn at their rates."""
    return PENALTY_POINTS * rng.poisson(rates[0]) + FAILED_POINTS * rng.poisson(rates[1])


def _step(points: np.ndarray, caught: np.ndarray, status: np.ndarray) -> np.ndarray:
    return np.where(status == market.UNREGISTERED, 0.0, points * FORGIVENESS + caught)


def scores(world: World, label: int) -> tuple[np.ndarray, np.ndarray]:
    """(rated entity indices, their scores 0-100) for one month: entities not closed by then."""
    reg = market.register(world)
    status = reg.status_at_month_end(label)
    rated = np.flatnonzero((status == market.OPERATING) | (status == market.ABNORMAL))
    rng = world.rng(Stream.CREDIT, label, 2)
    raw = (BASE_SCORE - PROPENSITY_POINTS * reg.propensity - lost_points(world, label)
           - ABNORMAL_POINTS * (status == market.ABNORMAL)
           + rng.normal(0.0, MONTHLY_NOISE, len(reg)))
    month_end = sampling.to_day(_month_first(label + 1)) - np.timedelta64(1, "D")
    young = reg.registered > month_end - np.timedelta64(PROBATION_MONTHS * 30, "D")
    raw = np.where(young, np.minimum(raw, THRESHOLDS[0] - 1), raw)
    return rated, np.clip(np.round(raw[rated]), 0, 100).astype(np.int64)


def classes(score: np.ndarray) -> np.ndarray:
    """Class index 0..3 (A..D) of each score."""
    return np.searchsorted(-np.array(THRESHOLDS), -score, side="left")


def inspection_weights(world: World, month: Month | date) -> np.ndarray:
    """What inspection could draw pool entities by in ``month``: the pool's inspection weight
    times a factor of last month's class, zero for entities closed or revoked by then.

    The engine passes it to ``inspection.generate_month`` in place of
    ``world.entities.inspect_weight`` (passed in, since this module imports inspection's
    volumes), so that planned and random supervision follows the class and skips entities
    that no longer exist.
    """
    label = _label(month) - 1
    pool_size = len(world.entities)
    rated, score = scores(world, label)
    factor = np.zeros(len(market.register(world)))
    factor[rated] = INSPECTION_FACTOR[classes(score)]
    return world.entities.inspect_weight * factor[:pool_size]


# --- frames ----------------------------------------------------------------------------------


def rating_frames(world: World, month: Month | date) -> dict[date, pl.DataFrame]:
    """The ratings of ``month`` by export day (the 1st-3rd of the next month), as export text:
    contract columns in contract order, one row per entity not closed by the month's end."""
    label = _label(month)
    reg = market.register(world)
    rated, score = scores(world, label)
    rng = world.rng(Stream.CREDIT, label, 3)
    n = len(rated)
    following = _month_first(label + 1)
    offset = rng.choice(len(EXPORT_DAY_P), size=n, p=EXPORT_DAY_P)
    rated_s = rng.integers(*BATCH_SECONDS, n)
    rated_at = (sampling.to_day(following) + offset.astype("timedelta64[D]")).astype(
        "datetime64[ms]") + rated_s.astype("timedelta64[s]")
    updated_at = rated_at + rng.integers(60, 1800, n).astype("timedelta64[s]")
    stamp = "%Y-%m-%d %H:%M:%S"
    frame = pl.DataFrame({
        "uscc": reg.entities.uscc[rated].tolist(),
        "rating_month": [_month_first(label).isoformat()] * n,
        "credit_class": np.array(CLASSES)[classes(score)].tolist(),
        "score": pl.Series(score).cast(pl.String),
        "rated_at": pl.Series(rated_at).dt.strftime(stamp),
        "updated_at": pl.Series(updated_at).dt.strftime(stamp),
        "_offset": offset,
    }).sort("updated_at", "uscc")
    return {following + timedelta(int(day)): part.drop("_offset")
            .select(CREDIT_RATINGS.column_names)
            for (day,), part in sorted(frame.partition_by("_offset", as_dict=True).items())}


def month_frames(world: World, month: Month) -> dict[date, pl.DataFrame]:
    """The engine's month loop: rating frames exported on the days of ``month`` (those of
    the previous month's ratings that fall inside the run)."""
    frames = rating_frames(world, _month_first(month.label - 1))
    return {day: frame for day, frame in frames.items() if day in month.days}


def _label(month: Month | date) -> int:
    return month.label if isinstance(month, Month) else market.month_label(month)


def _month_first(label: int) -> date:
    return date(label // 12, label % 12 + 1, 1)


# --- a columnar writer for any CSV contract --------------------------------------------------


def frame_of_rows(contract: TableContract, rows: list[Row]) -> pl.DataFrame:
    """Rows as export text, for a big batch of row dicts (a full-scale snapshot) that should
    go through ``frames.write_frame``: the same bytes as ``write_export``, much faster."""
    return pl.DataFrame({name: [csv_cell(row[name]) or None for row in rows]
                         for name in contract.column_names},
                        schema=dict.fromkeys(contract.column_names, pl.String))
