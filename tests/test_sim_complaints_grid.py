"""12345 complaints, the grid layer and grid events: determinism, contracts, defects, realism.

Exports are landed the way the engine lands them (frames through ``grid_events.write_frame``,
the grid register through ``writers.write_export``), then read and validated by the ingest
path; figures are computed from what was loaded, never read from the generator.
"""

from __future__ import annotations

import calendar
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources import reference
from sources.contracts import TableContract
from sources.readers import ExportFile, read_exports
from sources.simulator import DEFAULT_SEED
from sources.simulator import complaints as complaint_sim
from sources.simulator import grid_events as grid_sim
from sources.simulator import grids as grid_layer
from sources.simulator.frames import write_frame
from sources.simulator.handoffs import Clue, Trigger
from sources.simulator.timeline import Month, months
from sources.simulator.world import World, build_world
from sources.simulator.writers import LedgerEntry, write_export
from sources.systems.complaints import TICKET_EVENTS, TICKETS
from sources.systems.grid import CELLS, EVENTS
from sources.validate import validate_batch

START, END = date(2021, 6, 1), date(2021, 8, 31)
LATER = date(2022, 6, 30)  # the default scenario's end: months generated alone run to it
FACTOR = 0.05  # 5% of the real volumes: enough rows for shares, fast enough for a test
FRAME_CONTRACTS = (TICKETS, TICKET_EVENTS, EVENTS)


@dataclass(frozen=True)
class Landed:
    loaded: dict[str, pl.DataFrame]
    quarantined: dict[str, pl.DataFrame]
    ledger: list[LedgerEntry]
    written: dict[str, int]  # physical data lines per table
    clues: list[Clue]
    triggers: list[Trigger]


def generate(world: World, start: date, end: date, factor: float
             ) -> tuple[grid_sim.FrameOutbox, dict[str, int], list[Clue], list[Trigger]]:
    """The engine's month loop for the two systems: frames wait in an outbox for their day."""
    outbox, records, clues, triggers = grid_sim.FrameOutbox(), {}, [], []
    for month in months(start, end):
        for module in (complaint_sim, grid_sim):
            out = module.generate_month(world, month, factor, end)
            outbox.add(out.frames)
            clues += out.clues
            triggers += out.triggers
            for table, n in out.records.items():
                records[table] = records.get(table, 0) + n
    return outbox, records, clues, triggers


def land(world: World, root: Path, defect_rate: float, start: date = START,
         end: date = END) -> Landed:
    outbox, _, clues, triggers = generate(world, start, end, FACTOR)
    loaded, quarantined, ledger, written = {}, {}, [], {}
    cells = grid_layer.grid_rows(world, start)
    for contract in (*FRAME_CONTRACTS, CELLS):
        files = []
        for month in months(start, end):
            for day in month.days:
                rng = np.random.default_rng([zlib.crc32(contract.table_name.encode()),
                                             day.toordinal()])
                if contract is CELLS:
                    result = write_export(root, contract, day, cells.get(day, []), "utf-8", rng,
                                          defect_rate)
                else:
                    result = write_frame(root, contract, day,
                                                  outbox.pop(contract, day), rng, defect_rate)
                files.append(ExportFile(root / result.relative, result.relative))
                ledger += result.ledger
                written[contract.table_name] = written.get(contract.table_name, 0) + result.rows
        batch = validate_batch(contract, read_exports(files, contract))
        loaded[contract.table_name] = batch.loaded
        quarantined[contract.table_name] = batch.quarantined
    return Landed(loaded, quarantined, ledger, written, clues, triggers)


def drain(outbox: grid_sim.FrameOutbox, contract: TableContract, start: date, end: date
          ) -> pl.DataFrame:
    """Every row the outbox holds for the days of the range, in file order."""
    return pl.concat([outbox.pop(contract, day) for month in months(start, end)
                      for day in month.days])


def latest(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    return frame.sort("updated_at").group_by(key, maintain_order=True).last()


def month_of(day: date) -> Month:
    """The whole calendar month of ``day``."""
    last = calendar.monthrange(day.year, day.month)[1]
    return months(date(day.year, day.month, 1), date(day.year, day.month, last))[0]


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(DEFAULT_SEED)


@pytest.fixture(scope="module")
def clean(world: World, tmp_path_factory: pytest.TempPathFactory) -> Landed:
    return land(world, tmp_path_factory.mktemp("clean") / "landing", 0.0)


# --- the grid layer --------------------------------------------------------------------------


def test_grid_layer(world: World) -> None:
    grids = grid_layer.build_grids(world)
    assert 3_000 <= len(grids) <= 5_000
    assert len(set(grids.code.tolist())) == len(grids)
    towns = np.array(world.geo.town_codes)[grids.town]
    assert all(code.startswith(town) and len(code) == len(town) + 3
               for code, town in zip(grids.code.tolist(), towns.tolist(), strict=True))
    per_town = np.bincount(grids.town)
    names = {place.code: place.name_zh for place in reference.towns()}
    kind = np.array([names[code][-1] for code in world.geo.town_codes])  # 道 (街道), 镇 or 乡
    assert per_town[kind == "道"].mean() > per_town[kind == "镇"].mean() > \
        per_town[kind == "乡"].mean()
    assert per_town.min() >= 6 and grids.workers.min() >= 1
    rng = np.random.default_rng(1)
    wanted = rng.integers(0, len(world.geo.town_codes), 10_000)
    assert (grids.town[grid_layer.grid_of(grids, wanted, rng)] == wanted).all()
    assert grid_layer.build_grids(world) is grids  # cached per seed


def test_grid_register_is_a_first_day_snapshot(world: World) -> None:
    rows = grid_layer.grid_rows(world, START)
    assert list(rows) == [START]
    assert len(rows[START]) == len(grid_layer.build_grids(world))
    assert all(r["valid_from"] <= START.isoformat() for r in rows[START])
    assert any(r["grid_name"].endswith("村网格") for r in rows[START])


# --- how the systems export ------------------------------------------------------------------


def test_same_seed_same_frames_and_clues(world: World) -> None:
    month = month_of(date(2021, 7, 1))
    for module in (complaint_sim, grid_sim):
        first = module.generate_month(world, month, FACTOR, END)
        again = module.generate_month(world, month, FACTOR, END)
        assert first.clues == again.clues and first.records == again.records
        for table, days in first.frames.items():
            assert days.keys() == again.frames[table].keys()
            assert all(frame.equals(again.frames[table][day]) for day, frame in days.items())


def test_same_seed_same_bytes(world: World, tmp_path: Path) -> None:
    end = date(2021, 6, 10)
    land(world, tmp_path / "a", 0.05, end=end)
    land(world, tmp_path / "b", 0.05, end=end)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.csv"))
    assert len(files) == 4 * 10
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
               for f in files)


def test_clean_exports_meet_their_contracts(clean: Landed) -> None:
    for table, frame in clean.quarantined.items():
        assert frame.height == 0, frame.head()
        assert clean.loaded[table].height == clean.written[table] > 0
    assert clean.ledger == []


def test_defects_are_quarantined_for_exactly_their_reason(world: World, tmp_path: Path) -> None:
    landed = land(world, tmp_path / "landing", 0.05, end=date(2021, 6, 30))
    quarantined = sorted(row for frame in landed.quarantined.values() for row in frame.select(
        "_source_file", "_source_line", "reason_code").iter_rows())
    expected = sorted((e.file, e.line, e.reason.value) for e in landed.ledger)
    assert quarantined == expected
    reasons = {reason for *_, reason in expected}
    assert {"DATE_ORDER", "DUPLICATE", "MALFORMED_ROW", "BAD_TYPE", "UNKNOWN_CODE",
            "OUT_OF_RANGE", "MISSING_REQUIRED", "BAD_ENCODING"} <= reasons
    tables = {e.entity for e in landed.ledger if e.reason.value == "DATE_ORDER"}
    assert tables == {"tickets", "ticket_events", "events"}


def test_nothing_after_the_end_and_one_row_per_key_and_file(world: World) -> None:
    end = date(2021, 7, 20)
    month = months(date(2021, 7, 1), end)[0]
    tickets = complaint_sim.generate_month(world, month, FACTOR, end)
    events = grid_sim.generate_month(world, month, FACTOR, end)
    for contract in FRAME_CONTRACTS:
        out = events if contract is EVENTS else tickets
        days = out.frames[contract.table_name]
        assert days and max(days) <= end
        for day, frame in days.items():
            assert frame.schema == grid_sim.empty_frame(contract).schema
            assert frame.select(pl.struct(contract.duplicate_key).is_unique().all()).item()
            assert (frame["updated_at"].dt.date() == day).all()
    assert tickets.clues and all(c.handed_over <= end for c in tickets.clues)


def test_late_state_rows_arrive_in_later_folders(clean: Landed) -> None:
    tickets = clean.loaded["complaints_tickets"]
    later = tickets.filter(pl.col("updated_at").dt.month() > pl.col("received_at").dt.month())
    assert later.height > 0 and set(later["status"]) >= {"CLOSED"}
    events = clean.loaded["complaints_ticket_events"]
    synced_late = events.filter(pl.col("updated_at").dt.date() > pl.col("event_at").dt.date())
    assert 0.02 < synced_late.height / events.height < 0.2
    grid = clean.loaded["grid_events"]
    assert grid.filter(pl.col("updated_at").dt.date() > pl.col("reported_at").dt.date()).height


def test_grid_codes_exist_in_the_register(clean: Landed) -> None:
    register = set(clean.loaded["grid_cells"]["grid_code"])
    for table in ("complaints_tickets", "grid_events"):
        frame = clean.loaded[table]
        assert set(frame["grid_code"].drop_nulls()) <= register
        assert (frame["grid_code"].str.slice(0, 9) == frame["town_code"]).all()


# --- volumes and realism ---------------------------------------------------------------------


def test_yearly_and_monthly_volumes() -> None:
    year = months(date(2021, 1, 1), date(2021, 12, 31))
    tickets = sum(complaint_sim.expected_tickets(m, 1.0) for m in year)
    events = sum(grid_sim.expected_events(m, 1.0) for m in year)
    assert 380_000 < tickets < 420_000 and 760_000 < events < 840_000
    for month in year:
        assert 18_000 < complaint_sim.expected_tickets(month, 1.0) < 45_000
        assert 180 < complaint_sim.expected_tickets(month, 0.01) < 450


def test_one_month_at_demo_and_full_scale(world: World) -> None:
    month = month_of(date(2021, 9, 1))
    demo = complaint_sim.generate_month(world, month, 0.01, LATER)
    full = complaint_sim.generate_month(world, month, 1.0, LATER)
    grid = grid_sim.generate_month(world, month, 1.0, LATER)
    assert 200 < demo.records["complaints_tickets"] < 500
    assert 25_000 < full.records["complaints_tickets"] < 45_000
    per_ticket = full.records["complaints_ticket_events"] / full.records["complaints_tickets"]
    assert 5.5 < per_ticket < 7.5
    assert 55_000 < grid.records["grid_events"] < 85_000


def test_seasonality(world: World) -> None:
    def tickets(day: date) -> pl.DataFrame:
        out = complaint_sim.generate_month(world, month_of(day), 0.2, LATER)
        rows = pl.concat(list(out.frames["complaints_tickets"].values()))
        return rows.unique("ticket_no", keep="first", maintain_order=True)

    january, february, june, july = (tickets(date(2021, m, 1)) for m in (1, 2, 6, 7))
    assert february.height < 0.8 * january.height  # Spring Festival 2021 fell on 12 February
    summer = ["NOISE", "COOKING_FUMES"]
    assert july["category"].is_in(summer).mean() > 1.3 * january["category"].is_in(summer).mean()
    assert (june["category"] == "WATERLOGGING").mean() > 4 * (
        january["category"] == "WATERLOGGING").mean()
    assert (january["category"] == "LABOUR").mean() > 1.5 * (june["category"] == "LABOUR").mean()
    weekend = july["received_at"].dt.weekday() >= 6
    weekend_days = sum(day.weekday() >= 5 for day in month_of(date(2021, 7, 1)).days)
    per_weekend_day, per_workday = weekend.sum() / weekend_days, (~weekend).sum() / (
        31 - weekend_days)
    assert per_weekend_day < 0.8 * per_workday  # weekends are quieter, not silent
    assert per_weekend_day > 0.4 * per_workday


def test_reform_improves_the_hotline(world: World) -> None:
    def final(year: int) -> pl.DataFrame:
        start, end = date(year, 3, 1), date(year, 5, 31)
        outbox, _, _, _ = generate(world, start, end, 0.1)
        return latest(drain(outbox, TICKETS, start, end), "ticket_no")

    before, after = final(2020), final(2022)

    def share(frame: pl.DataFrame, condition: pl.Expr) -> float:
        return frame.select(condition.mean()).item()

    signed = pl.col("signed_at") <= pl.col("sign_due_at")
    assert share(after, signed) > share(before, signed) + 0.1
    closed = pl.col("closed_at") <= pl.col("due_at")
    assert share(after, closed) > share(before, closed) + 0.08
    happy = pl.col("satisfaction") >= 4
    assert share(after, happy) > share(before, happy) + 0.08
    assert share(after, pl.col("is_repeat")) < share(before, pl.col("is_repeat"))
    assert (after["county_code"] == "330802").mean() > (after["county_code"] == "330824").mean()


def test_complaint_clues_feed_case_handling(world: World, clean: Landed) -> None:
    tickets = latest(clean.loaded["complaints_tickets"], "ticket_no")
    clues = [c for c in clean.clues if c.source == "COMPLAINT"]
    assert clues and all(isinstance(c, Clue) for c in clues)
    flagged = set(tickets.filter(pl.col("to_clue"))["ticket_no"])
    assert {c.ref_id for c in clues} <= flagged
    relevant = tickets.filter(~pl.col("category").is_in(
        ["PROPERTY", "WATERLOGGING", "PUBLIC_FACILITIES", "OTHER"]))
    assert 0.02 <= relevant["to_clue"].mean() <= 0.06
    town_of = dict(tickets.select("ticket_no", "town_code").iter_rows())
    pool = world.entities
    for clue in clues:
        assert clue.found < clue.handed_over <= END
        assert world.geo.town_codes[pool.town[clue.entity]] == town_of[clue.ref_id]
        assert 0 <= clue.dept < len(world.departments.codes)


def test_grid_clues_come_from_escalated_events(world: World, clean: Landed) -> None:
    """Only events handled outside the grid become clues, of the enforceable types."""
    events = latest(clean.loaded["grid_events"], "event_id")
    clues = [c for c in clean.clues if c.source == "GRID"]
    assert clues
    by_id = {row["event_id"]: row for row in events.iter_rows(named=True)}
    for clue in clues:
        event = by_id[clue.ref_id]
        assert event["handled_in_grid"] is False and event["handled_at"] is not None
        assert event["event_type"] in {"ILLEGAL_CONSTRUCTION", "ENVIRONMENT", "FOOD_SAFETY",
                                       "SANITATION", "PUBLIC_ORDER", "SAFETY_HAZARD",
                                       "FIRE_HAZARD"}
        assert world.departments.codes[clue.dept] == event["dept_code"]
        assert clue.found < clue.handed_over <= END
    construction = [c for c in clues
                    if by_id[c.ref_id]["event_type"] == "ILLEGAL_CONSTRUCTION"]
    assert len(construction) > len(clues) / 4  # illegal building is the grid's case source


def test_complaints_about_businesses_send_inspections(world: World, clean: Landed) -> None:
    """Under the reform a complaint about a business more often sends a (joint) inspection."""
    tickets = latest(clean.loaded["complaints_tickets"], "ticket_no")
    by_no = {row["ticket_no"]: row for row in tickets.iter_rows(named=True)}
    assert clean.triggers
    for trigger in clean.triggers:
        ticket = by_no[trigger.ref_id]
        assert trigger.source == "COMPLAINT" and not ticket["to_clue"]
        assert ticket["category"] != "OTHER" and ticket["signed_at"] is not None
        assert trigger.raised == ticket["signed_at"].date() < trigger.due
        assert world.departments.codes[trigger.dept] == ticket["dept_code"]
    raised = pl.DataFrame({"month": [t.raised.month for t in clean.triggers]})
    assert raised.height / tickets.height < 0.15


def test_grid_events_are_mostly_resolved_in_the_grid(clean: Landed) -> None:
    events = latest(clean.loaded["grid_events"], "event_id")
    settled = events.filter(pl.col("handled_in_grid").is_not_null())
    assert 0.8 <= settled["handled_in_grid"].mean() <= 0.92
    old = events.filter(pl.col("reported_at") < pl.datetime(2021, 7, 1))
    assert (old["status"] == "CLOSED").mean() >= 0.99
    escalated = events.filter(~pl.col("handled_in_grid"))
    assert escalated["dept_code"].null_count() == 0
    assert set(escalated["escalated_to"]) == {"TOWN", "COUNTY"}
    in_grid = events.filter(pl.col("handled_in_grid"))
    assert in_grid["escalated_to"].null_count() == in_grid.height
    assert set(events["reporter_kind"]) == {"GRID_WORKER", "RESIDENT", "PATROL"}
