"""综合飞一次: the drone platform of one month — fleet registry, sorties, AI findings, tracks.

Structure is scale-independent and scripted so the seed figures come out of the exported
rows, never typed in: the fleet grows from two pilot docks in the city core (January 2020) to
23 docks with one drone each by June 2022 (the plan's 70 by December 2022), every dock patrols
its own disc of land and the discs of the docks in service on 2022-06-30 add up to exactly
700 km². On 2022-06-20 (flood season) the city grounds routine patrols and flies every drone
on one emergency sortie; the urban sorties find exactly 84 waterlogging points.

Volumes scale with ``factor``: about 40 sorties per drone per month (more in the flood
season), one track point per second of flight (~1,750 per sortie) and ~80 AI findings per
sortie, whose lifecycle (detected → confirmed/false alarm → pushed → signed → handled →
re-flight verified → closed) is exported as one state row per status change on its day.
Streams: ``world.rng(Stream.DRONES, label, ...)`` with the labels below; a month is drawn for
its whole calendar and then cut to the scenario's range, so a shorter run reproduces its days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from sources.simulator import sampling
from sources.simulator.case_events import labels
from sources.simulator.drone_findings import CLASSES, MILESTONES, STAGES, Findings, draw_findings
from sources.simulator.drone_fleet import (
    FLIGHTS_LABEL,
    FLOOD_DAY,
    FLOOD_LABEL,
    TRACKS_LABEL,
    Fleet,
    build_fleet,
    registry_rows,
)
from sources.simulator.drone_handoffs import handoffs
from sources.simulator.drone_tracks import (
    Routes,
    Tracks,
    build_tracks,
    day_frames,
    draw_routes,
    point_counts,
)
from sources.simulator.formats import Row
from sources.simulator.grid_events import datetimes, split_days
from sources.simulator.handoffs import SystemMonth
from sources.simulator.timeline import Month, day_weight, reform_progress, year_weight
from sources.simulator.world import Stream, World
from sources.systems.drones import DOCKS, DRONES, FINDINGS, FLIGHTS
from sources.validate import POLARS_TYPES

__all__ = ["generate_month", "track_point_frames", "created_records", "build_fleet"]

# --- sorties ---------------------------------------------------------------------------------
SORTIES_PER_DRONE_YEAR = 480.0  # ~40 a month (benchmark: 8 drones, 351 sorties a month)
SLOTS = 8  # take-off slots a day, 90 minutes apart: a drone's sorties never overlap
FIRST_SLOT_S, SLOT_S, SLOT_JITTER_S = 7 * 3600, 90 * 60, 35 * 60
SLOT_WEIGHTS = np.array([0.8, 1.2, 1.2, 0.9, 1.0, 1.2, 1.0, 0.6])
FLOOD_BOOST = 1.25  # more sorties in the flood season
RAIN_SHARE, RAIN_BOOST, RAIN_EMERGENCY = 0.3, 1.3, 0.35  # rainstorm days in the flood season
KINDS = ("ROUTINE", "TASK", "EMERGENCY")
DISPATCHERS = ("CITY", "COUNTY")
DURATION_S = np.array([[22 * 60, 38 * 60], [15 * 60, 35 * 60], [25 * 60, 40 * 60]])
PURPOSES = (
    "日常巡查",
    "防汛应急巡查",
    "违建专项巡查",
    "河道巡查",
    "秸秆焚烧巡查",
    "森林防火巡查",
    "渣土偷倒专项",
    "非法采砂专项",
    "扬尘管控专项",
)
WAVE_START_S = 6 * 3600 + 1800
SWATH_KM = 0.4  # width of ground the camera sees at cruise height


@dataclass(frozen=True)
class Sorties:
    """A calendar month's sorties, sorted by take-off."""

    drone: np.ndarray
    dock: np.ndarray
    day: np.ndarray  # offset from the month's first calendar day
    kind: np.ndarray
    dispatch: np.ndarray
    purpose: np.ndarray
    wave: np.ndarray  # part of the scripted 2022-06-20 flood patrol
    rain: np.ndarray  # flown on a rainstorm day
    routes: Routes
    ids: list[str]

    def __len__(self) -> int:
        return len(self.drone)


def _calendar(month: Month) -> list[date]:
    first = date(month.year, month.month, 1)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return [first + timedelta(days=n) for n in range((following - first).days)]


def _epoch_day(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _routine(
    rng: np.random.Generator, duty: np.ndarray, calendar: list[date], month: Month, factor: float
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Routine, task and rainstorm sorties: Poisson per drone and day, in distinct slots."""
    progress = reform_progress(month)
    weight = np.array(
        [day_weight(d, "reactive") / year_weight(d.year, "reactive") for d in calendar]
    )
    rain = month.is_flood_season & (rng.random(len(calendar)) < RAIN_SHARE)
    lam = SORTIES_PER_DRONE_YEAR * factor * weight * np.where(rain, RAIN_BOOST, 1.0)
    lam *= FLOOD_BOOST if month.is_flood_season else 1.0
    if FLOOD_DAY in calendar:
        lam[calendar.index(FLOOD_DAY)] = 0.0  # routine patrols grounded for the flood patrol
    counts = np.minimum(rng.poisson(lam[None, :] * (duty >= 0)), SLOTS)
    pair_drone, pair_day = np.nonzero(counts)
    k = counts[pair_drone, pair_day]
    order = sampling.ranked(rng, np.broadcast_to(SLOT_WEIGHTS, (len(k), SLOTS)))
    owner = np.repeat(np.arange(len(k)), k)
    slot = order[np.arange(SLOTS)[None, :] < k[:, None]]
    n = len(owner)
    day = pair_day[owner]
    emergency = rain[day] & (rng.random(n) < RAIN_EMERGENCY)
    task = ~emergency & (rng.random(n) < 0.10 + 0.08 * progress)
    kind = np.where(emergency, 2, np.where(task, 1, 0))
    city = (kind == 2) | (rng.random(n) < 0.15 + 0.45 * progress)
    purpose = np.where(kind == 0, 0, np.where(kind == 2, 1, 2 + rng.integers(0, 7, n)))
    duration = rng.integers(DURATION_S[kind, 0], DURATION_S[kind, 1] + 1)
    start = FIRST_SLOT_S + slot * SLOT_S + rng.integers(0, SLOT_JITTER_S, n)
    return {
        "drone": pair_drone[owner],
        "day": day,
        "kind": kind,
        "dispatch": np.where(city, 0, 1),
        "purpose": purpose,
        "duration": duration,
        "start": start,
        "wave": np.zeros(n, bool),
    }, rain


def _wave(world: World, duty: np.ndarray, calendar: list[date]) -> dict[str, np.ndarray]:
    """2022-06-20: every drone on duty flies one city-dispatched emergency sortie at dawn."""
    if FLOOD_DAY not in calendar:
        return {}
    rng = world.rng(Stream.DRONES, FLOOD_LABEL)
    day = calendar.index(FLOOD_DAY)
    drones = np.flatnonzero(duty[:, day] >= 0)
    n = len(drones)
    return {
        "drone": drones,
        "day": np.full(n, day),
        "kind": np.full(n, 2),
        "dispatch": np.zeros(n, np.int64),
        "purpose": np.ones(n, np.int64),
        "duration": rng.integers(28 * 60, 40 * 60 + 1, n),
        "start": WAVE_START_S + 240 * np.arange(n) + rng.integers(0, 600, n),
        "wave": np.ones(n, bool),
    }


def _sorties(
    world: World, fleet: Fleet, month: Month, calendar: list[date], factor: float
) -> Sorties:
    rng = world.rng(Stream.DRONES, FLIGHTS_LABEL, month.label)
    duty = fleet.duty(calendar)
    routine, rain = _routine(rng, duty, calendar, month, factor)
    parts = [routine] + ([wave] if (wave := _wave(world, duty, calendar)) else [])
    merged = {name: np.concatenate([p[name] for p in parts]) for name in routine}
    order = np.lexsort((merged["drone"], merged["start"], merged["day"]))
    s = {name: values[order] for name, values in merged.items()}
    dock = duty[s["drone"], s["day"]]
    takeoff = (_epoch_day(calendar[0]) + s["day"]) * 86400 + s["start"]
    x0 = np.array([d.x for d in fleet.docks])[dock] if len(dock) else np.zeros(0)
    y0 = np.array([d.y for d in fleet.docks])[dock] if len(dock) else np.zeros(0)
    radius = np.array([d.radius_km for d in fleet.docks])[dock] if len(dock) else np.zeros(0)
    routes = draw_routes(rng, x0, y0, radius, takeoff, s["duration"])
    return Sorties(
        drone=s["drone"],
        dock=dock,
        day=s["day"],
        kind=s["kind"],
        dispatch=s["dispatch"],
        purpose=s["purpose"],
        wave=s["wave"],
        rain=rain[s["day"]],
        routes=routes,
        ids=[f"FL{month.yyyymm}{i:05d}" for i in range(1, len(order) + 1)],
    )


# --- rows ------------------------------------------------------------------------------------
def _stamps(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds to 'YYYY-MM-DD HH:MM:SS' (None where negative), as an object array."""
    frame = pl.DataFrame({"s": np.asarray(seconds, dtype=np.int64)})
    text = frame.select(
        pl.when(pl.col("s") >= 0).then(
            (pl.col("s") * 1000).cast(pl.Datetime("ms")).dt.strftime("%Y-%m-%d %H:%M:%S")
        )
    ).to_series()
    return np.array(text.to_list(), dtype=object)


def _rows(names: list[str], columns: list[np.ndarray]) -> list[Row]:
    """Dicts from equal-length columns (the engine's row interface; the costly part)."""
    return [
        dict(zip(names, values, strict=False))
        for values in zip(*(c.tolist() for c in columns), strict=False)
    ]


def _flight_rows(world: World, plan: _MonthPlan, keep: np.ndarray, end_epoch: int) -> list[Row]:
    sorties, fleet = plan.sorties, plan.fleet
    rng = world.rng(Stream.DRONES, FLIGHTS_LABEL, plan.month_label, 1)
    landing = sorties.routes.takeoff + sorties.routes.duration
    updated = landing + rng.integers(60, 600, len(sorties))
    keep = keep & (updated < end_epoch)
    area = (
        np.array([d.area_km2 for d in fleet.docks])[sorties.dock] if len(sorties) else np.zeros(0)
    )
    drone_ids = np.array([d.drone_id for d in fleet.drones], dtype=object)
    dock_ids = np.array([d.dock_id for d in fleet.docks], dtype=object)
    county = np.array([fleet.county_codes[d.county] for d in fleet.docks], dtype=object)
    columns = [
        np.array(sorties.ids, dtype=object),
        drone_ids[sorties.drone],
        dock_ids[sorties.dock],
        county[sorties.dock],
        np.array(KINDS, dtype=object)[sorties.kind],
        np.array(DISPATCHERS, dtype=object)[sorties.dispatch],
        np.array(PURPOSES, dtype=object)[sorties.purpose],
        _stamps(sorties.routes.takeoff),
        _stamps(landing),
        plan.tracks.distance_km,
        np.round(np.minimum(area, plan.tracks.distance_km * SWATH_KM), 2),
        point_counts(sorties.routes.duration),
        _stamps(updated),
    ]
    return _rows(FLIGHTS.column_names, [c[keep] for c in columns])


def _finding_frame(
    world: World, plan: _MonthPlan, found: Findings, keep_flight: np.ndarray, end_epoch: int
) -> pl.DataFrame:
    """One row per status change, carrying every milestone reached by then: a typed frame
    for the frame writer (findings run to millions of state rows at full scale, too many for
    row dicts). Rows come stage by stage; ``split_days`` puts them in file order."""
    geo, n = world.geo, len(found.ids)
    keep = keep_flight[found.flight] if n else np.zeros(0, bool)
    picked = [
        np.flatnonzero(keep & (found.times[:, s] >= 0) & (found.updated[:, s] < end_epoch))
        for s in range(len(STAGES))
    ]
    idx = np.concatenate(picked).astype(np.int64)
    stage = np.repeat(np.arange(len(STAGES)), [len(p) for p in picked])
    # the review's outcome is the status its row shows
    status = np.where(stage != STAGES.index("REVIEWED"), stage,
                      np.where(found.true[idx], len(STAGES), len(STAGES) + 1))
    times, rows = found.times[idx], np.arange(len(idx))
    pushed = stage >= STAGES.index("PUSHED")
    columns: dict[str, pl.Series | np.ndarray] = {
        "finding_id": labels(found.ids, idx),
        "flight_id": labels(plan.sorties.ids, found.flight[idx]),
        "detected_at": _timestamps(times[:, 0], times[:, 0] >= 0),
        "finding_class": labels([c.code for c in CLASSES], found.cls[idx]),
        "confidence": found.confidence[idx],
        "lat": found.lat[idx],
        "lon": found.lon[idx],
        "county_code": labels(geo.county_codes, found.county[idx]),
        "town_code": labels(geo.town_codes, found.town[idx]),
        "routed_dept_code": pl.select(pl.when(pl.Series(pushed)).then(
            labels(world.departments.codes, found.dept[idx]))).to_series(),
        "status": labels([*STAGES, "CONFIRMED", "FALSE_ALARM"], status),
        "status_at": _timestamps(times[rows, stage], np.ones(len(idx), bool)),
        **{name: _timestamps(times[:, j], (j <= stage) & (times[:, j] >= 0))
           for j, name in enumerate(MILESTONES, start=1)},
        "updated_at": _timestamps(found.updated[idx, stage], found.updated[idx, stage] >= 0),
    }
    return pl.DataFrame({name: pl.Series(name, values).cast(_FINDING_TYPES[name])
                         for name, values in columns.items()}).select(FINDINGS.column_names)


_FINDING_TYPES = {c.name: POLARS_TYPES[c.type] for c in FINDINGS.columns}


def _timestamps(seconds: np.ndarray, reached: np.ndarray) -> pl.Series:
    """Epoch seconds as the contract's timestamp type, null where not ``reached``."""
    stamps = datetimes(np.where(reached, seconds, 0))
    return pl.select(pl.when(pl.Series(reached)).then(stamps)).to_series()


# --- the interface the engine calls ----------------------------------------------------------
@dataclass(frozen=True)
class _MonthPlan:
    month_label: int
    fleet: Fleet
    calendar: list[date]
    sorties: Sorties
    tracks: Tracks


_PLANS: dict[tuple[int, int, float], _MonthPlan] = {}


def _month_plan(world: World, month: Month, factor: float) -> _MonthPlan:
    """Sorties and tracks of the whole calendar month; kept for one month, so that
    ``generate_month`` and ``track_point_frames`` of the same month share one draw."""
    key = (world.seed, month.label, float(factor))
    if key not in _PLANS:
        _PLANS.clear()
        fleet = build_fleet(world)
        calendar = _calendar(month)
        sorties = _sorties(world, fleet, month, calendar, factor)
        tracks = build_tracks(world.rng(Stream.DRONES, TRACKS_LABEL, month.label), sorties.routes)
        _PLANS[key] = _MonthPlan(month.label, fleet, calendar, sorties, tracks)
    return _PLANS[key]


def _in_range(plan: _MonthPlan, days: tuple[date, ...]) -> np.ndarray:
    offsets = [(d - plan.calendar[0]).days for d in days]
    return np.isin(plan.sorties.day, offsets)


def generate_month(world: World, month: Month, factor: float, end: date) -> SystemMonth:
    """Rows per table name (``drones_docks``, ``drones_drones``, ``drones_flights``) and the
    ``drones_findings`` frames per export day, for the days of ``month``, with every later
    state row up to ``end``; each row's ``updated_at`` is the day it is exported; and the clues
    and inspection triggers the month's findings hand on. Track points:
    ``track_point_frames``.
    """
    plan = _month_plan(world, month, factor)
    end_epoch = (_epoch_day(end) + 1) * 86400
    last = end.isoformat()
    docks, drones = registry_rows(plan.fleet, month.days)
    keep = _in_range(plan, month.days)
    found = draw_findings(world, plan.fleet, plan.sorties, month)
    rows = {
        DOCKS.table_name: [r for r in docks if str(r["updated_at"])[:10] <= last],
        DRONES.table_name: [r for r in drones if str(r["updated_at"])[:10] <= last],
        FLIGHTS.table_name: _flight_rows(world, plan, keep, end_epoch),
    }
    findings = _finding_frame(world, plan, found, keep, end_epoch)
    exported = keep[found.flight] if len(found.ids) else np.zeros(0, dtype=bool)
    clues, triggers = handoffs(world, found, exported, month.label, end)
    records = {**created_records(rows), FINDINGS.table_name: findings.filter(
        pl.col("status") == "DETECTED").height}
    return SystemMonth(rows=rows, frames={FINDINGS.table_name: split_days(findings, FINDINGS)},
                       records=records, clues=clues, triggers=triggers)


def track_point_frames(world: World, month: Month, factor: float) -> dict[date, pl.DataFrame]:
    """Track points of each day of ``month`` (every day present, empty when nothing flew).

    Frames are typed, columns in contract order: flight_id String, seq Int64, recorded_at
    Datetime(ms), lat/lon/altitude_m/speed_mps Float64 (already rounded). Write each with
    ``frames.write_frame``. Points of a sortie are exported on the day it flew.
    """
    plan = _month_plan(world, month, factor)
    return day_frames(plan.tracks, plan.sorties.ids, plan.sorties.day, month.days, plan.calendar[0])


def created_records(rows: dict[str, list[Row]]) -> dict[str, int]:
    """Records created in a month's rows (for the run report): docks and drones commissioned,
    sorties flown (findings detected are counted from their frame). State rows of older
    records are not counted."""

    def commissioned(table: str) -> int:
        return sum(
            1 for r in rows.get(table, []) if str(r["updated_at"])[:10] == r["commissioned_date"]
        )

    return {
        DOCKS.table_name: commissioned(DOCKS.table_name),
        DRONES.table_name: commissioned(DRONES.table_name),
        FLIGHTS.table_name: len(rows.get(FLIGHTS.table_name, [])),
    }
