"""Who is visited on which day: the planned visits of a month, and the triggered ones.

The reform's headline figure is about the burden on an enterprise: an inspected entity
receives K visits on K distinct days, each led by a different department. Before the reform
K is about 6; as joint inspections take over, the same departments come together and K
falls to about 2.5. A triggered visit (a warning, a complaint, a drone finding, a first
post-licence inspection) is a visit of its entity like any other, so an entity triggered this
month is topped up with planned visits to its K first, on other days and by other
departments, and only the rest of the month's planned budget goes to entities drawn afresh
(by the credit-class weights). When the triggers alone outnumber what the budget can top up,
the top-ups are thinned and the burden falls below K: the month cannot be both that busy
with triggers and that concentrated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sources.simulator import sampling
from sources.simulator.handoffs import Trigger
from sources.simulator.world import World

LATE_MAX_DAYS = 30  # a late triggered visit comes at most this long after its due day
WEEKEND_KEPT = 0.2  # share of triggered visits drawn on a weekend that stay there
MAX_FRESH = 2.0  # an entity drawn afresh gets at most twice the month's target days


def visit_days_target(progress: float) -> float:
    """Distinct inspection days per inspected entity per month: 5–7 before, 2–3 after."""
    return 6.0 - 3.5 * progress


def late_share(progress: float) -> float:
    """Triggered visits made after their due day: one in five before, one in twenty after."""
    return 0.20 - 0.15 * progress


@dataclass(frozen=True)
class Visits:
    """Visits as columns: the entity, the day (index into the month, may run past it for a
    triggered visit) and the department leading it."""

    entity: np.ndarray
    day: np.ndarray
    lead: np.ndarray


def planned_visits(rng: np.random.Generator, world: World, day_weights: np.ndarray,
                   progress: float, budget: int, weights: np.ndarray, triggered: Visits
                   ) -> Visits:
    """About ``budget`` planned visits: top-ups of the triggered entities, then new ones."""
    n_days = len(day_weights)
    target = visit_days_target(progress)
    topped, busy, taken, top, thinned = _top_ups(rng, world, triggered, weights, target,
                                                 n_days, budget)
    fresh, per_fresh = _fresh(rng, triggered, weights, target, n_days,
                              0 if thinned else budget - int(top.sum()), int(top.sum()))
    visits = np.r_[top, visits_per_entity(rng, world, fresh, per_fresh, n_days)]
    chosen = np.r_[topped, fresh].astype(np.int64)
    blocked = np.r_[busy, np.zeros((len(fresh), n_days), dtype=bool)]
    owner, day = visit_days(rng, day_weights, visits, blocked)
    in_month = triggered.day[(triggered.day >= 0) & (triggered.day < n_days)]
    cover_all_days(day, n_days, np.bincount(in_month, minlength=n_days))
    lead = _leads(rng, world, progress, chosen, owner, day,
                  np.r_[taken, np.zeros((len(fresh), taken.shape[1]), dtype=bool)])
    return Visits(entity=chosen[owner], day=day, lead=lead)


def _fresh(rng: np.random.Generator, triggered: Visits, weights: np.ndarray, target: float,
           n_days: int, remaining: int, top_ups: int) -> tuple[np.ndarray, float]:
    """(entities drawn afresh by weight, their mean visit days) for the rest of the budget.

    Their number is steered so that the month's mean over every inspected entity is
    ``target``: triggered entities that got no top-up (an A-class one, a later registration)
    and those visited next month on a trigger of this one (as many as will come into this
    month from the last: a stateless estimate) count with their single days.
    """
    if remaining <= 0:
        return np.zeros(0, dtype=np.int64), target
    inside = (triggered.day >= 0) & (triggered.day < n_days)
    pairs = np.unique(triggered.entity[inside] * n_days + triggered.day[inside])
    entities = len(np.unique(pairs // n_days))
    spill = len(np.unique(triggered.entity[triggered.day >= n_days]))
    days = len(pairs) + top_ups + spill + remaining
    wanted = days / target - entities - spill
    per_fresh = float(np.clip(remaining / max(wanted, 1.0), 1.0,
                              min(MAX_FRESH * target, 0.6 * n_days)))
    candidates = weights.copy()
    candidates[triggered.entity[triggered.entity < len(candidates)]] = 0.0
    k = min(max(1, round(remaining / per_fresh)), int((candidates > 0).sum()))
    with np.errstate(divide="ignore"):
        fresh = sampling.top_k(rng, candidates, k) if k > 0 else np.zeros(0, dtype=np.int64)
    return fresh, per_fresh


def _top_ups(rng: np.random.Generator, world: World, triggered: Visits, weights: np.ndarray,
             target: float, n_days: int, budget: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """(entities, their trigger days, their triggering departments, planned visits to add,
    whether the top-ups had to be thinned to the budget).

    An entity is topped up with the chance its class weight gives relative to the pool's
    weight (always for B-D, about a third for A, never for a closed entity or one registered
    after the pool); the top-ups are thinned to the budget when they would exceed it.
    """
    n_depts = len(world.departments.codes)
    inside = (triggered.day >= 0) & (triggered.day < n_days) & (
        triggered.entity < len(weights))
    entity, inverse = np.unique(triggered.entity[inside], return_inverse=True)
    busy = np.zeros((len(entity), n_days), dtype=bool)
    busy[inverse, triggered.day[inside]] = True
    taken = np.zeros((len(entity), n_depts), dtype=bool)
    taken[inverse, triggered.lead[inside]] = True
    base = world.entities.inspect_weight[entity]
    chance = np.minimum(1.0, np.divide(weights[entity], base, out=np.zeros(len(entity)),
                                       where=base > 0))
    keep = (rng.random(len(entity)) < chance) & (weights[entity] > 0)
    entity, busy, taken = entity[keep], busy[keep], taken[keep]
    have = busy.sum(axis=1)
    top = np.clip(visits_per_entity(rng, world, entity, target, n_days) - have, 0, n_days - have)
    thinned = bool(top.sum() > budget)
    if thinned:
        top = np.minimum(sampling.stochastic_round(rng, top * budget / top.sum()), top)
    return entity, busy, taken, top, thinned


def visits_per_entity(rng: np.random.Generator, world: World, chosen: np.ndarray, target: float,
                      n_days: int) -> np.ndarray:
    """Visit days per chosen entity: mean ``target``, more in busy counties, ≥ 1 each."""
    if not len(chosen):
        return np.zeros(0, dtype=np.int64)
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


def visit_days(rng: np.random.Generator, weights: np.ndarray, visits: np.ndarray,
               blocked: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each entity, ``visits`` distinct days of the month favouring busy days and
    avoiding its ``blocked`` days (those it already has a triggered visit on)."""
    matrix = np.broadcast_to(weights, (len(visits), len(weights)))
    if blocked is not None:
        matrix = np.where(blocked, 0.0, matrix)
    order = sampling.ranked(rng, matrix)
    take = np.arange(len(weights))[None, :] < visits[:, None]
    owner = np.repeat(np.arange(len(visits)), visits)
    return owner, order[take]


def cover_all_days(day: np.ndarray, n_days: int, others: np.ndarray | None = None) -> None:
    """Move single visits from the busiest days to empty ones: every day gets an export.

    Nobody was visited on an empty day (``others`` counts the triggered visits), so a moved
    visit never lands on a day its entity already has and its distinct days are unchanged.
    """
    counts = np.bincount(day, minlength=n_days)
    total = counts + (others if others is not None else 0)
    for empty in np.flatnonzero(total == 0):
        busiest = int(np.argmax(counts))
        if counts[busiest] < 2:
            return
        moved = np.flatnonzero(day == busiest)[-1]
        day[moved] = empty
        counts[busiest] -= 1
        counts[empty] += 1


def visit_rank(owner: np.ndarray, day: np.ndarray) -> np.ndarray:
    """0 for an entity's first visit of the month, 1 for its second, and so on."""
    by_owner = np.lexsort((day, owner))
    sorted_owner = owner[by_owner]
    is_start = np.r_[True, sorted_owner[1:] != sorted_owner[:-1]]
    start = np.maximum.accumulate(np.where(is_start, np.arange(len(owner)), 0))
    rank = np.empty(len(owner), dtype=np.int64)
    rank[by_owner] = np.arange(len(owner)) - start
    return rank


def _leads(rng: np.random.Generator, world: World, progress: float, chosen: np.ndarray,
           owner: np.ndarray, day: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """The k-th planned visit of an entity this month is led by its k-th department, after
    those that came on a trigger: separate visits come from different departments, which is
    exactly the burden the reform removes."""
    depts = world.departments
    affinity = depts.affinity[world.entities.industry[chosen]]
    affinity[:, depts.index("ZHZF")] *= 1.0 + progress  # items move to the comprehensive bureau
    if taken.size:
        affinity[taken] = 0.0
    dept_order = sampling.ranked(rng, affinity)
    return dept_order[owner, visit_rank(owner, day) % len(depts.codes)]


# --- triggered visits ------------------------------------------------------------------------


@dataclass(frozen=True)
class Triggered:
    """The month's triggers as columns, with the day each is visited (index from the month's
    first day; it may fall in the next month)."""

    visits: Visits
    source: np.ndarray  # str
    ref: np.ndarray  # str
    partners: np.ndarray  # (n, width) department indices, -1 padded
    scripted: np.ndarray  # str, "" when not scripted


def triggered_visits(rng: np.random.Generator, first_day: date, triggers: list[Trigger],
                     progress: float) -> Triggered:
    """A visit per trigger: between the day it reaches inspection (never before the month)
    and its due day, or late by up to ``LATE_MAX_DAYS``; scripted ones are never late."""
    n = len(triggers)
    first = sampling.to_day(first_day)
    raised = np.array([t.raised.isoformat() for t in triggers], dtype="datetime64[D]")
    due = np.array([t.due.isoformat() for t in triggers], dtype="datetime64[D]")
    scripted = np.array([t.scripted_result or "" for t in triggers], dtype=object)
    begin = np.maximum(raised, first)
    due = np.maximum(due, begin)
    late = (rng.random(n) < late_share(progress)) & (scripted == "")
    span = np.where(late, LATE_MAX_DAYS, (due - begin).astype(np.int64) + 1)
    offset = np.floor(rng.random(n) ** 1.6 * span).astype(np.int64)
    day = np.where(late, due + 1, begin) + offset.astype("timedelta64[D]")
    day = _off_weekends(rng, day, np.where(late, due + 1, begin),
                        np.where(late, due + LATE_MAX_DAYS, due))
    width = max([3, *(len(t.partners) for t in triggers)])
    partners = np.full((n, width), -1, dtype=np.int64)
    for i, t in enumerate(triggers):
        partners[i, :len(t.partners)] = t.partners
    return Triggered(
        visits=Visits(entity=np.array([t.entity for t in triggers], dtype=np.int64),
                      day=(day - first).astype(np.int64),
                      lead=np.array([t.dept for t in triggers], dtype=np.int64)),
        source=np.array([t.source for t in triggers], dtype=object),
        ref=np.array([t.ref_id for t in triggers], dtype=object),
        partners=partners, scripted=scripted)


def _off_weekends(rng: np.random.Generator, day: np.ndarray, first: np.ndarray,
                  last: np.ndarray) -> np.ndarray:
    """Most weekend visits move to the Monday after, or the Friday before, within bounds."""
    weekday = (day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    move = (weekday >= 5) & (rng.random(len(day)) >= WEEKEND_KEPT)
    monday = day + (7 - weekday).astype("timedelta64[D]")
    friday = day - (weekday - 4).astype("timedelta64[D]")
    moved = np.where(monday <= last, monday, np.where(friday >= first, friday, day))
    return np.where(move, moved, day)
