"""Expectations on the built warehouse: the marts and the indicator values (issue 7).

The ingest suites guard what arrives; these guard what the pipeline made of it, before it is
published: rates are fractions (each rate category's smallest and largest value), every
category computed over a handful of records in each of the last three months reports this
month too, no duration is negative, and this month's volumes sit within a band of the
recent months. The frames are computed in DuckDB and validated by Great Expectations with
the same runner and results history as the ingest suites.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from quality.suites import ExpectationSpec

SUITE_NAME = "warehouse"
# this month's volume against the median of the six before it: outside this band is unusual
VOLUME_BAND = (0.25, 4.0)
# a duration column: its name says it counts days, hours or minutes between two events
DURATION_PATTERN = r"^(days|hours|minutes)_to_|_(days|hours|minutes)$"

# One row per rate category: its smallest and largest value over every period and slice.
# Validating the 1.6M values themselves (full scale) fetched them into pandas first: 1.3 s
# of the suite's 2.7 s, for the same verdict.
RATES_SQL = """
select v.category_code, min(v.value) as min_value, max(v.value) as max_value,
       count(v.value) as values_checked
from indicators."values" as v
inner join indicators.catalog as c using (category_code)
where c.unit_en = '%' and c.measure in ('ratio', 'share')
group by v.category_code
order by v.category_code
"""

COVERAGE_SQL = """
with latest as (
    select max(month_start) as month_start from marts.dim_date
),
city as (
    select category_code, period_start, coalesce(denominator, numerator) as volume
    from indicators."values"
    where geo_level = 'city' and department_code = 'ALL' and period_grain = 'month'
),
regular as (
    -- categories computed over at least a handful of records in each of the three months
    -- before the latest: for them a missing month is a feed that stopped, not chance
    select city.category_code
    from city, latest
    where city.period_start >= latest.month_start - interval 3 month
      and city.period_start < latest.month_start
      and city.volume >= 5
    group by city.category_code
    having count(distinct city.period_start) = 3
)
select
    regular.category_code,
    case when exists (
        select 1 from city, latest
        where city.category_code = regular.category_code
          and city.period_start = latest.month_start
    ) then 0 else 1 end as missing_latest
from regular
"""

VOLUME_SQL = """
with latest as (
    select max(month_start) as month_start from marts.dim_date
),
city as (
    select v.category_code, v.period_start, v.value
    from indicators."values" as v
    inner join indicators.catalog as c using (category_code)
    where c.measure in ('count', 'sum') and c.additive
      and v.geo_level = 'city' and v.department_code = 'ALL' and v.period_grain = 'month'
),
recent as (
    select city.category_code, median(city.value) as recent_median
    from city, latest
    where city.period_start >= latest.month_start - interval 6 month
      and city.period_start < latest.month_start
    group by city.category_code
)
select city.category_code, city.value, recent.recent_median,
       city.value / recent.recent_median as ratio_to_recent
from city
inner join recent using (category_code)
inner join latest on city.period_start = latest.month_start
where recent.recent_median > 0
"""


def duration_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(mart, column) of every numeric duration column of the marts."""
    return con.execute(
        """select table_name, column_name from information_schema.columns
           where table_schema = 'marts' and regexp_matches(column_name, ?)
             and data_type in ('INTEGER', 'BIGINT', 'DOUBLE', 'FLOAT', 'HUGEINT')
             or (table_schema = 'marts' and regexp_matches(column_name, ?)
                 and data_type like 'DECIMAL%')
           order by 1, 2""",
        [DURATION_PATTERN, DURATION_PATTERN],
    ).fetchall()


def durations_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The smallest value of every duration column (a negative one means events out of order)."""
    rows = []
    for table, column in duration_columns(con):
        smallest = con.execute(f'select min("{column}") from marts."{table}"').fetchall()[0][0]
        rows.append({"mart": table, "column": column,
                     "min_value": float(smallest) if smallest is not None else 0.0})
    return pd.DataFrame(rows, columns=["mart", "column", "min_value"])


def warehouse_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    return {
        "rates": con.execute(RATES_SQL).df(),
        "coverage": con.execute(COVERAGE_SQL).df(),
        "volume": con.execute(VOLUME_SQL).df(),
        "durations": durations_frame(con),
    }


def warehouse_suite() -> list[ExpectationSpec]:
    low, high = VOLUME_BAND
    return [
        ExpectationSpec("ExpectColumnValuesToBeBetween",
                        {"column": "min_value", "min_value": 0.0},
                        target="rates"),  # type: ignore[arg-type]
        ExpectationSpec("ExpectColumnValuesToBeBetween",
                        {"column": "max_value", "max_value": 1.0},
                        target="rates"),  # type: ignore[arg-type]
        ExpectationSpec("ExpectColumnValuesToBeBetween",
                        {"column": "missing_latest", "min_value": 0, "max_value": 0},
                        target="coverage"),  # type: ignore[arg-type]
        ExpectationSpec("ExpectColumnValuesToBeBetween",
                        {"column": "min_value", "min_value": 0.0},
                        target="durations"),  # type: ignore[arg-type]
        ExpectationSpec("ExpectColumnValuesToBeBetween",
                        {"column": "ratio_to_recent", "min_value": low, "max_value": high},
                        severity="warn", target="volume"),  # type: ignore[arg-type]
    ]
