"""Organisation and item-catalogue simulators: seed figures, determinism, contracts and defects.

The figures are computed the way the warehouse will: the exported rows are written as daily
files, read and validated by the ingest path, then the latest state of each key as of a date
is taken and counted. Nothing here reads a figure from the simulator.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources import reference
from sources.contracts import TableContract
from sources.readers import ExportFile, read_exports
from sources.simulator import DEFAULT_END, DEFAULT_SEED, DEFAULT_START
from sources.simulator import items as item_sim
from sources.simulator import organisation as org_sim
from sources.simulator.formats import Row
from sources.simulator.world import World, build_world
from sources.simulator.writers import LedgerEntry, write_export
from sources.systems import items as item_contracts
from sources.systems import organisation as org_contracts
from sources.validate import validate_batch

CONTRACTS: dict[str, TableContract] = {
    c.table_name: c for c in (*org_contracts.CONTRACTS, *item_contracts.CONTRACTS)
}
BEFORE = date(2020, 1, 31)
FIGURE = date(2022, 6, 30)
Exports = dict[str, dict[date, list[Row]]]


@dataclass(frozen=True)
class Landed:
    loaded: dict[str, pl.DataFrame]
    quarantined: dict[str, pl.DataFrame]
    ledger: list[LedgerEntry]


def export_all(world: World, start: date = DEFAULT_START, end: date = DEFAULT_END) -> Exports:
    return org_sim.export_rows(world, start, end) | item_sim.export_rows(world, start, end)


def land(root: Path, exports: Exports, defect_rate: float) -> Landed:
    """Write every day's rows as the engine would, then read and validate them."""
    loaded, quarantined, ledger = {}, {}, []
    for table, days in exports.items():
        contract = CONTRACTS[table]
        files = []
        for day, rows in days.items():
            rng = (np.random.default_rng(0) if defect_rate == 0 else
                   np.random.default_rng([zlib.crc32(table.encode()), day.toordinal()]))
            written = write_export(root, contract, day, rows, "utf-8", rng, defect_rate)
            files.append(ExportFile(root / written.relative, written.relative))
            ledger.extend(written.ledger)
        batch = validate_batch(contract, read_exports(files, contract))
        loaded[table], quarantined[table] = batch.loaded, batch.quarantined
    return Landed(loaded, quarantined, ledger)


def as_of(frame: pl.DataFrame, key: str, day: date) -> pl.DataFrame:
    """The latest state of every key recorded by the end of ``day``."""
    cutoff = datetime(day.year, day.month, day.day, 23, 59, 59)
    return (frame.filter(pl.col("updated_at") <= cutoff).sort("updated_at")
            .group_by(key, maintain_order=True).last())


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(DEFAULT_SEED)


@pytest.fixture(scope="module")
def exports(world: World) -> Exports:
    return export_all(world)


@pytest.fixture(scope="module")
def clean(exports: Exports, tmp_path_factory: pytest.TempPathFactory) -> Landed:
    return land(tmp_path_factory.mktemp("clean") / "landing", exports, 0.0)


# --- the seed figures ------------------------------------------------------------------------


def active_teams(clean: Landed, day: date) -> pl.DataFrame:
    teams = as_of(clean.loaded["organisation_teams"], "team_id", day)
    return teams.filter((pl.col("valid_from") <= day)
                        & (pl.col("valid_to").is_null() | (pl.col("valid_to") > day)))


def test_teams_fall_from_72_to_43(clean: Landed) -> None:
    before, after = active_teams(clean, BEFORE).height, active_teams(clean, FIGURE).height
    assert (before, after) == (72, 43)
    assert round(after / before, 3) == 0.597
    merged = as_of(clean.loaded["organisation_teams"], "team_id", FIGURE).filter(
        pl.col("valid_to").is_not_null())
    assert merged.height == 30 and merged["merged_into_team_id"].null_count() == 0
    survivors = set(active_teams(clean, FIGURE)["team_id"])
    assert set(merged["merged_into_team_id"]) <= survivors
    assert set(active_teams(clean, FIGURE)["domain_code"]) == org_contracts.ONE_PLUS_FIVE


def test_66_squads_and_35_town_units_integrated(clean: Landed) -> None:
    def integrated(day: date) -> dict[str, int]:
        squads = as_of(clean.loaded["organisation_squads"], "squad_id", day)
        done = squads.filter(pl.col("integrated_date") <= day)
        return dict(done.group_by("kind").len().iter_rows())

    assert integrated(FIGURE) == {"SQUAD": 66, "TOWN_UNIT": 35}
    assert integrated(BEFORE) == {}


def frontline(clean: Landed, day: date) -> tuple[int, float]:
    on_staff = (pl.col("hired_date") <= day) & (
        pl.col("left_date").is_null() | (pl.col("left_date") > day))
    staff = as_of(clean.loaded["organisation_staff"], "staff_id", day).filter(on_staff)
    return staff.height, staff["is_frontline"].mean()


def test_frontline_share_reaches_89_percent(clean: Landed) -> None:
    on_staff, share = frontline(clean, FIGURE)
    assert 2_800 <= on_staff <= 3_200
    assert round(share, 2) == 0.89
    assert frontline(clean, date(2020, 6, 30))[1] < 0.7 < share
    staff = as_of(clean.loaded["organisation_staff"], "staff_id", FIGURE)
    front = staff.filter(pl.col("is_frontline"))
    assert front["town_code"].null_count() == 0 and set(front["level"]) == {"TOWN"}


def test_item_lists(clean: Landed) -> None:
    def lists(day: date) -> tuple[pl.DataFrame, pl.DataFrame]:
        items = as_of(clean.loaded["items_items"], "item_code", day).filter(
            pl.col("listed_date") <= day)
        return items, items.filter(pl.col("list_type") == "COMPREHENSIVE")

    items, comp = lists(FIGURE)
    assert 5_000 <= items.height <= 5_600
    assert comp.height >= 2_400 and round(comp.height / items.height, 2) == 0.45
    assert comp["department_code"].n_unique() == 21
    assert comp["domain_code"].n_unique() == 28
    delegated = items.filter(pl.col("delegated_to_town"))
    assert delegated.height > 0 and set(delegated["list_type"]) == {"COMPREHENSIVE"}
    assert set(delegated["exercise_level"]) == {"TOWN"}
    assert 0 < items["is_sanguo"].sum() < items.height
    assert 0 < items["is_dormant"].sum() < items.height
    early, early_comp = lists(BEFORE)
    assert early_comp.height / early.height < 0.3


# --- how the system exports ------------------------------------------------------------------


def test_same_seed_same_rows(world: World, exports: Exports) -> None:
    assert export_all(world) == exports


def test_shorter_range_is_a_prefix(world: World, exports: Exports) -> None:
    end = date(2021, 3, 31)
    short = export_all(world, end=end)
    for table, days in short.items():
        assert days == {d: rows for d, rows in exports[table].items() if d <= end}


def test_department_register_holds_every_reference_department_once(
    exports: Exports, clean: Landed
) -> None:
    departments = exports["organisation_departments"]
    assert list(departments) == [DEFAULT_START]  # a snapshot, and no change after it
    rows = departments[DEFAULT_START]
    expected = {d.code: (d.name_zh, d.domain_code, d.is_enforcement_team)
                for d in reference.departments()}
    assert len(rows) == len(expected) == 21
    assert {r["department_code"]: (r["department_name"], r["domain_code"],
                                   r["is_enforcement_team"]) for r in rows} == expected
    assert {r["domain_code"] for r in rows} == org_contracts.ONE_PLUS_FIVE
    landed = clean.loaded["organisation_departments"]
    assert landed["department_code"].n_unique() == landed.height == 21
    columns = {*org_contracts.DEPARTMENTS.column_names, *landed.columns, *rows[0]}
    assert not {c for c in columns if c.endswith("_en") or "english" in c}  # Chinese names only
    english = {d.name_en for d in reference.departments()}
    assert not english & {str(v) for r in rows for v in r.values()}


def test_snapshot_then_late_state_rows(exports: Exports) -> None:
    teams = exports["organisation_teams"]
    assert len(teams[DEFAULT_START]) == 72
    later = [r for d, rows in teams.items() if d > DEFAULT_START for r in rows]
    merged = [r for r in later if r["valid_to"] is not None]
    first_ids = {r["team_id"] for r in teams[DEFAULT_START]}
    assert len(merged) == 30 and {r["team_id"] for r in merged} <= first_ids
    for r in merged:
        assert r["updated_at"][:10] == r["valid_to"]
    moved = [r for d, rows in exports["items_items"].items() if d > DEFAULT_START for r in rows
             if r["list_type"] == "COMPREHENSIVE" and r["version_date"] == r["updated_at"][:10]]
    assert len(moved) > 1_000
    for table, days in exports.items():  # one row per key and file, stamped on its day
        key = CONTRACTS[table].key[0]
        for day, rows in days.items():
            assert len({r[key] for r in rows}) == len(rows), (table, day)
            assert all(r["updated_at"][:10] == day.isoformat() for r in rows)


def test_clean_exports_meet_their_contracts(clean: Landed, exports: Exports) -> None:
    for table, days in exports.items():
        assert clean.quarantined[table].height == 0, clean.quarantined[table].head()
        assert clean.loaded[table].height == sum(len(rows) for rows in days.values())
    assert clean.ledger == []


def test_defects_are_quarantined_for_exactly_their_reason(
    exports: Exports, tmp_path: Path
) -> None:
    landed = land(tmp_path / "landing", exports, 0.05)
    expected = {(e.file, e.line, e.reason.value) for e in landed.ledger}
    found = {
        (file, line, reason)
        for frame in landed.quarantined.values()
        for file, line, reason in frame.select("_source_file", "_source_line", "reason_code")
        .iter_rows()
    }
    assert len(landed.ledger) > 500
    assert found == expected
    reasons = {reason for *_, reason in expected}
    assert {"MISSING_REQUIRED", "BAD_TYPE", "UNKNOWN_CODE", "OUT_OF_RANGE", "DATE_ORDER",
            "DUPLICATE", "MALFORMED_ROW", "BAD_ENCODING"} <= reasons
