"""A day's volume is judged against the same weekday of the weeks before (issue 7's band)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest_volume import MIN_USUAL_ROWS, day_volume_frame, usual_daily_rows
from pipelines.loading import FileOutcome, TableLoad
from quality.runner import run_suite
from quality.suites import DAY_VOLUME_BAND, contract_suite
from sources.registry import CONTRACTS

TABLE = "complaints_tickets"
MONDAY = dt.date(2022, 6, 27)


def file_log(path: Path, weeks: int) -> duckdb.DuckDBPyConnection:
    """A file log with ``weeks`` weeks before MONDAY: 100 rows on working days, 10 at
    weekends, in two files a day; and MONDAY itself already ingested once (400 rows)."""
    con = duckdb.connect(str(path))
    con.execute("create schema meta")
    con.execute("create table meta.ingest_files (table_name varchar, source_file varchar, "
                "partition_date date, encoding varchar, landed bigint, loaded bigint, "
                "quarantined bigint, run_id varchar, loaded_at timestamp)")
    for back in range(1, 7 * weeks + 1):
        day = MONDAY - dt.timedelta(days=back)
        rows = 10 if day.weekday() >= 5 else 100
        for half in ("a", "b"):
            con.execute("insert into meta.ingest_files values (?, ?, ?, 'utf-8', ?, ?, 0, "
                        "'r', now())", [TABLE, f"{day}/{half}.csv", day, rows // 2, rows // 2])
    con.execute("insert into meta.ingest_files values (?, 'x', ?, 'utf-8', 400, 400, 0, 'r', "
                "now())", [TABLE, MONDAY])
    return con


def test_usual_volume_is_the_same_weekdays_median_before_the_day(tmp_path: Path) -> None:
    with file_log(tmp_path / "w.duckdb", weeks=5) as con:
        usual = usual_daily_rows(con, TABLE, MONDAY - dt.timedelta(days=2), MONDAY)
        assert usual == {MONDAY - dt.timedelta(days=2): 10.0,  # a Saturday
                         MONDAY - dt.timedelta(days=1): 10.0,
                         MONDAY: 100.0}  # not its own 400 rows
        assert usual_daily_rows(con, "other_table", MONDAY, MONDAY) == {}


def test_a_day_without_two_weeks_of_history_is_not_judged(tmp_path: Path) -> None:
    with file_log(tmp_path / "w.duckdb", weeks=1) as con:
        assert usual_daily_rows(con, TABLE, MONDAY, MONDAY) == {}
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as con:  # first ingest: no file log
        assert usual_daily_rows(con, TABLE, MONDAY, MONDAY) == {}


def load_of(days: dict[dt.date, int]) -> TableLoad:
    files = [FileOutcome(f"{day}/t.csv", day, "utf-8", rows, rows, 0) for day, rows in days.items()]
    return TableLoad(TABLE, pl.DataFrame(), pl.DataFrame(), files)


def test_a_collapsed_day_warns_without_blocking() -> None:
    tuesday, wednesday = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)
    load = load_of({MONDAY: 95, tuesday: 5, wednesday: 3})
    usual = {MONDAY: 100.0, tuesday: 100.0, wednesday: MIN_USUAL_ROWS - 1.0}
    days = day_volume_frame(load, usual)
    assert days["partition_date"].to_list() == [MONDAY, tuesday]  # too small a usual: unjudged
    assert days["ratio_to_usual"].to_list() == [0.95, 0.05]

    contract = next(c for c in CONTRACTS if c.table_name == TABLE)
    specs = [s for s in contract_suite(contract) if s.target == "days"]
    assert [s.severity for s in specs] == ["warn"]
    collapsed = run_suite(TABLE, specs, {"days": days.to_pandas()}, keep_results=False)
    assert collapsed.passed and [o.success for o in collapsed.outcomes] == [False]
    usual_day = run_suite(TABLE, specs, {"days": days.head(1).to_pandas()}, keep_results=False)
    assert [o.success for o in usual_day.outcomes] == [True]
    assert DAY_VOLUME_BAND[0] < 0.95 < DAY_VOLUME_BAND[1]
