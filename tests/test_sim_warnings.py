"""Early warnings (运行监测预警): contracts, the register, causality, realism, the scripted story.

Exports are landed the way the engine lands them (alerts through ``frames.write_frame``, the
sensor register through ``writers.write_export``), then read and validated by the ingest path.
Shares and trends are computed from the exported rows (latest state per key), never read from
the generator's internals.
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources.contracts import TableContract
from sources.readers import FILE, LINE, REASON, ExportFile, read_exports
from sources.simulator import DEFAULT_SEED
from sources.simulator import warnings as sim
from sources.simulator import warnings_sensors as sensors
from sources.simulator import warnings_story as story
from sources.simulator.city import INDUSTRIES
from sources.simulator.frames import write_frame
from sources.simulator.handoffs import Clue, SystemMonth, Trigger
from sources.simulator.timeline import months
from sources.simulator.world import World, build_world
from sources.simulator.writers import LedgerEntry, write_export
from sources.systems.warnings import ALERTS, CONTRACTS, SENSORS
from sources.validate import POLARS_TYPES, validate_batch

DEMO = 0.01
END = date(2022, 6, 30)
STATS_FACTOR = 0.03  # 3% of the volumes on the demo pool: enough warnings for shares
CATERING = [i.code for i in INDUSTRIES].index("CATERING")


@dataclass(frozen=True)
class Run:
    """Generated months: the alerts' rows, and what they handed on."""

    alerts: pl.DataFrame
    records: int
    triggers: list[Trigger]
    clues: list[Clue]


def run(world: World, start: date, end: date, factor: float) -> Run:
    frames, records, triggers, clues = [], 0, [], []
    for month in months(start, end):
        out = sim.generate_month(world, month, factor, end)
        frames += list(out.frames.get(ALERTS.table_name, {}).values())
        records += out.records[ALERTS.table_name]
        triggers += out.triggers
        clues += out.clues
    alerts = pl.concat(frames) if frames else pl.DataFrame()
    return Run(alerts, records, triggers, clues)


def latest(frame: pl.DataFrame, key: str = "warning_id") -> pl.DataFrame:
    return frame.sort("updated_at").group_by(key, maintain_order=True).last()


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(DEFAULT_SEED, DEMO)


@pytest.fixture(scope="module")
def series(world: World) -> Run:
    """2020-01 .. 2022-06: before, during and after the reform."""
    return run(world, date(2020, 1, 1), END, STATS_FACTOR)


@pytest.fixture(scope="module")
def register_rows(world: World) -> dict[date, list[dict[str, object]]]:
    return sensors.export_rows(world, date(2020, 1, 1), END)[SENSORS.table_name]


# --- landing and contracts -------------------------------------------------------------------


@dataclass(frozen=True)
class Landed:
    loaded: dict[str, pl.DataFrame]
    quarantined: dict[str, pl.DataFrame]
    ledger: list[LedgerEntry]


def land(world: World, root: Path, start: date, end: date, defect_rate: float) -> Landed:
    alerts: dict[date, list[pl.DataFrame]] = {}
    for month in months(start, end):
        for day, frame in sim.generate_month(world, month, DEMO, end).frames[
                ALERTS.table_name].items():
            alerts.setdefault(day, []).append(frame)
    register = sensors.export_rows(world, start, end)[SENSORS.table_name]
    loaded, quarantined, ledger = {}, {}, []
    for contract in CONTRACTS:
        files = []
        for month in months(start, end):
            for day in month.days:
                rng = np.random.default_rng([zlib.crc32(contract.table_name.encode()),
                                             day.toordinal()])
                if contract is SENSORS:
                    written = write_export(root, contract, day, register.get(day, []),
                                           "utf-8", rng, defect_rate)
                else:
                    parts = alerts.pop(day, [])
                    frame = pl.concat(parts) if parts else _empty(contract)
                    written = write_frame(root, contract, day, frame, rng, defect_rate)
                files.append(ExportFile(root / written.relative, written.relative))
                ledger += written.ledger
        batch = validate_batch(contract, read_exports(files, contract))
        loaded[contract.table_name] = batch.loaded
        quarantined[contract.table_name] = batch.quarantined
    assert not alerts, "alert rows dated outside the range"
    return Landed(loaded, quarantined, ledger)


def _empty(contract: TableContract) -> pl.DataFrame:
    return pl.DataFrame(schema={c.name: POLARS_TYPES[c.type] for c in contract.columns})


@pytest.fixture(scope="module")
def clean(world: World, tmp_path_factory: pytest.TempPathFactory) -> Landed:
    return land(world, tmp_path_factory.mktemp("warnings") / "landing", date(2022, 4, 1), END,
                0.0)


def test_clean_exports_pass_their_contracts(clean: Landed) -> None:
    for contract in CONTRACTS:
        assert clean.quarantined[contract.table_name].height == 0, contract.table_name
        assert clean.loaded[contract.table_name].height > 0
    alerts = clean.loaded[ALERTS.table_name]
    assert alerts.select(pl.col("updated_at").dt.date() == pl.col("_source_file").str.extract(
        r"(\d{4}-\d{2}-\d{2})").str.to_date()).to_series().all()
    per_day = alerts.group_by("warning_id", pl.col("updated_at").dt.date()).len()
    assert per_day["len"].max() == 1  # at most one row per warning and export day


def test_defects_are_quarantined_for_their_reason(world: World,
                                                  tmp_path_factory: pytest.TempPathFactory
                                                  ) -> None:
    dirty = land(world, tmp_path_factory.mktemp("dirty") / "landing", date(2022, 6, 1), END,
                 0.05)
    for contract in CONTRACTS:
        found = {(f, line, r) for f, line, r in dirty.quarantined[contract.table_name]
                 .select(FILE, LINE, REASON).iter_rows()}
        expected = {(e.file, e.line, e.reason.value) for e in dirty.ledger
                    if e.entity == contract.entity}
        assert expected and found == expected, contract.table_name


def test_frames_are_typed_contract_columns(world: World) -> None:
    out = sim.generate_month(world, months(date(2021, 7, 1), date(2021, 7, 31))[0], DEMO, END)
    for day, frame in out.frames[ALERTS.table_name].items():
        assert frame.columns == ALERTS.column_names
        assert frame.schema == {c.name: POLARS_TYPES[c.type] for c in ALERTS.columns}
        assert (frame["updated_at"].dt.date() == day).all()


# --- the register ----------------------------------------------------------------------------


def state_on(rows: dict[date, list[dict[str, object]]], day: date) -> pl.DataFrame:
    frame = pl.DataFrame([r for d, rs in rows.items() if d <= day for r in rs])
    return latest(frame, "sensor_id")


def test_register_grows_with_the_roll_out(register_rows: dict[date, list[dict[str, object]]]
                                          ) -> None:
    first = pl.DataFrame(register_rows[date(2020, 1, 1)])
    assert (first["installed_date"] <= "2020-01-01").all()
    in_service = first.filter(pl.col("status") != "REMOVED").height
    assert 1_350 <= in_service <= 1_650
    mid_2022 = state_on(register_rows, END)
    assert 5_600 <= mid_2022.filter(pl.col("status") != "REMOVED").height <= 6_400
    assert set(mid_2022["sensor_type"]) == {"COOKING_FUME", "NOISE", "DUST", "WATER_LEVEL",
                                            "WASTEWATER", "GAS_LEAK", "FIRE_SMOKE", "MODEL"}
    assert mid_2022.filter(pl.col("status") == "OFFLINE").height > 0
    public = mid_2022.filter(pl.col("sensor_type") == "WATER_LEVEL")
    assert public["entity_uscc"].null_count() == public.height
    models = mid_2022.filter(pl.col("sensor_type") == "MODEL")
    assert models.height == 12 and models["town_code"].null_count() == 12


def test_register_does_not_scale(world: World) -> None:
    demo, larger = sensors.register(world), sensors.register(build_world(DEFAULT_SEED, 0.05))
    assert (demo.ids == larger.ids).all()
    assert (demo.installed == larger.installed).all() and (demo.town == larger.town).all()
    assert (demo.off_first == larger.off_first).all()


def test_warnings_come_only_from_installed_online_sensors(
        series: Run, register_rows: dict[date, list[dict[str, object]]]) -> None:
    states = pl.DataFrame([r for rs in register_rows.values() for r in rs]).with_columns(
        pl.col("updated_at").str.to_datetime(), pl.col("installed_date").str.to_date())
    # the snapshot holds each device's state as of the first day, whatever the hour
    states = states.with_columns(pl.when(pl.col("updated_at").dt.date() == date(2020, 1, 1))
                                 .then(datetime(2019, 12, 31)).otherwise(pl.col("updated_at"))
                                 .alias("updated_at")).sort("updated_at")
    raised = latest(series.alerts).select("warning_id", "sensor_id", "raised_at", "town_code"
                                          ).sort("raised_at")
    joined = raised.join_asof(states, left_on="raised_at", right_on="updated_at",
                              by="sensor_id", strategy="backward", check_sortedness=False)
    assert joined["status"].null_count() == 0
    assert (joined["status"] == "ACTIVE").all()
    assert (joined["installed_date"] < joined["raised_at"].dt.date()).all()
    placed = joined.filter(pl.col("town_code_right").is_not_null())
    assert (placed["town_code"] == placed["town_code_right"]).all()


# --- volumes, seasons, reform ----------------------------------------------------------------


def test_yearly_volume_is_about_100k_at_full_scale(world: World, series: Run) -> None:
    expected = {year: sum(sim.expected_alerts(world, m, 1.0)
                          for m in months(date(year, 1, 1), date(year, 12, 31)))
                for year in (2020, 2021, 2022)}
    assert expected[2021] == pytest.approx(100_000, rel=0.01)
    assert expected[2020] < expected[2021] < expected[2022] < 150_000  # the IoT roll-out
    raised_2021 = latest(series.alerts).filter(pl.col("raised_at").dt.year() == 2021).height
    assert raised_2021 / STATS_FACTOR == pytest.approx(100_000, rel=0.05)


def test_flood_season_and_meal_times(series: Run) -> None:
    alerts = latest(series.alerts).with_columns(
        pl.col("raised_at").dt.month().alias("month"), pl.col("raised_at").dt.hour().alias("h"))
    water = alerts.filter(pl.col("warning_type") == "WATER_LEVEL_HIGH")
    flood = water.filter(pl.col("month").is_in([6, 7]))
    winter = water.filter(pl.col("month").is_in([1, 2]))
    assert flood.height > 4 * winter.height
    red = (flood["severity"] == "RED").mean()
    assert red > 2 * (water.filter(~pl.col("month").is_in([6, 7]))["severity"] == "RED").mean()
    fumes = alerts.filter(pl.col("warning_type") == "FUME_EXCEEDED")
    meals = fumes["h"].is_in([10, 11, 12, 16, 17, 18, 19]).mean()
    assert meals > 0.55  # 7 hours of 24 hold most of the fumes
    models = alerts.filter(pl.col("warning_type").is_in(["ABNORMAL_OPERATION", "HAZCHEM_RISK"]))
    assert models.height > 0 and models["h"].is_in([2, 3]).all()
    assert models["entity_uscc"].null_count() == 0


def test_reform_shortens_dispatch_and_handling(series: Run) -> None:
    alerts = latest(series.alerts).filter(pl.col("handled_at").is_not_null()).with_columns(
        ((pl.col("dispatched_at") - pl.col("raised_at")).dt.total_seconds()).alias("dispatch"),
        ((pl.col("handled_at") - pl.col("dispatched_at")).dt.total_seconds()).alias("handle"))
    before = alerts.filter(pl.col("raised_at").dt.year() == 2020)
    after = alerts.filter(pl.col("raised_at").dt.year() == 2022)
    assert after["dispatch"].median() < 0.25 * before["dispatch"].median()
    assert after["handle"].median() < 0.6 * before["handle"].median()
    false_alarm = [part.filter(pl.col("disposal").is_not_null())["disposal"]
                   .eq("FALSE_ALARM").mean() for part in (before, after)]
    assert false_alarm[1] < false_alarm[0]
    zhzf_fumes = [part.filter(pl.col("warning_type") == "FUME_EXCEEDED")["dispatch_dept_code"]
                  .eq("ZHZF").mean() for part in (before, after)]
    assert zhzf_fumes[1] > zhzf_fumes[0] + 0.2


# --- handoffs --------------------------------------------------------------------------------


def test_inspections_and_clues_follow_the_disposal(world: World, series: Run) -> None:
    alerts = latest(series.alerts)
    disposed = alerts.filter(pl.col("disposal").is_not_null())
    share = disposed["disposal"].value_counts(normalize=True)
    shares = dict(zip(share["disposal"], share["proportion"], strict=True))
    assert 0.26 <= shares["INSPECTION"] <= 0.35 and 0.02 <= shares["CLUE"] <= 0.045
    by_id = {row["warning_id"]: row for row in alerts.iter_rows(named=True)}
    codes, pool = world.departments.codes, world.entities
    towns = world.geo.town_codes
    triggers = [t for t in series.triggers if t.ref_id != story.STORY_FUME_WARNING_ID]
    assert len({t.ref_id for t in triggers}) == len(triggers)
    inspected = set(disposed.filter((pl.col("disposal") == "INSPECTION") & (
        pl.col("warning_id") != story.STORY_FUME_WARNING_ID))["warning_id"])
    pending = set(alerts.filter(pl.col("status") == "DISPATCHED")["warning_id"])
    asked = {t.ref_id for t in triggers}
    assert inspected <= asked and asked - inspected <= pending  # raised on the dispatch day
    for trigger in triggers:
        row = by_id[trigger.ref_id]
        assert trigger.source == "WARNING" and codes[trigger.dept] == row["dispatch_dept_code"]
        assert trigger.raised == row["dispatched_at"].date() and trigger.due > trigger.raised
        if row["entity_uscc"] is not None:
            assert pool.uscc[trigger.entity] == row["entity_uscc"]
        else:
            assert towns[pool.town[trigger.entity]] == row["town_code"]
    fumes = [t for t in triggers if by_id[t.ref_id]["warning_type"] == "FUME_EXCEEDED"]
    assert np.mean([pool.industry[t.entity] == CATERING for t in fumes]) > 0.95
    clued = set(disposed.filter(pl.col("disposal") == "CLUE")["warning_id"])
    assert series.clues and {c.ref_id for c in series.clues} <= clued
    for clue in series.clues:
        row = by_id[clue.ref_id]
        assert clue.source == "WARNING" and clue.found == row["handled_at"].date()
        assert 1 <= (clue.handed_over - clue.found).days <= 10 and clue.handed_over <= END


def test_nothing_after_end_and_open_warnings_stay_open(world: World) -> None:
    end = date(2021, 8, 10)
    cut = run(world, date(2021, 8, 1), end, STATS_FACTOR)
    assert cut.alerts["updated_at"].max() < datetime(2021, 8, 11)
    assert cut.alerts["raised_at"].max() < datetime(2021, 8, 11)
    assert all(t.raised <= end for t in cut.triggers)
    assert all(c.handed_over <= end for c in cut.clues)
    open_ = latest(cut.alerts).filter(pl.col("status") != "CLOSED")
    assert open_.height > 0 and open_["closed_at"].null_count() == open_.height


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_same_month_and_shorter_ranges_agree(world: World) -> None:
    may = months(date(2022, 5, 1), date(2022, 5, 31))[0]

    def rows(out: SystemMonth, until: datetime) -> pl.DataFrame:
        frame = pl.concat(list(out.frames[ALERTS.table_name].values()))
        return frame.filter(pl.col("updated_at") < until).sort("warning_id", "updated_at")

    long = sim.generate_month(world, may, DEMO, END)
    again = sim.generate_month(world, may, DEMO, END)
    short = sim.generate_month(world, may, DEMO, date(2022, 5, 31))
    assert rows(long, datetime(2022, 7, 1)).equals(rows(again, datetime(2022, 7, 1)))
    assert rows(long, datetime(2022, 6, 1)).equals(rows(short, datetime(2022, 6, 1)))
    late_start = months(date(2022, 5, 20), date(2022, 5, 31))[0]
    partial = rows(sim.generate_month(world, late_start, DEMO, END), datetime(2022, 7, 1))
    expected = rows(long, datetime(2022, 7, 1)).filter(
        pl.col("raised_at") >= datetime(2022, 5, 20))
    assert partial.equals(expected)


# --- the scripted story ----------------------------------------------------------------------


def story_month(world: World, factor: float, end: date = END) -> SystemMonth:
    return sim.generate_month(world, months(date(2022, 5, 1), end)[0], factor, end)


def test_story_warning_and_its_joint_inspections(world: World) -> None:
    out = story_month(world, DEMO)
    frame = pl.concat(list(out.frames[ALERTS.table_name].values()))
    rows = frame.filter(pl.col("warning_id") == story.STORY_FUME_WARNING_ID).sort("updated_at")
    assert rows["status"].to_list() == ["HANDLED", "CLOSED"]  # dispatched and handled that day
    last = rows.row(-1, named=True)
    assert last["sensor_id"] == story.STORY_FUME_SENSOR_ID
    assert last["town_code"] == story.STORY_TOWN_CODE and last["county_code"] == "330803"
    assert last["warning_type"] == "FUME_EXCEEDED" and last["entity_uscc"] is None
    assert last["raised_at"] == story.STORY_RAISED_AT
    assert last["dispatch_dept_code"] == "ZHZF" and last["disposal"] == "INSPECTION"
    assert last["measured_value"] > last["threshold_value"]
    chain = [t for t in out.triggers if t.ref_id == story.STORY_FUME_WARNING_ID]
    assert len(chain) >= story.STORY_MIN_RESTAURANTS
    assert Counter(t.scripted_result for t in chain) == {"CLUE": 1, "COMPLIANT": len(chain) - 1}
    codes, pool = world.departments.codes, world.entities
    town = world.geo.town_codes.index(story.STORY_TOWN_CODE)
    for trigger in chain:
        assert codes[trigger.dept] == "ZHZF" and trigger.source == "WARNING"
        assert {codes[p] for p in trigger.partners} == {"SCJG", "STHJ", "WSJK"}
        assert trigger.raised == story.STORY_DAY < trigger.due
        assert pool.town[trigger.entity] == town and pool.industry[trigger.entity] == CATERING
    assert len({t.entity for t in chain}) == len(chain)


def test_story_sensor_is_registered_in_the_lane(
        register_rows: dict[date, list[dict[str, object]]]) -> None:
    device = state_on(register_rows, story.STORY_DAY).filter(
        pl.col("sensor_id") == story.STORY_FUME_SENSOR_ID).row(0, named=True)
    assert device["sensor_type"] == "COOKING_FUME" and device["status"] == "ACTIVE"
    assert device["town_code"] == story.STORY_TOWN_CODE and "东迹二巷" in device["sensor_name"]
    assert device["installed_date"] < story.STORY_DAY.isoformat()


def test_story_at_every_scale_and_only_in_range() -> None:
    for factor in (0.001, 1.0):
        world = build_world(DEFAULT_SEED, factor)
        out = story_month(world, factor)
        ids = pl.concat(list(out.frames[ALERTS.table_name].values()))["warning_id"]
        assert story.STORY_FUME_WARNING_ID in ids.to_list()
        chain = [t for t in out.triggers if t.ref_id == story.STORY_FUME_WARNING_ID]
        assert len(chain) == len(story.story_restaurants(world))
    full = build_world(DEFAULT_SEED, 1.0)
    assert len(story.story_restaurants(full)) == story.STORY_MAX_RESTAURANTS
    before = story_month(full, 0.01, date(2022, 5, 17))
    assert not [t for t in before.triggers if t.ref_id == story.STORY_FUME_WARNING_ID]
    frames = before.frames[ALERTS.table_name].values()
    assert all(story.STORY_FUME_WARNING_ID not in f["warning_id"].to_list() for f in frames)
    after = sim.generate_month(full, months(date(2022, 5, 19), END)[0], 0.01, END)
    assert not [t for t in after.triggers if t.ref_id == story.STORY_FUME_WARNING_ID]


def test_full_scale_month_is_fast() -> None:
    world = build_world(DEFAULT_SEED, 1.0)
    sensors.register(world)
    began = datetime.now()
    out = sim.generate_month(world, months(date(2022, 6, 1), END)[0], 1.0, END)
    assert datetime.now() - began < timedelta(seconds=10)
    assert 9_000 <= out.records[ALERTS.table_name] <= 14_000
