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

from sources import reference
from sources.simulator import sampling
from sources.simulator.city import COUNTY_CENTROID
from sources.simulator.drone_tracks import (
    CLIMB_S,
    Routes,
    Tracks,
    build_tracks,
    day_frames,
    draw_routes,
    point_counts,
    route_xy,
    to_km,
    to_latlon,
)
from sources.simulator.formats import Row
from sources.simulator.timeline import Month, day_weight, reform_progress, year_weight
from sources.simulator.world import Stream, World
from sources.systems.drones import DOCKS, DRONES, FINDINGS, FLIGHTS

__all__ = ["generate_month", "track_point_frames", "created_records", "build_fleet"]

# --- scripted figures ------------------------------------------------------------------------
FIGURE_DAY = date(2022, 6, 30)  # 23 drones, 700 km²
COVERAGE_KM2 = 700.0
FLOOD_DAY = date(2022, 6, 20)
FLOOD_WATERLOGGING = 84
URBAN_COUNTIES = ("330802", "330803")  # 市区: 柯城区 and 衢江区

# Labels of the random streams under Stream.DRONES.
FLEET_LABEL, FLIGHTS_LABEL, FINDINGS_LABEL, TRACKS_LABEL, FLOOD_LABEL = range(5)

# --- fleet -----------------------------------------------------------------------------------
# (first plan slot, last plan slot, first day, last day): slots spread evenly over the days.
COMMISSIONING = (
    (1, 1, date(2020, 1, 6), date(2020, 1, 6)),
    (2, 2, date(2020, 1, 20), date(2020, 1, 20)),
    (3, 6, date(2020, 4, 1), date(2020, 12, 1)),
    (7, 17, date(2021, 1, 15), date(2021, 12, 10)),
    (18, 23, date(2022, 1, 10), date(2022, 6, 8)),
    (24, 70, date(2022, 7, 4), date(2022, 12, 20)),
)
PLAN_DOCKS = 70
COUNTY_QUOTA = {"330802": 9, "330803": 13, "330822": 10, "330824": 13, "330825": 11,
                "330881": 14}
PILOT_SLOTS = 3  # the first docks stand in the city core
CRASH = (1, date(2020, 8, 11), date(2020, 8, 24))  # slot, drone retired, replacement in service
AGED_OUT = (2, date(2021, 11, 15), date(2021, 11, 15))
RELOCATION = (3, date(2021, 5, 18))  # the slot's dock moves to a new site that day
SITE_SPACING_KM = 7.4  # > twice the largest patrol radius: discs never overlap
RAW_AREA_KM2 = (24.0, 36.0)
MAINTENANCE_FREE_MONTHS = (6, 7)  # the whole fleet stands by in the flood season


@dataclass(frozen=True)
class Dock:
    dock_id: str
    name: str
    county: int
    town: int
    x: float
    y: float
    area_km2: float
    commissioned: date
    decommissioned: date | None

    @property
    def radius_km(self) -> float:
        return float(np.sqrt(self.area_km2 / np.pi))

    def in_service(self, day: date) -> bool:
        """Flying from the dock on ``day``: not on its first or last day."""
        return self.commissioned < day and (self.decommissioned is None
                                            or day < self.decommissioned)


@dataclass(frozen=True)
class Drone:
    drone_id: str
    model: str
    commissioned: date
    retired: date | None
    homes: tuple[tuple[date, int], ...]  # (from day, dock index), in order
    maintenance: tuple[tuple[date, date], ...]  # inclusive windows

    def dock_on(self, day: date) -> int:
        return [dock for start, dock in self.homes if start <= day][-1]

    def flies(self, day: date) -> bool:
        return (self.commissioned < day and (self.retired is None or day < self.retired)
                and not any(start <= day <= end for start, end in self.maintenance)
                and not any(start == day for start, _ in self.homes[1:]))


@dataclass(frozen=True)
class DroneEvent:
    day: date
    seconds: int
    drone: int
    status: str
    dock: int
    retired: date | None


@dataclass(frozen=True)
class Fleet:
    docks: tuple[Dock, ...]
    drones: tuple[Drone, ...]
    events: tuple[DroneEvent, ...]  # sorted by time
    county_codes: tuple[str, ...]
    town_codes: tuple[str, ...]

    def duty(self, days: list[date]) -> np.ndarray:
        """(drones, days): the dock each drone flies from that day, or -1."""
        result = np.full((len(self.drones), len(days)), -1, dtype=np.int64)
        for i, drone in enumerate(self.drones):
            for j, day in enumerate(days):
                if drone.flies(day):
                    dock = drone.dock_on(day)
                    result[i, j] = dock if self.docks[dock].in_service(day) else -1
        return result


_FLEETS: dict[int, Fleet] = {}


def build_fleet(world: World) -> Fleet:
    """The whole fleet history (through the 70-dock plan), fixed by the seed alone."""
    if world.seed not in _FLEETS:
        _FLEETS[world.seed] = _build_fleet(world)
    return _FLEETS[world.seed]


def _build_fleet(world: World) -> Fleet:
    rng = world.rng(Stream.DRONES, FLEET_LABEL)
    geo = world.geo
    sites = _sites(rng, geo.county_codes)
    slots = _plan_counties(geo.county_codes)
    commissioned = _commission_days()
    raw_area = rng.uniform(*RAW_AREA_KM2, PLAN_DOCKS + 1)
    specs: list[tuple[int, int, float, date, date | None]] = []  # county, site, area, in, out
    used = dict.fromkeys(range(len(geo.county_codes)), 0)
    for slot, county in enumerate(slots, start=1):
        out = RELOCATION[1] if slot == RELOCATION[0] else None
        specs.append((county, used[county], raw_area[slot - 1], commissioned[slot - 1], out))
        used[county] += 1
    moved_county = slots[RELOCATION[0] - 1]
    specs.append((moved_county, used[moved_county], raw_area[PLAN_DOCKS], RELOCATION[1], None))
    areas = _areas(np.array([s[2] for s in specs]),
                   np.array([s[3] <= FIGURE_DAY and (s[4] is None or s[4] > FIGURE_DAY)
                             for s in specs]))
    order = sorted(range(len(specs)), key=lambda k: (specs[k][3], k))
    docks = _docks(world, [specs[k] for k in order], [sites[specs[k][0]][specs[k][1]]
                                                      for k in order], areas[order])
    dock_of_spec = {k: position for position, k in enumerate(order)}
    drones = _drones(rng, [dock_of_spec[k] for k in range(PLAN_DOCKS)],
                     dock_of_spec[PLAN_DOCKS], docks)
    return Fleet(docks=docks, drones=drones, events=_events(drones),
                 county_codes=geo.county_codes, town_codes=geo.town_codes)


def _sites(rng: np.random.Generator, codes: tuple[str, ...]) -> list[list[tuple[float, float]]]:
    """Candidate dock sites per county: a hexagonal lattice over the city, each site given to
    the nearest county seat within reach, the seat's neighbourhood first."""
    areas = {c.code: c.area_km2 or 1000.0 for c in reference.counties()}
    seats = np.array([COUNTY_CENTROID[c] for c in codes])
    cx, cy = to_km(seats[:, 0], seats[:, 1])
    reach = 1.2 * np.sqrt(np.array([areas[c] for c in codes]) / np.pi)
    row_step = SITE_SPACING_KM * np.sqrt(3) / 2
    rows = np.arange(-80, 80, row_step)
    xs, ys = [], []
    for r, y in enumerate(rows):
        x = np.arange(-110, 90, SITE_SPACING_KM) + (SITE_SPACING_KM / 2 if r % 2 else 0.0)
        xs.append(x)
        ys.append(np.full(len(x), y))
    x, y = np.concatenate(xs), np.concatenate(ys)
    distance = np.hypot(x[:, None] - cx[None, :], y[:, None] - cy[None, :])
    nearest = distance.argmin(axis=1)
    own = distance[np.arange(len(x)), nearest]
    rank = own * rng.uniform(1.0, 1.15, len(x))
    result: list[list[tuple[float, float]]] = []
    for county in range(len(codes)):
        chosen = np.flatnonzero((nearest == county) & (own <= reach[county]))
        chosen = chosen[np.argsort(rank[chosen], kind="stable")]
        result.append([(float(x[i]), float(y[i])) for i in chosen])
    return result


def _plan_counties(codes: tuple[str, ...]) -> list[int]:
    """County of each plan slot: pilots in the core, then whoever is furthest behind quota."""
    quota = np.array([COUNTY_QUOTA[c] for c in codes], dtype=float)
    assigned = np.zeros(len(codes))
    result = []
    for k in range(1, PLAN_DOCKS + 1):
        county = codes.index("330802") if k <= PILOT_SLOTS else int(
            np.argmax(quota * k / PLAN_DOCKS - assigned))
        assigned[county] += 1
        result.append(county)
    return result


def _workday(day: date) -> date:
    while day_weight(day, "planned") < 1.0:
        day += timedelta(days=1)
    return day


def _commission_days() -> list[date]:
    days: list[date] = []
    for first, last, begin, end in COMMISSIONING:
        n = last - first + 1
        span = (end - begin).days
        days.extend(_workday(begin + timedelta(days=round(span * i / max(n - 1, 1))))
                    for i in range(n))
    return days


def _areas(raw: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Scale so that the docks in service on the figure day patrol exactly COVERAGE_KM2."""
    areas = np.round(raw * COVERAGE_KM2 / raw[counted].sum(), 2)
    last = np.flatnonzero(counted)[-1]
    areas[last] = round(areas[last] + COVERAGE_KM2 - areas[counted].sum(), 2)
    return areas


def _docks(world: World, specs: list[tuple[int, int, float, date, date | None]],
           sites: list[tuple[float, float]], areas: np.ndarray) -> tuple[Dock, ...]:
    geo = world.geo
    town_x, town_y = to_km(geo.town_lat, geo.town_lon)
    names = {t.code: t.name_zh for t in reference.towns()}
    per_county: dict[int, int] = {}
    per_town: dict[int, int] = {}
    docks = []
    for (county, _, _, commissioned, out), (x, y), area in zip(specs, sites, areas.tolist(),
                                                               strict=True):
        towns = np.flatnonzero(geo.town_county == county)
        town = int(towns[np.argmin(np.hypot(town_x[towns] - x, town_y[towns] - y))])
        per_county[county] = per_county.get(county, 0) + 1
        per_town[town] = per_town.get(town, 0) + 1
        docks.append(Dock(
            dock_id=f"DK{geo.county_codes[county]}{per_county[county]:02d}",
            name=f"{names[geo.town_codes[town]]}{per_town[town]}号机巢",
            county=county, town=town, x=x, y=y, area_km2=area,
            commissioned=commissioned, decommissioned=out,
        ))
    return tuple(docks)


def _model(day: date) -> str:
    if day < date(2022, 1, 1):
        return "DJI_M300_RTK"
    return "DJI_M30T" if day < date(2022, 7, 1) else "DJI_DOCK_M30"


def _drones(rng: np.random.Generator, slot_dock: list[int], moved_to: int,
            docks: tuple[Dock, ...]) -> tuple[Drone, ...]:
    """One drone per dock; a crash and an ageing airframe are replaced; one dock moves."""
    specs: list[tuple[date, int, date | None, tuple[tuple[date, int], ...]]] = []
    for slot, dock in enumerate(slot_dock, start=1):
        retired = {CRASH[0]: CRASH[1], AGED_OUT[0]: AGED_OUT[1]}.get(slot)
        homes: tuple[tuple[date, int], ...] = ((docks[dock].commissioned, dock),)
        if slot == RELOCATION[0]:
            homes += ((RELOCATION[1], moved_to),)
        specs.append((docks[dock].commissioned, dock, retired, homes))
    for slot, _, replaced in (CRASH, AGED_OUT):
        dock = slot_dock[slot - 1]
        specs.append((replaced, dock, None, ((replaced, dock),)))
    specs.sort(key=lambda s: (s[0], s[2] is None, s[1]))
    drones = []
    for number, (commissioned, _, retired, homes) in enumerate(specs, start=1):
        drones.append(Drone(
            drone_id=f"UAV{number:03d}", model=_model(commissioned), commissioned=commissioned,
            retired=retired, homes=homes,
            maintenance=_maintenance(rng, commissioned, retired, homes),
        ))
    return tuple(drones)


def _maintenance(rng: np.random.Generator, commissioned: date, retired: date | None,
                 homes: tuple[tuple[date, int], ...]) -> tuple[tuple[date, date], ...]:
    """0–2 servicing windows of 3–8 days a year, never in the flood season."""
    windows: list[tuple[date, date]] = []
    moves = [start for start, _ in homes[1:]]
    for year in range(2020, 2024):
        count = int(rng.choice(3, p=[0.3, 0.5, 0.2]))
        offsets, lengths = rng.integers(0, 365, 2), rng.integers(3, 9, 2)
        for offset, length in zip(offsets[:count].tolist(), lengths[:count].tolist(),
                                  strict=True):
            start = date(year, 1, 1) + timedelta(days=offset)
            end = start + timedelta(days=length - 1)
            span = [start + timedelta(days=n) for n in range(length)]
            if (start < commissioned + timedelta(days=30)
                    or (retired is not None and end >= retired - timedelta(days=7))
                    or any(d.month in MAINTENANCE_FREE_MONTHS for d in span)
                    or any(start <= m <= end for m in moves)
                    or any(s <= end and start <= e for s, e in windows)):
                continue
            windows.append((start, end))
    return tuple(sorted(windows))


def _events(drones: tuple[Drone, ...]) -> tuple[DroneEvent, ...]:
    """Status changes of the registry, at plausible office times."""
    events = []
    for i, drone in enumerate(drones):
        first_dock = drone.homes[0][1]
        events.append(DroneEvent(drone.commissioned, 10 * 3600 + 300 * (i % 12), i, "ACTIVE",
                                 first_dock, None))
        for start, dock in drone.homes[1:]:
            events.append(DroneEvent(start, 15 * 3600, i, "ACTIVE", dock, None))
        for start, end in drone.maintenance:
            events.append(DroneEvent(start, 9 * 3600 + 120 * (i % 20), i, "MAINTENANCE",
                                     drone.dock_on(start), None))
            back = end + timedelta(days=1)
            events.append(DroneEvent(back, 16 * 3600 + 120 * (i % 20), i, "ACTIVE",
                                     drone.dock_on(back), None))
        if drone.retired is not None:
            events.append(DroneEvent(drone.retired, 11 * 3600, i, "RETIRED",
                                     drone.dock_on(drone.retired), drone.retired))
    return tuple(sorted(events, key=lambda e: (e.day, e.seconds, e.drone)))


# --- registry rows ---------------------------------------------------------------------------
SYNC_SECONDS = 5 * 60  # the register is synced in full at 00:05 on the 1st of each month


def _stamp(day: date, seconds: int) -> str:
    return f"{day.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _dock_row(fleet: Fleet, k: int, day: date, seconds: int, shown_out: date | None) -> Row:
    dock = fleet.docks[k]
    lat, lon = to_latlon(np.array([dock.x]), np.array([dock.y]))
    return {
        "dock_id": dock.dock_id, "dock_name": dock.name,
        "county_code": fleet.county_codes[dock.county],
        "town_code": fleet.town_codes[dock.town],
        "lat": round(float(lat[0]), 6), "lon": round(float(lon[0]), 6),
        "patrol_area_km2": dock.area_km2,
        "commissioned_date": dock.commissioned.isoformat(),
        "decommissioned_date": shown_out.isoformat() if shown_out else None,
        "updated_at": _stamp(day, seconds),
    }


def _drone_row(fleet: Fleet, event: DroneEvent, day: date, seconds: int) -> Row:
    drone = fleet.drones[event.drone]
    return {
        "drone_id": drone.drone_id, "model": drone.model,
        "dock_id": fleet.docks[event.dock].dock_id, "status": event.status,
        "commissioned_date": drone.commissioned.isoformat(),
        "retired_date": event.retired.isoformat() if event.retired else None,
        "updated_at": _stamp(day, seconds),
    }


def registry_rows(fleet: Fleet, days: tuple[date, ...]) -> tuple[list[Row], list[Row]]:
    """Dock and drone rows of these days: changes on their day, a full sync on each 1st."""
    in_range = set(days)
    docks: list[Row] = []
    drones: list[Row] = []
    for day in (d for d in days if d.day == 1):
        for k, dock in enumerate(fleet.docks):
            if dock.commissioned < day:
                out = dock.decommissioned if dock.decommissioned and dock.decommissioned < day \
                    else None
                docks.append(_dock_row(fleet, k, day, SYNC_SECONDS, out))
        latest = {e.drone: e for e in fleet.events if e.day < day}
        drones.extend(_drone_row(fleet, e, day, SYNC_SECONDS) for e in latest.values())
    for k, dock in enumerate(fleet.docks):
        if dock.commissioned in in_range:
            docks.append(_dock_row(fleet, k, dock.commissioned, 9 * 3600 + 1800 + 60 * (k % 20),
                                   None))
        if dock.decommissioned in in_range:
            docks.append(_dock_row(fleet, k, dock.decommissioned, 17 * 3600,
                                   dock.decommissioned))
    drones.extend(_drone_row(fleet, e, e.day, e.seconds) for e in fleet.events
                  if e.day in in_range)
    return docks, drones


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
PURPOSES = ("日常巡查", "防汛应急巡查", "违建专项巡查", "河道巡查", "秸秆焚烧巡查", "森林防火巡查",
            "渣土偷倒专项", "非法采砂专项", "扬尘管控专项")
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


def _routine(rng: np.random.Generator, duty: np.ndarray, calendar: list[date], month: Month,
             factor: float) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Routine, task and rainstorm sorties: Poisson per drone and day, in distinct slots."""
    progress = reform_progress(month)
    weight = np.array([day_weight(d, "reactive") / year_weight(d.year, "reactive")
                       for d in calendar])
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
    return {"drone": pair_drone[owner], "day": day, "kind": kind,
            "dispatch": np.where(city, 0, 1), "purpose": purpose, "duration": duration,
            "start": start, "wave": np.zeros(n, bool)}, rain


def _wave(world: World, duty: np.ndarray, calendar: list[date]) -> dict[str, np.ndarray]:
    """2022-06-20: every drone on duty flies one city-dispatched emergency sortie at dawn."""
    if FLOOD_DAY not in calendar:
        return {}
    rng = world.rng(Stream.DRONES, FLOOD_LABEL)
    day = calendar.index(FLOOD_DAY)
    drones = np.flatnonzero(duty[:, day] >= 0)
    n = len(drones)
    return {"drone": drones, "day": np.full(n, day), "kind": np.full(n, 2),
            "dispatch": np.zeros(n, np.int64), "purpose": np.ones(n, np.int64),
            "duration": rng.integers(28 * 60, 40 * 60 + 1, n),
            "start": WAVE_START_S + 240 * np.arange(n) + rng.integers(0, 600, n),
            "wave": np.ones(n, bool)}


def _sorties(world: World, fleet: Fleet, month: Month, calendar: list[date],
             factor: float) -> Sorties:
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
    return Sorties(drone=s["drone"], dock=dock, day=s["day"], kind=s["kind"],
                   dispatch=s["dispatch"], purpose=s["purpose"], wave=s["wave"],
                   rain=rain[s["day"]], routes=routes,
                   ids=[f"FL{month.yyyymm}{i:05d}" for i in range(1, len(order) + 1)])


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
    FindingClass("ILLEGAL_BUILDING", 6, 0, 240, -0.05,
                 (("ZHZF", 0.6, 0.85), ("ZRZY", 0.4, 0.15))),
    FindingClass("DUMPING", 8, 0, 30, -0.02, (("ZHZF", 0.85, 0.95), ("STHJ", 0.15, 0.05))),
    FindingClass("OPEN_BURNING", 3.5, -1, 3, -0.04, (("STHJ", 0.6, 0.3), ("ZHZF", 0.4, 0.7))),
    FindingClass("ROAD_OCCUPATION", 13, 1, 12, 0.0, (("ZHZF", 0.7, 0.75), ("JTYS", 0.3, 0.25))),
    FindingClass("ILLEGAL_SAND_MINING", 1.2, -1, 120, 0.0, (("ZRZY", 0.5, 0.5), ("SLJ", 0.5, 0.5))),
    FindingClass("DEFORESTATION", 1.5, -1, 120, -0.03, (("LYJ", 0.7, 0.7), ("ZRZY", 0.3, 0.3))),
    FindingClass("RIVER_POLLUTION", 3, 0, 48, 0.0, (("STHJ", 0.8, 0.8), ("SLJ", 0.2, 0.2))),
    FindingClass("ILLEGAL_PARKING", 21, 1, 2, 0.04, (("ZHZF", 0.6, 0.7), ("GAJ", 0.4, 0.3))),
    FindingClass("STREET_VENDING", 12, 1, 6, 0.02, (("ZHZF", 1.0, 1.0),)),
    FindingClass("CONSTRUCTION_DUST", 5, 0, 24, -0.02,
                 (("ZJJS", 0.5, 0.4), ("STHJ", 0.3, 0.3), ("ZHZF", 0.2, 0.3))),
    FindingClass("ILLEGAL_ADVERTISING", 6, 1, 72, 0.0, (("ZHZF", 1.0, 1.0),)),
)
CLASS_INDEX = {c.code: i for i, c in enumerate(CLASSES)}
# Task sorties look for one class in particular (purpose index -> class).
TASK_FOCUS = {2: "ILLEGAL_BUILDING", 3: "RIVER_POLLUTION", 4: "OPEN_BURNING",
              5: "DEFORESTATION", 6: "DUMPING", 7: "ILLEGAL_SAND_MINING", 8: "CONSTRUCTION_DUST"}
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
    distance = np.hypot(np.array([d.x for d in fleet.docks]) - sx[county],
                        np.array([d.y for d in fleet.docks]) - sy[county])
    urban = np.array([fleet.county_codes[c] in URBAN_COUNTIES for c in county])
    return np.exp(-distance / 6.0) * np.where(urban, 1.0, 0.7)


def _rates(fleet: Fleet, sorties: Sorties, month: Month) -> np.ndarray:
    """(sorties, classes) expected findings of routine recognition; none on the wave."""
    u = _urbanity(fleet)[sorties.dock]
    lean = np.array([c.lean for c in CLASSES])
    lean_factor = np.where(lean[None, :] > 0, 0.3 + 1.4 * u[:, None],
                           np.where(lean[None, :] < 0, 1.5 - 1.2 * u[:, None], 1.0))
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
    counts[urban, CLASS_INDEX["WATERLOGGING"]] = rng.multinomial(FLOOD_WATERLOGGING,
                                                                 area / area.sum())
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
        distance = np.hypot(x[rows, None] - town_x[towns][None, :],
                            y[rows, None] - town_y[towns][None, :])
        result[rows] = towns[distance.argmin(axis=1)]
    return result


def _lifecycle(rng: np.random.Generator, detected: np.ndarray, cls: np.ndarray,
               true: np.ndarray, wave: np.ndarray, progress: float) -> np.ndarray:
    """Times of each stage: review desk, push, sign (2 h limit), handle, re-flight, close.

    False alarms stop at review; a few confirmed findings are never reported handled. The
    flood patrol's findings are all real and closed within the day. Steps are at least a
    minute apart, so each state row of a finding has its own ``updated_at``.
    """
    n = len(detected)
    review_median = 1500.0 * (1.8 - 0.8 * progress)
    review = np.where(wave, rng.integers(180, 900, n),
                      np.clip(rng.lognormal(np.log(review_median), 0.7, n), 120, 12 * 3600))
    push = rng.integers(60, 600, n)
    on_time = rng.random(n) < 0.82 + 0.14 * progress
    sign = np.where(wave, rng.integers(300, 1800, n),
                    np.where(on_time, rng.integers(300, SIGN_LIMIT_S - 60, n),
                             rng.integers(SIGN_LIMIT_S + 60, 36 * 3600, n)))
    hours = np.array([c.handle_hours for c in CLASSES])[cls] * (1.4 - 0.5 * progress)
    handle = np.where(wave, rng.integers(3600, 5 * 3600, n),
                      np.clip(rng.lognormal(np.log(hours * 3600), 0.6), 600, 90 * 86400))
    stuck = ~wave & (rng.random(n) < STUCK_SHARE)
    verify = np.where(wave, rng.integers(2 * 3600, 8 * 3600, n),
                      rng.integers(2 * 3600, 72 * 3600, n))
    close = rng.integers(300, 4 * 3600, n)
    times = np.full((n, len(STAGES)), -1, dtype=np.int64)
    times[:, 0] = detected
    times[:, 1] = detected + review.astype(np.int64)
    steps = np.stack([push, sign, handle, verify, close], axis=1).astype(np.int64)
    done = true & ~stuck
    reached = np.stack([true, true, done, done, done], axis=1)
    times[:, 2:] = np.where(reached, times[:, 1:2] + np.cumsum(steps, axis=1), -1)
    return times


def _findings(world: World, fleet: Fleet, sorties: Sorties, month: Month) -> Findings:
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
    county = np.array([d.county for d in fleet.docks], dtype=np.int64)[sorties.dock[flight]] \
        if n else np.zeros(0, np.int64)
    times = _lifecycle(rng, detected[order], cls, true, wave, progress)
    lag = rng.integers(0, 60, times.shape)
    lat, lon = to_latlon(x, y)
    return Findings(
        flight=flight, cls=cls, lat=np.round(lat, 6), lon=np.round(lon, 6), county=county,
        town=_towns(world, county, x, y), dept=dept[order], true=true,
        confidence=np.round(confidence[order], 3), times=times,
        updated=np.where(times >= 0, times + lag, -1),
        ids=[f"FX{month.yyyymm}{i:07d}" for i in range(1, n + 1)],
    )


# --- rows ------------------------------------------------------------------------------------
def _stamps(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds to 'YYYY-MM-DD HH:MM:SS' (None where negative), as an object array."""
    frame = pl.DataFrame({"s": np.asarray(seconds, dtype=np.int64)})
    text = frame.select(
        pl.when(pl.col("s") >= 0)
        .then((pl.col("s") * 1000).cast(pl.Datetime("ms")).dt.strftime("%Y-%m-%d %H:%M:%S"))
    ).to_series()
    return np.array(text.to_list(), dtype=object)


def _rows(names: list[str], columns: list[np.ndarray]) -> list[Row]:
    """Dicts from equal-length columns (the engine's row interface; the costly part)."""
    return [dict(zip(names, values, strict=False))
            for values in zip(*(c.tolist() for c in columns), strict=False)]


def _flight_rows(world: World, plan: _MonthPlan, keep: np.ndarray, end_epoch: int) -> list[Row]:
    sorties, fleet = plan.sorties, plan.fleet
    rng = world.rng(Stream.DRONES, FLIGHTS_LABEL, plan.month_label, 1)
    landing = sorties.routes.takeoff + sorties.routes.duration
    updated = landing + rng.integers(60, 600, len(sorties))
    keep = keep & (updated < end_epoch)
    area = np.array([d.area_km2 for d in fleet.docks])[sorties.dock] if len(sorties) \
        else np.zeros(0)
    drone_ids = np.array([d.drone_id for d in fleet.drones], dtype=object)
    dock_ids = np.array([d.dock_id for d in fleet.docks], dtype=object)
    county = np.array([fleet.county_codes[d.county] for d in fleet.docks], dtype=object)
    columns = [
        np.array(sorties.ids, dtype=object), drone_ids[sorties.drone], dock_ids[sorties.dock],
        county[sorties.dock], np.array(KINDS, dtype=object)[sorties.kind],
        np.array(DISPATCHERS, dtype=object)[sorties.dispatch],
        np.array(PURPOSES, dtype=object)[sorties.purpose],
        _stamps(sorties.routes.takeoff), _stamps(landing), plan.tracks.distance_km,
        np.round(np.minimum(area, plan.tracks.distance_km * SWATH_KM), 2),
        point_counts(sorties.routes.duration), _stamps(updated),
    ]
    return _rows(FLIGHTS.column_names, [c[keep] for c in columns])


def _finding_rows(world: World, plan: _MonthPlan, found: Findings, keep_flight: np.ndarray,
                  end_epoch: int) -> list[Row]:
    """One row per status change, carrying every milestone reached by then."""
    geo, n = world.geo, len(found.ids)
    stamps = [_stamps(found.times[:, s]) for s in range(len(STAGES))]
    updated = [_stamps(found.updated[:, s]) for s in range(len(STAGES))]
    fixed = [
        np.array(found.ids, dtype=object), np.array(plan.sorties.ids, dtype=object)[found.flight],
        stamps[0], np.array([c.code for c in CLASSES], dtype=object)[found.cls],
        found.confidence, found.lat, found.lon,
        np.array(geo.county_codes, dtype=object)[found.county],
        np.array(geo.town_codes, dtype=object)[found.town],
    ]
    dept = np.array(world.departments.codes, dtype=object)[found.dept]
    none = np.full(n, None, dtype=object)
    keep = keep_flight[found.flight] if n else np.zeros(0, bool)
    rows: list[Row] = []
    for s, stage in enumerate(STAGES):
        idx = np.flatnonzero(keep & (found.times[:, s] >= 0) & (found.updated[:, s] < end_epoch))
        if stage == "REVIEWED":
            status = np.where(found.true[idx], "CONFIRMED", "FALSE_ALARM").astype(object)
        else:
            status = np.full(len(idx), stage, dtype=object)
        milestones = [stamps[j][idx] if j <= s else none[idx] for j in range(1, len(STAGES))]
        columns = [c[idx] for c in fixed] + [
            dept[idx] if s >= 2 else none[idx], status, stamps[s][idx], *milestones,
            updated[s][idx]]
        rows.extend(_rows(FINDINGS.column_names, columns))
    return rows


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
        tracks = build_tracks(world.rng(Stream.DRONES, TRACKS_LABEL, month.label),
                              sorties.routes)
        _PLANS[key] = _MonthPlan(month.label, fleet, calendar, sorties, tracks)
    return _PLANS[key]


def _in_range(plan: _MonthPlan, days: tuple[date, ...]) -> np.ndarray:
    offsets = [(d - plan.calendar[0]).days for d in days]
    return np.isin(plan.sorties.day, offsets)


def generate_month(world: World, month: Month, factor: float, end: date) -> dict[str, list[Row]]:
    """Rows per table name (``drones_docks``, ``drones_drones``, ``drones_flights``,
    ``drones_findings``) for the days of ``month``, with every later state row up to ``end``;
    each row's ``updated_at`` is the day it is exported. Track points: ``track_point_frames``.
    """
    plan = _month_plan(world, month, factor)
    end_epoch = (_epoch_day(end) + 1) * 86400
    last = end.isoformat()
    docks, drones = registry_rows(plan.fleet, month.days)
    keep = _in_range(plan, month.days)
    found = _findings(world, plan.fleet, plan.sorties, month)
    return {
        DOCKS.table_name: [r for r in docks if str(r["updated_at"])[:10] <= last],
        DRONES.table_name: [r for r in drones if str(r["updated_at"])[:10] <= last],
        FLIGHTS.table_name: _flight_rows(world, plan, keep, end_epoch),
        FINDINGS.table_name: _finding_rows(world, plan, found, keep, end_epoch),
    }


def track_point_frames(world: World, month: Month, factor: float) -> dict[date, pl.DataFrame]:
    """Track points of each day of ``month`` (every day present, empty when nothing flew).

    Frames are typed, columns in contract order: flight_id String, seq Int64, recorded_at
    Datetime(ms), lat/lon/altitude_m/speed_mps Float64 (already rounded). Write each with
    ``frames.write_frame``. Points of a sortie are exported on the day it flew.
    """
    plan = _month_plan(world, month, factor)
    return day_frames(plan.tracks, plan.sorties.ids, plan.sorties.day, month.days,
                      plan.calendar[0])


def created_records(rows: dict[str, list[Row]]) -> dict[str, int]:
    """Records created in a month's rows (for the run report): docks and drones commissioned,
    sorties flown, findings detected. State rows of older records are not counted."""
    def commissioned(table: str) -> int:
        return sum(1 for r in rows.get(table, [])
                   if str(r["updated_at"])[:10] == r["commissioned_date"])

    return {
        DOCKS.table_name: commissioned(DOCKS.table_name),
        DRONES.table_name: commissioned(DRONES.table_name),
        FLIGHTS.table_name: len(rows.get(FLIGHTS.table_name, [])),
        FINDINGS.table_name: sum(1 for r in rows.get(FINDINGS.table_name, [])
                                 if r["status"] == "DETECTED"),
    }
