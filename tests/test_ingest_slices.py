"""A long ingest range is read, validated and written in slices of landed bytes; slicing must
change nothing but memory: the same raw, quarantine and per-file rows as one slice, and a
blocking failure in any slice still reaches publish."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines import ingest
from pipelines.ingest import day_slices, ingest_table
from pipelines.loading import days_between, landed_files
from pipelines.resources import Warehouse
from sources.registry import CONTRACTS
from sources.simulator import generate

START, END = dt.date(2022, 6, 1), dt.date(2022, 6, 20)
TABLE = "complaints_tickets"  # every day has files and a few defects


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("slices") / "landing"
    generate(root, scale="demo", start=START, end=END, progress=False)
    return root


def _contract():
    return next(c for c in CONTRACTS if c.table_name == TABLE)


def _warehouse(tmp: Path, landing: Path) -> Warehouse:
    warehouse = Warehouse(data_dir=str(tmp))
    shutil.copytree(landing, warehouse.paths.landing, dirs_exist_ok=True)
    return warehouse


def test_parquet_weighs_what_it_holds_uncompressed(landing: Path, tmp_path: Path) -> None:
    """Parquet compresses several-fold, so its file size would let a slice hold several
    times the rows a CSV slice of the same budget holds."""
    csv_file = next(landing.rglob("*.csv"))
    assert ingest.text_bytes(csv_file) == csv_file.stat().st_size
    path = tmp_path / "steps.parquet"
    pl.DataFrame({"step_code": ["SL"] * 50_000, "dept_code": ["SCJG"] * 50_000}).write_parquet(
        path, compression="zstd", statistics=False
    )
    assert ingest.text_bytes(path) > 5 * path.stat().st_size
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    assert ingest.text_bytes(broken) == broken.stat().st_size


def test_slices_cover_the_range_in_order_and_respect_the_byte_budget(landing: Path) -> None:
    contract = _contract()
    sizes = {
        day: sum(p.stat().st_size for p in landed_files(landing, contract, day))
        for day in days_between(START, END)
    }
    budget = max(sizes.values()) * 3
    slices = day_slices(landing, contract, START, END, max_bytes=budget)
    assert len(slices) > 1
    assert slices[0][0] == START and slices[-1][1] == END
    for (_, last), (first, _) in zip(slices, slices[1:], strict=False):
        assert first == last + dt.timedelta(days=1)
    for first, last in slices:
        assert sum(sizes[d] for d in days_between(first, last)) <= budget
    # a day larger than the budget is a slice of its own; a huge budget is one slice
    assert all(a == b for a, b in day_slices(landing, contract, START, END, max_bytes=1))
    assert day_slices(landing, contract, START, END, max_bytes=10**12) == [(START, END)]


def _tables(warehouse: Warehouse) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse.paths.build_db), read_only=True) as con:
        return {
            name: con.execute(f"select * exclude (_loaded_at) from {name} order by all").fetchall()
            for name in (f"raw.{TABLE}", f"quarantine.{TABLE}")
        } | {
            "files": con.execute(
                "select * exclude (loaded_at) from meta.ingest_files "
                "where table_name = ? order by all",
                [TABLE],
            ).fetchall()
        }


def test_sliced_ingest_loads_exactly_what_one_slice_loads(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _warehouse(tmp_path / "whole", landing)
    totals_whole, outcome_whole = ingest_table(_contract(), whole, START, END, "run-a")
    monkeypatch.setattr(ingest, "day_slices", lambda *a, **k: day_slices(*a[:4], max_bytes=1))
    sliced = _warehouse(tmp_path / "sliced", landing)
    totals_sliced, outcome_sliced = ingest_table(_contract(), sliced, START, END, "run-a")
    assert totals_whole.slices == 1 and totals_sliced.slices == (END - START).days + 1
    assert totals_whole.quarantined > 0
    for field in ("files", "landed", "loaded", "quarantined", "reasons"):
        assert getattr(totals_sliced, field) == getattr(totals_whole, field), field
    assert _tables(sliced) == _tables(whole)
    assert outcome_sliced.passed == outcome_whole.passed
    with duckdb.connect(str(sliced.paths.build_db), read_only=True) as con:
        stamps = con.execute(
            "select count(distinct checked_at), min(partition_start), max(partition_end) "
            "from quality.check_results where asset_key = ?",
            [f"raw/{TABLE}"],
        ).fetchone()
    assert stamps == (1, START, END)  # recorded together: publish sees every slice


def test_each_next_slice_is_read_ahead(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a slice is validated and written, the next one's files are read into the page
    cache (the last slice has no next)."""
    asked: list[tuple[dt.date, dt.date]] = []
    monkeypatch.setattr(ingest, "prefetch", lambda _l, _c, first, last: asked.append((first, last)))
    monkeypatch.setattr(ingest, "day_slices", lambda *a, **k: day_slices(*a[:4], max_bytes=1))
    ingest_table(_contract(), _warehouse(tmp_path, landing), START, END, "run-a")
    days = list(days_between(START, END))
    assert asked == [(day, day) for day in days[1:]]


def test_a_slice_is_validated_on_its_own_thread_while_it_is_written(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation (one core) overlaps the slice's write and the next slice's read; the next
    slice is written only after the previous one's validation returned."""
    events: list[tuple[str, dt.date, str]] = []
    validate, write = ingest._validate, ingest.write_range

    def slow_validate(contract, load, run_id, usual):  # noqa: ANN001, ANN202
        first = min(load.loaded["_partition_date"])
        events.append(("validate starts", first, threading.current_thread().name))
        time.sleep(0.3)  # long enough that the write would finish inside it
        outcome = validate(contract, load, run_id, usual)
        events.append(("validate ends", first, threading.current_thread().name))
        return outcome

    def spied_write(con, contract, load, first, last, run_id):  # noqa: ANN001, ANN202
        events.append(("write starts", first, threading.current_thread().name))
        write(con, contract, load, first, last, run_id)
        events.append(("write ends", first, threading.current_thread().name))

    monkeypatch.setattr(ingest, "_validate", slow_validate)
    monkeypatch.setattr(ingest, "write_range", spied_write)
    monkeypatch.setattr(ingest, "day_slices", lambda *a, **k: day_slices(*a[:4], max_bytes=1))
    warehouse = _warehouse(tmp_path / "sliced", landing)
    end = START + dt.timedelta(days=2)
    totals, _ = ingest_table(_contract(), warehouse, START, end, "run-a")
    assert totals.slices == 3
    order = [(what, day) for what, day, _ in events]
    assert {thread for what, _, thread in events if what.startswith("validate")} != {
        threading.main_thread().name
    }
    assert all(thread.startswith("validate") for what, _, thread in events
               if what.startswith("validate"))
    for day in days_between(START, end):
        # the slice's write runs while it is validated
        assert order.index(("write ends", day)) < order.index(("validate ends", day)), day
        following = day + dt.timedelta(days=1)
        if following <= end:  # and the next slice waits for that validation
            assert order.index(("validate ends", day)) < order.index(("write starts", following))
