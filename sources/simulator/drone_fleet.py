"""The drone fleet of 综合飞一次: docks, drones, their registry rows and the scripted figures.

Split from ``drones`` (sorties and findings): the fleet is scale-independent and scripted so
that 23 drones patrol 700 km² on 2022-06-30, the plan's 70 by December 2022.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from sources import reference
from sources.simulator.city import COUNTY_CENTROID
from sources.simulator.drone_tracks import (
    to_km,
    to_latlon,
)
from sources.simulator.formats import Row
from sources.simulator.timeline import day_weight
from sources.simulator.world import Stream, World

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
COUNTY_QUOTA = {"330802": 9, "330803": 13, "330822": 10, "330824": 13, "330825": 11, "330881": 14}
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
        return self.commissioned < day and (
            self.decommissioned is None or day < self.decommissioned
        )


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
        return (
            self.commissioned < day
            and (self.retired is None or day < self.retired)
            and not any(start <= day <= end for start, end in self.maintenance)
            and not any(start == day for start, _ in self.homes[1:])
        )


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
    areas = _areas(
        np.array([s[2] for s in specs]),
        np.array([s[3] <= FIGURE_DAY and (s[4] is None or s[4] > FIGURE_DAY) for s in specs]),
    )
    order = sorted(range(len(specs)), key=lambda k: (specs[k][3], k))
    docks = _docks(
        world,
        [specs[k] for k in order],
        [sites[specs[k][0]][specs[k][1]] for k in order],
        areas[order],
    )
    dock_of_spec = {k: position for position, k in enumerate(order)}
    drones = _drones(
        rng, [dock_of_spec[k] for k in range(PLAN_DOCKS)], dock_of_spec[PLAN_DOCKS], docks
    )
    return Fleet(
        docks=docks,
        drones=drones,
        events=_events(drones),
        county_codes=geo.county_codes,
        town_codes=geo.town_codes,
    )


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
        county = (
            codes.index("330802")
            if k <= PILOT_SLOTS
            else int(np.argmax(quota * k / PLAN_DOCKS - assigned))
        )
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
        days.extend(
            _workday(begin + timedelta(days=round(span * i / max(n - 1, 1)))) for i in range(n)
        )
    return days


def _areas(raw: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Scale so that the docks in service on the figure day patrol exactly COVERAGE_KM2."""
    areas = np.round(raw * COVERAGE_KM2 / raw[counted].sum(), 2)
    last = np.flatnonzero(counted)[-1]
    areas[last] = round(areas[last] + COVERAGE_KM2 - areas[counted].sum(), 2)
    return areas


def _docks(
    world: World,
    specs: list[tuple[int, int, float, date, date | None]],
    sites: list[tuple[float, float]],
    areas: np.ndarray,
) -> tuple[Dock, ...]:
    geo = world.geo
    town_x, town_y = to_km(geo.town_lat, geo.town_lon)
    names = {t.code: t.name_zh for t in reference.towns()}
    per_county: dict[int, int] = {}
    per_town: dict[int, int] = {}
    docks = []
    for (county, _, _, commissioned, out), (x, y), area in zip(
        specs, sites, areas.tolist(), strict=True
    ):
        towns = np.flatnonzero(geo.town_county == county)
        town = int(towns[np.argmin(np.hypot(town_x[towns] - x, town_y[towns] - y))])
        per_county[county] = per_county.get(county, 0) + 1
        per_town[town] = per_town.get(town, 0) + 1
        docks.append(
            Dock(
                dock_id=f"DK{geo.county_codes[county]}{per_county[county]:02d}",
                name=f"{names[geo.town_codes[town]]}{per_town[town]}号机巢",
                county=county,
                town=town,
                x=x,
                y=y,
                area_km2=area,
                commissioned=commissioned,
                decommissioned=out,
            )
        )
    return tuple(docks)


def _model(day: date) -> str:
    if day < date(2022, 1, 1):
        return "DJI_M300_RTK"
    return "DJI_M30T" if day < date(2022, 7, 1) else "DJI_DOCK_M30"


def _drones(
    rng: np.random.Generator, slot_dock: list[int], moved_to: int, docks: tuple[Dock, ...]
) -> tuple[Drone, ...]:
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
        drones.append(
            Drone(
                drone_id=f"UAV{number:03d}",
                model=_model(commissioned),
                commissioned=commissioned,
                retired=retired,
                homes=homes,
                maintenance=_maintenance(rng, commissioned, retired, homes),
            )
        )
    return tuple(drones)


def _maintenance(
    rng: np.random.Generator,
    commissioned: date,
    retired: date | None,
    homes: tuple[tuple[date, int], ...],
) -> tuple[tuple[date, date], ...]:
    """0–2 servicing windows of 3–8 days a year, never in the flood season."""
    windows: list[tuple[date, date]] = []
    moves = [start for start, _ in homes[1:]]
    for year in range(2020, 2024):
        count = int(rng.choice(3, p=[0.3, 0.5, 0.2]))
        offsets, lengths = rng.integers(0, 365, 2), rng.integers(3, 9, 2)
        for offset, length in zip(offsets[:count].tolist(), lengths[:count].tolist(), strict=True):
            start = date(year, 1, 1) + timedelta(days=offset)
            end = start + timedelta(days=length - 1)
            span = [start + timedelta(days=n) for n in range(length)]
            if (
                start < commissioned + timedelta(days=30)
                or (retired is not None and end >= retired - timedelta(days=7))
                or any(d.month in MAINTENANCE_FREE_MONTHS for d in span)
                or any(start <= m <= end for m in moves)
                or any(s <= end and start <= e for s, e in windows)
            ):
                continue
            windows.append((start, end))
    return tuple(sorted(windows))


def _events(drones: tuple[Drone, ...]) -> tuple[DroneEvent, ...]:
    """Status changes of the registry, at plausible office times."""
    events = []
    for i, drone in enumerate(drones):
        first_dock = drone.homes[0][1]
        events.append(
            DroneEvent(
                drone.commissioned, 10 * 3600 + 300 * (i % 12), i, "ACTIVE", first_dock, None
            )
        )
        for start, dock in drone.homes[1:]:
            events.append(DroneEvent(start, 15 * 3600, i, "ACTIVE", dock, None))
        for start, end in drone.maintenance:
            events.append(
                DroneEvent(
                    start, 9 * 3600 + 120 * (i % 20), i, "MAINTENANCE", drone.dock_on(start), None
                )
            )
            back = end + timedelta(days=1)
            events.append(
                DroneEvent(back, 16 * 3600 + 120 * (i % 20), i, "ACTIVE", drone.dock_on(back), None)
            )
        if drone.retired is not None:
            events.append(
                DroneEvent(
                    drone.retired,
                    11 * 3600,
                    i,
                    "RETIRED",
                    drone.dock_on(drone.retired),
                    drone.retired,
                )
            )
    return tuple(sorted(events, key=lambda e: (e.day, e.seconds, e.drone)))


# --- registry rows ---------------------------------------------------------------------------
SYNC_SECONDS = 5 * 60  # the register is synced in full at 00:05 on the 1st of each month


def _stamp(day: date, seconds: int) -> str:
    return f"{day.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _dock_row(fleet: Fleet, k: int, day: date, seconds: int, shown_out: date | None) -> Row:
    dock = fleet.docks[k]
    lat, lon = to_latlon(np.array([dock.x]), np.array([dock.y]))
    return {
        "dock_id": dock.dock_id,
        "dock_name": dock.name,
        "county_code": fleet.county_codes[dock.county],
        "town_code": fleet.town_codes[dock.town],
        "lat": round(float(lat[0]), 6),
        "lon": round(float(lon[0]), 6),
        "patrol_area_km2": dock.area_km2,
        "commissioned_date": dock.commissioned.isoformat(),
        "decommissioned_date": shown_out.isoformat() if shown_out else None,
        "updated_at": _stamp(day, seconds),
    }


def _drone_row(fleet: Fleet, event: DroneEvent, day: date, seconds: int) -> Row:
    drone = fleet.drones[event.drone]
    return {
        "drone_id": drone.drone_id,
        "model": drone.model,
        "dock_id": fleet.docks[event.dock].dock_id,
        "status": event.status,
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
                out = (
                    dock.decommissioned
                    if dock.decommissioned and dock.decommissioned < day
                    else None
                )
                docks.append(_dock_row(fleet, k, day, SYNC_SECONDS, out))
        latest = {e.drone: e for e in fleet.events if e.day < day}
        drones.extend(_drone_row(fleet, e, day, SYNC_SECONDS) for e in latest.values())
    for k, dock in enumerate(fleet.docks):
        if dock.commissioned in in_range:
            docks.append(
                _dock_row(fleet, k, dock.commissioned, 9 * 3600 + 1800 + 60 * (k % 20), None)
            )
        if dock.decommissioned in in_range:
            docks.append(_dock_row(fleet, k, dock.decommissioned, 17 * 3600, dock.decommissioned))
    drones.extend(_drone_row(fleet, e, e.day, e.seconds) for e in fleet.events if e.day in in_range)
    return docks, drones
