"""The early-warning system's register of sensors and models, built once per world.

About 1,500 devices were online in early 2020 (river gauges, outfall monitors, a first round
of fume and smoke detectors); the reform's IoT roll-out brought the register to about 6,000 by
mid-2022 (``warnings_kinds.KINDS`` counts, ``ROLL_OUT`` timing). The register is structure,
not volume: the same devices exist at every scale, installed on the same days in the same
towns. Only the business a device sits with depends on the scale's entity pool (a demo pool
is 1% of the city, so several devices may name the same business); a device whose town has
no business of its trade in the pool is a public-space one. Models run county-wide on the
city's data and have no place of their own.

Devices go offline now and then (no heartbeat for days) and are eventually removed; every
such change is a state row of the register export, and a device raises warnings only on days
it is installed and online (``activity``). The scripted story's lane monitor is part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sources import reference
from sources.simulator import grids as gl
from sources.simulator import sampling
from sources.simulator import warnings_story as story
from sources.simulator.formats import Row
from sources.simulator.histories import History, export_histories
from sources.simulator.timeline import day_weight, months, reform_progress
from sources.simulator.warnings_kinds import (
    FIRST_INSTALL,
    KIND_INDEX,
    KINDS,
    LATE_END,
    LATE_GROWTH,
    MODEL_KINDS,
    ROLL_OUT,
    TRADES,
    WARNINGS_PER_YEAR,
    WATER,
    industry_matrix,
)
from sources.simulator.world import Stream, World
from sources.systems.warnings import SENSORS

EPOCH = date(1970, 1, 1).toordinal()
DAY = 86_400
NEVER = 10**6  # epoch day of "not removed"
HORIZON = date(2025, 12, 31)  # offline spells and removals are drawn up to here
OFFLINE_PER_YEAR = 1.0  # spells without heartbeat per device and year
MEAN_LIFETIME_YEARS = 40.0
MODEL_WINDOWS = {"ABNORMAL_OPERATION": (date(2021, 3, 1), date(2021, 6, 30)),
                 "HAZCHEM_RISK": (date(2020, 10, 8), date(2021, 1, 29))}
TUNING = 0.4  # share of warnings per device the reform's threshold tuning removes
RIVERS = ("衢江", "常山港", "江山港", "乌溪江", "灵山港", "芝溪", "马金溪", "池淮溪", "铜山源",
          "庙下溪")


def ordinal(day: date) -> int:
    """Epoch day of a date (days since 1970-01-01)."""
    return day.toordinal() - EPOCH


def from_ordinal(day: int) -> date:
    return date.fromordinal(EPOCH + int(day))


@dataclass(frozen=True)
class Register:
    """Devices and models as columns; days are epoch days, spells are inclusive."""

    ids: np.ndarray
    names: tuple[str, ...]
    kind: np.ndarray
    county: np.ndarray
    town: np.ndarray  # -1: a county-wide model
    entity: np.ndarray  # pool index of the business monitored, -1: none
    lat: np.ndarray  # nan for models
    lon: np.ndarray
    installed: np.ndarray
    install_second: np.ndarray
    removed: np.ndarray  # NEVER when still in service at the horizon
    remove_second: np.ndarray
    propensity: np.ndarray  # how often a device fires relative to its kind's average
    threshold: np.ndarray
    off_sensor: np.ndarray  # offline spells: device, day the heartbeat was lost, day back
    off_first: np.ndarray
    off_back: np.ndarray
    off_second: np.ndarray  # time of day the heartbeat was lost / came back
    on_second: np.ndarray
    rate: np.ndarray  # per kind: warnings per unit of ``intensity`` at full scale

    def __len__(self) -> int:
        return len(self.ids)


_CACHE: dict[tuple[int, int], Register] = {}


def register(world: World) -> Register:
    """The register of a world, built once per seed and pool."""
    key = (world.seed, len(world.entities))
    if key not in _CACHE:
        if len(_CACHE) >= 4:
            _CACHE.clear()
        _CACHE[key] = _build(world)
    return _CACHE[key]


def export_rows(world: World, start: date, end: date) -> dict[str, dict[date, list[Row]]]:
    """The register's export: a snapshot on ``start``, then a row per device and day of change."""
    reg = register(world)
    return {SENSORS.table_name: export_histories(_histories(world, reg), start, end)}


def activity(reg: Register, first: int, n_days: int) -> np.ndarray:
    """(devices, days) from epoch day ``first``: installed (from the next day), not removed,
    and online all day (a spell's first day and the day it came back count as offline)."""
    days = first + np.arange(n_days)
    active = (reg.installed[:, None] < days) & (days < reg.removed[:, None])
    hit = (reg.off_first <= days[-1]) & (reg.off_back >= first)
    diff = np.zeros((len(reg), n_days + 1), dtype=np.int64)
    np.add.at(diff, (reg.off_sensor[hit], np.clip(reg.off_first[hit] - first, 0, n_days)), 1)
    np.add.at(diff, (reg.off_sensor[hit], np.clip(reg.off_back[hit] - first + 1, 0, n_days)), -1)
    return active & (np.cumsum(diff[:, :-1], axis=1) == 0)


def intensity(reg: Register, days: list[date], month: int, progress: float) -> np.ndarray:
    """(devices, days) relative chance of a warning: online devices by propensity, season,
    the building-site calendar for dust, and the reform's tuning of thresholds."""
    season = np.array([gl.season(kind.season)[month - 1] for kind in KINDS])
    site = np.array([day_weight(d, "reactive") for d in days])
    by_day = np.where(np.array([kind.site_calendar for kind in KINDS])[:, None], site, 1.0)
    weight = (reg.propensity * season[reg.kind])[:, None] * by_day[reg.kind]
    return activity(reg, ordinal(days[0]), len(days)) * weight * (1.0 - TUNING * progress)


def _calibrate(reg: Register) -> np.ndarray:
    """Warnings per unit of intensity per kind, so that 2021 holds ``WARNINGS_PER_YEAR``
    split by the kinds' shares; other years follow the register and the tuning."""
    totals = np.zeros(len(KINDS))
    for month in months(date(2021, 1, 1), date(2021, 12, 31)):
        lam = intensity(reg, list(month.days), month.month, reform_progress(month))
        totals += np.bincount(reg.kind, weights=lam.sum(axis=1), minlength=len(KINDS))
    shares = np.array([kind.share for kind in KINDS])
    return WARNINGS_PER_YEAR * shares / np.maximum(totals, 1e-9)


def _build(world: World) -> Register:
    parts = [_devices(world, k) for k in range(len(KINDS)) if k not in MODEL_KINDS]
    parts += [_models(world), _story_device(world)]
    cols = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    ids = _numbers(world, cols)
    rng = world.rng(Stream.WARNINGS, 0, len(KINDS) + 2)
    spells = _offline_spells(rng, cols)
    reg = Register(ids=ids, names=tuple(_names(world, cols)), off_sensor=spells[0],
                   off_first=spells[1], off_back=spells[2], off_second=spells[3],
                   on_second=spells[4], rate=np.zeros(len(KINDS)),
                   **{name: cols[name] for name in (
                       "kind", "county", "town", "entity", "lat", "lon", "installed",
                       "install_second", "removed", "remove_second", "propensity",
                       "threshold")})
    return Register(**{**vars(reg), "rate": _calibrate(reg)})


def _install_days(rng: np.random.Generator, counts: tuple[int, int]) -> np.ndarray:
    """Epoch days of a kind's installations along the roll-out curve, on working days."""
    first, mid = counts
    days = [ordinal(FIRST_INSTALL), *(ordinal(d) for d, _ in ROLL_OUT), ordinal(LATE_END)]
    levels = [0.0, *(first + share * (mid - first) for _, share in ROLL_OUT),
              mid * (1.0 + LATE_GROWTH)]
    total = int(round(levels[-1]))
    installed = np.floor(np.interp(np.arange(total) + rng.random(total), levels, days))
    return _working(installed.astype(np.int64))


def _working(days: np.ndarray) -> np.ndarray:
    """Saturdays and Sundays move to the Monday (1970-01-01 was a Thursday)."""
    weekday = (days + 3) % 7
    return days + np.where(weekday >= 5, 7 - weekday, 0)


def _devices(world: World, k: int) -> dict[str, np.ndarray]:
    """One kind's devices: when and where installed, with which business, set to what."""
    rng = world.rng(Stream.WARNINGS, 0, k)
    kind, geo = KINDS[k], world.geo
    installed = _install_days(rng, kind.counts)
    n = len(installed)
    street = np.array([name.endswith("街道") for name in _town_names(world)])
    weights = np.ones(len(street)) if kind.urban == 0 else (
        geo.town_weight * np.where(street, kind.urban, 1.0))
    town = rng.choice(len(street), size=n, p=weights / weights.sum())
    trades = industry_matrix()[k]
    industry = rng.choice(len(trades), size=n, p=trades / trades.sum())
    entity = match_entity(world, town, industry, rng)
    entity[rng.random(n) >= kind.attached] = -1
    spread = np.where(entity >= 0, 0.0003, np.where(street[town], 0.01, 0.025))
    jitter = np.clip(rng.normal(0.0, 1.0, (2, n)), -3, 3) * spread
    base_lat = np.where(entity >= 0, world.entities.lat[entity], geo.town_lat[town])
    base_lon = np.where(entity >= 0, world.entities.lon[entity], geo.town_lon[town])
    limit = np.array(kind.thresholds)[rng.integers(0, len(kind.thresholds), n)]
    lifetime = rng.exponential(MEAN_LIFETIME_YEARS * 365.25, n).astype(np.int64)
    removed = _working(installed + np.maximum(lifetime, 60))
    return {
        "kind": np.full(n, k), "county": geo.town_county[town], "town": town,
        "entity": entity, "lat": np.round(base_lat + jitter[0], 6),
        "lon": np.round(base_lon + jitter[1], 6), "installed": installed,
        "install_second": sampling.office_seconds(rng, n),
        "removed": np.where(removed <= ordinal(HORIZON), removed, NEVER),
        "propensity": rng.lognormal(-0.32, 0.8, n),
        "threshold": np.round(limit + rng.uniform(-1, 1, n) * kind.spread, kind.decimals),
        "remove_second": sampling.office_seconds(rng, n),
    }


def _models(world: World) -> dict[str, np.ndarray]:
    """One of each model per county, built in the reform's first months."""
    rng = world.rng(Stream.WARNINGS, 0, len(KINDS))
    counties = len(world.geo.county_codes)
    kinds = np.repeat(np.array(MODEL_KINDS), counties)
    n = len(kinds)
    first = np.array([ordinal(MODEL_WINDOWS[KINDS[k].warning_type][0]) for k in kinds])
    last = np.array([ordinal(MODEL_WINDOWS[KINDS[k].warning_type][1]) for k in kinds])
    return {
        "kind": kinds, "county": np.tile(np.arange(counties), len(MODEL_KINDS)),
        "town": np.full(n, -1), "entity": np.full(n, -1), "lat": np.full(n, np.nan),
        "lon": np.full(n, np.nan),
        "installed": _working(first + np.floor(rng.random(n) * (last - first)).astype(np.int64)),
        "install_second": sampling.office_seconds(rng, n), "removed": np.full(n, NEVER),
        "propensity": np.ones(n),
        "threshold": np.array([KINDS[k].thresholds[0] for k in kinds]),
        "remove_second": np.zeros(n, dtype=np.int64),
    }


def _story_device(world: World) -> dict[str, np.ndarray]:
    """The lane monitor of the scripted story: public, never offline, never removed."""
    lat, lon = story.story_sensor_position(world)
    town = story.story_town(world)
    return {
        "kind": np.array([KIND_INDEX[story.STORY_WARNING_TYPE]]),
        "county": np.array([world.geo.town_county[town]]), "town": np.array([town]),
        "entity": np.array([-1]), "lat": np.array([lat]), "lon": np.array([lon]),
        "installed": np.array([ordinal(story.STORY_INSTALLED)]),
        "install_second": np.array([story.STORY_INSTALL_SECOND]),
        "removed": np.array([NEVER]), "propensity": np.array([1.0]),
        "threshold": np.array([story.STORY_THRESHOLD]), "remove_second": np.array([0]),
    }


def match_entity(world: World, town: np.ndarray, industry: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """A business of the trade in each town, -1 where the pool has none of that trade there."""
    picked = entity_in_town(world, town, industry, rng)
    pool = world.entities
    ok = (picked >= 0) & (pool.industry[np.maximum(picked, 0)] == industry)
    return np.where(ok, picked, -1)


_TRADE_INDEX: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def entity_in_town(world: World, town: np.ndarray, industry: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """``grids.entity_in_town`` (a business of the trade in each town, any of the town's if
    none), -1 for a town without businesses. Its index is keyed on the seed and the pool
    size: ``grids`` keys on the seed alone, so two scales of one seed in one process would
    share a stale index."""
    key = (world.seed, len(world.entities))
    if key not in _TRADE_INDEX:
        _TRADE_INDEX.clear()
        keys = world.entities.town.astype(np.int64) * len(TRADES) + world.entities.industry
        order = np.argsort(keys, kind="stable")
        _TRADE_INDEX[key] = (order, keys[order])
    order, keys = _TRADE_INDEX[key]
    town = np.asarray(town, dtype=np.int64)
    wanted = town * len(TRADES) + industry
    lo, hi = np.searchsorted(keys, wanted, "left"), np.searchsorted(keys, wanted, "right")
    empty = hi == lo
    lo = np.where(empty, np.searchsorted(keys, town * len(TRADES), "left"), lo)
    hi = np.where(empty, np.searchsorted(keys, (town + 1) * len(TRADES), "left"), hi)
    pick = lo + np.floor(rng.random(len(town)) * (hi - lo)).astype(np.int64)
    return np.where(hi > lo, order[np.minimum(pick, len(order) - 1)], -1)


def _numbers(world: World, cols: dict[str, np.ndarray]) -> np.ndarray:
    """Device numbers SB + county + type letters + a serial in order of installation."""
    abbr = np.array([KINDS[k].abbr for k in cols["kind"]])
    county = np.array(world.geo.county_codes)[cols["county"]]
    group = np.char.add(county, abbr)
    order = np.lexsort((np.arange(len(group)), cols["installed"], group))
    sorted_group = group[order]
    starts = np.searchsorted(sorted_group, sorted_group, side="left")
    serial = np.empty(len(group), dtype=np.int64)
    serial[order] = np.arange(len(group)) - starts + 1
    if serial[:-1].max() >= 9001:
        raise ValueError("device serials reached the story device's number")
    ids = np.array([f"SB{g}{s:05d}" for g, s in zip(group.tolist(), serial.tolist(),
                                                   strict=True)])
    ids[-1] = story.STORY_FUME_SENSOR_ID
    return ids


def _offline_spells(rng: np.random.Generator, cols: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, ...]:
    """Spells without heartbeat: about one a year, back 1-45 days later, never overlapping
    and over before removal; models and the story's monitor never drop out."""
    n = len(cols["kind"])
    physical = ~np.isin(cols["kind"], MODEL_KINDS)
    physical[-1] = False  # the story's monitor
    life_end = np.minimum(cols["removed"], ordinal(HORIZON))
    span = np.maximum(life_end - cols["installed"] - 1, 0)
    count = np.where(physical, rng.poisson(OFFLINE_PER_YEAR * span / 365.25), 0)
    sensor = np.repeat(np.arange(n), count)
    first = cols["installed"][sensor] + 1 + np.floor(rng.random(len(sensor)) * span[sensor])
    first = first.astype(np.int64)
    length = np.clip(np.round(rng.lognormal(np.log(2.5), 0.9, len(sensor))), 1, 45)
    back = first + length.astype(np.int64)
    order = np.lexsort((first, sensor))
    sensor, first, back = sensor[order], first[order], back[order]
    reach = np.maximum.accumulate(sensor * 10**7 + back)  # latest comeback so far, per device
    clear = np.ones(len(sensor), dtype=bool)
    clear[1:] = sensor[1:] * 10**7 + first[1:] > reach[:-1]
    keep = clear & (back < life_end[sensor])
    return (sensor[keep], first[keep], back[keep], rng.integers(0, DAY, len(sensor))[keep],
            sampling.office_seconds(rng, len(sensor))[keep])


def _town_names(world: World) -> list[str]:
    names = {place.code: place.name_zh for place in reference.towns()}
    return [names[code] for code in world.geo.town_codes]


def _names(world: World, cols: dict[str, np.ndarray]) -> list[str]:
    """Names as the register shows them: the business's device, a public point or a model."""
    rng = world.rng(Stream.WARNINGS, 0, len(KINDS) + 1)
    n = len(cols["kind"])
    towns, counties = _town_names(world), world.geo.county_names
    attached = np.flatnonzero(cols["entity"] >= 0)
    business = dict(zip(attached.tolist(), world.entities.names(cols["entity"][attached]),
                        strict=True))
    stem = rng.integers(0, len(gl.PLACE_STEMS), n)
    suffix = rng.integers(0, len(gl.PLACE_SUFFIXES), n)
    river = rng.integers(0, len(RIVERS), n)
    result = []
    for i, (k, town, county) in enumerate(zip(cols["kind"].tolist(), cols["town"].tolist(),
                                              cols["county"].tolist(), strict=True)):
        kind = KINDS[k]
        if i in business:
            result.append(business[i] + kind.device)
        elif town < 0:
            result.append(counties[county] + kind.device)
        elif k == WATER:
            result.append(f"{towns[town]}{RIVERS[river[i]]}{kind.point}")
        else:
            result.append(f"{towns[town]}{gl.PLACE_STEMS[stem[i]]}"
                          f"{gl.PLACE_SUFFIXES[suffix[i]]}{kind.point}")
    result[-1] = story.STORY_SENSOR_NAME
    return result


def _histories(world: World, reg: Register) -> list[History]:
    """Each device's installation and its changes: offline, back online, removed."""
    geo, uscc = world.geo, world.entities.uscc
    spells: dict[int, list[int]] = {}
    for j, s in enumerate(reg.off_sensor.tolist()):
        spells.setdefault(s, []).append(j)
    histories = []
    for i in range(len(reg)):
        installed = from_ordinal(reg.installed[i])
        town, entity, located = int(reg.town[i]), int(reg.entity[i]), not np.isnan(reg.lat[i])
        state: Row = {
            "sensor_id": str(reg.ids[i]), "sensor_type": KINDS[reg.kind[i]].sensor_type,
            "sensor_name": reg.names[i], "county_code": geo.county_codes[reg.county[i]],
            "town_code": geo.town_codes[town] if town >= 0 else None,
            "entity_uscc": str(uscc[entity]) if entity >= 0 else None,
            "latitude": float(reg.lat[i]) if located else None,
            "longitude": float(reg.lon[i]) if located else None,
            "installed_date": installed.isoformat(), "status": "ACTIVE",
            "status_date": installed.isoformat(),
        }
        history = History(str(reg.ids[i]), installed, int(reg.install_second[i]), state)
        for j in spells.get(i, []):
            for day, second, status in ((reg.off_first[j], reg.off_second[j], "OFFLINE"),
                                        (reg.off_back[j], reg.on_second[j], "ACTIVE")):
                history.change(from_ordinal(day), int(second), status=status,
                               status_date=from_ordinal(day).isoformat())
        if reg.removed[i] != NEVER:
            day = from_ordinal(reg.removed[i])
            history.change(day, int(reg.remove_second[i]), status="REMOVED",
                           status_date=day.isoformat())
        histories.append(history)
    return histories
