"""Grid events (网格事件) of one month, and the frame exports the 12345 and grid systems share.

Grid workers on their rounds, residents and town patrols report about 800k matters a year at
full scale: hazards, rubbish, disputes, illegal building, broken roads. Most (80-90%) are
resolved inside the grid, the rest are escalated to the town's comprehensive team or a county
department, and over 99% are closed (cf. Shaoxing: 2.17M events in 8 months, 99.6% closed).
Fire hazards peak in the dry winter, flood reports in the flood season; the reform raises
both the volume reported and the share resolved in the grid, and speeds handling up.

The second half of the module writes frame exports: the 12345 and grid-event tables are too
large for row dicts and carry timestamp date orders that ``defects.spoil`` cannot break (it
parses the earlier value as a date), so they travel as typed polars frames, one per export
day, and are written by ``frames.write_frame``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from sources.contracts import TableContract
from sources.simulator import grids as gl
from sources.simulator import report_handoffs, sampling
from sources.simulator.city import N_PEOPLE, STAFF_RESERVED
from sources.simulator.handoffs import SystemMonth
from sources.simulator.timeline import Month, reform_progress
from sources.simulator.world import Stream, World
from sources.systems.grid import EVENTS
from sources.validate import POLARS_TYPES

EVENTS_PER_YEAR = 800_000
GROWTH_PER_YEAR = 0.06  # the four platforms mature: more is reported each year
HOUR, DAY = 3600, 86_400
REPORTERS = ("GRID_WORKER", "RESIDENT", "PATROL")
REPORTER_SHARE = (0.75, 0.15, 0.10)
PATROLS_PER_TOWN = 10  # town patrol officers: the last residents, after all enforcement staff
PATROL_FIRST = N_PEOPLE - 1_000
STUCK_SHARE = 0.005  # events never closed
STAGE_TIMES = ("reported", "accepted", "escalated", "handled", "closed")


@dataclass(frozen=True)
class EventType:
    """A kind of matter: share, season, chance of being resolved in the grid, who takes it."""

    code: str
    share: float
    season: str
    in_grid: float  # resolved inside the grid, before the reform
    county: float  # share of escalations that go to the county rather than the town
    depts: dict[str, float]


EVENT_TYPES = (
    EventType("SAFETY_HAZARD", .14, "flat", .85, .30, {"YJGL": 3, "ZHZF": 1}),
    EventType("FIRE_HAZARD", .08, "dry", .85, .30, {"YJGL": 2, "ZHZF": 1, "GAJ": 1}),
    EventType("ENVIRONMENT", .14, "summer", .82, .40, {"STHJ": 3, "ZHZF": 1}),
    EventType("SANITATION", .18, "summer", .96, .10, {"ZHZF": 3, "ZJJS": 1}),
    EventType("DISPUTE", .14, "year_end", .90, .20, {"MZJ": 1, "GAJ": 1, "RSJ": 1, "ZHZF": .5}),
    EventType("ILLEGAL_CONSTRUCTION", .06, "building", .45, .50,
              {"ZHZF": 4, "ZRZY": 1, "ZJJS": 1}),
    EventType("ROAD", .10, "flat", .75, .30, {"JTYS": 2, "ZJJS": 2, "ZHZF": 1}),
    EventType("PUBLIC_ORDER", .05, "flat", .70, .30, {"GAJ": 3, "ZHZF": 1}),
    EventType("FOOD_SAFETY", .03, "summer", .60, .60, {"SCJG": 4, "WSJK": 1}),
    EventType("FLOOD", .03, "flood", .80, .30, {"SLJ": 3, "ZJJS": 1, "YJGL": 1}),
    EventType("OTHER", .05, "flat", .90, .20, {"MZJ": 1, "ZHZF": 1}),
)


def generate_month(world: World, month: Month, factor: float, end: date) -> SystemMonth:
    """Events reported in ``month`` with every state row recorded up to ``end``."""
    rng = world.rng(Stream.GRID, month.label)
    progress = reform_progress(month)
    events = _report(rng, world, month, factor)
    _handle(rng, world, events, progress)
    rows = _state_rows(world, events, epoch_seconds(end) + DAY)
    clues = report_handoffs.grid_clues(world, month.label, events,
                                       [t.code for t in EVENT_TYPES], end)
    return SystemMonth(frames={EVENTS.table_name: split_days(rows, EVENTS)},
                       records={EVENTS.table_name: len(events["reported"])}, clues=clues)


def expected_events(month: Month, factor: float) -> float:
    """Yearly volume spread by day weights, the month's mix of seasons and the growth trend."""
    mix = sum(t.share * gl.season(t.season)[month.month - 1] for t in EVENT_TYPES)
    return gl.expected_reports(month, EVENTS_PER_YEAR * factor, GROWTH_PER_YEAR) * mix


def _report(rng: np.random.Generator, world: World, month: Month, factor: float
            ) -> dict[str, np.ndarray]:
    """What was reported when, where and by whom, in time order."""
    n = int(rng.poisson(expected_events(month, factor)))
    mix = np.array([t.share * gl.season(t.season)[month.month - 1] for t in EVENT_TYPES])
    kind = rng.choice(len(EVENT_TYPES), size=n, p=mix / mix.sum())
    reporter = rng.choice(len(REPORTERS), size=n, p=REPORTER_SHARE)
    profile = np.where(reporter == REPORTERS.index("RESIDENT"), "day", "patrol")
    reported = (epoch_seconds(month.days[0]) + gl.report_days(rng, month, n) * DAY
                + gl.report_seconds(rng, profile))
    order = np.argsort(reported, kind="stable")
    reported, kind, reporter = reported[order], kind[order], reporter[order]
    town = gl.report_towns(rng, world, n)
    layer = gl.build_grids(world)
    grid = gl.grid_of(layer, town, rng)
    lat, lon = gl.grid_points(layer, grid, rng)
    person = np.select(
        [reporter == 0, reporter == 1],
        [gl.worker_of(layer, grid, rng), rng.integers(0, N_PEOPLE - STAFF_RESERVED, n)],
        PATROL_FIRST + town * PATROLS_PER_TOWN + rng.integers(0, PATROLS_PER_TOWN, n))
    located = (reporter != REPORTERS.index("RESIDENT")) | (rng.random(n) < 0.8)
    return {"reported": reported, "kind": kind, "reporter": reporter,
            "town": town, "grid": grid, "lat": lat, "lon": lon, "person": person,
            "located": located, "no": np.array([f"WG{month.yyyymm}{i:07d}"
                                                for i in range(1, n + 1)])}


def _handle(rng: np.random.Generator, world: World, events: dict[str, np.ndarray],
            progress: float) -> None:
    """Resolve in the grid or escalate; the reform resolves more in the grid, and sooner."""
    n, kind, reported = len(events["reported"]), events["kind"], events["reported"]
    in_grid_p = np.array([t.in_grid for t in EVENT_TYPES])[kind] + 0.05 * progress
    in_grid = rng.random(n) < np.minimum(in_grid_p, 0.99)
    county = rng.random(n) < np.array([t.county for t in EVENT_TYPES])[kind]
    codes = world.departments.codes
    dept = sampling.categorical(rng, gl.weight_matrix([t.depts for t in EVENT_TYPES], codes)[kind])
    town_team = ~county & (rng.random(n) < 0.6)  # the town's comprehensive team (一支队伍管执法)
    speed = 1.0 - 0.3 * progress
    accepted = reported + np.clip(rng.lognormal(np.log(1200), 0.8, n), 60, 12 * HOUR)
    escalated = reported + np.clip(rng.lognormal(np.log(2 * HOUR), 0.9, n), 600, 2 * DAY)
    start = np.where(in_grid, accepted, escalated)
    median = np.where(in_grid, 3 * HOUR, np.where(county, 6 * DAY, 3 * DAY)) * speed
    handled = start + np.clip(rng.lognormal(np.log(median), 0.9), 600, 60 * DAY)
    closed = handled + rng.integers(600, np.where(in_grid, 36 * HOUR, 3 * DAY))
    events.update(
        in_grid=in_grid, county=county, stuck=rng.random(n) < STUCK_SHARE,
        dept=np.where(town_team, codes.index("ZHZF"), dept),
        accepted=accepted.astype(np.int64), escalated=escalated.astype(np.int64),
        handled=handled.astype(np.int64), closed=closed.astype(np.int64),
    )


def _state_rows(world: World, events: dict[str, np.ndarray], end_s: int) -> pl.DataFrame:
    """One row per event and day its state changed: the state reached by that evening."""
    times = np.stack([events[name] for name in STAGE_TIMES], axis=1)
    in_grid, stuck = events["in_grid"], events["stuck"]
    present = np.stack([np.ones_like(in_grid), in_grid, ~in_grid, ~stuck, ~stuck], axis=1)
    row, stage = last_per_day(times, present, end_s)
    s, grid_side = pl.col("_stage"), pl.col("_in_grid")

    def since(name: str, first: int) -> pl.Expr:
        return pl.when(s >= first).then(pl.col(name)).otherwise(None).alias(name)

    status = np.where(stage == 4, "CLOSED", np.where(
        stage == 0, "REPORTED", np.where(in_grid[row], "HANDLING", "ESCALATED")))
    frame = _event_frame(world, events)[row].with_columns(
        pl.Series("_stage", stage), pl.Series("status", status),
        datetimes(times[row, stage]).alias("updated_at"))
    return frame.with_columns(
        pl.when(s >= 1).then(grid_side).otherwise(None).alias("handled_in_grid"),
        since("escalated_to", 2), since("escalated_at", 2), since("dept_code", 2),
        since("handled_at", 3), since("closed_at", 4),
    ).select(EVENTS.column_names)


def _event_frame(world: World, events: dict[str, np.ndarray]) -> pl.DataFrame:
    """Every event's fields as if fully handled; ``_state_rows`` blanks what is not yet so."""
    geo, layer = world.geo, gl.build_grids(world)
    located, escalated = pl.Series(events["located"]), pl.Series(~events["in_grid"])
    return pl.DataFrame({
        "event_id": events["no"], "grid_code": layer.code[events["grid"]],
        "town_code": np.array(geo.town_codes)[events["town"]],
        "county_code": np.array(geo.county_codes)[geo.town_county[events["town"]]],
        "reporter_kind": np.array(REPORTERS)[events["reporter"]],
        "reporter_name": world.people.names(events["person"]),
        "event_type": np.array([t.code for t in EVENT_TYPES])[events["kind"]],
        "latitude": events["lat"], "longitude": events["lon"],
        "reported_at": datetimes(events["reported"]),
        "escalated_to": np.where(events["county"], "COUNTY", "TOWN"),
        "escalated_at": datetimes(events["escalated"]),
        "dept_code": np.array(world.departments.codes)[events["dept"]],
        "handled_at": datetimes(events["handled"]), "closed_at": datetimes(events["closed"]),
        "_in_grid": events["in_grid"],
    }).with_columns(
        pl.when(located).then(pl.col("latitude")).otherwise(None).alias("latitude"),
        pl.when(located).then(pl.col("longitude")).otherwise(None).alias("longitude"),
        *(pl.when(escalated).then(pl.col(name)).otherwise(None).alias(name)
          for name in ("escalated_to", "escalated_at", "dept_code")),
    )


# ------------------------------------------------------------------------------------------
# Frame exports. The 12345 and grid-event tables are too large for row dicts and carry
# timestamp date orders that ``defects.spoil`` cannot break (it parses the earlier value as
# a date), so they travel as typed polars frames, one per export day, and are written here.

EPOCH_DAY = date(1970, 1, 1).toordinal()
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def epoch_seconds(day: date) -> int:
    """Seconds from 1970-01-01 (naive local time) to the start of ``day``."""
    return (day.toordinal() - EPOCH_DAY) * 86_400


def datetimes(seconds: np.ndarray) -> pl.Series:
    """Epoch seconds as a typed timestamp column (the type validation gives timestamps)."""
    return pl.from_epoch(pl.Series(np.asarray(seconds, dtype=np.int64)), time_unit="s"
                         ).cast(POLARS_TYPES["timestamp"])


def last_per_day(times: np.ndarray, present: np.ndarray, end_s: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(record, stage) of the last stage each record reached on each day before ``end_s``.

    ``times`` is (records, stages), increasing along the stages that are ``present``: the
    state a record's row of a day shows is the last one reached that day.
    """
    n, k = times.shape
    record = np.repeat(np.arange(n), k)
    stage = np.tile(np.arange(k), n)
    flat = times.ravel()
    keep = present.ravel() & (flat < end_s)
    record, stage, day = record[keep], stage[keep], flat[keep] // 86_400
    last = np.ones(len(day), dtype=bool)  # the last entry of a record's day ...
    last[:-1] = (record[1:] != record[:-1]) | (day[1:] != day[:-1])  # ... precedes a change
    return record[last], stage[last]


def empty_frame(contract: TableContract) -> pl.DataFrame:
    return pl.DataFrame(schema={c.name: POLARS_TYPES[c.type] for c in contract.columns})


def split_days(frame: pl.DataFrame, contract: TableContract) -> dict[date, pl.DataFrame]:
    """The frame's rows by export day (the day of ``updated_at``), in file order."""
    ordered = sort_rows(frame.select(contract.column_names), contract)
    days = ordered.get_column("updated_at").dt.date()
    return {part_day: part.drop("__day") for (part_day,), part in ordered.with_columns(
        days.alias("__day")).partition_by("__day", as_dict=True, maintain_order=True).items()}


def sort_rows(frame: pl.DataFrame, contract: TableContract) -> pl.DataFrame:
    """File order of the row exports: by ``updated_at``, then key."""
    return frame.sort(["updated_at", *contract.key], maintain_order=True)


class FrameOutbox:
    """Frames waiting for their export day, across months (late state rows, late syncs)."""

    def __init__(self) -> None:
        self._days: dict[str, dict[date, list[pl.DataFrame]]] = {}

    def add(self, frames: dict[str, dict[date, pl.DataFrame]]) -> None:
        for table, days in frames.items():
            box = self._days.setdefault(table, {})
            for day, frame in days.items():
                box.setdefault(day, []).append(frame)

    def pop(self, contract: TableContract, day: date) -> pl.DataFrame:
        """The day's rows in file order; an empty frame when nothing happened."""
        parts = self._days.get(contract.table_name, {}).pop(day, [])
        if not parts:
            return empty_frame(contract)
        return sort_rows(pl.concat(parts) if len(parts) > 1 else parts[0], contract)
