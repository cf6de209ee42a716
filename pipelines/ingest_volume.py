"""Is a day's volume usual? Each ingested day against the same weekday of the weeks before.

A system that half-stops (one county's feed lost, an export job cut short) still sends files
and valid rows, so the row checks pass; only the volume gives it away. Each day of a batch is
compared with the median of the rows loaded on the same weekday in the previous four weeks
(weekends and working days differ several-fold, so a plain trailing median would flag every
Saturday). Days without at least two such weeks of history, or whose usual volume is too
small for a ratio to mean anything, are not judged. The expectation is a warning: a holiday
is unusual too, and it must not hold back the other systems.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import duckdb
import polars as pl

from pipelines.loading import TableLoad

HISTORY_WEEKS = 4
MIN_HISTORY_WEEKS = 2
MIN_USUAL_ROWS = 20  # below this a day's ratio to its usual volume is mostly chance

USUAL_SQL = """
with history as (
    select partition_date, sum(loaded) as loaded
    from meta.ingest_files
    where table_name = $table and partition_date >= $first - $span and partition_date < $last
    group by partition_date
),
days as (
    select unnest(generate_series($first, $last, interval 1 day))::date as day
)
select days.day, median(history.loaded) as usual, count(*) as weeks
from days
inner join history
    on history.partition_date < days.day
    and history.partition_date >= days.day - $span
    and dayofweek(history.partition_date) = dayofweek(days.day)
group by days.day
having count(*) >= $min_weeks
"""


def usual_daily_rows(
    con: duckdb.DuckDBPyConnection, table: str, first: dt.date, last: dt.date
) -> dict[dt.date, float]:
    """Median rows loaded on the same weekday in the ``HISTORY_WEEKS`` weeks before each day
    of ``first``..``last``, from the file log (days re-ingested now are not their own
    history: only earlier days count)."""
    # here, not at the top: the module serves the pre-validation worker, which must not
    # pay for importing Dagster (pipelines.resources)
    from pipelines.resources import table_exists

    if not table_exists(con, "meta", "ingest_files"):
        return {}
    rows = con.execute(
        USUAL_SQL,
        {"table": table, "first": first, "last": last, "span": 7 * HISTORY_WEEKS,
         "min_weeks": MIN_HISTORY_WEEKS},
    ).fetchall()
    return {day: float(usual) for day, usual, _ in rows}


def day_volume_frame(load: TableLoad, usual: dict[dt.date, float]) -> pl.DataFrame:
    """One row per judged day of the batch: rows loaded, the usual volume and their ratio."""
    loaded: dict[dt.date, int] = defaultdict(int)
    for outcome in load.files:
        loaded[outcome.partition_date] += outcome.loaded
    rows = [
        {"partition_date": day, "loaded": loaded.get(day, 0), "usual": expected,
         "ratio_to_usual": loaded.get(day, 0) / expected}
        for day, expected in sorted(usual.items())
        if expected >= MIN_USUAL_ROWS
    ]
    schema = {"partition_date": pl.Date, "loaded": pl.Int64, "usual": pl.Float64,
              "ratio_to_usual": pl.Float64}
    return pl.DataFrame(rows, schema=schema)
