"""线索中心: the clue centre of unified case handling, one month of clues as columns.

Every clue another system hands over (``handoffs.Clue``: an inspection task, a 12345 ticket, a
drone finding, a warning, a grid event) is received on its ``handed_over`` day and assessed
days later: filed as a case (about 80%, more for inspection clues, which an inspector has
already verified on site), not filed, transferred to another authority (移送), or merged into
a case already open (并案). The enforcement generator files the cases on the assessment day.
Clues registered by the bureau itself (a superior's instruction, an officer's patrol, and the
other sources of the random remainder of cases) are assessed and filed the same way, plus a
share that is not filed, so the filing rate reads the same whichever way a clue came in.

A few clues lie unassessed past the 15-day limit; the reform makes assessment faster and such
lapses rarer. Those are what oversight flags as inaction (``oversight``). All random draws of
the clue centre come from ``Stream.CLUES``.

The module also scripts story 2 of the seed article: on patrol in 齐溪镇, inside the national
park, 开化县“环国家公园”综合行政执法队 finds bamboo felled (毛竹盗伐); the clue is filed the same
morning as a forestry case against a villager and decided in three days (快速处置). Its clue
and case numbers are constants, so tests and the warehouse can trace it at every scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from sources.simulator import case_events as ce
from sources.simulator import grid_events as fx
from sources.simulator import market, sampling
from sources.simulator import warnings_story as fume_story
from sources.simulator.city import N_PEOPLE, STAFF_RESERVED
from sources.simulator.handoffs import Clue
from sources.simulator.items import item_index
from sources.simulator.timeline import Month, day_weight
from sources.simulator.world import Stream, World
from sources.systems.enforcement import ASSESSMENT_LIMIT_DAYS, CLUES

DAY = 86_400
SOURCES = ("INSPECTION", "COMPLAINT", "DRONE", "WARNING", "SUPERIOR", "GRID", "PATROL")
ASSESSMENTS = ("FILED", "NOT_FILED", "TRANSFERRED", "MERGED")
FILED, NOT_FILED, TRANSFERRED, MERGED = range(4)
# Share of clues filed, per source; the rest split into not filed / transferred / merged.
FILED_SHARE = np.array([0.93, 0.78, 0.76, 0.80, 0.90, 0.74, 0.85])
REST_SPLIT = np.array([0.60, 0.25, 0.15])
MEAN_DAYS = np.array([1.5, 3.0, 2.5, 2.0, 1.0, 3.0, 0.5])  # to assess, before the reform
SLOW_SHARE = (0.015, 0.004)  # assessed after the 15-day limit: before / after the reform
LATEST_ASSESSMENT_DAYS = 45  # the slowest clue is assessed this many days after receipt
LOCAL_PREFIX = ("JC", "TS", "WR", "YJ", "SJ", "WG", "XC")  # local clue numbers, per source
Columns = dict[str, np.ndarray]


def handed_over(rng: np.random.Generator, world: World, month: Month, clues: list[Clue],
                progress: float) -> Columns:
    """The clues other systems handed over, received and assessed (``case`` still unset)."""
    n = len(clues)
    source = np.array([SOURCES.index(c.source) for c in clues], dtype=np.int64)
    entity = np.array([c.entity for c in clues], dtype=np.int64)
    first = fx.epoch_seconds(month.days[0]) // DAY
    day = np.array([c.handed_over.toordinal() - fx.EPOCH_DAY for c in clues], dtype=np.int64)
    received = np.maximum(day, first) * DAY + sampling.office_seconds(rng, n)
    delay = assessment_delays(rng, source, progress)
    same_day = received + rng.integers(600, 7_200, n)
    assessed = np.where(delay == 0, same_day,
                        (received // DAY + delay) * DAY + sampling.office_seconds(rng, n))
    outcome = outcomes(rng, source)
    story = scripted(world, clues)  # filed on receipt, whatever the draws said
    assessed[story], outcome[story] = same_day[story], FILED
    return {
        "clue_id": np.array([f"XS{c.ref_id}" for c in clues], dtype=object),
        "source": source, "ref": np.array([c.ref_id for c in clues], dtype=object),
        "entity": entity, "business": np.ones(n, dtype=bool),
        "town": market.register(world).entities.town[entity],
        "dept": np.array([c.dept for c in clues], dtype=np.int64),
        "received": received, "assessed": assessed,
        "outcome": outcome, "case": np.full(n, -1, dtype=np.int64),
    }


def scripted(world: World, clues: list[Clue]) -> np.ndarray:
    """The clue of scripted story 1 (the cooking-fume lane, ``warnings_story``): the joint
    inspection of the lane's first restaurant, between the warning and its due day. The
    clue does not say it is scripted, so it is recognised by its task's entity and dates."""
    restaurants = fume_story.story_restaurants(world)
    if not len(restaurants):
        return np.zeros(len(clues), dtype=bool)
    first = int(restaurants[0])
    return np.array([c.source == "INSPECTION" and c.entity == first
                     and fume_story.STORY_DAY <= c.found <= fume_story.STORY_DUE
                     for c in clues], dtype=bool)


def assessment_delays(rng: np.random.Generator, source: np.ndarray, progress: float
                      ) -> np.ndarray:
    """Whole days from receipt to assessment; the reform cuts them by 40%."""
    n = len(source)
    quick = np.minimum(np.floor(rng.exponential(MEAN_DAYS[source] * (1 - 0.4 * progress))),
                       ASSESSMENT_LIMIT_DAYS)
    slow_share = SLOW_SHARE[0] + (SLOW_SHARE[1] - SLOW_SHARE[0]) * progress
    slow = rng.random(n) < slow_share
    late = rng.integers(ASSESSMENT_LIMIT_DAYS + 1, LATEST_ASSESSMENT_DAYS + 1, n)
    return np.where(slow, late, quick).astype(np.int64)


def outcomes(rng: np.random.Generator, source: np.ndarray) -> np.ndarray:
    """FILED with the source's share, otherwise not filed, transferred or merged."""
    filed = rng.random(len(source)) < FILED_SHARE[source]
    rest = 1 + rng.choice(3, size=len(source), p=REST_SPLIT)
    return np.where(filed, FILED, rest).astype(np.int64)


def local(rng: np.random.Generator, month: Month, cases: Columns, progress: float
          ) -> Columns:
    """Clues registered by the bureau: one behind each random case that has a clue, filed
    the same day, and about a fifth more that were not filed."""
    with_clue = np.flatnonzero(cases["local_clue"])
    filed = cases["filed"][with_clue]
    source = cases["source"][with_clue]
    assessed = filed - rng.integers(60, 1_200, len(with_clue))
    gap = assessment_delays(rng, source, progress) * DAY + rng.integers(600, 7_200, len(source))
    floor = fx.epoch_seconds(month.days[0]) + sampling.DAY_START - 3_600
    behind = _columns(cases, with_clue, np.maximum(assessed - gap, floor), assessed,
                      np.full(len(with_clue), FILED), with_clue)
    pool = np.flatnonzero(cases["random"])
    extra = rng.choice(pool, size=rng.poisson(0.22 * len(with_clue)) if len(pool) else 0)
    weights = np.array([day_weight(d, "reactive") for d in month.days])
    day = rng.choice(len(month.days), size=len(extra), p=weights / weights.sum())
    received = (fx.epoch_seconds(month.days[0]) + day * DAY
                + sampling.office_seconds(rng, len(extra)))
    delay = assessment_delays(rng, cases["source"][extra], progress)
    later = (received // DAY + delay) * DAY + sampling.office_seconds(rng, len(extra))
    assessed = np.where(delay == 0, received + rng.integers(600, 7_200, len(extra)), later)
    unfiled = 1 + rng.choice(3, size=len(extra), p=REST_SPLIT)
    others = _columns(cases, extra, received, assessed, unfiled, np.full(len(extra), -1))
    result = concat([behind, others])
    yyyymm = month.yyyymm
    result["clue_id"] = np.array(
        [f"XS{yyyymm}{LOCAL_PREFIX[s]}{i:06d}"
         for i, s in enumerate(result["source"].tolist(), start=1)], dtype=object)
    return result


def _columns(cases: Columns, rows: np.ndarray, received: np.ndarray, assessed: np.ndarray,
             outcome: np.ndarray, case: np.ndarray) -> Columns:
    """Clue columns copied from the cases at ``rows`` (place, party, department, source)."""
    return {
        "clue_id": np.full(len(rows), None, dtype=object), "source": cases["source"][rows],
        "ref": np.full(len(rows), None, dtype=object), "entity": cases["entity"][rows],
        "business": cases["business"][rows], "town": cases["town"][rows],
        "dept": cases["dept"][rows], "received": received.astype(np.int64),
        "assessed": assessed.astype(np.int64), "outcome": outcome.astype(np.int64),
        "case": case.astype(np.int64),
    }


def concat(parts: list[Columns]) -> Columns:
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def link_merged(world: World, clues: Columns, cases: Columns) -> None:
    """A merged clue joins the latest case of its department in its county filed before its
    assessment; with no such case in the month it was simply not filed."""
    merged = np.flatnonzero(clues["outcome"] == MERGED)
    if not len(merged):
        return
    county = world.geo.town_county
    n_counties = len(world.geo.county_codes)
    group = cases["dept"] * n_counties + county[cases["town"]]
    wanted_group = clues["dept"][merged] * n_counties + county[clues["town"][merged]]
    span = np.int64(1) << 40
    keys = group.astype(np.int64) * span + cases["filed"]
    order = np.argsort(keys, kind="stable")
    at = np.searchsorted(keys[order], wanted_group * span + clues["assessed"][merged]) - 1
    target = order[np.maximum(at, 0)]
    found = (at >= 0) & (group[target] == wanted_group)
    clues["case"][merged] = np.where(found, target, -1)
    clues["outcome"][merged[~found]] = NOT_FILED


def state_rows(world: World, clues: Columns, case_no: np.ndarray, end_s: int) -> pl.DataFrame:
    """One row per clue and day its state changed: received, then assessed."""
    times = np.stack([clues["received"], clues["assessed"]], axis=1)
    row, stage = fx.last_per_day(times, np.ones(times.shape, dtype=bool), end_s)
    pool, geo = market.register(world).entities, world.geo  # clues may name new businesses
    uscc = pool.uscc[clues["entity"]].astype(object)
    reference = np.full(len(clues["case"]), None, dtype=object)
    linked = np.flatnonzero(clues["case"] >= 0)
    reference[linked] = case_no[clues["case"][linked]]
    frame = pl.DataFrame({
        "clue_id": ce.strings(clues["clue_id"]),
        "clue_source": ce.labels(SOURCES, clues["source"]),
        "source_ref": ce.strings(clues["ref"]),
        "received_at": fx.datetimes(clues["received"]),
        "entity_uscc": ce.strings(np.where(clues["business"], uscc, None)),
        "dept_code": ce.labels(world.departments.codes, clues["dept"]),
        "county_code": ce.labels(geo.county_codes, geo.town_county[clues["town"]]),
        "town_code": ce.labels(geo.town_codes, clues["town"]),
        "assessment": ce.labels(ASSESSMENTS, clues["outcome"]),
        "assessed_at": fx.datetimes(clues["assessed"]),
        "case_no": ce.strings(reference),
    })[row]
    assessed = pl.Series(stage == 1)
    return frame.with_columns(
        *(pl.when(assessed).then(pl.col(name)).otherwise(None).alias(name)
          for name in ("assessment", "assessed_at", "case_no")),
        ce.labels(("RECEIVED", "ASSESSED"), stage).alias("status"),
        fx.datetimes(times[row, stage]).alias("updated_at"),
    ).select(CLUES.column_names)


# --- scripted story 2: the bamboo theft in the national park (毛竹盗伐, seed line 47) --------

STORY_DAY = date(2022, 4, 12)  # a Tuesday, four weeks after the park team was founded
STORY_TOWN = "330824109"  # 齐溪镇, at the source of the Qiantang, inside 钱江源国家公园
STORY_CLUE_ID = "XS202204XC990001"  # numbers of a block random clues and cases never reach
STORY_CASE_NO = "AJ202204990001"
STORY_FINE = 4_000.0  # five times the value of the bamboo felled (《森林法》第七十六条)
STORY_RECEIVED, STORY_ASSESSED = (0, "09:35:00"), (0, "10:40:00")
# (stage, day after the patrol, time, note): filed at once, decided in three days (快速处置)
STORY_STAGES = (
    ("FILED", 0, "10:50:00", "环国家公园执法队巡查发现国家公园范围内毛竹被盗伐，当日立案"),
    ("INVESTIGATED", 1, "15:10:00",
     "会同钱江源国家公园管理局、县林业局现场勘验，核定盗伐毛竹数量和价值"),
    ("LEGAL_REVIEW", 2, "10:05:00", "法制审核：县级"),
    ("NOTICE", 2, "14:30:00", "送达行政处罚事先告知书，当事人放弃陈述、申辩"),
    ("DECIDED", 3, "10:00:00", "快速处置：责令补种毛竹，并处盗伐林木价值五倍罚款"),
    ("SERVED", 3, "10:30:00", "直接送达"),
    ("EXECUTED", 3, "16:20:00", "通过银行缴纳罚款"),
    ("CLOSED", 6, "09:40:00", "执行完毕，结案"),
)
STORY_NOTES: tuple[str | None, ...] = (None, *(note for *_, note in STORY_STAGES))


@dataclass(frozen=True)
class Scripted:
    """A scripted case with its clue, in the shapes the generators use (one row each)."""

    case: Columns
    clue: Columns
    days: np.ndarray  # (1, stages) epoch days, -1 where absent
    present: np.ndarray
    times: np.ndarray  # (1, stages) epoch seconds
    notes: np.ndarray  # (1, stages) indices into ``STORY_NOTES``


def _at(offset: int, clock: str) -> int:
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return fx.epoch_seconds(STORY_DAY) + offset * DAY + hours * 3600 + minutes * 60 + seconds


def month_story(world: World, month: Month) -> Scripted | None:
    """The bamboo-theft case when its day is in ``month`` (every scale), else ``None``."""
    if STORY_DAY not in month.days:
        return None
    stages = [ce.S[name] for name, *_ in STORY_STAGES]
    times = np.full((1, len(ce.STAGES)), -1, dtype=np.int64)
    times[0, stages] = [_at(offset, clock) for _, offset, clock, _ in STORY_STAGES]
    notes = np.zeros((1, len(ce.STAGES)), dtype=np.int64)
    notes[0, stages] = np.arange(1, len(stages) + 1)
    present = times >= 0
    days = np.where(present, times // DAY, -1)
    town = world.geo.town_codes.index(STORY_TOWN)
    dept = world.departments.index("ZHZF")
    one = np.ones(1, dtype=bool)
    case: Columns = {
        "source": np.array([SOURCES.index("PATROL")]), "business": ~one, "sole": ~one,
        "entity": np.zeros(1, dtype=np.int64), "town": np.array([town]),
        "person": np.array([_villager(world)]), "dept": np.array([dept]), "simple": ~one,
        "phone": one, "clue_id": np.array([STORY_CLUE_ID], dtype=object),
        "filed": times[:, ce.S["FILED"]], "case_no": np.array([STORY_CASE_NO], dtype=object),
        "decision": np.array([ce.PENALTY]), "fine": np.array([STORY_FINE]),
        "to_decision": np.array([3]), "to_closing": np.array([3]), "enforced": ~one,
        "extended": ~one, "ext_off": np.array([-1]), "served_off": np.array([0]),
        "paid": one, "paid_off": np.array([0]), "hearing": ~one,
        "item": np.array([story_item_code(world.seed)], dtype=object),
        "team": np.array([ce.park_team_id(world)], dtype=object),
        "review": np.array([ce.REVIEW_TIERS.index("COUNTY")]),
    }
    clue: Columns = {
        "clue_id": case["clue_id"], "source": case["source"],
        "ref": np.array([None], dtype=object), "entity": case["entity"],
        "business": ~one, "town": case["town"], "dept": case["dept"],
        "received": np.array([_at(*STORY_RECEIVED)]), "assessed": np.array([_at(*STORY_ASSESSED)]),
        "outcome": np.array([FILED]), "case": np.zeros(1, dtype=np.int64),
    }
    return Scripted(case, clue, days, present, times, notes)


def _villager(world: World) -> int:
    """The party: a resident born in 开化县 (never one of the enforcement staff)."""
    kaihua = world.geo.county_codes.index(STORY_TOWN[:6])
    residents = np.flatnonzero(world.people.county[:N_PEOPLE - STAFF_RESERVED] == kaihua)
    return int(residents[world.rng(Stream.STORIES, 1).integers(len(residents))])


def story_item_code(seed: int) -> str:
    """The forestry penalty item applied: the first one on the comprehensive list by the
    story's day (the park team is a comprehensive team), else the first one listed."""
    index = item_index(seed)
    forestry = sorted(i for i, (domain, kind, listed) in enumerate(zip(
        index.domain, index.item_type, index.listed, strict=True))
        if domain == "FORESTRY" and kind == "PENALTY" and listed <= STORY_DAY)
    moved = [i for i in forestry if (index.comprehensive_from[i] or date.max) <= STORY_DAY]
    return index.code[(moved or forestry)[0]]
