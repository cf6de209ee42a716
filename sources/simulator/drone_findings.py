"""AI findings of 综合飞一次: classes, rates, routing to departments and their lifecycle.

Split from ``drones``: each sortie finds objects by class (seasonal, urban or rural), the
flood patrol of 2022-06-20 finds exactly 84 waterlogging points, and every finding moves
through detected → confirmed/false alarm → pushed → signed → handled → verified → closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sources.simulator import sampling
from sources.simulator.city import COUNTY_CENTROID
from sources.simulator.drone_fleet import (
    FINDINGS_LABEL,
    FLOOD_LABEL,
    FLOOD_WATERLOGGING,
    URBAN_COUNTIES,
    Fleet,
)
from sources.simulator.drone_tracks import (
    CLIMB_S,
    route_xy,
    to_km,
    to_latlon,
)
from sources.simulator.timeline import Month, reform_progress
from sources.simulator.world import Stream, World

if TYPE_CHECKING:  # sorties are drawn in ``drones``, which imports this module
    from sources.simulator.drones import Sorties


# --- findings --------------------------------------------------------------------------------
@dataclass(frozen=True)
class FindingClass:
    """What the AI recognises: how often per half hour of flight, where, and who handles it."""

    code: str
    per_half_hour: float
    lean: int  # +1 urban, -1 rural, 0 anywhere
    handle_hours: float  # median hours from signing to handled, before the reform
    precision_adj: float
    routes: tuple[tuple[str, float, float], ...]  # department, weight before, weight after


CLASSES = (
    FindingClass("WATERLOGGING", 0.35, 1, 3, 0.05, (("YJGL", 0.6, 0.6), ("SLJ", 0.4, 0.4))),
    FindingClass("ILLEGAL_BUILDING", 6, 0, 240, -0.05, (("ZHZF", 0.6, 0.85), ("ZRZY", 0.4, 0.15))),
    FindingClass("DUMPING", 8, 0, 30, -0.02, (("ZHZF", 0.85, 0.95), ("STHJ", 0.15, 0.05))),
    FindingClass("OPEN_BURNING", 3.5, -1, 3, -0.04, (("STHJ", 0.6, 0.3), ("ZHZF", 0.4, 0.7))),
    FindingClass("ROAD_OCCUPATION", 13, 1, 12, 0.0, (("ZHZF", 0.7, 0.75), ("JTYS", 0.3, 0.25))),
    FindingClass("ILLEGAL_SAND_MINING", 1.2, -1, 120, 0.0, (("ZRZY", 0.5, 0.5), ("SLJ", 0.5, 0.5))),
    FindingClass("DEFORESTATION", 1.5, -1, 120, -0.03, (("LYJ", 0.7, 0.7), ("ZRZY", 0.3, 0.3))),
    FindingClass("RIVER_POLLUTION", 3, 0, 48, 0.0, (("STHJ", 0.8, 0.8), ("SLJ", 0.2, 0.2))),
    FindingClass("ILLEGAL_PARKING", 21, 1, 2, 0.04, (("ZHZF", 0.6, 0.7), ("GAJ", 0.4, 0.3))),
    FindingClass("STREET_VENDING", 12, 1, 6, 0.02, (("ZHZF", 1.0, 1.0),)),
    FindingClass(
        "CONSTRUCTION_DUST",
        5,
        0,
        24,
        -0.02,
        (("ZJJS", 0.5, 0.4), ("STHJ", 0.3, 0.3), ("ZHZF", 0.2, 0.3)),
    ),
    FindingClass("ILLEGAL_ADVERTISING", 6, 1, 72, 0.0, (("ZHZF", 1.0, 1.0),)),
)
CLASS_INDEX = {c.code: i for i, c in enumerate(CLASSES)}
# Task sorties look for one class in particular (purpose index -> class).
TASK_FOCUS = {
    2: "ILLEGAL_BUILDING",
    3: "RIVER_POLLUTION",
    4: "OPEN_BURNING",
    5: "DEFORESTATION",
    6: "DUMPING",
    7: "ILLEGAL_SAND_MINING",
    8: "CONSTRUCTION_DUST",
}
STAGES = ("DETECTED", "REVIEWED", "PUSHED", "SIGNED", "HANDLED", "VERIFIED", "CLOSED")
MILESTONES = ("reviewed_at", "pushed_at", "signed_at", "handled_at", "verified_at", "closed_at")
SIGN_LIMIT_S = 2 * 3600
STUCK_SHARE = 0.02  # confirmed findings a department never reports handled


def _season(month: int, rain: np.ndarray) -> np.ndarray:
    """(sorties, classes) multipliers: floods bring waterlogging, harvests bring burning."""
    m = np.ones((len(rain), len(CLASSES)))
    water = CLASS_INDEX["WATERLOGGING"]
    if month in (6, 7):
        m[:, water] = 16.0 * np.where(rain, 2.0, 1.0)
        m[:, CLASS_INDEX["RIVER_POLLUTION"]] = 1.5
        m[:, CLASS_INDEX["OPEN_BURNING"]] = 0.3
    elif month in (4, 5, 8, 9):
        m[:, water] = 3.0
    if month in (3, 4, 10, 11):
        m[:, CLASS_INDEX["OPEN_BURNING"]] = 2.5
    if month in (11, 12, 1, 2):
        m[:, CLASS_INDEX["CONSTRUCTION_DUST"]] = 1.4
    return m


def _urbanity(fleet: Fleet) -> np.ndarray:
    """Per dock: 1 near an urban county seat, falling off with distance, lower in counties."""
    seats = np.array([COUNTY_CENTROID[c] for c in fleet.county_codes])
    sx, sy = to_km(seats[:, 0], seats[:, 1])
    county = np.array([d.county for d in fleet.docks])
    distance = np.hypot(
        np.array([d.x for d in fleet.docks]) - sx[county],
        np.array([d.y for d in fleet.docks]) - sy[county],
    )
    urban = np.array([fleet.county_codes[c] in URBAN_COUNTIES for c in county])
    return np.exp(-distance / 6.0) * np.where(urban, 1.0, 0.7)


def _rates(fleet: Fleet, sorties: Sorties, month: Month) -> np.ndarray:
    """(sorties, classes) expected findings of routine recognition; none on the wave."""
    u = _urbanity(fleet)[sorties.dock]
    lean = np.array([c.lean for c in CLASSES])
    lean_factor = np.where(
        lean[None, :] > 0,
        0.3 + 1.4 * u[:, None],
        np.where(lean[None, :] < 0, 1.5 - 1.2 * u[:, None], 1.0),
    )
    base = np.array([c.per_half_hour for c in CLASSES])
    rates = base[None, :] * lean_factor * (sorties.routes.duration / 1800.0)[:, None]
    rates *= _season(month.month, sorties.rain)
    for purpose, code in TASK_FOCUS.items():
        rates[sorties.purpose == purpose, CLASS_INDEX[code]] *= 3.0
    rates[sorties.wave] = 0.0
    return rates


def _wave_counts(world: World, fleet: Fleet, sorties: Sorties) -> np.ndarray:
    """(sorties, classes) findings of the flood patrol: exactly 84 waterlogging points in the
    urban districts, a few blocked roads and polluted rivers anywhere."""
    counts = np.zeros((len(sorties), len(CLASSES)), dtype=np.int64)
    wave = np.flatnonzero(sorties.wave)
    if not len(wave):
        return counts
    rng = world.rng(Stream.DRONES, FLOOD_LABEL, 1)
    county = np.array([fleet.county_codes[fleet.docks[d].county] for d in sorties.dock[wave]])
    urban = wave[np.isin(county, URBAN_COUNTIES)]
    if not len(urban):
        raise AssertionError("the flood patrol needs drones in the urban districts")
    area = np.array([fleet.docks[d].area_km2 for d in sorties.dock[urban]])
    counts[urban, CLASS_INDEX["WATERLOGGING"]] = rng.multinomial(
        FLOOD_WATERLOGGING, area / area.sum()
    )
    counts[wave, CLASS_INDEX["ROAD_OCCUPATION"]] = rng.poisson(1.5, len(wave))
    counts[wave, CLASS_INDEX["RIVER_POLLUTION"]] = rng.poisson(0.6, len(wave))
    return counts


@dataclass(frozen=True)
class Findings:
    """A month's findings sorted by detection; times are epoch seconds, -1 when not reached."""

    flight: np.ndarray
    cls: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    county: np.ndarray
    town: np.ndarray
    dept: np.ndarray
    true: np.ndarray
    confidence: np.ndarray
    times: np.ndarray  # (findings, STAGES)
    updated: np.ndarray  # (findings, STAGES): when each state row was recorded
    ids: list[str]


def _route_table(world: World, progress: float) -> np.ndarray:
    """(classes, departments) routing weights; the comprehensive bureau gains with the reform."""
    codes = world.departments.codes
    table = np.zeros((len(CLASSES), len(codes)))
    for row, spec in enumerate(CLASSES):
        for code, before, after in spec.routes:
            table[row, codes.index(code)] = before + (after - before) * progress
    return table


def _towns(world: World, county: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The nearest town seat of the finding's county."""
    geo = world.geo
    town_x, town_y = to_km(geo.town_lat, geo.town_lon)
    result = np.zeros(len(x), dtype=np.int64)
    for c in np.unique(county).tolist():
        rows = np.flatnonzero(county == c)
        towns = np.flatnonzero(geo.town_county == c)
        distance = np.hypot(
            x[rows, None] - town_x[towns][None, :], y[rows, None] - town_y[towns][None, :]
        )
        result[rows] = towns[distance.argmin(axis=1)]
    return result


def _lifecycle(
    rng: np.random.Generator,
    detected: np.ndarray,
    cls: np.ndarray,
    true: np.ndarray,
    wave: np.ndarray,
    progress: float,
) -> np.ndarray:
    """Times of each stage: review desk, push, sign (2 h limit), handle, re-flight, close.

    False alarms stop at review; a few confirmed findings are never reported handled. The
    flood patrol's findings are all real and closed within the day. Steps are at least a
    minute apart, so each state row of a finding has its own ``updated_at``.
    """
    n = len(detected)
    review_median = 1500.0 * (1.8 - 0.8 * progress)
    review = np.where(
        wave,
        rng.integers(180, 900, n),
        np.clip(rng.lognormal(np.log(review_median), 0.7, n), 120, 12 * 3600),
    )
    push = rng.integers(60, 600, n)
    on_time = rng.random(n) < 0.82 + 0.14 * progress
    sign = np.where(
        wave,
        rng.integers(300, 1800, n),
        np.where(
            on_time,
            rng.integers(300, SIGN_LIMIT_S - 60, n),
            rng.integers(SIGN_LIMIT_S + 60, 36 * 3600, n),
        ),
    )
    hours = np.array([c.handle_hours for c in CLASSES])[cls] * (1.4 - 0.5 * progress)
    handle = np.where(
        wave,
        rng.integers(3600, 5 * 3600, n),
        np.clip(rng.lognormal(np.log(hours * 3600), 0.6), 600, 90 * 86400),
    )
    stuck = ~wave & (rng.random(n) < STUCK_SHARE)
    verify = np.where(
        wave, rng.integers(2 * 3600, 8 * 3600, n), rng.integers(2 * 3600, 72 * 3600, n)
    )
    close = rng.integers(300, 4 * 3600, n)
    times = np.full((n, len(STAGES)), -1, dtype=np.int64)
    times[:, 0] = detected
    times[:, 1] = detected + review.astype(np.int64)
    steps = np.stack([push, sign, handle, verify, close], axis=1).astype(np.int64)
    done = true & ~stuck
    reached = np.stack([true, true, done, done, done], axis=1)
    times[:, 2:] = np.where(reached, times[:, 1:2] + np.cumsum(steps, axis=1), -1)
    return times


def draw_findings(world: World, fleet: Fleet, sorties: Sorties, month: Month) -> Findings:
    rng = world.rng(Stream.DRONES, FINDINGS_LABEL, month.label)
    progress = reform_progress(month)
    counts = rng.poisson(_rates(fleet, sorties, month)) + _wave_counts(world, fleet, sorties)
    pair_flight, pair_class = np.nonzero(counts)
    k = counts[pair_flight, pair_class]
    flight, cls = np.repeat(pair_flight, k), np.repeat(pair_class, k)
    n = len(flight)
    margin = CLIMB_S + 15
    t = rng.integers(margin, sorties.routes.duration[flight] - margin)
    x, y = route_xy(sorties.routes, flight, t)
    x, y = x + rng.normal(0.0, 0.06, n), y + rng.normal(0.0, 0.06, n)  # the camera's reach
    wave = sorties.wave[flight]
    adjust = np.array([c.precision_adj for c in CLASSES])[cls]
    true = wave | (rng.random(n) < np.clip(0.80 + 0.10 * progress + adjust, 0.55, 0.98))
    confidence = 0.5 + 0.5 * np.where(true, rng.beta(12.0, 2.2, n), rng.beta(2.5, 2.0, n))
    dept = sampling.categorical(rng, _route_table(world, progress)[cls])
    detected = sorties.routes.takeoff[flight] + t
    order = np.lexsort((cls, flight, detected))
    flight, cls, x, y, wave, true = (a[order] for a in (flight, cls, x, y, wave, true))
    county = (
        np.array([d.county for d in fleet.docks], dtype=np.int64)[sorties.dock[flight]]
        if n
        else np.zeros(0, np.int64)
    )
    times = _lifecycle(rng, detected[order], cls, true, wave, progress)
    lag = rng.integers(0, 60, times.shape)
    lat, lon = to_latlon(x, y)
    return Findings(
        flight=flight,
        cls=cls,
        lat=np.round(lat, 6),
        lon=np.round(lon, 6),
        county=county,
        town=_towns(world, county, x, y),
        dept=dept[order],
        true=true,
        confidence=np.round(confidence[order], 3),
        times=times,
        updated=np.where(times >= 0, times + lag, -1),
        ids=[f"FX{month.yyyymm}{i:07d}" for i in range(1, n + 1)],
    )
