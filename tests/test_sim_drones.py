"""The drone platform (综合飞一次): contracts, determinism, defects and the seed figures.

Exports are landed the way the engine lands them (rows filed by the day of their
``updated_at``, one file per table and day; track points through their fast writer), then read
back through the real ingest path (``read_exports`` + ``validate_batch``). The seed figures are
computed from what was loaded, the way the warehouse will: the latest state of each key.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources.contracts import TableContract
from sources.readers import DETAIL, FILE, LINE, REASON, ExportFile, read_exports
from sources.simulator import drones as sim
from sources.simulator.engine import DEFAULT_SEED
from sources.simulator.frames import write_frame
from sources.simulator.grid_events import FrameOutbox
from sources.simulator.handoffs import SystemMonth
from sources.simulator.timeline import months
from sources.simulator.world import build_world
from sources.simulator.writers import LedgerEntry, WrittenFile, write_export
from sources.systems.drones import (
    CONTRACTS,
    DOCKS,
    DRONES,
    FINDINGS,
    FLIGHTS,
    ROW_CONTRACTS,
    TRACK_POINTS,
)
from sources.validate import ValidatedBatch, validate_batch

DEMO, FULL = 0.01, 1.0
END = date(2022, 6, 30)
FIGURE_CUTOFF = datetime(2022, 6, 30, 23, 59, 59)


@dataclass
class Landed:
    root: Path
    files: dict[str, list[ExportFile]]
    ledger: list[LedgerEntry]
    batches: dict[str, ValidatedBatch]

    def loaded(self, contract: TableContract) -> pl.DataFrame:
        return self.batches[contract.table_name].loaded

    def quarantined(self, contract: TableContract) -> pl.DataFrame:
        return self.batches[contract.table_name].quarantined


def _rng(contract: TableContract, day: date, seed: int) -> np.random.Generator:
    label = zlib.crc32(contract.table_name.encode())
    return np.random.default_rng([seed, label, day.toordinal()])


Select = Callable[[TableContract, date], bool]


def _every(contract: TableContract, day: date) -> bool:
    return True


def land(root: Path, first: date, last: date, factor: float, defect_rate: float,
         seed: int = DEFAULT_SEED, write: Select = _every, read: Select = _every) -> Landed:
    """Generate months first..last, land the days' files like the engine, read them back.

    ``write`` and ``read`` pick the (table, day) files to write and to ingest: a full-scale
    month is generated whole but only partly ingested, to keep the test quick.
    """
    world = build_world(seed)
    outbox: dict[str, dict[str, list[dict[str, object]]]] = {
        c.table_name: defaultdict(list) for c in ROW_CONTRACTS}
    files: dict[str, list[ExportFile]] = {c.table_name: [] for c in CONTRACTS}
    ledger: list[LedgerEntry] = []
    findings = FrameOutbox()
    for month in months(first, last):
        out = sim.generate_month(world, month, factor, last)
        for contract in ROW_CONTRACTS:
            for row in out.rows[contract.table_name]:
                outbox[contract.table_name][str(row["updated_at"])[:10]].append(row)
        findings.add(out.frames)
        frames = sim.track_point_frames(world, month, factor)
        for day in month.days:
            for contract in ROW_CONTRACTS:
                day_rows = outbox[contract.table_name].pop(day.isoformat(), [])
                if not write(contract, day):
                    continue
                day_rows.sort(key=lambda r, c=contract: (str(r["updated_at"]),
                                                         *(str(r[k]) for k in c.key)))
                written = write_export(root, contract, day, day_rows, "utf-8",
                                       _rng(contract, day, seed), defect_rate)
                _keep(files, ledger, contract, day, root, written, read)
            handed = {TRACK_POINTS: frames[day], FINDINGS: findings.pop(FINDINGS, day)}
            for contract, frame in handed.items():
                if write(contract, day):
                    written = write_frame(root, contract, day, frame,
                                          _rng(contract, day, seed), defect_rate)
                    _keep(files, ledger, contract, day, root, written, read)
    assert not any(box for box in outbox.values() if any(box.values())), "rows left unwritten"
    batches = {c.table_name: validate_batch(c, read_exports(files[c.table_name], c))
               for c in CONTRACTS}
    return Landed(root, files, ledger, batches)


def _keep(files: dict[str, list[ExportFile]], ledger: list[LedgerEntry],
          contract: TableContract, day: date, root: Path, written: WrittenFile,
          read: Select) -> None:
    if read(contract, day):
        ledger.extend(written.ledger)
        files[contract.table_name].append(ExportFile(root / written.relative, written.relative))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Landed:
    """The whole default range at demo scale, without defects."""
    return land(tmp_path_factory.mktemp("drones_demo"), date(2020, 1, 1), END, DEMO, 0.0)


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> Landed:
    return land(tmp_path_factory.mktemp("drones_dirty"), date(2022, 5, 1), END, DEMO, 0.05)


FLOOD_DAYS = (date(2022, 6, 20), date(2022, 6, 21))


def _full_june_writes(contract: TableContract, day: date) -> bool:
    """Every track-point day (to time the writer); findings only around the flood patrol."""
    return contract is not FINDINGS or day in FLOOD_DAYS


def _full_june_reads(contract: TableContract, day: date) -> bool:
    """Ingesting 2.5 million points takes the validator minutes: two days of them suffice."""
    return contract is not TRACK_POINTS or day in FLOOD_DAYS


@pytest.fixture(scope="module")
def full_june(tmp_path_factory: pytest.TempPathFactory) -> Landed:
    """June 2022 at full scale (about 2.5 million track points), with the default defects.

    The figures need every registry row of the month (the sync on the 1st plus the changes)
    and the findings rows from the flood patrol's day on (they are all closed a day later).
    """
    return land(tmp_path_factory.mktemp("drones_full"), date(2022, 6, 1), END, FULL, 0.01,
                write=_full_june_writes, read=_full_june_reads)


# --- warehouse-style figures -----------------------------------------------------------------


def latest(frame: pl.DataFrame, key: list[str], cutoff: datetime = FIGURE_CUTOFF
           ) -> pl.DataFrame:
    """The latest state of each key recorded up to ``cutoff``."""
    return (frame.filter(pl.col("updated_at") <= cutoff).sort("updated_at")
            .group_by(key, maintain_order=True).last())


def active_drones(landed: Landed, cutoff: datetime = FIGURE_CUTOFF) -> int:
    drones = latest(landed.loaded(DRONES), ["drone_id"], cutoff)
    return drones.filter(pl.col("status") == "ACTIVE").height


def coverage_km2(landed: Landed, day: date = END) -> float:
    docks = latest(landed.loaded(DOCKS), ["dock_id"], datetime.combine(day, datetime.max.time()))
    serving = docks.filter((pl.col("commissioned_date") <= day)
                           & (pl.col("decommissioned_date").is_null()
                              | (pl.col("decommissioned_date") > day)))
    return float(serving["patrol_area_km2"].sum())


def waterlogging_on_flood_day(landed: Landed) -> int:
    findings = latest(landed.loaded(FINDINGS), ["finding_id"])
    return findings.filter((pl.col("finding_class") == "WATERLOGGING")
                           & (pl.col("detected_at").dt.date() == date(2022, 6, 20))).height


def quarantine_matches_ledger(landed: Landed) -> None:
    for contract in CONTRACTS:
        found = {(f, line, r) for f, line, r in landed.quarantined(contract)
                 .select(FILE, LINE, REASON).iter_rows()}
        expected = {(e.file, e.line, e.reason.value) for e in landed.ledger
                    if e.entity == contract.entity}
        details = landed.quarantined(contract).select(FILE, LINE, REASON, DETAIL).head(5)
        assert found == expected, f"{contract.table_name}: {details}"


# --- the fleet -------------------------------------------------------------------------------


def test_fleet_is_scripted_and_docks_do_not_overlap() -> None:
    fleet = sim.build_fleet(build_world(DEFAULT_SEED))
    serving = [d for d in fleet.docks if d.commissioned <= END
               and (d.decommissioned is None or d.decommissioned > END)]
    assert len(serving) == 23
    assert sum(d.area_km2 for d in serving) == pytest.approx(700.0, abs=0.005)
    plan = [d for d in fleet.docks if d.decommissioned is None]
    assert len(plan) == 70 and sum(d.area_km2 for d in plan) > 2000  # the end-2022 target
    assert max(d.commissioned for d in plan) <= date(2022, 12, 31)
    in_2020 = [d for d in fleet.docks if d.commissioned <= date(2020, 12, 31)]
    assert 2 <= len(in_2020) <= 6
    x = np.array([d.x for d in fleet.docks])
    y = np.array([d.y for d in fleet.docks])
    r = np.array([d.radius_km for d in fleet.docks])
    gap = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) - (r[:, None] + r[None, :])
    np.fill_diagonal(gap, 1.0)
    assert gap.min() > 0, "patrol discs overlap"


# --- determinism -----------------------------------------------------------------------------


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    first, last = date(2021, 7, 1), date(2021, 7, 10)
    a = land(tmp_path / "a", first, last, 0.1, 0.05)
    sim._PLANS.clear()  # force a fresh draw, not the cached month
    b = land(tmp_path / "b", first, last, 0.1, 0.05)
    c = land(tmp_path / "c", first, last, 0.1, 0.05, seed=7)
    assert _digest(a.root) == _digest(b.root)
    assert a.ledger == b.ledger
    assert _digest(a.root) != _digest(c.root)


def test_a_shorter_range_reproduces_its_days(demo: Landed, tmp_path: Path) -> None:
    """Findings are left out: states of findings detected before the range start are not
    generated by the short run (as for every system's state rows)."""
    short = land(tmp_path, date(2021, 6, 1), date(2021, 6, 15), DEMO, 0.0)
    whole = _digest(demo.root)
    for contract in (DOCKS, DRONES, FLIGHTS, TRACK_POINTS):
        for export in short.files[contract.table_name]:
            assert whole[export.label] == hashlib.sha256(export.path.read_bytes()).hexdigest()


# --- contract validity and defects -----------------------------------------------------------


def test_clean_exports_are_valid_and_every_day_has_files(demo: Landed) -> None:
    days = (END - date(2020, 1, 1)).days + 1
    for contract in CONTRACTS:
        assert demo.quarantined(contract).height == 0, demo.quarantined(contract).head()
        assert len(demo.files[contract.table_name]) == days
        assert demo.loaded(contract).height > 0
    assert not demo.ledger


def test_defects_are_quarantined_exactly_as_the_ledger_says(dirty: Landed) -> None:
    quarantine_matches_ledger(dirty)
    reasons = {e.reason.value for e in dirty.ledger}
    assert {"MALFORMED_ROW", "MISSING_REQUIRED", "BAD_TYPE", "UNKNOWN_CODE", "OUT_OF_RANGE",
            "DUPLICATE"} <= reasons
    track = [e for e in dirty.ledger if e.entity == TRACK_POINTS.entity]
    assert track and {e.reason.value for e in track} >= {"MALFORMED_ROW", "DUPLICATE"}


# --- seed figures ----------------------------------------------------------------------------


def test_seed_figures_at_demo_scale(demo: Landed) -> None:
    assert active_drones(demo) == 23
    assert abs(coverage_km2(demo) - 700.0) <= 35.0
    assert waterlogging_on_flood_day(demo) == 84
    assert 2 <= active_drones(demo, datetime(2020, 12, 31, 23, 59, 59)) <= 6  # a handful


def test_seed_figures_at_full_scale(full_june: Landed) -> None:
    quarantine_matches_ledger(full_june)
    assert active_drones(full_june) == 23
    assert abs(coverage_km2(full_june) - 700.0) <= 35.0
    assert waterlogging_on_flood_day(full_june) == 84
    written = sum(len(f) for f in sim.track_point_frames(
        build_world(DEFAULT_SEED), months(date(2022, 6, 1), END)[0], FULL).values())
    assert written > 2_000_000 and full_june.loaded(TRACK_POINTS).height > 100_000


def test_flood_patrol_is_city_dispatched_and_closed(demo: Landed) -> None:
    flights = latest(demo.loaded(FLIGHTS), ["flight_id"])
    wave = flights.filter(pl.col("takeoff_at").dt.date() == date(2022, 6, 20))
    assert wave.height == 23
    assert set(wave["route_kind"]) == {"EMERGENCY"} and set(wave["dispatched_by"]) == {"CITY"}
    findings = latest(demo.loaded(FINDINGS), ["finding_id"]).filter(
        (pl.col("finding_class") == "WATERLOGGING")
        & (pl.col("detected_at").dt.date() == date(2022, 6, 20)))
    assert set(findings["status"]) == {"CLOSED"}
    assert set(findings["county_code"]) <= {"330802", "330803"}
    assert set(findings["routed_dept_code"]) <= {"YJGL", "SLJ"}


# --- lifecycle and realism -------------------------------------------------------------------


def test_late_state_rows_arrive_in_later_folders(demo: Landed) -> None:
    rows = demo.loaded(FINDINGS).with_columns(
        pl.col(FILE).str.split("/").list.get(1).str.to_date().alias("folder"))
    late = rows.filter(pl.col("folder").dt.month_start()
                       > pl.col("detected_at").dt.date().dt.month_start())
    assert late.height > 0
    assert (rows["folder"] == rows["updated_at"].dt.date()).all()


def test_finding_lifecycle(demo: Landed) -> None:
    rows = demo.loaded(FINDINGS)
    order = ["DETECTED", "CONFIRMED", "FALSE_ALARM", "PUSHED", "SIGNED", "HANDLED", "VERIFIED",
             "CLOSED"]
    rank = rows.with_columns(pl.col("status").replace_strict(
        {s: i for i, s in enumerate(order)}, return_dtype=pl.Int64).alias("rank"))
    monotonic = rank.sort("updated_at").group_by("finding_id").agg(
        (pl.col("rank").diff().drop_nulls() > 0).all().alias("ok"))
    assert monotonic["ok"].all()
    assert rows.filter(pl.col("status").is_in(order[3:])
                       & pl.col("routed_dept_code").is_null()).height == 0
    final = latest(rows, ["finding_id"])
    reviewed = final.filter(pl.col("reviewed_at").is_not_null()).with_columns(
        (pl.col("status") != "FALSE_ALARM").alias("confirmed"),
        pl.col("detected_at").dt.year().alias("year"))
    precision = reviewed.group_by("year").agg(pl.col("confirmed").mean()).sort("year")
    assert precision["confirmed"].is_between(0.75, 0.95).all()
    assert precision["confirmed"][-1] > precision["confirmed"][0]  # the model improves
    signed = final.filter(pl.col("signed_at").is_not_null())
    on_time = ((signed["signed_at"] - signed["pushed_at"]).dt.total_seconds() <= 7200).mean()
    assert 0.8 < on_time < 1.0


def _findings(out: SystemMonth) -> pl.DataFrame:
    """A month's finding state rows (a frame per export day), in file order."""
    return pl.concat(out.frames[FINDINGS.table_name].values())


def test_flood_season_has_more_findings_than_dry_months() -> None:
    """Per drone flying, the flood season brings more sorties and waterlogging on top."""
    world = build_world(DEFAULT_SEED)

    def per_drone(first: date, last: date) -> tuple[float, int]:
        out = sim.generate_month(world, months(first, last)[0], 0.3, END)
        detected = _findings(out).filter(pl.col("status") == "DETECTED")
        drones = {r["drone_id"] for r in out.rows[FLIGHTS.table_name]}
        water = detected.filter(pl.col("finding_class") == "WATERLOGGING").height
        return detected.height / len(drones), water

    flood, flood_water = per_drone(date(2021, 7, 1), date(2021, 7, 31))
    dry, dry_water = per_drone(date(2021, 11, 1), date(2021, 11, 30))
    assert flood > 1.2 * dry
    assert flood_water > 5 * dry_water


def test_sorties_match_their_tracks(demo: Landed) -> None:
    flights = latest(demo.loaded(FLIGHTS), ["flight_id"])
    points = demo.loaded(TRACK_POINTS).group_by("flight_id").agg(
        pl.len().alias("n"), pl.col("recorded_at").min().alias("first"),
        pl.col("recorded_at").max().alias("last"), pl.col("seq").max().alias("top"))
    joined = flights.join(points, on="flight_id", how="left")
    assert joined["n"].null_count() == 0
    assert (joined["n"] == joined["point_count"]).all() and (joined["top"] == joined["n"]).all()
    assert (joined["first"] == joined["takeoff_at"]).all()
    assert (joined["last"] == joined["landing_at"]).all()
    by_drone = flights.sort("takeoff_at").with_columns(
        pl.col("landing_at").shift().over("drone_id").alias("previous_landing"))
    assert by_drone.filter(pl.col("takeoff_at") <= pl.col("previous_landing")).height == 0
    assert demo.loaded(TRACK_POINTS)["speed_mps"].max() < 30


def test_confirmed_findings_hand_on_clues_and_inspection_triggers() -> None:
    """Handled findings of the enforceable classes become clues, signed ones of the trades
    behind a scene ask for inspections; false alarms and waterlogging hand on nothing."""
    world = build_world(DEFAULT_SEED)
    month = months(date(2021, 9, 1), date(2021, 9, 30))[0]
    out = sim.generate_month(world, month, 0.3, END)
    latest = {}
    for row in _findings(out).iter_rows(named=True):
        latest[row["finding_id"]] = row
    assert out.clues and out.triggers
    for clue in out.clues:
        finding = latest[clue.ref_id]
        assert clue.source == "DRONE" and finding["handled_at"] is not None
        assert finding["finding_class"] not in {"WATERLOGGING"}
        assert clue.found <= clue.handed_over <= END
        assert world.departments.codes[clue.dept] == finding["routed_dept_code"]
        assert world.geo.town_codes[world.entities.town[clue.entity]] == finding["town_code"]
    for trigger in out.triggers:
        finding = latest[trigger.ref_id]
        assert trigger.source == "DRONE" and finding["signed_at"] is not None
        assert trigger.raised < trigger.due
    assert not {c.ref_id for c in out.clues} & {t.ref_id for t in out.triggers}
    handled = sum(1 for r in latest.values() if r["handled_at"] is not None)
    assert 0.01 < len(out.clues) / handled < 0.2
