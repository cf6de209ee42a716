"""Data-operations facts: what landed per source and day, what the quality suites found, and
which catalogue categories have values.

These read the ``meta``, ``quality`` and ``indicators`` schemas rather than marts, and are not
scoped by place; each loader returns an empty frame when its table is absent. Whether a
source is late is judged by ``pipelines.freshness``, the rules the Dagster freshness checks
apply, so the page and the checks never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from cockpit import data
from pipelines.freshness import (
    LATEST_DAYS_SQL,
    SystemFreshness,
    TableFreshness,
    assess,
    by_system,
    deliveries_from_rows,
    reference_day,
)

DAILY_WINDOW_DAYS = 60

_FRESHNESS_SQL = """
select table_name, max(partition_date) as last_partition, count(*) as files,
       sum(landed) as landed, sum(loaded) as loaded, sum(quarantined) as quarantined,
       max(loaded_at) as last_loaded_at
from meta.ingest_files group by 1 order by 1
"""

_DAILY_SQL = """
select partition_date, sum(landed) as landed, sum(loaded) as loaded,
       sum(quarantined) as quarantined
from meta.ingest_files where partition_date > $since and partition_date <= $until
group by 1 order by 1
"""

# The latest result of each expectation, so a re-run replaces rather than adds.
_CHECKS_SQL = """
select asset_key, suite, expectation, column_name, severity, success, observed, checked_at
from quality.check_results
qualify row_number() over (
    partition by asset_key, expectation, coalesce(column_name, '') order by checked_at desc
) = 1
order by success, severity, asset_key, expectation
"""

_COVERAGE_SQL = """
select c.category_code, c.name_zh, c.name_en, c.fact_model, c.cockpits, c.display_order,
       max(v.last_period) as last_period, coalesce(sum(v.value_rows), 0)::bigint as values
from indicators.catalog c
left join indicators.category_levels v
  on v.category_code = c.category_code and v.period_grain = 'month'
group by all order by c.display_order nulls last, c.category_code
"""


def freshness() -> pd.DataFrame:
    """Per landed table: last partition day, files, rows landed, loaded and quarantined."""
    if not data.has_columns("meta", "ingest_files", ("partition_date", "quarantined")):
        return pd.DataFrame()
    return data.query(_FRESHNESS_SQL)


@dataclass(frozen=True)
class Judged:
    """Every contracted table and every system judged against the landing zone's clock."""

    reference: date | None
    tables: list[TableFreshness]
    systems: list[SystemFreshness]


def judge() -> Judged:
    """Lag and state per table and per system, read with the checks' own query (call it
    only when ``freshness()`` found the file log)."""
    latest = data.query(LATEST_DAYS_SQL)
    deliveries = deliveries_from_rows(latest.itertuples(index=False))
    reference = reference_day(deliveries)
    tables = assess(deliveries, reference)
    return Judged(reference, tables, by_system(tables))


def daily(until: date) -> pd.DataFrame:
    """Rows landed, loaded and quarantined per partition day over the last weeks."""
    if not data.has_columns("meta", "ingest_files", ("partition_date", "quarantined")):
        return pd.DataFrame()
    since = until - timedelta(days=DAILY_WINDOW_DAYS)
    return data.query(_DAILY_SQL, {"since": since, "until": until})


def checks() -> pd.DataFrame:
    """The latest outcome of every quality expectation, failures first."""
    if not data.has_columns("quality", "check_results", ("success", "checked_at")):
        return pd.DataFrame()
    return data.query(_CHECKS_SQL)


def coverage() -> pd.DataFrame:
    """Each catalogue category with its latest month and number of monthly values."""
    return data.query(_COVERAGE_SQL)
