"""The grid layer (网格) below the real towns, and the grid register the grid system exports.

Grids are where 一中心四平台一网格 meets the street: complaints and grid events are placed in a
grid so that cockpits can drill city → county → town → grid. The layer is built once per seed,
like the rest of the world, and does not depend on scale or dates. A town gets grids by its
population and kind: an urban subdistrict (街道) about one grid per 900 residents, a town (镇)
one per 550 and a township (乡) one per 400, which gives about 3,700 grids city-wide. Urban
grids are numbered (新新街道第012网格); rural ones are mostly villages (石门村网格).

The module also holds what the 12345 and grid-event generators share about residents'
reports: seasons, hours and days, which towns report most, and which business a report
concerns (``entity_in_town``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np

from sources import reference
from sources.simulator import sampling
from sources.simulator.city import INDUSTRIES, N_PEOPLE, STAFF_RESERVED
from sources.simulator.formats import Row
from sources.simulator.timeline import Month, day_weight
from sources.simulator.world import Stream, World

CITY_RESIDENTS = 2_276_184  # 2020 census
RESIDENTS_PER_GRID = {"街道": 900, "镇": 550, "乡": 400}
NUMBERED_SHARE = {"街道": 1.0, "镇": 0.2, "乡": 0.1}  # grids of the town seat's communities
CENTROID_SPREAD = {"街道": 0.012, "镇": 0.025, "乡": 0.035}  # degrees around the town centre
MEAN_WORKERS = {"街道": 4.5, "镇": 3.5, "乡": 2.8}  # cf. 杨汛桥: 87 grids, 348 grid staff
POINT_SPREAD = 0.003  # a matter lies within a few hundred metres of its grid's centroid
LAYER_LABEL = 0  # random-stream label of the layer (months use their absolute number)
SET_UP = (date(2017, 1, 1), date(2019, 12, 31))  # 全科网格 were set up in these years
SNAPSHOT_SECONDS = 20 * 60  # the register's full export is taken at 00:20
VILLAGE_FIRST = "石黄大小上下东西南北新老前后高长白青金杨山溪塘龙桥马枫柳桃"
VILLAGE_SECOND = "门坞坑岭源畈头口湾田坂垄墩埠岗底里边垅桥塘洋村庄林"


@dataclass(frozen=True)
class Grids:
    """All grids as columns, sorted by town index; a town's grids are contiguous."""

    code: np.ndarray  # U12: town code + 3 digits
    name: tuple[str, ...]
    town: np.ndarray  # town index (into world.geo.town_codes)
    county: np.ndarray  # county index
    lat: np.ndarray
    lon: np.ndarray
    workers: np.ndarray
    first_worker: np.ndarray  # person index of the grid's first worker; the others follow
    valid_from: np.ndarray  # datetime64[D]
    draw_key: np.ndarray  # town index + cumulative share of the town's residents

    def __len__(self) -> int:
        return len(self.code)


_CACHE: dict[int, Grids] = {}


def build_grids(world: World) -> Grids:
    """The grid layer of a world, built once per seed."""
    if world.seed not in _CACHE:
        if len(_CACHE) >= 4:
            _CACHE.clear()
        _CACHE[world.seed] = _build(world)
    return _CACHE[world.seed]


def grid_of(grids: Grids, town_idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A grid of each given town, drawn by the grids' shares of the town's residents."""
    town_idx = np.asarray(town_idx, dtype=np.int64)
    keys = town_idx + rng.random(len(town_idx))
    return np.searchsorted(grids.draw_key, keys, side="right")


def grid_points(grids: Grids, grid_idx: np.ndarray, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray]:
    """A location in each grid, rounded to a GPS fix's six decimals."""
    n = len(grid_idx)
    offset = np.clip(rng.normal(0.0, POINT_SPREAD, (2, n)), -3 * POINT_SPREAD, 3 * POINT_SPREAD)
    return (np.round(grids.lat[grid_idx] + offset[0], 6),
            np.round(grids.lon[grid_idx] + offset[1], 6))


def worker_of(grids: Grids, grid_idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Person index of one of each grid's workers: the same few names recur in a grid."""
    pick = np.floor(rng.random(len(grid_idx)) * grids.workers[grid_idx]).astype(np.int64)
    return grids.first_worker[grid_idx] + pick


def entity_in_town(world: World, town: np.ndarray, industry: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """A market entity of the given industry in each town (any of the town's if none)."""
    order, keys = _entity_index(world)
    width = len(INDUSTRIES)
    wanted = town * width + industry
    lo, hi = np.searchsorted(keys, wanted, "left"), np.searchsorted(keys, wanted, "right")
    empty = hi == lo
    lo = np.where(empty, np.searchsorted(keys, town * width, "left"), lo)
    hi = np.where(empty, np.searchsorted(keys, (town + 1) * width, "left"), hi)
    return order[lo + np.floor(rng.random(len(town)) * (hi - lo)).astype(np.int64)]


_ENTITY_INDEX: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def _entity_index(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Entities sorted by (town, industry), and that sort key: a town's entities by trade.

    Cached per (seed, pool size): worlds of one seed at two scales hold different pools.
    """
    cache_key = (world.seed, len(world.entities))
    if cache_key not in _ENTITY_INDEX:
        pool = world.entities
        keys = pool.town.astype(np.int64) * len(INDUSTRIES) + pool.industry
        order = np.argsort(keys, kind="stable")
        _ENTITY_INDEX.clear()
        _ENTITY_INDEX[cache_key] = (order, keys[order])
    return _ENTITY_INDEX[cache_key]


# ------------------------------------------------------------------------------------------
# Demand: when and where residents report things (12345 calls and grid events alike).

SEASONS = {  # relative volume by calendar month
    "flat": (1,) * 12,
    "summer": (0.8, 0.75, 0.85, 0.95, 1.05, 1.25, 1.45, 1.45, 1.2, 1.0, 0.85, 0.8),
    "flood": (0.3, 0.3, 0.6, 1.0, 1.6, 4.5, 3.5, 1.2, 0.8, 0.4, 0.3, 0.3),
    "year_end": (2.0, 1.3, 0.8, 0.75, 0.75, 0.8, 0.8, 0.8, 0.8, 0.9, 1.2, 1.8),
    "building": (0.8, 0.7, 1.2, 1.2, 1.1, 0.9, 0.9, 0.9, 1.1, 1.2, 1.1, 0.9),
    "dry": (1.6, 1.5, 1.2, 1.0, 0.8, 0.6, 0.6, 0.7, 0.9, 1.1, 1.3, 1.6),
}
# Reports per resident relative to the city: the urban core reports most.
COUNTY_RATE = {"330802": 1.35, "330803": 0.9, "330822": 1.0, "330824": 0.8, "330825": 1.0,
               "330881": 1.05}
HOUR_PROFILES = {  # when reports come in, by hour of the day
    "day": (0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 1.8, 3.2, 3.6, 3.4, 2.6, 1.8, 2.4, 3.2, 3.2, 2.8,
            2.2, 1.6, 1.6, 1.4, 1.0, 0.6, 0.4),
    "evening": (1.2, 0.6, 0.3, 0.2, 0.2, 0.4, 1.0, 1.6, 1.8, 1.8, 1.6, 1.4, 1.2, 1.4, 1.6, 1.6,
                1.6, 1.8, 2.2, 2.8, 3.4, 3.6, 3.0, 2.0),  # noise, fumes, neighbours
    "patrol": (0, 0, 0, 0, 0, 0, 0.2, 1.0, 3.0, 3.4, 3.2, 1.6, 0.6, 1.6, 3.0, 3.2, 2.6, 1.2,
               0.3, 0.2, 0.1, 0, 0, 0),  # grid workers on their rounds
}
PLACE_STEMS = ("荷花", "花园", "新安", "白云", "信安", "锦绣", "阳光", "金色", "和平", "人民",
               "解放", "县学", "天宁", "礼贤", "江滨", "南湖", "东港", "书院", "紫薇", "柳营")
PLACE_SUFFIXES = ("小区", "花园", "路", "街", "市场", "广场", "新村", "公寓")


@cache
def season(kind: str) -> np.ndarray:
    """Monthly multipliers of a season kind, averaging 1 over the year."""
    values = np.array(SEASONS[kind], dtype=float)
    return values / values.mean()


def day_weights(days: tuple[date, ...] | list[date]) -> np.ndarray:
    """Residents report every day: weekends and holidays are quieter, not silent."""
    return np.sqrt([day_weight(d, "reactive") for d in days])


@cache
def _year_weight(year: int) -> float:
    first = date(year, 1, 1)
    return float(day_weights([first + timedelta(n) for n in
                              range((date(year + 1, 1, 1) - first).days)]).sum())


def expected_reports(month: Month, per_year: float, growth: float) -> float:
    """A yearly volume spread over the month's days, with a yearly trend around 2021."""
    trend = 1.0 + growth * (month.year - 2021)
    return per_year * float(day_weights(month.days).sum()) / _year_weight(month.year) * trend


def report_days(rng: np.random.Generator, month: Month, n: int) -> np.ndarray:
    """Day offsets within the month of ``n`` reports."""
    weights = day_weights(month.days)
    return rng.choice(len(month.days), size=n, p=weights / weights.sum())


def report_seconds(rng: np.random.Generator, profile: np.ndarray) -> np.ndarray:
    """Seconds after midnight of reports, each by its hour profile (``HOUR_PROFILES``)."""
    result = np.zeros(len(profile), dtype=np.int64)
    for name, weights in HOUR_PROFILES.items():
        rows = np.flatnonzero(profile == name)
        hours = rng.choice(24, len(rows), p=np.array(weights) / sum(weights))
        result[rows] = hours * 3600 + rng.integers(0, 3600, len(rows))
    return result


def report_towns(rng: np.random.Generator, world: World, n: int) -> np.ndarray:
    """Towns of ``n`` reports: by residents, more per resident in the urban core."""
    geo = world.geo
    weight = geo.town_weight * np.array([COUNTY_RATE[c] for c in geo.county_codes])[
        geo.town_county]
    return rng.choice(len(geo.town_codes), size=n, p=weight / weight.sum())


def weight_matrix(rows: list[dict[str, float]], codes: tuple[str, ...]) -> np.ndarray:
    """(len(rows), len(codes)) weights from one {code: weight} dict per row, 0 elsewhere."""
    matrix = np.zeros((len(rows), len(codes)))
    for row, weights in enumerate(rows):
        for code, weight in weights.items():
            matrix[row, codes.index(code)] = weight
    return matrix


# ------------------------------------------------------------------------------------------
# The register export.


def grid_rows(world: World, start: date) -> dict[date, list[Row]]:
    """The register's full snapshot, exported on the scenario's first day."""
    grids = build_grids(world)
    geo = world.geo
    valid = np.minimum(grids.valid_from, sampling.to_day(start))
    stamp = sampling.timestamp_strings(np.full(len(grids), sampling.to_day(start)),
                                       np.full(len(grids), SNAPSHOT_SECONDS))
    rows: list[Row] = [
        {
            "grid_code": code, "grid_name": name, "town_code": geo.town_codes[town],
            "county_code": geo.county_codes[county], "latitude": lat, "longitude": lon,
            "grid_workers": workers, "valid_from": since, "updated_at": updated,
        }
        for code, name, town, county, lat, lon, workers, since, updated in zip(
            grids.code.tolist(), grids.name, grids.town.tolist(), grids.county.tolist(),
            grids.lat.tolist(), grids.lon.tolist(), grids.workers.tolist(),
            sampling.date_strings(valid), stamp, strict=True,
        )
    ]
    return {start: rows}


def _town_kind(name: str) -> str:
    return next((kind for kind in RESIDENTS_PER_GRID if name.endswith(kind)), "镇")


def _build(world: World) -> Grids:
    rng = world.rng(Stream.GRID, LAYER_LABEL)
    geo = world.geo
    names = {place.code: place.name_zh for place in reference.towns()}
    town_names = [names[code] for code in geo.town_codes]
    kinds = [_town_kind(name) for name in town_names]
    residents = geo.town_weight * CITY_RESIDENTS
    per_grid = np.array([RESIDENTS_PER_GRID[k] for k in kinds])
    counts = np.clip(np.round(residents / per_grid * rng.uniform(0.85, 1.15, len(kinds))),
                     6, 999).astype(np.int64)
    town = np.repeat(np.arange(len(kinds)), counts)
    n = len(town)
    seq = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    spread = np.array([CENTROID_SPREAD[k] for k in kinds])[town]
    share = rng.lognormal(0.0, 0.35, n)
    share /= np.bincount(town, weights=share)[town]
    # Each town's shares sum to 1, so the running sum passes k + 1 at the end of town k.
    draw_key = np.cumsum(share)
    draw_key[np.cumsum(counts) - 1] = np.arange(len(kinds)) + 1.0  # exact town boundaries
    mean_workers = np.array([MEAN_WORKERS[k] for k in kinds])[town]
    workers = np.clip(2 + rng.poisson(mean_workers - 2), 1, 12)
    residents_pool = N_PEOPLE - STAFF_RESERVED - 20
    first, last = (np.datetime64(d.isoformat(), "D") for d in SET_UP)
    return Grids(
        code=np.array([f"{geo.town_codes[t]}{s:03d}" for t, s in zip(town.tolist(),
                                                                   seq.tolist(), strict=True)]),
        name=tuple(_names(rng, town_names, kinds, counts)),
        town=town, county=geo.town_county[town],
        lat=np.round(geo.town_lat[town] + rng.uniform(-1, 1, n) * spread, 6),
        lon=np.round(geo.town_lon[town] + rng.uniform(-1, 1, n) * spread, 6),
        workers=workers,
        first_worker=rng.integers(0, residents_pool, n),
        valid_from=first + rng.integers(0, int((last - first).astype(int)) + 1, n),
        draw_key=draw_key,
    )


def _names(rng: np.random.Generator, town_names: list[str], kinds: list[str],
           counts: np.ndarray) -> list[str]:
    """Numbered community grids first, then village grids with distinct village names."""
    result: list[str] = []
    combos = [a + b for a in VILLAGE_FIRST for b in VILLAGE_SECOND if a != b]
    for town_name, kind, count in zip(town_names, kinds, counts.tolist(), strict=True):
        numbered = max(1, round(count * NUMBERED_SHARE[kind]))
        result += [f"{town_name}第{k:03d}网格" for k in range(1, numbered + 1)]
        villages = rng.choice(len(combos), size=count - numbered, replace=False)
        result += [f"{combos[v]}村网格" for v in villages.tolist()]
    return result
